#!/bin/bash
# eap-ipsecd-client: an ipsecd road warrior (EAP-MSCHAPv2 as carol) against a charon gateway
# (its certificate, eap_id = %any: EAP-Identity first); ping through ESP both ways.
source "$(dirname "$0")/../eap.sh"
eap_interop ipsecd
