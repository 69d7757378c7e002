# Shared by the scripts in scripts/services: each server runs in the background on loopback with its
# data, log and pid file under $SERVICES_HOME/<name>; `start` is idempotent and returns once it answers.
set -euo pipefail
REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SERVICES_HOME=${SNAPMODE_SERVICES_HOME:-$REPO_ROOT/var/services}

# service_dir NAME → creates and prints $SERVICES_HOME/NAME
service_dir() { mkdir -p "$SERVICES_HOME/$1" && echo "$SERVICES_HOME/$1"; }

# is_up NAME → 0 when its recorded process is alive
is_up() {
  local pidfile="$SERVICES_HOME/$1/pid"
  [[ -f $pidfile ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null
}

LOG_TAIL_LINES=40

# log_tail NAME → on stderr: where NAME's log is and its last lines, to see why a start failed
log_tail() {
  local log="$SERVICES_HOME/$1/log"
  if [[ -s $log ]]; then
    echo "$1: last $LOG_TAIL_LINES lines of $log:" >&2
    tail -n "$LOG_TAIL_LINES" "$log" >&2
  else
    echo "$1: nothing in its log $log" >&2
  fi
}

# starting NAME → from here on, if the script ends with an error (a failed command under `set -e` included),
# it says the start failed and shows the tail of NAME's log: the server's own words are there, not on the console
starting() {
  trap 'status=$?; if (( status != 0 )); then echo "'"$1"' did not start (exit $status)" >&2; log_tail '"$1"'; fi
        exit $status' EXIT
}

# launch NAME CMD... → runs CMD in its own process group, logging to $SERVICES_HOME/NAME/log
launch() {
  local name=$1; shift
  local dir; dir=$(service_dir "$name")
  setsid "$@" >>"$dir/log" 2>&1 < /dev/null &
  echo $! > "$dir/pid"
}

# wait_port NAME PORT SECONDS → waits until PORT accepts connections; fails early if the process died
wait_port() {
  local name=$1 port=$2 deadline=$((SECONDS + $3))
  until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    if ! is_up "$name"; then
      echo "$name exited during start" >&2
      return 1
    fi
    if (( SECONDS > deadline )); then
      echo "$name did not open port $port in $3 s" >&2
      return 1
    fi
    sleep 0.5
  done
}

# halt NAME → stops its process group (TERM, then KILL after 30 s)
halt() {
  local pidfile="$SERVICES_HOME/$1/pid"
  [[ -f $pidfile ]] || return 0
  local pid; pid=$(cat "$pidfile")
  kill -TERM -- "-$pid" 2>/dev/null || true
  for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  kill -KILL -- "-$pid" 2>/dev/null || true
  rm -f "$pidfile"
}

# maven_classpath POM → downloads the POM's dependencies (once; ~/.m2 caches them) and prints a classpath
maven_classpath() {
  local pom=$1
  local cache="$SERVICES_HOME/classpath-$(sha256sum "$pom" | cut -c1-16)"
  if [[ ! -s $cache ]]; then
    mvn -q -B -f "$pom" dependency:build-classpath -Dmdep.outputFile="$cache" >&2
  fi
  cat "$cache"
}

# kafka_cluster_id [SOURCE] → a random KRaft cluster id: 16 bytes of SOURCE (default /dev/urandom) in URL-safe
# base64 without padding, as Kafka prints a Uuid. The first byte's top bit is cleared, so the first character is
# one of A-Z a-f and never '-': `kafka-storage format --cluster-id -x…` would read such an id as an option.
kafka_cluster_id() {
  local -a bytes
  read -ra bytes < <(head -c 16 "${1:-/dev/urandom}" | od -An -v -w16 -tx1) || true  # fewer bytes: said below
  if (( ${#bytes[@]} != 16 )); then
    echo "kafka_cluster_id: ${1:-/dev/urandom} gave ${#bytes[@]} bytes, not 16" >&2
    return 1
  fi
  bytes[0]=$(printf '%02x' $(( 0x${bytes[0]} & 0x7f )))
  # shellcheck disable=SC2059  # the format is the bytes, as \xHH escapes
  printf "$(printf '\\x%s' "${bytes[@]}")" | base64 | tr '+/' '-_' | cut -c1-22
}
