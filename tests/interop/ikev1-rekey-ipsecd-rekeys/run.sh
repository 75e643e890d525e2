#!/bin/bash
# ikev1-rekey-ipsecd-rekeys: ipsecd (initiator) -> strongSwan charon (version = 1); the IPsec SA
# lives 20 s in ipsecd, whose new Quick Mode at the kernel's soft expiry replaces it under a
# ping that loses nothing; then SIGTERM's Deletes end charon's SAs.
source "$(dirname "$0")/../interop.sh"
IKE_VERSION=1 IKE_PROPOSALS=aes256-sha256-modp2048 ESP_PROPOSALS=aes256-sha256 interop ipsecd no psk ipsecd
