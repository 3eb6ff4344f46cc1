# shellcheck shell=bash
# What ops/{kafka,greenmail,s3proxy,opensearch}/*.sh share: a JVM service run straight from Maven
# Central jars, found again through a pid file or a /proc scan, started and waited for, stopped with
# TERM then KILL. Sourced, never run. The sourcing script sets SVC (short name, for messages and the
# <SVC>_M2_REPO variable) before sourcing; DIR becomes the sourcing script's folder (holds pom.xml);
# it then defines these functions (the ones marked optional have a default here):
#   svc_ports      lines "port VARIABLE" that must be free before a start
#   svc_ready      exit 0 when the service answers on its ports
#   svc_where      words saying where it answers, for messages
#   svc_prepare    fetch jars, write config: everything before the launch
#   svc_command    fill JVM_CMD with the command line to launch
#   svc_adopt      optional: load the running instance's ports (it may differ from what the env asks)
#   svc_foreign    optional: exit 0 when a service not started by us answers and may be used as is
#   svc_failed     optional: print more about a JVM that died during start (after its stdout's tail)
# and the variables JVM_MARKS (substrings its JVM's command line holds, in this order: how our
# process is told from any other), START_TIMEOUT and STOP_TIMEOUT (seconds), JAVA_NEEDS (message).

DIR="$(cd "$(dirname "${BASH_SOURCE[1]}")" && pwd)"
CACHE="${CACHE:-$DIR/.cache}"
LOG_DIR="${LOG_DIR:-$CACHE/logs}"
PID_FILE="${PID_FILE:-$CACHE/$SVC.pid}"
OUT_FILE="${OUT_FILE:-$LOG_DIR/$SVC.out}"
POM_STAMP="$CACHE/pom.sha256"
HOST="127.0.0.1"
POLL="${POLL:-0.3}"

log() { echo "$SVC: $*"; }
die() { echo "$SVC: ERROR: $*" >&2; exit 1; }

port_open() { # port -> 0 if something accepts TCP connections on HOST:port
  timeout 2 bash -c "exec 3<>/dev/tcp/$HOST/$1" 2>/dev/null
}

svc_adopt() { :; }
svc_foreign() { return 1; }
svc_failed() { :; }

jvm_is_ours() { # pid -> 0 if alive and its command line holds every JVM_MARKS entry, in order
  local pid="$1" cmd mark
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  cmd="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)"
  for mark in "${JVM_MARKS[@]}"; do
    [[ "$cmd" == *"$mark"* ]] || return 1
    cmd="${cmd#*"$mark"}"
  done
}

jvm_running_pid() { # prints our JVM's pid (pid file first, then a /proc scan for an orphan)
  local pid="" p
  if [[ -f "$PID_FILE" ]]; then
    pid="$(tr -dc '0-9' <"$PID_FILE" || true)"
    if jvm_is_ours "$pid"; then echo "$pid"; return 0; fi
  fi
  for p in /proc/[0-9]*; do
    p="${p#/proc/}"
    if jvm_is_ours "$p"; then echo "$p"; return 0; fi
  done
  return 1
}

jvm_mvn_copy() { # out-dir [maven args...]: the pom's runtime dependencies into out-dir
  local out="$1" repo_var="${SVC^^}_M2_REPO"
  shift
  local repo_opt=()
  [[ -n "${!repo_var:-}" ]] && repo_opt=("-Dmaven.repo.local=${!repo_var}")
  mkdir -p "$LOG_DIR"
  # -q prints only errors; its output goes to a log because Debian's mvn emits stray ANSI codes even with -B.
  if ! mvn -q -B ${repo_opt[@]+"${repo_opt[@]}"} -f "$DIR/pom.xml" "$@" \
    dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$out" >"$LOG_DIR/maven.log" 2>&1; then
    tail -n 40 "$LOG_DIR/maven.log" >&2
    die "maven dependency fetch failed (full output: $LOG_DIR/maven.log)"
  fi
}

