#!/bin/bash
# ipsecd-reload-under-ping: two ipsecd peers, a with connections "site" (10.1.0.0/24 <->
# 10.2.0.0/24, the tunnel a ping runs through), "old" and "chg", each over its own address pair
# and its own identities (b picks the connection by the addresses; one identity pair per
# connection, as INITIAL_CONTACT (RFC 7296 2.4) speaks for all IKE SAs between two identities).
# While the ping runs (5 a second),
# a reloads twice, by `ipsecctl reload` and by SIGHUP; each time one connection is added, one
# removed and one changed (chg's ESP proposal). After each: no ping lost, site's IKE and CHILD
# SPIs unchanged, the added connection listed and up, the removed one unlisted with no SA or
# policy left in a's kernel (nor an SA in b's), the changed one re-established with the new
# proposal. A second ping runs through chg, 100 a second, from 10.1.2.1 to 10.2.2.1, and a
# has a route (10.2.0.0/16 via b) that carries it in clear whenever no policy takes it: a
# changed connection's traffic meets its old policies or its new ones at every moment of a
# reload (DESIGN "Fail closed"), dropped while chg comes back, never in clear. Both netns are
# captured across the two reloads: not one ping packet between 10.1.0.0/16 and 10.2.0.0/16 on
# the wire in clear. A fifth connection, "man", is `start: none` on a and brought up by
# `ipsecctl up man`; each reload changes its ESP proposal too, and a third ping runs through
# it (100 a second, 10.1.4.1 -> 10.2.4.1, the same route would carry it in clear): the
# operator's Up holds across a reload (DESIGN "Fail closed"), man comes back up with the new
# proposal, its traffic never in clear. A third reload moves man to the other IKE version
# (`version:` 2 <-> 1; b answers either, its "man-x" being man in the other version): man
# comes up again in that version, its ping never in clear. Then a broken file: `ipsecctl reload` fails
# naming FILE:LINE:COLUMN, SIGHUP logs the refusal, and nothing changes.
# IKE_VERSION=1 (lab ikev1-reload-under-ping): every connection is `version: 1` (Main Mode +
# Quick Mode, aes256-sha256-modp2048) instead of IKEv2.
source "$(dirname "$0")/../../interop/interop.sh"  # lib.sh, ipsecd.sh and the capture
VERSION=${IKE_VERSION:-2} OTHER=$((3 - ${IKE_VERSION:-2}))
# ike_proposal VERSION
ike_proposal() { if [ "$1" = 1 ]; then echo aes256-sha256-modp2048; else echo aes256gcm16-prfsha256-x25519; fi; }
PSK='lab-psk-reload-0123456789abcdef0123'
# connection index: its addresses 192.0.2.<10i+1> (a) / <10i+2> (b), subnets 10.1.i.0/24 (a),
# 10.2.i.0/24 (b)
declare -A IDX=([site]=0 [old]=1 [chg]=2 [new]=3 [man]=4)
addr() { echo "192.0.2.$((IDX[$2] * 10 + $([ "$1" = a ] && echo 1 || echo 2)))"; }

mk_topology
for c in old chg new man; do
  ip -n a addr add "$(addr a $c)/24" dev va
  ip -n b addr add "$(addr b $c)/24" dev vb
done
ip -n a addr add 10.1.2.1/24 dev in0
ip -n b addr add 10.2.2.1/24 dev in0
ip -n a addr add 10.1.4.1/24 dev in0
ip -n b addr add 10.2.4.1/24 dev in0
ip -n a route add 10.2.0.0/16 via 192.0.2.2
ip -n a route get 10.2.2.1 from 10.1.2.1 | grep -q 'via 192.0.2.2 dev va' \
  || die "no route that would carry chg's traffic in clear: $(ip -n a route get 10.2.2.1 from 10.1.2.1)"
PROTECTED_A=10.1.0.0/16 PROTECTED_B=10.2.0.0/16  # site's and chg's traffic in clear fails

