#!/bin/bash
# rekey-ipsecd-rekeys: ipsecd initiates to charon (PSK, tunnel); ipsecd's CHILD SA lifetime is 20 s, so ipsecd
# rekeys it (CREATE_CHILD_SA, make-before-break) under ping: no ping lost.
source "$(dirname "$0")/../interop.sh"
interop ipsecd no psk ipsecd
