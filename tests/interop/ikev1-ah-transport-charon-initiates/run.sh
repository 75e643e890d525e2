#!/bin/bash
# ikev1-ah-transport-charon-initiates: strongSwan charon (initiator) -> ipsecd (responder), IKEv1
# Main Mode + Quick Mode negotiating an AH transport child (host to host, AH_SHA2_256 without
# PFS): ipsecd installs its inbound AH SA at QM2, the outbound one and the policies at QM3;
# both kernels count the pings on their two proto ah SAs.
source "$(dirname "$0")/../interop.sh"
IKE_VERSION=1 IKE_PROPOSALS=aes256-sha256-modp2048 AH_PROPOSALS=sha256 INTEROP_MODE=transport interop charon no
