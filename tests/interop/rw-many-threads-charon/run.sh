#!/bin/bash
# rw-many-threads-charon: rw-many-charon with ipsecd on two engine threads (`--threads 2
# --spread-new-sas always`, docs/DESIGN.md "Several cores: shards"): the road warriors' IKE SAs land on both shards,
# which lease from one book (no address twice, the tiny pool's surplus refused, a
# reconnecting road warrior gets its lease back whichever shard takes it), every one pings
# through ESP with none in clear.
IPSECD_THREADS=2
source "$(dirname "$0")/../rw-many-charon/run.sh"
