#!/usr/bin/env bash
# Writes a minimal loopback-only cassandra.yaml and logback.xml for one target.
# Usage: write-config.sh <target> <conf-dir>
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=targets.sh
source "$here/targets.sh"
resolve_target "${1:-}"
conf_dir="$2"
mkdir -p "$conf_dir"

# The yaml loader rejects unknown keys, so 3.11 and 4.0 differ only where their key sets differ.
version_specific=""
# 3.11 parses seeds as bare addresses (host:port arrives in 4.0); its storage_port comes from the yaml.
seeds="127.0.0.1:$storage_port"
if [[ "$target" == cassandra-3.11 ]]; then
  version_specific="start_rpc: false"
  seeds="127.0.0.1"
else
  version_specific="enable_sasi_indexes: false"
fi

cat >"$conf_dir/cassandra.yaml" <<YAML
cluster_name: hourglass-$target
num_tokens: 1
partitioner: org.apache.cassandra.dht.Murmur3Partitioner
commitlog_sync: periodic
commitlog_sync_period_in_ms: 10000
# A mutation may be at most half a segment; 4 MB blobs in one conditional batch need 32 MB segments.
commitlog_segment_size_in_mb: 32
endpoint_snitch: SimpleSnitch
listen_address: 127.0.0.1
rpc_address: 127.0.0.1
storage_port: $storage_port
ssl_storage_port: $ssl_storage_port
start_native_transport: true
native_transport_port: $native_port
seed_provider:
  - class_name: org.apache.cassandra.locator.SimpleSeedProvider
    parameters:
      - seeds: "$seeds"
authenticator: AllowAllAuthenticator
authorizer: AllowAllAuthorizer
concurrent_reads: 8
concurrent_writes: 8
concurrent_counter_writes: 4
memtable_flush_writers: 1
compaction_throughput_mb_per_sec: 0
key_cache_size_in_mb: 8
counter_cache_size_in_mb: 0
read_request_timeout_in_ms: 10000
write_request_timeout_in_ms: 10000
cas_contention_timeout_in_ms: 5000
range_request_timeout_in_ms: 20000
request_timeout_in_ms: 20000
$version_specific
YAML

cat >"$conf_dir/logback.xml" <<XML
<configuration scan="false">
  <appender name="STDOUT" class="ch.qos.logback.core.ConsoleAppender">
    <encoder><pattern>%-5level [%thread] %date{ISO8601} %F:%L - %msg%n</pattern></encoder>
  </appender>
  <!-- Cassandra 3.11 on Java 11 logs a harmless NoSuchMethodError from its buffer cleaner. -->
  <logger name="org.apache.cassandra.io.util.FileUtils" level="OFF"/>
  <root level="INFO"><appender-ref ref="STDOUT"/></root>
</configuration>
XML
