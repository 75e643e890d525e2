#!/bin/bash
# nm-dynamic-charon: NetworkManager drives ipsecd against strongSwan (tests/interop/nm.sh),
# issue 11's NetworkManager cases:
# - dyn: a VPN with only remote, ids, remote-subnets and a PSK (no local, no local-subnets:
#   the local selector is a's IKE address, strongSwan's dynamic); charon's remote_ts is
#   dynamic. The ping 192.0.2.1 -> 10.2.0.1 over NM's route goes through ESP (XFRM counters,
#   ESP on the wire, no clear ICMP); `nmcli connection down` leaves nothing in the kernel.
# - refused: remote-subnets 10.9.0.0/24, which charon refuses (TS_UNACCEPTABLE): `nmcli
#   connection up` fails, NM does not activate it, the plugin's log names the reason, ipsecd
#   keeps no connection and a's kernel no SA or policy.
source "$(dirname "$0")/../interop.sh"
source "$(dirname "$0")/../nm.sh"
mk_topology
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
nm_start

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
counts=$(sent_counts "$OUT/wire-a.pcapng" 192.0.2.1/32)
esp=${counts% *} clear=${counts#* }
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

nm_stop
mark done
cat "$OUT/timings"
