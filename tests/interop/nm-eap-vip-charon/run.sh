#!/bin/bash
# nm-eap-vip-charon: NetworkManager drives ipsecd as an EAP-MSCHAPv2 road warrior (vpn.data
# auth=eap-mschapv2, eap-id=carol, virtual-ip=yes, the password as vpn.secrets) against a
# charon gateway (netns b: its RSA certificate, pool 10.3.0.0/24 with DNS 10.2.0.53 and the
# domain corp.example, local_ts 10.2.0.0/24), tests/interop/nm.sh's NM in netns a.
# - vip: NM activates it and shows 10.3.0.1 as the VPN's address (on va as /32, added by NM:
#   the plugin's connection has host_config: false, so ipsecd adds no address, no route in
#   table 220 and calls no resolver), DNS 10.2.0.53 and the routing-only domain ~corp.example;
#   a plain ping to 10.2.0.1 leaves from 10.3.0.1 over NM's route and goes through ESP while
#   a's and b's default routes would carry it in clear (a capture holds ESP and no ICMP of
#   10.2.0.0/24 in clear); `nmcli connection down` takes the address, the route and NM's DNS
#   entry away and leaves no SA or policy.
# - new lease: before that down, the gateway hands out another pool (10.3.1.0/24) and deletes
#   the IKE SA; ipsecd re-establishes it with 10.3.1.1 and NM, told by the plugin (its
#   reconnect: starting, Config, Ip4Config, started), replaces 10.3.0.1 with it: the address
#   on va, the route's source; the VPN stays activated and a ping goes through ESP from it.
# - bad: a wrong password fails the activation with login-failed within seconds, and the
#   password appears in no log.
source "$(dirname "$0")/../eap.sh"
source "$(dirname "$0")/../nm.sh"
mk_topology  # no inner routes: the one to 10.2.0.0/24 is NM's
eap_charon_pool
nm_start
# NM's DNS configuration (dns=none: NM keeps it without writing it anywhere)
nm_dns() { busctl --address="$DBUS_SYSTEM_BUS_ADDRESS" get-property org.freedesktop.NetworkManager \
  /org/freedesktop/NetworkManager/DnsManager org.freedesktop.NetworkManager.DnsManager Configuration; }
VPN="remote=192.0.2.2, remote-id=@b.lab, auth=eap-mschapv2, eap-id=carol, ca=$LAB_PKI/ca.pem, virtual-ip=yes, remote-subnets=10.2.0.0/24, ike-proposals=aes256gcm16-prfsha256-x25519, esp-proposals=aes256gcm16"

nmc connection add type vpn vpn-type ipsecd con-name vip vpn.data "$VPN" \
  vpn.secrets "password=$EAP_PASSWORD" > /dev/null || die "nmcli add vip"
CONN=nm-$(nmc -g connection.uuid connection show vip)
nmc -w 40 connection up vip || { tail -30 "$OUT/plugin.log"; tail -30 "$OUT/ipsecd-a.log"; die "nmcli connection up vip"; }
[ "$(nmc -g GENERAL.STATE connection show vip)" = activated ] || die "vip not activated"
mark vpn_up
wait_for 10 charon_child_up || { swanctl_ b --list-sas; die "no CHILD SA in charon"; }
ctl a status
grep -q "received EAP identity 'carol'" "$OUT/charon-b.log" && grep -q "with EAP successful" "$OUT/charon-b.log" \
  || { tail -30 "$OUT/charon-b.log"; die "charon did not authenticate carol with EAP"; }
grep -q "is up (ipsecd connection $CONN, peer 192.0.2.2, virtual IP 10.3.0.1)" "$OUT/plugin.log" \
  || { tail -20 "$OUT/plugin.log"; die "the plugin did not report the virtual IP 10.3.0.1"; }
address=$(nmc -g IP4.ADDRESS connection show vip) dns=$(nmc -g IP4.DNS connection show vip)
domain=$(nmc -g IP4.DOMAIN connection show vip)
log "NM shows the VPN with address '$address', DNS '$dns', domain '$domain'"
# (tundev _none_: NM lists the uplink's own address with the VPN's)
[ "${address%% *}" = 10.3.0.1/32 ] || die "NM's VPN address is '$address', not 10.3.0.1/32 first"
[ "$dns" = 10.2.0.53 ] || die "NM's VPN DNS is '$dns', not 10.2.0.53"
[ "$domain" = "~corp.example" ] || die "NM's VPN domain is '$domain', not ~corp.example"
nm_dns | grep -q '10.2.0.53' || { nm_dns; die "NM's DNS configuration has no 10.2.0.53"; }
log "NM's DNS configuration: $(nm_dns | cut -c1-300)"
ip -n a -4 addr show dev va | grep -q 'inet 10.3.0.1/32' || { ip -n a addr; die "10.3.0.1/32 not on va"; }
ip -n a route show table main 10.2.0.0/24 | grep -q 'dev va .*src 10.3.0.1' \
  || { ip -n a route show table all | grep 10.; die "no route 10.2.0.0/24 dev va src 10.3.0.1 from NM"; }
