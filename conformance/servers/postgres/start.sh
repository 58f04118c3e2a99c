#!/usr/bin/env bash
# Starts a real PostgreSQL server on 127.0.0.1 for one conformance target (no Docker), with its
# own data directory and port, running as a non-root user. Idempotent: a running server is reused.
# Writes conformance/servers/.run/<target>.json once a password login succeeds.
# Usage: start.sh postgres-15|postgres-10.18|postgres-13.4
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=targets.sh
source "$here/targets.sh"
resolve_target "${1:-}"
lock_target "$target"

started_at=$(date +%s)
"$here/install.sh" "$target"

psql_bin="$bin_dir/psql"
[[ -x "$psql_bin" ]] || psql_bin="$(command -v psql || true)"
[[ -n "$psql_bin" ]] || die "$target: no psql client found (apt-get install -y --no-install-recommends postgresql-client-15)"

superuser_psql() {
  # Local socket, trust auth: the bootstrap superuser needs no password on our own socket.
  as_user "$service_user" "$psql_bin" -X -q -v ON_ERROR_STOP=1 -h "$socket_dir" -p "$port" -U postgres -d postgres "$@"
}

make_user_dir "$service_user" "$runtime_home"
make_user_dir "$service_user" "$socket_dir"
# shellcheck source=../lib/tls.sh
source "$here/../lib/tls.sh"
tls_dir="$runtime_home/tls"
ensure_test_certs "$tls_dir" "$service_user"

if ! pid_alive "$pid_file" "$bin_dir/postgres"; then
  if [[ ! -f "$data_dir/PG_VERSION" ]]; then
    rm -rf "$data_dir"
    make_user_dir "$service_user" "$data_dir"
    echo "$target: initdb $data_dir" >&2
    as_user "$service_user" "$bin_dir/initdb" -D "$data_dir" -U postgres -E UTF8 --no-locale \
      --auth-local=trust --auth-host=md5 >"$runtime_home/initdb.log" 2>&1 \
      || { tail -n 30 "$runtime_home/initdb.log" >&2; die "$target: initdb failed"; }
  fi
  assert_port_free "$port" "$target"
  # Our own port, socket directory and loopback address keep this server apart from any other
  # PostgreSQL on the machine (Debian's default cluster included, which we never start).
  server_options="-p $port -c listen_addresses=127.0.0.1 -k $socket_dir -c max_connections=300"
  server_options+=" -c timezone=UTC -c synchronous_commit=off -c log_min_messages=warning"
  # TLS is offered, not required: clients may connect either way (pg_hba "host" lines match both).
  server_options+=" -c ssl=on -c ssl_cert_file=$tls_dir/server.crt -c ssl_key_file=$tls_dir/server.key"
  touch "$log_file"
  chown "$service_user:" "$log_file" 2>/dev/null || true
  echo "$target: starting PostgreSQL on 127.0.0.1:$port (data $data_dir, log $log_file)" >&2
  # 9>&- keeps the server from inheriting (and so holding) this script's target lock.
  if ! as_user "$service_user" "$bin_dir/pg_ctl" -D "$data_dir" -l "$log_file" -w -t "${POSTGRES_READY_TIMEOUT_S:-90}" \
      -o "$server_options" start >&2 9>&-; then
    tail -n 40 "$log_file" >&2
    die "$target: PostgreSQL did not start"
  fi
fi

# Role and database are (re)asserted on every start so a run file always names a working login.
superuser_psql -v user="$hourglass_db_user" -v password="$hourglass_db_password" -v db="$hourglass_db_name" <<'SQL'
SELECT format('CREATE ROLE %I', :'user') WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'user') \gexec
ALTER ROLE :"user" WITH LOGIN CREATEDB PASSWORD :'password';
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'user') WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'db') \gexec
SQL

# Readiness is a real password login over TCP, the way the stores connect.
login_check() {
  PGPASSWORD="$hourglass_db_password" "$psql_bin" -X -q -tA -h 127.0.0.1 -p "$port" -U "$hourglass_db_user" -d "$hourglass_db_name" -c "$1"
}
server_version="$(login_check 'SHOW server_version')" || die "$target: password login as $hourglass_db_user failed"
version_string="$(login_check 'SELECT version()')"
pid="$(head -n1 "$pid_file")"
# A server started before TLS was configured keeps running without it until restarted.
tls_ca=""
[[ "$(login_check 'SHOW ssl')" == on ]] && tls_ca="$tls_dir/ca.crt"

write_sql_run_file "$run_file" "$target" "$port" "$server_version" "$version_string" "$pid" postgres "$tls_ca"
echo "$target ready: PostgreSQL $server_version on 127.0.0.1:$port, pid $pid, in $(($(date +%s) - started_at))s ($run_file)"
