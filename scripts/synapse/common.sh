# Shared settings and helpers for the scripts in scripts/synapse/ (sourced, not run).

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# Everything lives below one git-ignored directory (.synapse/ is in .gitignore).
SYNAPSE_DIR="${SYNAPSE_DIR:-$repo_root/.synapse}"
CHROOT="$SYNAPSE_DIR/chroot"
# Inside the chroot: the server's config, database, log and pid file.
DATA_IN_CHROOT="/srv/synapse"
DATA="$CHROOT$DATA_IN_CHROOT"

SERVER_TAG=synapse
# shellcheck source=scripts/lib/server.sh
source "$repo_root/scripts/lib/server.sh"

# Print the first Debian archive URL (not security, not third-party) named in the host's apt sources,
# in either the one-line (sources.list) or the deb822 (*.sources) format.
host_debian_mirror() {
  local files=() f
  [[ -f /etc/apt/sources.list ]] && files+=(/etc/apt/sources.list)
  for f in /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [[ -f "$f" ]] && files+=("$f")
  done
  ((${#files[@]})) || return 1
  grep -hoE '(^deb(-src)?( \[[^]]*\])?|^URIs:) +[a-z]+://[^ ]+' "${files[@]}" \
    | grep -oE '[a-z]+://[^ ]+' | grep -E '/debian/?$' | head -n1 | grep .
}

# The pid of the running server, if any (exit status 1 when none).
running_pid() { pid_alive "$SYNAPSE_DIR/synapse.pid"; }

# uid:gid of a user of the chroot's /etc/passwd.
chroot_uid() { awk -F: -v u="$1" '$1 == u { print $3 ":" $4 }' "$CHROOT/etc/passwd"; }

# Run a command inside the chroot as its matrix-synapse user (for one-off commands, not the server).
in_chroot() { chroot --userspec=matrix-synapse:nogroup "$CHROOT" env HOME=/tmp LANG=C.UTF-8 "$@"; }

synapse_version() { chroot "$CHROOT" dpkg-query -W -f='${Version}' matrix-synapse 2>/dev/null || echo unknown; }
