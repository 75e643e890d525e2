#!/bin/bash
# rw-ipsecd-gets-vip-charon: ipsecd is a road warrior (netns a, EAP-MSCHAPv2 as carol, `vips:
# [0.0.0.0]`, remote subnet 10.2.0.0/24) of a charon gateway (netns b, its RSA certificate,
# pool 10.3.0.0/24 with DNS 10.2.0.53 and the domain corp.example). ipsecd gets 10.3.0.1, puts it on va (the interface
# towards the gateway) and routes 10.2.0.0/24 from it: a plain ping from a to 10.2.0.1 (no
# -I) leaves from 10.3.0.1 through ESP (XFRM counters rising on both) while routes in clear
# are in place both ways, and a capture of what a sends holds no ICMP to or from 10.2.0.0/24
# in clear, also across charon's Delete of the IKE SA (the address goes and comes back with
# the next IKE SA). `ipsecctl down` takes the address off again. A real systemd-resolved on a's
# bus (tests/lab/resolved.sh) holds 10.2.0.53 and the routing-only domain ~corp.example for va
# while an IKE SA is up, and va has none of them again after charon's Delete and after down.
# Then a SIGKILL: the restarted ipsecd takes its predecessor's 10.3.0.1 and route off first,
# and the DNS server and domain it had added to va's own (192.0.2.53, lan.example, set as
# NetworkManager would): after the restart and after its SIGTERM va has them once, then none.
# Last, without resolved on the bus: one line says so, the tunnel comes up and carries traffic.
source "$(dirname "$0")/../eap.sh"
source "$(dirname "$0")/../../resolved.sh"
trap dump_on_failure EXIT
mk_topology
ip -n a route add 10.2.0.0/24 via 192.0.2.2   # what a fail-open would use
ip -n b route add 10.3.0.0/24 via 192.0.2.1
mark topology
eap_charon_pool
start_charon b b
pki_install a rsa
ipsecd_conf a <<EOC
connections:
  home:
    local: {address: 192.0.2.1, auth: eap-mschapv2, eap_id: carol}
    remote: {address: 192.0.2.2, id: "@b.lab", auth: pubkey, ca: ca.pem, subnets: [10.2.0.0/24]}
    vips: [0.0.0.0]
    ike: {proposals: [aes256gcm16-prfsha256-x25519]}
    children:
      net: {proposals: [aes256gcm16], start: up}
secrets:
  - eap_id: carol
    password: "$EAP_PASSWORD"
EOC
resolved_start a a
capture
start_ipsecd a a
mark daemons_up
wait_up a home
wait_for 10 eval "swanctl_ b --list-sas | grep -q INSTALLED" \
  || { swanctl_ b --list-sas; tail -30 "$OUT/charon-b.log"; die "no CHILD SA installed in charon"; }
mark sa_up
ctl a status
grep -q 'virtual IP 10.3.0.1 assigned by the peer (DNS 10.2.0.53' "$OUT/ipsecd-a.log" \
  || { grep -i virtual "$OUT/ipsecd-a.log"; die "ipsecd logged no virtual IP 10.3.0.1 with DNS 10.2.0.53"; }
grep -q 'virtual IP 10.3.0.1 assigned by the peer (DNS 10.2.0.53, domains corp.example)' "$OUT/ipsecd-a.log" \
  || { grep -i virtual "$OUT/ipsecd-a.log"; die "ipsecd logged no domain corp.example"; }
ctl a status --json > "$OUT/status.json"
grep -q '"virtual_ips":\["10.3.0.1"\],"dns":\["10.2.0.53"\],"dns_domains":\["corp.example"\]' "$OUT/status.json" \
  || { cat "$OUT/status.json"; die "no dns/dns_domains in ipsecd's status"; }
# resolved_has WHAT: va's DNS servers and domains in resolved are WHAT ("10.2.0.53 ~corp.example"
# or "" for none)
resolved_va() { echo "$(resolvectl_ a a dns va | sed 's/^[^:]*: *//') $(resolvectl_ a a domain va | sed 's/^[^:]*: *//')" | xargs; }
wait_for 5 eval '[ "$(resolved_va)" = "10.2.0.53 ~corp.example" ]' \
  || { resolvectl_ a a status va; grep resolved "$OUT/ipsecd-a.log"; die "resolved does not hold 10.2.0.53 ~corp.example for va: '$(resolved_va)'"; }
