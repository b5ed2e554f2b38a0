#!/usr/bin/env bash
# Stop the Synapse started by start.sh: SIGTERM, then SIGKILL after SYNAPSE_STOP_TIMEOUT seconds (default 15).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/synapse/common.sh
source "$here/common.sh"

stop_pid_file "$SYNAPSE_DIR/synapse.pid" "${SYNAPSE_STOP_TIMEOUT:-15}"
