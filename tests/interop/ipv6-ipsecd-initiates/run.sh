#!/bin/bash
# ipv6-ipsecd-initiates: ipsecd (initiator) -> strongSwan charon over IPv6 (2001:db8::1 ->
# 2001:db8::2), PSK, ESP tunnel fd00:1::/64 <-> fd00:2::/64: ping6 both ways through ESP.
source "$(dirname "$0")/../interop.sh"
INTEROP_FAMILY=6 interop ipsecd no
