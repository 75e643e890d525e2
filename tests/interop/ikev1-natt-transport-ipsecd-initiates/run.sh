#!/bin/bash
# ikev1-natt-transport-ipsecd-initiates: ipsecd (initiator) -> strongSwan charon (version = 1, encap = yes:
# charon fakes a NAT in its NAT-D), a host-to-host transport mode child: Quick Mode negotiates
# UDP-Encapsulated-Transport and both QM1 and QM2 carry the two NAT-OA payloads (RFC 3947 5.2: the
# initiator's original address, then the responder's), which charon parses and sends back; both kernels
# do ESP-in-UDP (espinudp 4500) and pings between the outer addresses pass through it.
source "$(dirname "$0")/../interop.sh"
INTEROP_MODE=transport IKE_VERSION=1 IKE_PROPOSALS=aes256-sha256-modp2048 ESP_PROPOSALS=aes256-sha256 interop ipsecd yes
grep -E 'parsed QUICK_MODE request .*NAT-OA.*NAT-OA' "$OUT/charon-b.log" \
  || die "charon parsed no QM1 with two NAT-OA payloads from ipsecd"
grep -E 'generating QUICK_MODE response .*NAT-OA.*NAT-OA' "$OUT/charon-b.log" \
  || die "charon sent no QM2 with two NAT-OA payloads"
log "NAT-OA: two in ipsecd's QM1, two in charon's QM2"
