#!/usr/bin/env bash
# Build (once) Dendrite's binaries with `go install` through the Go module proxy, into .dendrite/bin/VERSION.
#
# Usage: bash scripts/dendrite/install.sh     (idempotent: binaries already built are reused)
#   DENDRITE_VERSION=vX.Y.Z   another release (default v0.13.8, the last Apache-2.0 one)
#   DENDRITE_DIR=DIR          where everything lives (default .dendrite/ in the repo)
# Needs Go (1.21 or newer) and a C compiler: Dendrite's SQLite driver is cgo.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/dendrite/common.sh
source "$here/common.sh"

commands=(dendrite generate-keys generate-config create-account)
have_all=1
for c in "${commands[@]}"; do [[ -x "$BIN/$c" ]] || have_all=0; done
if ((have_all)); then
  say "Dendrite $DENDRITE_VERSION already built in $BIN; reusing it"
  exit 0
fi

command -v go >/dev/null || die "no Go toolchain on PATH: install Go 1.21 or newer (Debian: apt-get install golang-go), then run again"
go_version="$(go env GOVERSION)"
[[ "$go_version" =~ ^go1\.([0-9]+) ]] && ((BASH_REMATCH[1] >= 21)) \
  || die "Go $go_version is too old: Dendrite $DENDRITE_VERSION needs Go 1.21 or newer"
cc="$(go env CC)"
cc="${cc:-gcc}"
command -v "$cc" >/dev/null \
  || die "no C compiler ($cc): Dendrite's SQLite driver needs cgo; install one (Debian: apt-get install gcc), then run again"

say "building Dendrite $DENDRITE_VERSION with go install (Go module proxy: $(go env GOPROXY)) into $BIN"
start=$(date +%s)
mkdir -p "$BIN"
pkgs=()
for c in "${commands[@]}"; do pkgs+=("$DENDRITE_MODULE/cmd/$c@$DENDRITE_VERSION"); done
GOBIN="$BIN" CGO_ENABLED=1 GOFLAGS="${GOFLAGS:-} -buildvcs=false" go install "${pkgs[@]}" \
  || die "go install of Dendrite $DENDRITE_VERSION failed (output above)"
say "built in $(($(date +%s) - start)) s: $(cd "$BIN" && echo "${commands[*]}")"
