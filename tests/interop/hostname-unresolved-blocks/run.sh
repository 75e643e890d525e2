#!/bin/bash
# hostname-unresolved-blocks: ipsecd's remote.address is a name that resolves nowhere
# (nowhere.lab, in no /etc/hosts and no DNS reachable from the netns); start: up. The failed
# resolution is logged and is a failed attempt retried with back-off, Up fails with
# HostUnresolved, and the configured subnets are blocked meanwhile: with a route to
# 10.2.0.0/24, a ping from 10.1.0.1 to 10.2.0.1 never leaves netns a in clear.
source "$(dirname "$0")/../interop.sh"
mk_topology
mark topology
# With this route a packet that escaped the policies would leave in clear.
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
