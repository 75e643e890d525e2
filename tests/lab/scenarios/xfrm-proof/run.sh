#!/bin/bash
# xfrm-proof: ipsecd's xfrm/ netlink backend against a kernel with ESP. For each of tunnel and
# transport mode, AES-GCM (rfc4106) and AES-CBC + HMAC-SHA256, IPv4 and IPv6: xfrm_proof
# installs an SA pair + policies in netns a and in netns b, ping passes through ESP and the
# SA counters read back through xfrm/ (get_sa) rise; deleting the SAs stops the traffic, then
# the policies are deleted. Finally: a 2 s soft lifetime yields an expire event, and a packet
# matching a policy without SA yields an acquire event.
source "$(dirname "$0")/../../lib.sh"
P=$LAB_BIN/xfrm_proof
[ -x "$P" ] || die "$P missing (not staged)"
COUNT=3
mk_topology
inner_routes
mark topology
px_start a b

# ping_args MODE FAMILY: source and destination of the test traffic from a to b
ping_args() {
  case $1/$2 in
    tunnel/v4) echo "-I 10.1.0.1 10.2.0.1" ;;
    tunnel/v6) echo "-I fd00:1::1 fd00:2::1" ;;
    transport/v4) echo "192.0.2.2" ;;
    transport/v6) echo "2001:db8::2" ;;
  esac
}
for mode in tunnel transport; do
  for alg in gcm cbc; do
    for fam in v4 v6; do
      c="--mode $mode --alg $alg --family $fam"
      log "---- $mode $alg $fam"
      px a up --side a $c || die "up a $c"
      px b up --side b $c || die "up b $c"
      px a show --side a $c
      # shellcheck disable=SC2046
      ip netns exec a ping -n -q -c $COUNT -i 0.2 -W 2 $(ping_args $mode $fam) | grep -A1 statistics \
        || die "ping through ESP failed ($mode $alg $fam)"
      px a show --side a $c --min-packets $COUNT || die "counters in a ($mode $alg $fam)"
      px b show --side b $c --min-packets $COUNT || die "counters in b ($mode $alg $fam)"
      px a down-sas --side a $c || die "down-sas a"
      px b down-sas --side b $c || die "down-sas b"
      # shellcheck disable=SC2046
      if ip netns exec a ping -n -q -c 1 -W 1 $(ping_args $mode $fam) > /dev/null 2>&1; then
        die "ping still passes after the SAs were deleted ($mode $alg $fam)"
      fi
      log "after deleting the SAs, ping fails as it should"
      px a down-policies --side a $c || die "down-policies a"
      px b down-policies --side b $c || die "down-policies b"
      echo "PROOF-OK $mode $alg $fam"
    done
  done
done
mark sa_cases
px a expire || die "expire event"
echo "PROOF-OK expire"
px a acquire || die "acquire event"
echo "PROOF-OK acquire"
mark done
cat "$OUT/timings"
