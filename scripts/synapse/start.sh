#!/usr/bin/env bash
# Start Synapse (from the chroot built by install.sh) on 127.0.0.1, configured from a target profile.
#
# Usage: bash scripts/synapse/start.sh [PROFILE]        (default fixtures/targets/synapse.yaml)
#   SYNAPSE_PORT=N        port to listen on (default: a free one)
#   SYNAPSE_KEEP_DATA=1   keep the previous database and users (default: start from an empty database)
#   SYNAPSE_START_TIMEOUT seconds to wait for /_matrix/client/versions (default 90)
# Prints one line "[synapse] ready: URL ..." on stderr and the URL alone on stdout; the URL is also kept in
# .synapse/url for run-suite.sh and stop.sh.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/synapse/common.sh
source "$here/common.sh"

profile="$(profile_path "${1:-$repo_root/fixtures/targets/synapse.yaml}")"
[[ $EUID -eq 0 ]] || die "start.sh must run as root (it enters the chroot)"

if running_pid >/dev/null; then
  die "Synapse is already running (pid $(running_pid), $(cat "$SYNAPSE_DIR/url" 2>/dev/null)); run stop.sh first"
fi

bash "$here/install.sh"

port="${SYNAPSE_PORT:-$(free_port)}"
url="http://127.0.0.1:$port"

if [[ "${SYNAPSE_KEEP_DATA:-0}" != 1 ]]; then
  rm -rf --one-file-system "$DATA"
fi
mkdir -p "$DATA/media"

# Secrets live in the data directory and stay the same while the data is kept.
secret() { [[ -s "$DATA/$1" ]] || head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$DATA/$1"; cat "$DATA/$1"; }
gen=("$repo_root/node_modules/.bin/tsx" "$here/homeserver-config.ts" --profile "$profile" --port "$port"
     --data-dir "$DATA_IN_CHROOT" --registration-secret "$(secret registration_shared_secret)"
     --macaroon-secret "$(secret macaroon_secret)" --form-secret "$(secret form_secret)")
say "writing $DATA/homeserver.yaml from $profile"
(cd "$repo_root" && "${gen[@]}") > "$DATA/homeserver.yaml" || die "could not derive homeserver.yaml from $profile"
(cd "$repo_root" && "${gen[@]}" --what log) > "$DATA/log.config"
chown -R "$(chroot_uid matrix-synapse)" "$DATA"

in_chroot python3 -m synapse.app.homeserver -c "$DATA_IN_CHROOT/homeserver.yaml" --generate-keys \
  >> "$DATA/console.log" 2>&1 || { tail -n 20 "$DATA/console.log" >&2; die "synapse --generate-keys failed"; }

say "starting Synapse $(synapse_version) on $url (log: $DATA/homeserver.log)"
start_ts=$(date +%s)
# A private mount namespace gives the chroot its own /proc that disappears with the server; the exec chain
# (unshare -> sh -> chroot -> python) keeps one pid, which stop.sh signals.
setsid unshare --mount sh -c '
  mount -t proc proc "$1/proc" && exec chroot --userspec=matrix-synapse:nogroup "$1" \
    env HOME=/tmp LANG=C.UTF-8 python3 -m synapse.app.homeserver -c "$2/homeserver.yaml"
' sh "$CHROOT" "$DATA_IN_CHROOT" >> "$DATA/console.log" 2>&1 < /dev/null &
echo $! > "$SYNAPSE_DIR/synapse.pid"
echo "$url" > "$SYNAPSE_DIR/url"
echo "$start_ts" > "$SYNAPSE_DIR/started"

await_start "Synapse $(synapse_version)" "$url" "${SYNAPSE_START_TIMEOUT:-90}" "$start_ts" "$DATA/console.log" "$DATA/homeserver.log"
