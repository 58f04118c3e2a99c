# Shared per-target settings for the Cassandra server scripts (sourced, not run).
servers_home="${HOURGLASS_SERVERS_HOME:-$HOME/.cache/hourglass-servers}"
run_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.run"

resolve_target() {
  target="$1"
  case "$target" in
    cassandra-4.0)
      cassandra_version="${CASSANDRA_40_VERSION:-4.0.17}"
      native_port=19042
      storage_port=17000
      ssl_storage_port=17001
      ;;
    cassandra-3.11)
      cassandra_version="${CASSANDRA_311_VERSION:-3.11.17}"
      native_port=19043
      storage_port=17010
      ssl_storage_port=17011
      ;;
    *)
      echo "usage: $(basename "$0") cassandra-4.0|cassandra-3.11 (got '${target}')" >&2
      exit 2
      ;;
  esac
  target_home="$servers_home/$target"
  pid_file="$target_home/cassandra.pid"
  run_file="$run_dir/$target.json"
}