log "resolved for va: $(resolvectl_ a a dns va) | $(resolvectl_ a a domain va)"
log "ipsecd's calls to resolved: $(grep -o 'systemd-resolved [A-Za-z]*(link [0-9]*) done in [0-9]* us' "$OUT/ipsecd-a.log" | sed 's/systemd-resolved //' | tr '\n' ';')"
mark resolved_set
ip -n a -4 addr show dev va | grep -q 'inet 10.3.0.1/32' || { ip -n a addr; die "10.3.0.1/32 not on va"; }
ip -n a route show table 220 | grep -q '^10.2.0.0/24 dev va .*src 10.3.0.1' \
  || { ip -n a route show table 220; die "no route to 10.2.0.0/24 from 10.3.0.1 in table 220"; }
log "a: $(ip -n a -4 -o addr show dev va | awk '{print $4}' | tr '\n' ' ')| table 220: $(ip -n a route show table 220)"
src=$(ip -n a route get 10.2.0.1 | sed -n 's/.* src \([0-9.]*\).*/\1/p')
[ "$src" = 10.3.0.1 ] || die "a reaches 10.2.0.1 from $src, not from its virtual IP"
before=$(xfrm_pkts b)
ip netns exec a ping -n -c 5 -i 0.2 -W 2 10.2.0.1 > "$OUT/ping.out" 2>&1 || { cat "$OUT/ping.out"; die "ping a -> 10.2.0.1"; }
sed -n '/statistics/,$p' "$OUT/ping.out"
[ "$(xfrm_pkts a)" -ge 10 ] && [ "$(xfrm_pkts b)" -ge $((before + 10)) ] \
  || { show_xfrm a; show_xfrm b; die "the ping did not go through ESP in both kernels"; }
log "XFRM packet counters: a $(xfrm_pkts a), b $before -> $(xfrm_pkts b)"
ip -n a xfrm policy | grep -q 'src 10.3.0.1/32 dst 10.2.0.0/24' || { ip -n a xfrm policy; die "a's policy is not from 10.3.0.1"; }
mark ping_ok
# the peer's Delete: the address goes with the IKE SA, and comes back with the next one
# (close_action: restart); a ping running across it never leaves in clear (the trap's
# policies block it while no IKE SA holds the address)
ip netns exec a ping -n -i 0.2 -W 1 10.2.0.1 > "$OUT/ping-across.out" 2>&1 &
PING=$!
swanctl_ b --terminate --ike rw --timeout 10 > "$OUT/terminate.out" 2>&1 || { cat "$OUT/terminate.out"; die "swanctl --terminate"; }
wait_for 10 grep -q 'removed virtual IP 10.3.0.1/32' "$OUT/ipsecd-a.log" || die "ipsecd kept 10.3.0.1 after charon's Delete"
wait_for 5 eval '[ -z "$(resolved_va)" ] || [ $(grep -c "added virtual IP 10.3.0.1/32" "$OUT/ipsecd-a.log") = 2 ]' \
  || die "resolved kept '$(resolved_va)' for va after charon's Delete"
grep -q "systemd-resolved link [0-9]*: DNS none, domains none" "$OUT/ipsecd-a.log" \
  || die "ipsecd did not give va its DNS configuration back after charon's Delete"
wait_for 15 eval "[ \$(grep -c 'added virtual IP 10.3.0.1/32' '$OUT/ipsecd-a.log') = 2 ]" \
  || { tail -20 "$OUT/ipsecd-a.log"; die "ipsecd did not put 10.3.0.1 back with its next IKE SA"; }
wait_up a home
wait_for 5 eval '[ "$(resolved_va)" = "10.2.0.53 ~corp.example" ]' \
  || die "resolved does not hold 10.2.0.53 ~corp.example for va with the next IKE SA: '$(resolved_va)'"
before=$(xfrm_pkts a)
sleep 1
kill -INT "$PING"; wait "$PING" 2>/dev/null
[ "$(xfrm_pkts a)" -ge $((before + 6)) ] || { show_xfrm a; die "no ESP after the IKE SA came back"; }
log "charon's Delete: 10.3.0.1 removed and added back; ping across it: $(grep -m1 'packets transmitted' "$OUT/ping-across.out")"
mark peer_delete
stop_capture
# one tshark pass (each takes seconds in the lab): a's ESP packets, then its ICMP in clear
read -r esp clear <<< "$(tshark -r "$OUT/wire-a.pcapng" -T fields -e esp.spi \
  -Y 'sll.pkttype==4 && (esp || (icmp && (ip.src==10.2.0.0/24 || ip.dst==10.2.0.0/24)))' 2>/dev/null \
  | awk '$1 != "" {e++; next} {c++} END {print e+0, c+0}')"
