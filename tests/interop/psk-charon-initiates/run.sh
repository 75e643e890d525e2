#!/bin/bash
# psk-charon-initiates: strongSwan charon (initiator, swanctl --initiate) -> ipsecd (responder), PSK, tunnel.
source "$(dirname "$0")/../interop.sh"
interop charon no
