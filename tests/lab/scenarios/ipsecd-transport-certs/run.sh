#!/bin/bash
# ipsecd-transport-certs: host-to-host transport mode between 192.0.2.1 and 192.0.2.2, the
# peers authenticated with ECDSA certificates from the lab CA (tests/lab/pki); ping between
# the hosts through ESP, status, clean SIGTERM.
source "$(dirname "$0")/../../lib.sh"
source "$(dirname "$0")/../../ipsecd.sh"
mk_topology
site_peer a 192.0.2.1 192.0.2.2 a.lab b.lab - - up cert=ecdsa
site_peer b 192.0.2.2 192.0.2.1 b.lab a.lab - - none cert=ecdsa
pair_check transport
mark done
cat "$OUT/timings"