# ident SIDE NAME: SIDE's identity in connection NAME
ident() { echo "@$2.$1.lab"; }
# conn SIDE NAME START ESP_PROPOSALS [VERSION]: NAME's YAML entry for peer SIDE (a or b)
conn() {
  local peer=b net=1 peer_net=2
  [ "$1" = b ] && peer=a net=2 peer_net=1
  cat <<EOC
  $2:
    local: {address: $(addr "$1" "$2"), id: "$(ident "$1" "$2")", auth: psk, subnets: [10.$net.${IDX[$2]}.0/24]}
    remote: {address: $(addr $peer "$2"), id: "$(ident $peer "$2")", auth: psk, subnets: [10.$peer_net.${IDX[$2]}.0/24]}
    version: ${5:-$VERSION}
    ike: {proposals: [$(ike_proposal "${5:-$VERSION}")]}
    children:
      net: {mode: tunnel, proposals: [$4], start: $3}
EOC
}
# secret NAME: the PSK entry of connection NAME
secret() { printf '  - ids: ["%s", "%s"]\n    psk: "%s"\n' "$(ident a "$1")" "$(ident b "$1")" "$PSK"; }
# a_conf NAME:ESP[:START[:VERSION]]...: a's configuration file with these connections (START:
# up, VERSION: $VERSION unless given)
a_conf() {
  local c esp start version
  { echo connections:
    for c in "$@"; do
      IFS=: read -r _ esp start version <<< "$c"
      conn a "${c%%:*}" "${start:-up}" "$esp" "$version"
    done
    echo secrets:
    for c in "$@"; do secret "${c%%:*}"; done
  } | ipsecd_conf a
}
{ echo connections:
  for c in site old chg new man; do conn b $c none "aes256gcm16, aes128gcm16"; done
  conn b man none "aes256gcm16, aes128gcm16" "$OTHER" | sed 's/^  man:/  man-x:/'
  echo secrets:
  for c in site old chg new man; do secret $c; done
} | ipsecd_conf b
a_conf site:aes256gcm16 old:aes256gcm16 chg:aes256gcm16 man:aes256gcm16:none

start_ipsecd b b
start_ipsecd a a
for c in site old chg; do wait_up a $c; done
ctl a up man || die "ipsecctl up man"
wait_up a man
mark sa_up
ctl a status

ip netns exec a ping -n -i 0.2 -W 2 -I 10.1.0.1 10.2.0.1 > "$OUT/ping-reload.out" 2>&1 &
PING=$!
ip netns exec a ping -n -i 0.01 -W 1 -I 10.1.2.1 10.2.2.1 > "$OUT/ping-chg.out" 2>&1 &
PING_CHG=$!
ip netns exec a ping -n -i 0.01 -W 1 -I 10.1.4.1 10.2.4.1 > "$OUT/ping-man.out" 2>&1 &
PING_MAN=$!
sleep 1
SITE=$(sa_ids a site)
SITE_B=$(sa_ids b site)
[ -n "$SITE" ] && [ -n "$SITE_B" ] || die "site has no SAs"
log "site: $SITE"

# in_kernel NS ADDRESS: an SA or policy of NS names ADDRESS
in_kernel() { { ip -n "$1" xfrm state; ip -n "$1" xfrm policy; } | grep -Fwq "$2"; }
# listed NAME: a lists connection NAME
listed() { ctl a list | grep -qx "$1"; }

# after_reload HOW ADDED REMOVED CHANGED ESP CHANGED_BEFORE N MAN_BEFORE: checks the effects of
# a's Nth reload (man, up by the operator's Up, changed to ESP too)
after_reload() {
  local how=$1 added=$2 removed=$3 changed=$4 esp=$5 before=$6 n=$7 man_before=$8 now
  wait_up a "$added"
  wait_for 10 eval "! listed $removed" || die "$how: $removed still listed"
  wait_for 10 eval "! in_kernel a $(addr b "$removed") && ! ip -n b xfrm state | grep -Fwq $(addr a "$removed")" \
    || { show_xfrm a; die "$how: SAs or policies of the removed $removed left"; }
  ip -n a xfrm policy | grep -Fq "10.1.${IDX[$removed]}.0/24" && die "$how: a policy of the removed $removed left"
  wait_for 20 eval "sa_ids a $changed | grep -q ' $esp\$'" \
    || { ctl a status; die "$how: $changed not re-established with $esp"; }
  now=$(sa_ids a "$changed")
  [ "$now" != "$before" ] || die "$how: $changed kept its SAs ($now)"
  [ "$(sa_ids a site)" = "$SITE" ] || die "$how: site's SAs changed: $(sa_ids a site), was $SITE"
  [ "$(sa_ids b site)" = "$SITE_B" ] || die "$how: site's SAs changed in b: $(sa_ids b site), was $SITE_B"
  wait_for 20 eval "sa_ids a man | grep -q ' $esp\$'" \
    || { ctl a status; die "$how: man, up by the operator, not brought up again with $esp"; }
  [ "$(sa_ids a man)" != "$man_before" ] || die "$how: man kept its SAs"
  [ "$(grep -c 'reload: 1 added, 1 removed, 2 changed, 1 unchanged' "$OUT/ipsecd-a.log")" = "$n" ] \
    || die "$how: ipsecd did not log the diff (1 added, 1 removed, 2 changed, 1 unchanged)"
  log "$how: $added up, $removed gone (list and kernel), $changed now $now, man now $(sa_ids a man); site unchanged: $SITE"
}

