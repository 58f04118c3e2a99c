#!/usr/bin/env bash
# Starts a real single-node Elasticsearch/OpenSearch on loopback from Maven Central jars (no Docker).
# Usage: start.sh elasticsearch-7.10.2|opensearch-2|elasticsearch-6.8.9|elasticsearch-8
# Writes conformance/servers/.run/<target>.json ({url, serverVersion}) once the node answers
# GET / and cluster health reaches yellow; idempotent.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=targets.sh
source "$here/targets.sh"

target="${1:-}"
resolve_target "$target"
mkdir -p "$target_home" "$run_dir"

if [[ -f "$pid_file" ]] && kill -0 "$(cat "$pid_file")" 2>/dev/null; then
  if [[ -f "$run_file" ]]; then
    echo "$target already running (pid $(cat "$pid_file")): $run_file"
    exit 0
  fi
  echo "$target: process $(cat "$pid_file") exists but never became ready; restarting" >&2
  "$here/stop.sh" "$target"
fi

started_at=$(date +%s)
"$here/install.sh" "$target"
jdk="$(cat "$target_home/jdk-path")"

# Each start gets a fresh node directory: the conformance suite creates its own indices.
node_home="$target_home/node"
rm -rf "$node_home" "$target_home/tmp"
mkdir -p "$node_home" "$target_home/tmp"

heap="${HOURGLASS_SEARCH_HEAP:-512m}"
jvm_flags=(
  "-Xms$heap" "-Xmx$heap" -Xss1m
  -XX:+UseG1GC -XX:-OmitStackTraceInFastThrow
  -Dfile.encoding=UTF-8 -Djna.nosys=true
  "-Djava.io.tmpdir=$target_home/tmp"
  -Dio.netty.noUnsafe=true -Dio.netty.noKeySetOptimization=true -Dio.netty.recycler.maxCapacityPerThread=0
  -Dlog4j.shutdownHookEnabled=false -Dlog4j2.disable.jmx=true
  "${extra_jvm_flags[@]}"
)
node_settings=(
  network.host=127.0.0.1
  "$transport_port_setting=$transport_port"
  discovery.type=single-node
  # A nearly full CI disk must not flip indices to read-only mid-run.
  cluster.routing.allocation.disk.threshold_enabled=false
)
# Bare-server targets read their modules from the installed layout; data stays in node_home.
if [[ -n "$es_modules" ]]; then
  node_settings+=("path.home=$target_home/home")
fi

log_file="$target_home/server.log"
: >"$log_file"
setsid "$jdk/bin/java" "${jvm_flags[@]}" -cp "$target_home/launcher:$target_home/lib/*" \
  "$launcher_class" "$node_home" "hourglass-$target" "$http_port" "${node_settings[@]}" \
  >>"$log_file" 2>&1 </dev/null &
pid=$!
echo "$pid" >"$pid_file"
url="http://127.0.0.1:$http_port"
echo "$target: started pid $pid (log $log_file); waiting for $url"

if ! server_version="$("$here/wait-ready.sh" "$url" "${SEARCH_READY_TIMEOUT_S:-240}" "$pid")"; then
  echo "$target: not ready; last log lines:" >&2
  tail -n 60 "$log_file" >&2
  "$here/stop.sh" "$target" >&2 || true
  exit 1
fi

cat >"$run_file" <<JSON
{ "target": "$target", "url": "$url", "serverVersion": "$server_version", "pid": $pid, "startedBy": "hourglass" }
JSON
echo "$target ready: $server_version on $url in $(( $(date +%s) - started_at ))s ($run_file)"
