#!/bin/bash
# psk-ipsecd-initiates: ipsecd (initiator, start: up) -> strongSwan charon (responder), PSK, tunnel mode.
source "$(dirname "$0")/../interop.sh"
interop ipsecd no
