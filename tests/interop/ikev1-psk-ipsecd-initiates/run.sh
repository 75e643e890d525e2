#!/bin/bash
# ikev1-psk-ipsecd-initiates: ipsecd (initiator, start: up) -> strongSwan charon (responder), IKEv1
# Main Mode + Quick Mode, PSK, ESP tunnel, ping through ESP, ipsecd's SIGTERM deletes charon's SAs.
source "$(dirname "$0")/../interop.sh"
IKE_VERSION=1 IKE_PROPOSALS=aes256-sha256-modp2048 ESP_PROPOSALS=aes256-sha256 interop ipsecd no
