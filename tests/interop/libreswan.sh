# libreswan.sh - ipsecd against Debian's Libreswan 4.10 (pluto), sourced by the scenarios
# tests/interop/*-libreswan-*/run.sh. ipsecd runs in netns a (192.0.2.1, 10.1.0.0/24), pluto in
# netns b (192.0.2.2, 10.2.0.0/24). Both are configured the way their documentation says for a
# PSK site-to-site tunnel and nothing more: Libreswan's ipsec.conf conn names left/right, the
# subnets, `authby=secret` and the IKE version (`ikev2=no` for IKEv1; none for IKEv2, 4.x's default `ikev2=insist`),
# every other setting (ike=, esp=, pfs=yes, IDs = the addresses, its _updown script) is its
# default; IKEv1 also needs `ikev1-policy=accept` in `config setup`
# (ipsec.conf(5) of 4.10: the default `drop` ignores every IKEv1 packet and refuses to load an
# IKEv1 conn); ipsecd's connection names the version, the addresses, the
# subnets and the PSK (ids default to the addresses), every other key its default.
# Libreswan conflicts with strongSwan's packages, so tests/deps.sh unpacks it into
# build-tests/lab-debs/libreswan and lab_stage copies that to <stage>/libreswan. Pluto runs
# from there in its own mount namespace (`ip netns exec`), where /usr/libexec/ipsec (the path
# its _updown hard-codes) is made to point at the unpacked tree.
source "$(dirname "${BASH_SOURCE[0]}")/interop.sh"
LS=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/libreswan
LS_EXEC=$LS/usr/libexec/ipsec
[ -x "$LS_EXEC/pluto" ] || die "Libreswan is not staged at $LS (tests/deps.sh lab unpacks it into build-tests/lab-debs/libreswan)"

# pluto_conf VERSION_LINE [AUTH [LINE]]: netns b's ipsec.conf and ipsec.secrets, the conn "ipsecd" with
# VERSION_LINE (ikev2=no, or empty for IKEv2), auto=add (loaded, initiated only by `ipsec auto
# --up`); AUTH psk (default: authby=secret) or cert=TYPE: authby=rsasig with b's certificate
# (NSS nickname b.lab, see start_pluto) and the IDs in the certificates (@b.lab, @a.lab); LINE
# one more setting of the conn (e.g. encapsulation=yes)
pluto_conf() {
  local d=$W/b setup="" auth="authby=secret"
  [ "$1" = ikev2=no ] && setup="ikev1-policy=accept"
  [ "${2:-psk}" != psk ] && auth="authby=rsasig
    leftcert=b.lab
    leftid=@b.lab
    rightid=@a.lab"
  mkdir -p "$d/nss" "$d/ipsec.d" "$d/run"
  cat > "$d/ipsec.conf" <<EOC
config setup
    logfile=$OUT/pluto-b.log
    logappend=no
    $setup

conn ipsecd
    $1
    $auth
    left=$IP_B
    leftsubnet=$NET_B
    right=$IP_A
    rightsubnet=$NET_A
    auto=add
    ${3:-}
EOC
  ( umask 077; echo "$IP_B $IP_A : PSK \"$PSK\"" > "$d/ipsec.secrets" )
}

# whack_ ARGS...: Libreswan's control client on netns b's pluto
whack_() { "$LS_EXEC/whack" --rundir "$W/b/run" "$@"; }

