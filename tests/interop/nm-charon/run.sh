#!/bin/bash
# nm-charon: NetworkManager drives ipsecd against strongSwan. In netns a: a private system bus
# with NM's, the plugin's and ipsecd's policies, ipsecd with no connection of its own, and
# NetworkManager managing only the uplink va (its gateway is the peer 192.0.2.2) with the
# plugin's .name file in a private VPN directory; charon in netns b as in the other interop
# scenarios. `nmcli connection add type vpn vpn-type ipsecd` + `nmcli connection up`: ping
# 10.1.0.1 -> 10.2.0.1 through ESP with the XFRM counters rising, with the route NM installs
# from the plugin's Ip4Config (10.2.0.0/24 dev va src 10.1.0.1, main table) in place;
# `nmcli connection down`: no SA, policy or route left, ipsecd's transient connection gone,
# charon's SAs deleted. NM_REMOTE: vpn.data's remote, 192.0.2.2 or (nm-hostname-charon) a
# host name ipsecd finds in the guest's /etc/hosts.
source "$(dirname "$0")/../interop.sh"
NM_REMOTE=${NM_REMOTE:-192.0.2.2}
[ "$NM_REMOTE" = 192.0.2.2 ] || private_hosts "$NM_REMOTE" 192.0.2.2
NM_STAGE=$(cd "$(dirname "$0")/../../nm" && pwd)  # the staged .name file and plugin policy
VPNDIR=/usr/lib/NetworkManager/VPN
NMW=$W/nm
mkdir -p "$NMW/etc/conf.d" "$NMW/etc/system-connections"

mk_topology  # no inner_routes: the route to 10.2.0.0/24 in a is NetworkManager's
charon_peer no psk
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
# nmcli in NM's mount namespace: it looks up `vpn-type ipsecd` in the .name files it sees
nmc() { nsenter -t "$(cat "$NMW/pid")" -m nmcli "$@"; }
nm-online -s -q -t 30 || { tail -20 "$OUT/nm.log"; die "NetworkManager did not start"; }
mark nm_up
nmc connection add type ethernet ifname va con-name uplink ipv4.method manual \
  ipv4.addresses 192.0.2.1/24 ipv4.gateway 192.0.2.2 ipv6.method disabled > /dev/null || die "nmcli add uplink"
nmc -w 30 connection up uplink || { tail -20 "$OUT/nm.log"; die "uplink did not come up"; }
nmc device status
ip -n a route show 10.2.0.0/24 | grep -q . && die "a route to 10.2.0.0/24 before the VPN is up"

# local= given: without it ipsecd's IKE SA keeps 0.0.0.0 as its local address (status "local":
# "0.0.0.0", SAs and policies from 0.0.0.0, a NAT wrongly detected), and no ping passes
nmc connection add type vpn vpn-type ipsecd con-name lab vpn.data \
  "remote=$NM_REMOTE, local=192.0.2.1, local-id=@a.lab, remote-id=@b.lab, local-subnets=10.1.0.0/24, remote-subnets=10.2.0.0/24, ike-proposals=aes256gcm16-prfsha256-x25519, esp-proposals=aes256gcm16" \
  vpn.secrets "psk=$PSK" > /dev/null || die "nmcli add vpn"
log "vpn.service-type: $(nmc -g vpn.service-type connection show lab)"
CONN=nm-$(nmc -g connection.uuid connection show lab)
nmc -w 40 connection up lab || { tail -30 "$OUT/plugin.log"; tail -30 "$OUT/ipsecd-a.log"; die "nmcli connection up lab"; }
[ "$(nmc -g GENERAL.STATE connection show lab)" = activated ] || die "lab not activated"
mark vpn_up
ctl a list | grep -qx "$CONN" || die "ipsecd does not list $CONN: $(ctl a list | tr '\n' ' ')"
wait_for 10 eval "swanctl_ b --list-sas | grep -q INSTALLED" || { swanctl_ b --list-sas; die "no CHILD SA in charon"; }
ctl a status
grep -q "is up (ipsecd connection $CONN, peer 192.0.2.2)" "$OUT/plugin.log" \
  || { tail -20 "$OUT/plugin.log"; die "the plugin did not take 192.0.2.2 as the gateway"; }
log "plugin: $(grep -m1 'is up (ipsecd connection' "$OUT/plugin.log")"
[ "$NM_REMOTE" = 192.0.2.2 ] || grep -q "resolving $NM_REMOTE: 192.0.2.2" "$OUT/ipsecd-a.log" \
  || die "ipsecd did not log the resolution of $NM_REMOTE"

# NM's routes from Ip4Config: the remote subnet on the uplink with the inner address as source
# (ipsecd adds its own in table 220)
ip -n a route show table all | grep -E '^10\.' | sed 's/^/route: /'
ip -n a route show table main 10.2.0.0/24 | grep -q 'dev va .*src 10.1.0.1' || die "no route 10.2.0.0/24 dev va src 10.1.0.1 from NM"
ip -n a route get 10.2.0.1 | grep -q 'src 10.1.0.1' || die "traffic to 10.2.0.1 does not leave from 10.1.0.1"
ip -n a -4 addr show dev va | grep -q 'inet 10.1.0.1/32' || die "NM did not add the inner address 10.1.0.1/32"
log "NM installed $(ip -n a route show table main 10.2.0.0/24) and 10.1.0.1/32 on va"

# no -I: the source is the one NM's route chooses
before=$(xfrm_pkts a)
ip netns exec a ping -n -c 5 -i 0.2 -W 2 10.2.0.1 > "$OUT/ping-nm.out" 2>&1 || { cat "$OUT/ping-nm.out"; die "ping 10.2.0.1 failed"; }
after=$(xfrm_pkts a)
sed -n '/statistics/,$p' "$OUT/ping-nm.out"
log "xfrm packet counters in a: before=$before after=$after"
[ "$after" -ge $((before + 10)) ] || die "XFRM counters did not rise by >= 10"
check_status a "$CONN" tunnel 5
show_xfrm a
mark ping_ok

nmc connection down lab || die "nmcli connection down lab"
wait_for 10 eval '[ "$(xfrm_states a)$(xfrm_policies a)" = 00 ]' || true
no_xfrm a "after nmcli connection down"
wait_for 10 eval "! ctl a list | grep -qx $CONN" || die "ipsecd still lists $CONN after nmcli down"
ip -n a route show table all | grep -q '^10\.2\.0\.0/24' && die "the route to 10.2.0.0/24 is left after nmcli down"
ip -n a -4 addr show dev va | grep -q 'inet 10.1.0.1/32' && die "the inner address is left on va after nmcli down"
wait_for 10 eval "! swanctl_ b --list-sas | grep -q ipsecd" || { swanctl_ b --list-sas; die "charon still holds the SAs"; }
log "after nmcli down: no SA, policy, route or inner address in a; ipsecd lists: $(ctl a list | tr '\n' ' '); charon holds no SA"
mark vpn_down

kill "$(cat "$NMW/pid")"
wait_for 10 eval "! kill -0 $(cat "$NMW/pid")" || die "NetworkManager did not stop"
stop_ipsecd a
mark done
cat "$OUT/timings"
