# interop.sh - ipsecd against Debian's strongSwan (charon + swanctl), sourced by the scenarios
# tests/interop/<name>/run.sh, which tests/lab/run boots in the same UML run as the lab's own.
# ipsecd runs in netns a with the lab's site-to-site configuration (ipsecd.sh site_peer:
# 192.0.2.1, 10.1.0.0/24, id a.lab), charon in netns b in its place (192.0.2.2, 10.2.0.0/24,
# id b.lab); PSK, IKEv2 aes256gcm16-prfsha256-x25519, ESP tunnel $ESP_PROPOSALS (default
# aes256gcm16; with "-esn" in it both kernels' SAs must count 64-bit sequence numbers).
# IKE_VERSION=1 with IKE_PROPOSALS (e.g. aes256-sha256-modp2048): IKEv1 Main Mode + Quick
# Mode on both sides instead (charon `version = 1`, ipsecd `version: 1`).
# AH_PROPOSALS (e.g. sha256): the child is AH (RFC 4302) with those proposals instead of ESP,
# and both kernels must count the pings on their two `proto ah` SAs. INTEROP_MODE=transport:
# a host-to-host transport mode child (pings between the outer addresses) instead of a tunnel.
# INTEROP_CAPTURE=1: both netns are captured during the pings, and neither may send ICMP
# between the subnets in clear (with AH_PROPOSALS: each sent AH packets, ICMP only inside AH).
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../ipsecd.sh"
PSK='interop-psk-0123456789abcdef0123456789'
# The addresses: IPv4 by default; INTEROP_FAMILY=6 runs IKE over IPv6 with IPv6 selectors
# (2001:db8::1/2 outside, fd00:1::/64 and fd00:2::/64 inside; mk_topology has both).
# Set when sourced and again by interop(), whose scenarios set INTEROP_FAMILY/INTEROP_MODE for
# that call (`INTEROP_FAMILY=6 interop ...`).
interop_addresses() {
  if [ "${INTEROP_FAMILY:-4}" = 6 ]; then
    IP_A=2001:db8::1 IP_B=2001:db8::2 NET_A=fd00:1::/64 NET_B=fd00:2::/64 IN_A=fd00:1::1 IN_B=fd00:2::1
  else
    IP_A=192.0.2.1 IP_B=192.0.2.2 NET_A=10.1.0.0/24 NET_B=10.2.0.0/24 IN_A=10.1.0.1 IN_B=10.2.0.1
  fi
  MODE=${INTEROP_MODE:-tunnel}
  # transport: charon's selectors are its addresses (dynamic), ipsecd's site_peer takes "-"
  [ "$MODE" = transport ] && IN_A=$IP_A IN_B=$IP_B NET_A=- NET_B=-
  return 0
}
interop_addresses

