#!/bin/bash
# examples-charon: each file of examples/ (but manual-keying.yaml: no IKE) as ipsecd's whole
# configuration, against strongSwan's charon as the natural peer, with ESP counters rising.
# The example files are used as written; only host addresses the lab does not have are
# substituted (sed), and certs/ and private/ are copied next to them. Each case has its own
# fresh topology. Routes that would carry the traffic in clear are in place (the inner
# subnets via the underlay), so a tunnel that failed open could not hide. The remote-access
# gateway roadwarrior-pool-gateway.yaml has its own scenario (rw-charon-gets-vip); its road
# warrior roadwarrior-client.yaml is the last case here.
source "$(dirname "$0")/../interop.sh"
EXAMPLES=$(cd "$(dirname "$0")/../../examples" && pwd)

# example NAME FILE [SED]: FILE of examples/ (SED applied) as peer NAME's configuration in netns a
example() {
  sed -e "${3:-}" "$EXAMPLES/$2" | ipsecd_conf "$1"
  mkdir -p "$W/$1/conf/certs" "$W/$1/conf/private"
  cp "$EXAMPLES"/certs/*.pem "$W/$1/conf/certs/"
  install -m 600 "$EXAMPLES"/private/*.pem "$W/$1/conf/private/"
  "$IPSECD" --check --config-dir "$W/$1/conf" || die "ipsecd --check refuses $2"
}

# charon_with NAME [NS HOST]: charon NAME in netns NS (default b) with swanctl.conf from stdin
# and the private key of the examples' HOST (default host-b)
charon_with() {
  charon_conf "$1"
  export SWANCTL_DIR=$W/$1/swanctl
  mkdir -p "$SWANCTL_DIR/private"
  install -m 600 "$EXAMPLES/private/${3:-host-b}.pem" "$SWANCTL_DIR/private/"
  cat > "$W/$1/swanctl/swanctl.conf"
  start_charon "$1" "${2:-b}"
}

# next_case IPSECD MARK CHARON [NS]: ends the case's daemons (ipsecd in netns NS, default a)
# and topology
next_case() {
  stop_ipsecd "$1"
  no_xfrm "${4:-a}" "$2: after SIGTERM"
  kill "$(cat "$W/$3/pid")"
  wait_for 10 eval "! kill -0 $(cat "$W/$3/pid")" || die "charon $3 did not stop"
  ip netns del a; ip netns del b
  unset SWANCTL_DIR
  mark "$2"
}

# ---- site-to-site-psk.yaml: gateway a (192.0.2.1, 10.1.0.0/24) initiates to b (10.2.0.0/24)
mk_topology
inner_routes
example site site-to-site-psk.yaml
psk=$(sed -n 's/^ *psk: "\(.*\)"$/\1/p' "$EXAMPLES/site-to-site-psk.yaml")
charon_with site-b <<EOC
connections {
  site-a {
    local_addrs = 192.0.2.2
    remote_addrs = 192.0.2.1
    proposals = aes256gcm16-prfsha256-x25519
    local { auth = psk
            id = gw-b.example }
    remote { auth = psk
             id = gw-a.example }
    children { net { local_ts = 10.2.0.0/24
                     remote_ts = 10.1.0.0/24
                     esp_proposals = aes256gcm16 } }
  }
}
secrets { ike { id-a = gw-a.example
                id-b = gw-b.example
                secret = "$psk" } }
EOC
start_ipsecd site a
wait_up site site-b
ping_through a 10.1.0.1 10.2.0.1 5
ping_through b 10.2.0.1 10.1.0.1 3
check_status site site-b tunnel 8
next_case site site_to_site_psk site-b

# ---- host-to-host-certs.yaml: host-a (192.0.2.10 -> 192.0.2.1) traps transport mode to
# host-b (192.0.2.20 -> 192.0.2.2); the first packet brings it up
mk_topology
example host host-to-host-certs.yaml 's/192\.0\.2\.10\b/192.0.2.1/; s/192\.0\.2\.20\b/192.0.2.2/'
charon_with host-b <<EOC
connections {
  host-a {
    local_addrs = 192.0.2.2
    remote_addrs = 192.0.2.1
    proposals = aes256gcm16-prfsha384-ecp384-x25519
    local { auth = pubkey
            certs = $EXAMPLES/certs/host-b.pem
            id = host-b.example }
    remote { auth = pubkey
             cacerts = $EXAMPLES/certs/ca.pem
             id = host-a.example }
    children { host { mode = transport
                      esp_proposals = aes256gcm16-x25519 } }
  }
}
EOC
start_ipsecd host a
[ "$(xfrm_policies a)" -ge 2 ] || { ip -n a xfrm policy; die "host-to-host-certs: no trap policies"; }
ip netns exec a ping -n -c 3 -i 0.5 -W 1 192.0.2.2 > "$OUT/ping-trigger.out" 2>&1  # the acquire
wait_up host host-b
ping_through a 192.0.2.1 192.0.2.2 5
ping_through b 192.0.2.2 192.0.2.1 3
check_status host host-b transport 8
next_case host host_to_host_certs host-b

# ---- roadwarrior-responder.yaml: a (192.0.2.1) answers a road warrior at 192.0.2.2 that
# asks for 10.1.0.0/16 with its default (dynamic) local selector: it gets 192.0.2.2/32
mk_topology
ip -n b route add 10.1.0.0/16 via 192.0.2.1
example gw roadwarrior-responder.yaml
charon_with rw <<EOC
connections {
  office {
    local_addrs = 192.0.2.2
    remote_addrs = 192.0.2.1
    local { auth = pubkey
            certs = $EXAMPLES/certs/host-b.pem
            id = host-b.example }
    remote { auth = pubkey
             cacerts = $EXAMPLES/certs/ca.pem
             id = host-a.example }
    children { office { remote_ts = 10.1.0.0/16 } }
  }
}
EOC
start_ipsecd gw a
swanctl_ rw --initiate --child office --timeout 20 > "$OUT/initiate.out" 2>&1 \
  || { cat "$OUT/initiate.out"; tail -30 "$OUT/ipsecd-gw.log"; die "the road warrior's CHILD SA did not come up"; }
wait_up gw roadwarriors
ctl gw status --json | grep -q '"local_ts":\["10.1.0.0/16"\],"remote_ts":\["192.0.2.2/32"\]' \
  || { ctl gw status; die "the road warrior did not get 10.1.0.0/16 === 192.0.2.2/32"; }
ping_through b 192.0.2.2 10.1.0.1 5
ping_through a 10.1.0.1 192.0.2.2 3
check_status gw roadwarriors tunnel 8
next_case gw roadwarrior_responder rw

# ---- roadwarrior-client.yaml: ipsecd is the road warrior (b, 192.0.2.2: the file names no
# local address, so nothing is substituted) of a charon gateway at 192.0.2.1 (a) set up as
# roadwarrior-pool-gateway.yaml is: host-a's certificate, alice by EAP-MSCHAPv2, pool
# 10.3.0.0/24 with DNS 10.1.0.53 and corp.example, its subnet 10.1.0.0/24. ipsecd gets
# 10.3.0.1 on vb and a plain ping (no -I: the route in table 220 picks the source) reaches
# 10.1.0.1 from it through ESP while routes in clear are in place; ipsecctl down takes the
# address and the route off again.
mk_topology
ip -n b route add 10.1.0.0/24 via 192.0.2.1   # what a fail-open would use
ip -n a route add 10.3.0.0/24 via 192.0.2.2
example rw roadwarrior-client.yaml
password=$(sed -n 's/^ *password: "\(.*\)"$/\1/p' "$EXAMPLES/roadwarrior-client.yaml")
[ -n "$password" ] || die "no password in roadwarrior-client.yaml"
CHARON_PLUGINS="$CHARON_PLUGINS eap-mschapv2 eap-identity"
charon_with gw-a a host-a <<EOC
connections {
  rw {
    local_addrs = 192.0.2.1
    pools = office
    send_cert = always
    local { auth = pubkey
            certs = $EXAMPLES/certs/host-a.pem
            id = host-a.example }
    remote { auth = eap-mschapv2
             eap_id = %any }
    children { office { local_ts = 10.1.0.0/24 } }
  }
}
pools {
  office { addrs = 10.3.0.0/24
           dns = 10.1.0.53
           25 = corp.example }
}
secrets {
  eap-alice { id = alice
              secret = "$password" }
}
EOC
start_ipsecd rw b
wait_up rw office
wait_for 10 eval "swanctl_ gw-a --list-sas | grep -q INSTALLED" \
  || { swanctl_ gw-a --list-sas; tail -30 "$OUT/charon-gw-a.log"; die "no CHILD SA installed in charon"; }
grep -q "received EAP identity 'alice'" "$OUT/charon-gw-a.log" && grep -q "with EAP successful" "$OUT/charon-gw-a.log" \
  || { tail -30 "$OUT/charon-gw-a.log"; die "charon's gateway did not authenticate alice with EAP"; }
grep -q 'virtual IP 10.3.0.1 assigned by the peer (DNS 10.1.0.53, domains corp.example)' "$OUT/ipsecd-rw.log" \
  || { grep -i virtual "$OUT/ipsecd-rw.log"; die "ipsecd logged no virtual IP 10.3.0.1 with DNS 10.1.0.53 and corp.example"; }
ip -n b -4 addr show dev vb | grep -q 'inet 10.3.0.1/32' || { ip -n b addr; die "10.3.0.1/32 not on vb"; }
src=$(ip -n b route get 10.1.0.1 | sed -n 's/.* src \([0-9.]*\).*/\1/p')
[ "$src" = 10.3.0.1 ] || { ip -n b route show table 220; die "b reaches 10.1.0.1 from '$src', not from its virtual IP"; }
before=$(xfrm_pkts a)
ip netns exec b ping -n -c 5 -i 0.2 -W 2 10.1.0.1 > "$OUT/ping-rw.out" 2>&1 || { cat "$OUT/ping-rw.out"; die "ping b -> 10.1.0.1"; }
[ "$(xfrm_pkts b)" -ge 10 ] && [ "$(xfrm_pkts a)" -ge $((before + 10)) ] \
  || { show_xfrm b; show_xfrm a; die "the ping from the virtual IP did not go through ESP in both kernels"; }
log "ping from 10.3.0.1: XFRM packet counters b $(xfrm_pkts b), a $before -> $(xfrm_pkts a)"
ping_through a 10.1.0.1 10.3.0.1 3
check_status rw office tunnel 8
grep -qF "$password" "$OUT/ipsecd-rw.log" && die "ipsecd logged the EAP password"
ctl rw down office
wait_for 10 eval "! ip -n b addr | grep -q 10.3.0.1" || { ip -n b addr; die "10.3.0.1 still on b after ipsecctl down"; }
ip -n b route show table 220 | grep -q 10.1.0.0 && { ip -n b route show table 220; die "the tunnel's route outlived the down"; }
log "after ipsecctl down: 10.3.0.1 and its route in table 220 are gone"
next_case rw roadwarrior_client gw-a b
log "examples: site-to-site-psk, host-to-host-certs, roadwarrior-responder, roadwarrior-client up with ESP (manual-keying.yaml: no IKE, not here)"
