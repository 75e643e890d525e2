#!/bin/bash
# rw-many-charon: many road warriors at once on one ipsecd gateway (issue 15 item 5). ONE
# charon in netns b (192.0.2.2) holds $N connections rw1..rwN, each its own EAP-MSCHAPv2
# identity userI with `vips = 0.0.0.0` to 192.0.2.1, and $SMALL more x1..xSMALL to
# 192.0.2.3; all start at once (start_action = start) from the same address and port. ipsecd
# in netns a serves them on two `%any` connections: rw-pool (192.0.2.1, pool 10.3.0.0/24) and
# rw-tiny (192.0.2.3, a pool of $TINY addresses). Proven: every rw gets its own IKE SA and
# CHILD SA on the gateway with a distinct lease, which charon holds too; the gateway holds
# one set of policies (out, in, fwd) per road warrior; ipsecd answers each IKE_AUTH on the
# port it came from (RFC 7296 2.11); each road warrior pings 10.1.0.1 from its own virtual IP
# through ESP (its own SPIs on the wire, no ICMP in clear, with clear routes in place); one
# that reconnects gets its lease back while the others' IKE SAs stay; the surplus of the tiny
# pool is refused with INTERNAL_ADDRESS_FAILURE and a log line.
source "$(dirname "$0")/../interop.sh"
CHARON_PLUGINS="$CHARON_PLUGINS eap-mschapv2 eap-identity"
EXAMPLES=$(cd "$(dirname "$0")/../../examples" && pwd)
N=24 SMALL=4 TINY=2 AGAIN=5
trap dump_on_failure EXIT
mk_topology
ip -n a addr add 192.0.2.3/24 dev va
# clear routes to the pools and the gateway's subnet: a tunnel that failed open would show
ip -n a route add 10.3.0.0/24 via 192.0.2.2
ip -n a route add 10.4.0.0/24 via 192.0.2.2
ip -n b route add 10.1.0.0/24 via 192.0.2.1
mark topology

charon_conf b
sed -i 's/install_virtual_ip = no/install_virtual_ip = yes/' "$W/b/strongswan.conf"
# rw NAME GATEWAY EAP_ID: one road warrior connection of charon's
rw() {
  cat <<EOC
  $1 {
    local_addrs = 192.0.2.2
    remote_addrs = $2
    vips = 0.0.0.0
    local { auth = eap-mschapv2
            eap_id = $3 }
    remote { auth = pubkey
             id = host-a.example
             cacerts = $EXAMPLES/certs/ca.pem }
    children { $1 { remote_ts = 10.1.0.0/24
                    start_action = start } }
  }
EOC
}
{
  echo "connections {"
  for ((i = 1; i <= N; i++)); do rw rw$i 192.0.2.1 user$i; done
  for ((i = 1; i <= SMALL; i++)); do rw x$i 192.0.2.3 xuser$i; done
  echo "}"
  echo "secrets {"
  for ((i = 1; i <= N; i++)); do echo "  eap-user$i { id = user$i
    secret = \"password of user$i\" }"; done
  for ((i = 1; i <= SMALL; i++)); do echo "  eap-xuser$i { id = xuser$i
    secret = \"password of xuser$i\" }"; done
  echo "}"
} > "$W/b/swanctl/swanctl.conf"