# charon_peer ENCAP AUTH REKEY: charon's configuration for netns b. ENCAP yes|no: yes fakes
# a NAT so both sides move to port 4500 and the kernels do ESP-in-UDP. AUTH psk, or cert=TYPE
# (b's certificate and key of that type from tests/lab/pki; a's chain checked against the lab
# CA). REKEY charon: charon rekeys the CHILD SA every 20 s.
charon_peer() {
  local local_auth="auth = psk" remote_auth="auth = psk" rekey="" ts="" proposals
  [ "$MODE" = tunnel ] && ts="local_ts = $NET_B
        remote_ts = $NET_A"
  proposals="esp_proposals = ${ESP_PROPOSALS:-aes256gcm16}"
  [ -n "${AH_PROPOSALS:-}" ] && proposals="ah_proposals = $AH_PROPOSALS"
  charon_conf b
  if [ "${2%%=*}" = cert ]; then
    # swanctl reads private keys only from its private/ directory: SWANCTL_DIR points it there
    export SWANCTL_DIR=$W/b/swanctl
    mkdir -p "$SWANCTL_DIR/private"
    install -m 600 "$LAB_PKI/b-${2#cert=}.key" "$SWANCTL_DIR/private/"
    local_auth="auth = pubkey
            certs = $LAB_PKI/b-${2#cert=}.pem"
    remote_auth="auth = pubkey
             cacerts = $LAB_PKI/ca.pem"
  fi
  [ "$3" = charon ] && rekey="rekey_time = 20s
        rand_time = 0"
  local dpd=""
  [ -n "${DPD:-}" ] && dpd="dpd_delay = $DPD"
  cat > "$W/b/swanctl/swanctl.conf" <<EOF
connections {
  ipsecd {
    version = ${IKE_VERSION:-2}
    encap = $1
    local_addrs = $IP_B
    remote_addrs = $IP_A
    proposals = ${IKE_PROPOSALS:-aes256gcm16-prfsha256-x25519}
    $dpd
    local { $local_auth
            id = b.lab }
    remote { $remote_auth
             id = a.lab }
    children {
      net {
        $ts
        mode = $MODE
        $proposals
        $rekey
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

# plain_peer START [AUTH [CHILD_KEYS [IKE_KEYS]]]: ipsecd's connection in netns a, nothing but
# what the tunnel needs; START up|none. AUTH psk (default: IDs the addresses, the PSK) or
# cert=TYPE (a's TYPE certificate and key from tests/lab/pki, IDs @a.lab and @b.lab, the peer's
# chain checked against the lab CA); every proposal its default; CHILD_KEYS, IKE_KEYS: more
# keys of the CHILD SA and of an ike: block (e.g. "lifetime: 20s")
plain_peer() {
  local local_auth="" remote_auth="" secrets
  secrets=$(printf 'secrets:\n  - ids: ["%s", "%s"]\n    psk: "%s"' "$IP_A" "$IP_B" "$PSK")
  if [ "${2:-psk}" != psk ]; then
    pki_install a "${2#cert=}"
    local_auth=", id: \"@a.lab\", auth: pubkey, cert: a-${2#cert=}.pem, key: a-${2#cert=}.key"
    remote_auth=", id: \"@b.lab\", auth: pubkey, ca: ca.pem" secrets=""
  fi
  ipsecd_conf a <<EOC
connections:
  site:
    version: ${IKE_VERSION:-2}
    local: {address: $IP_A, subnets: [$NET_A]$local_auth}
    remote: {address: $IP_B, subnets: [$NET_B]$remote_auth}${4:+
    ike: {$4\}}
    children:
      net: {start: $1${3:+, $3}}
$secrets
EOC
}

# charon_plain_peer: charon's connection in netns b as strongSwan's documentation shows a
# minimal IKEv1 PSK tunnel (swanctl.conf(5)): `version = 1`, the addresses, `auth = psk` on
# both ends and the children's traffic selectors; no proposals or esp_proposals (its
# `default`s), IDs the addresses, one secret for any ID
charon_plain_peer() {
  charon_conf b
  cat > "$W/b/swanctl/swanctl.conf" <<EOF
connections {
  ipsecd {
    version = 1
    local_addrs = $IP_B
    remote_addrs = $IP_A
    local { auth = psk }
    remote { auth = psk }
    children {
      net {
        local_ts = $NET_B
        remote_ts = $NET_A
      }
    }
  }
}
secrets {
  ike-any { secret = "$PSK" }
}
EOF
}

# esn_in_both_kernels: each netns holds its two ESP SAs with the ESN flag (RFC 4303 2.2.1)
esn_in_both_kernels() {
  local ns n
  for ns in a b; do
    n=$(ip -n $ns xfrm state | grep -c '^\s*replay-window .*flag .*\besn\b')
    [ "$n" = 2 ] || { ip -n $ns xfrm state; die "$ns: $n SAs with flag esn, want 2"; }
  done
  log "ESN: both SAs in both kernels have flag esn"
}

# ah_counted NS MIN: NS holds exactly two AH SAs (in, out), each with >= MIN packets counted
ah_counted() {
  local counts
  counts=$(ip -n "$1" -s xfrm state | awk '/^src/{ah=0} /^[ \t]*proto ah /{ah=1}
    /lifetime current:/ && ah {getline; gsub(/[()a-z,]/," "); print $2}')
  [ "$(echo "$counts" | grep -c .)" = 2 ] && [ "$(echo "$counts" | awk -v m="$2" '$1 >= m' | wc -l)" = 2 ] \
    || { ip -n "$1" -s xfrm state; die "$1: want two proto ah SAs with >= $2 packets each, have: $(echo $counts)"; }
  log "AH in $1: packets on its two proto ah SAs: $(echo $counts)"
}

# dpd_answered: with DPD=DELAY (IKEv1) charon probes the idle tunnel every DELAY (RFC 3706
# R-U-THERE): after 3 delays without traffic ipsecd has answered each probe (R-U-THERE-ACK),
# the IKE SA is the same one and the tunnel still carries a ping
dpd_answered() {
  local ike sent acked
  ike=$(swanctl_ b --list-sas | grep -m1 '^ipsecd: #')
  sleep $(( 3 * ${DPD%s} + 1 ))
  sent=$(grep -c 'generating INFORMATIONAL_V1 request .* N(DPD)' "$OUT/charon-b.log")
  acked=$(grep -c 'parsed INFORMATIONAL_V1 request .* N(DPD_ACK)' "$OUT/charon-b.log")
  log "DPD: charon sent $sent R-U-THEREs, ipsecd answered $acked"
  [ "$sent" -ge 2 ] && [ "$acked" -ge "$((sent - 1))" ] \
    || { grep -E 'INFORMATIONAL' "$OUT/charon-b.log" | tail; die "charon's DPD probes were not answered"; }
  [ "$(swanctl_ b --list-sas | grep -m1 '^ipsecd: #')" = "$ike" ] || { swanctl_ b --list-sas; die "the IKE SA changed during DPD"; }
  ping_through a $IN_A $IN_B 3
}

# ike_slower_than_esp NS DELAY: IKE datagrams NS sends (UDP 500, and 4500 with the non-ESP
# marker, RFC 3948 2.2) leave DELAY later than its ESP: a rekey's new SA that one side sends
# on before the other has installed it loses packets in that window, every time.
ike_slower_than_esp() {
  tc -n "$1" qdisc add dev v"$1" root handle 1: prio || die "tc prio on v$1"
  tc -n "$1" qdisc add dev v"$1" parent 1:3 handle 30: netem delay "$2" || die "tc netem on v$1"
  tc -n "$1" filter add dev v"$1" parent 1: protocol ip u32 match ip protocol 17 0xff match ip dport 500 0xffff flowid 1:3 \
    && tc -n "$1" filter add dev v"$1" parent 1: protocol ip u32 match ip protocol 17 0xff match ip dport 4500 0xffff \
      match u32 0 0xffffffff at nexthdr+8 flowid 1:3 || die "tc filter on v$1"
  log "IKE from $1 now leaves $2 after its ESP"
}

# interop INITIATOR ENCAP [AUTH [REKEY]]: INITIATOR ipsecd|charon brings the tunnel up; ping
# both ways through ESP with counters rising, ipsecd's status, ENCAP=yes checks ESP-in-UDP in
# both kernels; AUTH psk (default) or cert=TYPE; REKEY ipsecd|charon: then that side rekeys
# the CHILD SA 20 s after it was made (long enough for the checks before it, even on a busy
# machine) under a ping that lasts until 5 s after it, without a loss; then ipsecd's SIGTERM
# deletes the SAs in charon too (INFORMATIONAL delete).
interop() {
  local initiator=$1 encap=$2 auth=${3:-psk} rekey=${4:-} start=none child_keys="" first t_up
  [ "$initiator" = ipsecd ] && start=up
  [ "$rekey" = ipsecd ] && child_keys="lifetime: 20s"
  interop_addresses
  mk_topology
  # no inner_routes: ipsecd and charon both route the peer's subnet in table 220
  mark topology
  charon_peer "$encap" "$auth" "$rekey"
  start_charon b b
  [ "$auth" = psk ] && auth=psk=$PSK
  site_peer a $IP_A $IP_B a.lab b.lab $NET_A $NET_B "$start" "$auth" "$child_keys"
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
  t_up=$(t)
  ctl a status
  swanctl_ b --list-sas

  [ -n "${INTEROP_CAPTURE:-}" ] && capture
  ping_through a $IN_A $IN_B 5
  ping_through b $IN_B $IN_A 3
  if [ -n "${INTEROP_CAPTURE:-}" ]; then
    stop_capture
    local ns clear ah_a ah_b
    if [ -n "${AH_PROPOSALS:-}" ]; then
      read -r ah_a ah_b clear <<< "$(sent_and_clear ah "$OUT/wire-a.pcapng" "$OUT/wire-b.pcapng")"
      [ "$ah_a" -ge 8 ] && [ "$ah_b" -ge 8 ] || die "a sent $ah_a and b $ah_b AH packets during 8 pings each way"
      [ "$clear" = 0 ] || die "$clear ICMP packets between the subnets were sent in clear"
      log "capture: a sent $ah_a AH packets, b $ah_b"
    else
      for ns in a b; do
        clear=$(clear_icmp "$OUT/wire-$ns.pcapng")
        [ "$clear" = 0 ] || die "$ns sent $clear ICMP packets between the subnets in clear"
      done
    fi
    log "capture: no ICMP between the subnets in clear from either side"
  fi
  mark ping_ok
  check_status a site "$MODE" 8 "${AH_PROPOSALS:+ah}"
  if [ -n "${AH_PROPOSALS:-}" ]; then ah_counted a 8; ah_counted b 8; fi
  if [ "$encap" = yes ]; then
    local ns
    for ns in a b; do
      ip -n $ns xfrm state | grep -q 'encap type espinudp sport 4500 dport 4500' \
        || { ip -n $ns xfrm state; die "no ESP-in-UDP (espinudp 4500) SA in $ns"; }
    done
    log "ESP-in-UDP in both kernels: $(ip -n a xfrm state | grep -m1 encap)"
  fi
  show_xfrm a
  case ${ESP_PROPOSALS:-} in *-esn*) esn_in_both_kernels ;; esac
  [ -n "${DPD:-}" ] && dpd_answered
  if [ -n "$rekey" ]; then
    ike_slower_than_esp a 300ms  # longer than the 0.2 s between pings: a gap loses one
    first=$(child_spi a)
    log "CHILD SA spi_in $first; pinging until 5 s after $rekey rekeys it (20 s after it was made)"
    [ "${INTEROP_FAMILY:-4}" = 4 ] || die "rekeys are checked over IPv4 only"
    ping_across_rekeys "$(awk -v up="$t_up" -v now="$(t)" 'BEGIN{s=int(25-(now-up)); print (s<5?5:s)}')" $IN_A $IN_B
    # the rekeyed pair went with its Delete (protocol AH, RFC 7296 3.11); the new pair counts.
    # First, while it is the pair the ping used: charon rekeys again 20 s after its first
    # rekey, and the next pair carries nothing once the ping has ended.
    if [ -n "${AH_PROPOSALS:-}" ]; then
      wait_for 10 eval '[ "$(ip -n a xfrm state | grep -c "proto ah") $(ip -n b xfrm state | grep -c "proto ah")" = "2 2" ]' \
        || { ip -n a xfrm state; ip -n b xfrm state; die "the rekeyed AH pair was not deleted on both sides"; }
      ah_counted a 1; ah_counted b 1
    fi
    [ "$(child_spi a)" != "$first" ] || die "the CHILD SA's SPI did not change 25 s after it was made"
    # no ESP packet missed its SA: what ipsecd sends, charon's kernel (b) holds an SA for; when
    # charon rekeys, ipsecd answers, so what charon sends ipsecd's kernel (a) holds too
    no_xfrm_drops b "across the rekeys" XfrmInNoStates
    [ "$rekey" = charon ] && no_xfrm_drops a "across the rekeys" XfrmInNoStates
    local by_charon by_ipsecd started
    if [ "${IKE_VERSION:-2}" = 1 ]; then  # every QM1 after the first one is a rekey
      by_charon=$(grep -c 'generating QUICK_MODE request .*\[ HASH SA No' "$OUT/charon-b.log")
      by_ipsecd=$(grep -c 'parsed QUICK_MODE request .*\[ HASH SA No' "$OUT/charon-b.log")
      if [ "$initiator" = charon ]; then by_charon=$((by_charon - 1)); else by_ipsecd=$((by_ipsecd - 1)); fi
    else
      by_charon=$(grep -c 'generating CREATE_CHILD_SA request .*N(REKEY_SA)' "$OUT/charon-b.log")
      by_ipsecd=$(grep -c 'parsed CREATE_CHILD_SA request .*N(REKEY_SA)' "$OUT/charon-b.log")
    fi
    log "CHILD SA rekeyed: spi_in now $(child_spi a); rekeys started by charon $by_charon, by ipsecd $by_ipsecd"
    started=$by_charon; [ "$rekey" = ipsecd ] && started=$by_ipsecd
    [ "$started" -ge 1 ] || die "$rekey started no rekey"
    swanctl_ b --list-sas
  fi

  sigterm_deletes_in_charon
}

# sigterm_deletes_in_charon: ipsecd's SIGTERM leaves nothing in a's kernel and deletes charon's
# SAs (INFORMATIONAL delete); the scenario is done
sigterm_deletes_in_charon() {
  stop_ipsecd a
  no_xfrm a "after SIGTERM"
  wait_for 10 eval "! swanctl_ b --list-sas | grep -q ipsecd" \
    || { swanctl_ b --list-sas; die "charon still holds the IKE SA after ipsecd's SIGTERM"; }
  log "charon deleted its SAs on ipsecd's INFORMATIONAL delete"
  mark done
  cat "$OUT/timings"
}

# The subnets of a and b whose ICMP between them is protected: 10.1.0.0/24 and 10.2.0.0/24,
# or wider for a scenario with several tunnels (PROTECTED_A, PROTECTED_B).
protected_icmp() {
  local a=${PROTECTED_A:-10.1.0.0/24} b=${PROTECTED_B:-10.2.0.0/24}
  echo "icmp && ((ip.src==$a && ip.dst==$b) || (ip.src==$b && ip.dst==$a))"
}
# clear_icmp FILE: protected ICMP packets (protected_icmp) a netns SENT in clear in
# the capture FILE (`-i any`: the kernel's own direction, sll.pkttype 4 = outgoing). Only what
# a side sends counts: a received ESP packet shows up again decrypted as it is re-injected. All
# that is on the veth wire is sent by one of the two ends.
clear_icmp() {
  tshark -r "$1" -Y "sll.pkttype==4 && $(protected_icmp)" \
    2>/dev/null | wc -l
}
# sent_and_clear PROTO FILE_A FILE_B: "N_A N_B CLEAR", the PROTO (esp|ah) packets each netns
# sent and the ICMP packets between the subnets not inside AH (AH does not hide its payload:
# tshark dissects the ICMP in it) either sent in clear, in one tshark pass (seconds to start
# in the lab) over both captures merged; `mergecap -I none` keeps their interfaces apart
# (frame.interface_id 0: FILE_A's)
sent_and_clear() {
  mergecap -I none -w "$OUT/wire.pcapng" "$2" "$3" || die "mergecap $2 $3"
  tshark -r "$OUT/wire.pcapng" -T fields -e frame.interface_id -e "$1.spi" \
    -Y "sll.pkttype==4 && ($1 || ($(protected_icmp)))" \
    2>/dev/null | awk '$2 != "" {n[$1]++; next} {c++} END {print n[0]+0, n[1]+0, c+0}'
}
# none_in_clear MIN_ESP: ends the capture; a sent at least MIN_ESP ESP packets, and neither
# netns sent one ICMP packet between the protected subnets in clear (one tshark pass)
none_in_clear() {
  local esp_a esp_b clear
  stop_capture
  read -r esp_a esp_b clear <<< "$(sent_and_clear esp "$OUT/wire-a.pcapng" "$OUT/wire-b.pcapng")"
  log "capture on the wire: a sent $esp_a ESP packets, b $esp_b; $clear ICMP packets between the protected subnets sent in clear"
  [ "$esp_a" -ge "$1" ] || die "a sent only $esp_a ESP packets"
  [ "$clear" = 0 ] || { tshark -r "$OUT/wire.pcapng" -Y 'sll.pkttype==4 && icmp' | head; die "$clear protected packets left in clear"; }
}
# clear_after_down: the operator's down (SIGTERM) takes a's policies out by design, and the
# routes carry the same ping in clear: the control that the capture does see clear text
clear_after_down() {
  local control
  stop_ipsecd a
  no_xfrm a "after SIGTERM"
  CAPS=""
  capture
  sleep 1
  ip netns exec a ping -n -c 3 -i 0.2 -W 1 -I 10.1.0.1 10.2.0.1 > "$OUT/ping-clear.out" 2>&1
  stop_capture
  control=$(clear_icmp "$OUT/wire-a.pcapng")
  log "control after the operator's down: $control ICMP packets sent in clear by a"
  [ "$control" -ge 3 ] || die "the capture does not see clear ICMP (control: $control packets)"
}
# charon_child_up: charon holds an installed CHILD SA
charon_child_up() { swanctl_ b --list-sas | grep -q INSTALLED; }
# esp_after WHAT: the ping is answered through ESP again (a's XFRM counters rise) after WHAT
esp_after() {
  local before
  before=$(xfrm_pkts a)
  sleep 2
  [ "$(xfrm_pkts a)" -ge $((before + 10)) ] || { show_xfrm a; die "no ESP traffic after $1"; }
  log "ESP resumed after $1: a's XFRM packet counters $before -> $(xfrm_pkts a)"
}
# esp_sent FILE: ESP packets a netns sent in the capture FILE
esp_sent() { tshark -r "$1" -Y 'sll.pkttype==4 && esp' 2>/dev/null | wc -l; }
# sent_counts FILE [INNER_A]: "ESP CLEAR", the ESP packets and the ICMP packets between
# INNER_A (default 10.1.0.0/24) and 10.2.0.0/24 in clear a netns sent, in one pass (tshark
# takes seconds to start in the lab)
sent_counts() {
  local inner=${2:-10.1.0.0/24}
  tshark -r "$1" -T fields -e esp.spi \
    -Y "sll.pkttype==4 && (esp || (icmp && ((ip.src==$inner && ip.dst==10.2.0.0/24) || (ip.src==10.2.0.0/24 && ip.dst==$inner))))" \
    2>/dev/null | awk '$1 != "" {e++; next} {c++} END {print e+0, c+0}'
}
# capture: dumpcap in both netns on every interface, until stop_capture
capture() {
  local ns
  for ns in a b; do
    rm -f "$OUT/wire-$ns.pcapng"
    ip netns exec $ns dumpcap -q -i any -w "$OUT/wire-$ns.pcapng" > "$OUT/dumpcap-$ns.out" 2>&1 &
    CAPS+=" $!"
  done
  # dumpcap writes its file's header once it captures: on a loaded machine that takes seconds,
  # and packets sent before it (or a SIGINT during its start) would be missed
  for ns in a b; do
    wait_for 30 test -s "$OUT/wire-$ns.pcapng" || { cat "$OUT/dumpcap-$ns.out"; die "dumpcap in $ns did not start"; }
  done
}
stop_capture() {
  local pid
  sleep 0.5
  for pid in $CAPS; do kill -INT "$pid"; wait "$pid" 2>/dev/null; done
}

# private_hosts NAME ADDRESS: the guest's /etc/hosts (read-only, the host's) with NAME at
# ADDRESS added, in a copy bind-mounted over it until the scenario exits
private_hosts() {
  cp /etc/hosts "$W/hosts" && echo "$2 $1" >> "$W/hosts" && mount --bind "$W/hosts" /etc/hosts \
    || die "a private /etc/hosts"
  trap 'rc=$?; umount /etc/hosts 2>/dev/null; (exit $rc); dump_on_failure' EXIT
  log "guest /etc/hosts: $(getent hosts "$1")"
}
