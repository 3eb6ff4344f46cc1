#!/usr/bin/env bash
# CI real-service leg: promtool (Debian's `prometheus` package) for ops/observability's rule
# checks and rule unit tests. Only the binary is used: no Prometheus server is started.
set -euo pipefail
case "${1:-}" in
  start)
    command -v promtool >/dev/null 2>&1 && exit 0
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    # The package's own service is not started in containers without systemd; stop it where it is.
    apt-get install -y -qq --no-install-recommends prometheus >/dev/null
    if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet prometheus 2>/dev/null; then
      systemctl stop prometheus && systemctl disable prometheus >/dev/null 2>&1 || true
    fi
    ;;
  stop) exit 0 ;;
  env) command -v promtool >/dev/null 2>&1 && echo "PROMTOOL=$(command -v promtool)" || true ;;
  *) echo "usage: $0 start|stop|env" >&2; exit 2 ;;
esac
