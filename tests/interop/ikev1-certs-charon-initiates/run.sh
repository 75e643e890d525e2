#!/bin/bash
# ikev1-certs-charon-initiates: strongSwan charon (initiator, swanctl --initiate) -> ipsecd (responder),
# IKEv1 Main Mode with ECDSA P-256 signatures (RFC 4754 auth method 9) and the lab CA's certificates,
# Quick Mode, ESP tunnel, ping through ESP, ipsecd's SIGTERM deletes charon's SAs.
source "$(dirname "$0")/../interop.sh"
IKE_VERSION=1 IKE_PROPOSALS=aes128-sha256-ecp256 ESP_PROPOSALS=aes128gcm16 interop charon no cert=ecdsa
