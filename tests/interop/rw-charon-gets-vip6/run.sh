#!/bin/bash
# rw-charon-gets-vip6: IPv6 remote access over IPv4. ipsecd's gateway (netns a, 192.0.2.1, its
# lab certificate, EAP-MSCHAPv2) leases from the IPv6 pool fd00:3::/64 with the DNS server
# fd00:1::53 and its office subnet fd00:1::/64; charon is a road warrior (netns b, vips = ::).
# charon gets fd00:3::1 (INTERNAL_IP6_ADDRESS, RFC 7296 3.15.1) and INTERNAL_IP6_DNS, installs
# the address and pings6 fd00:1::1 from it through ESP between the IPv4 outer addresses, and
# the gateway pings back (counters rising). Routes that would carry the pings in clear are in
# place, and a capture on both ends sees no ICMPv6 between the virtual IP and the subnet in clear.
source "$(dirname "$0")/../eap.sh"
trap dump_on_failure EXIT
mk_topology
ip -n a route add fd00:3::/64 via 2001:db8::2
ip -n b route add fd00:1::/64 via 2001:db8::1
mark topology
charon_conf b
sed -i 's/install_virtual_ip = no/install_virtual_ip = yes/' "$W/b/strongswan.conf"
cat > "$W/b/swanctl/swanctl.conf" <<EOC
connections {
  office {
    local_addrs = 192.0.2.2
    remote_addrs = 192.0.2.1
    proposals = aes256gcm16-prfsha256-x25519
    vips = ::
    local { auth = eap-mschapv2
            eap_id = carol }
    remote { auth = pubkey
             id = a.lab
             cacerts = $LAB_PKI/ca.pem }
    children { office { remote_ts = fd00:1::/64
                        esp_proposals = aes256gcm16 } }
  }
}
secrets {
  eap-carol { id = carol
              secret = "$EAP_PASSWORD" }
}
EOC
start_charon b b
pki_install a rsa
ipsecd_conf a <<EOC
pools:
  office6: {addresses: "fd00:3::/64", dns: ["fd00:1::53"]}
connections:
  rw:
    local: {address: 192.0.2.1, id: "@a.lab", auth: pubkey, cert: a-rsa.pem, key: a-rsa.key, subnets: ["fd00:1::/64"]}
    remote: {address: "%any", auth: eap-mschapv2}
    pools: [office6]
    ike: {proposals: [aes256gcm16-prfsha256-x25519]}
    children:
      office: {proposals: [aes256gcm16], start: none}
secrets:
  - eap_id: carol
    password: "$EAP_PASSWORD"
EOC
start_ipsecd a a
mark daemons_up
swanctl_ b --initiate --child office --timeout 20 > "$OUT/initiate.out" 2>&1 \
  || { cat "$OUT/initiate.out"; tail -30 "$OUT/ipsecd-a.log"; die "swanctl --initiate"; }
wait_up a rw
mark sa_up
ctl a status
grep -q 'CPRP(ADDR6 DNS6)' "$OUT/charon-b.log" || { grep IKE_AUTH "$OUT/charon-b.log"; die "no CFG_REPLY with ADDR6 and DNS6 in charon's log"; }
grep -q 'installing new virtual IP fd00:3::1$' "$OUT/charon-b.log" \
  || { grep -i 'virtual\|DNS' "$OUT/charon-b.log"; die "charon installed no virtual IP fd00:3::1"; }
# (the lab's charon loads no resolve plugin: it parses the DNS server, and cannot install it)
grep -q 'processing INTERNAL_IP6_DNS attribute' "$OUT/charon-b.log" \
  || { grep -i 'DNS' "$OUT/charon-b.log"; die "charon processed no INTERNAL_IP6_DNS"; }
wait_for 5 eval "ip -n b -6 addr | grep -q 'inet6 fd00:3::1/128'" || { ip -n b addr; die "fd00:3::1 not on a b interface"; }
log "charon: $(grep -m1 'CPRP' "$OUT/charon-b.log" | sed 's/.*\(CPRP([^)]*)\).*/\1/'), $(grep -m1 'installing new virtual IP' "$OUT/charon-b.log" | sed 's/.*installing/installing/')"
ctl a status --json > "$OUT/status.json"
grep -q '"virtual_ips":\["fd00:3::1"\]' "$OUT/status.json" || { cat "$OUT/status.json"; die "no virtual_ips fd00:3::1 in ipsecd's status"; }
grep -q '"remote_ts":\["fd00:3::1/128"\]' "$OUT/status.json" || { cat "$OUT/status.json"; die "the CHILD SA's remote selector is not the lease"; }
grep -q '"dns":\["fd00:1::53"\]' "$OUT/status.json" || { cat "$OUT/status.json"; die "ipsecd's status does not show the DNS server handed out"; }
capture
ping_through b fd00:3::1 fd00:1::1 5
ping_through a fd00:1::1 fd00:3::1 3
stop_capture
clear=0
for ns in a b; do
  n=$(tshark -r "$OUT/wire-$ns.pcapng" -Y 'sll.pkttype==4 && icmpv6.type in {128 129} && ((ipv6.src==fd00:3::/64 && ipv6.dst==fd00:1::/64) || (ipv6.src==fd00:1::/64 && ipv6.dst==fd00:3::/64))' 2>/dev/null | wc -l)
  clear=$((clear + n))
done
esp=$(esp_sent "$OUT/wire-b.pcapng")
log "capture: b sent $esp ESP packets, $clear ICMPv6 echo packets between fd00:3::/64 and fd00:1::/64 in clear"
[ "$esp" -ge 8 ] || die "b sent only $esp ESP packets"
[ "$clear" = 0 ] || die "$clear ICMPv6 echo packets between the virtual IP and the subnet in clear"
mark ping_ok
grep -qF "$EAP_PASSWORD" "$OUT/ipsecd-a.log" && die "ipsecd logged the EAP password"
stop_ipsecd a
no_xfrm a "after SIGTERM"
mark done
cat "$OUT/timings"
