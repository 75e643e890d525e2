#!/bin/bash
# ikev1-libreswan-pluto-rekeys: Libreswan 4.10 pluto (initiator, `ikev2=no`,
# `encapsulation=yes`, salifetime=30s, ikelifetime=50s, rekeymargin=10s, rekeyfuzz=0%) ->
# ipsecd (responder, plain `version: 1`, every other key its default). NAT-T as pluto forces it
# (RFC 3947: port 4500, UDP-Encapsulated-Tunnel, ESP in UDP in both kernels). Under a ping that
# must lose nothing, pluto rekeys the IPsec SA (a new Quick Mode ipsecd answers, 10 s before
# the 30 s pluto offered and ipsecd took) and renews the ISAKMP SA with a new Main Mode, into
# which ipsecd moves the IPsec SAs. A capture on both sides holds no ICMP between the subnets in
# clear although both sides route them; SIGTERM deletes.
source "$(dirname "$0")/../libreswan.sh"
export IKE_VERSION=1

mk_topology
ip -n b route add "$NET_A" via "$IP_A" || die "route $NET_A in b"
mark topology
pluto_conf ikev2=no psk "encapsulation=yes
    salifetime=30s
    ikelifetime=50s
    rekeymargin=10s
    rekeyfuzz=0%"
plain_peer none
capture
start_pluto
start_ipsecd a a
mark daemons_up
whack_ --name ipsecd --initiate > "$OUT/whack-up.out" 2>&1 &
wait_up a site 30
wait_for 15 pluto_sa_up || { whack_ --status | tail -30; tail -30 "$OUT/pluto-b.log"; die "no IPsec SA in pluto"; }
mark sa_up
grep -v '^|' "$OUT/pluto-b.log" | grep -E 'established|NAT' | sed 's/^/pluto: /'
encapsulated_in_both "once up"
first=$(child_spi a)

log "IPsec SA spi_in $first; pinging 50 s, 5 a second, across pluto's rekeys"
ping_across_rekeys 50 $IN_A $IN_B
[ "$(isakmp_sas_in_pluto)" -ge 2 ] || { tail -30 "$OUT/pluto-b.log"; die "pluto established $(isakmp_sas_in_pluto) ISAKMP SAs, want a renewal"; }
[ "$(quick_modes_in_pluto pluto)" -ge 2 ] || die "pluto started $(quick_modes_in_pluto pluto) Quick Modes, want a rekey too"
grep -q 'IPsec SA(s) move there' "$OUT/ipsecd-a.log" || { tail -20 "$OUT/ipsecd-a.log"; die "ipsecd did not move the IPsec SAs into pluto's new ISAKMP SA"; }
! grep -q 'Quick Mode for net (rekey) started' "$OUT/ipsecd-a.log" || die "ipsecd rekeyed: pluto was to rekey first"
[ "$(child_spi a)" != "$first" ] || die "the IPsec SA's SPI did not change in 50 s of a 30 s lifetime"
no_xfrm_drops a "across pluto's rekeys" XfrmInNoStates
encapsulated_in_both "after pluto's rekeys"
mark pluto_rekeyed
log "pluto rekeyed: ISAKMP SAs $(isakmp_sas_in_pluto), Quick Modes started $(quick_modes_in_pluto pluto); spi_in now $(child_spi a)"

ping_through a $IN_A $IN_B 5
none_in_clear 8
mark ping_ok
sigterm_deletes_in_pluto
