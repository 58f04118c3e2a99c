#!/usr/bin/env bash
# Starts a real MariaDB server on 127.0.0.1 for one conformance target (no Docker), with its own
# data directory, socket and port, running as the unprivileged `mysql` user. Idempotent: a
# running server is reused. Writes conformance/servers/.run/<target>.json once a password
# login succeeds. Usage: start.sh mariadb-10.11
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=targets.sh
source "$here/targets.sh"
resolve_target "${1:-}"
lock_target "$target"

started_at=$(date +%s)
"$here/install.sh" "$target"

make_user_dir "$service_user" "$runtime_home"
# shellcheck source=../lib/tls.sh
source "$here/../lib/tls.sh"
tls_dir="$runtime_home/tls"
ensure_test_certs "$tls_dir" "$service_user"

# mariadb-install-db gives root and the account that runs the server unix-socket logins (peer
# credentials, no password); we are one of the two, so we log in as whoever we are.
admin_sql() {
  mariadb --no-defaults --protocol=socket --socket="$socket_file" -u "$(id -un)" --batch --skip-column-names "$@"
}

if ! pid_alive "$pid_file" "--datadir=$data_dir"; then
  if [[ ! -d "$data_dir/mysql" ]]; then
    rm -rf "$data_dir"
    make_user_dir "$service_user" "$data_dir"
    echo "$target: mariadb-install-db $data_dir" >&2
    mariadb-install-db --no-defaults --datadir="$data_dir" --user="$service_user" \
      --auth-root-authentication-method=socket --skip-test-db >"$runtime_home/install-db.log" 2>&1 \
      || { tail -n 30 "$runtime_home/install-db.log" >&2; die "$target: mariadb-install-db failed"; }
  fi
  assert_port_free "$port" "$target"
  rm -f "$pid_file"
  touch "$log_file"
  chown "$service_user:" "$log_file" 2>/dev/null || true
  # --no-defaults keeps /etc/mysql out of it. The packet limit lets multi-megabyte blobs through;
  # flushing the redo log once a second instead of per commit is fine for a test server.
  server_args=(
    --no-defaults
    "--datadir=$data_dir"
    "--socket=$socket_file"
    "--pid-file=$pid_file"
    "--log-error=$log_file"
    "--port=$port"
    --bind-address=127.0.0.1
    --skip-name-resolve
    --character-set-server=utf8mb4
    --collation-server=utf8mb4_bin
    --max-connections=300
    --max-allowed-packet=64M
    --innodb-buffer-pool-size=128M
    --innodb-log-file-size=64M
    --innodb-flush-log-at-trx-commit=2
    --skip-log-bin
    # TLS is offered, not required.
    "--ssl-ca=$tls_dir/ca.crt"
    "--ssl-cert=$tls_dir/server.crt"
    "--ssl-key=$tls_dir/server.key"
  )
  [[ $EUID -eq 0 ]] && server_args+=("--user=$service_user")
  echo "$target: starting MariaDB on 127.0.0.1:$port (data $data_dir, log $log_file)" >&2
  # 9>&-: the server must not inherit (and so hold) this script's target lock.
  setsid "$mariadbd_bin" "${server_args[@]}" </dev/null >>"$log_file" 2>&1 9>&- &
  launcher=$!
  deadline=$(($(date +%s) + ${MARIADB_READY_TIMEOUT_S:-90}))
  until admin_sql -e 'SELECT 1' >/dev/null 2>&1; do
    if ! kill -0 "$launcher" 2>/dev/null || (($(date +%s) > deadline)); then
      tail -n 40 "$log_file" >&2
      kill -0 "$launcher" 2>/dev/null && terminate_pid "$launcher" 30 "$target"
      die "$target: MariaDB did not become ready"
    fi
    sleep 0.5
  done
fi

# The user and database are (re)asserted on every start so a run file always names a working
# login. Data and DDL privileges on every database let the suite create and drop a database per
# run, like PostgreSQL's CREATEDB; server administration (SUPER, SHUTDOWN, ...) stays with root.
privileges="SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, ALTER, INDEX, REFERENCES, CREATE TEMPORARY TABLES, LOCK TABLES, CREATE VIEW, SHOW VIEW"
account_sql=""
for host in 127.0.0.1 localhost; do
  account="'$hourglass_db_user'@'$host'"
  account_sql+="CREATE USER IF NOT EXISTS $account IDENTIFIED BY '$hourglass_db_password';
ALTER USER $account IDENTIFIED BY '$hourglass_db_password';
REVOKE ALL PRIVILEGES, GRANT OPTION FROM $account;
GRANT $privileges ON *.* TO $account;
"
done
admin_sql <<SQL
$account_sql
CREATE DATABASE IF NOT EXISTS \`$hourglass_db_name\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
SQL

login_check() {
  MYSQL_PWD="$hourglass_db_password" mariadb --no-defaults --protocol=tcp -h 127.0.0.1 -P "$port" \
    -u "$hourglass_db_user" --batch --skip-column-names -D "$hourglass_db_name" -e "$1"
}
server_version="$(login_check 'SELECT VERSION()')" || die "$target: password login as $hourglass_db_user failed"
version_comment="$(login_check 'SELECT @@version_comment')"
pid="$(head -n1 "$pid_file")"
# A server started before TLS was configured keeps running without it until restarted.
tls_ca=""
[[ "$(login_check 'SELECT @@have_ssl')" == YES ]] && tls_ca="$tls_dir/ca.crt"

write_sql_run_file "$run_file" "$target" "$port" "$server_version" "MariaDB $server_version ($version_comment)" "$pid" mariadb "$tls_ca"
echo "$target ready: MariaDB $server_version on 127.0.0.1:$port, pid $pid, in $(($(date +%s) - started_at))s ($run_file)"
