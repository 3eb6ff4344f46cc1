#!/usr/bin/env bash
# Local S3Proxy 2.6.0: a real S3 API (SigV2/SigV4 signatures, presigned URLs, 403 on a tampered or
# expired one) over a folder, run straight from the Maven Central jar
# `org.gaul:s3proxy:2.6.0:jar-with-dependencies`. No Docker, no install. It does not enforce
# presigned POST policies: content's confirm step checks sizes and types itself.
#
#   bash ops/s3proxy/s3proxy.sh start    # fetch the jar if needed, start, wait until ready (idempotent)
#   bash ops/s3proxy/s3proxy.sh stop     # SIGTERM, up to 15 s, then SIGKILL; exit 0 if not running
#   bash ops/s3proxy/s3proxy.sh status   # exit 0 if running and answering, 1 otherwise
#
# Env: S3PROXY_PORT (9500), S3PROXY_BUCKET (cloudlab-media), S3PROXY_ACCESS_KEY (cloudlab),
#      S3PROXY_SECRET_KEY (cloudlab-local-secret), S3PROXY_DATA_DIR (.cache/data),
#      S3PROXY_HEAP_OPTS (-Xms32m -Xmx256m), S3PROXY_START_TIMEOUT (60 s),
#      S3PROXY_M2_REPO (Maven local repo; default: Maven's own, i.e. ~/.m2/repository).
set -euo pipefail

DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="$DIR/.cache"
LIB="$CACHE/lib"
JAR_FILE="$CACHE/jar.txt"
POM_STAMP="$CACHE/pom.sha256"
LOG_DIR="$CACHE/logs"
PID_FILE="$CACHE/s3proxy.pid"
PORT_FILE="$CACHE/port"
CONFIG="$CACHE/s3proxy.properties"

S3PROXY_PORT="${S3PROXY_PORT:-9500}"
S3PROXY_BUCKET="${S3PROXY_BUCKET:-cloudlab-media}"
S3PROXY_ACCESS_KEY="${S3PROXY_ACCESS_KEY:-cloudlab}"
S3PROXY_SECRET_KEY="${S3PROXY_SECRET_KEY:-cloudlab-local-secret}"
S3PROXY_DATA_DIR="${S3PROXY_DATA_DIR:-$CACHE/data}"
S3PROXY_HEAP_OPTS="${S3PROXY_HEAP_OPTS:--Xms32m -Xmx256m}"
S3PROXY_START_TIMEOUT="${S3PROXY_START_TIMEOUT:-60}"
HOST="127.0.0.1"
MAIN="org.gaul.s3proxy.Main"
# Marks our JVM's command line, so stop/status never touch another S3Proxy.
TAG="-Dcloudlab.s3proxy.home=$DIR"

log() { echo "s3proxy: $*"; }
die() { echo "s3proxy: ERROR: $*" >&2; exit 1; }

answering() { # port -> 0 if S3Proxy answers HTTP (403 to an unsigned request is an answer)
  local code
  code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://$HOST:$1/" 2>/dev/null || true)"
  [[ "$code" =~ ^[2-4][0-9][0-9]$ ]]
}

port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/$HOST/$1" 2>/dev/null; }

