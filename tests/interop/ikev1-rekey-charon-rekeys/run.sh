#!/bin/bash
# ikev1-rekey-charon-rekeys: ipsecd (initiator) -> strongSwan charon (version = 1); charon rekeys
# the IPsec SA every 20 s with a new Quick Mode that ipsecd answers: charon sends on the new SA
# as soon as it has QM2, so ipsecd's inbound SA is in its kernel from QM2 on (RFC 2409 5.5):
# no ping lost and XfrmInNoStates 0 in both kernels.
source "$(dirname "$0")/../interop.sh"
IKE_VERSION=1 IKE_PROPOSALS=aes256-sha256-modp2048 ESP_PROPOSALS=aes256-sha256 interop ipsecd no psk charon
