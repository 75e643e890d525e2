#!/bin/bash
# ikev1-natt-charon-initiates: strongSwan charon (initiator, version = 1, encap = yes: charon fakes
# a NAT in its NAT-D) -> ipsecd (responder), RFC 3947 NAT-T: ipsecd sees the NAT in charon's NAT-D,
# follows charon to port 4500 from MM5 on, Quick Mode agrees on UDP-Encapsulated-Tunnel, both
# kernels do ESP-in-UDP (espinudp 4500), pings through it with counters rising, and a capture on
# both sides shows no ICMP between the subnets in clear (issue 14 item 7: NAT-T in both roles).
source "$(dirname "$0")/../interop.sh"
INTEROP_CAPTURE=1 IKE_VERSION=1 IKE_PROPOSALS=aes256-sha256-modp2048 ESP_PROPOSALS=aes256-sha256 interop charon yes
