#!/bin/bash
# ikev1-close-charon-deletes: close-charon-deletes over IKEv1 (version: 1 on both sides, Main
# Mode + Quick Mode, PSK): under a ping whose routes would carry it in clear, charon deletes
# the IPsec SA (ipsecd brings it back with a Quick Mode over the ISAKMP SA), then the ISAKMP
# SA (ipsecd brings both back with a new Main Mode); the capture holds not one clear ICMP
# packet between the protected subnets, and after the operator's down the control does.
export IKE_VERSION=1 IKE_PROPOSALS=aes256-sha256-modp2048 ESP_PROPOSALS=aes256-sha256
source "$(dirname "$0")/../close-charon-deletes/run.sh"
