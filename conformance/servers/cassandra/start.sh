#!/usr/bin/env bash
# Starts a real single-node Cassandra on loopback from Maven Central jars (no Docker).
# Usage: start.sh cassandra-4.0|cassandra-3.11
# Writes conformance/servers/.run/<target>.json when CQL answers; idempotent.
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
java_bin="$(cat "$target_home/java-path")"

rm -rf "$target_home/data"
mkdir -p "$target_home/data" "$target_home/conf"
"$here/write-config.sh" "$target" "$target_home/conf"

jamm_jar="$(ls "$target_home"/lib/jamm-*.jar | head -n1)"
jvm_flags=(
  -Xms256m -Xmx768m -Xss512k
  -XX:+UseG1GC -XX:+HeapDumpOnOutOfMemoryError -XX:HeapDumpPath=/dev/null
  "-javaagent:$jamm_jar"
  -Djdk.attach.allowAttachSelf=true
  -Dio.netty.tryReflectionSetAccessible=true
  -Dcassandra-foreground=yes
  "-Dcassandra.config=file://$target_home/conf/cassandra.yaml"
  "-Dcassandra.storagedir=$target_home/data"
  "-Dcassandra.triggers_dir=$target_home/conf/triggers"
  "-Dlogback.configurationFile=$target_home/conf/logback.xml"
  -Dcassandra.skip_wait_for_gossip_to_settle=0
  -Dcassandra.initial_token=0
  -Dcassandra.ring_delay_ms=100
  -Dcassandra.unsafesystem=true
  -Dcassandra.native.epoll.enabled=false
  # No JMX port: the daemon logs that JMX is off and carries on; readiness is checked over CQL.
)
# Module flags from Cassandra's jvm11/jvm17 server options; a runtime lacking a module only warns.
for pkg in java.base/jdk.internal.misc java.base/jdk.internal.ref java.base/sun.nio.ch java.base/java.lang.ref \
  java.sql/java.sql jdk.unsupported/sun.misc java.rmi/sun.rmi.registry java.rmi/sun.rmi.server \
  java.management.rmi/com.sun.jmx.remote.internal.rmi; do
  jvm_flags+=("--add-exports=$pkg=ALL-UNNAMED")
done
for pkg in java.base/java.lang.module java.base/jdk.internal.loader java.base/jdk.internal.ref \
  java.base/jdk.internal.reflect java.base/jdk.internal.math java.base/jdk.internal.module \
  java.base/jdk.internal.util.jar jdk.management/com.sun.management.internal java.base/java.io \
  java.base/java.nio java.base/sun.nio.ch java.base/java.lang java.base/java.lang.reflect java.base/java.util \
  java.base/java.util.concurrent java.base/java.util.concurrent.atomic java.management/com.sun.jmx.remote.security; do
  jvm_flags+=("--add-opens=$pkg=ALL-UNNAMED")
done

mkdir -p "$target_home/conf/triggers"
log_file="$target_home/cassandra.log"
: >"$log_file"
setsid "$java_bin" "${jvm_flags[@]}" -cp "$target_home/conf:$target_home/lib/*" \
  org.apache.cassandra.service.CassandraDaemon >>"$log_file" 2>&1 </dev/null &
pid=$!
echo "$pid" >"$pid_file"
echo "$target: started pid $pid (log $log_file); waiting for CQL on 127.0.0.1:$native_port"

if ! release_version="$(node "$here/wait-ready.mjs" 127.0.0.1 "$native_port" datacenter1 "${CASSANDRA_READY_TIMEOUT_S:-240}" "$pid")"; then
  echo "$target: not ready; last log lines:" >&2
  tail -n 60 "$log_file" >&2
  "$here/stop.sh" "$target" >&2 || true
  exit 1
fi

cat >"$run_file" <<JSON
{ "target": "$target", "host": "127.0.0.1", "port": $native_port, "datacenter": "datacenter1", "serverVersion": "$release_version", "pid": $pid, "startedBy": "hourglass" }
JSON
echo "$target ready: Cassandra $release_version on 127.0.0.1:$native_port in $(( $(date +%s) - started_at ))s ($run_file)"
