#!/bin/bash
# ipsecd-tunnel-psk: two ipsecd peers (netns a initiates with start: up, netns b answers)
# negotiate IKEv2 with a PSK and a tunnel-mode CHILD SA 10.1.0.0/24 <-> 10.2.0.0/24; ping
# passes through ESP both ways with the XFRM counters rising; `ipsecctl status --json` holds
# the contract's fields; `ipsecctl down` removes the SAs and policies from both kernels (the
# peer learns it by INFORMATIONAL delete); SIGTERM exits 0 and leaves no XFRM state.
source "$(dirname "$0")/../../lib.sh"
source "$(dirname "$0")/../../ipsecd.sh"
PSK='lab-psk-0123456789abcdef0123456789'
mk_topology
# ipsecd installs no routes (charon does, in table 220): route the peer's subnet via the
# peer, as a gateway's default route would
inner_routes
mark topology

site_pair "psk=$PSK"
start_ipsecd b b
start_ipsecd a a
wait_up a site
wait_up b site
mark sa_up
ctl a status

ping_through a 10.1.0.1 10.2.0.1 5
ping_through b 10.2.0.1 10.1.0.1 3
mark ping_ok
check_status a site tunnel 8
check_status b site tunnel 8
show_xfrm a

ctl a down site || die "ipsecctl down site"
wait_for 10 eval '[ "$(xfrm_states a)$(xfrm_policies a)$(xfrm_states b)$(xfrm_policies b)" = 0000 ]'
no_xfrm a "after ipsecctl down"
no_xfrm b "after the peer's delete"
ctl a status --json | grep -q '"state":"down"' || { ctl a status --json; die "site not down in a"; }
mark down_ok

# up again, then SIGTERM on both: nothing may stay in the kernels
ctl a up site || die "ipsecctl up site (again)"
wait_up b site
ping_through a 10.1.0.1 10.2.0.1 3
stop_pair
mark done
cat "$OUT/timings"
