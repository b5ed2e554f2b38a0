#!/usr/bin/env bash
# One command for the whole Synapse run: build the chroot if needed, start Synapse from the synapse
# profile, run the suites against it, stop it again. Extra arguments go to `run` (e.g. --grep, reporters).
#
# Usage (as root): bash scripts/synapse/run-suite.sh [run options...]
#   SYNAPSE_PROFILE=FILE      another profile (default fixtures/targets/synapse.yaml)
#   SYNAPSE_KEEP_RUNNING=1    leave the server running afterwards (stop it with stop.sh)
# A Synapse that is already running (started by start.sh) is used as it is and left running.
# Exit status: that of `run`.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/synapse/common.sh
source "$here/common.sh"

profile="$(profile_path "${SYNAPSE_PROFILE:-$repo_root/fixtures/targets/synapse.yaml}")"
start_unless_running "$profile" "${SYNAPSE_KEEP_RUNNING:-0}" "$SYNAPSE_DIR/url"
url="$(cat "$SYNAPSE_DIR/url")"

# Synapse starts applying presence timeouts (idle, sync-online, currently_active) only 30 s after it
# starts (synapse/handlers/presence.py), so timed cases need a server that has been up that long.
up=$(($(date +%s) - $(cat "$SYNAPSE_DIR/started")))
if ((up < 31)); then
  say "waiting $((31 - up)) s: Synapse applies presence timeouts from 30 s after start-up"
  sleep $((31 - up))
fi

run_suites "$url" "$profile" "$DATA/homeserver.log" "$@" || exit $?
