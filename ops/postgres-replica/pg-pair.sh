#!/usr/bin/env bash
# A PostgreSQL primary + streaming read replica owned by the project (Debian's PostgreSQL 15
# binaries; the shared server on 5432 is never touched). For DATABASE_READ_URL (kit/src/db/read-replica.ts).
#
#   bash ops/postgres-replica/pg-pair.sh start           # initdb + start the primary, pg_basebackup -R the replica, start it, wait until streaming
#   bash ops/postgres-replica/pg-pair.sh stop            # stop both (replica first); exit 0 if nothing runs
#   bash ops/postgres-replica/pg-pair.sh stop-replica    # stop the replica only (fast shutdown)
#   bash ops/postgres-replica/pg-pair.sh start-replica   # start it again and wait until it streams
#   bash ops/postgres-replica/pg-pair.sh status          # pg_stat_replication as the primary sees it; exit 1 unless streaming
#   bash ops/postgres-replica/pg-pair.sh env             # DATABASE_URL=… DATABASE_READ_URL=… for `pnpm start`
#
# Env: PG_PAIR_DIR (/tmp/cloudlab-pg-pair), PG_PAIR_PRIMARY_PORT (5441), PG_PAIR_REPLICA_PORT (5442),
#      PG_PAIR_BIN (/usr/lib/postgresql/15/bin), PG_PAIR_USER (as root: the OS user the servers run
#      as, default postgres — initdb and postgres refuse root), PG_PAIR_MAX_CONNECTIONS (300),
#      PG_PAIR_START_TIMEOUT (90 s).
# Both servers trust every local connection (development and CI only). The replica streams through
# a physical replication slot, so the primary keeps the WAL a stopped replica has not received yet
# (it catches up when started again; a replica left stopped for long fills the primary's disk).
set -euo pipefail

DIR="${PG_PAIR_DIR:-/tmp/cloudlab-pg-pair}"
BIN="${PG_PAIR_BIN:-/usr/lib/postgresql/15/bin}"
PRIMARY_PORT="${PG_PAIR_PRIMARY_PORT:-5441}"
REPLICA_PORT="${PG_PAIR_REPLICA_PORT:-5442}"
RUN_USER="${PG_PAIR_USER:-postgres}"
MAX_CONNECTIONS="${PG_PAIR_MAX_CONNECTIONS:-300}"
TIMEOUT="${PG_PAIR_START_TIMEOUT:-90}"
SLOT=cloudlab_replica
PRIMARY="$DIR/primary"
REPLICA="$DIR/replica"

log() { echo "[pg-pair] $*" >&2; }
as_user() { # run a PostgreSQL binary as the unprivileged owner of the data when we are root
  if [[ "$(id -u)" == 0 ]]; then setpriv --reuid "$RUN_USER" --regid "$(id -g "$RUN_USER")" --init-groups -- "$@"; else "$@"; fi
}
psql_at() { # port sql -> one value, unaligned
  as_user "$BIN/psql" -X -q -At -h 127.0.0.1 -p "$1" -U postgres -d postgres -c "$2"
}
running() { [[ -f "$1/PG_VERSION" ]] && as_user "$BIN/pg_ctl" -D "$1" status >/dev/null 2>&1; }
start_server() { # datadir name
  running "$1" && { log "$2 already running"; return; }
  as_user "$BIN/pg_ctl" -D "$1" -l "$DIR/$2.log" -w -t "$TIMEOUT" start >/dev/null || { tail -20 "$DIR/$2.log" >&2; exit 1; }
  log "$2 started"
}
stop_server() { # datadir name
  running "$1" || return 0
  as_user "$BIN/pg_ctl" -D "$1" -m fast -w -t 60 stop >/dev/null
  log "$2 stopped"
}
wait_streaming() {
  local deadline=$((SECONDS + TIMEOUT))
  until [[ "$(psql_at "$PRIMARY_PORT" "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'" 2>/dev/null)" == 1 ]]; do
    ((SECONDS < deadline)) || { log "the replica is not streaming after ${TIMEOUT} s"; tail -20 "$DIR/replica.log" >&2; exit 1; }
    sleep 0.2
  done
  log "replica streaming from 127.0.0.1:$PRIMARY_PORT (127.0.0.1:$REPLICA_PORT)"
}

init_primary() {
  [[ -f "$PRIMARY/PG_VERSION" ]] && return
  log "initdb $PRIMARY"
  as_user "$BIN/initdb" -D "$PRIMARY" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  # initdb's pg_hba.conf already trusts replication connections from 127.0.0.1.
  cat >>"$PRIMARY/postgresql.conf" <<EOF
# cloudlab pair (ops/postgres-replica/pg-pair.sh)
listen_addresses = '127.0.0.1'
port = $PRIMARY_PORT
unix_socket_directories = '$DIR'
max_connections = $MAX_CONNECTIONS
shared_buffers = 64MB
wal_level = replica
max_wal_senders = 5
max_replication_slots = 5
hot_standby = on
hot_standby_feedback = on
EOF
}

init_replica() {
  [[ -f "$REPLICA/PG_VERSION" ]] && return
  # A slot left by an earlier replica folder that was deleted would make -C fail.
  psql_at "$PRIMARY_PORT" "SELECT pg_drop_replication_slot('$SLOT') FROM pg_replication_slots WHERE slot_name = '$SLOT'" >/dev/null
  log "pg_basebackup → $REPLICA"
  as_user "$BIN/pg_basebackup" -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -D "$REPLICA" -R -X stream -C -S "$SLOT" -c fast
  # The copied postgresql.conf names the primary's port; the later line wins.
  echo "port = $REPLICA_PORT" >>"$REPLICA/postgresql.conf"
}

start_pair() {
  mkdir -p "$DIR"
  [[ "$(id -u)" == 0 ]] && chown "$RUN_USER:" "$DIR"
  chmod 700 "$DIR"
  init_primary
  start_server "$PRIMARY" primary
  init_replica
  start_server "$REPLICA" replica
  wait_streaming
}

case "${1:-}" in
  start) start_pair ;;
  stop)
    stop_server "$REPLICA" replica
    stop_server "$PRIMARY" primary
    ;;
  stop-replica) stop_server "$REPLICA" replica ;;
  start-replica)
    start_server "$REPLICA" replica
    wait_streaming
    ;;
  status)
    running "$PRIMARY" || { log "primary not running"; exit 1; }
    psql_at "$PRIMARY_PORT" "SELECT application_name, state, sent_lsn, replay_lsn, replay_lag FROM pg_stat_replication"
    [[ "$(psql_at "$PRIMARY_PORT" "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")" == 1 ]]
    ;;
  env)
    echo "DATABASE_URL=postgres://postgres@127.0.0.1:$PRIMARY_PORT/postgres"
    echo "DATABASE_READ_URL=postgres://postgres@127.0.0.1:$REPLICA_PORT/postgres"
    ;;
  *) echo "usage: $0 start|stop|stop-replica|start-replica|status|env" >&2; exit 2 ;;
esac
