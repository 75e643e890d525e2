#!/bin/bash
# nm-charon: NetworkManager drives ipsecd against strongSwan (tests/interop/nm.sh). `nmcli
# connection add type vpn vpn-type ipsecd` + `nmcli connection up` of a VPN with local and
# subnets on both sides: ping 10.1.0.1 -> 10.2.0.1 through ESP with the XFRM counters rising,
# over the route NM installs from the plugin's Ip4Config (10.2.0.0/24 dev va src 10.1.0.1).
# While a ping runs charon deletes the CHILD SA, then the IKE SA: ipsecd keeps the policies
# (the plugin's child is close_action: restart) and re-establishes, NM's VPN stays activated,
# ESP resumes, and a capture on the wire holds not one ICMP packet of the protected flow
# although a's and b's default routes would carry it. `nmcli connection down`: no SA, policy
# or route left, ipsecd's transient connection gone, charon's SAs deleted. NM_REMOTE:
# vpn.data's remote, 192.0.2.2 or (nm-hostname-charon) a host name ipsecd finds in the
# guest's /etc/hosts.
source "$(dirname "$0")/../interop.sh"
source "$(dirname "$0")/../nm.sh"
NM_REMOTE=${NM_REMOTE:-192.0.2.2}
[ "$NM_REMOTE" = 192.0.2.2 ] || private_hosts "$NM_REMOTE" 192.0.2.2
mk_topology  # no inner_routes: the route to 10.2.0.0/24 in a is NetworkManager's
charon_peer no psk
nm_start

# lab: local and subnets on both sides (nm-dynamic-charon: neither)
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
# (ipsecd adds none of its own: the plugin's connection has host_config: false)
ip -n a route show table all | grep -E '^10\.' | sed 's/^/route: /'
[ -z "$(ip -n a route show table 220)" ] || { ip -n a route show table 220; die "ipsecd routed in table 220 for NM's VPN"; }
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
counts=$(sent_counts "$OUT/wire-a.pcapng")
esp=${counts% *}
clear=$((${counts#* } + $(clear_icmp "$OUT/wire-b.pcapng")))
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

nm_stop
mark done
cat "$OUT/timings"
