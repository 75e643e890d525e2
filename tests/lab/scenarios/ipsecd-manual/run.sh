#!/bin/bash
# ipsecd-manual: manual keying (FreeS/WAN's manual connections, no IKE). Peer a runs
# examples/manual-keying.yaml exactly as shipped (connection manual-b: ESP tunnel
# 10.1.0.0/24 <-> 10.2.0.0/24, AES-GCM out, AES-CBC + SHA-256 in), peer b its mirror (in and
# out, addresses and subnets swapped by sed); both also run an AH transport connection
# between the hosts. Pings pass through ESP and through AH with the kernel's counters rising
# on both `proto esp` and `proto ah` states; `ipsecctl status --json` shows both connections
# up with their SPIs and counters and no IKE SA; SIGTERM leaves no SA and no policy. The
# inner subnets are routed over the underlay (inner_routes), as an operator would for them.
# Reload is a diff: changed SPIs replace hosts-ah's SAs while manual-b's stay as they were
# (counters included), and a removed file removes its connection's SAs and policies.
source "$(dirname "$0")/../../lib.sh"
source "$(dirname "$0")/../../ipsecd.sh"
EXAMPLE=$(cd "$(dirname "$0")/../.." && pwd)/examples/manual-keying.yaml
KEY_AB=0x$(printf 'ab%.0s' {1..32})  # sha256 keys: 32 bytes
KEY_BA=0x$(printf 'ba%.0s' {1..32})
mk_topology
inner_routes  # manual tunnels get no routes from ipsecd (docs/DESIGN.md Part 2)
mark topology

# ah_yaml LOCAL REMOTE OUT_SPI OUT_KEY IN_SPI IN_KEY: the AH transport connection "hosts-ah"
ah_yaml() {
cat <<EOF
connections:
  hosts-ah:
    local: {address: $1}
    remote: {address: $2}
    manual:
      mode: transport
      protocol: ah
      out: {spi: $3, integrity: sha256, integrity_key: $4}
      in: {spi: $5, integrity: sha256, integrity_key: $6}
EOF
}
[ -f "$EXAMPLE" ] || die "no $EXAMPLE"
ipsecd_conf a < "$EXAMPLE"
# b: the example seen from the other end (only addresses, subnets and in/out swapped)
sed -e 's/192\.0\.2\.1/192.0.2.X/; s/192\.0\.2\.2/192.0.2.1/; s/192\.0\.2\.X/192.0.2.2/' \
    -e 's/10\.1\.0\.0/10.X.0.0/; s/10\.2\.0\.0/10.1.0.0/; s/10\.X\.0\.0/10.2.0.0/' \
    -e 's/^      out:$/      IN:/; s/^      in:$/      out:/; s/^      IN:$/      in:/' "$EXAMPLE" | ipsecd_conf b
diff "$EXAMPLE" "$W/b/conf/ipsecd.yaml" | grep '^[<>]' | sed 's/^/  example vs b: /'
( umask 077; ah_yaml 192.0.2.1 192.0.2.2 0x4001 "$KEY_AB" 0x4002 "$KEY_BA" > "$W/a/conf/ah.yaml" )
( umask 077; ah_yaml 192.0.2.2 192.0.2.1 0x4002 "$KEY_BA" 0x4001 "$KEY_AB" > "$W/b/conf/ah.yaml" )
"$IPSECD" --check --config-dir "$W/a/conf" || die "ipsecd --check refuses a's configuration"

start_ipsecd b b
start_ipsecd a a
for peer in a b; do wait_up $peer manual-b 5; wait_up $peer hosts-ah 5; done
mark sa_up
ctl a status
show_xfrm a

