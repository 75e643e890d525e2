#!/bin/bash
# dynamic-ipsecd-initiates: a host-to-host tunnel as a user writes it, neither local.address
# nor subnets on ipsecd (DESIGN "Traffic selectors": dynamic), against charon with its
# default dynamic selectors, IPv4 and IPv6. Both namespaces have default routes through the
# other, so a tunnel that failed open would carry the pings in clear: ping_through passes
# only if the ESP counters rise.
source "$(dirname "$0")/../interop.sh"
mk_topology
ip -n a route add default via 192.0.2.2
ip -n b route add default via 192.0.2.1
ip -n a -6 route add default via 2001:db8::2
ip -n b -6 route add default via 2001:db8::1
charon_conf b
conn() {  # NAME LOCAL REMOTE: charon's side, no local_ts/remote_ts (dynamic)
  cat <<EOC
  $1 {
    version = 2
    local_addrs = $2
    remote_addrs = $3
    proposals = aes256gcm16-prfsha256-x25519
    local { auth = psk
            id = b.lab }
    remote { auth = psk
             id = a.lab }
    children { host { mode = tunnel
                      esp_proposals = aes256gcm16 } }
  }
EOC
}
cat > "$W/b/swanctl/swanctl.conf" <<EOC
connections {
$(conn v4 192.0.2.2 192.0.2.1)
$(conn v6 2001:db8::2 2001:db8::1)
}
secrets { ike-ab { id-a = b.lab
                   id-b = a.lab
                   secret = "$PSK" } }
EOC
start_charon b b
ipsecd_conf a <<EOC
connections:
  v4:
    local: {id: "@a.lab"}
    remote: {address: 192.0.2.2, id: "@b.lab"}
    ike: {proposals: [aes256gcm16-prfsha256-x25519]}
    children:
      host: {proposals: [aes256gcm16], start: up}
  v6:
    local: {id: "@a.lab"}
    remote: {address: "2001:db8::2", id: "@b.lab"}
    ike: {proposals: [aes256gcm16-prfsha256-x25519]}
    children:
      host: {proposals: [aes256gcm16], start: up}
secrets:
  - ids: ["@a.lab", "@b.lab"]
    psk: "$PSK"
EOC
start_ipsecd a a
wait_up a v4
wait_up a v6
wait_for 10 eval "[ \$(swanctl_ b --list-sas | grep -c INSTALLED) -ge 2 ]" \
  || { swanctl_ b --list-sas; tail -30 "$OUT/charon-b.log"; die "charon did not install both CHILD SAs"; }
swanctl_ b --list-sas
ctl a status
ctl a status --json > "$OUT/status-a.json"
for ts in '"local_ts":\["192.0.2.1/32"\],"remote_ts":\["192.0.2.2/32"\]' \
          '"local_ts":\["2001:db8::1/128"\],"remote_ts":\["2001:db8::2/128"\]'; do
  grep -Eq "$ts" "$OUT/status-a.json" || { cat "$OUT/status-a.json"; die "no CHILD SA with $ts"; }
done
log "CHILD SAs 192.0.2.1/32 === 192.0.2.2/32 and 2001:db8::1/128 === 2001:db8::2/128"
ping_through a 192.0.2.1 192.0.2.2 5
ping_through b 192.0.2.2 192.0.2.1 3
ping_through a 2001:db8::1 2001:db8::2 5
stop_ipsecd a
no_xfrm a "after SIGTERM"
