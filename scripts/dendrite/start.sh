#!/usr/bin/env bash
# Start Dendrite (built by install.sh) on 127.0.0.1, configured from a target profile.
#
# Usage: bash scripts/dendrite/start.sh [PROFILE]        (default fixtures/targets/dendrite.yaml)
#   DENDRITE_PORT=N          port to listen on (default: a free one)
#   DENDRITE_KEEP_DATA=1     keep the previous databases and users (default: start empty)
#   DENDRITE_START_TIMEOUT   seconds to wait for /_matrix/client/versions (default 60)
# Prints one line "[dendrite] ready: URL ..." on stderr and the URL alone on stdout; the URL is also kept
# in .dendrite/url for run-suite.sh and stop.sh.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/dendrite/common.sh
source "$here/common.sh"

profile="$(profile_path "${1:-$repo_root/fixtures/targets/dendrite.yaml}")"

if running_pid >/dev/null; then
  die "Dendrite is already running (pid $(running_pid), $(cat "$DENDRITE_DIR/url" 2>/dev/null)); run stop.sh first"
fi

bash "$here/install.sh"

port="${DENDRITE_PORT:-$(free_port)}"
url="http://127.0.0.1:$port"

if [[ "${DENDRITE_KEEP_DATA:-0}" != 1 ]]; then
  rm -rf --one-file-system "$DATA"
fi
mkdir -p "$DATA"

[[ -s "$DATA/registration_shared_secret" ]] \
  || head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$DATA/registration_shared_secret"
[[ -s "$DATA/matrix_key.pem" ]] || "$BIN/generate-keys" --private-key "$DATA/matrix_key.pem" >/dev/null

say "writing $DATA/dendrite.yaml from $profile"
"$BIN/generate-config" -ci -dir "$DATA" \
  | (cd "$repo_root" && "$repo_root/node_modules/.bin/tsx" "$here/dendrite-config.ts" --profile "$profile" \
       --data-dir "$DATA" --registration-secret "$(cat "$DATA/registration_shared_secret")") \
  > "$DATA/dendrite.yaml" || die "could not derive dendrite.yaml from $profile"

say "starting Dendrite $DENDRITE_VERSION on $url (log: $DATA/log/, console: $DATA/console.log)"
start_ts=$(date +%s)
# Open registration without a captcha needs the flag as well as registration_disabled: false. The
# HTTPS listener starts only with --tls-cert/--tls-key, so the one listener is this loopback one.
(cd "$DATA" && exec setsid "$BIN/dendrite" --config "$DATA/dendrite.yaml" --http-bind-address "127.0.0.1:$port" \
  --really-enable-open-registration >> "$DATA/console.log" 2>&1 < /dev/null) &
echo $! > "$DENDRITE_DIR/dendrite.pid"
echo "$url" > "$DENDRITE_DIR/url"
echo "$start_ts" > "$DENDRITE_DIR/started"

await_start "Dendrite $DENDRITE_VERSION" "$url" "${DENDRITE_START_TIMEOUT:-60}" "$start_ts" "$DATA/console.log"
