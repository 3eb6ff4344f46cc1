#!/usr/bin/env bash
# Local single-node OpenSearch 2.19 (search's optional engine), run straight from Maven Central
# jars: no tarball, no Docker. /work/shared/REAL-SERVICES.md has the measured facts.
#
#   bash ops/opensearch/opensearch.sh start    # fetch jars once, write config, start, wait until it answers
#   bash ops/opensearch/opensearch.sh stop     # SIGTERM, wait up to 30 s, then SIGKILL; exit 0 if not running
#   bash ops/opensearch/opensearch.sh status   # exit 0 if running and answering, 1 otherwise
#
# Env: OPENSEARCH_PORT (9200), OPENSEARCH_TRANSPORT_PORT (9300), OPENSEARCH_DATA_DIR (.cache/data),
#      OPENSEARCH_HEAP (-Xms512m -Xmx512m), OPENSEARCH_JAVA_OPTS (extra JVM options, e.g.
#      -XX:TieredStopAtLevel=1: starts ~2x faster, runs slower; CI sets it), OPENSEARCH_START_TIMEOUT (120 s),
#      OPENSEARCH_USER (as root: the unprivileged user it runs as; default nobody),
#      OPENSEARCH_M2_REPO (Maven local repo; default: Maven's own).
# OpenSearch refuses to run as root: as root it runs as OPENSEARCH_USER through setpriv, owning only
# its data, logs, tmp and config.
set -euo pipefail

DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="$DIR/.cache"
HOME_DIR="$CACHE/home"
STAMP="$CACHE/pom.sha256"
CONF="$CACHE/config"
LOG_DIR="$CACHE/logs"
TMP_DIR="$CACHE/tmp"
PID_FILE="$CACHE/opensearch.pid"
MODULES=(transport-netty4-client lang-painless analysis-common mapper-extras-client)

OPENSEARCH_PORT="${OPENSEARCH_PORT:-9200}"
OPENSEARCH_TRANSPORT_PORT="${OPENSEARCH_TRANSPORT_PORT:-9300}"
OPENSEARCH_DATA_DIR="${OPENSEARCH_DATA_DIR:-$CACHE/data}"
OPENSEARCH_HEAP="${OPENSEARCH_HEAP:--Xms512m -Xmx512m}"
OPENSEARCH_JAVA_OPTS="${OPENSEARCH_JAVA_OPTS:-}"
OPENSEARCH_START_TIMEOUT="${OPENSEARCH_START_TIMEOUT:-120}"
OPENSEARCH_USER="${OPENSEARCH_USER:-nobody}"
HOST="127.0.0.1"

log() { echo "opensearch: $*"; }
die() { echo "opensearch: ERROR: $*" >&2; exit 1; }

answers() { # port -> 0 if an OpenSearch node answers its cluster health on it
  curl -fsS -m 2 "http://$HOST:$1/_cluster/health" 2>/dev/null | grep -q '"status"'
}
port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/$HOST/$1" 2>/dev/null; }

is_ours() { # pid -> 0 if alive and an OpenSearch JVM with our config dir
  local pid="$1" cmd
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  cmd="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)"
  [[ "$cmd" == *"-Dopensearch.path.conf=$CONF "*org.opensearch.bootstrap.OpenSearch* ]]
}

running_pid() {
  local pid="" p
  if [[ -f "$PID_FILE" ]]; then
    pid="$(tr -dc '0-9' <"$PID_FILE" || true)"
    if is_ours "$pid"; then echo "$pid"; return 0; fi
  fi
  for p in /proc/[0-9]*; do
    p="${p#/proc/}"
    if is_ours "$p"; then echo "$p"; return 0; fi
  done
  return 1
}

running_port() {
  local port=""
  [[ -f "$CONF/opensearch.yml" ]] && port="$(sed -n 's/^http.port: *\([0-9]*\)$/\1/p' "$CONF/opensearch.yml")"
  echo "${port:-$OPENSEARCH_PORT}"
}

pom_hash() { { cat "$DIR/pom.xml"; echo "${MODULES[*]}"; for m in "${MODULES[@]}"; do descriptor "$m"; done; } | sha256sum | cut -d" " -f1; }

