# Helpers shared by the PostgreSQL and MariaDB server scripts (sourced, not run).
# shellcheck shell=bash
# The variables set here are read by the scripts that source this file.
# shellcheck disable=SC2034

servers_home="${HOURGLASS_SERVERS_HOME:-$HOME/.cache/hourglass-servers}"
run_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.run"

die() {
  echo "$*" >&2
  exit 1
}

# The credentials every run file names: a password-authenticated user allowed to create databases.
hourglass_db_user="${HOURGLASS_DB_USER:-hourglass}"
hourglass_db_password="${HOURGLASS_DB_PASSWORD:-hourglass}"
hourglass_db_name="${HOURGLASS_DB_NAME:-hourglass}"

# PostgreSQL refuses to run as root, and a server should not anyway. As root we run it as
# `wanted_user` (created as a system user when missing); as anyone else we run it as ourselves.
service_user_for() {
  local wanted_user="$1"
  if [[ $EUID -ne 0 ]]; then
    id -un
    return
  fi
  if ! id -u "$wanted_user" >/dev/null 2>&1; then
    useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$wanted_user" \
      || die "cannot create system user $wanted_user"
  fi
  echo "$wanted_user"
}

# Runs a command as the service user (a no-op switch when we already are that user).
as_user() {
  local user="$1"
  shift
  if [[ "$(id -un)" == "$user" ]]; then
    "$@"
  else
    runuser -u "$user" -- "$@"
  fi
}

# Where a server's binaries, data and logs live. The service user must be able to reach it;
# root's home is usually mode 700, so as root the fallback is a directory under /var/tmp.
runtime_home_for() {
  local target="$1" user="$2"
  local preferred="$servers_home/$target"
  mkdir -p "$servers_home"
  if as_user "$user" test -x "$servers_home" 2>/dev/null; then
    echo "$preferred"
  else
    echo "${HOURGLASS_SERVERS_RUNTIME:-/var/tmp/hourglass-servers}/$target"
  fi
}

# Creates a directory owned by the service user, keeping other users out.
make_user_dir() {
  local user="$1" dir="$2"
  mkdir -p "$dir"
  chown "$user:" "$dir" 2>/dev/null || true
  chmod 700 "$dir"
}

# True when the pid in `pid_file` is alive and its command line contains `pattern`; the
# pattern check keeps a pid reused by an unrelated process from being mistaken for our server.
pid_alive() {
  local pid_file="$1" pattern="$2"
  [[ -f "$pid_file" ]] || return 1
  local pid
  pid="$(head -n1 "$pid_file" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$pattern"
}

# Sends SIGTERM, waits up to `grace_s`, then SIGKILL; only for a pid that passed pid_alive.
terminate_pid() {
  local pid="$1" grace_s="${2:-30}" label="$3"
  kill -TERM "$pid" 2>/dev/null || return 0
  local i
  for ((i = 0; i < grace_s * 2; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.5
  done
  echo "$label: pid $pid ignored SIGTERM for ${grace_s}s; sending SIGKILL" >&2
  kill -KILL "$pid" 2>/dev/null || true
}

# Minimal JSON string escaping for values written into run files.
json_string() {
  local s="$1"
  s="${s//\\/\\\\}"
  s="${s//\"/\\\"}"
  printf '"%s"' "$s"
}

# Writes the run file the conformance suite reads; written only after the server answers.
# tlsCaFile names the CA that signed the server's test certificate, or null when TLS is off.
write_sql_run_file() {
  local file="$1" target="$2" port="$3" version="$4" version_string="$5" pid="$6" family="$7" tls_ca_file="$8"
  mkdir -p "$(dirname "$file")"
  local tmp="$file.tmp.$$"
  cat >"$tmp" <<JSON
{
  "target": $(json_string "$target"),
  "family": $(json_string "$family"),
  "host": "127.0.0.1",
  "port": $port,
  "user": $(json_string "$hourglass_db_user"),
  "password": $(json_string "$hourglass_db_password"),
  "database": $(json_string "$hourglass_db_name"),
  "serverVersion": $(json_string "$version"),
  "versionString": $(json_string "$version_string"),
  "tlsCaFile": $(if [[ -n "$tls_ca_file" ]]; then json_string "$tls_ca_file"; else echo null; fi),
  "pid": $pid,
  "startedBy": "hourglass"
}
JSON
  mv "$tmp" "$file"
}

# Serialises start/stop of one target, so two callers (CI in the background, a developer) cannot
# both initialise or both start the same server. The lock is released when the script exits.
lock_target() {
  local target="$1"
  mkdir -p "$servers_home"
  exec 9>"$servers_home/.$target.lock"
  flock -w "${HOURGLASS_SERVERS_LOCK_TIMEOUT_S:-300}" 9 || die "$target: another start/stop of this server is still running"
}

# Fails when something other than our own server already listens on the port.
assert_port_free() {
  local port="$1" label="$2"
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    die "$label: 127.0.0.1:$port is already in use by another process; stop it or free the port"
  fi
}
