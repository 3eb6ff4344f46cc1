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

DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="$DIR/.cache"
LIB="$CACHE/lib"
JAR_FILE="$CACHE/jar.txt"
POM_STAMP="$CACHE/pom.sha256"
LOG_DIR="$CACHE/logs"
PID_FILE="$CACHE/greenmail.pid"
PORTS_FILE="$CACHE/ports"

GREENMAIL_SMTP_PORT="${GREENMAIL_SMTP_PORT:-3025}"
GREENMAIL_IMAP_PORT="${GREENMAIL_IMAP_PORT:-3143}"
GREENMAIL_API_PORT="${GREENMAIL_API_PORT:-3080}"
GREENMAIL_HEAP_OPTS="${GREENMAIL_HEAP_OPTS:--Xms32m -Xmx256m}"
GREENMAIL_START_TIMEOUT="${GREENMAIL_START_TIMEOUT:-60}"
HOST="127.0.0.1"
MAIN="com.icegreen.greenmail.standalone.GreenMailStandaloneRunner"
# Marks our JVM's command line, so stop/status never touch another GreenMail.
TAG="-Dcloudlab.greenmail.home=$DIR"

log() { echo "greenmail: $*"; }
die() { echo "greenmail: ERROR: $*" >&2; exit 1; }

port_open() { # port -> 0 if something accepts TCP connections on 127.0.0.1:port
  timeout 2 bash -c "exec 3<>/dev/tcp/$HOST/$1" 2>/dev/null
}

api_ready() { # port -> 0 if the REST API says the service runs
  curl -fsS --max-time 2 "http://$HOST:$1/api/service/readiness" >/dev/null 2>&1
}

is_ours() { # pid -> 0 if pid is alive and is a GreenMail JVM started by this script
  local pid="$1"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  local cmd
  cmd="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)"
  [[ "$cmd" == *"$TAG"*"$MAIN"* ]]
}

running_pid() { # prints the server pid if running (pid file first, then a scan for an orphan)
  local pid=""
  if [[ -f "$PID_FILE" ]]; then
    pid="$(tr -dc '0-9' <"$PID_FILE" || true)"
    if is_ours "$pid"; then echo "$pid"; return 0; fi
  fi
  local p
  for p in /proc/[0-9]*; do
    p="${p#/proc/}"
    if is_ours "$p"; then echo "$p"; return 0; fi
  done
  return 1
}

running_ports() { # "smtp imap api" of the running server (what it was started with)
  if [[ -f "$PORTS_FILE" ]]; then cat "$PORTS_FILE"; else echo "$GREENMAIL_SMTP_PORT $GREENMAIL_IMAP_PORT $GREENMAIL_API_PORT"; fi
}

pom_hash() { sha256sum "$DIR/pom.xml" | cut -d' ' -f1; }

fetch_deps() {
  if [[ -f "$JAR_FILE" && -f "$POM_STAMP" && "$(cat "$POM_STAMP")" == "$(pom_hash)" ]]; then
    return 0
  fi
  command -v mvn >/dev/null || die "mvn not found on PATH (needed once to fetch the GreenMail jar)"
  log "fetching GreenMail with Maven into $LIB (first time only) ..."
  mkdir -p "$CACHE" "$LOG_DIR"
  rm -rf "$LIB.tmp"
  local repo_opt=()
  [[ -n "${GREENMAIL_M2_REPO:-}" ]] && repo_opt=("-Dmaven.repo.local=$GREENMAIL_M2_REPO")
  if ! mvn -q -B ${repo_opt[@]+"${repo_opt[@]}"} -f "$DIR/pom.xml" \
    dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$LIB.tmp" \
    >"$LOG_DIR/maven.log" 2>&1; then
    tail -n 40 "$LOG_DIR/maven.log" >&2
    die "maven dependency fetch failed (full output: $LOG_DIR/maven.log)"
  fi
  rm -rf "$LIB"
  mv "$LIB.tmp" "$LIB"
  # greenmail-standalone is one self-contained jar (its dependencies shaded in).
  local jar
  jar="$(ls "$LIB"/greenmail-standalone-*.jar 2>/dev/null | head -n1)"
  [[ -n "$jar" ]] || die "maven put no greenmail-standalone jar in $LIB"
  echo "$jar" >"$JAR_FILE.tmp"
  mv "$JAR_FILE.tmp" "$JAR_FILE"
  pom_hash >"$POM_STAMP"
}

