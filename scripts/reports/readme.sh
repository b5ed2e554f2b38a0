#!/usr/bin/env bash
# Regenerates what the documentation shows of the reports: the comparison matrix of several targets in
# docs/results.md (between the <!-- compare:start --> and <!-- compare:end --> markers) and the
# screenshot of an HTML report in docs/reports.md (docs/images/report-synapse.png).
#
# Usage: bash scripts/reports/readme.sh [--synapse]
#   --synapse          also run the suite against Synapse (scripts/synapse/run-suite.sh, as root, under
#                      flock $SYNAPSE_LOCK so that one Synapse runs at a time)
#   SYNAPSE_REPORT=F   use this saved Synapse JSON report instead (its HTML is rendered from it)
#   DENDRITE_REPORT=F  the real Dendrite run's JSON report (default the saved one,
#                      fixtures/reports/dendrite-v0.13.8.json; npm run dendrite makes a new one)
#   SYNAPSE_DIR, SYNAPSE_LOCK (default /tmp/synapse.lock) are passed on to the Synapse scripts
# The reports themselves go to reports/readme/ (git-ignored).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo_root"
out="$repo_root/reports/readme"
mkdir -p "$out" docs/images
cli=("$repo_root/node_modules/.bin/tsx" cli/main.ts)

# The mock targets: a label, the `run` arguments and what the legend says of each: the reference mock
# and its personalities (a profile each, with its expectations file), imitations read from code;
# dendrite-like is held to the real Dendrite run below, the conduit family could not be built here.
mock_targets=(
  "mock||"
  "dendrite-like|--target fixtures/targets/dendrite-like.yaml|an imitation read from code and held to the real Dendrite run"
  "conduwuit-like|--target fixtures/targets/conduwuit-like.yaml|an imitation read from code"
  "tuwunel-like|--target fixtures/targets/tuwunel-like.yaml|an imitation read from code"
)

reports=()
labels=()
legend=()
i=0
for entry in "${mock_targets[@]}"; do
  IFS='|' read -r label run_args what <<< "$entry"
  read -r -a args <<< "$run_args"
  i=$((i + 1))
  echo "[readme] running the suite against: $label" >&2
  # A target that deviates exits 1; that is what it is here for.
  "${cli[@]}" run "${args[@]}" --quiet --report-json "$out/target-$i.json" > "$out/target-$i.txt" || true
  reports+=("$out/target-$i.json")
  labels+=(--label "$label")
  [[ -z "$what" ]] || legend+=("**$label**: $what, \`run $run_args\`")
done

synapse_report="${SYNAPSE_REPORT:-}"
if [[ "${1:-}" == --synapse ]]; then
  synapse_report="$out/synapse.json"
  echo "[readme] running the suite against Synapse (waiting for ${SYNAPSE_LOCK:-/tmp/synapse.lock})" >&2
  flock "${SYNAPSE_LOCK:-/tmp/synapse.lock}" bash scripts/synapse/run-suite.sh --quiet --report-json "$synapse_report" > "$out/synapse.txt" 2>&1 || true
fi
if [[ -n "$synapse_report" ]]; then
  [[ -s "$synapse_report" ]] || { echo "[readme] no Synapse report at $synapse_report" >&2; exit 1; }
  reports+=("$synapse_report")
  labels+=(--label synapse)
  screenshot_of="$synapse_report"
else
  screenshot_of="${reports[0]}"
fi

# The real servers, measured: Dendrite from its saved run, Synapse from the run above or a saved one.
dendrite_report="${DENDRITE_REPORT:-$repo_root/fixtures/reports/dendrite-v0.13.8.json}"
if [[ -s "$dendrite_report" ]]; then
  reports+=("$dendrite_report")
  labels+=(--label dendrite)
  legend+=("**dendrite**: Dendrite v0.13.8, measured (\`npm run dendrite\`, docs/dendrite.md)")
fi
[[ -z "$synapse_report" ]] || legend+=("**synapse**: Debian's matrix-synapse, measured (\`npm run synapse\`, docs/synapse.md)")

"${cli[@]}" report compare "${reports[@]}" "${labels[@]}" --markdown "$out/compare.md" --html "$out/compare.html" --json "$out/compare.json" > "$out/compare.txt"
if ((${#legend[@]})); then
  { printf -- '- %s\n' "${legend[@]}"; echo; cat "$out/compare.md"; } > "$out/compare-legend.md"
  mv "$out/compare-legend.md" "$out/compare.md"
fi

# docs/results.md between the markers becomes the Markdown comparison.
results=docs/results.md
awk -v table="$out/compare.md" '
  /<!-- compare:start -->/ { print; while ((getline line < table) > 0) print line; skipping = 1; next }
  /<!-- compare:end -->/ { skipping = 0 }
  !skipping
' "$results" > "$out/results.md"
grep -q '<!-- compare:end -->' "$out/results.md" || { echo "[readme] $results lacks the compare markers" >&2; exit 1; }
cp "$out/results.md" "$results"

"${cli[@]}" report render "$screenshot_of" --html "$out/screenshot.html"
"$repo_root/node_modules/.bin/tsx" scripts/reports/screenshot.ts "$out/screenshot.html" docs/images/report-synapse.png 1100 760
echo "[readme] $results and docs/images/report-synapse.png updated (reports in $out)" >&2
