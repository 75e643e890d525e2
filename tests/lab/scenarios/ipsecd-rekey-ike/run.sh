#!/bin/bash
# ipsecd-rekey-ike: two ipsecd peers with a 10 s IKE SA lifetime (the shortest ipsecd accepts)
# rekey the IKE SA with CREATE_CHILD_SA (RFC 7296 2.18; the CHILD SA moves to the new IKE SA)
# while ping runs through the tunnel: every ping answered, the IKE SA's SPIs change, the CHILD
# SA stays, one IKE SA remains on each side, and a clean SIGTERM at the end.
source "$(dirname "$0")/../../lib.sh"
source "$(dirname "$0")/../../ipsecd.sh"
mk_topology
# no inner_routes: ipsecd routes the peer's subnet in table 220
site_pair psk=lab-psk-rekey-ike-0123456789abcdef "" "lifetime: 10s"
start_ipsecd b b
start_ipsecd a a
wait_up a site
mark sa_up
# ike_sas NAME: NAME's count of IKE SAs, then the local SPI and CHILD SA of its established one
# (one snapshot: a rekey may be under way between two calls)
ike_sas() {
  ctl "$1" status --json | python3 -c '
import json, sys
s = json.load(sys.stdin)["connections"][0]["ike_sas"]
up = [x for x in s if x["state"] == "established"] or [{"local_spi": "-", "children": []}]
print(len(s), up[0]["local_spi"], (up[0]["children"] or [{"spi_in": "-"}])[0]["spi_in"])'
}
# settled NAME: ike_sas NAME once no rekey is under way (one IKE SA; the exchanges take milliseconds
# every 10 s, so a few tries suffice)
settled() {
  local i n spi child
  for i in 1 2 3 4 5 6 7 8 9 10; do
    # No process substitution: the guest has no /dev/fd.
    read -r n spi child <<< "$(ike_sas "$1")"
    [ "$n" = 1 ] && break
    sleep 0.3
  done
  echo "$n $spi $child"
}
read -r n first child <<< "$(settled a)"
[ "$n" = 1 ] && [ "$child" != - ] || die "a has $n IKE SAs ($first) and CHILD SA $child after coming up"
log "IKE SA $first, CHILD SA spi_in $child; pinging for 25 s across the IKE rekeys"
ping_across_rekeys 25
mark ping_ok
read -r n last moved <<< "$(settled a)"
[ "$n" = 1 ] || die "$n IKE SAs in a after the rekeys (the old one must be deleted)"
read -r n _ <<< "$(settled b)"
[ "$n" = 1 ] || die "$n IKE SAs in b after the rekeys (the old one must be deleted)"
[ "$first" != "$last" ] || die "the IKE SA's SPI did not change in 25 s with a 10 s lifetime"
[ "$moved" = "$child" ] || die "the CHILD SA is $moved, not $child (it must move over with the IKE SA, not be renegotiated)"
check_status a site tunnel 1
stop_pair
mark done
cat "$OUT/timings"
