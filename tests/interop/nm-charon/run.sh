#!/bin/bash
# nm-charon: NetworkManager drives ipsecd against strongSwan. In netns a: a private system bus
# with NM's, the plugin's and ipsecd's policies, ipsecd with no connection of its own, and
# NetworkManager managing only the uplink va (its gateway, and a's default route, is the peer
# 192.0.2.2) with the plugin's .name file in a private VPN directory; charon in netns b as in
# the other interop scenarios, with a default route back to a: traffic that lost its policies
# WOULD leave in clear both ways. Three VPNs, each with `nmcli connection add type vpn
# vpn-type ipsecd` + `nmcli connection up` (issue 11):
# - lab (local, subnets both sides): ping 10.1.0.1 -> 10.2.0.1 through ESP with the XFRM
#   counters rising, over the route NM installs from the plugin's Ip4Config (10.2.0.0/24 dev
#   va src 10.1.0.1). While a ping runs charon deletes the CHILD SA, then the IKE SA: ipsecd
#   keeps the policies (the plugin's child is close_action: restart), re-establishes, NM's VPN
#   stays activated, ESP resumes, and a capture on the wire holds not one ICMP packet of the
#   protected flow. `nmcli connection down`: no SA, policy or route left, ipsecd's transient
#   connection gone, charon's SAs deleted.
# - dyn (only remote, ids, remote-subnets and a PSK: no local, no local-subnets): charon's
#   remote_ts is dynamic; the ping 192.0.2.1 -> 10.2.0.1 goes through ESP (counters, capture).
# - refused (remote-subnets 10.9.0.0/24, which charon refuses): `nmcli connection up` fails,
#   NM does not activate it, the plugin's log names TS_UNACCEPTABLE, nothing is left in a.
source "$(dirname "$0")/../interop.sh"
NM_STAGE=$(cd "$(dirname "$0")/../../nm" && pwd)  # the staged .name file and plugin policy
VPNDIR=/usr/lib/NetworkManager/VPN
NMW=$W/nm
mkdir -p "$NMW/etc/conf.d" "$NMW/etc/system-connections"

mk_topology  # no inner_routes: the route to 10.2.0.0/24 in a is NetworkManager's
ip -n b route add default via 192.0.2.1
charon_peer no psk
# charon picks the connection by a's identity: dyn.lab gets dynamic remote selectors (a's IKE
# address), refused.lab only 10.1.0.0/24 (strongSwan merges repeated sections)
cat >> "$W/b/swanctl/swanctl.conf" <<EOF
connections {
  dyn {
    version = 2
    local_addrs = $IP_B
    remote_addrs = $IP_A
    proposals = aes256gcm16-prfsha256-x25519, default
    local { auth = psk
            id = b.lab }
    remote { auth = psk
             id = dyn.lab }
    children { net { local_ts = $NET_B
                     esp_proposals = aes256gcm16, default } }
  }
  refused {
    version = 2
    local_addrs = $IP_B
    remote_addrs = $IP_A
    proposals = aes256gcm16-prfsha256-x25519
    local { auth = psk
            id = b.lab }
    remote { auth = psk
             id = refused.lab }
    children { net { local_ts = $NET_B
                     remote_ts = $NET_A
                     esp_proposals = aes256gcm16 } }
  }
}
secrets {
  ike-dyn { id-a = b.lab
            id-b = dyn.lab
            secret = "$PSK" }
  ike-refused { id-a = b.lab
                id-b = refused.lab
                secret = "$PSK" }
}
EOF
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

# lab: local and subnets on both sides (dyn below has neither)
nmc connection add type vpn vpn-type ipsecd con-name lab vpn.data \
  "remote=192.0.2.2, local=192.0.2.1, local-id=@a.lab, remote-id=@b.lab, local-subnets=10.1.0.0/24, remote-subnets=10.2.0.0/24, ike-proposals=aes256gcm16-prfsha256-x25519, esp-proposals=aes256gcm16" \
  vpn.secrets "psk=$PSK" > /dev/null || die "nmcli add vpn"
