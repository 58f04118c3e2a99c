#!/usr/bin/env bash
# Prints one line per target: running (address, pid) or stopped.
# Usage: bash conformance/servers/status.sh [<target>|all]   (no argument: all)
set -euo pipefail
# shellcheck source=lib/dispatch.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib/dispatch.sh"
dispatch status "$@"
