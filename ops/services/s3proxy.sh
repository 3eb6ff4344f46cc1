#!/usr/bin/env bash
# CI real-service leg: S3-compatible object storage for content's media (see ops/s3proxy/s3proxy.sh).
#   start  start the service unless it already runs (idempotent), wait until ready
#   stop   stop what `start` started (exit 0 if nothing runs)
#   env    print the NAME=value lines the test suite needs to use it
set -euo pipefail
cd "$(dirname "$0")/../.."
case "${1:-}" in
  start) bash ops/s3proxy/s3proxy.sh start ;;
  stop) bash ops/s3proxy/s3proxy.sh stop ;;
  env)
    echo "S3_ENDPOINT=http://127.0.0.1:${S3PROXY_PORT:-9500}"
    echo "S3_BUCKET=${S3PROXY_BUCKET:-cloudlab-media}"
    echo "S3_ACCESS_KEY_ID=${S3PROXY_ACCESS_KEY:-cloudlab}"
    echo "S3_SECRET_ACCESS_KEY=${S3PROXY_SECRET_KEY:-cloudlab-local-secret}"
    ;;
  *) echo "usage: $0 start|stop|env" >&2; exit 2 ;;
esac
