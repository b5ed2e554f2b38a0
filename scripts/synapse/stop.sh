#!/usr/bin/env bash
# Stop the Synapse started by start.sh: SIGTERM, then SIGKILL after SYNAPSE_STOP_TIMEOUT seconds (default 15).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/synapse/common.sh
source "$here/common.sh"

if ! pid="$(running_pid)"; then
  say "not running"
  rm -f "$SYNAPSE_DIR/synapse.pid"
  exit 0
fi
say "stopping Synapse (pid $pid)"
kill -TERM "$pid"
for ((i = 0; i < ${SYNAPSE_STOP_TIMEOUT:-15} * 10; i++)); do
  kill -0 "$pid" 2>/dev/null || { rm -f "$SYNAPSE_DIR/synapse.pid"; say "stopped"; exit 0; }
  sleep 0.1
done
say "still running after ${SYNAPSE_STOP_TIMEOUT:-15} s; sending SIGKILL"
kill -KILL "$pid" 2>/dev/null || true
rm -f "$SYNAPSE_DIR/synapse.pid"
say "killed"
