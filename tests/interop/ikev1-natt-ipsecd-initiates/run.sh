#!/bin/bash
# ikev1-natt-ipsecd-initiates: ipsecd (initiator) -> strongSwan charon (version = 1, encap = yes: charon
# fakes a NAT in its NAT-D), RFC 3947 NAT-T: IKE moves to port 4500 from MM5 on, Quick Mode negotiates
# UDP-Encapsulated-Tunnel, both kernels do ESP-in-UDP (espinudp 4500), pings through it with counters
# rising, and a capture on both sides shows no ICMP between the subnets in clear.
source "$(dirname "$0")/../interop.sh"
INTEROP_CAPTURE=1 IKE_VERSION=1 IKE_PROPOSALS=aes256-sha256-modp2048 ESP_PROPOSALS=aes256-sha256 interop ipsecd yes
