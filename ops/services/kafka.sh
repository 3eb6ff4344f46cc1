#!/usr/bin/env bash
# CI real-service leg: a Kafka broker (see ops/kafka/kafka.sh). Every ops/services/*.sh answers
#   start  start the service unless it already runs (idempotent), wait until ready
#   stop   stop what `start` started (exit 0 if nothing runs)
#   env    print the NAME=value lines the test suite needs to use it
set -euo pipefail
cd "$(dirname "$0")/../.."
case "${1:-}" in
  start) bash ops/kafka/kafka.sh start ;;
  stop) bash ops/kafka/kafka.sh stop ;;
  env) echo "KAFKA_BROKERS=127.0.0.1:${KAFKA_PORT:-9092}" ;;
  *) echo "usage: $0 start|stop|env" >&2; exit 2 ;;
esac