# proto_pkts NS PROTO: packets counted on NS's PROTO (esp|ah) states
proto_pkts() {
  ip -n "$1" -s xfrm state | awk -v p="$2" '
    /^[ \t]*proto /{cur=$2} /lifetime current:/{getline; gsub(/[()a-z,]/," "); if (cur == p) s+=$2} END{print s+0}'
}
# rises NS PROTO BEFORE: NS's PROTO counters rose by at least 10 since BEFORE
rises() {
  local now; now=$(proto_pkts "$1" "$2")
  log "proto $2 packet counters in $1: $3 -> $now"
  [ "$now" -ge $(($3 + 10)) ] || die "proto $2 counters in $1 did not rise by >= 10"
}
esp_a=$(proto_pkts a esp) esp_b=$(proto_pkts b esp) ah_a=$(proto_pkts a ah) ah_b=$(proto_pkts b ah)
ping_through a 10.1.0.1 10.2.0.1 5      # through the ESP tunnel of the example
rises a esp "$esp_a"; rises b esp "$esp_b"
[ "$(proto_pkts a ah)" = "$ah_a" ] || die "tunnel pings were counted on AH states"
ping_through b 192.0.2.2 192.0.2.1 5    # host to host: through AH in transport mode
rises a ah "$ah_a"; rises b ah "$ah_b"
mark ping_ok

check_manual_status() {
  ctl "$1" status --json > "$OUT/status-$1.json" || die "ipsecctl status --json ($1)"
  python3 - "$OUT/status-$1.json" <<'EOF' || die "status --json of $1 does not show the manual connections"
import json, sys
doc = json.load(open(sys.argv[1]))
def need(cond, what):
    if not cond:
        print("status check failed:", what); print(json.dumps(doc, indent=1)); sys.exit(1)
conns = {c["name"]: c for c in doc["connections"]}
for name, mode, proto in (("manual-b", "tunnel", "esp"), ("hosts-ah", "transport", "ah")):
    c = conns.get(name)
    need(c and c["state"] == "up", f"{name} up")
    need(c["ike_sas"] == [], f"{name} has no IKE SA")
    need(len(c.get("children", [])) == 1, f"{name} shows its SA pair")
    ch = c["children"][0]
    need(ch["mode"] == mode and ch["protocol"] == proto, f"{name}: {mode} {proto}")
    need(int(ch["spi_in"], 16) >= 0x100 and int(ch["spi_out"], 16) >= 0x100, f"{name} SPIs")
    for k in ("packets_in", "packets_out", "bytes_in", "bytes_out"):
        need(ch[k] >= 5, f"{name}.{k} >= 5 (is {ch[k]})")
    print(f"status --json: {name} up, no IKE SA, {mode} {proto} {ch['spi_in']}/{ch['spi_out']} "
          f"{ch['proposal']}, in {ch['packets_in']} pkts, out {ch['packets_out']} pkts")
EOF
}
check_manual_status a
check_manual_status b
mark status_ok

# reload as a diff: new AH SPIs on both sides replace hosts-ah's SAs; manual-b is untouched
# (its counters go on from where they were), then removing hosts-ah's file removes its state
esp_a=$(proto_pkts a esp)
( umask 077; ah_yaml 192.0.2.1 192.0.2.2 0x5001 "$KEY_AB" 0x5002 "$KEY_BA" > "$W/a/conf/ah.yaml" )
( umask 077; ah_yaml 192.0.2.2 192.0.2.1 0x5002 "$KEY_BA" 0x5001 "$KEY_AB" > "$W/b/conf/ah.yaml" )
ctl a reload || die "ipsecctl reload (a)"
ctl b reload || die "ipsecctl reload (b)"
ip -n a xfrm state | grep -q 'proto ah spi 0x00005001' || die "reload did not install the new AH SA"
! ip -n a xfrm state | grep -q 'proto ah spi 0x00004001' || die "reload left the old AH SA"
[ "$(proto_pkts a esp)" = "$esp_a" ] || die "reload touched the unchanged manual-b (ESP counters reset)"
ah_a=$(proto_pkts a ah)
ping_through a 192.0.2.1 192.0.2.2 5
rises a ah "$ah_a"
rm "$W/a/conf/ah.yaml"
ctl a reload || die "ipsecctl reload (a, hosts-ah removed)"
[ "$(ip -n a xfrm state | grep -c 'proto ah')$(ip -n a xfrm policy | grep -c 'proto ah')" = 00 ] \
  || { show_xfrm a; die "hosts-ah's SAs or policies stay after its removal"; }
ctl a list | grep -qx hosts-ah && die "hosts-ah still listed after its removal"
ping_through a 10.1.0.1 10.2.0.1 3
log "reload: hosts-ah replaced then removed, manual-b untouched"
mark reload_ok

stop_pair
mark done
cat "$OUT/timings"
