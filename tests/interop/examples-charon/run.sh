#!/bin/bash
# examples-charon: each file of examples/ (but manual-keying.yaml: no IKE) as ipsecd's whole
# configuration, against strongSwan's charon as the natural peer, with ESP counters rising.
# The example files are used as written; only host addresses the lab does not have are
# substituted (sed), and certs/ and private/ are copied next to them. Each case has its own
# fresh topology. Routes that would carry the traffic in clear are in place (the inner
# subnets via the underlay), so a tunnel that failed open could not hide.
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

# charon_with NAME: charon NAME in netns b with swanctl.conf from stdin and the examples' host-b
# certificate and key
charon_with() {
  charon_conf "$1"
  export SWANCTL_DIR=$W/$1/swanctl
  mkdir -p "$SWANCTL_DIR/private"
  install -m 600 "$EXAMPLES/private/host-b.pem" "$SWANCTL_DIR/private/"
  cat > "$W/$1/swanctl/swanctl.conf"
  start_charon "$1" b
}

# next_case: ends the case's daemons and topology
next_case() {
  stop_ipsecd "$1"
  no_xfrm a "$2: after SIGTERM"
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
log "examples: site-to-site-psk, host-to-host-certs, roadwarrior-responder up with ESP (manual-keying.yaml: no IKE, not here)"
