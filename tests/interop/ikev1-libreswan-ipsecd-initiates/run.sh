#!/bin/bash
# ikev1-libreswan-ipsecd-initiates: ipsecd (initiator, plain `version: 1`) -> Libreswan 4.10 pluto
# (responder, `ikev2=no`, its defaults: pfs=yes, its ike=/esp= lists, IDs = addresses), IKEv1
# Main Mode + Quick Mode, PSK, ESP tunnel: pluto refuses ipsecd's first Quick Mode (no PFS),
# ipsecd offers again with PFS in the ISAKMP SA's group; ping through ESP, nothing in clear;
# SIGTERM deletes.
source "$(dirname "$0")/../libreswan.sh"
IKE_VERSION=1 libreswan_interop ipsecd ikev2=no
grep -q 'offering net again with PFS' "$OUT/ipsecd-a.log" || die "ipsecd did not offer again with PFS"
