#!/bin/bash
# ipsecd-spi-allocation: inbound CHILD SA SPIs come from the kernel (XFRM_MSG_ALLOCSPI), so
# ipsecd never takes an SPI another SA of the host holds. Both peers run with --spi-range
# 0xc0000000-0xc000003f; in each netns SAs added with `ip xfrm state add` (as manual keying or
# another IKE daemon would) hold every even SPI of it towards that host. Over three up/down
# rounds each CHILD SA's inbound SPI is an odd one of the range on both sides (a random pick
# would have hit a held one with probability 1/2 each time) and pings pass. Then b holds
# its whole range: b refuses the CHILD SA (NO_PROPOSAL_CHOSEN) and a deletes the larval SA
# it had reserved at once, not after the kernel's acquire timeout (30 s). With a's whole
# range held, a's `ipsecctl up` fails before IKE_AUTH. SIGTERM leaves the held SAs alone.
# (Not a range with one SPI free: the kernel probes a range with as many random picks as it
# has SPIs, so a nearly full range can fail to yield its last free SPI.)
source "$(dirname "$0")/../../lib.sh"
source "$(dirname "$0")/../../ipsecd.sh"
PSK='lab-psk-0123456789abcdef0123456789'
mk_topology
mark topology

# hold NS SRC DST FIRST STEP: ESP SAs not ipsecd's, holding SPIs 0xc00000FIRST.., every STEP, to
# 0xc000003f (one batch, builtins only: a fork per SA cost seconds in UML)
KEY=0x$(printf '11%.0s' {1..20})
hold() {
  local i
  for i in $(seq "$4" "$5" 63); do
    printf 'xfrm state add src %s dst %s proto esp spi 0x%x mode tunnel aead rfc4106(gcm(aes)) %s 128\n' \
      "$2" "$3" $((0xc0000000 + i)) "$KEY"
  done > "$W/hold-$1"
  ip -n "$1" -batch "$W/hold-$1" || die "ip xfrm state add in $1"
}
# held NS: how many SAs of NS have an SPI of the range
held() { ip -n "$1" xfrm state | grep -c ' spi 0xc00000[0-9a-f][0-9a-f] '; }
# inbound_spi NAME: spi_in of the CHILD SA of peer NAME's established IKE SA of "site"
inbound_spi() {
  ctl "$1" status --json | python3 -c '
import json, sys
for sa in json.load(sys.stdin)["connections"][0]["ike_sas"]:
    if sa["state"] == "established" and sa["children"]: print(sa["children"][0]["spi_in"])'
}
# odd_in_range SPI: 0xc0000001, 0xc0000003, ... 0xc000003f
odd_in_range() { [ -n "$1" ] && (( $1 >= 0xc0000000 && $1 <= 0xc000003f && $1 % 2 == 1 )); }

hold a 192.0.2.2 192.0.2.1 0 2
hold b 192.0.2.1 192.0.2.2 0 2
[ "$(held a)$(held b)" = 3232 ] || die "held $(held a) in a, $(held b) in b, not 32 each"
site_pair "psk=$PSK"
start_ipsecd b b --spi-range 0xc0000000-0xc000003f
start_ipsecd a a --spi-range 0xc0000000-0xc000003f
for round in 1 2 3; do
  [ "$round" = 1 ] || ctl a up site || die "ipsecctl up site (round $round)"
  wait_up a site
  wait_up b site
  spi_a=$(inbound_spi a) spi_b=$(inbound_spi b)
  odd_in_range "$spi_a" || { ctl a status; die "a's inbound SPI '$spi_a' is held or outside the range"; }
  odd_in_range "$spi_b" || { ctl b status; die "b's inbound SPI '$spi_b' is held or outside the range"; }
  log "round $round: inbound SPIs a $spi_a, b $spi_b (free ones)"
  ping_through a 10.1.0.1 10.2.0.1 3
  ctl a down site || die "ipsecctl down site"
  wait_for 10 eval '[ "$(xfrm_states a)$(xfrm_states b)" = 3232 ]' \
    || die "after down: $(xfrm_states a) SAs in a, $(xfrm_states b) in b, not the 32 held"
done
mark allocated

# b has no SPI left: it refuses the CHILD SA; a's larval SA goes with the refusal
hold b 192.0.2.1 192.0.2.2 1 2
ctl a up site
wait_for 5 grep -q 'cannot reserve an inbound SPI' "$OUT/ipsecd-b.log" || die "b did not log the SPI shortage"
ctl a status --json | grep -q '"state":"partial"' || { ctl a status; die "a is not partial although b has no SPI left"; }
# (within 3 s: a's start: up child is retried meanwhile, each retry reserving an SPI again)
wait_for 3 eval '[ "$(held a)" = 32 ]' || { ip -n a xfrm state | grep spi; die "a kept a larval SA after the refusal: $(held a) SAs"; }
log "after b's refusal a holds only its 32 SAs"
mark refused_by_b
ctl a down site

# a has no SPI left: up fails before IKE_AUTH, naming the child
hold a 192.0.2.2 192.0.2.1 1 2
out=$(ctl a up site 2>&1) && die "up succeeded although a has no SPI left"
log "ipsecctl up: $out"
grep -q 'cannot reserve an inbound SPI' "$OUT/ipsecd-a.log" || die "a did not log the SPI shortage"
ctl a down site
mark refused_by_a

stop_ipsecd a
stop_ipsecd b
[ "$(held a)$(held b)" = 6464 ] || die "SIGTERM touched the held SAs: $(held a) in a, $(held b) in b"
[ "$(xfrm_policies a)$(xfrm_policies b)" = 00 ] || die "policies left after SIGTERM"
mark done
cat "$OUT/timings"
