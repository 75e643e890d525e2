#!/bin/bash
# lab-test.sh - runs INSIDE the guest as lab-test.service: systemd 252 is PID 1, the system
# D-Bus is up, the real ipsecd is installed (meson install) with its unit, bus policy and
# activation file, and /etc/ipsecd.d/lab.yaml holds one PSK connection `lab` whose peer is
# absent. Drives ipsecd.service through systemctl, busctl, journalctl and ipsecctl and prints
# one line per check:  PASS: <check>  |  FAIL: <check>: <why>
# plus "FIGURE <text>" lines (timings, exposure level). The check names are listed in
# tests/systemd/checks. Output goes to $RUNDIR/lab-test.log (host-visible); the exit code
# (number of failed checks) to $RUNDIR/exit-code.
set -u
. /etc/lab.env   # RUNDIR, LAB, UML_T0 (host epoch seconds when linux.uml was launched)
exec > >(tee -a "$RUNDIR/lab-test.log") 2>&1
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C SYSTEMD_PAGER=
FAILS=0
UNIT=ipsecd.service
CONN=lab
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)
BUS="busctl --system"
MGR="org.ipsecd1 /org/ipsecd1 org.ipsecd1.Manager"

# verdict CHECK WHY: PASS when WHY is empty
verdict() {
  if [ -z "$2" ]; then echo "PASS: $1"; else echo "FAIL: $1: $2"; FAILS=$((FAILS + 1)); fi
}
sec()  { echo; echo "===== $* ====="; }
now()  { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", b-a}'; }
prop() { systemctl show -p "$1" --value "$UNIT"; }
wait_for() { # wait_for SECONDS CMD...  (poll every 0.2 s)
  local end=$(( $(date +%s) + $1 )); shift
  while ! "$@" >/dev/null 2>&1; do [ "$(date +%s)" -ge "$end" ] && return 1; sleep 0.2; done
}
owner_pid() { $BUS status org.ipsecd1 2>/dev/null | sed -n 's/^PID=//p'; }
conn_state() { ipsecctl status --json | python3 -c \
  'import json,sys; print([c["state"] for c in json.load(sys.stdin)["connections"] if c["name"]==sys.argv[1]][0])' "$CONN"; }
# SAs and (non-socket) policies in the kernel; the daemon's IKE sockets carry per-socket
# bypass policies ("socket in/out"), which are not counted
xfrm_count() { ip xfrm state | grep -c '^src'; ip xfrm policy | grep -c '[[:space:]]dir '; }

echo "lab-test.service running after $(cut -d' ' -f1 /proc/uptime)s guest uptime"
sec "boot"
why=""
state=$(systemctl is-system-running --wait)
echo "is-system-running: $state   PID 1: $(cat /proc/1/comm)   kernel: $(uname -r)"
systemctl --failed --no-pager --no-legend
[ "$(cat /proc/1/comm)" = systemd ] || why="PID 1 is $(cat /proc/1/comm), not systemd"
systemctl is-active -q dbus.service || why+=" dbus.service is $(systemctl is-active dbus.service)"
verdict boot "$why"
echo "FIGURE boot to lab-test: $(secs "$UML_T0" "$(now)") s (host wall clock)"

sec "kernel modules (systemd-modules-load, via /usr/lib/modules/$(uname -r))"
why=""
[ "$(systemctl show -p Result --value systemd-modules-load.service)" = success ] \
  || why="systemd-modules-load: $(systemctl show -p Result --value systemd-modules-load.service)"
for m in xfrm_user esp4 dummy; do
  if [ -d /sys/module/$m ]; then echo "loaded: $m"; else why+=" $m not loaded"; fi
done
verdict modules-load "$why"
# the peer's network: 192.0.2.1 is ours, 192.0.2.2 (the peer) never answers
ip link add dummy0 type dummy && ip addr add 192.0.2.1/24 dev dummy0 && ip link set dummy0 up \
  || echo "lab-test: could not set up dummy0"

sec "systemd-analyze verify"
why=""
FRAG=$(prop FragmentPath)
echo "unit: $FRAG   ExecStart: $(prop ExecStart | sed 's/ ; .*//')"
[ -f "$FRAG" ] || why=" no unit file"
# where dbus-daemon reads them (/usr/share: prefix /usr; /etc and /usr/local/share: other prefixes)
ls /usr/share/dbus-1/system.d/org.ipsecd1.conf /etc/dbus-1/system.d/org.ipsecd1.conf 2>/dev/null | grep -q . \
  || why+=" bus policy org.ipsecd1.conf not installed"
ls /usr/share/dbus-1/system-services/org.ipsecd1.service /usr/local/share/dbus-1/system-services/org.ipsecd1.service \
  2>/dev/null | grep -q . || why+=" activation file org.ipsecd1.service not installed"
out=$(systemd-analyze verify "$UNIT" 2>&1); rc=$?
echo "$out"
[ "$rc" = 0 ] || why+=" verify exit $rc"
if grep -q 'ipsecd' <<<"$out"; then why+=" verify: $(grep -m1 ipsecd <<<"$out")"; fi
verdict verify "$why"

sec "start"
why=""
t0=$(now)
systemctl start "$UNIT" || why="systemctl start failed"
t1=$(now)
echo "FIGURE systemctl start ipsecd (until READY=1): $(secs "$t0" "$t1") s"
systemctl status "$UNIT" --no-pager -l --lines=10 > "$RUNDIR/status.txt" 2>&1
cat "$RUNDIR/status.txt"
[ "$(systemctl is-active "$UNIT")" = active ] || why+=" is-active: $(systemctl is-active "$UNIT")"
[ "$(prop Type)" = notify ] || why+=" Type=$(prop Type)"
# Type=notify: `systemctl start` returns once READY=1 arrived; the daemon's log says it too
journalctl -u "$UNIT" --no-pager -o cat | grep -q 'running' || why+=" no 'running' log line before READY"
MAINPID=$(prop MainPID)
WD0=$(prop WatchdogTimestampMonotonic)
verdict start "$why"

sec "STATUS="
STATUS=$(prop StatusText)
echo "StatusText=$STATUS"
why=""
[ -n "$STATUS" ] || why="no STATUS= from the daemon"
grep -qF "Status: \"$STATUS\"" "$RUNDIR/status.txt" || why+=" not shown by systemctl status"
[[ $STATUS == *1\ connection* ]] || why+=" summary does not count the 1 connection"
verdict status-text "$why"

sec "bus name"
$BUS status org.ipsecd1 | grep -E '^(PID|Comm|Unit|UniqueName|EffectiveCapabilities)=' 
why=""
[ "$(owner_pid)" = "$MAINPID" ] || why="org.ipsecd1 owner PID '$(owner_pid)' is not MainPID $MAINPID"
verdict bus-name "$why"

sec "busctl introspect"
out=$($BUS introspect org.ipsecd1 /org/ipsecd1 2>&1)
echo "$out" | grep -E 'interface|org.ipsecd1.Manager|^\.' | head -n 30
why=""
grep -q '^org\.ipsecd1\.Manager *interface' <<<"$out" || why="no org.ipsecd1.Manager interface"
for m in Up Down Reload ListConnections AddConnection RemoveConnection Version; do
  grep -qE "^\.$m " <<<"$out" || why+=" no .$m"
done
verdict introspect "$why"

sec "ipsecctl as root"
out=$(ipsecctl list 2>&1); rc=$?
echo "ipsecctl list -> rc=$rc: $out"
why=""; [ "$rc" = 0 ] && [ "$out" = "$CONN" ] || why="rc=$rc output '$out' (want '$CONN')"
verdict ipsecctl-list "$why"
out=$(ipsecctl status --json 2>&1); rc=$?
echo "ipsecctl status --json -> rc=$rc: $out"
why=$(python3 -c 'import json,sys
d=json.loads(sys.argv[1]); c=d["connections"]
assert [x["name"] for x in c]==["lab"], c
assert c[0]["state"]=="down", c[0]["state"]
assert c[0]["ike_sas"]==[], c[0]["ike_sas"]' "$out" 2>&1 | tail -n 1)
[ "$rc" = 0 ] || why="rc=$rc $why"
verdict ipsecctl-status-json "$why"

sec "non-root caller (uid 65534)"
err=$("${NOBODY[@]}" ipsecctl up "$CONN" 2>&1 >/dev/null); rc=$?
echo "ipsecctl up as nobody -> rc=$rc: $err"
dbs=$("${NOBODY[@]}" dbus-send --system --print-reply --dest=org.ipsecd1 /org/ipsecd1 org.ipsecd1.Manager.Up string:"$CONN" 2>&1)
echo "dbus-send Up as nobody: $dbs"
why=""
[ "$rc" != 0 ] || why="ipsecctl up succeeded"
[ "$(wc -l <<<"$err")" = 1 ] || why+=" error is not one line"
grep -q 'org.freedesktop.DBus.Error.AccessDenied' <<<"$dbs" || why+=" Up did not give AccessDenied"
[ "$(conn_state)" = down ] || why+=" connection is $(conn_state) after a denied Up"
verdict nonroot-up-denied "$why"
out=$("${NOBODY[@]}" ipsecctl status 2>&1); rc=$?
echo "ipsecctl status as nobody -> rc=$rc:"; echo "$out"
why=""; [ "$rc" = 0 ] && grep -q "$CONN" <<<"$out" || why="rc=$rc: $(head -n 1 <<<"$out")"
out=$("${NOBODY[@]}" ipsecctl list 2>&1); [ "$out" = "$CONN" ] || why+=" list as nobody: $out"
verdict nonroot-status "$why"

sec "up/down with an absent peer (the sandboxed daemon sends IKE_SA_INIT, installs nothing)"
why=""
timeout 60 ipsecctl up "$CONN" > "$RUNDIR/up1.out" 2>&1 & UP1=$!
wait_for 10 sh -c "[ \"\$(ipsecctl status --json | grep -o '\"state\":\"[a-z]*\"' | head -n 1)\" = '\"state\":\"connecting\"' ]" \
  || why="state never became connecting ($(conn_state))"
# a second Up while connecting: the engine logs 'already up or connecting' for this connection
timeout 60 ipsecctl up "$CONN" > "$RUNDIR/up2.out" 2>&1 & UP2=$!
sleep 0.5
ipsecctl status
ss -ulpn | grep -E ':(500|4500) ' | tee "$RUNDIR/ss.txt"
grep -q '0.0.0.0:500 .*ipsecd' "$RUNDIR/ss.txt" && grep -q '0.0.0.0:4500 .*ipsecd' "$RUNDIR/ss.txt" \
  || why+=" ipsecd has not bound UDP 500 and 4500"
set -- $(xfrm_count); [ "$1$2" = 00 ] || why+=" XFRM has $1 SAs $2 policies while connecting"
echo "per-socket XFRM policies of the IKE sockets: $(ip xfrm policy | grep -c 'socket ')"
t0=$(now)
ipsecctl down "$CONN" || why+=" ipsecctl down failed"
wait "$UP1"; rc1=$?; wait "$UP2"; rc2=$?
echo "down: $(secs "$t0" "$(now)") s; waiting Up calls ended: rc=$rc1 '$(cat "$RUNDIR/up1.out")', rc=$rc2 '$(cat "$RUNDIR/up2.out")'"
[ "$rc1" != 0 ] && [ "$rc1" != 124 ] && [ "$rc2" != 0 ] && [ "$rc2" != 124 ] \
  || why+=" the waiting Up calls did not fail promptly on Down (rc $rc1 $rc2)"
[ "$(conn_state)" = down ] || why+=" state after down: $(conn_state)"
set -- $(xfrm_count); [ "$1$2" = 00 ] || why+=" XFRM has $1 SAs $2 policies after down"
systemctl is-active -q "$UNIT" || why+=" ipsecd is $(systemctl is-active "$UNIT")"
verdict up-down-absent-peer "$why"

sec "sandbox of the running daemon"
grep -E '^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs|Seccomp):' "/proc/$MAINPID/status" | tee "$RUNDIR/proc-status.txt"
why=""
for f in CapEff CapBnd; do   # CAP_NET_ADMIN (12) + CAP_NET_BIND_SERVICE (10) only
  grep -qE "^$f:\s+0000000000001400$" "$RUNDIR/proc-status.txt" || why+=" $f is not 0x1400"
done
grep -qE '^NoNewPrivs:\s+1$' "$RUNDIR/proc-status.txt" || why+=" NoNewPrivs off"
grep -qE '^Seccomp:\s+2$' "$RUNDIR/proc-status.txt" || why+=" no seccomp filter"
[ "$(stat -c %a /run/ipsecd)" = 700 ] || why+=" /run/ipsecd mode $(stat -c %a /run/ipsecd)"
# MemorySwapMax=0: keys live on the heap (DESIGN, Security posture), never in swap
SWAPMAX=$(cat "/sys/fs/cgroup$(prop ControlGroup)/memory.swap.max" 2>&1)
[ "$SWAPMAX" = 0 ] || why+=" memory.swap.max of the unit's cgroup: $SWAPMAX"
# the daemon's view of the file system (its mount namespace): ProtectSystem=strict, PrivateTmp
echo marker > /tmp/lab-host-marker
nsenter -t "$MAINPID" -m touch /etc/ipsecd-probe /usr/ipsecd-probe 2>/dev/null && why+=" /etc or /usr writable in the sandbox"
nsenter -t "$MAINPID" -m test -e /tmp/lab-host-marker && why+=" the daemon sees the host's /tmp"
nsenter -t "$MAINPID" -m sh -c 'touch /run/ipsecd/probe && rm /run/ipsecd/probe' || why+=" /run/ipsecd not writable in the sandbox"
verdict sandbox "$why"

sec "journal"
journalctl -u "$UNIT" -o verbose --no-pager IPSECD_CONNECTION="$CONN" > "$RUNDIR/journal-verbose.txt"
grep -E '^\s+(MESSAGE|PRIORITY|IPSECD_CONNECTION|_SYSTEMD_UNIT)=' "$RUNDIR/journal-verbose.txt" | head -n 8
why=""
grep -q "IPSECD_CONNECTION=$CONN" "$RUNDIR/journal-verbose.txt" || why="no entry with IPSECD_CONNECTION=$CONN"
grep -q "_SYSTEMD_UNIT=$UNIT" "$RUNDIR/journal-verbose.txt" || why+=" entries not attributed to $UNIT"
grep -qE '^\s+PRIORITY=[0-7]$' "$RUNDIR/journal-verbose.txt" || why+=" no PRIORITY="
verdict journal-fields "$why"

sec "reload (SIGHUP)"
why=""
systemctl reload "$UNIT" || why="systemctl reload failed"
sleep 0.5
[ "$(prop MainPID)" = "$MAINPID" ] || why+=" MainPID changed: $MAINPID -> $(prop MainPID)"
systemctl is-active -q "$UNIT" || why+=" not active after reload"
journalctl -u "$UNIT" --no-pager -o cat | grep -q 'SIGHUP' || why+=" the daemon did not log the SIGHUP"
[ "$(ipsecctl list)" = "$CONN" ] || why+=" ipsecctl list after reload: $(ipsecctl list 2>&1)"
verdict reload-keeps-pid "$why"

sec "watchdog"
why=""
WDUSEC=$(prop WatchdogUSec)
echo "WatchdogUSec=$WDUSEC  WatchdogTimestamp at start: $WD0"
[ "$WDUSEC" != 0 ] && [ "$WDUSEC" != infinity ] || why="unit has no WatchdogSec"
tr '\0' '\n' < "/proc/$MAINPID/environ" | grep -q '^WATCHDOG_USEC=' || why+=" no WATCHDOG_USEC in the daemon's environment"
# each WATCHDOG=1 moves WatchdogTimestamp; sd-event pings every WatchdogSec/4..2
t0=$(now)
wait_for 15 sh -c "[ \"\$(systemctl show -p WatchdogTimestampMonotonic --value $UNIT)\" -gt $WD0 ]" \
  || why+=" WatchdogTimestamp did not advance (no WATCHDOG=1)"
echo "WatchdogTimestamp now: $(prop WatchdogTimestampMonotonic) (waited $(secs "$t0" "$(now)") s)"
[ "$(prop NRestarts)" = 0 ] || why+=" NRestarts=$(prop NRestarts)"
verdict watchdog "$why"

sec "systemd-analyze security"
systemd-analyze security "$UNIT" --no-pager > "$RUNDIR/security.txt" 2>&1
grep -E '^✗' "$RUNDIR/security.txt" | head -n 40
EXPOSURE=$(sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p' "$RUNDIR/security.txt")
tail -n 1 "$RUNDIR/security.txt"
echo "FIGURE systemd-analyze security ipsecd.service: exposure ${EXPOSURE:-?}"
why=""
if [ -z "$EXPOSURE" ]; then why="no exposure level in the output"
elif ! awk -v e="$EXPOSURE" 'BEGIN{exit !(e < 3.0)}'; then why="exposure $EXPOSURE is not below 3.0"; fi
verdict security-exposure "$why"

sec "stop"
why=""
cursor=$(journalctl -n 0 --show-cursor --no-pager | sed -n 's/^-- cursor: //p')
t0=$(now)
systemctl stop "$UNIT" || why="systemctl stop failed"
echo "FIGURE systemctl stop ipsecd: $(secs "$t0" "$(now)") s"
[ "$(systemctl is-active "$UNIT")" = inactive ] || why+=" is-active: $(systemctl is-active "$UNIT")"
# the stopped unit may be unloaded at once (its Result= and ExecMain* read as defaults):
# judge the exit by the journal; exit 0 is "Deactivated successfully" and no "Main process exited"
# (the daemon's last line can reach journald after it exited, too late to be attributed to the
#  unit or _COMM: look for it by _PID, which the socket's credentials always give, in the
#  whole boot: this PID is this run's daemon)
{ journalctl -u "$UNIT" --after-cursor "$cursor" --no-pager -o cat
  journalctl _PID="$MAINPID" --no-pager -o cat | tail -n 3; } | tee "$RUNDIR/stop.txt"
grep -q '^stopped$' "$RUNDIR/stop.txt" || why+=" the daemon did not log 'stopped'"
grep -q 'Deactivated successfully' "$RUNDIR/stop.txt" && ! grep -q 'Main process exited' "$RUNDIR/stop.txt" \
  || why+=" not a clean exit: $(grep -m1 'Main process exited' "$RUNDIR/stop.txt")"
[ ! -e /run/ipsecd ] || why+=" /run/ipsecd still there"
! $BUS list --acquired --no-legend | grep -q '^org\.ipsecd1 ' || why+=" org.ipsecd1 still owned"
set -- $(xfrm_count); [ "$1$2" = 00 ] || why+=" XFRM has $1 SAs $2 policies after stop"
verdict stop "$why"

sec "D-Bus activation (enabled unit: dbus-org.ipsecd1.service alias)"
why=""
systemctl enable "$UNIT" 2>&1
t0=$(now)
out=$($BUS call $MGR ListConnections 2>&1) || why="call to an inactive ipsecd failed: $out"
echo "ListConnections -> $out  ($(secs "$t0" "$(now)") s)"
systemctl is-active -q "$UNIT" || why+=" ipsecd.service not started by the call"
systemctl stop "$UNIT"; systemctl disable -q "$UNIT"
verdict dbus-activation "$why"

# negative cases: a runtime drop-in takes away what the daemon needs; the start must FAIL,
# and because the daemon itself gave up (its exit code; it logs WANT), not because of systemd
neg() { # neg CHECK DROPIN-TEXT WANT
  local check=$1 text=$2 want=$3 cursor why="" d=/run/systemd/system/$UNIT.d
  sec "negative: $check"
  mkdir -p "$d" && printf '[Service]\n%s\n' "$text" > "$d/50-neg.conf" && systemctl daemon-reload
  cursor=$(journalctl -n 0 --show-cursor --no-pager | sed -n 's/^-- cursor: //p')
  if systemctl start "$UNIT" 2>/dev/null; then why="start succeeded"; fi
  # (Restart=on-failure may have started it again meanwhile: read the journal, not Result=)
  # The daemon's own lines by its SYSLOG_IDENTIFIER too: it exits at once, and journald
  # attributes no unit to a message whose sender is gone before it reads the sender's
  # cgroup (the race the stop check meets). journald also reads its socket later than the
  # failed start returns (seen in CI, 2026-12-05: the line stamped before the exit, absent
  # from a read a second later): the line is awaited, up to 20 s.
  local deadline=$(( $(date +%s) + 20 ))
  while :; do
    journalctl --sync 2>/dev/null
    { journalctl -u "$UNIT" --after-cursor "$cursor" --no-pager -o cat
      journalctl -t ipsecd --after-cursor "$cursor" --no-pager -o cat; } > "$RUNDIR/neg.txt"
    grep -q "$want" "$RUNDIR/neg.txt" && grep -q "Failed with result 'exit-code'" "$RUNDIR/neg.txt" && break
    [ "$(date +%s)" -lt "$deadline" ] || break
    sleep 0.5
  done
  grep -vE '^(Starting|Stopped|Started)' "$RUNDIR/neg.txt" | head -n 4
  grep -q "Failed with result 'exit-code'" "$RUNDIR/neg.txt" || why+=" not failed by the daemon's exit code"
  grep -q "$want" "$RUNDIR/neg.txt" || why+=" the daemon did not log '$want'"
  systemctl stop "$UNIT" 2>/dev/null; systemctl reset-failed "$UNIT" 2>/dev/null
  rm -f "$d/50-neg.conf"; systemctl daemon-reload
  verdict "$check" "$why"
}
neg neg-no-af-netlink $'RestrictAddressFamilies=\nRestrictAddressFamilies=AF_UNIX AF_INET AF_INET6' \
  'XFRM.*Address family not supported'
neg neg-no-cap-net-admin \
  $'CapabilityBoundingSet=\nCapabilityBoundingSet=CAP_NET_BIND_SERVICE\nAmbientCapabilities=\nAmbientCapabilities=CAP_NET_BIND_SERVICE' \
  'XFRM.*Operation not permitted'

sec "done"
echo "FIGURE lab-test total: $(secs "$UML_T0" "$(now)") s since UML start, $FAILS failed"
echo "$FAILS" > "$RUNDIR/exit-code"
sync
exit $(( FAILS > 100 ? 100 : FAILS ))
