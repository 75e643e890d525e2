#!/bin/bash
# child-refused-charon: charon accepts ipsecd's IKE SA but refuses its CHILD SA (charon's
# remote_ts is 10.9.0.0/24, ipsecd proposes 10.1.0.0/24): `ipsecctl up` fails naming the child
# and the peer's TS_UNACCEPTABLE, the connection's state is partial (not up), and no ESP SA
# is in ipsecd's kernel (issue 11 item 3).
source "$(dirname "$0")/../interop.sh"
mk_topology
mark topology
charon_peer no psk ""
sed -i "s|remote_ts = $NET_A|remote_ts = 10.9.0.0/24|" "$W/b/swanctl/swanctl.conf"
start_charon b b
site_peer a $IP_A $IP_B a.lab b.lab $NET_A $NET_B none "psk=$PSK" ""
start_ipsecd a a
mark daemons_up
if ctl a up site > "$OUT/up.out" 2>&1; then
  cat "$OUT/up.out"; die "ipsecctl up succeeded although charon refused the CHILD SA"
fi
cat "$OUT/up.out"
grep -q "child 'net' refused by the peer: TS_UNACCEPTABLE" "$OUT/up.out" \
  || { tail -30 "$OUT/ipsecd-a.log"; die "ipsecctl up's error does not name the child and TS_UNACCEPTABLE"; }
ctl a status --json > "$OUT/status-a.json"
grep -q '"name":"site","state":"partial"' "$OUT/status-a.json" \
  || { cat "$OUT/status-a.json"; die "state is not partial"; }
[ -z "$(ip -n a xfrm state)" ] || { ip -n a xfrm state; die "SAs in a's kernel without a CHILD SA"; }
log "Up failed with: $(cat "$OUT/up.out"); state partial, no SA in a's kernel"
stop_ipsecd a
mark done