mvn_copy() { # out-dir, maven args...
  local out="$1"; shift
  local repo_opt=()
  [[ -n "${OPENSEARCH_M2_REPO:-}" ]] && repo_opt=("-Dmaven.repo.local=$OPENSEARCH_M2_REPO")
  mkdir -p "$LOG_DIR"
  if ! mvn -q -B ${repo_opt[@]+"${repo_opt[@]}"} -f "$DIR/pom.xml" "$@" \
    dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$out" >"$LOG_DIR/maven.log" 2>&1; then
    tail -n 40 "$LOG_DIR/maven.log" >&2
    die "maven dependency fetch failed (full output: $LOG_DIR/maven.log)"
  fi
}

# name|classname|extended plugins of each module (the Maven jars carry no plugin descriptor).
descriptor() {
  case "$1" in
    transport-netty4-client) echo "transport-netty4|org.opensearch.transport.Netty4Plugin|" ;;
    lang-painless) echo "lang-painless|org.opensearch.painless.PainlessPlugin|" ;;
    analysis-common) echo "analysis-common|org.opensearch.analysis.common.CommonAnalysisPlugin|lang-painless" ;;
    mapper-extras-client) echo "mapper-extras|org.opensearch.index.mapper.MapperExtrasPlugin|" ;;
  esac
}

