#!/bin/bash
# ikev1-libreswan-certs-ipsecd-initiates: ipsecd (initiator, `version: 1`, auth pubkey with a's
# RSA certificate, the lab CA, IDs @a.lab/@b.lab, every proposal its default) -> Libreswan 4.10
# pluto (responder, `ikev2=no`, `authby=rsasig`, leftcert= b's certificate in its NSS database,
# leftid/rightid the certificates' names, every other setting its default), IKEv1 Main Mode
# with RSA signatures (CERTREQ, CERT, SIG), Quick Mode (offered again with PFS), ESP tunnel,
# ping through ESP, nothing in clear; SIGTERM deletes.
source "$(dirname "$0")/../libreswan.sh"
IKE_VERSION=1 libreswan_interop ipsecd ikev2=no cert=rsa
grep -q 'offering net again with PFS' "$OUT/ipsecd-a.log" || die "ipsecd did not offer again with PFS"
