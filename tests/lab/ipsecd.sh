# ipsecd.sh - helpers for lab scenarios that run ipsecd (sourced after lib.sh, inside the UML
# guest). A peer NAME lives in $W/NAME: conf/ (its --config-dir), run/ (--runtime-dir), its
# own private D-Bus system bus (bus.conf, bus.sock: the policy is units/org.ipsecd1.conf,
# staged next to this file) and pid files; its log is $OUT/ipsecd-NAME.log.
IPSECD=$LAB_BIN/ipsecd
IPSECCTL=$LAB_BIN/ipsecctl
IPSECD_BUS_POLICY=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/org.ipsecd1.conf
LAB_PKI=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/pki  # tests/lab/pki (make-pki)

# ipsecd_conf NAME: writes stdin to $W/NAME/conf/ipsecd.yaml, mode 600 (it holds a PSK)
ipsecd_conf() {
  local d=$W/$1
  mkdir -p "$d/conf" "$d/run"
  ( umask 077; cat > "$d/conf/ipsecd.yaml" )
}

# ctl NAME ARGS...: ipsecctl against peer NAME's bus
ctl() { local name=$1; shift; "$IPSECCTL" --address "unix:path=$W/$name/bus.sock" "$@"; }

# bus_start NAME [POLICY_DIR...]: a private system bus for peer NAME, with ipsecd's own bus
# policy (root may own org.ipsecd1 and call it) and the policies in each POLICY_DIR; BUS_WRAP:
# a command the bus runs under (resolved.sh's namespace that knows resolved's user)
bus_start() {
  local d=$W/$1 name=$1 dir includes=""
  shift
  for dir in "$@"; do includes+="  <includedir>$dir</includedir>"$'\n'; done
  mkdir -p "$d"
  cat > "$d/bus.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=$d/bus.sock</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <!-- as on the system bus: nobody owns or calls a name unless a rule allows it -->
    <allow user="*"/>
    <deny own="*"/>
    <deny send_type="method_call"/>
    <allow send_destination="org.freedesktop.DBus"/>
    <allow send_type="signal"/>
    <allow send_requested_reply="true" send_type="method_return"/>
    <allow send_requested_reply="true" send_type="error"/>
    <allow receive_type="*"/>
  </policy>
  <include>$IPSECD_BUS_POLICY</include>
$includes</busconfig>
EOF
  rm -f "$d/bus.sock"
  ${BUS_WRAP:-} dbus-daemon --config-file="$d/bus.conf" --nofork --nopidfile > "$OUT/dbus-$name.log" 2>&1 &
  echo $! > "$d/bus.pid"
  wait_for 5 test -S "$d/bus.sock" || { cat "$OUT/dbus-$name.log"; die "dbus-daemon for $name did not start"; }
}

# start_ipsecd NAME NS [ipsecd options...]: its bus (unless bus_start made it already), then
# ipsecd in netns NS (debug log); returns once ipsecd answers on the bus (it owns org.ipsecd1
# only after loading the config)
start_ipsecd() {
  local name=$1 ns=$2 d=$W/$1; shift 2
  [ -S "$d/bus.sock" ] || bus_start "$name"
  DBUS_SYSTEM_BUS_ADDRESS="unix:path=$d/bus.sock" ip netns exec "$ns" "$IPSECD" \
    --config-dir "$d/conf" --runtime-dir "$d/run" --log-level debug --log-target stderr "$@" \
    > "$OUT/ipsecd-$name.log" 2>&1 &
  echo $! > "$d/pid"
  wait_for 15 ctl "$name" list || { tail -20 "$OUT/ipsecd-$name.log"; die "ipsecd $name not ready"; }
  log "ipsecd $name running in netns $ns (pid $(cat "$d/pid")): connections $(ctl "$name" list | tr '\n' ' ')"
}