fetch_jars() {
  if [[ -f "$STAMP" && "$(cat "$STAMP")" == "$(pom_hash)" && -d "$HOME_DIR/lib" ]]; then return 0; fi
  command -v mvn >/dev/null || die "mvn not found on PATH (needed once to fetch the OpenSearch jars)"
  log "fetching OpenSearch jars with Maven into $HOME_DIR (first time only) ..."
  rm -rf "$HOME_DIR.tmp"
  mkdir -p "$HOME_DIR.tmp/bin" "$HOME_DIR.tmp/plugins"
  mvn_copy "$HOME_DIR.tmp/lib" -Dos.part=lib
  local m name class ext jar
  for m in "${MODULES[@]}"; do
    IFS='|' read -r name class ext <<<"$(descriptor "$m")"
    mvn_copy "$HOME_DIR.tmp/modules/$name" -Dos.part=module -Dos.module="$m"
    # A module's own dependencies minus what lib/ has already (one class loader must not see two copies).
    for jar in "$HOME_DIR.tmp/modules/$name"/*.jar; do
      [[ -f "$HOME_DIR.tmp/lib/$(basename "$jar")" ]] && rm -f "$jar"
    done
    # lang-painless's SPI is what analysis-common extends: it stays only with lang-painless.
    cat >"$HOME_DIR.tmp/modules/$name/plugin-descriptor.properties" <<EOF
description=$name (from Maven Central)
version=2.19.6
name=$name
classname=$class
java.version=17
opensearch.version=2.19.6
extended.plugins=$ext
has.native.controller=false
EOF
    cat >"$HOME_DIR.tmp/modules/$name/plugin-security.policy" <<'EOF'
grant {
  permission java.security.AllPermission;
};
EOF
  done
  rm -rf "$HOME_DIR"
  mv "$HOME_DIR.tmp" "$HOME_DIR"
  pom_hash >"$STAMP"
}

write_config() {
  mkdir -p "$CONF" "$LOG_DIR" "$TMP_DIR" "$OPENSEARCH_DATA_DIR"
  cat >"$CONF/opensearch.yml" <<EOF
# Generated by ops/opensearch/opensearch.sh on each start; edit the script, not this file.
cluster.name: cloudlab-local
node.name: local-1
network.host: $HOST
http.port: $OPENSEARCH_PORT
transport.port: $OPENSEARCH_TRANSPORT_PORT
discovery.type: single-node
path.data: $OPENSEARCH_DATA_DIR
path.logs: $LOG_DIR
# A development node on a shared 2-core box: no disk watermarks blocking writes on a full disk.
cluster.routing.allocation.disk.threshold_enabled: false
action.auto_create_index: false
EOF
  cat >"$CONF/log4j2.properties" <<EOF
status = error
appender.rolling.type = RollingFile
appender.rolling.name = rolling
appender.rolling.fileName = \${sys:opensearch.logs.base_path}\${sys:file.separator}\${sys:opensearch.logs.cluster_name}.log
appender.rolling.filePattern = \${sys:opensearch.logs.base_path}\${sys:file.separator}\${sys:opensearch.logs.cluster_name}-%i.log
appender.rolling.layout.type = PatternLayout
appender.rolling.layout.pattern = [%d{ISO8601}][%-5p][%-25c{1.}] [%node_name]%marker %m%n
appender.rolling.policies.type = Policies
appender.rolling.policies.size.type = SizeBasedTriggeringPolicy
appender.rolling.policies.size.size = 50MB
appender.rolling.strategy.type = DefaultRolloverStrategy
appender.rolling.strategy.max = 3
rootLogger.level = info
rootLogger.appenderRef.rolling.ref = rolling
EOF
  if [[ "$(id -u)" == 0 ]]; then
    id "$OPENSEARCH_USER" >/dev/null 2>&1 || die "user $OPENSEARCH_USER does not exist (set OPENSEARCH_USER)"
    chown -R "$OPENSEARCH_USER" "$CONF" "$LOG_DIR" "$TMP_DIR" "$OPENSEARCH_DATA_DIR"
    chmod -R a+rX "$HOME_DIR"
  fi
}

cmd_start() {
  local pid
  if pid="$(running_pid)"; then
    OPENSEARCH_PORT="$(running_port)"
    log "already running (pid $pid); waiting until it answers on $HOST:$OPENSEARCH_PORT"
  else
    if port_open "$OPENSEARCH_PORT"; then
      answers "$OPENSEARCH_PORT" && { log "a node (not started by this script) answers on $HOST:$OPENSEARCH_PORT; using it"; return 0; }
      die "port $OPENSEARCH_PORT is in use by another process (set OPENSEARCH_PORT)"
    fi
    port_open "$OPENSEARCH_TRANSPORT_PORT" && die "transport port $OPENSEARCH_TRANSPORT_PORT is in use (set OPENSEARCH_TRANSPORT_PORT)"
    command -v java >/dev/null || die "java not found on PATH (OpenSearch 2.19 needs Java 11+)"
    fetch_jars
    write_config
    rm -f "$PID_FILE" "$LOG_DIR/cloudlab-local.log"
    local run=()
    if [[ "$(id -u)" == 0 ]]; then
      run=(setpriv --reuid "$OPENSEARCH_USER" --regid "$(id -g "$OPENSEARCH_USER")" --clear-groups)
    fi
    # shellcheck disable=SC2206 # OPENSEARCH_HEAP is intentionally word-split
    local java=(java $OPENSEARCH_HEAP $OPENSEARCH_JAVA_OPTS -XX:+UseSerialGC -Xss1m -Djava.awt.headless=true
      -Dfile.encoding=UTF-8 -Djava.locale.providers=SPI,COMPAT -Dlog4j2.formatMsgNoLookups=true
      -Dio.netty.noUnsafe=true -Dio.netty.noKeySetOptimization=true -Dio.netty.allocator.numDirectArenas=0
      "-Djava.io.tmpdir=$TMP_DIR" -cp "$HOME_DIR/lib/*"
      "-Dopensearch.path.home=$HOME_DIR" "-Dopensearch.path.conf=$CONF"
      -Dopensearch.distribution.type=tar -Dopensearch.bundled_jdk=false org.opensearch.bootstrap.OpenSearch)
    nohup ${run[@]+"${run[@]}"} "${java[@]}" >"$LOG_DIR/opensearch.out" 2>&1 </dev/null &
    pid=$!
    echo "$pid" >"$PID_FILE"
    log "starting (pid $pid, heap: $OPENSEARCH_HEAP); logs: $LOG_DIR"
  fi
  local t0=$SECONDS deadline=$((SECONDS + OPENSEARCH_START_TIMEOUT))
  while ((SECONDS < deadline)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$PID_FILE"
      tail -n 30 "$LOG_DIR/opensearch.out" >&2 || true
      die "OpenSearch exited during startup (see $LOG_DIR)"
    fi
    if curl -fsS -m 3 "http://$HOST:$OPENSEARCH_PORT/_cluster/health?wait_for_status=yellow&timeout=2s" >/dev/null 2>&1; then
      log "ready on http://$HOST:$OPENSEARCH_PORT after $((SECONDS - t0))s"
      return 0
    fi
    sleep 0.5
  done
  die "not ready after ${OPENSEARCH_START_TIMEOUT}s; see $LOG_DIR (left running; use 'stop')"
}

cmd_stop() {
  local pid
  if ! pid="$(running_pid)"; then rm -f "$PID_FILE"; log "not running"; return 0; fi
  log "stopping (pid $pid) ..."
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + 30))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.3; done
  if kill -0 "$pid" 2>/dev/null; then
    log "still alive after 30s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$PID_FILE"
  log "stopped"
}

cmd_status() {
  local pid port
  if pid="$(running_pid)"; then
    port="$(running_port)"
    if answers "$port"; then log "running (pid $pid) on http://$HOST:$port"; return 0; fi
    log "process $pid alive but not answering on $port (starting or unhealthy)"
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
