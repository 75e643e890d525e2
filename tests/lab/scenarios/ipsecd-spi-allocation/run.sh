#!/bin/bash
# ipsecd-spi-allocation: inbound CHILD SA SPIs come from the kernel (XFRM_MSG_ALLOCSPI), so
# ipsecd never takes an SPI another SA of the host holds. Both peers run with --spi-range
# 0xc0000000-0xc0000002; in each netns two SAs added with `ip xfrm state add` (as manual keying
# or another IKE daemon would) hold 0xc0000000 and 0xc0000001 towards that host: the CHILD
# SA's inbound SPI is 0xc0000002 on both sides and pings pass through it. Then b's last SPI
# is held too: b refuses the next CHILD SA (NO_PROPOSAL_CHOSEN) and a deletes the larval SA
# it had reserved at once (not after the kernel's 30 s acquire timeout). With a's last SPI
# held, a's `ipsecctl up` fails before IKE_AUTH. SIGTERM leaves the held SAs alone.
source "$(dirname "$0")/../../lib.sh"
source "$(dirname "$0")/../../ipsecd.sh"
PSK='lab-psk-0123456789abcdef0123456789'
RANGE=0xc0000000-0xc0000002
mk_topology
mark topology

# hold NS SRC DST SPI: an ESP SA not ipsecd's, holding SPI towards DST
hold() {
  ip -n "$1" xfrm state add src "$2" dst "$3" proto esp spi "$4" mode tunnel \
    aead 'rfc4106(gcm(aes))' 0x$(printf '11%.0s' {1..20}) 128 || die "ip xfrm state add spi $4 in $1"
}
# held NS: the SPIs of NS's SAs, sorted, on one line. Not SPI 0: a failed XFRM_MSG_ALLOCSPI
# leaves the kernel's own acquire state without an SPI, which expires by itself
# (net.core.xfrm_acq_expires) and holds no SPI.
held() { ip -n "$1" xfrm state | sed -n 's/.* spi \(0x[0-9a-f]*\) .*/\1/p' | grep -v '^0x00000000$' | sort | tr '\n' ' '; }

for spi in 0xc0000000 0xc0000001; do
  hold a 192.0.2.2 192.0.2.1 $spi
  hold b 192.0.2.1 192.0.2.2 $spi
done
site_pair "psk=$PSK"
start_ipsecd b b --spi-range $RANGE
start_ipsecd a a --spi-range $RANGE
wait_up a site
wait_up b site
[ "$(child_spi a)" = 0xc0000002 ] || { ctl a status; die "a's inbound SPI is $(child_spi a), not the free 0xc0000002"; }
[ "$(child_spi b)" = 0xc0000002 ] || { ctl b status; die "b's inbound SPI is $(child_spi b), not the free 0xc0000002"; }
log "inbound SPIs: a $(child_spi a), b $(child_spi b); a's SAs: $(held a)"
ping_through a 10.1.0.1 10.2.0.1 5
show_xfrm a
mark allocated

ctl a down site || die "ipsecctl down site"
wait_for 10 eval '[ "$(xfrm_states a)$(xfrm_states b)" = 22 ]' || die "a and b hold more than the two held SAs after down"

# b has no SPI left: it refuses the CHILD SA; a's larval SA goes with the refusal
hold b 192.0.2.1 192.0.2.2 0xc0000002
ctl a up site && die "up succeeded although b has no SPI left"
grep -q 'cannot reserve an inbound SPI' "$OUT/ipsecd-b.log" || die "b did not log the SPI shortage"
[ "$(held a)" = "0xc0000000 0xc0000001 " ] || { ip -n a xfrm state; die "a kept a larval SA after the refusal: $(held a)"; }
log "after b's refusal a holds only $(held a)"
mark refused_by_b
ctl a down site

# a has no SPI left: up fails before IKE_AUTH, naming the child
hold a 192.0.2.2 192.0.2.1 0xc0000002
out=$(ctl a up site 2>&1) && die "up succeeded although a has no SPI left"
log "ipsecctl up: $out"
grep -q 'cannot reserve an inbound SPI' "$OUT/ipsecd-a.log" || die "a did not log the SPI shortage"
[ "$(held a)" = "0xc0000000 0xc0000001 0xc0000002 " ] || { ip -n a xfrm state; die "a's SAs changed: $(held a)"; }
mark refused_by_a

stop_ipsecd a
stop_ipsecd b
[ "$(held a)" = "0xc0000000 0xc0000001 0xc0000002 " ] || die "SIGTERM touched a's held SAs: $(held a)"
[ "$(held b)" = "0xc0000000 0xc0000001 0xc0000002 " ] || die "SIGTERM touched b's held SAs: $(held b)"
[ "$(xfrm_policies a)$(xfrm_policies b)" = 00 ] || die "policies left after SIGTERM"
mark done
cat "$OUT/timings"
