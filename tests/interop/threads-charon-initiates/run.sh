#!/bin/bash
# threads-charon-initiates: ipsecd on two engine threads (`--threads 2 --spread-new-sas
# always`, docs/DESIGN.md "Several cores: shards") answers $N IKE SAs charon starts at once, each of its own identity
# bI.lab with its own host selector 10.2.0.(I+1), on one `%any` connection. Proven: the
# steering program hands the IKE SAs to both shards (each IKE SA's SPI names its shard);
# every CHILD SA carries pings through ESP, with clear routes in place and a capture in which
# no ICMP between the subnets leaves in clear; ipsecd rekeys every CHILD SA itself (lifetime
# 20 s: the kernel's soft expiry goes to the shard whose reqid it names) and the pings go on
# through the new SAs; ipsecd's SIGTERM deletes the IKE SAs of both shards in charon.
source "$(dirname "$0")/../interop.sh"
N=16  # all on one shard: 2 in 2^16
trap dump_on_failure EXIT
mk_topology
for ((i = 1; i <= N; i++)); do ip -n b addr add 10.2.0.$((i + 1))/32 dev in0; done
# clear routes both ways: a tunnel that failed open would show in the capture
ip -n a route add 10.2.0.0/24 via 192.0.2.2
ip -n b route add 10.1.0.0/24 via 192.0.2.1
mark topology

charon_conf b
{
  echo "connections {"
  for ((i = 1; i <= N; i++)); do
    cat <<EOC
  c$i {
    local_addrs = 192.0.2.2
    remote_addrs = 192.0.2.1
    proposals = aes256gcm16-prfsha256-x25519
    local { auth = psk
            id = b$i.lab }
    remote { auth = psk
             id = a.lab }
    children { c$i { local_ts = 10.2.0.$((i + 1))/32
                     remote_ts = 10.1.0.0/24
                     esp_proposals = aes256gcm16
                     start_action = start } }
  }
EOC
  done
  echo "}"
  echo "secrets { ike-all { secret = \"$PSK\" } }"
} > "$W/b/swanctl/swanctl.conf"
ipsecd_conf a <<EOC
connections:
  gateway:
    local: {address: 192.0.2.1, id: "@a.lab", subnets: [10.1.0.0/24]}
    remote: {address: "%any", id: "%any", subnets: [10.2.0.0/24]}
    children:
      net: {start: none, lifetime: 20s}
secrets:
  - ids: ["@a.lab", "%any"]
    psk: "$PSK"
EOC
start_ipsecd a a --threads 2 --spread-new-sas always
grep -q "IKEv2 on 2 threads" "$OUT/ipsecd-a.log" || die "ipsecd did not start two engine threads"
mark daemons_up
start_charon b b  # loading the connections starts them all
wait_for 60 eval "[ \$(swanctl_ b --list-sas | grep -c INSTALLED) -ge $N ]" \
  || { swanctl_ b --list-sas | grep -c INSTALLED; tail -30 "$OUT/ipsecd-a.log"; die "not all $N CHILD SAs are installed in charon"; }
mark all_up
t_up=$(t)

# each IKE SA's SPI (ours, the last byte on the wire) names the shard that chose it
ctl a status --json > "$OUT/status.json" || die "ipsecctl status --json"
python3 - "$OUT/status.json" "$N" <<'PY' || die "ipsecd's status does not show both shards' IKE SAs"
import json, sys
conn = json.load(open(sys.argv[1]))["connections"][0]
sas = conn["ike_sas"]
shards = sorted({int(sa["local_spi"], 16) % 256 % 2 for sa in sas})
children = [c for sa in sas for c in sa["children"]]
print("state %s, %d IKE SAs, %d CHILD SAs, shards %s" % (conn["state"], len(sas), len(children), shards))
ok = conn["state"] == "up" and len(sas) == int(sys.argv[2]) and len(children) == int(sys.argv[2]) and shards == [0, 1]
sys.exit(0 if ok else 1)
PY
log "ipsecd: $N IKE SAs over both shards"

# pings_through_all COUNT: from each of charon's host selectors to 10.1.0.1, COUNT each, all answered
pings_through_all() {
  local i pids=""
  for ((i = 1; i <= N; i++)); do
    ip netns exec b ping -n -q -c "$1" -i 0.2 -W 2 -I 10.2.0.$((i + 1)) 10.1.0.1 > "$OUT/ping-$i.out" 2>&1 &
    pids+=" $!"
  done
  for pid in $pids; do wait "$pid" || { cat "$OUT"/ping-*.out | grep -B1 loss; die "a ping through a CHILD SA failed"; }; done
}
capture
pings_through_all 3
none_in_clear $((3 * N))
mark pings_ok

# the kernel's soft expiries (20 s lifetime) reach the shard whose reqid they carry: each
# shard rekeys its own CHILD SAs; pings through all of them go on until 5 s after
first=$(python3 -c 'import json,sys; print(" ".join(sorted(c["spi_in"] for s in json.load(open(sys.argv[1]))["connections"][0]["ike_sas"] for c in s["children"])))' "$OUT/status.json")
pings_through_all "$(awk -v up="$t_up" -v now="$(t)" 'BEGIN{s=int(25-(now-up)); print (s<5?5:s) * 5}')"
ctl a status --json > "$OUT/status-rekeyed.json" || die "ipsecctl status --json"
python3 - "$OUT/status-rekeyed.json" "$N" "$first" <<'PY' || die "not every CHILD SA was rekeyed"
import json, sys
sas = json.load(open(sys.argv[1]))["connections"][0]["ike_sas"]
now = {c["spi_in"] for s in sas for c in s["children"]}
old = set(sys.argv[3].split())
print("%d CHILD SAs, %d of them the first ones" % (len(now), len(now & old)))
sys.exit(0 if len(now) >= int(sys.argv[2]) and not (now & old) else 1)
PY
rekeys=$(grep -c 'parsed CREATE_CHILD_SA request .*N(REKEY_SA)' "$OUT/charon-b.log")
log "ipsecd rekeyed $rekeys CHILD SAs; every ping answered"
[ "$rekeys" -ge "$N" ] || die "ipsecd started only $rekeys rekeys"
no_xfrm_drops b "across the rekeys" XfrmInNoStates
mark rekeyed

stop_ipsecd a
no_xfrm a "after SIGTERM"
wait_for 10 eval "[ \$(swanctl_ b --list-sas | grep -c ESTABLISHED) = 0 ]" \
  || { swanctl_ b --list-sas; die "charon still holds IKE SAs after ipsecd's SIGTERM"; }
log "charon deleted the IKE SAs of both shards on ipsecd's INFORMATIONAL deletes"
mark done
cat "$OUT/timings"
