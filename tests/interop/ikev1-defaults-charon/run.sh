#!/bin/bash
# ikev1-defaults-charon: strongSwan charon configured as its documentation shows a minimal IKEv1
# PSK tunnel (`version = 1`, addresses, auth = psk, local_ts/remote_ts, no proposals or
# esp_proposals: its `default`s) and a plain `version: 1` ipsecd connection (addresses,
# subnets, PSK; every proposal its default) come up with nothing else set: first ipsecd
# initiates (ipsecctl up), then, after ipsecctl down, charon (swanctl --initiate). Each time
# pings go both ways through ESP while a capture on both sides sees ESP and no ICMP between
# the subnets in clear (one capture over both tunnels), although b routes a's subnet in its
# main table and each daemon routes the peer's in table 220; the proposals each phase chose are
# logged. ipsecd's SIGTERM deletes.
# charon loads the crypto plugins Debian's strongswan-charon loads by default (load = yes in
# /etc/strongswan.d/charon/, in their load order; no curve25519 plugin): they decide its
# `default` proposals
CHARON_PLUGINS="aesni aes rc2 sha2 sha1 md5 mgf1 random nonce x509 revocation constraints pubkey pkcs1 pkcs7 pkcs12 pgp dnskey sshkey pem openssl pkcs8 fips-prf gmp xcbc hmac kdf gcm drbg kernel-netlink socket-default vici updown"
source "$(dirname "$0")/../interop.sh"
IKE_VERSION=1

# tunnel_carries WHO: the tunnel WHO brought up carries pings both ways, through ESP only
tunnel_carries() {
  wait_up a site 30
  wait_for 15 charon_child_up || { swanctl_ b --list-sas; tail -30 "$OUT/charon-b.log"; die "no CHILD SA installed in charon"; }
  ctl a status
  swanctl_ b --list-sas
  log "$1 initiated; proposals chosen (charon's log): $(grep -o 'selected proposal: .*' "$OUT/charon-b.log" | tail -2 | sed 's/selected proposal: //' | tr '\n' ' ')"
  log "routes that would carry clear text: a: $(ip -n a route show table 220 | head -1); b: $(ip -n b route | grep "^${NET_A%/*}" | tr '\n' ';')"
  ping_through a $IN_A $IN_B 5
  ping_through b $IN_B $IN_A 3
  check_status a site tunnel 8
}

mk_topology
ip -n b route add "$NET_A" via "$IP_A" || die "route $NET_A in b"
mark topology
charon_plain_peer
start_charon b b
plain_peer none
start_ipsecd a a
mark daemons_up
# one capture for both tunnels (tshark takes seconds to start in the lab)
capture

ctl a up site > "$OUT/up.out" 2>&1 || { cat "$OUT/up.out"; tail -30 "$OUT/ipsecd-a.log"; tail -30 "$OUT/charon-b.log"; die "ipsecctl up site"; }
tunnel_carries ipsecd
mark ipsecd_initiated

ctl a down site > "$OUT/down.out" 2>&1 || { cat "$OUT/down.out"; die "ipsecctl down site"; }
wait_for 10 eval "! swanctl_ b --list-sas | grep -q ipsecd" \
  || { swanctl_ b --list-sas; die "charon still holds the SAs after ipsecctl down"; }
log "ipsecctl down: charon deleted its SAs"

swanctl_ b --initiate --child net --timeout 20 > "$OUT/initiate.out" 2>&1 \
  || { cat "$OUT/initiate.out"; tail -30 "$OUT/ipsecd-a.log"; die "swanctl --initiate"; }
tail -3 "$OUT/initiate.out"
tunnel_carries charon
mark charon_initiated
stop_capture
read -r esp_a esp_b clear <<< "$(sent_and_clear esp "$OUT/wire-a.pcapng" "$OUT/wire-b.pcapng")"
log "capture on the wire: a sent $esp_a ESP packets, b $esp_b; $clear ICMP packets between the subnets sent in clear"
[ "$esp_a" -ge 16 ] && [ "$esp_b" -ge 16 ] || die "want >= 16 ESP packets (8 per tunnel) from each side"
[ "$clear" = 0 ] || die "$clear ICMP packets between the subnets were sent in clear"
mark capture_checked
show_xfrm a

sigterm_deletes_in_charon
