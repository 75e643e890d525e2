#!/bin/bash
# ikev1-renew-isakmp: the ISAKMP SA is renewed by both sides in turn under a ping, fail closed.
# ipsecd (initiator, IKEv1 PSK, ike.lifetime 30s) -> strongSwan charon (version = 1); both netns
# route the other's inner subnet over the underlay, so traffic that lost its policies WOULD
# leave in clear. While a ping runs (5 a second): ipsecd renews the ISAKMP SA with a new Main
# Mode at 80-90% of its lifetime and charon adopts the CHILD SA ("detected reauth"); the old
# ISAKMP SA is deleted 10 s later. Then charon renews it (swanctl --rekey --ike: IKEv1's
# reauthentication) and ipsecd adopts the IPsec SAs. Throughout: the CHILD SA (same SPIs) stays
# installed on both sides, at most 2 pings lost, ESP counters rising, and a capture on the
# wire holds not one ICMP packet between the protected subnets in clear.
source "$(dirname "$0")/../interop.sh"
export IKE_VERSION=1 IKE_PROPOSALS=aes256-sha256-modp2048 ESP_PROPOSALS=aes256-sha256

# ike_sas_in_charon: charon's established IKE SAs of the connection
ike_sas_in_charon() { swanctl_ b --list-sas | grep -c '^ipsecd: #.*ESTABLISHED'; }
# one_of_each: one ISAKMP SA in ipsecd and in charon, and charon's CHILD SA installed
one_of_each() {
  [ "$(ike_sas_in_charon)" = 1 ] && charon_child_up && [ "$(ctl a status --json | python3 -c \
    'import json,sys; print(len(json.load(sys.stdin)["connections"][0]["ike_sas"]))')" = 1 ]
}

mk_topology
inner_routes   # the routes a fail-open would use
mark topology
charon_peer no psk
start_charon b b
site_peer a $IP_A $IP_B a.lab b.lab $NET_A $NET_B up "psk=$PSK" "" "lifetime: 30s"
capture
start_ipsecd a a
wait_up a site
wait_for 10 charon_child_up || { swanctl_ b --list-sas; die "no CHILD SA installed in charon"; }
mark sa_up
spi=$(child_spi a)
ip netns exec a ping -n -i 0.2 -W 1 -I $IN_A $IN_B > "$OUT/ping.out" 2>&1 &
PING=$!
sleep 2
esp_after "the start"

# ipsecd renews (at 24-27 s of the 30 s), charon adopts; the old ISAKMP SA goes 10 s later
wait_for 35 grep -q 'renewing with a new Main Mode' "$OUT/ipsecd-a.log" \
  || { tail -20 "$OUT/ipsecd-a.log"; die "ipsecd did not renew the ISAKMP SA"; }
mark ipsecd_renews
wait_for 10 grep -q 'detected reauth of existing IKE_SA, adopting 1 children' "$OUT/charon-b.log" \
  || { tail -30 "$OUT/charon-b.log"; die "charon did not adopt the CHILD SA into the new ISAKMP SA"; }
wait_for 15 one_of_each || { swanctl_ b --list-sas; ctl a status; die "the old ISAKMP SA was not deleted"; }
mark ipsecd_renewed
[ "$(child_spi a)" = "$spi" ] || die "the IPsec SA changed with the ISAKMP SA ($spi -> $(child_spi a))"
esp_after "ipsecd's renewal"

# charon renews (IKEv1 has only reauthentication); ipsecd adopts the IPsec SAs
swanctl_ b --rekey --ike ipsecd > "$OUT/rekey-ike.out" 2>&1 || { cat "$OUT/rekey-ike.out"; die "swanctl --rekey --ike"; }
wait_for 10 eval '[ "$(grep -c "IPsec SA(s) move there" "$OUT/ipsecd-a.log")" -ge 2 ]' \
  || { tail -20 "$OUT/ipsecd-a.log"; die "ipsecd did not adopt the IPsec SAs into charon's new ISAKMP SA"; }
mark charon_renews
wait_for 15 one_of_each || { swanctl_ b --list-sas; ctl a status; die "the ISAKMP SA charon replaced was not deleted"; }
mark charon_renewed
[ "$(child_spi a)" = "$spi" ] || die "the IPsec SA changed with the ISAKMP SA ($spi -> $(child_spi a))"
esp_after "charon's renewal"

kill -INT "$PING"; wait "$PING" 2>/dev/null
sed -n '/statistics/,$p' "$OUT/ping.out"
grep -E 'renew|ISAKMP SA (established|renewed)|deleted the ISAKMP' "$OUT/ipsecd-a.log" | sed 's/^/  ipsecd: /'
grep -E 'detected reauth|reauthenticating|DELETE for IKE_SA|deleting IKE_SA' "$OUT/charon-b.log" | sed 's/^/  charon: /'
lost=$(awk '/packets transmitted/{print $1 - $4}' "$OUT/ping.out")
[ -n "$lost" ] && [ "$lost" -le 2 ] || die "$lost pings lost across the renewals"
log "$lost pings lost across the renewals"
none_in_clear 101

stop_ipsecd a
no_xfrm a "after SIGTERM"
wait_for 10 eval "! swanctl_ b --list-sas | grep -q ipsecd" \
  || { swanctl_ b --list-sas; die "charon still holds the IKE SA after ipsecd's SIGTERM"; }
mark done
cat "$OUT/timings"