# stop_ipsecd NAME: SIGTERM, ipsecd must exit 0 within 10 s; then its bus goes too
stop_ipsecd() {
  local d=$W/$1 pid rc
  pid=$(cat "$d/pid")
  kill -TERM "$pid"
  wait_for 10 eval "! kill -0 $pid" || die "ipsecd $1 still running 10 s after SIGTERM"
  wait "$pid"; rc=$?
  [ "$rc" = 0 ] || { tail -20 "$OUT/ipsecd-$1.log"; die "ipsecd $1 exited $rc after SIGTERM"; }
  kill "$(cat "$d/bus.pid")" 2>/dev/null
  log "ipsecd $1 stopped (exit 0)"
}

# xfrm_states NS, xfrm_policies NS: how many SAs and (non-socket) policies NS holds
xfrm_states() { ip -n "$1" xfrm state | grep -c '^src'; }
xfrm_policies() { ip -n "$1" xfrm policy | grep -c '^\s*dir '; }
# xfrm_stat NS COUNTER: a counter of the netns's /proc/net/xfrm_stat (e.g. XfrmInNoStates:
# ESP packets dropped for want of an inbound SA)
xfrm_stat() { ip netns exec "$1" awk -v c="$2" '$1 == c {print $2}' /proc/net/xfrm_stat; }
# no_xfrm_drops NS WHEN COUNTER...: each xfrm_stat COUNTER of NS is 0
no_xfrm_drops() {
  local ns=$1 when=$2 c n
  shift 2
  for c in "$@"; do
    n=$(xfrm_stat "$ns" "$c")
    [ "$n" = 0 ] || die "$c is ${n:-missing} in $ns $when"
  done
  log "$when: $* 0 in $ns"
}
# no_xfrm NS WHAT: the netns holds no XFRM state and no (non-socket) policy
no_xfrm() {
  local s p
  s=$(xfrm_states "$1"); p=$(xfrm_policies "$1")
  [ "$s" = 0 ] && [ "$p" = 0 ] || { ip -n "$1" xfrm state; ip -n "$1" xfrm policy; die "$2: $s SAs, $p policies left in $1"; }
  log "$2: no XFRM state or policy left in $1"
}

# wait_up NAME CONN [SECONDS]: the connection's state becomes "up"
wait_up() {
  wait_for "${3:-20}" eval "ctl $1 status --json | grep -q '\"name\":\"$2\",\"state\":\"up\"'" \
    || { ctl "$1" status; tail -30 "$OUT/ipsecd-$1.log"; die "$2 did not come up in $1"; }
}

# check_status NAME CONN MODE MIN_PACKETS [PROTOCOL]: `ipsecctl status --json` of peer NAME holds the
# contract's fields (docs/DESIGN.md Part 2) for CONN: up, one established IKEv2 SA with SPIs,
# a CHILD SA in MODE of PROTOCOL (default esp) with SPIs and packet counters >= MIN_PACKETS each way
# (an IKEv1 SA with IKE_VERSION=1)
check_status() {
  ctl "$1" status --json > "$OUT/status-$1.json" || die "ipsecctl status --json ($1)"
  python3 - "$OUT/status-$1.json" "$2" "$3" "$4" "${5:-esp}" "${IKE_VERSION:-2}" <<'EOF' || die "status --json of $1 lacks what the contract promises"
import json, sys
path, name, mode, minp, proto, version = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5], int(sys.argv[6])
doc = json.load(open(path))
def need(cond, what):
    if not cond:
        print("status check failed:", what); print(json.dumps(doc, indent=1)); sys.exit(1)
conns = [c for c in doc["connections"] if c["name"] == name]
need(len(conns) == 1, f"one connection named {name}")
c = conns[0]
need(c["state"] == "up", "connection state up")
need(len(c["ike_sas"]) >= 1, "an IKE SA")
ike = c["ike_sas"][0]
need(ike["version"] == version and ike["state"] == "established", f"ike_sas[0] IKEv{version} established")
for k in ("local_spi", "remote_spi"):
    need(ike[k].startswith("0x") and int(ike[k], 16) != 0, f"ike_sas[0].{k}")
for k in ("proposal", "local", "remote"):
    need(ike.get(k), f"ike_sas[0].{k}")
