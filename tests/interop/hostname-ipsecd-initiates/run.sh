#!/bin/bash
# hostname-ipsecd-initiates: ipsecd's remote.address is a host name from the guest's /etc/hosts
# (gw-b.lab -> 192.0.2.2, in a copy bind-mounted over the read-only one for this scenario).
# ipsecd (start: up) resolves it off its event loop, logs the answer and brings the tunnel up
# to strongSwan charon: pings through ESP both ways, D-Bus RemoteAddress shows the address the
# name resolved to. Then a name that resolves nowhere (nowhere.lab): the attempt fails with
# HostUnresolved, is retried with back-off, and the configured subnets are blocked meanwhile:
# a ping from 10.1.0.1 to 10.2.0.1 never leaves netns a in clear.
source "$(dirname "$0")/../interop.sh"
cp /etc/hosts "$W/hosts" && echo "$IP_B gw-b.lab" >> "$W/hosts" && mount --bind "$W/hosts" /etc/hosts \
  || die "a private /etc/hosts"
trap 'rc=$?; umount /etc/hosts 2>/dev/null; (exit $rc); dump_on_failure' EXIT
log "guest /etc/hosts: $(getent hosts gw-b.lab)"

mk_topology
mark topology
charon_peer no psk ""
start_charon b b
site_peer a $IP_A gw-b.lab a.lab b.lab $NET_A $NET_B up "psk=$PSK"
grep -q 'address: gw-b.lab' "$W/a/conf/ipsecd.yaml" || die "the configuration does not name gw-b.lab"
"$IPSECD" --check --config-dir "$W/a/conf" || die "ipsecd --check refuses a host name"
start_ipsecd a a
wait_up a site
mark sa_up
grep -q "resolving gw-b.lab: $IP_B" "$OUT/ipsecd-a.log" || { cat "$OUT/ipsecd-a.log"; die "no 'resolving gw-b.lab: $IP_B' logged"; }
grep -q "initiating IKE SA to $IP_B:500" "$OUT/ipsecd-a.log" || die "not initiated to the resolved address"
log "ipsecd log: $(grep -m1 'resolving gw-b.lab:' "$OUT/ipsecd-a.log")"
remote=$(busctl --address "unix:path=$W/a/bus.sock" get-property org.ipsecd1 /org/ipsecd1/connection/site \
  org.ipsecd1.Connection RemoteAddress) || die "busctl get-property RemoteAddress"
[ "$remote" = "s \"$IP_B\"" ] || die "RemoteAddress is $remote, want the resolved $IP_B"
log "D-Bus RemoteAddress: $remote"
ping_through a $IN_A $IN_B 5
ping_through b $IN_B $IN_A 3
mark ping_ok
check_status a site tunnel 8
stop_ipsecd a
no_xfrm a "after SIGTERM"

# A name that does not resolve: fail closed, retried. With a route to 10.2.0.0/24 a packet
# that escaped the policies would leave in clear.
ip -n a route replace $NET_B via $IP_B
site_peer a $IP_A nowhere.lab a.lab b.lab $NET_A $NET_B up "psk=$PSK"
start_ipsecd a a
wait_for 10 eval "grep -q 'resolving nowhere.lab: ' '$OUT/ipsecd-a.log'" || die "no failed resolution logged"
log "ipsecd log: $(grep -m1 'resolving nowhere.lab: ' "$OUT/ipsecd-a.log")"
wait_for 10 eval "grep -q 'CHILD SA net not up (the peer.s host name did not resolve' '$OUT/ipsecd-a.log'" \
  || { tail -20 "$OUT/ipsecd-a.log"; die "the failed resolution is not a failed attempt"; }
up=$(ctl a up site 2>&1) && die "Up succeeded for nowhere.lab: $up"
case $up in *HostUnresolved*|*"host name did not resolve"*) ;; *) die "Up failed otherwise: $up" ;; esac
log "Up: $up"
ip -n a xfrm policy | grep -A1 "src $NET_A dst $NET_B" | grep -q 'dir out action block' \
  || { ip -n a xfrm policy; die "10.1.0.0/24 -> 10.2.0.0/24 is not blocked while the peer is unknown"; }
capture
ip netns exec a ping -n -c 3 -i 0.2 -W 1 -I $IN_A $IN_B > "$OUT/ping-blocked.out" 2>&1 && die "a ping passed without a tunnel"
stop_capture
n=$(clear_icmp "$OUT/wire-a.pcapng")
[ "$n" = 0 ] || die "$n ICMP packets left netns a in clear"
log "blocked: no ICMP in clear while nowhere.lab does not resolve"
stop_ipsecd a
no_xfrm a "after SIGTERM"
mark done
cat "$OUT/timings"
