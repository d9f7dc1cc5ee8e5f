#!/usr/bin/env bash
# Local single-node Apache Kafka broker (KRaft, combined broker+controller) for
# Signaalroute tests and CI, without Docker. The broker jars come from Maven Central
# via scripts/kafka/pom.xml; everything else lives in a git-ignored cache folder.
#
# Usage: scripts/kafka.sh <fetch|start|stop|restart|status|reset>
#
#   fetch    download the broker jars into <cache>/libs (skipped when already there)
#   start    fetch if needed, format storage once, start the broker in the background
#            and wait until it answers on $KAFKA_HOST:$KAFKA_PORT (exit 0 when a broker
#            already answers there)
#   stop     stop the broker started by this script (SIGTERM, then SIGKILL); idempotent
#   restart  stop + start (data is kept)
#   status   exit 0 when a broker answers on $KAFKA_HOST:$KAFKA_PORT, 1 otherwise
#   reset    stop and delete the broker's data and logs (the jars are kept)
#
# Environment (all optional):
#   KAFKA_CACHE_DIR        cache folder (default: <repo>/.cache/kafka)
#   KAFKA_HOST             listen/advertised host (default: 127.0.0.1)
#   KAFKA_PORT             PLAINTEXT client port (default: 9092)
#   KAFKA_CONTROLLER_PORT  KRaft controller port (default: 9093)
#   KAFKA_HEAP_OPTS        broker heap options (default: -Xmx512m)
#   KAFKA_START_TIMEOUT    seconds to wait for the broker to answer (default: 90)
#   KAFKA_STOP_TIMEOUT     seconds to wait after SIGTERM before SIGKILL (default: 30)
#   KAFKA_MVN_ARGS         extra arguments for mvn (e.g. "-s ci-settings.xml")
#   JAVA_HOME              Java 17+ to use (default: java on PATH)
#
# Layout of the cache folder:
#   libs/            jars (+ .fetched marker)     config/server.properties
#   data/            KRaft metadata + topic data  logs/server.log, logs/kafka.out
#   kafka.pid        pid of the running broker    cluster-id
#
# Changing KAFKA_HOST or the ports after the first start needs a `reset` (the KRaft
# voter endpoint is written into the metadata log when the storage is formatted).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
KAFKA_SRC_DIR="$SCRIPT_DIR/kafka"
POM="$KAFKA_SRC_DIR/pom.xml"
LOG4J_CONFIG="$KAFKA_SRC_DIR/log4j2.properties"

CACHE_DIR="${KAFKA_CACHE_DIR:-$REPO_ROOT/.cache/kafka}"
case "$CACHE_DIR" in /*) ;; *) CACHE_DIR="$PWD/$CACHE_DIR" ;; esac
LIBS_DIR="$CACHE_DIR/libs"
MARKER="$LIBS_DIR/.fetched"
CONFIG_DIR="$CACHE_DIR/config"
SERVER_PROPERTIES="$CONFIG_DIR/server.properties"
DATA_DIR="$CACHE_DIR/data"
LOGS_DIR="$CACHE_DIR/logs"
PID_FILE="$CACHE_DIR/kafka.pid"
CLUSTER_ID_FILE="$CACHE_DIR/cluster-id"

KAFKA_HOST="${KAFKA_HOST:-127.0.0.1}"
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xmx512m}"
KAFKA_START_TIMEOUT="${KAFKA_START_TIMEOUT:-90}"
KAFKA_STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"
BOOTSTRAP="$KAFKA_HOST:$KAFKA_PORT"

if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
  JAVA="$JAVA_HOME/bin/java"
else
  JAVA="java"
fi

log() { printf '[kafka.sh] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

kafka_version() {
  sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$POM" | head -n1
}

# The marker records the Kafka version and a hash of the pom, so editing the pom
# (e.g. bumping the version) triggers a fresh download.
marker_content() {
  local hash
  if command -v sha256sum >/dev/null 2>&1; then
    hash="$(sha256sum "$POM" | cut -d' ' -f1)"
  else
    hash="$(shasum -a 256 "$POM" | cut -d' ' -f1)"
  fi
  printf 'kafka %s pom-sha256 %s\n' "$(kafka_version)" "$hash"
}

is_fetched() {
  [[ -f "$MARKER" ]] && [[ "$(cat "$MARKER")" == "$(marker_content)" ]] \
    && compgen -G "$LIBS_DIR/kafka_2.13-*.jar" >/dev/null
}

check_java() {
  command -v "$JAVA" >/dev/null 2>&1 || die "java not found (Java 17+ is required; set JAVA_HOME)"
  local v
  v="$("$JAVA" -version 2>&1 | sed -n 's/.*version "\([0-9][0-9]*\).*/\1/p' | head -n1)"
  if [[ -n "$v" && "$v" -lt 17 ]]; then
    die "Kafka $(kafka_version) needs Java 17+, found Java $v ($JAVA)"
  fi
}