need(len(ike["children"]) >= 1, "a CHILD SA")
ch = ike["children"][0]
need(ch["mode"] == mode and ch["protocol"] == proto, f"child mode {mode}, protocol {proto}")
for k in ("spi_in", "spi_out"):
    need(ch[k].startswith("0x") and int(ch[k], 16) != 0, f"children[0].{k}")
need(ch["local_ts"] and ch["remote_ts"] and ch["proposal"], "children[0] traffic selectors, proposal")
for k in ("packets_in", "packets_out", "bytes_in", "bytes_out"):
    need(ch[k] >= minp, f"children[0].{k} >= {minp} (is {ch[k]})")
print(f"status --json: {name} up, IKE SA {ike['local_spi']}/{ike['remote_spi']} {ike['proposal']}, "
      f"CHILD {ch['name']} {mode} {ch['spi_in']}/{ch['spi_out']} {ch['proposal']} "
      f"in {ch['packets_in']} pkts/{ch['bytes_in']} B, out {ch['packets_out']} pkts/{ch['bytes_out']} B")
EOF
}

# site_pair AUTH [CHILD_KEYS [IKE_KEYS]]: the lab's site-to-site configuration on both peers: connection
# "site", IKEv2 aes256gcm16-prfsha256-x25519, CHILD SA "net" in tunnel mode 10.1.0.0/24 (a)
# <-> 10.2.0.0/24 (b) with ESP aes256gcm16; a initiates (start: up), b waits (start: none).
site_pair() {
  site_peer a 192.0.2.1 192.0.2.2 a.lab b.lab 10.1.0.0/24 10.2.0.0/24 up "$@"
  site_peer b 192.0.2.2 192.0.2.1 b.lab a.lab 10.2.0.0/24 10.1.0.0/24 none "$@"
}
# site_peer NAME LOCAL REMOTE LOCAL_ID REMOTE_ID LOCAL_NET REMOTE_NET START AUTH [CHILD_KEYS [IKE_KEYS]]
#   AUTH: psk=SECRET, or cert=TYPE (rsa|ecdsa|ed25519: NAME's certificate and key of that type
#   from tests/lab/pki, the peer's chain checked against the lab CA); LOCAL_NET and REMOTE_NET
#   "-": host-to-host in transport mode; CHILD_KEYS, IKE_KEYS: more keys of the CHILD SA and
#   of the connection's ike: block (e.g. "lifetime: 10s"). The CHILD SA's proposal is
#   $ESP_PROPOSALS (default aes256gcm16), the IKE SA's $IKE_PROPOSALS (default
#   aes256gcm16-prfsha256-x25519), the IKE version $IKE_VERSION (default 2).
site_peer() {
  local auth_l="auth: psk" auth_r="auth: psk" secrets="" mode=tunnel subnets_l="" subnets_r=""
  case $9 in
    psk=*) secrets=$(printf 'secrets:\n  - ids: ["@%s", "@%s"]\n    psk: "%s"' "$4" "$5" "${9#psk=}") ;;
    cert=*)
      pki_install "$1" "${9#cert=}"
      auth_l="auth: pubkey, cert: $1-${9#cert=}.pem, key: $1-${9#cert=}.key"
      auth_r="auth: pubkey, ca: ca.pem" ;;
    *) die "site_peer: AUTH is psk=SECRET or cert=TYPE, not '$9'" ;;
  esac
  if [ "$6" = - ]; then mode=transport; else subnets_l=", subnets: [$6]" subnets_r=", subnets: [$7]"; fi
  ipsecd_conf "$1" <<EOC
connections:
  site:
    version: ${IKE_VERSION:-2}
    local: {address: $2, id: "@$4", $auth_l$subnets_l}
    remote: {address: $3, id: "@$5", $auth_r$subnets_r}
    ike: {proposals: [${IKE_PROPOSALS:-aes256gcm16-prfsha256-x25519}]${11:+, ${11}}}
    children:
      net: {mode: $mode, ${AH_PROPOSALS:+protocol: ah, }proposals: [${AH_PROPOSALS:-${ESP_PROPOSALS:-aes256gcm16}}], start: $8${10:+, ${10}}}
$secrets
EOC
}

