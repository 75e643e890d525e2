#!/bin/bash
# ipsecd-tunnel-psk: two ipsecd peers (netns a initiates with start: up, netns b answers)
# negotiate IKEv2 with a PSK and a tunnel-mode CHILD SA 10.1.0.0/24 <-> 10.2.0.0/24; ping
# passes through ESP both ways with the XFRM counters rising; `ipsecctl status --json` holds
# the contract's fields; `ipsecctl down` removes the SAs and policies from both kernels (the
# peer learns it by INFORMATIONAL delete); SIGTERM exits 0 and leaves no XFRM state.
# Routing is ipsecd's own: while the CHILD SA is up each side has a route to the peer's
# subnet in table 220 (rule priority 220) with a source in its own subnet, so a plain ping
# (no -I) enters the tunnel; the route goes with the CHILD SA, the rule with ipsecd.
# b runs with --spd-hthresh4 24/24: the kernel reports those thresholds, so b's /24 <-> /24
# policies sit in the kernel's policy hash table, and traffic passes through them the same.
source "$(dirname "$0")/../../lib.sh"
source "$(dirname "$0")/../../ipsecd.sh"
PSK='lab-psk-0123456789abcdef0123456789'
mk_topology
mark topology

# table_220 NS: the routes ipsecd installed in NS
table_220() { ip -n "$1" route show table 220; }

site_pair "psk=$PSK"
start_ipsecd b b --spd-hthresh4 24/24
start_ipsecd a a
ip -n b -s -s xfrm policy count > "$OUT/spdinfo-b.txt" 2>&1
grep -Eq 'IPv4 thresholds: local 24 remote 24\b' "$OUT/spdinfo-b.txt" \
  || { cat "$OUT/spdinfo-b.txt"; die "ipsecd --spd-hthresh4 24/24 did not set the kernel's thresholds in b"; }
wait_up a site
wait_up b site
mark sa_up
ctl a status

table_220 a | grep -q '^10.2.0.0/24 dev va .*src 10.1.0.1' || { table_220 a; die "no tunnel route in a"; }
table_220 b | grep -q '^10.1.0.0/24 dev vb .*src 10.2.0.1' || { table_220 b; die "no tunnel route in b"; }
ip -n a rule | grep -q '^220:.*lookup 220' || { ip -n a rule; die "no rule 220 in a"; }
log "table 220 in a: $(table_220 a)"
ping_through a 10.1.0.1 10.2.0.1 5
ping_through b 10.2.0.1 10.1.0.1 3
ip netns exec a ping -n -c 2 -i 0.2 -W 2 10.2.0.1 > "$OUT/ping-a-plain.out" 2>&1 \
  || { cat "$OUT/ping-a-plain.out"; die "ping without a source address did not pass"; }
mark ping_ok
check_status a site tunnel 8
check_status b site tunnel 8
show_xfrm a

ctl a down site || die "ipsecctl down site"
wait_for 10 eval '[ "$(xfrm_states a)$(xfrm_policies a)$(xfrm_states b)$(xfrm_policies b)" = 0000 ]'
no_xfrm a "after ipsecctl down"
no_xfrm b "after the peer's delete"
[ -z "$(table_220 a)$(table_220 b)" ] || { table_220 a; table_220 b; die "tunnel routes left after down"; }
ctl a status --json | grep -q '"state":"down"' || { ctl a status --json; die "site not down in a"; }
mark down_ok

# up again, then SIGTERM on both: nothing may stay in the kernels
ctl a up site || die "ipsecctl up site (again)"
wait_up b site
ping_through a 10.1.0.1 10.2.0.1 3
stop_pair
[ -z "$(table_220 a)$(table_220 b)" ] || die "tunnel routes left after SIGTERM"
! ip -n a rule | grep -q 'lookup 220' || { ip -n a rule; die "rule 220 left after SIGTERM"; }
mark done
cat "$OUT/timings"
