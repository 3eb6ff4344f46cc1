#!/usr/bin/env bash
# Local GreenMail 2.1.13 test mail server (SMTP + IMAP + a REST API to read what arrived), run
# straight from the Maven Central jar `com.icegreen:greenmail-standalone`. No Docker, no install.
# Mail is kept in memory only: a restart starts with empty mailboxes. Every recipient address is
# accepted (a mailbox is made on first delivery) and no authentication is asked for.
#
#   bash ops/greenmail/greenmail.sh start    # fetch the jar if needed, start, wait until ready (idempotent)
#   bash ops/greenmail/greenmail.sh stop     # SIGTERM, up to 15 s, then SIGKILL; exit 0 if not running
#   bash ops/greenmail/greenmail.sh status   # exit 0 if running and answering, 1 otherwise
#
# Env: GREENMAIL_SMTP_PORT (3025), GREENMAIL_IMAP_PORT (3143), GREENMAIL_API_PORT (3080),
#      GREENMAIL_HEAP_OPTS (-Xms32m -Xmx256m), GREENMAIL_START_TIMEOUT (60 s),
#      GREENMAIL_M2_REPO (Maven local repo; default: Maven's own, i.e. ~/.m2/repository).
set -euo pipefail

SVC=greenmail
# shellcheck source=../lib/jvm-service.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/jvm-service.sh"
LIB="$CACHE/lib"
PORTS_FILE="$CACHE/ports"

SMTP="${GREENMAIL_SMTP_PORT:-3025}"
IMAP="${GREENMAIL_IMAP_PORT:-3143}"
API="${GREENMAIL_API_PORT:-3080}"
GREENMAIL_HEAP_OPTS="${GREENMAIL_HEAP_OPTS:--Xms32m -Xmx256m}"
START_TIMEOUT="${GREENMAIL_START_TIMEOUT:-60}"
STOP_TIMEOUT=15
JAVA_NEEDS="GreenMail 2.1 needs Java 11+"
MAIN="com.icegreen.greenmail.standalone.GreenMailStandaloneRunner"
# The tag marks our JVM's command line, so stop/status never touch another GreenMail.
TAG="-Dcloudlab.greenmail.home=$DIR"
JVM_MARKS=("$TAG" "$MAIN")

svc_ports() { echo "$SMTP GREENMAIL_SMTP_PORT"; echo "$IMAP GREENMAIL_IMAP_PORT"; echo "$API GREENMAIL_API_PORT"; }
svc_where() { echo "SMTP $HOST:$SMTP, IMAP $HOST:$IMAP, API http://$HOST:$API"; }
svc_ready() { port_open "$SMTP" && curl -fsS --max-time 2 "http://$HOST:$API/api/service/readiness" >/dev/null 2>&1; }

svc_adopt() { # the ports the running server was started with
  [[ -f "$PORTS_FILE" ]] || return 0
  local want="$SMTP $API"
  read -r SMTP IMAP API <"$PORTS_FILE"
  [[ "$SMTP $API" == "$want" ]] \
    || log "WARNING: the running server listens on SMTP $SMTP / API $API, not the ports asked for; 'stop' it first to change ports"
}

svc_prepare() {
  jvm_fetch "$LIB"
  echo "$SMTP $IMAP $API" >"$PORTS_FILE"
}

svc_command() {
  # greenmail-standalone is one self-contained jar (its dependencies shaded in).
  # shellcheck disable=SC2206 # GREENMAIL_HEAP_OPTS is intentionally word-split
  JVM_CMD=(java $GREENMAIL_HEAP_OPTS -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true "$TAG"
    -Dgreenmail.smtp.hostname="$HOST" -Dgreenmail.smtp.port="$SMTP"
    -Dgreenmail.imap.hostname="$HOST" -Dgreenmail.imap.port="$IMAP"
    -Dgreenmail.api.hostname="$HOST" -Dgreenmail.api.port="$API"
    -Dgreenmail.auth.disabled
    -cp "$(jvm_find_jar "$LIB/greenmail-standalone-*.jar")" "$MAIN")
}

jvm_main "$@"
