#!/bin/bash
# ikev1-libreswan-ipsecd-initiates: ipsecd (initiator, plain `version: 1`) -> Libreswan 4.10 pluto
# (responder, `ikev2=no`, its defaults: pfs=yes, its ike=/esp= lists, IDs = addresses), IKEv1
# Main Mode + Quick Mode, PSK, ESP tunnel; ping through ESP, nothing in clear; SIGTERM deletes.
source "$(dirname "$0")/../libreswan.sh"
IKE_VERSION=1 libreswan_interop ipsecd ikev2=no
