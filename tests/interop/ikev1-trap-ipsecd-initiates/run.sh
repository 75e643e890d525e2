#!/bin/bash
# ikev1-trap-ipsecd-initiates: start: trap over IKEv1 (version: 1 on both sides, Main Mode +
# Quick Mode, PSK) against charon. ipsecd traps its child (policies with a template and no
# SA) and sends nothing until a ping 10.1.0.1 -> 10.2.0.1 makes the kernel raise an acquire:
# Main Mode and Quick Mode bring the tunnel up and the ping goes through ESP. charon then
# deletes the IPsec SA, later the ISAKMP SA (close_action trap, the default of start: trap):
# ipsecd's policies stay, it brings nothing back by itself, and the next ping brings back the
# IPsec SA (a Quick Mode over the ISAKMP SA), then both (a Main Mode). Both netns route the
# other's subnet over the underlay, so traffic without its policies WOULD leave in clear: the
# capture holds not one clear ICMP packet between the subnets.
export IKE_VERSION=1 IKE_PROPOSALS=aes256-sha256-modp2048 ESP_PROPOSALS=aes256-sha256
source "$(dirname "$0")/../interop.sh"

# ping_through WHAT: a ping whose first packets are dropped while their acquire is
# negotiated runs until charon holds the CHILD SA; then 10 pings, at least 9 answered
ping_through() {
  local pid up=0 got
  ip netns exec a ping -n -i 0.2 -W 1 -I 10.1.0.1 10.2.0.1 > "$OUT/ping-$1-acquire.out" 2>&1 &
  pid=$!
  wait_for 30 charon_child_up || up=$?
  kill -INT "$pid"; wait "$pid" 2>/dev/null
  [ "$up" = 0 ] || { tail -30 "$OUT/ipsecd-a.log"; die "no CHILD SA in charon 30 s after ping $1 began"; }
  ip netns exec a ping -n -c 10 -i 0.2 -W 1 -I 10.1.0.1 10.2.0.1 > "$OUT/ping-$1.out" 2>&1
  got=$(awk '/received/ {print $4}' "$OUT/ping-$1.out")
  log "ping $1: $(grep -c 'bytes from' "$OUT/ping-$1-acquire.out") answered while the CHILD SA came up, then ${got:-0} of 10"
  [ "${got:-0}" -ge 9 ] || { cat "$OUT/ping-$1.out"; die "ping $1: ${got:-0} of 10 answered"; }
}
# charon_deletes WHAT SWANCTL_ARGS...: charon deletes WHAT (swanctl --terminate ARGS); for 3 s
# without traffic a's policies stay and nothing comes back; then a ping brings it back
charon_deletes() {
  local what=$1 file=${1// /-}; shift
  swanctl_ b --terminate "$@" --timeout 10 > "$OUT/terminate-$file.out" 2>&1 \
    || { cat "$OUT/terminate-$file.out"; die "swanctl --terminate $*"; }
  log "charon deleted the $what"
  sleep 3
  [ "$(ip -n a xfrm policy | grep -c 'src 10.1.0.0/24 dst 10.2.0.0/24')" = 1 ] \
    || { ip -n a xfrm policy; die "a's outbound policy went with the $what"; }
  ! charon_child_up || { swanctl_ b --list-sas; die "a CHILD SA came back after the $what delete without traffic"; }
  log "after the $what delete: the policies stay, nothing brought back without traffic"
  ping_through "after-$file-delete"
}

mk_topology
inner_routes   # the routes a fail-open would use
mark topology
charon_peer no psk
start_charon b b
site_peer a 192.0.2.1 192.0.2.2 a.lab b.lab 10.1.0.0/24 10.2.0.0/24 trap "psk=$PSK"
capture
start_ipsecd a a
wait_for 10 grep -q "CHILD SA net trapped" "$OUT/ipsecd-a.log" || { tail -20 "$OUT/ipsecd-a.log"; die "ipsecd did not trap net"; }
[ "$(xfrm_policies a)" = 3 ] || { ip -n a xfrm policy; die "a holds $(xfrm_policies a) policies, not out/in/fwd"; }
sleep 2
[ "$(xfrm_states a)" = 0 ] || { ip -n a xfrm state; die "a holds SAs before any traffic"; }
[ -z "$(swanctl_ b --list-sas)" ] || { swanctl_ b --list-sas; die "charon has an SA before any traffic"; }
mark trapped

ping_through first
grep -q 'kernel acquire for 10.1.0.1/32 -> 10.2.0.1/32: initiating Main Mode' "$OUT/ipsecd-a.log" \
  || die "ipsecd logged no acquire that initiated"
wait_up a site
mark up_by_acquire

charon_deletes "IPsec SA" --child net
grep -q 'kernel acquire for .*: Quick Mode for net$' "$OUT/ipsecd-a.log" || die "the acquire over the ISAKMP SA started no Quick Mode"
mark child_back

charon_deletes "ISAKMP SA" --ike ipsecd
[ "$(grep -c 'kernel acquire for .*: initiating Main Mode$' "$OUT/ipsecd-a.log")" = 2 ] || die "not one Main Mode per acquire without an ISAKMP SA"
wait_up a site
mark ike_back

none_in_clear 30
clear_after_down
mark done
cat "$OUT/timings"
