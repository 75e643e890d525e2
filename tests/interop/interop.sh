# interop.sh - ipsecd against Debian's strongSwan (charon + swanctl), sourced by the scenarios
# tests/interop/<name>/run.sh, which tests/lab/run boots in the same UML run as the lab's own.
# ipsecd runs in netns a with the lab's site-to-site configuration (ipsecd.sh site_peer:
# 192.0.2.1, 10.1.0.0/24, id a.lab), charon in netns b in its place (192.0.2.2, 10.2.0.0/24,
# id b.lab); PSK, IKEv2 aes256gcm16-prfsha256-x25519, ESP tunnel aes256gcm16.
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../ipsecd.sh"
PSK='interop-psk-0123456789abcdef0123456789'

# charon_peer ENCAP: charon's configuration for netns b (ENCAP yes|no: yes fakes a NAT so
# both sides move to port 4500 and the kernel does ESP-in-UDP)
charon_peer() {
  charon_conf b
  cat > "$W/b/swanctl/swanctl.conf" <<EOF
connections {
  ipsecd {
    version = 2
    encap = $1
    local_addrs = 192.0.2.2
    remote_addrs = 192.0.2.1
    proposals = aes256gcm16-prfsha256-x25519
    local { auth = psk
            id = b.lab }
    remote { auth = psk
             id = a.lab }
    children {
      net {
        local_ts = 10.2.0.0/24
        remote_ts = 10.1.0.0/24
        mode = tunnel
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
}

# interop INITIATOR ENCAP: INITIATOR ipsecd|charon brings the tunnel up; ping both ways
# through ESP with counters rising, both sides' status, ENCAP=yes checks ESP-in-UDP in both
# kernels; then ipsecd's SIGTERM deletes the SAs in charon too (INFORMATIONAL delete).
interop() {
  local initiator=$1 encap=$2 start=none
  [ "$initiator" = ipsecd ] && start=up
  mk_topology
  inner_routes  # ipsecd installs no routes (charon does, in table 220)
  mark topology
  charon_peer "$encap"
  start_charon b b
  site_peer a 192.0.2.1 192.0.2.2 a.lab b.lab 10.1.0.0/24 10.2.0.0/24 "$start" "$PSK"
  start_ipsecd a a
  mark daemons_up
  if [ "$initiator" = charon ]; then
    swanctl_ b --initiate --child net --timeout 20 > "$OUT/initiate.out" 2>&1 \
      || { cat "$OUT/initiate.out"; tail -30 "$OUT/ipsecd-a.log"; die "swanctl --initiate"; }
    tail -3 "$OUT/initiate.out"
  fi
  wait_up a site
  wait_for 10 eval "swanctl_ b --list-sas | grep -q INSTALLED" \
    || { swanctl_ b --list-sas; tail -30 "$OUT/charon-b.log"; die "no CHILD SA installed in charon"; }
  mark sa_up
  ctl a status
  swanctl_ b --list-sas

  ping_through a 10.1.0.1 10.2.0.1 5
  ping_through b 10.2.0.1 10.1.0.1 3
  mark ping_ok
  check_status a site tunnel 8
  if [ "$encap" = yes ]; then
    local ns
    for ns in a b; do
      ip -n $ns xfrm state | grep -q 'encap type espinudp sport 4500 dport 4500' \
        || { ip -n $ns xfrm state; die "no ESP-in-UDP (espinudp 4500) SA in $ns"; }
    done
    log "ESP-in-UDP in both kernels: $(ip -n a xfrm state | grep -m1 encap)"
  fi
  show_xfrm a

  stop_ipsecd a
  no_xfrm a "after SIGTERM"
  wait_for 10 eval "! swanctl_ b --list-sas | grep -q ipsecd" \
    || { swanctl_ b --list-sas; die "charon still holds the IKE SA after ipsecd's SIGTERM"; }
  log "charon deleted its SAs on ipsecd's INFORMATIONAL delete"
  mark done
  cat "$OUT/timings"
}
