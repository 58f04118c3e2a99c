#!/usr/bin/env bash
# Stops MariaDB servers that start.sh started (identified by their own data directory) and
# removes their run files. Usage: stop.sh [mariadb-10.11]  (none: all)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=targets.sh
source "$here/targets.sh"

stop_one() {
  resolve_target "$1"
  lock_target "$target"
  rm -f "$run_file"
  pid_alive "$pid_file" "--datadir=$data_dir" || return 0
  local pid
  pid="$(head -n1 "$pid_file")"
  # SIGTERM is MariaDB's clean shutdown.
  terminate_pid "$pid" 60 "$target"
  echo "$target: stopped pid $pid"
}

if [[ $# -gt 0 ]]; then
  stop_one "$1"
else
  for t in "${mariadb_targets[@]}"; do stop_one "$t"; done
fi
