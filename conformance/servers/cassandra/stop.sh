#!/usr/bin/env bash
# Stops Cassandra servers started by start.sh (only those recorded in our pid files).
# Usage: stop.sh [cassandra-4.0|cassandra-3.11]   (no argument: both)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=targets.sh
source "$here/targets.sh"

stop_one() {
  resolve_target "$1"
  rm -f "$run_file"
  [[ -f "$pid_file" ]] || return 0
  local pid
  pid="$(cat "$pid_file")"
  # The pid may have been reused by an unrelated process after a reboot: only stop a Cassandra daemon.
  if kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q 'org.apache.cassandra.service.CassandraDaemon'; then
    kill -TERM "$pid"
    for _ in $(seq 1 60); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.5
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo "$target: pid $pid ignored SIGTERM for 30s; sending SIGKILL" >&2
      kill -KILL "$pid"
    fi
    echo "$target: stopped pid $pid"
  fi
  rm -f "$pid_file"
}

if [[ $# -gt 0 ]]; then
  stop_one "$1"
else
  stop_one cassandra-4.0
  stop_one cassandra-3.11
fi
