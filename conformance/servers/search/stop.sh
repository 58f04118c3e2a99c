#!/usr/bin/env bash
# Stops search nodes started by start.sh (only those recorded in our pid files).
# Usage: stop.sh [elasticsearch-7.10.2|opensearch-2|elasticsearch-6.8.9|elasticsearch-8]   (no argument: all)
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
  # The pid may have been reused by an unrelated process: only stop our own launcher.
  if kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q "$launcher_class"; then
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
  for t in $search_targets; do stop_one "$t"; done
fi
