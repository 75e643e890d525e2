#!/bin/bash
# ipsecd-tunnel-certs: two ipsecd peers authenticate with certificates (tests/lab/pki: a lab
# CA, one certificate per peer with subjectAltName DNS:<peer>.lab matching its ID @<peer>.lab)
# for each key type, ECDSA P-256, RSA 3072 (RFC 7427 signatures) and Ed25519, and bring the
# tunnel 10.1.0.0/24 <-> 10.2.0.0/24 up; ping through ESP, status, clean SIGTERM each time.
source "$(dirname "$0")/../../lib.sh"
source "$(dirname "$0")/../../ipsecd.sh"
mk_topology
# no inner_routes: ipsecd routes the peer's subnet in table 220
for type in ecdsa rsa ed25519; do
  log "---- certificates with $type keys"
  site_pair "cert=$type"
  pair_check tunnel
  mark "$type"
  echo "CERTS-OK $type"
done
cat "$OUT/timings"
