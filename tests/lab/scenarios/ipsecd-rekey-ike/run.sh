#!/bin/bash
# ipsecd-rekey-ike: two ipsecd peers with a 10 s IKE SA lifetime (the shortest ipsecd accepts)
# rekey the IKE SA with CREATE_CHILD_SA (RFC 7296 2.18; the CHILD SA moves to the new IKE SA)
# while ping runs through the tunnel: every ping answered, the IKE SA's SPIs change, the CHILD
# SA stays, one IKE SA remains on each side, and a clean SIGTERM at the end.
source "$(dirname "$0")/../../lib.sh"
source "$(dirname "$0")/../../ipsecd.sh"
mk_topology
inner_routes  # ipsecd installs no routes
site_pair psk=lab-psk-rekey-ike-0123456789abcdef "" "lifetime: 10s"
start_ipsecd b b
start_ipsecd a a
wait_up a site
mark sa_up
ike_spi() { ctl a status --json | python3 -c 'import json,sys; s=json.load(sys.stdin)["connections"][0]["ike_sas"]; print(len(s), s[0]["local_spi"])'; }
read -r n first < <(ike_spi)
child=$(child_spi a)
log "IKE SA $first, CHILD SA spi_in $child; pinging for 25 s across the IKE rekeys"
ping_across_rekeys 25
mark ping_ok
read -r n last < <(ike_spi)
[ "$first" != "$last" ] || die "the IKE SA's SPI did not change in 25 s with a 10 s lifetime"
[ "$n" = 1 ] || die "$n IKE SAs in a after the rekeys (the old one must be deleted)"
[ "$(child_spi a)" = "$child" ] || die "the CHILD SA changed with the IKE SA (it must move over, not be renegotiated)"
check_status a site tunnel 1
stop_pair
mark done
cat "$OUT/timings"
