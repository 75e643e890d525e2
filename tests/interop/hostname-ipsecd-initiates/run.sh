#!/bin/bash
# hostname-ipsecd-initiates: ipsecd's remote.address is a host name from the guest's /etc/hosts
# (gw-b.lab -> 192.0.2.2, in a copy bind-mounted over the read-only one for this scenario).
# ipsecd (start: up) resolves it off its event loop, logs the answer and brings the tunnel up
# to strongSwan charon: pings through ESP both ways, D-Bus RemoteAddress shows the address the
# name resolved to. hostname-unresolved-blocks has a name that does not resolve.
source "$(dirname "$0")/../interop.sh"
private_hosts gw-b.lab $IP_B

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

mark done
cat "$OUT/timings"