cmd_fetch() {
  if is_fetched; then
    log "Kafka $(kafka_version) already fetched in $LIBS_DIR"
    return 0
  fi
  command -v mvn >/dev/null 2>&1 || die "mvn not found (Maven is needed to fetch Kafka from Maven Central)"
  mkdir -p "$CACHE_DIR"
  local tmp="$LIBS_DIR.tmp" fetch_log="$CACHE_DIR/fetch.log"
  rm -rf "$tmp"
  log "fetching Kafka $(kafka_version) from Maven Central into $LIBS_DIR ..."
  # shellcheck disable=SC2086
  if ! mvn -B -q ${KAFKA_MVN_ARGS:-} -f "$POM" dependency:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory="$tmp" >"$fetch_log" 2>&1; then
    tail -n 40 "$fetch_log" >&2 || true
    rm -rf "$tmp"
    die "mvn dependency:copy-dependencies failed (full output: $fetch_log)"
  fi
  compgen -G "$tmp/kafka_2.13-*.jar" >/dev/null || die "no kafka_2.13 jar after fetch (see $fetch_log)"
  rm -rf "$LIBS_DIR"
  mv "$tmp" "$LIBS_DIR"
  marker_content >"$MARKER"
  log "fetched $(find "$LIBS_DIR" -name '*.jar' | wc -l | tr -d ' ') jars"
}

# Run a Kafka CLI class quietly (tool logging goes to logs/tools.log at WARN).
TOOL_JAVA=("$JAVA" -Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Djava.awt.headless=true
  -Dlog4j2.configurationFile="$LOG4J_CONFIG" -Dkafka.logs.dir="$LOGS_DIR"
  -Dkafka.log.file=tools.log -Dkafka.log.level=WARN -cp "$LIBS_DIR/*")
run_tool() {
  mkdir -p "$LOGS_DIR"
  "${TOOL_JAVA[@]}" "$@"
}

port_open() {
  (exec 3<>"/dev/tcp/$KAFKA_HOST/$KAFKA_PORT") 2>/dev/null
}

# A broker "answers" when it completes an ApiVersions round trip, not merely when the
# port accepts TCP connections.
broker_answers() {
  port_open || return 1
  is_fetched || return 1
  mkdir -p "$LOGS_DIR"
  timeout 30 "${TOOL_JAVA[@]}" org.apache.kafka.tools.BrokerApiVersionsCommand \
    --bootstrap-server "$BOOTSTRAP" >/dev/null 2>&1
}

read_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(tr -dc '0-9' <"$PID_FILE")"
  [[ -n "$pid" ]] || return 1
  printf '%s\n' "$pid"
}

# True when $1 is a live kafka.Kafka process (guards against recycled pids).
is_broker_pid() {
  local pid="$1"
  kill -0 "$pid" 2>/dev/null || return 1
  ps -o args= -p "$pid" 2>/dev/null | grep -q 'kafka\.Kafka'
}

running_pid() {
  local pid
  pid="$(read_pid)" || return 1
  is_broker_pid "$pid" || return 1
  printf '%s\n' "$pid"
}

