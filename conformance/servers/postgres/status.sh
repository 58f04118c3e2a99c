#!/usr/bin/env bash
# One line per PostgreSQL target: running (port, pid, version) or stopped.
# Usage: status.sh [postgres-15|postgres-10.18|postgres-13.4]  (none: all)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=targets.sh
source "$here/targets.sh"

status_one() {
  resolve_target "$1"
  if pid_alive "$pid_file" "$bin_dir/postgres"; then
    local version="?"
    [[ -f "$run_file" ]] && version="$(sed -n 's/.*"serverVersion": "\(.*\)",*/\1/p' "$run_file")"
    local ready="ready"
    [[ -f "$run_file" ]] || ready="no run file (re-run start.sh)"
    echo "$target running 127.0.0.1:$port pid $(head -n1 "$pid_file") PostgreSQL $version, $ready"
  else
    echo "$target stopped (port $port)"
  fi
}

if [[ $# -gt 0 ]]; then
  status_one "$1"
else
  for t in "${postgres_targets[@]}"; do status_one "$t"; done
fi
