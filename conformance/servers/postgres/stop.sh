#!/usr/bin/env bash
# Stops PostgreSQL servers that start.sh started (identified by their own data directory) and
# removes their run files. Usage: stop.sh [postgres-15|postgres-10.18|postgres-13.4]  (none: all)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=targets.sh
source "$here/targets.sh"

stop_one() {
  resolve_target "$1"
  lock_target "$target"
  rm -f "$run_file"
  pid_alive "$pid_file" "$bin_dir/postgres" || return 0
  local pid
  pid="$(head -n1 "$pid_file")"
  # Fast shutdown ends client sessions; pg_ctl waits until the postmaster has exited.
  if ! as_user "$service_user" "$bin_dir/pg_ctl" -D "$data_dir" -m fast -w -t 30 stop >/dev/null 2>&1; then
    terminate_pid "$pid" 30 "$target"
  fi
  echo "$target: stopped pid $pid"
}

if [[ $# -gt 0 ]]; then
  stop_one "$1"
else
  for t in "${postgres_targets[@]}"; do stop_one "$t"; done
fi
