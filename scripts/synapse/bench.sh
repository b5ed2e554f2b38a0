#!/usr/bin/env bash
# Measure Synapse's presence speed with `bench`: start it from the bench profile (the synapse profile's
# timers, its presence rate limit switched off), wait until it applies presence timers, run `bench
# --homeserver` with the mock and the floor beside it and the timers measured, write the JSON report,
# stop it again. Extra arguments go to `bench` (e.g. --watchers 10,100).
#
# Usage (as root): bash scripts/synapse/bench.sh [bench options...]      (npm run synapse:bench builds dist/ first)
#   SYNAPSE_BENCH_PROFILE=FILE  another profile (default fixtures/targets/synapse-bench.yaml)
#   BENCH_JSON=FILE             where the report goes (default reports/synapse-bench.json)
# A Synapse that is already running (started by start.sh) is used as it is and left running.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/synapse/common.sh
source "$here/common.sh"

profile="$(profile_path "${SYNAPSE_BENCH_PROFILE:-$repo_root/fixtures/targets/synapse-bench.yaml}")"
json="${BENCH_JSON:-$repo_root/reports/synapse-bench.json}"
mkdir -p "$(dirname "$json")"
start_unless_running "$profile" 0 "$SYNAPSE_DIR/url"
url="$(cat "$SYNAPSE_DIR/url")"

# Synapse starts applying presence timeouts only 30 s after it starts (synapse/handlers/presence.py).
up=$(($(date +%s) - $(cat "$SYNAPSE_DIR/started")))
if ((up < 31)); then
  say "waiting $((31 - up)) s: Synapse applies presence timeouts from 30 s after start-up"
  sleep $((31 - up))
fi

bench_server "$url" "$profile" "$DATA/homeserver.log" --compare-mock --timers --json "$json" "$@" || exit $?
