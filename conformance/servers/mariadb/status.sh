#!/usr/bin/env bash
# One line per MariaDB target: running (port, pid, version) or stopped.
# Usage: status.sh [mariadb-10.11]  (none: all)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=targets.sh
source "$here/targets.sh"

status_one() {
  resolve_target "$1"
  if pid_alive "$pid_file" "--datadir=$data_dir"; then
    local version="?" ready="ready"
    if [[ -f "$run_file" ]]; then
      version="$(sed -n 's/.*"serverVersion": "\(.*\)",*/\1/p' "$run_file")"
    else
      ready="no run file (re-run start.sh)"
    fi
    echo "$target running 127.0.0.1:$port pid $(head -n1 "$pid_file") MariaDB $version, $ready"
  else
    echo "$target stopped (port $port)"
  fi
}

if [[ $# -gt 0 ]]; then
  status_one "$1"
else
  for t in "${mariadb_targets[@]}"; do status_one "$t"; done
fi
