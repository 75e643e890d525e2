#!/bin/bash
# ikev2-libreswan-pluto-initiates: Libreswan 4.10 pluto (initiator, ipsec auto --up, no ikev2=
# line: its default ikev2=insist, its ike=/esp= defaults, IDs = addresses) -> ipsecd (responder,
# a plain connection: IKEv2 by default), PSK, ESP tunnel; ping through ESP, nothing in clear;
# ipsecd's SIGTERM deletes pluto's SA.
source "$(dirname "$0")/../libreswan.sh"
libreswan_interop pluto ""
