#!/bin/bash
# rekey-charon-rekeys: ipsecd initiates to charon (PSK, tunnel); charon rekeys the CHILD SA every 20 s
# (rekey_time), ipsecd answers the CREATE_CHILD_SA and swaps SAs under ping: no ping lost.
source "$(dirname "$0")/../interop.sh"
interop ipsecd no psk charon
