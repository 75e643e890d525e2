#!/bin/bash
# ikev1-ah-charon-rekeys: ipsecd (initiator) <-> strongSwan charon (version = 1), an AH tunnel child
# (RFC 4302, sha256): charon rekeys it every 20 s with a new Quick Mode while pings run; no packet
# misses its SA in either kernel, the SPI changes, the rekeyed AH pair goes with its Delete and both
# kernels count the pings on the new pair's `proto ah` SAs.
source "$(dirname "$0")/../interop.sh"
IKE_VERSION=1 IKE_PROPOSALS=aes256-sha256-modp2048 AH_PROPOSALS=sha256 interop ipsecd no psk charon
