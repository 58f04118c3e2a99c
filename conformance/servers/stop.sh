#!/usr/bin/env bash
# Stops a server that start.sh started and removes its run file.
# Usage: bash conformance/servers/stop.sh [<target>|all]   (no argument: all)
set -euo pipefail
# shellcheck source=lib/dispatch.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib/dispatch.sh"
dispatch stop "$@"
