#!/bin/bash
# ikev1-libreswan-pluto-initiates: Libreswan 4.10 pluto (initiator, auto=start, `ikev2=no`, its
# defaults: pfs=yes, its ike=/esp= lists, IDs = addresses) -> ipsecd (responder, plain
# `version: 1`), IKEv1 Main Mode + Quick Mode, PSK, ESP tunnel; ping through ESP, nothing in
# clear; ipsecd's SIGTERM deletes pluto's SA.
source "$(dirname "$0")/../libreswan.sh"
IKE_VERSION=1 libreswan_interop pluto ikev2=no