log "capture: a sent $esp ESP packets; $clear ICMP packets to or from 10.2.0.0/24 sent in clear"
[ "$esp" -ge 10 ] || die "a sent only $esp ESP packets"
[ "$clear" = 0 ] || die "$clear ICMP packets to or from 10.2.0.0/24 left in clear"
grep -qF "$EAP_PASSWORD" "$OUT/ipsecd-a.log" && die "ipsecd logged the EAP password"
ctl a down home
wait_for 10 eval "! ip -n a addr | grep -q 10.3.0.1" || { ip -n a addr; die "10.3.0.1 still on a after ipsecctl down"; }
ip -n a route show table 220 | grep -q 10.2.0.0 && { ip -n a route show table 220; die "the tunnel's route outlived the down"; }
wait_for 5 eval '[ -z "$(resolved_va)" ]' || die "resolved kept '$(resolved_va)' for va after ipsecctl down"
log "after ipsecctl down: 10.3.0.1, the route in table 220 and va's DNS servers and domains in resolved are gone"
mark down
# a crash (SIGKILL) leaves 10.3.0.1 and its route in table 220 on the host with the SAs and
# policies; the ipsecd started again with the same configuration takes the address and the
# route off at start, before it gets 10.3.0.1 back and puts it on va once, and a ping running
# across the crash and the restart never leaves in clear
resolvectl_ a a dns va 192.0.2.53 && resolvectl_ a a domain va lan.example || die "resolvectl could not set va's own DNS"
ctl a up home > /dev/null
wait_up a home
wait_for 5 eval "ip -n a -4 addr show dev va | grep -q 'inet 10.3.0.1/32'" || { ip -n a addr; die "10.3.0.1 not back on va after up"; }
WITH_OURS="192.0.2.53 10.2.0.53 lan.example ~corp.example"
wait_for 5 eval '[ "$(resolved_va)" = "$WITH_OURS" ]' || die "resolved holds '$(resolved_va)' for va, not '$WITH_OURS'"
CAPS=""
capture
ip netns exec a ping -n -i 0.2 -W 1 10.2.0.1 > "$OUT/ping-crash.out" 2>&1 &
PING=$!
sleep 1
kill -KILL "$(cat "$W/a/pid")"
wait "$(cat "$W/a/pid")" 2>/dev/null
mark killed
ip -n a -4 addr show dev va | grep -q 'inet 10.3.0.1/32' && ip -n a route show table 220 | grep -q 'src 10.3.0.1' \
  || { ip -n a addr; ip -n a route show table 220; die "the SIGKILL left no virtual IP and route: nothing to take off"; }
log "killed: a holds $(ip -n a -4 -o addr show dev va | awk '{print $4}' | tr '\n' ' ')and table 220: $(ip -n a route show table 220)"
[ "$(resolved_va)" = "$WITH_OURS" ] || die "after the SIGKILL resolved holds '$(resolved_va)' for va"
record=$(cat "$W"/a/run/resolved-link-* 2>/dev/null | tr '\n' ' ')
[ "$record" = "dns 10.2.0.53 domain ~corp.example " ] || die "the killed ipsecd's record of what it added to resolved is '$record'"
log "killed: resolved holds '$(resolved_va)' for va; ipsecd's record: $record"
mv "$OUT/ipsecd-a.log" "$OUT/ipsecd-a-killed.log"
start_ipsecd a a
wait_up a home
mark restarted
removed=$(grep -n 'removed virtual IP 10.3.0.1/32 dev #[0-9]* a previous ipsecd left' "$OUT/ipsecd-a.log" | cut -d: -f1)
added=$(grep -n 'added virtual IP 10.3.0.1/32' "$OUT/ipsecd-a.log" | cut -d: -f1)
[ -n "$removed" ] && [ -n "$added" ] && [ "$removed" -lt "$added" ] \
  || { grep -i 'virtual IP' "$OUT/ipsecd-a.log"; die "the restarted ipsecd did not take its predecessor's 10.3.0.1 off before adding its own"; }
