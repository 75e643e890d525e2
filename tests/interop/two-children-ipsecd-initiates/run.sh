#!/bin/bash
# two-children-ipsecd-initiates: ipsecd's connection has two `start: up` children, net
# (10.1.0.0/24 <-> 10.2.0.0/24) and lab (10.11.0.0/24 <-> 10.12.0.0/24); charon (responder)
# has both. The first comes with IKE_AUTH, the second with CREATE_CHILD_SA: two SA pairs in
# each kernel, a ping through each, and each pair's counters rise (issue 11 item 2).
source "$(dirname "$0")/../interop.sh"
mk_topology
ip -n a addr add 10.11.0.1/24 dev in0
ip -n b addr add 10.12.0.1/24 dev in0
mark topology
charon_peer no psk ""
perl -0pi -e 's/    children \{\n/    children {\n      lab {\n        local_ts = 10.12.0.0\/24\n        remote_ts = 10.11.0.0\/24\n        esp_proposals = aes256gcm16\n      }\n/' "$W/b/swanctl/swanctl.conf"
start_charon b b
ipsecd_conf a <<EOC
connections:
  site:
    local: {address: 192.0.2.1, id: "@a.lab", auth: psk}
    remote: {address: 192.0.2.2, id: "@b.lab", auth: psk}
    ike: {proposals: [aes256gcm16-prfsha256-x25519]}
    children:
      net: {proposals: [aes256gcm16], local_subnets: [10.1.0.0/24], remote_subnets: [10.2.0.0/24], start: up}
      lab: {proposals: [aes256gcm16], local_subnets: [10.11.0.0/24], remote_subnets: [10.12.0.0/24], start: up}
secrets:
  - ids: ["@a.lab", "@b.lab"]
    psk: "$PSK"
EOC
start_ipsecd a a
mark daemons_up
wait_up a site
wait_for 10 eval '[ "$(swanctl_ b --list-sas | grep -c INSTALLED)" = 2 ]' \
  || { swanctl_ b --list-sas; tail -30 "$OUT/charon-b.log"; die "charon has not both CHILD SAs installed"; }
ctl a status
swanctl_ b --list-sas
[ "$(ip -n a xfrm state | grep -c '^src')" = 4 ] || { ip -n a xfrm state; die "a's kernel does not hold two SA pairs"; }
ping_through a 10.1.0.1 10.2.0.1 5
ping_through a 10.11.0.1 10.12.0.1 5
ctl a status --json > "$OUT/status-a.json"
python3 - "$OUT/status-a.json" <<'PY' || die "each CHILD SA's counters must have risen"
import json, sys
c = [c for c in json.load(open(sys.argv[1]))["connections"] if c["name"] == "site"][0]
kids = {k["name"]: k for s in c["ike_sas"] for k in s["children"]}
print({n: (k["packets_in"], k["packets_out"]) for n, k in kids.items()})
assert c["state"] == "up" and set(kids) == {"net", "lab"}
assert all(k["packets_in"] >= 5 and k["packets_out"] >= 5 for k in kids.values())
PY
mark pings_ok
stop_ipsecd a
no_xfrm a "after SIGTERM"
mark done
