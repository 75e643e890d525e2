#!/bin/bash
# ipsecd-transport-psk: two ipsecd peers negotiate IKEv2 with a PSK and a host-to-host
# transport-mode CHILD SA between their own addresses (192.0.2.1 <-> 192.0.2.2, no subnets
# given: the default is address/32); ping between the hosts passes through ESP with the XFRM
# counters rising while IKE itself still flows (ipsecd's sockets bypass the policies);
# `ipsecctl status --json` shows mode transport; SIGTERM leaves no XFRM state.
source "$(dirname "$0")/../../lib.sh"
source "$(dirname "$0")/../../ipsecd.sh"
PSK='lab-psk-transport-0123456789abcdef'
mk_topology
mark topology

# peer_yaml LOCAL REMOTE START
peer_yaml() {
cat <<EOF
connections:
  host:
    local: {address: $1, auth: psk}
    remote: {address: $2, auth: psk}
    children:
      ping: {mode: transport, start: $3}
secrets:
  - ids: ["192.0.2.1", "192.0.2.2"]
    psk: "$PSK"
EOF
}
peer_yaml 192.0.2.2 192.0.2.1 none | ipsecd_conf b
peer_yaml 192.0.2.1 192.0.2.2 up | ipsecd_conf a
start_ipsecd b b
start_ipsecd a a
wait_up a host
wait_up b host
mark sa_up
ctl a status

ping_through a 192.0.2.1 192.0.2.2 5
ping_through b 192.0.2.2 192.0.2.1 3
mark ping_ok
check_status a host transport 8
check_status b host transport 8
ip -n a xfrm state | grep -q 'mode transport' || { ip -n a xfrm state; die "no transport-mode SA in a"; }
show_xfrm a

stop_ipsecd a
wait_for 10 eval '[ "$(xfrm_states b)$(xfrm_policies b)" = 00 ]'
no_xfrm b "after the peer's SIGTERM (INFORMATIONAL delete)"
stop_ipsecd b
no_xfrm a "after SIGTERM"
mark done
cat "$OUT/timings"
