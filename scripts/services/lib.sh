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
      echo "$name exited during start; last lines of $SERVICES_HOME/$name/log:" >&2
      tail -n 40 "$SERVICES_HOME/$name/log" >&2
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
