#!/usr/bin/env bash
# Polls a search node until GET / answers and cluster health is at least yellow; prints the
# version ("7.10.2", or "opensearch 2.19.1" for OpenSearch).
# Usage: wait-ready.sh <url> <timeoutSeconds> [pid]   Exits 1 on timeout or when pid dies first.
set -euo pipefail

url="$1"
timeout_s="$2"
pid="${3:-}"
deadline=$(( $(date +%s) + timeout_s ))
last_error="no attempt made"

while (( $(date +%s) < deadline )); do
  if [[ -n "$pid" ]] && ! kill -0 "$pid" 2>/dev/null; then
    echo "search node process $pid exited before it became ready" >&2
    exit 1
  fi
  if root="$(curl -fsS --max-time 5 "$url/" 2>&1)"; then
    # The server itself waits up to 5s for yellow, so this loop does not spin.
    if health="$(curl -fsS --max-time 10 "$url/_cluster/health?wait_for_status=yellow&timeout=5s" 2>&1)" \
        && grep -Eq '"status":"(yellow|green)"' <<<"$health"; then
      number="$(grep -o '"number" *: *"[^"]*"' <<<"$root" | head -n1 | sed 's/.*"\([^"]*\)"$/\1/')"
      if grep -Eq '"distribution" *: *"opensearch"' <<<"$root"; then
        echo "opensearch $number"
      else
        echo "$number"
      fi
      exit 0
    fi
    last_error="cluster health: $health"
  else
    last_error="$root"
  fi
  sleep 1
done
echo "search node at $url not ready after ${timeout_s}s: $last_error" >&2
exit 1
