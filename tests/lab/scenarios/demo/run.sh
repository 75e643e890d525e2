#!/bin/bash
# demo: what `sudo bash tests/lab/demo` shows (and the lab stage checks): two ipsecd peers in
# two network namespaces negotiate IKEv2 (PSK) and a tunnel-mode CHILD SA, ping passes through
# ESP, and `ipsecctl status` shows the SAs with their counters.
source "$(dirname "$0")/../../lib.sh"
source "$(dirname "$0")/../../ipsecd.sh"
cat <<'EON'
========================================================================================
 Two ipsecd peers in a user-mode Linux kernel, each in its own network namespace:
   peer a: netns a, 192.0.2.1, protects 10.1.0.0/24 (initiates: start: up)
   peer b: netns b, 192.0.2.2, protects 10.2.0.0/24 (answers)
 They negotiate IKEv2 (IKE_SA_INIT + IKE_AUTH, PSK, aes256gcm16-prfsha256-x25519) and an
 ESP tunnel (aes256gcm16) that the kernel's XFRM stack then carries.
========================================================================================
EON
mk_topology
# ipsecd installs no routes (charon does, in table 220): route the peer's subnet via the
# peer, as a gateway's default route would
inner_routes
log "topology up"
PSK=demo-psk-0123456789abcdef0123456789
site_pair "psk=$PSK"
echo "---- peer a's configuration ($W/a/conf/ipsecd.yaml)"
sed 's/psk: .*/psk: (hidden)/' "$W/a/conf/ipsecd.yaml"
echo "---- starting ipsecd b, then ipsecd a (which brings 'site' up)"
start_ipsecd b b
start_ipsecd a a
wait_up a site
log "tunnel up"
echo "---- ping 10.1.0.1 (a) -> 10.2.0.1 (b), through the tunnel"
ping_through a 10.1.0.1 10.2.0.1 5
echo "---- ipsecctl status on peer a"
ctl a status || die "ipsecctl status"
echo "---- ipsecctl status --json on peer b"
ctl b status --json || die "ipsecctl status --json"
echo "---- the kernel's own view in a (ip -s xfrm state)"
ip -n a -s xfrm state | grep -E '^src|proto|packets\)|lifetime current'
stop_ipsecd a
stop_ipsecd b
echo "DEMO-OK: two ipsecd peers negotiated IKEv2, 5 pings through ESP, counters rising"