# start_pluto [AUTH]: pluto in netns b with an NSS database (what `ipsec initnss` makes; with
# AUTH cert=TYPE the lab CA and b's certificate in it, see nss_import_b), then its conn loaded
# as `ipsec auto --add` does (addconn reads ipsec.conf and tells pluto) and
# its interfaces and secrets as `ipsec auto --ready` does (whack --listen)
start_pluto() {
  local d=$W/b
  certutil -N -d "sql:$d/nss" --empty-password > "$OUT/certutil.out" 2>&1 || { cat "$OUT/certutil.out"; die "certutil -N (NSS database)"; }
  [ "${1:-psk}" != psk ] && nss_import_b "${1#cert=}"
  mkdir -p "$d/libexec-host"
  ip netns exec b /bin/sh -c '
    mount --bind /usr/libexec "$1/libexec-host" && mount -t tmpfs libexec /usr/libexec \
      && ln -s "$1"/libexec-host/* "$2" /usr/libexec/ || exit 111
    export IPSEC_EXECDIR=/usr/libexec/ipsec IPSEC_SBINDIR="$3" PATH="$3:$PATH"
    exec "$2/pluto" --nofork --config "$1/ipsec.conf" --secretsfile "$1/ipsec.secrets" \
      --ipsecdir "$1/ipsec.d" --nssdir "$1/nss" --rundir "$1/run"' \
    sh "$d" "$LS_EXEC" "$LS/usr/sbin" > "$OUT/pluto-b.stdout" 2>&1 &
  echo $! > "$d/pid"
  wait_for 15 test -S "$d/run/pluto.ctl" || { cat "$OUT/pluto-b.stdout"; tail -20 "$OUT/pluto-b.log"; die "pluto not up"; }
  ip netns exec b "$LS_EXEC/addconn" --config "$d/ipsec.conf" --ctlsocket "$d/run/pluto.ctl" ipsecd \
    > "$OUT/addconn.out" 2>&1 || { cat "$OUT/addconn.out"; tail -20 "$OUT/pluto-b.log"; die "addconn"; }
  whack_ --listen > "$OUT/whack-listen.out" 2>&1 || { cat "$OUT/whack-listen.out"; die "whack --listen"; }
  log "pluto up in netns b (pid $(cat $d/pid)), $("$LS_EXEC/pluto" --version 2>&1 | head -1)"
}

# nss_import_b TYPE: the lab CA (trusted for peers' certificates, certutil -A) and b's TYPE
# certificate with its key (nickname b.lab, from a PKCS#12 file by pk12util -i) into netns b's
# NSS database, as Libreswan's documentation imports them
nss_import_b() {
  local d=$W/b
  { certutil -A -d "sql:$d/nss" -n "ipsecd lab CA" -t "CT,," -a -i "$LAB_PKI/ca.pem" \
      && openssl pkcs12 -export -in "$LAB_PKI/b-$1.pem" -inkey "$LAB_PKI/b-$1.key" -name b.lab \
           -passout pass:lab -out "$d/b.p12" \
      && pk12util -i "$d/b.p12" -d "sql:$d/nss" -W lab; } >> "$OUT/certutil.out" 2>&1 \
    || { cat "$OUT/certutil.out"; die "b's certificate into the NSS database"; }
  log "NSS database of b: $(certutil -L -d "sql:$d/nss" | tail -n +5 | tr -s ' ' | tr '\n' ';')"
}

# pluto_sa_up: pluto holds an established IPsec SA for its conn
pluto_sa_up() { whack_ --trafficstatus | grep -q '"ipsecd"'; }

# encapsulated_in_both WHEN: each kernel's tunnel-mode SAs are ESP in UDP 4500, none plain
# (pluto's larval SAs of SPIs it allocated are in transport mode and carry nothing)
encapsulated_in_both() {
  local ns
  for ns in a b; do
    [ "$(ip -n $ns xfrm state | grep -c 'mode tunnel')" = "$(ip -n $ns xfrm state | grep -c 'encap type espinudp sport 4500 dport 4500')" ] \
      && ip -n $ns xfrm state | grep -q espinudp || { ip -n $ns xfrm state; die "$ns holds an SA that is not ESP-in-UDP 4500 ($1)"; }
  done
  log "ESP-in-UDP 4500 in both kernels $1"
}
# early_esp_from_peer PCAP PEER: how many ESP packets from PEER in PCAP came on an SPI new to
# that capture while a Quick Mode was in flight (our message before, PEER's answer with the
# same message ID after): sent on a pair before its keys had reached us
early_esp_from_peer() {
  tshark -r "$1" -Y 'isakmp.exchangetype==32 || esp' -T fields -e ip.src -e isakmp.messageid \
    -e esp.spi 2>/dev/null | python3 -c '
import sys
rows = [l.rstrip("\n").split("\t") for l in sys.stdin]
peer, seen, early = sys.argv[1], set(), 0
qm = [k for k, r in enumerate(rows) if r[1]]
for i, (src, _, spi) in enumerate(rows):
    if src != peer or not spi or spi in seen:
        continue
    seen.add(spi)
    before = [k for k in qm if k < i]
    after = [k for k in qm if k > i]
    if not before or not after:
        continue
    b, a = rows[before[-1]], rows[after[0]]
    if b[0] != peer and a[0] == peer and a[1] == b[1]:
        early += sum(1 for r in rows[i:after[0]] if r[0] == peer and r[2] == spi)
print(early)' "$2"
}
# quick_modes_in_pluto WHO: how many Quick Modes pluto answered (WHO=ipsecd started them) or
# started (WHO=pluto)
quick_modes_in_pluto() {
  local what="sent Quick Mode reply"; [ "$1" = pluto ] && what="sent Quick Mode request"
  grep -v '^|' "$OUT/pluto-b.log" | grep -c "$what"
}
# isakmp_sas_in_pluto: how many ISAKMP SAs pluto established (all as Main Mode responder)
isakmp_sas_in_pluto() { grep -v '^|' "$OUT/pluto-b.log" | grep -c ': IKE SA established'; }

# libreswan_interop INITIATOR VERSION_LINE [AUTH]: AUTH psk (default) or cert=TYPE (both
# sides authenticate with the lab PKI's TYPE certificates); INITIATOR ipsecd|pluto brings the
# tunnel up; pings both ways through ESP with a's counters rising while a capture on both sides sees ESP and no
# ICMP between the subnets in clear, although both sides route the peer's subnet (ipsecd in
# table 220; b's main table through a, as a gateway's default route would: Libreswan's _updown
# routes only with leftsourceip= or mtu=) and would send it in clear without the policies;
# what pluto chose is logged; ipsecd's SIGTERM deletes pluto's IPsec SA.
libreswan_interop() {
  local initiator=$1 start=none
  [ "$initiator" = ipsecd ] && start=up
  mk_topology
  ip -n b route add "$NET_A" via "$IP_A" || die "route $NET_A in b"
  mark topology
  pluto_conf "$2" "${3:-psk}"
  plain_peer "$start" "${3:-psk}"
  start_ipsecd a a
  start_pluto "${3:-psk}"
  mark daemons_up
  # `ipsec auto --up ipsecd`, in the background: it waits for the IPsec SA
  [ "$initiator" = pluto ] && { whack_ --name ipsecd --initiate > "$OUT/whack-up.out" 2>&1 & }
  wait_up a site 30
  wait_for 15 pluto_sa_up || { whack_ --status | tail -30; tail -30 "$OUT/pluto-b.log"; die "no IPsec SA in pluto"; }
  mark sa_up
  ctl a status
  whack_ --trafficstatus
  grep -E 'established' "$OUT/pluto-b.log" | grep -v '^|' | sed 's/^/pluto: /'
  log "routes that would carry clear text: a: $(ip -n a route show table 220 | head -1); b: $(ip -n b route | grep "^${NET_A%/*}")"
  capture
  ping_through a $IN_A $IN_B 5
  ping_through b $IN_B $IN_A 3
  none_in_clear 8
  mark ping_ok
  check_status a site tunnel 8
  show_xfrm a
  sigterm_deletes_in_pluto
}

# sigterm_deletes_in_pluto: ipsecd's SIGTERM leaves nothing in a's kernel and its Delete ends
# pluto's IPsec SA; the scenario is done
sigterm_deletes_in_pluto() {
  stop_ipsecd a
  no_xfrm a "after SIGTERM"
  wait_for 10 eval "! pluto_sa_up" || { whack_ --trafficstatus; die "pluto still holds the IPsec SA after ipsecd's SIGTERM"; }
  log "pluto deleted its IPsec SA on ipsecd's Delete"
  mark done
  cat "$OUT/timings"
}
