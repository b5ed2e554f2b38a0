#!/usr/bin/env bash
# Measure Dendrite's presence speed with `bench`: start it from the dendrite profile (Dendrite has no
# presence rate limit), run `bench --homeserver` with the mock and the floor beside it, write the JSON
# report, stop it again. Its timers are not measured by default: its idle sweep runs every 5 minutes and
# it never sets a silent user offline (fixtures/targets/dendrite.yaml), so --timers would wait 16 minutes
# for an offline that never comes. Extra arguments go to `bench`.
#
# Usage: bash scripts/dendrite/bench.sh [bench options...]      (npm run dendrite:bench builds dist/ first)
#   DENDRITE_BENCH_PROFILE=FILE  another profile (default fixtures/targets/dendrite.yaml)
#   BENCH_JSON=FILE              where the report goes (default reports/dendrite-bench.json)
# A Dendrite that is already running (started by start.sh) is used as it is and left running.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/dendrite/common.sh
source "$here/common.sh"

profile="$(profile_path "${DENDRITE_BENCH_PROFILE:-$repo_root/fixtures/targets/dendrite.yaml}")"
json="${BENCH_JSON:-$repo_root/reports/dendrite-bench.json}"
mkdir -p "$(dirname "$json")"
start_unless_running "$profile" 0 "$DENDRITE_DIR/url"
url="$(cat "$DENDRITE_DIR/url")"

bench_server "$url" "$profile" "$DATA/log/" --compare-mock --json "$json" "$@" || exit $?
