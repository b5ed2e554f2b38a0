#!/usr/bin/env bash
# Stop the Dendrite started by start.sh: SIGTERM, then SIGKILL after DENDRITE_STOP_TIMEOUT seconds (default 15).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/dendrite/common.sh
source "$here/common.sh"

stop_pid_file "$DENDRITE_DIR/dendrite.pid" "${DENDRITE_STOP_TIMEOUT:-15}"
