#!/usr/bin/env bash
# CI real-service leg: kubectl (with kustomize) for ops/k8s/manifests.test.ts. Nothing runs: the
# manifests are rendered offline. `start` installs kubectl when missing (the machine image has
# 1.32; Debian's own kubernetes-client is 1.20, too old for kustomize v5: the test then skips).
set -euo pipefail
case "${1:-}" in
  start)
    command -v kubectl >/dev/null 2>&1 && exit 0
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends kubectl >/dev/null 2>&1 \
      || apt-get install -y -qq --no-install-recommends kubernetes-client >/dev/null
    ;;
  stop) exit 0 ;;
  env) command -v kubectl >/dev/null 2>&1 && echo "KUBECTL=$(command -v kubectl)" || true ;;
  *) echo "usage: $0 start|stop|env" >&2; exit 2 ;;
esac
