# Per-target settings for the PostgreSQL server scripts (sourced, not run).
# shellcheck shell=bash
# The variables set here are read by the scripts that source this file.
# shellcheck disable=SC2034
# shellcheck source=../lib/common.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")/../lib" && pwd)/common.sh"

postgres_targets=(postgres-15 postgres-10.18 postgres-13.4)

# Sets: target, port, source (apt|zonky), zonky_version, download_home, service_user,
# runtime_home, bin_dir, data_dir, socket_dir, log_file, pid_file, run_file.
resolve_target() {
  target="$1"
  case "$target" in
    postgres-15)
      port=15415
      source=apt
      ;;
    postgres-10.18)
      port=15418
      source=zonky
      zonky_version=10.18.0
      ;;
    postgres-13.4)
      port=15434
      source=zonky
      zonky_version=13.4.0
      ;;
    *)
      echo "usage: $(basename "$0") ${postgres_targets[*]} (got '${target}')" >&2
      exit 2
      ;;
  esac
  download_home="$servers_home/$target"
  run_file="$run_dir/$target.json"
  # Debian's package already made a `postgres` user; the zonky builds run as our own.
  if [[ "$source" == apt ]]; then
    service_user="$(service_user_for postgres)"
  else
    service_user="$(service_user_for hourglass)"
  fi
  runtime_home="$(runtime_home_for "$target" "$service_user")"
  if [[ "$source" == apt ]]; then
    bin_dir=/usr/lib/postgresql/15/bin
  else
    bin_dir="$runtime_home/pgsql-$zonky_version/bin"
  fi
  data_dir="$runtime_home/data"
  socket_dir="$runtime_home/socket"
  log_file="$runtime_home/postgres.log"
  # postmaster.pid is written by the server itself; its first line is the postmaster pid.
  pid_file="$data_dir/postmaster.pid"
}