[ "$(ip -n a -4 addr show dev va | grep -c 'inet 10.3.0.1/32')" = 1 ] || { ip -n a addr; die "10.3.0.1 not on va once"; }
grep -q 'systemd-resolved link [0-9]*: taking off DNS 10.2.0.53, domains ~corp.example a previous ipsecd left' "$OUT/ipsecd-a.log" \
  || { grep resolved "$OUT/ipsecd-a.log"; die "the restarted ipsecd did not take its predecessor's DNS entries off va"; }
wait_for 5 eval '[ "$(resolved_va)" = "$WITH_OURS" ]' || die "after the restart resolved holds '$(resolved_va)' for va, not '$WITH_OURS'"
ip -n a route show table 220 | grep -q '^10.2.0.0/24 dev va .*src 10.3.0.1' \
  || { ip -n a route show table 220; die "no route to 10.2.0.0/24 from 10.3.0.1 after the restart"; }
before=$(xfrm_pkts a)
sleep 1
kill -INT "$PING"; wait "$PING" 2>/dev/null
[ "$(xfrm_pkts a)" -ge $((before + 6)) ] || { show_xfrm a; die "no ESP after the restart"; }
stop_capture
clear=$(tshark -r "$OUT/wire-a.pcapng" -Y 'sll.pkttype==4 && icmp && (ip.src==10.2.0.0/24 || ip.dst==10.2.0.0/24)' 2>/dev/null | wc -l)
log "crash: $(grep -m1 'a previous ipsecd left' "$OUT/ipsecd-a.log" | sed 's/.*removed/removed/'), 10.3.0.1 back; ping across it: $(grep -m1 'packets transmitted' "$OUT/ping-crash.out"); $clear ICMP packets to or from 10.2.0.0/24 in clear"
[ "$clear" = 0 ] || die "$clear ICMP packets to or from 10.2.0.0/24 left in clear across the crash"
mark crash
# SIGTERM (its bus stays for resolved): va is left with its own entries only, no record
pid=$(cat "$W/a/pid")
kill -TERM "$pid"
wait_for 10 eval "! kill -0 $pid" || die "ipsecd still running 10 s after SIGTERM"
wait "$pid" || die "ipsecd exited $? after SIGTERM"
[ "$(resolved_va)" = "192.0.2.53 lan.example" ] || die "after SIGTERM resolved holds '$(resolved_va)' for va, not its own '192.0.2.53 lan.example'"
ls "$W"/a/run/resolved-link-* 2>/dev/null && die "a record outlived the SIGTERM"
no_xfrm a "after SIGTERM"
log "after the restart and a SIGTERM: resolved holds '$(resolved_va)' for va, no record left"
mark resolved_own
# no resolved on the bus: one line says so, once, and the tunnel is not affected
resolved_stop a
mv "$OUT/ipsecd-a.log" "$OUT/ipsecd-a-restarted.log"
start_ipsecd a a
wait_up a home
ctl a down home > /dev/null && ctl a up home > /dev/null || die "ipsecctl down/up without resolved"
wait_up a home
before=$(xfrm_pkts a)
ip netns exec a ping -n -c 3 -i 0.2 -W 2 10.2.0.1 > "$OUT/ping-no-resolved.out" 2>&1 || { cat "$OUT/ping-no-resolved.out"; die "ping without resolved"; }
[ "$(xfrm_pkts a)" -ge $((before + 6)) ] || { show_xfrm a; die "no ESP without resolved"; }
absent=$(grep -c 'systemd-resolved is not on the bus' "$OUT/ipsecd-a.log")
[ "$absent" = 1 ] || { grep resolved "$OUT/ipsecd-a.log"; die "ipsecd said $absent times that resolved is absent, over two IKE SAs"; }
grep -E '^ipsecd (warning|error): .*systemd-resolved' "$OUT/ipsecd-a.log" && die "resolved's absence was logged as a failure"
log "without resolved: $(grep -m1 'systemd-resolved is not on the bus' "$OUT/ipsecd-a.log" | sed 's/.*systemd-resolved/systemd-resolved/') (once over two IKE SAs); ping: $(grep -m1 'packets transmitted' "$OUT/ping-no-resolved.out")"
mark no_resolved
stop_ipsecd a
no_xfrm a "after SIGTERM"
mark done
cat "$OUT/timings"
