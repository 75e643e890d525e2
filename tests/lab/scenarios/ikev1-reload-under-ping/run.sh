#!/bin/bash
# ikev1-reload-under-ping: ipsecd-reload-under-ping with IKEv1 connections (`version: 1`) on
# both ipsecd peers: two reloads of a, each adding, removing and changing a connection, leave
# the unchanged one's ISAKMP and IPsec SAs and its ping alone (no ping lost, none in clear on
# the wire), take the removed one down with its kernel state, bring the changed one back with
# its new ESP proposal and the added one up (issue 14); a third moves man, up by the operator,
# to IKEv2 and it comes up again there, its ping never in clear.
IKE_VERSION=1 source "$(dirname "$0")/../ipsecd-reload-under-ping/run.sh"
