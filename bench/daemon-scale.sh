#!/bin/bash
# bench/daemon-scale.sh - ipsecd holding N established IKE SA + CHILD SA (issue 13 item 6).
# Runs, as root, in a private network namespace (its own 127.0.0.1) with a private D-Bus:
# one ipsecd --kernel memory with a %any responder connection `load` and an unrelated
# connection `other`; `ipsecd-bench daemon-load` brings up N SAs with `load`. Prints the
# responder's CPU per SA, its memory per SA (RSS growth / N; with and without the in-memory
# XFRM model's share, which ipsecd-bench xfrm-model measures alone), its CPU per SA for M more set up
# while the N are held (the per-event cost at N: compare -n 1000, 10000, 100000), then, with
# the SAs held, the wall time of `ipsecctl status other`, of a D-Bus property read of `other`,
# and of a reload that changes only `other` (each the best of 5 runs), and of one `ipsecctl
# status` and `ipsecctl status --json` of everything (read a page of objects at a time,
# Manager.GetConnectionObjects), and whether ipsecd is still running after them. With -p, an
# ipsecctl of another build (e.g. one before a change) is timed the same way against the
# same daemon and SAs, for a before/after in one run.
# The bus has the system bus's limits (dbus-daemon's defaults: messages up to 32 MiB), not
# the session bus's 1 GB.
# -t T: ipsecd --threads T (default: ipsecd's, one per CPU); compare -t 1 for what shards add.
#   usage: bench/daemon-scale.sh [-n N] [-m M] [-w WINDOW] [-t THREADS] [-b BUILD_DIR] [-p OTHER_IPSECCTL]
set -eu
N=10000; M=1000; WINDOW=64; BUILD=$(dirname "$0")/../build; OTHER_CTL=""; THREADS=""
while getopts "n:m:w:t:b:p:" o; do
  case $o in n) N=$OPTARG;; m) M=$OPTARG;; w) WINDOW=$OPTARG;; t) THREADS=$OPTARG;; b) BUILD=$OPTARG;; p) OTHER_CTL=$OPTARG;;
             *) exit 2;; esac
done
IPSECD=$BUILD/daemon/ipsecd; IPSECCTL=$BUILD/cli/ipsecctl; BENCH=$BUILD/bench/ipsecd-bench
DIR=$(mktemp -d /tmp/ipsecd-scale.XXXXXX); NS=ipsecd-scale-$$
mkdir -m 700 "$DIR/conf" "$DIR/run"
conf() {  # $1: the proposal of `other` (the reload changes it)
  cat > "$DIR/conf/scale.yaml" <<Y
connections:
  load:
    local: {address: 127.0.0.1, id: "srv@load.test", auth: psk}
    remote: {address: "%any", id: "%any", auth: psk}
    ike: {proposals: [aes256gcm16-prfsha256-x25519]}
    children:
      net: {mode: tunnel, proposals: [aes256gcm16], start: none}
  other:
    local: {address: 127.0.0.1, id: "127.0.0.1", auth: psk}
    remote: {address: 192.0.2.9, id: "192.0.2.9", auth: psk}
    ike: {proposals: [$1]}
    children:
      net: {mode: tunnel, proposals: [aes256gcm16], start: none}
secrets:
  - ids: ["srv@load.test", "%any"]
    psk: "lab-load-test-psk-0123456789abcdef"
Y
  chmod 600 "$DIR/conf/scale.yaml"
}
conf aes256gcm16-prfsha256-x25519
BUS="unix:path=$DIR/bus"; DPID=""; BUSPID=""
cleanup() { [ -n "$DPID" ] && kill "$DPID" 2>/dev/null; sleep 0.5; [ -n "$BUSPID" ] && kill "$BUSPID"; ip netns del $NS 2>/dev/null; rm -rf "$DIR"; }
trap cleanup EXIT
ip netns add $NS; ip -n $NS link set lo up
cat > "$DIR/bus.conf" <<C
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>$BUS</listen>
  <auth>EXTERNAL</auth>
  <policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/></policy>
</busconfig>
C
BUSPID=$(dbus-daemon --config-file="$DIR/bus.conf" --fork --print-pid)
ip netns exec $NS env DBUS_SYSTEM_BUS_ADDRESS="$BUS" "$IPSECD" --kernel memory --config-dir "$DIR/conf" \
  --runtime-dir "$DIR/run" --log-level warning ${THREADS:+--threads "$THREADS"} > "$DIR/ipsecd.log" 2>&1 &
