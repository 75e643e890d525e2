#!/bin/bash
# ikev1-certs-ipsecd-initiates: ipsecd (initiator, start: up) -> strongSwan charon (responder), IKEv1
# Main Mode with RSA signatures (auth method 3) and the lab CA's certificates (CERTREQ, CERT, SIG),
# Quick Mode, ESP tunnel, ping through ESP, ipsecd's SIGTERM deletes charon's SAs.
source "$(dirname "$0")/../interop.sh"
IKE_VERSION=1 IKE_PROPOSALS=aes256-sha256-modp2048 ESP_PROPOSALS=aes256-sha256 interop ipsecd no cert=rsa
