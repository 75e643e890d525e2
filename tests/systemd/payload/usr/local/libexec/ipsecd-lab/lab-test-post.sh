#!/bin/bash
# ExecStopPost of lab-test.service: saves the journal to the host-visible $RUNDIR and makes
# sure an exit-code exists there (124 = guest-side timeout, RuntimeMaxSec hit; 1 = test died).
. /etc/lab.env
echo "lab-test ended: SERVICE_RESULT=${SERVICE_RESULT:-?} EXIT_STATUS=${EXIT_STATUS:-?}"
journalctl -b --no-pager -o short-monotonic > "$RUNDIR/journal.txt" 2>&1
if [ ! -s "$RUNDIR/exit-code" ]; then
  case ${SERVICE_RESULT:-} in timeout) echo 124 ;; *) echo 1 ;; esac > "$RUNDIR/exit-code"
fi
sync
