# Per-target settings for the MariaDB server scripts (sourced, not run).
# MariaDB speaks the MySQL protocol, but it is reported as MariaDB everywhere, never as MySQL.
# shellcheck shell=bash
# The variables set here are read by the scripts that source this file.
# shellcheck disable=SC2034
# shellcheck source=../lib/common.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")/../lib" && pwd)/common.sh"

mariadb_targets=(mariadb-10.11)

# Sets: target, port, apt_package, service_user, runtime_home, data_dir, socket_file,
# log_file, pid_file, run_file.
resolve_target() {
  target="$1"
  case "$target" in
    mariadb-10.11)
      port=13306
      # Debian bookworm's mariadb-server is the 10.11 LTS line.
      apt_package=mariadb-server
      expected_series=10.11
      ;;
    *)
      echo "usage: $(basename "$0") ${mariadb_targets[*]} (got '${target}')" >&2
      exit 2
      ;;
  esac
  run_file="$run_dir/$target.json"
  # The Debian package creates the `mysql` system user; elsewhere we create it.
  service_user="$(service_user_for mysql)"
  runtime_home="$(runtime_home_for "$target" "$service_user")"
  data_dir="$runtime_home/data"
  socket_file="$runtime_home/mariadbd.sock"
  log_file="$runtime_home/mariadbd.log"
  pid_file="$runtime_home/mariadbd.pid"
  mariadbd_bin=/usr/sbin/mariadbd
}
