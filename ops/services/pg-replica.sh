#!/usr/bin/env bash
# CI real-service leg: a PostgreSQL primary + streaming replica of the project's own
# (ops/postgres-replica/pg-pair.sh; the shared server on 5432 keeps serving every other test).
#   start  start the pair unless it runs (idempotent), wait until the replica streams
#   stop   stop both (exit 0 if nothing runs)
#   env    the pair for test/read-replica.e2e.test.ts — not DATABASE_URL, which stays the shared server
set -euo pipefail
cd "$(dirname "$0")/../.."
case "${1:-}" in
  start) bash ops/postgres-replica/pg-pair.sh start ;;
  stop) bash ops/postgres-replica/pg-pair.sh stop ;;
  env) bash ops/postgres-replica/pg-pair.sh env | sed 's/^DATABASE_URL=/PG_PAIR_PRIMARY_URL=/; s/^DATABASE_READ_URL=/PG_PAIR_REPLICA_URL=/' ;;
  *) echo "usage: $0 start|stop|env" >&2; exit 2 ;;
esac
