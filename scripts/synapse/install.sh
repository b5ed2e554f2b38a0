#!/usr/bin/env bash
# Build (once) a Debian chroot that holds Debian's own `matrix-synapse` package.
#
# Usage: bash scripts/synapse/install.sh            (idempotent: an existing chroot is reused)
#        SYNAPSE_SUITE=trixie bash scripts/synapse/install.sh   (another Debian suite; default sid)
#        SYNAPSE_DIR=/some/dir ...                  (where the chroot lives; default .synapse/ in the repo)
#        SYNAPSE_MIRROR=URL ...                    (a Debian mirror; default the first one in the host's apt sources)
#
# It needs root (mmdebstrap in root mode) and the host's apt mirror; nothing else leaves the machine.
# The mirror is read from the host's apt sources so that the chroot comes from the same place as the host.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/synapse/common.sh
source "$here/common.sh"

suite="${SYNAPSE_SUITE:-sid}"

if [[ -x "$CHROOT/usr/bin/python3" && -f "$CHROOT/.synapse-installed" ]]; then
  say "chroot already present at $CHROOT ($(cat "$CHROOT/.synapse-installed")); reusing it"
  exit 0
fi

[[ $EUID -eq 0 ]] || die "install.sh must run as root (mmdebstrap builds the chroot in root mode)"

if ! command -v mmdebstrap >/dev/null; then
  say "installing mmdebstrap on the host (apt-get)"
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q mmdebstrap
fi

mirror="${SYNAPSE_MIRROR:-$(host_debian_mirror)}" || die "no Debian mirror found in /etc/apt/sources.list{,.d/*}; set SYNAPSE_MIRROR=URL"
say "mirror (from the host's apt sources): $mirror; suite: $suite"

if [[ -e "$CHROOT" ]]; then
  say "removing an incomplete chroot left at $CHROOT"
  rm -rf --one-file-system "$CHROOT"
fi
mkdir -p "$(dirname "$CHROOT")"

start=$(date +%s)
say "building the chroot with mmdebstrap (downloads the packages from the mirror)"
# Check-Valid-Until: a mirror that serves a dated snapshot has Release files past their Valid-Until.
# --variant=apt: the smallest base in which apt resolves matrix-synapse's dependencies.
# mmdebstrap keeps daemons from starting while it installs (policy-rc.d), so the package's own
# service never runs; we start Synapse ourselves with our own config (start.sh).
DEBIAN_FRONTEND=noninteractive mmdebstrap \
  --mode=root \
  --variant=apt \
  --aptopt='Acquire::Check-Valid-Until "false"' \
  --aptopt='APT::Install-Recommends "false"' \
  --essential-hook='printf "%s\n" "matrix-synapse matrix-synapse/server-name string localhost" "matrix-synapse matrix-synapse/report-stats boolean false" > "$1/tmp/preseed"; if chroot "$1" sh -c "command -v debconf-set-selections" >/dev/null; then chroot "$1" debconf-set-selections /tmp/preseed; fi' \
  --include=matrix-synapse \
  "$suite" "$CHROOT" "$mirror"
end=$(date +%s)

version="$(chroot "$CHROOT" dpkg-query -W -f='${Version}' matrix-synapse)"
echo "suite=$suite matrix-synapse=$version built=$(date -u +%FT%TZ)" > "$CHROOT/.synapse-installed"
say "done in $((end - start)) s: matrix-synapse $version, chroot size $(du -sh --one-file-system "$CHROOT" | cut -f1)"
