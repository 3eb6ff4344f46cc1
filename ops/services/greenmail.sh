#!/usr/bin/env bash
# CI real-service leg: GreenMail, a real SMTP server (see ops/greenmail/greenmail.sh). With its env
# the notifications subgraph sends to it (SMTP_URL) instead of its in-process development mailbox,
# and the e2e tests read what arrived through GreenMail's REST API (GREENMAIL_API_URL).
#   start  start the service unless it already runs (idempotent), wait until ready
#   stop   stop what `start` started (exit 0 if nothing runs)
#   env    print the NAME=value lines the test suite needs to use it
set -euo pipefail
cd "$(dirname "$0")/../.."
case "${1:-}" in
  start) bash ops/greenmail/greenmail.sh start ;;
  stop) bash ops/greenmail/greenmail.sh stop ;;
  env)
    echo "SMTP_URL=smtp://127.0.0.1:${GREENMAIL_SMTP_PORT:-3025}"
    echo "GREENMAIL_API_URL=http://127.0.0.1:${GREENMAIL_API_PORT:-3080}"
    ;;
  *) echo "usage: $0 start|stop|env" >&2; exit 2 ;;
esac
