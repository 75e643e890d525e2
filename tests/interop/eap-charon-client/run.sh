#!/bin/bash
# eap-charon-client: a charon road warrior (EAP-MSCHAPv2, EAP identity asked) against an
# ipsecd gateway authenticating with its certificate; ping through ESP both ways.
source "$(dirname "$0")/../eap.sh"
eap_interop charon
