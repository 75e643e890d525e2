# lib.sh - helpers for the lab scenarios (tests/lab/scenarios/*/run.sh), sourced inside the
# UML guest. Everything daemon-private lives in /tmp/ipsec (guest tmpfs, never reaches the
# host); logs go to $OUT (the scenario's directory under $LAB, shared with the host).
# The programs staged next to it by tests/lab/host.sh (xfrm_proof, ipsecd-bench) are in $LAB_BIN.
LAB=${LAB:-/tmp/lab}
OUT=${OUT:-${RUNDIR:-/tmp/ipsec/out}}
# Botan's locked-memory pool costs ~0.2 s per process start under UML (hundreds of
# mmap/mlock/mprotect calls); the lab's keys are test keys, so it is off.
export BOTAN_MLOCK_POOL_SIZE=0
LAB_BIN=${LAB_BIN:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/bin}
W=/tmp/ipsec
mkdir -p "$W" "$OUT"

# ---- strongSwan (Debian packages; override CHARON/SWANCTL to use /tmp/lab/sw) ----
CHARON=${CHARON:-/usr/lib/ipsec/charon}
SWANCTL=${SWANCTL:-/usr/sbin/swanctl}
T_START=$(date +%s.%N)
# seconds since uml-run started booting UML on the host (UML's clock is the host clock)
t() { awk -v t0="${UML_T0:-$T_START}" -v now="$(date +%s.%N)" 'BEGIN{printf "%.2f", now-t0}'; }
log() { echo "[$(t)s] $*"; }
mark() { local now; now=$(t); echo "$1=$now" >> "$OUT/timings"; echo "[${now}s] MARK $1"; }
die() { log "FAIL: $*"; exit 1; }

# wait_for TIMEOUT_S CMD... : poll CMD every 0.1 s
wait_for() {
  local lim=$1; shift
  local end; end=$(awk -v n="$(date +%s.%N)" -v l="$lim" 'BEGIN{printf "%.3f", n+l}')
  until "$@" >/dev/null 2>&1; do
    awk -v n="$(date +%s.%N)" -v e="$end" 'BEGIN{exit !(n>e)}' && return 1
    sleep 0.1
  done
}

# topology: netns a <-veth va/vb-> netns b ; inner subnets on dummy interfaces
#   a: va 192.0.2.1/24 2001:db8::1/64, in0 10.1.0.1/24 fd00:1::1/64
#   b: vb 192.0.2.2/24 2001:db8::2/64, in0 10.2.0.1/24 fd00:2::1/64
mk_topology() {
  ip netns add a && ip netns add b || die "netns"
  ip link add va netns a type veth peer name vb netns b || die "veth"
  ip -n a addr add 192.0.2.1/24 dev va
  ip -n b addr add 192.0.2.2/24 dev vb
  local n
  for n in a b; do
    ip -n $n link set lo up
    ip -n $n link add in0 type dummy || die "dummy (modprobe dummy?)"
    ip -n $n link set in0 up
  done
  ip -n a link set va up; ip -n b link set vb up
  ip -n a addr add 10.1.0.1/24 dev in0
  ip -n b addr add 10.2.0.1/24 dev in0
  # nodad: the addresses are usable at once (no 1-2 s duplicate address detection)
  ip -n a addr add 2001:db8::1/64 dev va nodad
  ip -n b addr add 2001:db8::2/64 dev vb nodad
  ip -n a addr add fd00:1::1/64 dev in0 nodad
  ip -n b addr add fd00:2::1/64 dev in0 nodad
  wait_for 5 ip netns exec a ping -c1 -W1 192.0.2.2 || die "underlay ping"
  wait_for 5 ip netns exec a ping -c1 -W1 2001:db8::2 || die "underlay ping (IPv6)"
}

# routes to the peer's inner subnets over the underlay, for manually keyed tunnels (an IKE
# daemon installs its own)
inner_routes() {
  ip -n a route add 10.2.0.0/24 via 192.0.2.2
  ip -n b route add 10.1.0.0/24 via 192.0.2.1
  ip -n a route add fd00:2::/64 via 2001:db8::2
  ip -n b route add fd00:1::/64 via 2001:db8::1
}

