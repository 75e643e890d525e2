#!/bin/bash
# ikev1-ipsecd-ipsecd: two ipsecd peers speak IKEv1 (version: 1, Main Mode + Quick Mode, PSK)
# to each other: first an ESP tunnel 10.1.0.0/24 <-> 10.2.0.0/24, then host-to-host transport
# mode 192.0.2.1 <-> 192.0.2.2; each time ping passes through ESP both ways with the XFRM
# counters rising, `ipsecctl status --json` shows version 1 with the contract's fields, and
# SIGTERM leaves no SA and no policy in either kernel (issue 14 item 7).
source "$(dirname "$0")/../../lib.sh"
source "$(dirname "$0")/../../ipsecd.sh"
mk_topology
export IKE_VERSION=1 IKE_PROPOSALS=aes256-sha256-modp2048 ESP_PROPOSALS=aes256-sha256
PSK=psk=lab-psk-ikev1-0123456789abcdef0123
site_pair "$PSK"
pair_check tunnel
mark tunnel_ok
site_peer a 192.0.2.1 192.0.2.2 a.lab b.lab - - up "$PSK"
site_peer b 192.0.2.2 192.0.2.1 b.lab a.lab - - none "$PSK"
pair_check transport
mark transport_ok
mark done
cat "$OUT/timings"