# pki_install NAME TYPE: NAME's TYPE certificate and key and the lab CA into its config dir
# (the key mode 600: ipsecd refuses secrets others can read)
pki_install() {
  local d=$W/$1/conf
  mkdir -p "$d"
  cp "$LAB_PKI/ca.pem" "$LAB_PKI/$1-$2.pem" "$d/" && install -m 600 "$LAB_PKI/$1-$2.key" "$d/" \
    || die "pki_install $1 $2"
}

# on a failing exit, what the running ipsecd and the kernels held (the logs are in $OUT)
dump_on_failure() {
  local rc=$? ns name
  [ $rc = 0 ] && return
  for name in a b; do
    [ -f "$W/$name/pid" ] && kill -0 "$(cat "$W/$name/pid")" 2>/dev/null || continue
    echo "---- ipsecctl status --json of $name (at failure)"
    ctl "$name" status --json
  done
  for ns in $(ip netns list | awk '{print $1}'); do
    echo "---- $ns: ip xfrm state / policy / route (at failure)"
    ip -n "$ns" -s xfrm state; ip -n "$ns" xfrm policy | grep -v '^\s*socket'; ip -n "$ns" route
  done
}
trap dump_on_failure EXIT

# child_spi NAME: spi_in of the first CHILD SA of peer NAME's "site" (in the first IKE SA that
# has one: an IKEv1 ISAKMP SA renewed but not yet deleted has none)
child_spi() {
  ctl "$1" status --json | python3 -c 'import json,sys
print([c["spi_in"] for i in json.load(sys.stdin)["connections"][0]["ike_sas"] for c in i["children"]][0])'
}
# ping_across_rekeys SECONDS [SRC DST]: ping SRC (a, default 10.1.0.1) -> DST (b, default 10.2.0.1)
# for SECONDS, 5 a second; every ping must be answered (not ping_through: rekeyed SAs take their
# packet counters with them)
ping_across_rekeys() {
  ip netns exec a ping -n -q -c $(($1 * 5)) -i 0.2 -W 2 -I "${2:-10.1.0.1}" "${3:-10.2.0.1}" > "$OUT/ping-rekey.out" 2>&1
  grep -A1 statistics "$OUT/ping-rekey.out"
  grep -q ' 0% packet loss' "$OUT/ping-rekey.out" || die "pings were lost across the rekeys"
}

# pair_check MODE: with both peers configured (site_pair or site_peer), starts b then a,
# waits for "site" up on both, pings both ways through ESP (MODE tunnel: between the inner
# subnets; transport: between the hosts), checks both `status --json`, stops both with
# SIGTERM and checks that both kernels are clean
pair_check() {
  local a_ip=10.1.0.1 b_ip=10.2.0.1
  [ "$1" = transport ] && a_ip=192.0.2.1 b_ip=192.0.2.2
  start_ipsecd b b
  start_ipsecd a a
  wait_up a site
  wait_up b site
  ping_through a $a_ip $b_ip 5
  ping_through b $b_ip $a_ip 3
  check_status a site "$1" 8
  check_status b site "$1" 8
  stop_pair
}

# stop_pair: SIGTERM to ipsecd a, then b; neither kernel may keep an SA or a policy
stop_pair() {
  stop_ipsecd a
  stop_ipsecd b
  no_xfrm a "after SIGTERM"
  no_xfrm b "after SIGTERM"
}

# sa_ids NAME CONN: "IKE local_spi/remote_spi CHILD spi_in/spi_out proposal" of CONN's first IKE
# SA and its first CHILD SA in peer NAME's status (empty if CONN has none)
sa_ids() {
  ctl "$1" status --json | python3 -c '
import json, sys
for c in json.load(sys.stdin)["connections"]:
    if c["name"] == sys.argv[1] and c["ike_sas"] and c["ike_sas"][0]["children"]:
        i = c["ike_sas"][0]; ch = i["children"][0]
        print("IKE", i["local_spi"] + "/" + i["remote_spi"], "CHILD", ch["spi_in"] + "/" + ch["spi_out"], ch["proposal"])' "$2"
}
