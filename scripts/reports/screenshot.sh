#!/usr/bin/env bash
# Regenerates the screenshot of an HTML report that docs/reports.md shows (docs/images/report-synapse.png),
# rendered from the saved Synapse run (fixtures/reports/) with `report render`, photographed by Debian's
# Chromium (scripts/reports/screenshot.ts). The tables of docs/results.md have generators of their own,
# kept current by test/docs/generated.test.ts: scripts/reports/verdict-table.ts and comparison.ts.
#
# Usage: bash scripts/reports/screenshot.sh [REPORT.json]   (default the saved Synapse v1.19 run)
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo_root"
report="${1:-fixtures/reports/synapse-1.160.0.json}"
[[ -s "$report" ]] || { echo "[screenshot] no report at $report" >&2; exit 1; }
out="$repo_root/reports/screenshot"
mkdir -p "$out" docs/images
tsx="$repo_root/node_modules/.bin/tsx"
"$tsx" cli/main.ts report render "$report" --html "$out/report.html"
"$tsx" scripts/reports/screenshot.ts "$out/report.html" docs/images/report-synapse.png 1100 760
echo "[screenshot] docs/images/report-synapse.png updated from $report" >&2
