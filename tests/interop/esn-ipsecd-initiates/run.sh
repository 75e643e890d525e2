#!/bin/bash
# esn-ipsecd-initiates: ipsecd (initiator) -> strongSwan charon, ESP aes256gcm16 with extended
# sequence numbers (RFC 4303 2.2.1, RFC 7296 3.3.2): negotiated, set in both kernels, traffic passes.
source "$(dirname "$0")/../interop.sh"
ESP_PROPOSALS=aes256gcm16-esn interop ipsecd no
