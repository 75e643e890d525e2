#!/bin/bash
# close-charon-deletes: fail closed from start to down (DESIGN "close_action"). ipsecd (start:
# up, so close_action: restart) -> charon; both netns route the other's inner subnet over the
# underlay, so traffic that lost its policies WOULD leave in clear. While a ping 10.1.0.1 ->
# 10.2.0.1 runs (5 a second), charon deletes the CHILD SA, then the IKE SA (swanctl
# --terminate); ipsecd keeps its policies (traffic blocked) and re-initiates after about a
# second each time. A capture on the wire (what either side sends) holds not one ICMP packet
# between the protected subnets, ESP resumes after each delete, and ipsecd logs each attempt.
source "$(dirname "$0")/../interop.sh"

mk_topology
inner_routes   # the routes a fail-open would use
mark topology
charon_peer no psk
start_charon b b
site_peer a 192.0.2.1 192.0.2.2 a.lab b.lab 10.1.0.0/24 10.2.0.0/24 up "psk=$PSK"
capture
start_ipsecd a a
wait_up a site
wait_for 10 charon_child_up || { swanctl_ b --list-sas; die "no CHILD SA installed in charon"; }
mark sa_up

ip netns exec a ping -n -i 0.2 -W 1 -I 10.1.0.1 10.2.0.1 > "$OUT/ping.out" 2>&1 &
PING=$!
sleep 2
esp_after "the start"

swanctl_ b --terminate --child net --timeout 10 > "$OUT/terminate-child.out" 2>&1 \
  || { cat "$OUT/terminate-child.out"; die "swanctl --terminate --child"; }
log "charon deleted the CHILD SA"
[ "$(ip -n a xfrm policy | grep -c 'src 10.1.0.0/24 dst 10.2.0.0/24')" = 1 ] \
  || { ip -n a xfrm policy; die "a's outbound policy went with the CHILD SA"; }
wait_for 15 charon_child_up || { tail -30 "$OUT/ipsecd-a.log"; die "ipsecd did not bring the CHILD SA back"; }
mark child_back
esp_after "charon's CHILD SA delete"

swanctl_ b --terminate --ike ipsecd --timeout 10 > "$OUT/terminate-ike.out" 2>&1 \
  || { cat "$OUT/terminate-ike.out"; die "swanctl --terminate --ike"; }
log "charon deleted the IKE SA"
[ "$(ip -n a xfrm policy | grep -c 'src 10.1.0.0/24 dst 10.2.0.0/24')" = 1 ] \
  || { ip -n a xfrm policy; die "a's outbound policy went with the IKE SA"; }
wait_for 15 charon_child_up || { tail -30 "$OUT/ipsecd-a.log"; die "ipsecd did not re-establish the IKE SA"; }
wait_up a site
mark ike_back
esp_after "charon's IKE SA delete"

kill -INT "$PING"; wait "$PING" 2>/dev/null
sed -n '/statistics/,$p' "$OUT/ping.out"
grep -E 'restarting|attempt|up again' "$OUT/ipsecd-a.log" | sed 's/^/  ipsecd: /'
grep -q 'CHILD SA net up again after' "$OUT/ipsecd-a.log" || die "ipsecd logged no re-established CHILD SA"
none_in_clear 21
clear_after_down
mark done
cat "$OUT/timings"
