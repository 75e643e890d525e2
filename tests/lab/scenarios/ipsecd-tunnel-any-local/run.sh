#!/bin/bash
# ipsecd-tunnel-any-local: ipsecd-tunnel-psk's pair with local.address omitted on both sides
# ("any"): a initiates from the source address of its route to b (192.0.2.1), not 0.0.0.0;
# b answers from the address the request reached. So neither side detects a NAT (RFC 7296
# 2.23: the hashes cover the real addresses): the ESP SAs have no UDP encapsulation, the IKE
# SAs stay on port 500, and ping passes through the tunnel both ways.
source "$(dirname "$0")/../../lib.sh"
source "$(dirname "$0")/../../ipsecd.sh"
mk_topology
site_pair "psk=lab-psk-0123456789abcdef0123456789"
sed -i 's/local: {address: [0-9.]*, /local: {/' "$W/a/conf/ipsecd.yaml" "$W/b/conf/ipsecd.yaml"
! grep -q 'local: {address' "$W/a/conf/ipsecd.yaml" "$W/b/conf/ipsecd.yaml" || die "local.address still configured"
start_ipsecd b b
start_ipsecd a a
wait_up a site
wait_up b site
ctl a status --json > "$OUT/status-a.json"
grep -Eq '"local":"192\.0\.2\.1[":]' "$OUT/status-a.json" || { cat "$OUT/status-a.json"; die "a's IKE SA is not local 192.0.2.1"; }
ctl b status --json | grep -Eq '"local":"192\.0\.2\.2[":]' || die "b's IKE SA is not local 192.0.2.2"
for n in a b; do
  ip -n $n xfrm state | grep -q encap && { ip -n $n xfrm state; die "$n detected a NAT (ESP-in-UDP)"; }
done
log "a: $(ip -n a xfrm state | grep '^src' | tr '\n' ' ')"
ping_through a 10.1.0.1 10.2.0.1 5
ping_through b 10.2.0.1 10.1.0.1 3
check_status a site tunnel 8
stop_pair
