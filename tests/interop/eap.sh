# eap.sh - EAP-MSCHAPv2 road warrior and gateway (RFC 7296 2.16) between ipsecd and charon,
# sourced by tests/interop/eap-*/run.sh. The gateway authenticates with its RSA certificate
# from the lab PKI, the road warrior as EAP identity "carol" (its IKE identity is its address,
# so the gateway asks for the EAP identity first). Fixed subnets: a 10.1.0.0/24, b 10.2.0.0/24.
source "$(dirname "${BASH_SOURCE[0]}")/interop.sh"
EAP_PASSWORD='carol-lab-pässword'
CHARON_PLUGINS="$CHARON_PLUGINS eap-mschapv2 eap-identity"

# eap_charon ROLE: charon's configuration in netns b. ROLE client: road warrior to ipsecd's
# gateway (a.lab); gateway: charon is the gateway (b.lab) and asks for the EAP identity.
eap_charon() {
  local local_auth remote_auth
  charon_conf b
  if [ "$1" = client ]; then
    local_auth="auth = eap-mschapv2
            eap_id = carol"
    remote_auth="auth = pubkey
             id = a.lab
             cacerts = $LAB_PKI/ca.pem"
  else
    export SWANCTL_DIR=$W/b/swanctl
    mkdir -p "$SWANCTL_DIR/private"
    install -m 600 "$LAB_PKI/b-rsa.key" "$SWANCTL_DIR/private/"
    local_auth="auth = pubkey
            id = b.lab
            certs = $LAB_PKI/b-rsa.pem"
    remote_auth="auth = eap-mschapv2
             eap_id = %any"
  fi
  cat > "$W/b/swanctl/swanctl.conf" <<EOC
connections {
  rw {
    local_addrs = 192.0.2.2
    remote_addrs = 192.0.2.1
    proposals = aes256gcm16-prfsha256-x25519
    send_cert = always
    local { $local_auth }
    remote { $remote_auth }
    children {
      net {
        local_ts = 10.2.0.0/24
        remote_ts = 10.1.0.0/24
        esp_proposals = aes256gcm16
      }
    }
  }
}
secrets {
  eap-carol { id = carol
              secret = "$EAP_PASSWORD" }
}
EOC
}

# eap_charon_pool: charon in netns b as a remote-access gateway (its RSA certificate; carol by
# EAP-MSCHAPv2) handing out 10.3.0.0/24 with DNS 10.2.0.53 and the domain corp.example, its
# local_ts 10.2.0.0/24 (rw-ipsecd-gets-vip-charon, nm-eap-vip-charon)
eap_charon_pool() {
  charon_conf b
  export SWANCTL_DIR=$W/b/swanctl
  mkdir -p "$SWANCTL_DIR/private"
  install -m 600 "$LAB_PKI/b-rsa.key" "$SWANCTL_DIR/private/"
  cat > "$W/b/swanctl/swanctl.conf" <<EOC
connections {
  rw {
    local_addrs = 192.0.2.2
    proposals = aes256gcm16-prfsha256-x25519
    pools = office
    send_cert = always
    local { auth = pubkey
            id = b.lab
            certs = $LAB_PKI/b-rsa.pem }
    remote { auth = eap-mschapv2
             eap_id = %any }
    children { net { local_ts = 10.2.0.0/24
                     esp_proposals = aes256gcm16 } }
  }
}
pools {
  office { addrs = 10.3.0.0/24
           dns = 10.2.0.53
           25 = corp.example }
}
secrets {
  eap-carol { id = carol
              secret = "$EAP_PASSWORD" }
}
EOC
}

# eap_ipsecd ROLE: ipsecd's configuration in netns a, the other role than charon's.
eap_ipsecd() {
  pki_install a rsa
  if [ "$1" = gateway ]; then
    ipsecd_conf a <<EOC
connections:
  rw:
    local: {address: 192.0.2.1, id: "@a.lab", auth: pubkey, cert: a-rsa.pem, key: a-rsa.key, subnets: [10.1.0.0/24]}
    remote: {address: "%any", auth: eap-mschapv2, subnets: [10.2.0.0/24]}
    ike: {proposals: [aes256gcm16-prfsha256-x25519]}
    children:
      net: {proposals: [aes256gcm16]}
secrets:
  - eap_id: carol
    password: "$EAP_PASSWORD"
EOC
  else
    ipsecd_conf a <<EOC
connections:
  rw:
    local: {address: 192.0.2.1, auth: eap-mschapv2, eap_id: carol, subnets: [10.1.0.0/24]}
    remote: {address: 192.0.2.2, id: "@b.lab", auth: pubkey, ca: ca.pem, subnets: [10.2.0.0/24]}
    ike: {proposals: [aes256gcm16-prfsha256-x25519]}
    children:
      net: {proposals: [aes256gcm16], start: up}
secrets:
  - eap_id: carol
    password: "$EAP_PASSWORD"
EOC
  fi
}

# eap_interop CLIENT: CLIENT charon|ipsecd is the road warrior and brings the tunnel up; ping
# both ways through ESP with the XFRM counters rising; the gateway names carol as its peer.
eap_interop() {
  mk_topology
  mark topology
  if [ "$1" = charon ]; then eap_charon client; eap_ipsecd gateway; else eap_charon gateway; eap_ipsecd client; fi
  start_charon b b
  start_ipsecd a a
  mark daemons_up
  if [ "$1" = charon ]; then
    swanctl_ b --initiate --child net --timeout 20 > "$OUT/initiate.out" 2>&1 \
      || { cat "$OUT/initiate.out"; tail -30 "$OUT/ipsecd-a.log"; die "swanctl --initiate"; }
  fi
  wait_up a rw
  wait_for 10 eval "swanctl_ b --list-sas | grep -q INSTALLED" \
    || { swanctl_ b --list-sas; tail -30 "$OUT/charon-b.log"; die "no CHILD SA installed in charon"; }
  mark sa_up
  ctl a status
  swanctl_ b --list-sas
  if [ "$1" = charon ]; then
    grep -q 'EAP-MSCHAPv2 with' "$OUT/ipsecd-a.log" || die "ipsecd's gateway ran no EAP-MSCHAPv2"
    grep -q 'IKE SA established with carol' "$OUT/ipsecd-a.log" || die "ipsecd's gateway does not name carol"
  else
    grep -q "received EAP identity 'carol'" "$OUT/charon-b.log" && grep -q "with EAP successful" "$OUT/charon-b.log" \
      || { tail -30 "$OUT/charon-b.log"; die "charon's gateway did not authenticate carol with EAP"; }
  fi
  grep -q "$EAP_PASSWORD" "$OUT/ipsecd-a.log" && die "ipsecd logged the EAP password"
  ping_through a 10.1.0.1 10.2.0.1 5
  ping_through b 10.2.0.1 10.1.0.1 3
  mark ping_ok
  stop_ipsecd a
}
