# Shared settings and helpers for the scripts in scripts/dendrite/ (sourced, not run).

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# The last Apache-2.0 release (later releases are AGPL-3.0); its go.mod has no replace directive, so
# `go install` resolves it and every dependency through the Go module proxy.
DENDRITE_VERSION="${DENDRITE_VERSION:-v0.13.8}"
DENDRITE_MODULE="github.com/matrix-org/dendrite"
# Everything lives below one git-ignored directory (.dendrite/ is in .gitignore).
DENDRITE_DIR="${DENDRITE_DIR:-$repo_root/.dendrite}"
BIN="$DENDRITE_DIR/bin/$DENDRITE_VERSION"
# The server's configuration, signing key, SQLite databases and log (NATS JetStream runs in memory).
DATA="$DENDRITE_DIR/data"

SERVER_TAG=dendrite
# shellcheck source=scripts/lib/server.sh
source "$repo_root/scripts/lib/server.sh"

# The pid of the running server, if any (exit status 1 when none).
running_pid() { pid_alive "$DENDRITE_DIR/dendrite.pid"; }
