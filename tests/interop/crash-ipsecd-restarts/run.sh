#!/bin/bash
# crash-ipsecd-restarts: a crash does not end the tunnels (DESIGN, SIGTERM and SIGKILL).
# ipsecd (start: up) -> charon, both netns routing the other's inner subnet over the underlay.
# Under a ping 10.1.0.1 -> 10.2.0.1 (5 a second) ipsecd is killed with SIGKILL and started
# again: it takes over the policies and SAs it left in the kernel (no "File exists"), the
# tunnel is back within seconds, a's kernel then holds exactly one SA pair and one policy per
# direction (no stale SA, no duplicate policy), and a capture on the wire (what either side sends) holds
# not one ICMP packet between the protected subnets in clear.
source "$(dirname "$0")/../interop.sh"

# charon_child_spi: the inbound SPI of charon's installed CHILD SA (empty if none)
charon_sas() { swanctl_ b --list-sas 2>/dev/null | grep -E 'INSTALLED|in  c|out c' | tr -s ' ' | tr '\n' ' '; }
# one_pair: a holds one SA each way and one policy per direction for the tunnel
one_pair() {
  [ "$(xfrm_states a)" = 2 ] &&
  [ "$(ip -n a xfrm policy | grep -c 'src 10.1.0.0/24 dst 10.2.0.0/24')" = 1 ] &&
  [ "$(ip -n a xfrm policy | grep -c 'src 10.2.0.0/24 dst 10.1.0.0/24')" = 2 ]  # in and fwd
}

mk_topology
inner_routes   # the routes a fail-open would use
mark topology
charon_peer no psk
start_charon b b
site_peer a 192.0.2.1 192.0.2.2 a.lab b.lab 10.1.0.0/24 10.2.0.0/24 up "psk=$PSK"
capture
start_ipsecd a a
wait_up a site
wait_for 10 eval "swanctl_ b --list-sas | grep -q INSTALLED" || die "no CHILD SA installed in charon"
mark sa_up
before=$(charon_sas)
log "charon: $before"

ip netns exec a ping -n -i 0.2 -W 1 -I 10.1.0.1 10.2.0.1 > "$OUT/ping.out" 2>&1 &
PING=$!
sleep 2
kill -KILL "$(cat "$W/a/pid")"
wait "$(cat "$W/a/pid")" 2>/dev/null
mark killed
log "ipsecd killed (SIGKILL): a's kernel holds $(xfrm_states a) SAs and $(xfrm_policies a) policies"
[ "$(xfrm_policies a)" -ge 3 ] || die "the policies went with the process"
sleep 1
start_ipsecd a a
wait_for 15 eval "swanctl_ b --list-sas | grep -q INSTALLED && [ \"\$(charon_sas)\" != \"$before\" ]" \
  || { tail -40 "$OUT/ipsecd-a.log"; swanctl_ b --list-sas; die "the tunnel did not come back"; }
wait_up a site
mark back
log "tunnel back $(awk -v k="$(sed -n 's/^killed=//p' "$OUT/timings")" -v b="$(sed -n 's/^back=//p' "$OUT/timings")" \
  'BEGIN{printf "%.1f", b-k}') s after the SIGKILL; charon: $(charon_sas)"
grep -q 'taking over' "$OUT/ipsecd-a.log" || die "ipsecd did not take over its predecessor's kernel state"
! grep -q 'File exists' "$OUT/ipsecd-a.log" || { grep 'File exists' "$OUT/ipsecd-a.log"; die "File exists"; }
wait_for 10 one_pair || { ip -n a xfrm state; ip -n a xfrm policy; die "stale SAs or duplicate policies in a"; }
log "a's kernel: $(xfrm_states a) SAs, $(xfrm_policies a) policies"
before=$(xfrm_pkts a); sleep 2
[ "$(xfrm_pkts a)" -ge $((before + 10)) ] || die "no ESP traffic after the restart"
log "ESP traffic after the restart: a's counters $before -> $(xfrm_pkts a)"

kill -INT "$PING"; wait "$PING" 2>/dev/null
sed -n '/statistics/,$p' "$OUT/ping.out"
stop_capture
clear=$(( $(clear_icmp "$OUT/wire-a.pcapng") + $(clear_icmp "$OUT/wire-b.pcapng") ))
log "capture on the wire: $clear ICMP packets between the protected subnets sent in clear"
[ "$clear" = 0 ] || { tshark -r "$OUT/wire-a.pcapng" -Y 'sll.pkttype==4 && icmp' | head; die "$clear protected packets left in clear"; }

stop_ipsecd a
no_xfrm a "after SIGTERM"
mark done
cat "$OUT/timings"
