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

SVC=s3proxy
# shellcheck source=../lib/jvm-service.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/jvm-service.sh"
LIB="$CACHE/lib"
PORT_FILE="$CACHE/port"
CONFIG="$CACHE/s3proxy.properties"

PORT="${S3PROXY_PORT:-9500}"
S3PROXY_BUCKET="${S3PROXY_BUCKET:-cloudlab-media}"
S3PROXY_ACCESS_KEY="${S3PROXY_ACCESS_KEY:-cloudlab}"
S3PROXY_SECRET_KEY="${S3PROXY_SECRET_KEY:-cloudlab-local-secret}"
S3PROXY_DATA_DIR="${S3PROXY_DATA_DIR:-$CACHE/data}"
S3PROXY_HEAP_OPTS="${S3PROXY_HEAP_OPTS:--Xms32m -Xmx256m}"
START_TIMEOUT="${S3PROXY_START_TIMEOUT:-60}"
STOP_TIMEOUT=15
JAVA_NEEDS="S3Proxy 2.6 needs Java 17+"
MAIN="org.gaul.s3proxy.Main"
# The tag marks our JVM's command line, so stop/status never touch another S3Proxy.
TAG="-Dcloudlab.s3proxy.home=$DIR"
JVM_MARKS=("$TAG" "$MAIN")

svc_ports() { echo "$PORT S3PROXY_PORT"; }
svc_where() { echo "http://$HOST:$PORT, bucket $S3PROXY_BUCKET"; }
svc_ready() { # any HTTP answer counts (403 to an unsigned request is an answer)
  local code
  code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://$HOST:$PORT/" 2>/dev/null || true)"
  [[ "$code" =~ ^[2-4][0-9][0-9]$ ]]
}

svc_adopt() {
  [[ -f "$PORT_FILE" ]] || return 0
  local want="$PORT"
  PORT="$(cat "$PORT_FILE")"
  [[ "$PORT" == "$want" ]] || log "WARNING: the running server listens on $PORT, not $want; 'stop' it first to change ports"
}

svc_prepare() {
  jvm_fetch "$LIB"
  mkdir -p "$S3PROXY_DATA_DIR/$S3PROXY_BUCKET"
  cat >"$CONFIG.tmp" <<PROPS
s3proxy.endpoint=http://$HOST:$PORT
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$S3PROXY_ACCESS_KEY
s3proxy.credential=$S3PROXY_SECRET_KEY
s3proxy.cors-allow-origins=*
s3proxy.cors-allow-methods=GET PUT HEAD
s3proxy.cors-allow-headers=Content-Type content-type
s3proxy.cors-exposed-headers=ETag
jclouds.provider=filesystem-nio2
jclouds.identity=$S3PROXY_ACCESS_KEY
jclouds.credential=$S3PROXY_SECRET_KEY
jclouds.filesystem.basedir=$S3PROXY_DATA_DIR
PROPS
  mv "$CONFIG.tmp" "$CONFIG"
  echo "$PORT" >"$PORT_FILE"
}

svc_command() {
  # shellcheck disable=SC2206 # S3PROXY_HEAP_OPTS is intentionally word-split
  JVM_CMD=(java $S3PROXY_HEAP_OPTS -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true "$TAG"
    -cp "$(jvm_find_jar "$LIB/s3proxy-*-jar-with-dependencies.jar")" "$MAIN" --properties "$CONFIG")
}

jvm_main "$@"
