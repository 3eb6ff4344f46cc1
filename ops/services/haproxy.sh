#!/usr/bin/env bash
# CI real-service leg: HAProxy from Debian (ops/haproxy/install.sh), the load balancer of
# `pnpm start --replicas N`. Nothing runs as a service: each stack starts its own HAProxy
# process. With it installed, ops/scale/rollout.test.ts runs against a real HAProxy (the
# whole-stack story, test/rollout.e2e.test.ts, also needs E2E_REPLICAS=1: not run by CI).
#   start  install HAProxy unless it is on PATH (idempotent)
#   stop   nothing to stop
#   env    nothing
set -euo pipefail
cd "$(dirname "$0")/../.."
case "${1:-}" in
  start) bash ops/haproxy/install.sh && echo "haproxy: $(haproxy -v | head -1)" ;;
  stop) ;;
  env) ;;
  *) echo "usage: $0 start|stop|env" >&2; exit 2 ;;
esac