show_log_tail() {
  local f
  if [[ -s "$LOGS_DIR/server.log" ]] && grep -qE '\] (ERROR|FATAL) ' "$LOGS_DIR/server.log"; then
    log "---- last ERROR lines of $LOGS_DIR/server.log ----"
    grep -E '\] (ERROR|FATAL) ' "$LOGS_DIR/server.log" | tail -n 5 | cut -c1-400 >&2 || true
  fi
  for f in "$LOGS_DIR/server.log" "$LOGS_DIR/kafka.out"; do
    if [[ -s "$f" ]]; then
      log "---- last lines of $f ----"
      tail -n 30 "$f" | cut -c1-400 >&2 || true
    fi
  done
}

write_server_properties() {
  mkdir -p "$CONFIG_DIR" "$DATA_DIR"
  cat >"$SERVER_PROPERTIES" <<EOF
# Generated by scripts/kafka.sh - edits are overwritten on every start.
# Single-node KRaft cluster: this process is both broker and controller.
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=$KAFKA_HOST:$KAFKA_CONTROLLER_PORT

listeners=PLAINTEXT://$KAFKA_HOST:$KAFKA_PORT,CONTROLLER://$KAFKA_HOST:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$KAFKA_HOST:$KAFKA_PORT,CONTROLLER://$KAFKA_HOST:$KAFKA_CONTROLLER_PORT
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT

log.dirs=$DATA_DIR
num.partitions=1
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1

# Test/CI friendly: no delay before the first consumer group rebalance.
group.initial.rebalance.delay.ms=0
# The application creates its own topics; auto-creation stays on (Kafka default).
auto.create.topics.enable=true
delete.topic.enable=true

log.retention.hours=168
log.retention.check.interval.ms=300000
num.recovery.threads.per.data.dir=1
EOF
}

format_storage_if_needed() {
  if [[ -f "$DATA_DIR/meta.properties" ]]; then
    return 0
  fi
  local cluster_id
  if [[ -s "$CLUSTER_ID_FILE" ]]; then
    cluster_id="$(tr -d '[:space:]' <"$CLUSTER_ID_FILE")"
  else
    cluster_id="$(run_tool kafka.tools.StorageTool random-uuid | tr -d '[:space:]')"
    [[ -n "$cluster_id" ]] || die "kafka.tools.StorageTool random-uuid returned nothing"
    printf '%s\n' "$cluster_id" >"$CLUSTER_ID_FILE"
  fi
  log "formatting $DATA_DIR (cluster id $cluster_id)"
  local out
  if ! out="$(run_tool kafka.tools.StorageTool format --standalone --ignore-formatted \
      -t "$cluster_id" -c "$SERVER_PROPERTIES" 2>&1)"; then
    printf '%s\n' "$out" >&2
    die "storage format failed"
  fi
  printf '%s\n' "$out" | grep -v '^Bootstrap metadata' | sed 's/^/[kafka.sh]   /' >&2 || true
}

launch_broker() {
  mkdir -p "$LOGS_DIR"
  local out="$LOGS_DIR/kafka.out"
  : >"$out"
  rm -f "$PID_FILE"
  # setsid + nohup: the broker survives the shell (or CI step) that started it.
  # The inner bash writes its own pid and then execs java, so the pid file is exact.
  (
    cd "$CACHE_DIR"
    # shellcheck disable=SC2086,SC2016
    nohup setsid "$BASH" -c 'echo $$ >"$0"; exec "$@"' "$PID_FILE" \
      "$JAVA" $KAFKA_HEAP_OPTS -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
      -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent \
      -Djava.awt.headless=true \
      -Dlog4j2.configurationFile="$LOG4J_CONFIG" -Dkafka.logs.dir="$LOGS_DIR" \
      -Dkafka.log.file=server.log -Dkafka.log.level=INFO \
      -cp "$LIBS_DIR/*" kafka.Kafka "$SERVER_PROPERTIES" \
      >>"$out" 2>&1 </dev/null 9>&- &
  )
  local i
  for ((i = 0; i < 50; i++)); do
    [[ -s "$PID_FILE" ]] && break
    sleep 0.1
  done
  read_pid >/dev/null || die "broker process did not start (see $out)"
}