log "vpn.service-type: $(nmc -g vpn.service-type connection show lab)"
CONN=nm-$(nmc -g connection.uuid connection show lab)
nmc -w 40 connection up lab || { tail -30 "$OUT/plugin.log"; tail -30 "$OUT/ipsecd-a.log"; die "nmcli connection up lab"; }
[ "$(nmc -g GENERAL.STATE connection show lab)" = activated ] || die "lab not activated"
mark vpn_up
ctl a list | grep -qx "$CONN" || die "ipsecd does not list $CONN: $(ctl a list | tr '\n' ' ')"
wait_for 10 eval "swanctl_ b --list-sas | grep -q INSTALLED" || { swanctl_ b --list-sas; die "no CHILD SA in charon"; }
ctl a status

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

# The peer closes the CHILD SA, then the IKE SA, under a ping (5 a second) that NM's route
# and a's default route would otherwise carry in clear
protected() { [ "$(ip -n a xfrm policy | grep -c 'src 10.1.0.0/24 dst 10.2.0.0/24')" = 1 ] || { ip -n a xfrm policy; die "$1"; }; }
nm_active() { [ "$(nmc -g GENERAL.STATE connection show lab)" = activated ] || die "NM's VPN is not activated $1"; }
capture
ip netns exec a ping -n -i 0.2 -W 1 10.2.0.1 > "$OUT/ping-deletes.out" 2>&1 &
PING=$!
sleep 2
esp_after "the start"
swanctl_ b --terminate --child net --timeout 10 > "$OUT/terminate-child.out" 2>&1 \
  || { cat "$OUT/terminate-child.out"; die "swanctl --terminate --child"; }
log "charon deleted the CHILD SA"
protected "a's outbound policy went with the CHILD SA"
wait_for 15 charon_child_up || { tail -30 "$OUT/ipsecd-a.log"; die "ipsecd did not bring the CHILD SA back"; }
esp_after "charon's CHILD SA delete"
nm_active "after charon's CHILD SA delete"
swanctl_ b --terminate --ike ipsecd --timeout 10 > "$OUT/terminate-ike.out" 2>&1 \
  || { cat "$OUT/terminate-ike.out"; die "swanctl --terminate --ike"; }
log "charon deleted the IKE SA"
protected "a's outbound policy went with the IKE SA"
wait_for 15 charon_child_up || { tail -30 "$OUT/ipsecd-a.log"; die "ipsecd did not re-establish the IKE SA"; }
esp_after "charon's IKE SA delete"
nm_active "after charon's IKE SA delete"
kill -INT "$PING"; wait "$PING" 2>/dev/null
sed -n '/statistics/,$p' "$OUT/ping-deletes.out"
stop_capture
grep -q 'CHILD SA nm up again after' "$OUT/ipsecd-a.log" || die "ipsecd logged no re-established CHILD SA"
grep -q 'is re-establishing' "$OUT/plugin.log" || die "the plugin did not log the re-establishment"
clear=$(( $(clear_icmp "$OUT/wire-a.pcapng") + $(clear_icmp "$OUT/wire-b.pcapng") ))
esp=$(esp_sent "$OUT/wire-a.pcapng")
log "peer's deletes under NM: a sent $esp ESP packets; $clear ICMP packets of the protected flow sent in clear"
[ "$esp" -gt 20 ] || die "a sent only $esp ESP packets"
[ "$clear" = 0 ] || { tshark -r "$OUT/wire-a.pcapng" -Y 'sll.pkttype==4 && icmp' | head; die "$clear protected packets left in clear"; }
mark peer_deletes

nmc connection down lab || die "nmcli connection down lab"
wait_for 10 eval '[ "$(xfrm_states a)$(xfrm_policies a)" = 00 ]' || true
no_xfrm a "after nmcli connection down"
wait_for 10 eval "! ctl a list | grep -qx $CONN" || die "ipsecd still lists $CONN after nmcli down"
ip -n a route show table all | grep -q '^10\.2\.0\.0/24' && die "the route to 10.2.0.0/24 is left after nmcli down"
ip -n a -4 addr show dev va | grep -q 'inet 10.1.0.1/32' && die "the inner address is left on va after nmcli down"
wait_for 10 eval "! swanctl_ b --list-sas | grep -q ipsecd" || { swanctl_ b --list-sas; die "charon still holds the SAs"; }
log "after nmcli down: no SA, policy, route or inner address in a; ipsecd lists: $(ctl a list | tr '\n' ' '); charon holds no SA"
mark vpn_down