is_ours() { # pid -> 0 if pid is alive and is an S3Proxy JVM started by this script
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

running_port() { if [[ -f "$PORT_FILE" ]]; then cat "$PORT_FILE"; else echo "$S3PROXY_PORT"; fi; }

pom_hash() { sha256sum "$DIR/pom.xml" | cut -d' ' -f1; }

fetch_deps() {
  if [[ -f "$JAR_FILE" && -f "$(cat "$JAR_FILE")" && -f "$POM_STAMP" && "$(cat "$POM_STAMP")" == "$(pom_hash)" ]]; then
    return 0
  fi
  command -v mvn >/dev/null || die "mvn not found on PATH (needed once to fetch the S3Proxy jar)"
  log "fetching S3Proxy with Maven into $LIB (first time only) ..."
  mkdir -p "$CACHE" "$LOG_DIR"
  rm -rf "$LIB.tmp"
  local repo_opt=()
  [[ -n "${S3PROXY_M2_REPO:-}" ]] && repo_opt=("-Dmaven.repo.local=$S3PROXY_M2_REPO")
  if ! mvn -q -B ${repo_opt[@]+"${repo_opt[@]}"} -f "$DIR/pom.xml" \
    dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$LIB.tmp" \
    >"$LOG_DIR/maven.log" 2>&1; then
    tail -n 40 "$LOG_DIR/maven.log" >&2
    die "maven dependency fetch failed (full output: $LOG_DIR/maven.log)"
  fi
  rm -rf "$LIB"
  mv "$LIB.tmp" "$LIB"
  local jar
  jar="$(ls "$LIB"/s3proxy-*-jar-with-dependencies.jar 2>/dev/null | head -n1)"
  [[ -n "$jar" ]] || die "maven put no s3proxy jar-with-dependencies in $LIB"
  echo "$jar" >"$JAR_FILE.tmp"
  mv "$JAR_FILE.tmp" "$JAR_FILE"
  pom_hash >"$POM_STAMP"
}

write_config() { # port
  mkdir -p "$S3PROXY_DATA_DIR/$S3PROXY_BUCKET"
  cat >"$CONFIG.tmp" <<PROPS
s3proxy.endpoint=http://$HOST:$1
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$S3PROXY_ACCESS_KEY
s3proxy.credential=$S3PROXY_SECRET_KEY
s3proxy.cors-allow-origins=*
s3proxy.cors-allow-methods=GET PUT HEAD
s3proxy.cors-allow-headers=Content-Type
s3proxy.cors-exposed-headers=ETag
jclouds.provider=filesystem-nio2
jclouds.identity=$S3PROXY_ACCESS_KEY
jclouds.credential=$S3PROXY_SECRET_KEY
jclouds.filesystem.basedir=$S3PROXY_DATA_DIR
PROPS
  mv "$CONFIG.tmp" "$CONFIG"
}

cmd_start() {
  local pid port
  if pid="$(running_pid)"; then
    port="$(running_port)"
    [[ "$port" == "$S3PROXY_PORT" ]] || log "WARNING: the running server listens on $port, not $S3PROXY_PORT; 'stop' it first to change ports"
    if answering "$port"; then
      echo "$pid" >"$PID_FILE"
      log "already running (pid $pid): http://$HOST:$port, bucket $S3PROXY_BUCKET"
      return 0
    fi
    log "process $pid exists but is not answering yet; waiting for it"
  else
    port="$S3PROXY_PORT"
    if port_open "$port"; then die "port $port is already in use by another process (set S3PROXY_PORT)"; fi
    command -v java >/dev/null || die "java not found on PATH (S3Proxy 2.6 needs Java 17+)"
    fetch_deps
    mkdir -p "$LOG_DIR"
    write_config "$port"
    [[ -f "$LOG_DIR/s3proxy.out" ]] && mv -f "$LOG_DIR/s3proxy.out" "$LOG_DIR/s3proxy.out.prev"
    rm -f "$PID_FILE"
    echo "$port" >"$PORT_FILE"
    # shellcheck disable=SC2086 # S3PROXY_HEAP_OPTS is intentionally word-split
    nohup java $S3PROXY_HEAP_OPTS -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true "$TAG" \
      -cp "$(cat "$JAR_FILE")" "$MAIN" --properties "$CONFIG" >"$LOG_DIR/s3proxy.out" 2>&1 </dev/null &
    pid=$!
    echo "$pid" >"$PID_FILE"
    log "starting (pid $pid); log: $LOG_DIR/s3proxy.out"
  fi

  local t0=$SECONDS deadline=$((SECONDS + S3PROXY_START_TIMEOUT))
  while ((SECONDS < deadline)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$PID_FILE"
      echo "---- last lines of $LOG_DIR/s3proxy.out ----" >&2
      tail -n 20 "$LOG_DIR/s3proxy.out" >&2 || true
      die "S3Proxy exited during startup"
    fi
    if answering "$port"; then
      log "ready: http://$HOST:$port, bucket $S3PROXY_BUCKET after $((SECONDS - t0))s"
      return 0
    fi
    sleep 0.3
  done
  die "S3Proxy (pid $pid) not ready after ${S3PROXY_START_TIMEOUT}s; see $LOG_DIR/s3proxy.out (it is left running; use 'stop')"
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
  local pid port
  if pid="$(running_pid)"; then
    port="$(running_port)"
    if answering "$port"; then
      log "running (pid $pid): http://$HOST:$port, bucket $S3PROXY_BUCKET"
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
