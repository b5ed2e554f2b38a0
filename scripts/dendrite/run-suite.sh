#!/usr/bin/env bash
# One command for the whole Dendrite run: build Dendrite if needed, start it from the dendrite profile,
# run the suites against it, stop it again. Extra arguments go to `run` (e.g. --grep, reporters).
#
# Usage: bash scripts/dendrite/run-suite.sh [run options...]       (npm run dendrite adds --strict)
#   DENDRITE_PROFILE=FILE     another profile (default fixtures/targets/dendrite.yaml)
#   DENDRITE_KEEP_RUNNING=1   leave the server running afterwards (stop it with stop.sh)
# A Dendrite that is already running (started by start.sh) is used as it is and left running.
# Exit status: that of `run`.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/dendrite/common.sh
source "$here/common.sh"

profile="$(profile_path "${DENDRITE_PROFILE:-$repo_root/fixtures/targets/dendrite.yaml}")"
start_unless_running "$profile" "${DENDRITE_KEEP_RUNNING:-0}" "$DENDRITE_DIR/url"
url="$(cat "$DENDRITE_DIR/url")"

run_suites "$url" "$profile" "$DATA/log/" "$@" || exit $?
