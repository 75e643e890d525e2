#!/bin/bash
# ikev2-libreswan-ipsecd-initiates: ipsecd (initiator, a plain connection: IKEv2 by default) ->
# Libreswan 4.10 pluto (responder, no ikev2= line: its default ikev2=insist, its ike=/esp=
# defaults, IDs = addresses), PSK, ESP tunnel; ping through ESP, nothing in clear; SIGTERM deletes.
source "$(dirname "$0")/../libreswan.sh"
libreswan_interop ipsecd ""