CAPS=""
capture
# 1. ipsecctl reload: adds new, removes old, chg to aes128gcm16
before=$(sa_ids a chg) man_before=$(sa_ids a man)
a_conf site:aes256gcm16 chg:aes128gcm16 new:aes256gcm16 man:aes128gcm16:none
ctl a reload || die "ipsecctl reload"
after_reload "ipsecctl reload" new old chg aes128gcm16 "$before" 1 "$man_before"
mark reload_ctl

# 2. SIGHUP: adds old back, removes new, chg back to aes256gcm16
before=$(sa_ids a chg) man_before=$(sa_ids a man)
a_conf site:aes256gcm16 chg:aes256gcm16 old:aes256gcm16 man:aes256gcm16:none
kill -HUP "$(cat "$W/a/pid")"
after_reload SIGHUP old new chg aes256gcm16 "$before" 2 "$man_before"
mark reload_sighup

# 3. ipsecctl reload moves man to the other IKE version, under its ping
# ike_version SIDE NAME: the IKE version of connection NAME's first IKE SA, while it is up
ike_version() {
  ctl "$1" status --json | python3 -c '
import json, sys
for c in json.load(sys.stdin)["connections"]:
    if c["name"] == sys.argv[1] and c["state"] == "up" and c["ike_sas"]: print(c["ike_sas"][0]["version"])' "$2"
}
man_before=$(sa_ids a man)
[ "$(ike_version a man)" = "$VERSION" ] || die "man is not up in IKE version $VERSION"
a_conf site:aes256gcm16 chg:aes256gcm16 old:aes256gcm16 man:aes256gcm16:none:$OTHER
ctl a reload || die "ipsecctl reload (man to version $OTHER)"
wait_for 20 eval "[ \"\$(ike_version a man)\" = $OTHER ]" \
  || { ctl a status; die "man, up by the operator, not brought up again in IKE version $OTHER"; }
[ "$(sa_ids a man)" != "$man_before" ] || die "man kept its SAs across the version move"
log "version move: man up again in IKE version $OTHER: $(sa_ids a man)"
mark reload_version
sleep 1
kill -INT $PING_CHG $PING_MAN; wait $PING_CHG $PING_MAN
for c in chg man; do
  grep -A1 statistics "$OUT/ping-$c.out"
  [ "$(awk '/packets transmitted/{print $1}' "$OUT/ping-$c.out")" -ge 100 ] || die "too few pings sent through $c"
done
none_in_clear 20
mark none_in_clear

# 4. a broken file: both ways refused, nothing changes
LIST=$(ctl a list | sort | tr '\n' ' ')
IDS=$(for c in site chg old man; do sa_ids a $c; done)
printf 'connections:\n  bad:\n    local: {address: 192.0.2.1, idd: "@x"}\n' > "$W/a/conf/broken.yaml"
chmod 600 "$W/a/conf/broken.yaml"
ctl a reload 2> "$OUT/reload-broken.err" && die "ipsecctl reload accepted a broken file"
cat "$OUT/reload-broken.err"
grep -qE 'broken\.yaml:[0-9]+:[0-9]+: ' "$OUT/reload-broken.err" || die "the reload error names no FILE:LINE:COLUMN"
refused=$(grep -c 'reload refused' "$OUT/ipsecd-a.log")
kill -HUP "$(cat "$W/a/pid")"
wait_for 5 eval "[ \$(grep -c 'reload refused' '$OUT/ipsecd-a.log') -gt $refused ]" || die "SIGHUP with a broken file: no refusal logged"
grep -A1 'reload refused' "$OUT/ipsecd-a.log" | tail -2
sleep 1
[ "$(ctl a list | sort | tr '\n' ' ')" = "$LIST" ] || die "the connections changed after a refused reload: $(ctl a list | tr '\n' ' ')"
[ "$(for c in site chg old man; do sa_ids a $c; done)" = "$IDS" ] || die "SAs changed after a refused reload"
log "broken file refused by ipsecctl reload and SIGHUP; connections and SAs unchanged: $LIST"
mark reload_broken

kill -INT $PING; wait $PING
grep -A1 statistics "$OUT/ping-reload.out"
grep -q ' 0% packet loss' "$OUT/ping-reload.out" || die "pings were lost across the reloads"
[ "$(awk '/packets transmitted/{print $1}' "$OUT/ping-reload.out")" -ge 20 ] || die "too few pings sent"
check_status a site tunnel 20
stop_pair
mark done
cat "$OUT/timings"