# host_config: false: NM, not ipsecd, put them there
grep -E 'added virtual IP|systemd-resolved' "$OUT/ipsecd-a.log" && die "ipsecd configured the host itself"
[ -z "$(ip -n a route show table 220)" ] || { ip -n a route show table 220; die "ipsecd routed in table 220"; }
log "NM put $(ip -n a -4 -o addr show dev va | awk '{print $4}' | tr '\n' ' ')on va and $(ip -n a route show table main 10.2.0.0/24); table 220 is empty"
mark nm_config_ok

# a plain ping leaves from the virtual IP over NM's route, through ESP, although the default
# routes of a (via 192.0.2.2) and b (via 192.0.2.1) would carry it in clear
ip -n a route get 10.2.0.1 | grep -q 'src 10.3.0.1' || die "traffic to 10.2.0.1 does not leave from 10.3.0.1"
ip -n a route show default | grep -q 'via 192.0.2.2' && ip -n b route show default | grep -q 'via 192.0.2.1' \
  || die "the default routes that would carry clear text are not in place"
CAPS=""
capture
before=$(xfrm_pkts b)
ip netns exec a ping -n -c 5 -i 0.2 -W 2 10.2.0.1 > "$OUT/ping.out" 2>&1 || { cat "$OUT/ping.out"; die "ping 10.2.0.1 failed"; }
after=$(xfrm_pkts b)
stop_capture
sed -n '/statistics/,$p' "$OUT/ping.out"
counts=$(sent_counts "$OUT/wire-a.pcapng" 0.0.0.0/0)
esp=${counts% *} clear=${counts#* }
log "XFRM packets in b $before -> $after; a sent $esp ESP packets and $clear ICMP packets of 10.2.0.0/24 in clear"
[ "$after" -ge $((before + 10)) ] || { show_xfrm a; show_xfrm b; die "the ping did not go through ESP in b's kernel"; }
[ "$esp" -ge 5 ] && [ "$clear" = 0 ] || die "a sent $esp ESP and $clear clear ICMP packets"
ip -n a xfrm policy | grep -q 'src 10.3.0.1/32 dst 10.2.0.0/24' || { ip -n a xfrm policy; die "a's policy is not from 10.3.0.1"; }
mark ping_ok

# the gateway's next lease comes from another pool; its Delete makes ipsecd re-establish
python3 - "$W/b/swanctl/swanctl.conf" <<'PY'
import sys
p = sys.argv[1]
s = open(p).read().replace("pools = office\n", "pools = office2\n")
s = s.replace("pools {\n", "pools {\n  office2 { addrs = 10.3.1.0/24\n            dns = 10.2.0.53\n            25 = corp.example }\n")
open(p, "w").write(s)
PY
swanctl_ b --load-all --file "$W/b/swanctl/swanctl.conf" > "$OUT/reload-b.out" 2>&1 || { cat "$OUT/reload-b.out"; die "swanctl --load-all b"; }
t0=$(date +%s.%N)
swanctl_ b --terminate --ike rw --timeout 10 > "$OUT/terminate.out" 2>&1 || { cat "$OUT/terminate.out"; die "swanctl --terminate"; }
nm_address() { nmc -g IP4.ADDRESS connection show vip | cut -d' ' -f1; }
wait_for 30 eval '[ "$(nm_address)" = 10.3.1.1/32 ]' \
  || { tail -20 "$OUT/plugin.log"; grep '"vip"' "$OUT/nm.log" | tail -20; die "NM's VPN address is '$(nm_address)', not the new lease 10.3.1.1/32"; }
took=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')
wait_for 5 eval '[ "$(nmc -g GENERAL.STATE connection show vip)" = activated ]' || die "vip not activated after the new lease"
grep -q "'vip' is up again with another configuration .*virtual IP 10.3.1.1" "$OUT/plugin.log" \
  || { tail -20 "$OUT/plugin.log"; die "the plugin did not report the new virtual IP"; }
ip -n a -4 addr show dev va | grep -q 'inet 10.3.0.1/' && { ip -n a addr; die "10.3.0.1 is still on va"; }
ip -n a route show table main 10.2.0.0/24 | grep -q 'dev va .*src 10.3.1.1' \
  || { ip -n a route show table all | grep 10.; die "no route 10.2.0.0/24 src 10.3.1.1 from NM"; }
before=$(xfrm_pkts b)
ip netns exec a ping -n -c 3 -i 0.2 -W 2 10.2.0.1 > "$OUT/ping-new-lease.out" 2>&1 || { cat "$OUT/ping-new-lease.out"; die "ping from the new lease"; }
[ "$(xfrm_pkts b)" -ge $((before + 6)) ] || { show_xfrm a; show_xfrm b; die "the ping from the new lease did not go through ESP"; }
ip -n a xfrm policy | grep -q 'src 10.3.1.1/32 dst 10.2.0.0/24' || { ip -n a xfrm policy; die "a's policy is not from 10.3.1.1"; }
log "new lease: NM shows $(nm_address) $took s after charon's Delete; va: $(ip -n a -4 -o addr show dev va | awk '{print $4}' | tr '\n' ' '); ping: $(grep -m1 'packets transmitted' "$OUT/ping-new-lease.out")"
mark new_lease

nmc connection down vip || die "nmcli connection down vip"
wait_for 10 eval '[ "$(xfrm_states a)$(xfrm_policies a)" = 00 ]' || true
no_xfrm a "after nmcli connection down"
wait_for 10 eval "! ctl a list | grep -qx $CONN" || die "ipsecd still lists $CONN after nmcli down"
ip -n a addr | grep -q 10.3.0.1 && { ip -n a addr; die "10.3.0.1 is left on a after nmcli down"; }
ip -n a route show table all | grep -q '^10\.2\.0\.0/24' && die "the route to 10.2.0.0/24 is left after nmcli down"
nm_dns | grep -q '10.2.0.53' && { nm_dns; die "NM's DNS configuration keeps 10.2.0.53 after nmcli down"; }
wait_for 10 eval "! swanctl_ b --list-sas | grep -q rw" || { swanctl_ b --list-sas; die "charon still holds the SAs"; }
log "after nmcli down: no address 10.3.0.1, no route to 10.2.0.0/24, no DNS 10.2.0.53 in NM, no SA or policy"
mark vpn_down

# a wrong password: NM reports the activation failed as a login failure, at once
nmc connection add type vpn vpn-type ipsecd con-name bad vpn.data "$VPN" \
  vpn.secrets "password=not-$EAP_PASSWORD" > /dev/null || die "nmcli add bad"
t0=$(date +%s.%N)
if nmc -w 40 connection up bad > "$OUT/up-bad.out" 2>&1; then
  cat "$OUT/up-bad.out"; die "nmcli connection up succeeded with a wrong password"
fi
took=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')
sed 's/^/nmcli: /' "$OUT/up-bad.out"
reason=$(grep '"bad"[],]' "$OUT/nm.log" | grep -oE 'failure: [a-z-]+' | tail -1)
log "wrong password: nmcli failed after $took s, NM: '$reason'; plugin: $(grep 'failed: ' "$OUT/plugin.log" | tail -1)"
[ "$reason" = "failure: login-failed" ] || { grep '"bad"' "$OUT/nm.log" | tail; die "NM's reason is '$reason', not login-failed"; }
grep -q "failed: ipsecd Up: org.ipsecd1.Error.AuthenticationFailed" "$OUT/plugin.log" \
  || { tail -20 "$OUT/plugin.log"; die "the plugin did not log ipsecd's AuthenticationFailed"; }
awk -v t="$took" 'BEGIN {exit !(t < 15)}' || die "the failure took $took s"
[ "$(nmc -g GENERAL.STATE connection show bad 2>/dev/null || true)" != activated ] || die "NM shows bad activated"
wait_for 10 eval '[ -z "$(ctl a list)" ]' || die "ipsecd still lists $(ctl a list | tr '\n' ' ')"
wait_for 10 eval '[ "$(xfrm_states a)$(xfrm_policies a)" = 00 ]' || true
no_xfrm a "after the failed activation"
grep -qF "$EAP_PASSWORD" "$OUT/ipsecd-a.log" "$OUT/plugin.log" "$OUT/nm.log" && die "a log holds the EAP password"
mark bad_password_ok

nm_stop
mark done
cat "$OUT/timings"
