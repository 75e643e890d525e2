#!/bin/bash
# rw-charon-gets-vip: examples/roadwarrior-pool-gateway.yaml as written is ipsecd's gateway
# (netns a, 192.0.2.1, 10.1.0.0/24, its certificate, EAP-MSCHAPv2, pool 10.3.0.0/24 with DNS
# 10.1.0.53); charon is a road warrior (netns b, EAP identity alice, vips = 0.0.0.0). charon
# gets 10.3.0.1 and the DNS server, installs the address and pings 10.1.0.1 from it through
# ESP, and the gateway pings back (counters rising; routes in clear are in place, so a tunnel
# that failed open could not hide); ipsecd's CHILD SA has the lease as remote selector,
# status and leases show it, and the password is not in its log. Then the pair as written:
# examples/roadwarrior-client.yaml on ipsecd in b, in charon's place, gets alice's address
# back and pings from it through ESP; its SIGTERM takes the address off.
source "$(dirname "$0")/../interop.sh"
CHARON_PLUGINS="$CHARON_PLUGINS eap-mschapv2 eap-identity"
EXAMPLES=$(cd "$(dirname "$0")/../../examples" && pwd)
EXAMPLE=$EXAMPLES/roadwarrior-pool-gateway.yaml
trap dump_on_failure EXIT
mk_topology
ip -n a route add 10.3.0.0/24 via 192.0.2.2
ip -n b route add 10.1.0.0/24 via 192.0.2.1
mark topology
password=$(sed -n 's/^ *password: "\(.*\)"$/\1/p' "$EXAMPLE")
[ -n "$password" ] || die "no password in $EXAMPLE"
charon_conf b
sed -i 's/install_virtual_ip = no/install_virtual_ip = yes/' "$W/b/strongswan.conf"
cat > "$W/b/swanctl/swanctl.conf" <<EOC
connections {
  office {
    local_addrs = 192.0.2.2
    remote_addrs = 192.0.2.1
    vips = 0.0.0.0
    local { auth = eap-mschapv2
            eap_id = alice }
    remote { auth = pubkey
             id = host-a.example
             cacerts = $EXAMPLES/certs/ca.pem }
    children { office { remote_ts = 10.1.0.0/24 } }
  }
}
secrets {
  eap-alice { id = alice
              secret = "$password" }
}
EOC
start_charon b b
ipsecd_conf a < "$EXAMPLE"
mkdir -p "$W/a/conf/certs" "$W/a/conf/private"
cp "$EXAMPLES"/certs/*.pem "$W/a/conf/certs/"
install -m 600 "$EXAMPLES"/private/*.pem "$W/a/conf/private/"
"$IPSECD" --check --config-dir "$W/a/conf" || die "ipsecd --check refuses roadwarrior-pool-gateway.yaml"
start_ipsecd a a
mark daemons_up
swanctl_ b --initiate --child office --timeout 20 > "$OUT/initiate.out" 2>&1 \
  || { cat "$OUT/initiate.out"; tail -30 "$OUT/ipsecd-a.log"; die "swanctl --initiate"; }
wait_up a rw-pool
mark sa_up
ctl a status
swanctl_ b --list-sas
grep -q 'IKE SA established with alice' "$OUT/ipsecd-a.log" || die "ipsecd's gateway does not name alice"
grep -q 'CPRP(ADDR DNS' "$OUT/charon-b.log" || { grep IKE_AUTH "$OUT/charon-b.log"; die "no CFG_REPLY with address and DNS in charon's log"; }
grep -q 'installing new virtual IP 10.3.0.1' "$OUT/charon-b.log" \
  || { grep -i 'virtual' "$OUT/charon-b.log"; die "charon installed no virtual IP 10.3.0.1"; }
wait_for 5 eval "ip -n b addr | grep -q 'inet 10.3.0.1/32'" || { ip -n b addr; die "10.3.0.1 not on a b interface"; }
log "charon: $(grep -m1 'CPRP' "$OUT/charon-b.log" | sed 's/.*\(CPRP([^)]*)\).*/\1/'), $(grep -m1 'installing new virtual IP' "$OUT/charon-b.log" | sed 's/.*installing/installing/')"
ctl a status --json > "$OUT/status.json"
grep -q '"virtual_ips":\["10.3.0.1"\]' "$OUT/status.json" || { cat "$OUT/status.json"; die "no virtual_ips 10.3.0.1 in ipsecd's status"; }
grep -q '"remote_ts":\["10.3.0.1/32"\]' "$OUT/status.json" || { cat "$OUT/status.json"; die "the CHILD SA's remote selector is not the lease"; }
ctl a leases | tee "$OUT/leases.out"
grep -q '^office 10.3.0.1 alice online$' "$OUT/leases.out" || die "ipsecctl leases does not show alice's lease"
ping_through b 10.3.0.1 10.1.0.1 5
ping_through a 10.1.0.1 10.3.0.1 3
mark ping_ok
# the pair as a user installs it on two hosts: with charon gone, examples/roadwarrior-client.yaml
# as written is ipsecd's road warrior in b (no local address, the gateway at 192.0.2.1): it logs
# in to the same gateway as alice, gets her address back with the DNS server and domain, and
# a plain ping from b reaches 10.1.0.1 from it through ESP
kill "$(cat "$W/b/pid")"
wait_for 10 eval "! kill -0 $(cat "$W/b/pid")" || die "charon b did not stop"
wait_for 5 eval "! ip -n b addr | grep -q 10.3.0.1" || { ip -n b addr; die "charon left 10.3.0.1 on b"; }
ipsecd_conf rw < "$EXAMPLES/roadwarrior-client.yaml"
mkdir -p "$W/rw/conf/certs" && cp "$EXAMPLES"/certs/*.pem "$W/rw/conf/certs/"
start_ipsecd rw b
wait_up rw office
wait_up a rw-pool
grep -q 'virtual IP 10.3.0.1 assigned by the peer (DNS 10.1.0.53, domains corp.example)' "$OUT/ipsecd-rw.log" \
  || { grep -i virtual "$OUT/ipsecd-rw.log"; die "the example road warrior got no 10.3.0.1 with DNS 10.1.0.53 and corp.example"; }
ip -n b -4 addr show dev vb | grep -q 'inet 10.3.0.1/32' || { ip -n b addr; die "10.3.0.1/32 not on vb"; }
before=$(xfrm_pkts a)
ip netns exec b ping -n -c 5 -i 0.2 -W 2 10.1.0.1 > "$OUT/ping-rw.out" 2>&1 || { cat "$OUT/ping-rw.out"; die "ping b -> 10.1.0.1"; }
[ "$(xfrm_pkts b)" -ge 10 ] && [ "$(xfrm_pkts a)" -ge $((before + 10)) ] \
  || { show_xfrm b; show_xfrm a; die "the example road warrior's ping did not go through ESP in both kernels"; }
ctl a leases > "$OUT/leases-rw.out"
grep -q '^office 10.3.0.1 alice online$' "$OUT/leases-rw.out" || { cat "$OUT/leases-rw.out"; die "alice did not get 10.3.0.1 back"; }
log "both examples, two ipsecd: alice's 10.3.0.1 back, ping from it through ESP (a $before -> $(xfrm_pkts a), b $(xfrm_pkts b))"
mark pair_ok
grep -qF "$password" "$OUT/ipsecd-a.log" "$OUT/ipsecd-rw.log" && die "ipsecd logged the EAP password"
stop_ipsecd rw
no_xfrm b "the road warrior after SIGTERM"
ip -n b addr | grep -q 10.3.0.1 && { ip -n b addr; die "10.3.0.1 outlived the road warrior's SIGTERM"; }
stop_ipsecd a
no_xfrm a "after SIGTERM"
mark done
cat "$OUT/timings"