cmd_start() {
  local pid smtp imap api
  if pid="$(running_pid)"; then
    read -r smtp imap api < <(running_ports)
    [[ "$smtp" == "$GREENMAIL_SMTP_PORT" && "$api" == "$GREENMAIL_API_PORT" ]] \
      || log "WARNING: the running server listens on SMTP $smtp / API $api, not the ports asked for; 'stop' it first to change ports"
    if port_open "$smtp" && api_ready "$api"; then
      echo "$pid" >"$PID_FILE"
      log "already running (pid $pid): SMTP $HOST:$smtp, IMAP $HOST:$imap, API http://$HOST:$api"
      return 0
    fi
    log "process $pid exists but is not answering yet; waiting for it"
  else
    smtp="$GREENMAIL_SMTP_PORT" imap="$GREENMAIL_IMAP_PORT" api="$GREENMAIL_API_PORT"
    local p
    for p in "$smtp" "$imap" "$api"; do
      if port_open "$p"; then die "port $p is already in use by another process (set GREENMAIL_SMTP_PORT / _IMAP_PORT / _API_PORT)"; fi
    done
    command -v java >/dev/null || die "java not found on PATH (GreenMail 2.1 needs Java 11+)"
    fetch_deps
    mkdir -p "$LOG_DIR"
    [[ -f "$LOG_DIR/greenmail.out" ]] && mv -f "$LOG_DIR/greenmail.out" "$LOG_DIR/greenmail.out.prev"
    rm -f "$PID_FILE"
    echo "$smtp $imap $api" >"$PORTS_FILE"
    # shellcheck disable=SC2086 # GREENMAIL_HEAP_OPTS is intentionally word-split
    nohup java $GREENMAIL_HEAP_OPTS -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true "$TAG" \
      -Dgreenmail.smtp.hostname="$HOST" -Dgreenmail.smtp.port="$smtp" \
      -Dgreenmail.imap.hostname="$HOST" -Dgreenmail.imap.port="$imap" \
      -Dgreenmail.api.hostname="$HOST" -Dgreenmail.api.port="$api" \
      -Dgreenmail.auth.disabled \
      -cp "$(cat "$JAR_FILE")" "$MAIN" >"$LOG_DIR/greenmail.out" 2>&1 </dev/null &
    pid=$!
    echo "$pid" >"$PID_FILE"
    log "starting (pid $pid); log: $LOG_DIR/greenmail.out"
  fi

  local t0=$SECONDS deadline=$((SECONDS + GREENMAIL_START_TIMEOUT))
  while ((SECONDS < deadline)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$PID_FILE"
      echo "---- last lines of $LOG_DIR/greenmail.out ----" >&2
      tail -n 20 "$LOG_DIR/greenmail.out" >&2 || true
      die "GreenMail exited during startup"
    fi
    if port_open "$smtp" && api_ready "$api"; then
      log "ready: SMTP $HOST:$smtp, IMAP $HOST:$imap, API http://$HOST:$api after $((SECONDS - t0))s"
      return 0
    fi
    sleep 0.3
  done
  die "GreenMail (pid $pid) not ready after ${GREENMAIL_START_TIMEOUT}s; see $LOG_DIR/greenmail.out (it is left running; use 'stop')"
}

cmd_stop() {
  local pid
  if ! pid="$(running_pid)"; then
    rm -f "$PID_FILE"
    log "not running"
    return 0
  fi
  log "stopping (pid $pid) ..."
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + 15))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.3; done
  if kill -0 "$pid" 2>/dev/null; then
    log "still alive after 15s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
  fi
  rm -f "$PID_FILE"
  log "stopped"
}

cmd_status() {
  local pid smtp imap api
  if pid="$(running_pid)"; then
    read -r smtp imap api < <(running_ports)
    if port_open "$smtp" && api_ready "$api"; then
      log "running (pid $pid): SMTP $HOST:$smtp, IMAP $HOST:$imap, API http://$HOST:$api"
      return 0
    fi
    log "process $pid alive but not answering (starting or unhealthy)"
    return 1
  fi
  log "not running"
  return 1
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *) echo "usage: $0 {start|stop|status}" >&2; exit 2 ;;
esac
