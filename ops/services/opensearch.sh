#!/usr/bin/env bash
# CI real-service leg: a single OpenSearch 2.19 node (see ops/opensearch/opensearch.sh), which
# makes search use its OpenSearch engine (OPENSEARCH_URL). Answers start|stop|env like kafka.sh.
# CI starts it with C1 only (-XX:TieredStopAtLevel=1): about half the start time, enough speed for tests.
set -euo pipefail
cd "$(dirname "$0")/../.."
case "${1:-}" in
  start) OPENSEARCH_JAVA_OPTS="${OPENSEARCH_JAVA_OPTS:--XX:TieredStopAtLevel=1}" bash ops/opensearch/opensearch.sh start ;;
  stop) bash ops/opensearch/opensearch.sh stop ;;
  env) echo "OPENSEARCH_URL=http://127.0.0.1:${OPENSEARCH_PORT:-9200}" ;;
  *) echo "usage: $0 start|stop|env" >&2; exit 2 ;;
esac
