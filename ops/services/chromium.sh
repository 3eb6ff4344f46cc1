#!/usr/bin/env bash
# CI real-service leg: Debian's Chromium for the web app's browser stories (test/web.e2e.test.ts,
# playwright-core with executablePath). Every ops/services/*.sh answers
#   start  install the browser unless /usr/bin/chromium exists (idempotent)
#   stop   nothing to stop: the tests launch and close their own browser
#   env    print the NAME=value lines the test suite needs to use it
set -euo pipefail
CHROMIUM=${CHROMIUM_PATH:-/usr/bin/chromium}
case "${1:-}" in
  start)
    if [ ! -x "$CHROMIUM" ]; then
      if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
      $SUDO apt-get install -y chromium >/dev/null || { $SUDO apt-get update >/dev/null && $SUDO apt-get install -y chromium >/dev/null; }
    fi
    "$CHROMIUM" --version >/dev/null
    ;;
  stop) ;;
  env) echo "CHROMIUM_PATH=$CHROMIUM" ;;
  *) echo "usage: $0 start|stop|env" >&2; exit 2 ;;
esac
