#!/bin/bash
# certs-charon-initiates: charon initiates to ipsecd with RSA certificates from the lab CA (RFC 7427
# signatures), tunnel mode.
source "$(dirname "$0")/../interop.sh"
interop charon no cert=rsa
