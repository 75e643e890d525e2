#!/bin/bash
# xfrm-bench: a benchmark, not a test of numbers: ipsecd-bench xfrm in a network namespace of
# its own (SA pairs + policies through xfrm/, next to `ip xfrm state add` in a loop). Passes
# when the benchmark runs; its figures are printed as "FIGURE " lines (shown by tests/lab/run).
# BENCH_SAS / BENCH_IP_SAS on the host's tests/lab/run reach the guest (lab_scenario_env).
# CI keeps 1000 pairs: 10,000 took 49-83 s of guest time (2026-12-02), most of it in the
# kernel (its SA insertions slow down as SAs grow; the /24<->/32 policies sit in its list of
# inexact policies: with `ip xfrm policy set hthresh4 24 32` they took 2.5 s instead of 18.8 s).
source "$(dirname "$0")/../../lib.sh"
B=$LAB_BIN/ipsecd-bench
[ -x "$B" ] || die "$B missing (not staged)"
SAS=${BENCH_SAS:-1000}
IP_SAS=${BENCH_IP_SAS:-100}
ip netns add bench || die "netns"
ip netns exec bench "$B" xfrm --sas "$SAS" --ip-sas "$IP_SAS" > "$OUT/bench.txt" 2>&1 || { cat "$OUT/bench.txt"; die "ipsecd-bench xfrm"; }
sed 's/^/FIGURE /' "$OUT/bench.txt"
# the JSON form, on a small run (the figures above are the measurement)
ip netns exec bench "$B" xfrm --sas 100 --ip-sas 10 --json > "$OUT/bench.json" 2>&1 || { cat "$OUT/bench.json"; die "ipsecd-bench xfrm --json"; }
sed 's/^/FIGURE json (--sas 100 --ip-sas 10): /' "$OUT/bench.json"
grep -q '"sas_per_sec"' "$OUT/bench.json" || die "no sas_per_sec in the JSON"
# nothing left behind: the benchmark deletes what it installed
left=$(ip -n bench xfrm state | grep -c '^src')
[ "$left" = 0 ] || die "$left SAs left after the benchmark"
exit 0