# gateway NAME ADDRESS POOL: one of ipsecd's `%any` connections, on ADDRESS, leasing from POOL
gateway() {
  cat <<EOC
  $1:
    local: {address: $2, id: "@host-a.example", auth: pubkey, cert: certs/host-a.pem, key: private/host-a.pem, subnets: [10.1.0.0/24]}
    remote: {address: "%any", auth: eap-mschapv2}
    pools: [$3]
    children:
      $3: {start: none}
EOC
}
{
  echo "pools:"
  echo "  office: {addresses: 10.3.0.0/24, dns: [10.1.0.53]}"
  echo "  tiny: {addresses: \"10.4.0.1-10.4.0.$TINY\"}"
  echo "connections:"
  gateway rw-pool 192.0.2.1 office
  gateway rw-tiny 192.0.2.3 tiny
  echo "secrets:"
  for ((i = 1; i <= N; i++)); do echo "  - {eap_id: user$i, password: \"password of user$i\"}"; done
  for ((i = 1; i <= SMALL; i++)); do echo "  - {eap_id: xuser$i, password: \"password of xuser$i\"}"; done
} | ipsecd_conf a
mkdir -p "$W/a/conf/certs" "$W/a/conf/private"
cp "$EXAMPLES"/certs/*.pem "$W/a/conf/certs/"
install -m 600 "$EXAMPLES"/private/*.pem "$W/a/conf/private/"
start_ipsecd a a ${IPSECD_THREADS:+--threads "$IPSECD_THREADS" --spread-new-sas always}
mark daemons_up
# loading charon's connections starts all $((N + SMALL)) road warriors at once
start_charon b b
mark started
want=$((N + TINY))
wait_for 40 eval "[ \$(swanctl_ b --list-sas | grep -c INSTALLED) -ge $want ]" \
  || { swanctl_ b --list-sas | grep -c INSTALLED; tail -30 "$OUT/ipsecd-a.log"; die "not all $want CHILD SAs are installed in charon"; }
mark all_up
log "all $want CHILD SAs installed in charon"

# the state of both sides, checked in one python3 run (a process start costs in UML)
ctl a status --json > "$OUT/status.json" || die "ipsecctl status --json"
ctl a leases --json > "$OUT/leases.json" || die "ipsecctl leases --json"
swanctl_ b --list-sas > "$OUT/charon-sas.out"
ip -n a xfrm policy > "$OUT/policies-a.out"
ip -n a xfrm state > "$OUT/states-a.out"
python3 - "$OUT" "$N" "$SMALL" "$TINY" > "$OUT/vips" <<'PY' || die "the gateway's or charon's view of the road warriors is wrong"
import json, re, sys
out, n, small, tiny = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
def need(cond, what):
    if not cond:
        print("FAIL: " + what, file=sys.stderr); sys.exit(1)
status = json.load(open(out + "/status.json"))
conns = {c["name"]: c for c in status["connections"]}
leases = json.load(open(out + "/leases.json"))["leases"]
print(json.dumps(leases), file=sys.stderr)
# charon: "rwI: #n, ESTABLISHED, ..." then "  local  '192.0.2.2' @ 192.0.2.2[4500] [VIP]"
charon, name = {}, None
for line in open(out + "/charon-sas.out"):
    m = re.match(r"^(\S+): #\d+, ESTABLISHED", line)
    if m: name = m.group(1); continue
    m = re.match(r"^\s+local\s+'[^']*' @ (\S+)(?: \[(\S+)\])?", line)
    if m and name: charon[name] = (m.group(1), m.group(2)); name = None
need(len(set(e for e, _ in charon.values())) == 1, "charon's IKE SAs use several local endpoints: %s" % charon)
endpoint = next(iter(charon.values()))[0]
policies, src = {}, None
for line in open(out + "/policies-a.out"):
    m = re.match(r"^src (\S+) dst (\S+)", line)
    if m: src = m.groups(); continue
    m = re.match(r"^\s+dir (\w+)", line)
    if m and src: policies.setdefault(m.group(1), set()).add(src); src = None
for conn, pool, users, count, net in (("rw-pool", "office", ["user%d" % i for i in range(1, n + 1)], n, "10.3.0."),
                                      ("rw-tiny", "tiny", ["xuser%d" % i for i in range(1, small + 1)], tiny, "10.4.0.")):
    sas = [s for s in conns[conn]["ike_sas"] if s["children"]]
    need(len(sas) == count, "%s: %d IKE SAs with a CHILD SA, want %d" % (conn, len(sas), count))
    need(all(s["remote"] == "192.0.2.2" and s["state"] == "established" for s in sas), conn + ": an IKE SA not from 192.0.2.2")
    need(len({s["local_spi"] for s in sas}) == count, conn + ": IKE SAs share SPIs")
    vips = [v for s in sas for v in s["virtual_ips"]]
    need(len(vips) == count and len(set(vips)) == count and all(v.startswith(net) for v in vips), "%s: leases %s" % (conn, vips))
    for s in sas:
        need(len(s["children"]) == 1 and s["children"][0]["remote_ts"] == [s["virtual_ips"][0] + "/32"],
             "%s: the CHILD SA's remote selector is not the lease %s" % (conn, s["virtual_ips"]))
    held = {l["identity"]: l["address"] for l in leases if l["pool"] == pool and l["online"]}
    need(sorted(held.values()) == sorted(vips), "%s: ipsecctl leases %s, IKE SAs %s" % (pool, held, vips))
    for dir_ in ("out", "in", "fwd"):
        mine = {p for p in policies.get(dir_, ()) if (p[1] if dir_ == "out" else p[0]).startswith(net)}
        need(len(mine) == count, "%s: %d gateway policies dir %s, want %d" % (conn, len(mine), dir_, count))
    for user, vip in held.items():
        rw = ("rw" if pool == "office" else "x") + user.removeprefix("user" if pool == "office" else "xuser")
        need(rw in charon and charon[rw][1] == vip, "%s (%s): charon's virtual IP %s, the gateway's lease %s" % (rw, user, charon.get(rw), vip))
        print(rw, vip)
print("charon: %d IKE SAs, all from %s; gateway: %d + %d leases, %s policies" % (
    len(charon), endpoint, n, tiny, {d: len(p) for d, p in policies.items()}), file=sys.stderr)
PY
log "leases: $(tr '\n' ' ' < "$OUT/vips")"
if [ -n "${IPSECD_THREADS:-}" ]; then  # each IKE SA's SPI (ours, its last byte) names the shard that chose it
  shards=$(python3 -c 'import json,sys; print(" ".join(sorted({str(int(s["local_spi"], 16) % 256 % int(sys.argv[2])) for c in json.load(open(sys.argv[1]))["connections"] for s in c["ike_sas"]})))' \
    "$OUT/status.json" "$IPSECD_THREADS")
  log "IKE SAs on shards $shards of $IPSECD_THREADS"
  [ "$shards" = "$(seq -s ' ' 0 $((IPSECD_THREADS - 1)))" ] || die "not every shard holds IKE SAs: $shards"
fi
# RFC 7296 2.11: each IKE_AUTH response goes to the port its request came from
req=$(grep -c 'received IKE_AUTH request .* 192.0.2.2:4500 -> ' "$OUT/ipsecd-a.log")
bad=$(grep -c 'sending IKE_AUTH response .* -> 192.0.2.2:500 ' "$OUT/ipsecd-a.log")
log "ipsecd: $req IKE_AUTH requests from 192.0.2.2:4500, $bad responses sent to port 500"
[ "$bad" = 0 ] || { grep -m3 'sending IKE_AUTH response' "$OUT/ipsecd-a.log"; die "IKE_AUTH answered to another port than the request's"; }
[ "$(xfrm_states a)" = $((2 * want)) ] || { ip -n a xfrm state | grep -c '^src'; die "the gateway holds $(xfrm_states a) SAs, want $((2 * want))"; }

# the surplus of the tiny pool: refused, with a line on each side
refused=$(grep -c 'no address left for xuser[0-9]* in pools tiny: INTERNAL_ADDRESS_FAILURE' "$OUT/ipsecd-a.log")
told=$(grep 'received INTERNAL_ADDRESS_FAILURE notify' "$OUT/charon-b.log" | grep -o '<x[0-9]*|' | sort -u | wc -l)
log "pool exhaustion: ipsecd refused $refused road warriors, charon was told so on $told IKE SAs"
[ "$refused" = $((SMALL - TINY)) ] && [ "$told" = $((SMALL - TINY)) ] \
  || { grep -i 'INTERNAL_ADDRESS\|INT_ADDR' "$OUT/charon-b.log" | head; die "want $((SMALL - TINY)) refused on both sides"; }

# every road warrior pings the gateway's subnet from its virtual IP, all at once
capture
before=$(xfrm_pkts a)
ip netns exec b bash -c 'while read -r rw vip; do ping -n -c 3 -i 0.2 -W 2 -I $vip 10.1.0.1 > "$1/ping-$rw.out" 2>&1 || echo "$rw"& done < "$1/vips"; wait' \
  sh "$OUT" > "$OUT/ping-failed"
after=$(xfrm_pkts a)
stop_capture
[ -s "$OUT/ping-failed" ] && die "the pings of $(tr '\n' ' ' < "$OUT/ping-failed")failed"
mergecap -I none -w "$OUT/wire.pcapng" "$OUT/wire-a.pcapng" "$OUT/wire-b.pcapng" || die "mergecap"
read -r esp_a esp_b spis_b clear <<< "$(tshark -r "$OUT/wire.pcapng" -T fields -e frame.interface_id -e esp.spi \
  -Y 'sll.pkttype==4 && (esp || (icmp && ip.addr==10.1.0.0/24 && (ip.addr==10.3.0.0/24 || ip.addr==10.4.0.0/24)))' 2>/dev/null \
  | awk '$2 != "" {e[$1]++; if ($1 == 1 && !s[$2]++) spis++; next} {c++} END {print e[0]+0, e[1]+0, spis+0, c+0}')"
log "$want road warriors pinged 3 times each: gateway XFRM counters $before -> $after; on the wire a sent $esp_a ESP, b $esp_b ESP on $spis_b SPIs; $clear ICMP in clear"
[ "$clear" = 0 ] || die "$clear ICMP packets between the virtual IPs and 10.1.0.0/24 in clear"
[ "$esp_a" -ge $((3 * want)) ] && [ "$esp_b" -ge $((3 * want)) ] && [ "$spis_b" = "$want" ] \
  || die "want >= $((3 * want)) ESP packets each way, b's on $want SPIs"
mark ping_ok

# rw$AGAIN reconnects: its lease comes back, the other IKE SAs stay as they were
vip=$(awk -v rw=rw$AGAIN '$1 == rw {print $2}' "$OUT/vips")
others() { ctl a status --json | python3 -c '
import json, sys
for c in json.load(sys.stdin)["connections"]:
    for s in c["ike_sas"]:
        if sys.argv[1] not in s["virtual_ips"]: print(s["local_spi"], s["virtual_ips"])' "$vip" | sort; }
others > "$OUT/others-before"
swanctl_ b --terminate --ike rw$AGAIN --timeout 10 > "$OUT/terminate.out" 2>&1 || { cat "$OUT/terminate.out"; die "swanctl --terminate rw$AGAIN"; }
swanctl_ b --initiate --child rw$AGAIN --timeout 20 > "$OUT/initiate.out" 2>&1 || { cat "$OUT/initiate.out"; die "swanctl --initiate rw$AGAIN"; }
wait_for 10 eval "ctl a leases | grep -q '^office $vip user$AGAIN online$'" || { ctl a leases; die "user$AGAIN did not get $vip back"; }
others > "$OUT/others-after"
cmp -s "$OUT/others-before" "$OUT/others-after" || { diff "$OUT/others-before" "$OUT/others-after"; die "the other IKE SAs changed when rw$AGAIN reconnected"; }
[ "$(grep "<rw$AGAIN|" "$OUT/charon-b.log" | grep -c "installing new virtual IP $vip$")" = 2 ] \
  || { grep "<rw$AGAIN|.*virtual IP" "$OUT/charon-b.log"; die "charon's rw$AGAIN did not install $vip again"; }
ping_through b "$vip" 10.1.0.1 3
log "rw$AGAIN reconnected with $vip again; the other $(wc -l < "$OUT/others-after") IKE SAs unchanged"
mark reconnect_ok

stop_ipsecd a
no_xfrm a "after SIGTERM"
mark done
cat "$OUT/timings"
