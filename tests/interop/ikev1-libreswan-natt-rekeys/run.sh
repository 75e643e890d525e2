#!/bin/bash
# ikev1-libreswan-natt-rekeys: ipsecd (initiator, plain `version: 1`, PSK, IPsec SA lifetime 20 s,
# ISAKMP SA lifetime 40 s) -> Libreswan 4.10 pluto (`ikev2=no`, `encapsulation=yes`: pluto's
# NAT-D says it is behind a NAT, RFC 3947 3.2). IKE floats to port 4500, Quick Mode negotiates
# UDP-Encapsulated-Tunnel and both kernels do ESP-in-UDP (RFC 3948). Under a ping that must
# lose nothing but what pluto sends on a new pair before a can have it (below), ipsecd rekeys the IPsec SA (a new Quick Mode, make-before-break) and renews the
# ISAKMP SA (a new Main Mode, on port 4500 again); pluto expires each old pair at the lifetime
# ipsecd offered, after the rekey. Both sides route the other's subnet, so a lost policy would
# leak: a capture on both sides holds no ICMP between the subnets in clear; SIGTERM deletes.
source "$(dirname "$0")/../libreswan.sh"
export IKE_VERSION=1

mk_topology
ip -n b route add "$NET_A" via "$IP_A" || die "route $NET_A in b"
mark topology
pluto_conf ikev2=no psk encapsulation=yes
plain_peer up psk "lifetime: 20s" "lifetime: 40s"
capture
start_pluto
start_ipsecd a a
mark daemons_up
wait_up a site 30
wait_for 15 pluto_sa_up || { whack_ --status | tail -30; tail -30 "$OUT/pluto-b.log"; die "no IPsec SA in pluto"; }
mark sa_up
grep -v '^|' "$OUT/pluto-b.log" | grep -E 'established|NAT' | sed 's/^/pluto: /'
encapsulated_in_both "once up"
first=$(child_spi a)

# ipsecd rekeys the IPsec SA before 20 s and renews the ISAKMP SA before 40 s
log "IPsec SA spi_in $first; pinging 45 s, 5 a second, across ipsecd's rekeys"
ip netns exec a ping -n -q -c 225 -i 0.2 -W 2 -I $IN_A $IN_B > "$OUT/ping-rekey.out" 2>&1
grep -A1 statistics "$OUT/ping-rekey.out"
lost=$(awk '/packets transmitted/ {print $1 - $4}' "$OUT/ping-rekey.out")
grep -q 'renewing with a new Main Mode' "$OUT/ipsecd-a.log" || { tail -20 "$OUT/ipsecd-a.log"; die "ipsecd did not renew the ISAKMP SA"; }
[ "$(isakmp_sas_in_pluto)" -ge 2 ] || { tail -30 "$OUT/pluto-b.log"; die "pluto completed $(isakmp_sas_in_pluto) Main Modes, want 2"; }
[ "$(quick_modes_in_pluto ipsecd)" -ge 2 ] || die "pluto answered $(quick_modes_in_pluto ipsecd) Quick Modes, want a rekey too"
[ "$(child_spi a)" != "$first" ] || die "the IPsec SA's SPI did not change in 45 s of a 20 s lifetime"
no_xfrm_drops b "across ipsecd's rekeys" XfrmInNoStates
encapsulated_in_both "after ipsecd's rekeys"
mark ipsecd_rekeyed
log "ipsecd rekeyed: ISAKMP SAs in pluto $(isakmp_sas_in_pluto), Quick Modes answered $(quick_modes_in_pluto ipsecd); spi_in now $(child_spi a)"

ping_through a $IN_A $IN_B 5
none_in_clear 8
# pluto, answering a rekey's Quick Mode, switches its outbound traffic to the new pair as it
# adds it, before its answer (QM2) leaves; ipsecd, the initiator, can key the inbound SA only
# from that answer (its nonce and KE, RFC 2409 5.5). An ESP packet pluto sends in between
# meets no SA in a (XfrmInNoStates): a loss that is the peer's, and the only one allowed.
early=$(early_esp_from_peer "$OUT/wire-a.pcapng" 192.0.2.2)
log "pings lost across the rekeys: $lost; ESP packets pluto sent on a new pair before its QM2: $early"
[ "$lost" -le "$early" ] || die "pings were lost across the rekeys: $lost, of which only $early sent by pluto before a could have the SA"
mark ping_ok
sigterm_deletes_in_pluto
