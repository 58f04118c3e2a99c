#!/usr/bin/env bash
# Starts a real local server for a conformance target (no Docker) and writes its run file.
# Usage: bash conformance/servers/start.sh <target>|all
set -euo pipefail
# shellcheck source=lib/dispatch.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib/dispatch.sh"
dispatch start "$@"
