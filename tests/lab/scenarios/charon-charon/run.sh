#!/bin/bash
# charon-charon: strongSwan (netns a) <-> strongSwan (netns b), the lab's baseline: two
# independent charon instances negotiate IKEv2 (PSK, aes256gcm16-prfsha256-x25519) and a
# tunnel-mode CHILD SA 10.1.0.0/24 <-> 10.2.0.0/24 (ESP aes256gcm16); ping must pass through
# ESP in both directions with the kernel's XFRM packet counters rising.
# Usage: run.sh [x25519|ecp256] [encap]   (encap forces ESP-in-UDP, the NAT-T path)
source "$(dirname "$0")/../../lib.sh"
KE=${1:-x25519}
ENCAP=no; [ "${2:-}" = encap ] && ENCAP=yes
PSK='lab-psk-0123456789abcdef0123456789'
mark ready
mk_topology
mark topology

# $1=name $2=local addr $3=remote addr $4=local id $5=remote id $6=local ts $7=remote ts
gen_swanctl() {
cat > "$W/$1/swanctl/swanctl.conf" <<EOC
connections {
  s2s {
    version = 2
    encap = $ENCAP
    local_addrs = $2
    remote_addrs = $3
    proposals = aes256gcm16-prfsha256-$KE
    local { auth = psk
            id = $4 }
    remote { auth = psk
             id = $5 }
    children {
      net {
        local_ts = $6
        remote_ts = $7
        mode = tunnel
        esp_proposals = aes256gcm16-$KE
      }
    }
  }
}
secrets {
  ike-ab { id-a = a.lab
           id-b = b.lab
           secret = "$PSK" }
}
EOC
}
charon_conf a; gen_swanctl a 192.0.2.1 192.0.2.2 a.lab b.lab 10.1.0.0/24 10.2.0.0/24
charon_conf b; gen_swanctl b 192.0.2.2 192.0.2.1 b.lab a.lab 10.2.0.0/24 10.1.0.0/24
start_charon a a
start_charon b b
mark charons_up

swanctl_ a --initiate --child net --timeout 20 > "$OUT/initiate.out" 2>&1 \
  || { cat "$OUT/initiate.out"; tail -30 "$OUT/charon-b.log"; die "swanctl --initiate"; }
tail -3 "$OUT/initiate.out"
mark sa_up
swanctl_ a --list-sas

ping_through a 10.1.0.1 10.2.0.1 5
mark ping_ok
if [ $ENCAP = yes ]; then
  ip -n a xfrm state | grep -q 'encap type espinudp sport 4500 dport 4500' || die "no espinudp encap in XFRM state"
  log "ESP-in-UDP: $(ip -n a xfrm state | grep -m1 encap)"
fi
ping_through b 10.2.0.1 10.1.0.1 3
echo "---- ip -n a -s xfrm state (summary) ----"
ip -n a -s xfrm state | grep -E '^src|proto|aead|lifetime current|packets\)'
mark done
cat "$OUT/timings"
exit 0
