#!/bin/bash
# ikev1-ah-rekey-charon-rekeys: ipsecd (initiator) -> strongSwan charon (version = 1) with an AH
# tunnel (RFC 2407 4.4.3 AH_SHA2_256, PFS modp2048); charon rekeys the IPsec SA pair every 20 s with
# a new Quick Mode that ipsecd answers: no ping lost, XfrmInNoStates 0 in both kernels, the
# rekeyed AH pair leaves both kernels (two proto ah SAs each afterwards) and the new pair counts
# the pings (issue 14 item 5 for AH).
source "$(dirname "$0")/../interop.sh"
IKE_VERSION=1 IKE_PROPOSALS=aes256-sha256-modp2048 AH_PROPOSALS=sha256-modp2048 interop ipsecd no psk charon
