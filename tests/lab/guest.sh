#!/bin/bash
# guest.sh [-t SECONDS] SCENARIO...: runs inside the UML guest (started by uml-run from
# tests/lab/run or tests/lab/demo). Runs each scenario's run.sh in turn, each bounded by
# SECONDS (default 120; the host's environment does not reach the guest, hence the option), with its output in $RUNDIR/<name>/log and its exit code in $RUNDIR/<name>/rc;
# between scenarios, everything a scenario left (netns, their processes, XFRM state) is removed
# so the next one starts clean. Booting once for several scenarios saves ~10 s each.
HERE=$(cd "$(dirname "$0")" && pwd)
SCENARIO_TIMEOUT=120
if [ "${1:-}" = -t ]; then SCENARIO_TIMEOUT=$2; shift 2; fi
# The host's settings for scenarios, written by lab_stage (tests/lab/host.sh).
if [ -f "$HERE/scenario.env" ]; then source "$HERE/scenario.env"; fi

clean_guest() {
  local ns pid
  for ns in $(ip netns list | awk '{print $1}'); do
    for pid in $(ip netns pids "$ns"); do kill -9 "$pid" 2>/dev/null; done
    ip netns del "$ns"
  done
  ip xfrm state flush; ip xfrm policy flush
  rm -rf /tmp/ipsec
}

for name in "$@"; do
  out=$RUNDIR/$name
  mkdir -p "$out"
  t0=$(date +%s.%N)
  echo "lab-guest: scenario $name starting"
  script=$HERE/scenarios/$name/run.sh
  [ -f "$script" ] || script=$HERE/interop/$name/run.sh
  OUT=$out timeout -k 3 "$SCENARIO_TIMEOUT" /bin/bash "$script" \
    > "$out/log" 2>&1 < /dev/null
  rc=$?
  echo "$rc" > "$out/rc"
  echo "lab-guest: scenario $name rc=$rc in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')s"
  clean_guest
done
exit 0
