#!/usr/bin/env bash
# CI real-service leg: a three-broker Kafka cluster (ops/kafka/kafka.sh --brokers 3; ports 19092-19094,
# controllers 19192-19194, beside the single development broker). Its env line makes
# test/kafka-cluster.e2e.test.ts run: the order saga on the cluster while one broker is killed.
#   start  start the brokers that are not running (idempotent), wait until all are ready
#   stop   stop what `start` started (exit 0 if nothing runs)
#   env    print the NAME=value lines the test suite needs to use it
set -euo pipefail
cd "$(dirname "$0")/../.."
case "${1:-}" in
  start | stop) bash ops/kafka/kafka.sh "$1" --brokers 3 ;;
  env) echo "KAFKA_CLUSTER_BROKERS=$(bash ops/kafka/kafka.sh brokers --brokers 3)" ;;
  *) echo "usage: $0 start|stop|env" >&2; exit 2 ;;
esac