# dest [builder [fingerprint]]: fill dest once per pom.xml (+ fingerprint) content. The builder is
# called with dest.tmp (default: jvm_mvn_copy); the stamp is written last, so it means "complete".
jvm_fetch() {
  local dest="$1" builder="${2:-jvm_mvn_copy}" hash
  hash="$({ cat "$DIR/pom.xml"; echo "${3:-}"; } | sha256sum | cut -d' ' -f1)"
  if [[ -d "$dest" && -f "$POM_STAMP" && "$(cat "$POM_STAMP")" == "$hash" ]]; then return 0; fi
  command -v mvn >/dev/null || die "mvn not found on PATH (needed once to fetch the $SVC jars)"
  log "fetching $SVC jars with Maven into $dest (first time only) ..."
  mkdir -p "$CACHE" "$LOG_DIR"
  rm -rf "$dest.tmp" "$POM_STAMP"
  "$builder" "$dest.tmp"
  rm -rf "$dest"
  mv "$dest.tmp" "$dest"
  echo "$hash" >"$POM_STAMP"
}

jvm_find_jar() { # glob -> the one jar matching it, or die
  local jars
  # shellcheck disable=SC2206 # the glob is meant to expand
  jars=($1)
  [[ -f "${jars[0]}" ]] || die "maven put no jar matching $1"
  echo "${jars[0]}"
}

jvm_launch() { # start unless running; sets JVM_PID and JVM_UP (1 = was already answering)
  JVM_UP=0
  if JVM_PID="$(jvm_running_pid)"; then
    svc_adopt
    if svc_ready; then
      echo "$JVM_PID" >"$PID_FILE"
      log "already running (pid $JVM_PID): $(svc_where)"
      JVM_UP=1
      return 0
    fi
    log "process $JVM_PID exists but is not answering yet; waiting for it"
    return 0
  fi
  if svc_foreign; then JVM_UP=1; return 0; fi
  local port var
  while read -r port var; do
    port_open "$port" && die "port $port is already in use by another process (set $var)"
  done < <(svc_ports)
  command -v java >/dev/null || die "java not found on PATH ($JAVA_NEEDS)"
  svc_prepare
  mkdir -p "$LOG_DIR"
  [[ -f "$OUT_FILE" ]] && mv -f "$OUT_FILE" "$OUT_FILE.prev"
  rm -f "$PID_FILE"
  svc_command
  nohup "${JVM_CMD[@]}" >"$OUT_FILE" 2>&1 </dev/null &
  JVM_PID=$!
  echo "$JVM_PID" >"$PID_FILE"
  log "starting (pid $JVM_PID); logs: $LOG_DIR"
}

jvm_wait_ready() { # pid -> 0 once svc_ready, die if the JVM exits or START_TIMEOUT passes
  local pid="$1" t0=$SECONDS deadline=$((SECONDS + START_TIMEOUT))
  while ((SECONDS < deadline)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$PID_FILE"
      echo "---- last lines of $OUT_FILE ----" >&2
      tail -n 20 "$OUT_FILE" >&2 || true
      svc_failed >&2
      die "$SVC exited during startup"
    fi
    if svc_ready; then
      log "ready: $(svc_where) after $((SECONDS - t0))s"
      return 0
    fi
    sleep "$POLL"
  done
  die "$SVC (pid $pid) not ready after ${START_TIMEOUT}s; see $LOG_DIR (it is left running; use 'stop')"
}

jvm_start() {
  jvm_launch
  ((JVM_UP)) || jvm_wait_ready "$JVM_PID"
}

jvm_stop() { # SIGTERM, STOP_TIMEOUT seconds, then SIGKILL; 0 if nothing runs
  local pid
  if ! pid="$(jvm_running_pid)"; then
    rm -f "$PID_FILE"
    log "not running"
    return 0
  fi
  log "stopping (pid $pid) ..."
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + STOP_TIMEOUT))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.3; done
  if kill -0 "$pid" 2>/dev/null; then
    log "still alive after ${STOP_TIMEOUT}s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
  fi
  rm -f "$PID_FILE"
  log "stopped"
}

jvm_status() { # 0 if running and answering
  local pid
  if pid="$(jvm_running_pid)"; then
    svc_adopt
    if svc_ready; then log "running (pid $pid): $(svc_where)"; return 0; fi
    log "process $pid alive but not answering (starting or unhealthy)"
    return 1
  fi
  log "not running"
  return 1
}

jvm_main() { # the command line every service script answers
  case "${1:-}" in
    start) jvm_start ;;
    stop) jvm_stop ;;
    status) jvm_status ;;
    *) echo "usage: $0 {start|stop|status}" >&2; exit 2 ;;
  esac
}
