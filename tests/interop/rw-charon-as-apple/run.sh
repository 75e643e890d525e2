#!/bin/bash
# rw-charon-as-apple: charon configured like Apple's built-in clients (macOS/iOS) - no RFC 7427
# (charon.signature_authentication = no: no SIGNATURE_HASH_ALGORITHMS in its IKE_SA_INIT, and
# method 1 is what it verifies), Apple's first proposal aes256-sha256-modp2048, EAP-MSCHAPv2,
# vips = 0.0.0.0 - against an ipsecd gateway with an RSA certificate and a pool. ipsecd must
# sign its AUTH with method 1 (RSA, SHA-1; RFC 7296 3.8), not 14: shown in the capture,
# decrypted with the IKE keys charon logs at `ike = 4`, and in both logs. charon gets a lease
# and pings the gateway's subnet from it through ESP, nothing in clear.
source "$(dirname "$0")/../eap.sh"
trap dump_on_failure EXIT
mk_topology
# routes in clear are in place, so a tunnel that failed open could not hide
ip -n a route add 10.2.0.0/24 via 192.0.2.2
ip -n b route add 10.1.0.0/24 via 192.0.2.1
mark topology
charon_conf b
sed -i -e 's/install_virtual_ip = no/install_virtual_ip = yes\n  signature_authentication = no/' \
  -e 's/      ike = 2/      ike = 4/' "$W/b/strongswan.conf"
cat > "$W/b/swanctl/swanctl.conf" <<EOC
connections {
  apple {
    local_addrs = 192.0.2.2
    remote_addrs = 192.0.2.1
    vips = 0.0.0.0
    proposals = aes256-sha256-modp2048
    local { auth = eap-mschapv2
            eap_id = carol }
    remote { auth = pubkey
             id = a.lab
             cacerts = $LAB_PKI/ca.pem }
    children { apple { remote_ts = 10.1.0.0/24
                       esp_proposals = aes256-sha256 } }
  }
}
secrets {
  eap-carol { id = carol
              secret = "$EAP_PASSWORD" }
}
EOC
pki_install a rsa
ipsecd_conf a <<EOC
pools:
  apple:
    addresses: 10.2.0.100-10.2.0.120
    dns: [10.1.0.53]
connections:
  rw:
    local: {address: 192.0.2.1, id: "@a.lab", auth: pubkey, cert: a-rsa.pem, key: a-rsa.key, subnets: [10.1.0.0/24]}
    remote: {address: "%any", auth: eap-mschapv2}
    pools: [apple]
    ike: {proposals: [aes256-sha256-modp2048]}
    children:
      net: {proposals: [aes256-sha256], start: none}
secrets:
  - eap_id: carol
    password: "$EAP_PASSWORD"
EOC
start_charon b b
start_ipsecd a a
mark daemons_up
capture
swanctl_ b --initiate --child apple --timeout 20 > "$OUT/initiate.out" 2>&1 \
  || { cat "$OUT/initiate.out"; tail -30 "$OUT/ipsecd-a.log"; die "swanctl --initiate"; }
wait_up a rw
mark sa_up
wait_for 5 eval "ip -n b addr | grep -q 'inet 10.2.0.100/32'" || { ip -n b addr; die "10.2.0.100 not on a b interface"; }
ping_through b 10.2.0.100 10.1.0.1 5
mark ping_ok
none_in_clear 5
grep -q "the peer sent no SIGNATURE_HASH_ALGORITHMS: signing with auth method 1" "$OUT/ipsecd-a.log" \
  || die "ipsecd did not sign with method 1"
grep -q "authentication of 'a.lab' with RSA signature successful" "$OUT/charon-b.log" \
  || { grep "authentication of" "$OUT/charon-b.log"; die "charon did not verify a method-1 RSA signature"; }
hashes=$(tshark -r "$OUT/wire-b.pcapng" -Y 'sll.pkttype==4 && isakmp.notify.msgtype == 16431' 2>/dev/null | wc -l)
[ "$hashes" = 0 ] || die "charon sent SIGNATURE_HASH_ALGORITHMS ($hashes): not an Apple-like client"
# charon_key NAME: the hex of charon's "Sk_NAME secret" (%B: "=> N bytes", then dump lines
# "OFFSET: XX XX ..." of up to 16 octets and their ASCII)
charon_key() {
  awk -v k="Sk_$1 secret =>" '
    !n && index($0, k) { for (i = 1; i < NF; i++) if ($i == "=>") n = $(i + 1); next }
    n && got < n { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+:$/) break
                   for (j = i + 1; j <= NF && j <= i + 16 && got < n; j++) { printf "%s", $j; got++ }
                   if (got == n) exit }' "$OUT/charon-b.log" | tr 'A-F' 'a-f'
}
read -r spi_i spi_r <<< "$(tshark -r "$OUT/wire-b.pcapng" -Y 'isakmp.exchangetype == 35' -T fields -e isakmp.ispi -e isakmp.rspi 2>/dev/null | head -1)"
# Wireshark's ikev2_decryption_table: SPIs and keys in bare hex, the algorithms by name
keys="$spi_i,$spi_r,$(charon_key ei),$(charon_key er),\"AES-CBC-256 [RFC3602]\",$(charon_key ai),$(charon_key ar),\"HMAC_SHA2_256_128 [RFC4868]\""
methods=$(tshark -r "$OUT/wire-a.pcapng" -o "uat:ikev2_decryption_table:$keys" \
  -Y 'sll.pkttype==4 && isakmp.auth.method' -T fields -e isakmp.auth.method 2>/dev/null | tr '\n' ' ')
log "AUTH methods ipsecd sent, decrypted from the capture: $methods"
# the first AUTH is the certificate's, the last one the MSK's (2.16; a retransmitted request
# is answered again with it)
[[ "$methods" =~ ^1\ (2\ )+$ ]] || die "ipsecd's AUTHs are not method 1 (its certificate) then 2 (the MSK): '$methods'"
grep -qF "$EAP_PASSWORD" "$OUT/ipsecd-a.log" && die "ipsecd logged the EAP password"
mark auth_checked
stop_ipsecd a
no_xfrm a "after SIGTERM"
mark done
cat "$OUT/timings"
