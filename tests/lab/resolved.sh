# resolved.sh - a real systemd-resolved for a lab scenario (sourced after ipsecd.sh, inside the
# guest): Debian's binary, resolvectl and bus policy as tests/deps.sh unpacked them (never
# installed on the host: that would take over its /etc/resolv.conf), staged in STAGE/resolved.
# resolved drops its privileges to the user systemd-resolve, and the bus policy lets only that
# user own org.freedesktop.resolve1; the host has no such user, so peer NAME's private bus and
# resolved run in a mount namespace whose /etc/passwd and /etc/group are copies with it added
# (bind mounts in the guest: the host's files stay as they are).
RESOLVED_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/resolved

# resolved_user_ns: writes $W/with-resolve-user, which runs its arguments in such a namespace
resolved_user_ns() {
  local id
  id=$(awk -F: '{used[$3]=1} END {for (i = 999; i > 100; i--) if (!(i in used)) {print i; exit}}' /etc/passwd /etc/group)
  { cat /etc/passwd; echo "systemd-resolve:x:$id:$id:systemd Resolver:/:/usr/sbin/nologin"; } > "$W/resolve-passwd"
  { cat /etc/group; echo "systemd-resolve:x:$id:"; } > "$W/resolve-group"
  printf '#!/bin/sh\nmount --bind %s /etc/passwd && mount --bind %s /etc/group && exec "$@"\n' \
    "$W/resolve-passwd" "$W/resolve-group" > "$W/with-resolve-user"
  chmod +x "$W/with-resolve-user"
}

# resolvectl_ NAME NS ARGS...: resolvectl in netns NS against peer NAME's bus
resolvectl_() {
  local name=$1 ns=$2; shift 2
  DBUS_SYSTEM_BUS_ADDRESS=unix:path=$W/$name/bus.sock ip netns exec "$ns" "$RESOLVED_DIR/usr/bin/resolvectl" "$@"
}

# resolved_start NAME NS: peer NAME's bus (with resolved's policy), then systemd-resolved in
# netns NS on it (no stub listener, LLMNR or mDNS: only the link configuration is under test);
# returns once it answers
resolved_start() {
  local name=$1 ns=$2
  [ -x "$RESOLVED_DIR/lib/systemd/systemd-resolved" ] \
    || die "no systemd-resolved in $RESOLVED_DIR (tests/deps.sh lab unpacks it into build-tests/lab-debs)"
  resolved_user_ns
  mkdir -p /run/systemd/resolved.conf.d
  printf '[Resolve]\nDNSStubListener=no\nLLMNR=no\nMulticastDNS=no\n' > /run/systemd/resolved.conf.d/lab.conf
  BUS_WRAP="unshare -m $W/with-resolve-user" bus_start "$name" "$RESOLVED_DIR/usr/share/dbus-1/system.d"
  DBUS_SYSTEM_BUS_ADDRESS=unix:path=$W/$name/bus.sock unshare -m "$W/with-resolve-user" \
    ip netns exec "$ns" "$RESOLVED_DIR/lib/systemd/systemd-resolved" > "$OUT/resolved-$name.log" 2>&1 &
  echo $! > "$W/$name/resolved.pid"
  wait_for 10 eval "resolvectl_ $name $ns status > /dev/null 2>&1" \
    || { cat "$OUT/resolved-$name.log" "$OUT/dbus-$name.log"; die "systemd-resolved for $name did not answer on its bus"; }
  log "systemd-resolved $(cat "$RESOLVED_DIR/version") running in netns $ns as uid $(ps -o uid= -p "$(cat "$W/$name/resolved.pid")" | xargs) (systemd-resolve)"
}

# resolved_stop NAME: ends resolved and removes what it left in the guest's /run
resolved_stop() {
  kill "$(cat "$W/$1/resolved.pid")" 2>/dev/null
  rm -rf /run/systemd/resolve /run/systemd/resolved.conf.d
}
