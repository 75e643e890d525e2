#!/bin/bash
# certs-ipsecd-initiates: ipsecd initiates to charon, both authenticating with ECDSA certificates from the
# lab CA (tests/lab/pki), tunnel mode.
source "$(dirname "$0")/../interop.sh"
interop ipsecd no cert=ecdsa
