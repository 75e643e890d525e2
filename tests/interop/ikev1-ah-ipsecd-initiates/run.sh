#!/bin/bash
# ikev1-ah-ipsecd-initiates: ipsecd (initiator, start: up) -> strongSwan charon (responder), IKEv1
# Main Mode + Quick Mode negotiating an AH tunnel (RFC 2407 4.4.3 AH_SHA2_256, PFS modp2048);
# both kernels count the pings on their two proto ah SAs, both sides send AH on the wire and
# no ICMP between the subnets in clear; ipsecd's SIGTERM deletes charon's SAs.
source "$(dirname "$0")/../interop.sh"
IKE_VERSION=1 IKE_PROPOSALS=aes256-sha256-modp2048 AH_PROPOSALS=sha256-modp2048 INTEROP_CAPTURE=1 interop ipsecd no
