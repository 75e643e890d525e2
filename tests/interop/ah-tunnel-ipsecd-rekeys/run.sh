#!/bin/bash
# ah-tunnel-ipsecd-rekeys: ipsecd (initiator) -> strongSwan charon, an AH tunnel (protocol: ah,
# sha256: AH:HMAC_SHA2_256_128) whose pings both kernels count on their proto ah SAs; ipsecd
# rekeys it (REKEY_SA of protocol AH, RFC 7296 3.10) under ping without a loss and deletes the
# old pair (Delete of protocol AH, 3.11), which charon removes too.
source "$(dirname "$0")/../interop.sh"
AH_PROPOSALS=sha256 interop ipsecd no psk ipsecd
