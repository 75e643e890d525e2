#!/bin/bash
# ipsecd-rekey-child: two ipsecd peers with a 10 s CHILD SA lifetime (the shortest ipsecd
# accepts): the kernel's soft expire makes both peers rekey the CHILD SA with CREATE_CHILD_SA
# (make-before-break; both rekey at about the same time, so RFC 7296 2.8.1 collisions are
# likely) while ping runs through the tunnel. Every ping must be answered, the CHILD SA's SPIs
# must change at least twice, no ESP packet may be dropped for want of its SA, and after the
# rekeys only one SA pair stays in each kernel.
source "$(dirname "$0")/../../lib.sh"
source "$(dirname "$0")/../../ipsecd.sh"
mk_topology
# no inner_routes: ipsecd routes the peer's subnet in table 220
site_pair psk=lab-psk-rekey-0123456789abcdef0123 "lifetime: 10s"
start_ipsecd b b
start_ipsecd a a
wait_up a site
mark sa_up
first=$(child_spi a)
log "CHILD SA spi_in $first; pinging for 25 s across the rekeys"
ping_across_rekeys 25
mark ping_ok
# every ESP packet found its SA: neither side sent on a new SA before the other had it, nor
# on one the other had removed (RFC 7296 2.8; a lost ping is a coarser view of the same)
for ns in a b; do no_xfrm_drops $ns "across the rekeys" XfrmInNoStates XfrmOutNoStates; done
rekeys=$(grep -c 'rekeying CHILD SA' "$OUT/ipsecd-a.log" "$OUT/ipsecd-b.log" | awk -F: '{s+=$2} END{print s}')
log "rekeys started (both peers): $rekeys; collisions: $(cat "$OUT"/ipsecd-?.log | grep -c 'rekey collision')"
# (the kernel, not the status: the engine does not publish a CHILD SA the peer deleted, see
# tests/interop/rekey-charon-rekeys/pending)
! ip -n a xfrm state | grep -q "spi $first" || die "the first CHILD SA is still in a's kernel after 25 s with a 10 s lifetime"
[ "$rekeys" -ge 2 ] || die "fewer than 2 CHILD SA rekeys in 25 s"
wait_for 5 eval '[ "$(xfrm_states a)" = 2 ] && [ "$(xfrm_states b)" = 2 ]' \
  || die "old SAs left after the rekeys: $(xfrm_states a) in a, $(xfrm_states b) in b"
check_status a site tunnel 0  # (a fresh rekey may have no packets yet)
stop_pair
mark done
cat "$OUT/timings"
