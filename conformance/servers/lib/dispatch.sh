# Routes a conformance target name to the script family that runs it (sourced, not run).
# shellcheck shell=bash

servers_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

all_targets=(
  postgres-15 postgres-10.18 postgres-13.4 mariadb-10.11
  cassandra-4.0 cassandra-3.11
  elasticsearch-7.10.2 elasticsearch-6.8.9 opensearch-2 elasticsearch-8
)

dispatch_usage() {
  local action="$1"
  echo "usage: bash conformance/servers/$action.sh <target>|all$([[ "$action" == start ]] || echo '   (no argument: all)')" >&2
  echo "targets: ${all_targets[*]}" >&2
}

# Prints the family directory of a target, or nothing for an unknown name.
family_of() {
  case "$1" in
    postgres-15 | postgres-10.18 | postgres-13.4) echo postgres ;;
    mariadb-10.11) echo mariadb ;;
    cassandra-4.0 | cassandra-3.11) echo cassandra ;;
    elasticsearch-7.10.2 | elasticsearch-6.8.9 | opensearch-2 | elasticsearch-8) echo search ;;
  esac
}

# The Cassandra scripts have no status script; their pid and run files tell the same story.
cassandra_status() {
  local name="$1"
  (
    # shellcheck source=../cassandra/targets.sh
    source "$servers_dir/cassandra/targets.sh"
    resolve_target "$name"
    if [[ -f "$pid_file" ]] && kill -0 "$(cat "$pid_file")" 2>/dev/null \
      && tr '\0' ' ' <"/proc/$(cat "$pid_file")/cmdline" | grep -q 'org.apache.cassandra.service.CassandraDaemon'; then
      local ready="ready"
      [[ -f "$run_file" ]] || ready="starting or never ready (no run file)"
      echo "$name running 127.0.0.1:$native_port pid $(cat "$pid_file"), $ready"
    else
      echo "$name stopped (port $native_port)"
    fi
  )
}

# Runs one action for one known target; returns the script's exit status.
dispatch_one() {
  local action="$1" name="$2" family
  family="$(family_of "$name")"
  local script="$servers_dir/$family/$action.sh"
  if [[ "$family" == cassandra && "$action" == status ]]; then
    cassandra_status "$name"
    return 0
  fi
  if [[ ! -f "$script" ]]; then
    if [[ "$action" == status ]]; then
      echo "$name unknown ($family/status.sh is missing)"
      return 0
    fi
    echo "$name: $family/$action.sh is missing, so this target cannot be handled here" >&2
    return 1
  fi
  if [[ "$action" == status ]]; then
    # A stopped server is an answer, not a failure; some family scripts exit non-zero for it.
    bash "$script" "$name" || true
    return 0
  fi
  bash "$script" "$name"
}

dispatch() {
  local action="$1"
  shift
  # Stopping or listing everything is harmless, so those default to all; starting needs a choice.
  if [[ $# -eq 0 && "$action" != start ]]; then
    set -- all
  fi
  if [[ $# -ne 1 ]]; then
    dispatch_usage "$action"
    return 2
  fi
  local requested="$1"
  if [[ "$requested" == all ]]; then
    local name failed=()
    for name in "${all_targets[@]}"; do
      dispatch_one "$action" "$name" || failed+=("$name")
    done
    if [[ ${#failed[@]} -gt 0 ]]; then
      echo "$action failed for: ${failed[*]}" >&2
      return 1
    fi
    return 0
  fi
  if [[ -z "$(family_of "$requested")" ]]; then
    echo "unknown target '$requested'" >&2
    dispatch_usage "$action"
    return 2
  fi
  dispatch_one "$action" "$requested"
}
