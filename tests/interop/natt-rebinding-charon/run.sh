#!/bin/bash
# natt-rebinding-charon: charon behind a real (user-space, udp_nat.py) NAT initiates to ipsecd;
# under a ping from charon's side the NAT loses its mappings and maps charon to new ports. ipsecd
# follows charon's next request (its DPD, once no answer comes back: RFC 7296 2.23) and migrates
# its kernel SAs and policies (XFRM_MSG_MIGRATE): a's SAs' ESP-in-UDP port becomes the new
# mapping's, ESP counters rise again on the migrated SAs, and a never sent ICMP in clear.
# Topology: the NAT runs in netns b; charon (ports 501/4501) sends to the NAT's inside address
# 192.0.2.3, which forwards from 192.0.2.2 and ports of its own to ipsecd at 192.0.2.1.
source "$(dirname "$0")/../interop.sh"
NAT_IN=192.0.2.3

# a_encap_dport: the destination port of a's outbound ESP-in-UDP SA (charon's NAT mapping)
a_encap_dport() {
  ip -n a xfrm state | awk '/^src/{o = $2 == "192.0.2.1" && $4 == "192.0.2.2"}
    o && /encap type espinudp/{for (i = 1; i < NF; i++) if ($i == "dport") {print $(i+1); exit}}'
}
# a_out_pkts: the packets a's outbound SA (to charon's mapping) has sent
a_out_pkts() {
  ip -n a -s xfrm state | awk '/^src/{o = $2 == "192.0.2.1"} o && /lifetime current:/{getline; gsub(/[()a-z,]/," "); print $2; exit}'
}
# replies: the echo replies charon's ping has received so far
replies() { grep -c 'bytes from' "$OUT/ping-rebinding.out"; }
# nat_mapping N: the outside port of the NAT's N-th mapping of port 4500
nat_mapping() { grep '^mapping 4500 ' "$OUT/udp_nat.log" | sed -n "${1}p" | awk '{print $NF}'; }

mk_topology
ip -n b addr add $NAT_IN/32 dev in0 || die "NAT inside address"
ip netns exec b python3 "$(dirname "$0")/udp_nat.py" $NAT_IN 192.0.2.2 192.0.2.1 500 4500 > "$OUT/udp_nat.log" 2>&1 &
NAT_PID=$!
wait_for 10 grep -q ready "$OUT/udp_nat.log" || { cat "$OUT/udp_nat.log"; die "udp_nat.py did not start"; }
mark topology

charon_conf b
sed -i 's/^charon {/charon {\n  port = 501\n  port_nat_t = 4501/' "$W/b/strongswan.conf"
cat > "$W/b/swanctl/swanctl.conf" <<EOF
connections {
  ipsecd {
    local_addrs = 192.0.2.2
    remote_addrs = $NAT_IN
    proposals = aes256gcm16-prfsha256-x25519
    dpd_delay = 2s
    local { auth = psk
            id = b.lab }
    remote { auth = psk
             id = a.lab }
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
  ike-ab { id-a = b.lab
           id-b = a.lab
           secret = "$PSK" }
}
EOF
start_charon b b
site_peer a 192.0.2.1 192.0.2.2 a.lab b.lab 10.1.0.0/24 10.2.0.0/24 none "psk=$PSK"
start_ipsecd a a
swanctl_ b --initiate --child net --timeout 20 > "$OUT/initiate.out" 2>&1 \
  || { cat "$OUT/initiate.out"; tail -30 "$OUT/ipsecd-a.log"; die "swanctl --initiate"; }
wait_up a site
mark sa_up
first=$(nat_mapping 1)
[ -n "$first" ] && [ "$(a_encap_dport)" = "$first" ] \
  || { show_xfrm a; cat "$OUT/udp_nat.log"; die "a's ESP-in-UDP SA does not send to the NAT's mapping $first"; }
log "a sends ESP-in-UDP to charon's NAT mapping 192.0.2.2:$first"

capture
ip netns exec b ping -n -i 0.2 -c 100 -W 1 -I 10.2.0.1 10.1.0.1 > "$OUT/ping-rebinding.out" 2>&1 &
PING=$!
esp_after "the ping started"
kill -USR1 $NAT_PID
wait_for 10 eval '[ -n "$(nat_mapping 2)" ]' || { cat "$OUT/udp_nat.log"; die "the NAT made no new mapping"; }
second=$(nat_mapping 2)
log "the NAT rebound: charon's port 4500 now maps to 192.0.2.2:$second (was $first)"
mark rebound
wait_for 20 eval '[ "$(a_encap_dport)" = "$second" ]' \
  || { show_xfrm a; tail -30 "$OUT/ipsecd-a.log"; die "a's SAs did not move to the new mapping $second"; }
mark migrated
grep -m1 'NAT rebinding' "$OUT/ipsecd-a.log"
replies_before=$(replies)
out_before=$(a_out_pkts)
esp_after "the migration"
out_after=$(a_out_pkts)
[ "$out_after" -gt "$out_before" ] || { show_xfrm a; die "a's migrated outbound SA sent nothing"; }
log "a's migrated outbound SA sent $out_before -> $out_after packets (to 192.0.2.2:$second)"
kill $PING 2>/dev/null; wait $PING 2>/dev/null
# charon's ping is answered through the migrated SAs (ping writes each reply as it comes)
[ "$(replies)" -gt "$replies_before" ] || die "charon's ping got no reply after the migration"
log "charon's ping: $replies_before replies before the migration, $(replies) in all"
stop_capture
read -r esp clear <<< "$(sent_counts "$OUT/wire-a.pcapng")"
log "a sent $esp ESP packets and $clear ICMP packets in clear"
[ "$clear" = 0 ] || die "a sent ICMP in clear"
[ "$esp" -gt 0 ] || die "no ESP from a in the capture"
show_xfrm a
stop_ipsecd a
no_xfrm a "after SIGTERM"
kill $NAT_PID
mark done
cat "$OUT/timings"
