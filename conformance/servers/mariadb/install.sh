#!/usr/bin/env bash
# Makes the MariaDB server binaries available from Debian apt, without starting the package's
# default service. Re-runs are no-ops once installed. Usage: install.sh mariadb-10.11
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=targets.sh
source "$here/targets.sh"
resolve_target "${1:-}"
# shellcheck source=../lib/apt.sh
source "$here/../lib/apt.sh"

if [[ ! -x "$mariadbd_bin" || ! -x /usr/bin/mariadb-install-db || ! -x /usr/bin/mariadb ]]; then
  apt_install_quietly "$apt_package"
fi
[[ -x "$mariadbd_bin" ]] || die "$target: $apt_package installed but $mariadbd_bin is missing"
installed="$("$mariadbd_bin" --version)"
[[ "$installed" == *"Ver $expected_series."* ]] || die "$target: expected MariaDB $expected_series.x, found: $installed"