DPID=$!
for i in $(seq 100); do "$IPSECCTL" --address "$BUS" list >/dev/null 2>&1 && break; sleep 0.1; done
rss() { awk '/VmRSS/{print $2}' /proc/$DPID/status; }
cpu() { awk '{print $14+$15}' /proc/$DPID/stat; }
ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
# best of 5 wall-clock runs of "$@", in ms
best() { local b=999999 t0 t; for _ in 1 2 3 4 5; do t0=$(date +%s%N); "$@" >/dev/null || return 1; t=$(ms $t0); [ $t -lt $b ] && b=$t; done; echo $b; }
RSS0=$(rss); CPU0=$(cpu)
ip netns exec $NS "$BENCH" daemon-load --sas "$N" --window "$WINDOW"
CPU1=$(cpu); RSS1=$(rss); HZ=$(getconf CLK_TCK)
# M more (other identities, another generator port) while the N are held.
ip netns exec $NS "$BENCH" daemon-load --sas "$M" --first "$N" --port 5510 --window "$WINDOW" >/dev/null
CPU2=$(cpu)
# The IKE SAs of `load` by their objects (IkeSas): `ipsecctl status --json` of all of them is
# one D-Bus reply, larger than the bus allows at 100,000.
held() { busctl --address="$BUS" get-property org.ipsecd1 /org/ipsecd1/connection/load org.ipsecd1.Connection IkeSas | awk '{print $2}'; }
UP=$(held)
echo "ipsecd holds $UP IKE SAs of 'load' (N=$N, then M=$M more)"
# The in-memory XFRM model's share, measured alone with the same SAs (a real ipsecd leaves
# them to the kernel): what the daemon itself costs per SA is the rest.
MODEL=$("$BENCH" xfrm-model --sas "$N" | sed -n 's/.*: \([0-9]*\) bytes per CHILD SA$/\1/p')
awk -v n="$N" -v c0="$CPU0" -v c1="$CPU1" -v hz="$HZ" -v r0="$RSS0" -v r1="$RSS1" -v model="$MODEL" 'BEGIN{
  total = 1024*(r1-r0)/n
  printf "responder CPU per SA: %.0f us; RSS %d -> %d kB: %.0f bytes per IKE SA + CHILD SA\n",
    1e6*(c1-c0)/hz/n, r0, r1, total
  printf "  of which the in-memory XFRM model (ipsecd-bench xfrm-model --sas %d, measured alone): %d bytes;\n", n, model
  printf "  without it (what ipsecd with the kernel holds per SA): %.0f bytes\n", total - model }'
awk -v n="$N" -v m="$M" -v c1="$CPU1" -v c2="$CPU2" -v hz="$HZ" 'BEGIN{
  printf "responder CPU per SA for %d more with %d held: %.0f us\n", m, n, 1e6*(c2-c1)/hz/m }'
# The floor: a process start and one D-Bus call that reads no SA (ListConnections).
echo "ipsecctl list (baseline: process start + one call): $(best "$IPSECCTL" --address "$BUS" list) ms (best of 5)"
echo "ipsecctl status other: $(best "$IPSECCTL" --address "$BUS" status other) ms (best of 5)"
OTHER=/org/ipsecd1/connection/other
echo "D-Bus property read (busctl get-property $OTHER State): $(best busctl --address="$BUS" get-property org.ipsecd1 $OTHER org.ipsecd1.Connection State) ms (best of 5)"
reload() { conf "$1"; "$IPSECCTL" --address "$BUS" reload; }
b=999999
for p in aes128gcm16-prfsha256-x25519 aes256gcm16-prfsha256-x25519 aes128gcm16-prfsha256-x25519 aes256gcm16-prfsha256-x25519 aes128gcm16-prfsha256-x25519; do
  t0=$(date +%s%N); reload $p; t=$(ms $t0); [ $t -lt $b ] && b=$t
done
echo "reload changing only 'other': $b ms (best of 5); 'load' still holds $(held) IKE SAs"
once() {  # one wall-clock run of "$@": ms and bytes printed, or its error
  local t0; t0=$(date +%s%N)
  "$@" > "$DIR/once.out" 2> "$DIR/once.err" || { echo "FAILED: $(head -c 300 "$DIR/once.err")"; return 0; }
  echo "$(ms $t0) ms, $(wc -c < "$DIR/once.out") bytes of output"
}
echo "ipsecctl status (all): $(once "$IPSECCTL" --address "$BUS" status)"
echo "ipsecctl status --json (all): $(once "$IPSECCTL" --address "$BUS" status --json)"
if [ -n "$OTHER_CTL" ]; then
  echo "$OTHER_CTL status (all): $(once "$OTHER_CTL" --address "$BUS" status)"
  echo "$OTHER_CTL status --json (all): $(once "$OTHER_CTL" --address "$BUS" status --json)"
fi
kill -0 "$DPID" && echo "ipsecd still running, holding $(held) IKE SAs of 'load'"
