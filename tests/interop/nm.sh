# nm.sh - NetworkManager driving ipsecd against strongSwan, sourced by the nm-* interop
# scenarios after interop.sh. nm_start: in netns a a private system bus with NM's, the
# plugin's and ipsecd's policies, ipsecd with no connection of its own, and NetworkManager
# managing only the uplink va (its gateway, and so a's default route, is the peer 192.0.2.2)
# with the plugin's .name file in a private VPN directory; charon in netns b as in the other
# interop scenarios (its swanctl.conf written before nm_start by charon_peer and the
# scenario), with a default route back to a: traffic that lost its policies WOULD leave in
# clear both ways. nmc: nmcli as NM sees it. nm_stop: NM and ipsecd end.
NM_STAGE=$(cd "$(dirname "${BASH_SOURCE[0]}")/../nm" && pwd)  # the staged .name file and plugin policy
VPNDIR=/usr/lib/NetworkManager/VPN
NMW=$W/nm
# nmcli in NM's mount namespace: it looks up `vpn-type ipsecd` in the .name files it sees
nmc() { nsenter -t "$(cat "$NMW/pid")" -m nmcli "$@"; }

nm_start() {
mkdir -p "$NMW/etc/conf.d" "$NMW/etc/system-connections"
ip -n b route add default via 192.0.2.1
start_charon b b
bus_start a /usr/share/dbus-1/system.d "$NM_STAGE"
export DBUS_SYSTEM_BUS_ADDRESS=unix:path=$W/a/bus.sock  # NetworkManager's and nmcli's bus
mkdir -p "$W/a/conf"
start_ipsecd a a
mark daemons_up

# NetworkManager's files: NM ignores a .name file that is not root-owned 0644; the program is
# a wrapper that gives the plugin the private bus and keeps its log
printf '#!/bin/sh\nDBUS_SYSTEM_BUS_ADDRESS=%s NM_VPN_LOG_SYSLOG=0 exec %s "$@" 2>> %s\n' \
  "$DBUS_SYSTEM_BUS_ADDRESS" "$LAB_BIN/nm-ipsecd-service" "$OUT/plugin.log" > "$NMW/plugin"
chmod 755 "$NMW/plugin"
sed "s|^program=.*|program=$NMW/plugin|" "$NM_STAGE/nm-ipsecd-service.name" > "$NMW/nm-ipsecd-service.name"
cat > "$NMW/etc/NetworkManager.conf" <<'CONF'
[main]
plugins=keyfile
no-auto-default=*
dns=none
rc-manager=unmanaged
auth-polkit=false
hostname-mode=none

[keyfile]
unmanaged-devices=except:interface-name:va

[logging]
level=INFO
domains=DEFAULT,VPN:TRACE,VPN_PLUGIN:TRACE

[connectivity]
enabled=false
CONF
# NM in netns a, in the mount namespace `ip netns exec` makes: tmpfs over its directories (the
# guest's root is the host's, read-only) and /sys read-only (no udevd: else NM manages nothing)
mkdir -p /run/NetworkManager
ip netns exec a sh -c '
  mount -t tmpfs -o mode=0755 nmetc /etc/NetworkManager &&
  mount -t tmpfs -o mode=0700 nmvar /var/lib/NetworkManager &&
  mount -t tmpfs -o mode=0755 nmrun /run/NetworkManager &&
  mount -t tmpfs -o mode=0755 nmvpn "$2" &&
  cp -r "$1/etc/." /etc/NetworkManager/ &&
  install -m 0644 "$1/nm-ipsecd-service.name" "$2/" &&
  mount -o remount,bind,ro /sys &&
  exec NetworkManager --debug' sh "$NMW" "$VPNDIR" > "$OUT/nm.log" 2>&1 &
echo $! > "$NMW/pid"
nm-online -s -q -t 30 || { tail -20 "$OUT/nm.log"; die "NetworkManager did not start"; }
mark nm_up
nmc connection add type ethernet ifname va con-name uplink ipv4.method manual \
  ipv4.addresses 192.0.2.1/24 ipv4.gateway 192.0.2.2 ipv6.method disabled > /dev/null || die "nmcli add uplink"
nmc -w 30 connection up uplink || { tail -20 "$OUT/nm.log"; die "uplink did not come up"; }
nmc device status
ip -n a route show 10.2.0.0/24 | grep -q . && die "a route to 10.2.0.0/24 before the VPN is up"
}

nm_stop() {
  kill "$(cat "$NMW/pid")"
  wait_for 10 eval "! kill -0 $(cat "$NMW/pid")" || die "NetworkManager did not stop"
  stop_ipsecd a
}