# ---- charon instance NAME in netns NS ----
# private: $W/NAME/{strongswan.conf,swanctl/,run/}; /run is bind-mounted to $W/NAME/run in
# charon's own mount namespace (Debian's charon hard-codes /var/run/charon.pid, so two
# instances need separate /run). vici socket: unix://$W/NAME/run/charon.vici
CHARON_PLUGINS=${CHARON_PLUGINS:-"random nonce openssl pem pkcs1 pkcs8 x509 pubkey revocation constraints curve25519 aes sha1 sha2 hmac gcm kdf kernel-netlink socket-default vici updown"}
charon_conf() {
  local name=$1 d=$W/$1
  mkdir -p "$d/run" "$d/swanctl"
  cat > "$d/strongswan.conf" <<EOF
charon {
  load_modular = no
  load = $CHARON_PLUGINS
  install_virtual_ip = no
  retransmit_timeout = 2
  retransmit_tries = 3
  filelog {
    lab {
      path = $OUT/charon-$name.log
      time_format = %H:%M:%S
      append = no
      flush_line = yes
      ike_name = yes
      default = 1
      ike = 2
      knl = 2
      cfg = 1
    }
  }
  syslog {
    daemon {
      default = -1
    }
  }
  plugins {
    vici {
      socket = unix://$d/run/charon.vici
    }
  }
}
swanctl {
  load = pem pkcs1 pkcs8 x509 revocation constraints pubkey openssl random
}
EOF
}
vici() { echo "unix://$W/$1/run/charon.vici"; }
swanctl_() { local name=$1; shift; STRONGSWAN_CONF=$W/$name/strongswan.conf "$SWANCTL" "$@" --uri "$(vici "$name")"; }
start_charon() {
  local name=$1 ns=$2 d=$W/$1
  ip netns exec "$ns" /bin/sh -c 'mount --bind "$1" /run && exec env STRONGSWAN_CONF="$2" "$3"' \
     sh "$d/run" "$d/strongswan.conf" "$CHARON" > "$OUT/charon-$name.stdout" 2>&1 &
  echo $! > "$d/pid"
  wait_for 15 swanctl_ "$name" --stats || { cat "$OUT/charon-$name.stdout"; tail -20 "$OUT/charon-$name.log"; die "charon $name not up"; }
  swanctl_ "$name" --load-all --file "$d/swanctl/swanctl.conf" > "$OUT/swanctl-load-$name.out" 2>&1 \
     || { cat "$OUT/swanctl-load-$name.out"; die "swanctl --load-all $name"; }
  log "charon $name up in netns $ns (pid $(cat $d/pid)): $(grep -c loaded "$OUT/swanctl-load-$name.out") items loaded"
}

# sum of packets over all XFRM states of a netns (from "lifetime current: N(bytes), M(packets)")
xfrm_pkts() {
  ip -n "$1" -s xfrm state | awk '/lifetime current:/{getline; gsub(/[()a-z,]/," "); s+=$2} END{print s+0}'
}
# ping from netns NS src SRC to DST, COUNT packets; prove ESP: packets counters must rise
ping_through() {
  local ns=$1 src=$2 dst=$3 count=${4:-5}
  local before after
  before=$(xfrm_pkts "$ns")
  ip netns exec "$ns" ping -n -c "$count" -i 0.2 -W 2 -I "$src" "$dst" > "$OUT/ping-$ns-$dst.out" 2>&1
  local prc=$?
  after=$(xfrm_pkts "$ns")
  sed -n '/statistics/,$p' "$OUT/ping-$ns-$dst.out"
  log "xfrm packet counters in $ns: before=$before after=$after"
  [ $prc -eq 0 ] || die "ping $src -> $dst failed"
  [ "$after" -ge $((before + 2 * count)) ] || die "XFRM counters did not rise by >= $((2*count))"
}
show_xfrm() {
  local ns=$1
  echo "---- ip -n $ns -s xfrm state ----"
  ip -n "$ns" -s xfrm state
  echo "---- ip -n $ns xfrm policy (non-socket) ----"
  ip -n "$ns" xfrm policy | grep -v '^\s*socket' | grep -B1 -A4 'src 10\.\|src 192' | head -40
}

# ---- xfrm_proof servers: one process per netns for a whole scenario (a process start costs
# ~0.5 s under UML). px_start NS... starts them; px NS COMMAND [OPTIONS] runs one command in
# NS's server, prints its output and returns its exit code (1 if no answer within 20 s).
declare -A PX_IN PX_OUT
px_start() {
  local ns fdin fdout
  for ns in "$@"; do
    rm -f "$W/px-$ns.in" "$W/px-$ns.out"
    mkfifo "$W/px-$ns.in" "$W/px-$ns.out" || die "mkfifo"
    ip netns exec "$ns" "$LAB_BIN/xfrm_proof" serve < "$W/px-$ns.in" > "$W/px-$ns.out" 2>&1 &
    exec {fdin}> "$W/px-$ns.in" {fdout}< "$W/px-$ns.out"
    PX_IN[$ns]=$fdin PX_OUT[$ns]=$fdout
  done
}
px() {
  local ns=$1 line; shift
  echo "$*" >&"${PX_IN[$ns]}" || { echo "xfrm_proof server in $ns is gone"; return 1; }
  while IFS= read -r -t 20 line <&"${PX_OUT[$ns]}"; do
    case $line in
      "END "*) return "${line#END }" ;;
      *) echo "$line" ;;
    esac
  done
  echo "xfrm_proof in $ns: no answer to '$*' within 20 s"
  return 1
}
