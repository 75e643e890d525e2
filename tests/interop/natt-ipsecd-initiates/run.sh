#!/bin/bash
# natt-ipsecd-initiates: ipsecd initiates to charon with encap = yes on charon's side: NAT-T is forced, IKE
# moves to port 4500 and the kernels do ESP-in-UDP (encap type espinudp).
source "$(dirname "$0")/../interop.sh"
interop ipsecd yes
