#!/bin/bash
# natt-charon-initiates: charon initiates with encap = yes to ipsecd: forced NAT-T, ipsecd answers on 4500 and
# installs ESP-in-UDP SAs (encap type espinudp).
source "$(dirname "$0")/../interop.sh"
interop charon yes