cmd_start() {
  cmd_fetch
  check_java
  if broker_answers; then
    log "a Kafka broker already answers on $BOOTSTRAP - nothing to do"
    return 0
  fi
  local pid
  if pid="$(running_pid)"; then
    log "broker process $pid is running but not answering yet - waiting for it"
  else
    if port_open; then
      die "port $KAFKA_HOST:$KAFKA_PORT is in use by something that is not a Kafka broker"
    fi
    write_server_properties
    format_storage_if_needed
    log "starting Kafka $(kafka_version) on $BOOTSTRAP (controller $KAFKA_HOST:$KAFKA_CONTROLLER_PORT)"
    launch_broker
    pid="$(read_pid)"
  fi

  local start=$SECONDS
  while ((SECONDS - start < KAFKA_START_TIMEOUT)); do
    if ! is_broker_pid "$pid"; then
      show_log_tail
      rm -f "$PID_FILE"
      die "broker process $pid exited during startup"
    fi
    if broker_answers; then
      log "Kafka is up on $BOOTSTRAP (pid $pid, $((SECONDS - start))s; logs: $LOGS_DIR/server.log)"
      return 0
    fi
    sleep 1
  done
  show_log_tail
  die "broker (pid $pid) did not answer on $BOOTSTRAP within ${KAFKA_START_TIMEOUT}s; it is left running - use '$0 stop'"
}

cmd_stop() {
  local pid
  if ! pid="$(running_pid)"; then
    rm -f "$PID_FILE"
    if broker_answers; then
      log "not running from $CACHE_DIR, but some other broker answers on $BOOTSTRAP (left alone)"
    else
      log "not running"
    fi
    return 0
  fi
  log "stopping broker (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  local start=$SECONDS
  while is_broker_pid "$pid" && ((SECONDS - start < KAFKA_STOP_TIMEOUT)); do
    sleep 0.5
  done
  if is_broker_pid "$pid"; then
    log "broker did not stop within ${KAFKA_STOP_TIMEOUT}s - sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
  fi
  rm -f "$PID_FILE"
  log "stopped ($((SECONDS - start))s)"
}

cmd_status() {
  local pid=""
  pid="$(running_pid)" || pid=""
  if broker_answers; then
    if [[ -n "$pid" ]]; then
      log "up on $BOOTSTRAP (pid $pid)"
    else
      log "up on $BOOTSTRAP (not started by this script)"
    fi
    return 0
  fi
  if [[ -n "$pid" ]]; then
    log "down: broker process $pid is running but does not answer on $BOOTSTRAP"
  else
    log "down"
  fi
  return 1
}

cmd_reset() {
  cmd_stop
  rm -rf "$DATA_DIR" "$LOGS_DIR" "$CONFIG_DIR" "$CLUSTER_ID_FILE" "$PID_FILE"
  log "removed broker data and logs under $CACHE_DIR (jars kept)"
}

usage() {
  sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"
}

# Serialise start/stop/reset/fetch of one cache folder (e.g. parallel test workers or
# CI jobs calling `start` at the same time). flock is optional (absent on macOS).
take_lock() {
  command -v flock >/dev/null 2>&1 || return 0
  mkdir -p "$CACHE_DIR"
  exec 9>"$CACHE_DIR/.lock"
  flock -w 300 9 || die "could not lock $CACHE_DIR/.lock within 300s"
}

main() {
  local cmd="${1:-}"
  case "$cmd" in
    fetch | start | stop | restart | reset) take_lock ;;
  esac
  case "$cmd" in
    fetch) cmd_fetch ;;
    start) cmd_start ;;
    stop) cmd_stop ;;
    restart) cmd_stop; cmd_start ;;
    status) cmd_status ;;
    reset) cmd_reset ;;
    -h | --help | help) usage ;;
    *) usage >&2; exit 2 ;;
  esac
}

main "$@"
