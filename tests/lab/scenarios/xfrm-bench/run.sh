#!/bin/bash
# xfrm-bench: a benchmark, not a test of numbers: ipsecd-bench xfrm (SA pairs + policies
# through xfrm/, next to `ip xfrm state add` in a loop), twice, each in a network namespace
# of its own: with the kernel's SPD hash thresholds (32/32: the bench's 10.0.0.0/24 <-> /32
# policies land in the kernel's inexact lists, whose inserts slow down as they grow), then
# with --spd-hthresh4 24/32 (BENCH_SPD_HTHRESH4), which hashes them as ipsecd
# --spd-hthresh4 does. Checks that the thresholds really are the kernel's (iproute2's
# reading, not ours). Passes when the benchmark runs; its figures are printed as "FIGURE "
# lines (shown by tests/lab/run).
# BENCH_SAS / BENCH_IP_SAS / BENCH_SPD_HTHRESH4 on the host's tests/lab/run reach the guest
# (lab_scenario_env). CI keeps 1000 pairs; 10,000 took 45-95 s of guest time (2026-12-03,
# most of it the run with the kernel's thresholds).
source "$(dirname "$0")/../../lib.sh"
B=$LAB_BIN/ipsecd-bench
[ -x "$B" ] || die "$B missing (not staged)"
SAS=${BENCH_SAS:-1000}
IP_SAS=${BENCH_IP_SAS:-100}
HTHRESH4=${BENCH_SPD_HTHRESH4:-24/32}

# bench NS LABEL [ipsecd-bench xfrm options...]: one run in a new namespace NS, its figures
# printed with LABEL; nothing may be left behind
bench() {
  local ns=$1 label=$2; shift 2
  ip netns add "$ns" || die "netns $ns"
  ip netns exec "$ns" "$B" xfrm --sas "$SAS" --ip-sas "$IP_SAS" "$@" > "$OUT/$ns.txt" 2>&1 \
    || { cat "$OUT/$ns.txt"; die "ipsecd-bench xfrm $* in $ns"; }
  sed "s|^|FIGURE $label: |" "$OUT/$ns.txt"
  left=$(ip -n "$ns" xfrm state | grep -c '^src')
  [ "$left" = 0 ] || die "$left SAs left in $ns after the benchmark"
  left=$(ip -n "$ns" xfrm policy | grep -c '^src')
  [ "$left" = 0 ] || die "$left policies left in $ns after the benchmark"
}

bench bench-default "kernel's thresholds"
grep -q 'SPD hash thresholds in force .*: IPv4 32/32, IPv6 128/128' "$OUT/bench-default.txt" \
  || die "a new namespace's thresholds are not the kernel's defaults as the bench read them"
bench bench "--spd-hthresh4 $HTHRESH4" --spd-hthresh4 "$HTHRESH4"
grep -q "SPD hash thresholds in force .*: IPv4 $HTHRESH4," "$OUT/bench.txt" || die "the bench did not read back $HTHRESH4"
# iproute2 reads them back: "SPD IPv4 thresholds: local 24 remote 32"
ip -n bench -s -s xfrm policy count > "$OUT/spdinfo.txt" 2>&1 || { cat "$OUT/spdinfo.txt"; die "ip -s -s xfrm policy count"; }
log "ip -s -s xfrm policy count in bench: $(tr -s '\n\t' '  ' < "$OUT/spdinfo.txt")"
grep -Eq "IPv4 thresholds: local ${HTHRESH4%/*} remote ${HTHRESH4#*/}\b" "$OUT/spdinfo.txt" \
  || die "the kernel's IPv4 SPD hash thresholds are not $HTHRESH4"

# the JSON form, on a small run (the figures above are the measurement)
ip netns exec bench "$B" xfrm --sas 100 --ip-sas 10 --json > "$OUT/bench.json" 2>&1 || { cat "$OUT/bench.json"; die "ipsecd-bench xfrm --json"; }
sed 's/^/FIGURE json (--sas 100 --ip-sas 10): /' "$OUT/bench.json"
grep -q '"sas_per_sec"' "$OUT/bench.json" || die "no sas_per_sec in the JSON"
grep -q "\"spd_hthresh4\": \"$HTHRESH4\"" "$OUT/bench.json" || die "the JSON does not report the thresholds in force"
exit 0
