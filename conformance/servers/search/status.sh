#!/usr/bin/env bash
# Reports whether search nodes started by start.sh are up; exits 1 if any asked-for node is down.
# Usage: status.sh [elasticsearch-7.10.2|opensearch-2|elasticsearch-6.8.9|elasticsearch-8]   (no argument: all)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=targets.sh
source "$here/targets.sh"

down=0
status_one() {
  resolve_target "$1"
  local pid=""
  [[ -f "$pid_file" ]] && pid="$(cat "$pid_file")"
  if [[ -z "$pid" ]] || ! kill -0 "$pid" 2>/dev/null; then
    echo "$target: not running"
    down=1
    return
  fi
  local health
  if health="$(curl -fsS --max-time 5 "http://127.0.0.1:$http_port/_cluster/health" 2>/dev/null)"; then
    local status
    status="$(grep -o '"status":"[a-z]*"' <<<"$health" | cut -d'"' -f4)"
    echo "$target: running (pid $pid) on http://127.0.0.1:$http_port, cluster $status"
    if [[ "$status" == red ]]; then down=1; fi
  else
    echo "$target: process $pid alive but http://127.0.0.1:$http_port does not answer"
    down=1
  fi
}

if [[ $# -gt 0 ]]; then
  status_one "$1"
else
  for t in $search_targets; do status_one "$t"; done
fi
exit "$down"