# dyn: no local, no local-subnets (the selectors are a's IKE address, as strongSwan's dynamic)
nmc connection add type vpn vpn-type ipsecd con-name dyn vpn.data \
  "remote=192.0.2.2, local-id=@dyn.lab, remote-id=@b.lab, remote-subnets=10.2.0.0/24" \
  vpn.secrets "psk=$PSK" > /dev/null || die "nmcli add dyn"
nmc -w 40 connection up dyn || { tail -30 "$OUT/plugin.log"; tail -30 "$OUT/ipsecd-a.log"; die "nmcli connection up dyn"; }
[ "$(nmc -g GENERAL.STATE connection show dyn)" = activated ] || die "dyn not activated"
wait_for 10 charon_child_up || { swanctl_ b --list-sas; die "no CHILD SA in charon for dyn"; }
swanctl_ b --list-sas | grep -E '===' | sed 's/^/charon: /'
ip -n a route get 10.2.0.1 | grep -q 'src 192.0.2.1' || die "traffic to 10.2.0.1 does not leave from 192.0.2.1"
CAPS=""
capture
before=$(xfrm_pkts a)
ip netns exec a ping -n -c 5 -i 0.2 -W 2 10.2.0.1 > "$OUT/ping-dyn.out" 2>&1 || { cat "$OUT/ping-dyn.out"; die "ping 10.2.0.1 over dyn failed"; }
after=$(xfrm_pkts a)
stop_capture
esp=$(esp_sent "$OUT/wire-a.pcapng")
clear=$(tshark -r "$OUT/wire-a.pcapng" -Y 'sll.pkttype==4 && icmp && ip.dst==10.2.0.0/24' 2>/dev/null | wc -l)
log "dyn: xfrm packet counters in a $before -> $after; a sent $esp ESP packets and $clear ICMP packets in clear"
[ "$after" -ge $((before + 10)) ] || die "dyn: XFRM counters did not rise by >= 10"
[ "$esp" -ge 5 ] && [ "$clear" = 0 ] || die "dyn: $esp ESP and $clear clear ICMP packets sent by a"
nmc connection down dyn || die "nmcli connection down dyn"
wait_for 10 eval '[ "$(xfrm_states a)$(xfrm_policies a)" = 00 ]' || true
no_xfrm a "after nmcli connection down dyn"
mark dyn_ok

# refused: charon refuses the CHILD SA; NM must not report the VPN connected
nmc connection add type vpn vpn-type ipsecd con-name refused vpn.data \
  "remote=192.0.2.2, local-id=@refused.lab, remote-id=@b.lab, local-subnets=10.1.0.0/24, remote-subnets=10.9.0.0/24" \
  vpn.secrets "psk=$PSK" > /dev/null || die "nmcli add refused"
if nmc -w 40 connection up refused > "$OUT/up-refused.out" 2>&1; then
  cat "$OUT/up-refused.out"; die "nmcli connection up succeeded although charon refused the CHILD SA"
fi
sed 's/^/nmcli: /' "$OUT/up-refused.out"
state=$(nmc -g GENERAL.STATE connection show refused 2>/dev/null || true)
[ "$state" != activated ] || die "NM shows the refused VPN activated"
grep "failed: " "$OUT/plugin.log" | tail -1 | sed 's/^/plugin: /'
grep -q "refused by the peer: TS_UNACCEPTABLE" "$OUT/plugin.log" || { tail -20 "$OUT/plugin.log"; die "the plugin's log does not name TS_UNACCEPTABLE"; }
wait_for 10 eval '[ -z "$(ctl a list)" ]' || die "ipsecd still lists $(ctl a list | tr '\n' ' ')"
wait_for 10 eval '[ "$(xfrm_states a)$(xfrm_policies a)" = 00 ]' || true
no_xfrm a "after the refused activation"
mark refused_ok

kill "$(cat "$NMW/pid")"
wait_for 10 eval "! kill -0 $(cat "$NMW/pid")" || die "NetworkManager did not stop"
stop_ipsecd a
mark done
cat "$OUT/timings"
