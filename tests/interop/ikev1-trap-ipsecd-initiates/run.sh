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

# ping_through WHAT: 15 pings, the first ones dropped while the acquire is negotiated; at
# least 10 answered, and charon holds the CHILD SA
ping_through() {
  ip netns exec a ping -n -c 15 -i 0.2 -W 1 -I 10.1.0.1 10.2.0.1 > "$OUT/ping-$1.out" 2>&1
  local got
  got=$(awk '/received/ {print $4}' "$OUT/ping-$1.out")
  log "ping $1: ${got:-0} of 15 answered"
  [ "${got:-0}" -ge 10 ] || { cat "$OUT/ping-$1.out"; tail -30 "$OUT/ipsecd-a.log"; die "ping $1: ${got:-0} of 15 answered"; }
  charon_child_up || die "no CHILD SA in charon after ping $1"
}
# idle WHAT: 3 s without traffic after WHAT: a's policies stay, no CHILD SA comes back
idle() {
  sleep 3
  [ "$(ip -n a xfrm policy | grep -c 'src 10.1.0.0/24 dst 10.2.0.0/24')" = 1 ] \
    || { ip -n a xfrm policy; die "a's outbound policy went with $1"; }
  ! charon_child_up || { swanctl_ b --list-sas; die "a CHILD SA came back after $1 without traffic"; }
  log "after $1: the policies stay, nothing brought back without traffic"
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

swanctl_ b --terminate --child net --timeout 10 > "$OUT/terminate-child.out" 2>&1 \
  || { cat "$OUT/terminate-child.out"; die "swanctl --terminate --child"; }
log "charon deleted the IPsec SA"
idle "charon's IPsec SA delete"
ping_through after-child-delete
grep -q 'kernel acquire for .*: Quick Mode for net$' "$OUT/ipsecd-a.log" || die "the acquire over the ISAKMP SA started no Quick Mode"
mark child_back

swanctl_ b --terminate --ike ipsecd --timeout 10 > "$OUT/terminate-ike.out" 2>&1 \
  || { cat "$OUT/terminate-ike.out"; die "swanctl --terminate --ike"; }
log "charon deleted the ISAKMP SA"
idle "charon's ISAKMP SA delete"
ping_through after-ike-delete
[ "$(grep -c 'kernel acquire for .*: initiating Main Mode$' "$OUT/ipsecd-a.log")" = 2 ] || die "not one Main Mode per acquire without an ISAKMP SA"
wait_up a site
mark ike_back

stop_capture
clear=$(( $(clear_icmp "$OUT/wire-a.pcapng") + $(clear_icmp "$OUT/wire-b.pcapng") ))
esp=$(esp_sent "$OUT/wire-a.pcapng")
log "capture on the wire: a sent $esp ESP packets; $clear ICMP packets between the protected subnets sent in clear"
[ "$esp" -ge 30 ] || die "a sent only $esp ESP packets"
[ "$clear" = 0 ] || { tshark -r "$OUT/wire-a.pcapng" -Y 'sll.pkttype==4 && icmp' | head; die "$clear protected packets left in clear"; }

stop_ipsecd a
no_xfrm a "after SIGTERM"
# control: after the operator's down the policies are gone and the routes carry the ping in clear
CAPS=""
capture
sleep 1
ip netns exec a ping -n -c 3 -i 0.2 -W 1 -I 10.1.0.1 10.2.0.1 > "$OUT/ping-clear.out" 2>&1
stop_capture
control=$(clear_icmp "$OUT/wire-a.pcapng")
log "control after the operator's down: $control ICMP packets sent in clear by a"
[ "$control" -ge 3 ] || die "the capture does not see clear ICMP (control: $control packets)"
mark done
cat "$OUT/timings"
