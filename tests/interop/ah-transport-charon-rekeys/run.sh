#!/bin/bash
# ah-transport-charon-rekeys: strongSwan charon initiates an AH transport child (host to host,
# sha256) to ipsecd; both kernels count the pings on their proto ah SAs; charon rekeys it (its
# REKEY_SA and Delete of protocol AH name ipsecd's AH pair) under ping without a loss.
source "$(dirname "$0")/../interop.sh"
AH_PROPOSALS=sha256 INTEROP_MODE=transport interop charon no psk charon
