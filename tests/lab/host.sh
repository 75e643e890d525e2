# host.sh - host-side steps shared by tests/lab/run and tests/lab/demo (sourced): check that
# UML can start, build the lab's programs, stage everything the guest needs into $LAB (the
# only host directory the guest sees: the clone may live under /root or /tmp, which are
# private inside the guest) and boot. Callers set ROOT (the source tree) first.
LAB=${LAB:-/tmp/lab}
LAB_TARGETS="tests/lab/xfrm_proof bench/ipsecd-bench daemon/ipsecd cli/ipsecctl dbus/nm/nm-ipsecd-service"

# lab_preflight: prints why UML cannot run here, or nothing.
lab_preflight() {
  [ -x "${UML:-/usr/bin/linux.uml}" ] || { echo "no ${UML:-/usr/bin/linux.uml} (package user-mode-linux)"; return; }
  ls /usr/lib/uml/modules/*/modules.dep > /dev/null 2>&1 || { echo "no UML modules in /usr/lib/uml/modules"; return; }
  # UML maps its memory from files in TMPDIR=/dev/shm and executes them
  local probe=/dev/shm/ipsecd-lab-probe-$$
  if ! cp /bin/true "$probe" 2>/dev/null; then echo "/dev/shm is not writable"; return; fi
  "$probe" 2>/dev/null || echo "/dev/shm does not allow executing files (mounted noexec?)"
  rm -f "$probe"
  mkdir -p "$LAB" 2>/dev/null && [ -w "$LAB" ] || { echo "cannot write $LAB"; return; }
  "$ROOT/tests/lab/uml-xstate-preload" "$LAB" 2>&1 >/dev/null | tail -1
}

# lab_cpu: one line on the host CPU situation UML meets (AMX or not; tests/lab/xstate_fix.c)
lab_cpu() {
  if grep -qw amx_tile /proc/cpuinfo 2>/dev/null; then
    echo "host CPU has AMX (amx_tile): UML runs with the xstate wrapper padding its short XSTATE writes to the host's area"
  else
    echo "host CPU has no AMX: UML runs with the xstate wrapper, which passes every ptrace call through"
  fi
}

# lab_console_fatal CONSOLE: the line saying why UML or its guest died, if the console has one
lab_console_fatal() {
  local line
  line=$(grep -m1 -E 'ptrace .*failed|Kernel panic|not syncing' "$1" 2>/dev/null)
  case $line in
    *"set fp regs failed"*) echo "$line (the host refused UML's XSTATE write: see tests/lab/xstate_fix.c)" ;;
    *) echo "$line" ;;
  esac
}

# lab_build_dir: reuse tests/run's release build when it exists (its BUILD_ROOT, default
# ./build-tests), else a build dir of our own.
lab_build_dir() {
  local shared=${BUILD_ROOT:-$ROOT/build-tests}/release
  if [ -f "$shared/build.ninja" ]; then echo "$shared"
  elif [ -n "${BUILD_ROOT:-}" ]; then echo "$BUILD_ROOT/lab"
  else echo "$ROOT/build-lab"; fi
}

# lab_build DIR LOG: configures DIR once and builds only the lab's targets.
lab_build() {
  local dir=$1 log=$2
  if [ ! -f "$dir/build.ninja" ]; then
    meson setup "$dir" "$ROOT" > "$log" 2>&1 || return 1
  fi
  # shellcheck disable=SC2086
  ninja -C "$dir" -j2 $LAB_TARGETS >> "$log" 2>&1
}

# lab_scenarios: every enabled scenario's name, tests/lab/scenarios/* then tests/interop/*.
# A scenario written ahead of the engine has a `pending` file saying what it waits for: it
# is left out (and listed by lab_pending) until that file is removed; naming it runs it.
lab_scenarios() {
  local d
  for d in "$ROOT"/tests/lab/scenarios/*/run.sh "$ROOT"/tests/interop/*/run.sh; do
    [ -f "$d" ] && [ ! -f "$(dirname "$d")/pending" ] && basename "$(dirname "$d")"
  done
}

# lab_pending: "NAME: what it waits for" for each scenario with a `pending` file
lab_pending() {
  local d
  for d in "$ROOT"/tests/lab/scenarios/*/pending "$ROOT"/tests/interop/*/pending; do
    [ -f "$d" ] && echo "$(basename "$(dirname "$d")"): $(head -1 "$d")"
  done
}

# lab_scenario_dir NAME: the source folder of scenario NAME (empty if there is none)
lab_scenario_dir() {
  local d
  for d in "$ROOT/tests/lab/scenarios/$1" "$ROOT/tests/interop/$1"; do
    [ -f "$d/run.sh" ] && { echo "$d"; return; }
  done
}

# lab_stage BUILD_DIR STAGE: copies the guest's scripts, the test PKI, the bus policy and the built
# programs into STAGE (STAGE/scenarios and STAGE/interop mirror tests/lab/scenarios and
# tests/interop, so scenarios find lib.sh and ipsecd.sh by relative path); STAGE/nm holds the
# NetworkManager plugin's .name file and bus policy, STAGE/resolved systemd-resolved unpacked,
# STAGE/libreswan Libreswan unpacked.
lab_stage() {
  local dir=$1 stage=$2 t
  rm -rf "$stage" && mkdir -p "$stage/bin" "$stage/interop" || return 1
  cp -r "$ROOT/tests/lab/lib.sh" "$ROOT/tests/lab/ipsecd.sh" "$ROOT/tests/lab/resolved.sh" "$ROOT/tests/lab/guest.sh" \
    "$ROOT/tests/lab/scenarios" "$ROOT/tests/lab/pki" "$ROOT/units/org.ipsecd1.conf" \
    "$ROOT/examples" "$stage/" || return 1
  if [ -d "$ROOT/tests/interop" ]; then cp -r "$ROOT/tests/interop/." "$stage/interop/" || return 1; fi
  for t in $LAB_TARGETS; do cp "$dir/$t" "$stage/bin/" || return 1; done
  mkdir -p "$stage/nm" && cp "$dir/dbus/nm/nm-ipsecd-service.name" "$ROOT/dbus/nm/nm-ipsecd-service.conf" "$stage/nm/" || return 1
  # systemd-resolved as tests/deps.sh unpacked it (absent: the scenarios that need it say so)
  if [ -d "$ROOT/build-tests/lab-debs/systemd-resolved" ]; then
    cp -r "$ROOT/build-tests/lab-debs/systemd-resolved" "$stage/resolved" || return 1
  fi
  # Libreswan as tests/deps.sh unpacked it (absent: tests/interop/libreswan.sh says so)
  if [ -d "$ROOT/build-tests/lab-debs/libreswan" ]; then
    cp -r "$ROOT/build-tests/lab-debs/libreswan" "$stage/libreswan" || return 1
  fi
  lab_scenario_env > "$stage/scenario.env"
}

# lab_scenario_env: the host's settings for scenarios (the host's environment does not reach
# the guest), as shell assignments guest.sh exports: BENCH_SAS, BENCH_IP_SAS and
# BENCH_SPD_HTHRESH4 (xfrm-bench).
lab_scenario_env() {
  local v
  for v in BENCH_SAS BENCH_IP_SAS BENCH_SPD_HTHRESH4; do
    if [ -n "${!v:-}" ]; then echo "export $v=${!v@Q}"; fi
  done
}

# lab_boot STAGE RUNDIR SCENARIO_TIMEOUT SCENARIO...: one UML boot running the scenarios in
# turn, each bounded by SCENARIO_TIMEOUT seconds; the console goes to RUNDIR/uml-run.out,
# each scenario's output to RUNDIR/<name>/log. Sets LAB_TIMEOUT (the whole boot's bound).
lab_boot() {
  local stage=$1 rundir=$2 per=$3; shift 3
  LAB_TIMEOUT=$(( 30 + $# * (per + 5) ))
  rm -rf "$rundir"; mkdir -p "$rundir"
  LAB=$LAB "$ROOT/tests/lab/uml-run" -q -t "$LAB_TIMEOUT" -o "$rundir" "$stage/guest.sh" -t "$per" "$@" \
    > "$rundir/uml-run.out" 2>&1
}
