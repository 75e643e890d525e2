#!/bin/bash
# ikev1-psk-charon-initiates: strongSwan charon (initiator, swanctl --initiate) -> ipsecd (responder),
# IKEv1 Main Mode + Quick Mode with PFS, PSK, ESP tunnel, ping through ESP, ipsecd's SIGTERM deletes.
source "$(dirname "$0")/../interop.sh"
IKE_VERSION=1 IKE_PROPOSALS=aes128-sha256-x25519 ESP_PROPOSALS=aes128gcm16-modp2048 interop charon no
