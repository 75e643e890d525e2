#!/bin/bash
# ikev1-psk-charon-initiates: strongSwan charon (initiator, swanctl --initiate) -> ipsecd (responder),
# IKEv1 Main Mode + Quick Mode with PFS, PSK, ESP tunnel, ping through ESP; DPD (RFC 3706) every
# 2 s from charon: ipsecd answers its R-U-THEREs on the idle tunnel; ipsecd's SIGTERM deletes.
source "$(dirname "$0")/../interop.sh"
DPD=2s IKE_VERSION=1 IKE_PROPOSALS=aes128-sha256-x25519 ESP_PROPOSALS=aes128gcm16-modp2048 interop charon no
