#!/usr/bin/env bash
# Resolves the codelibs node runner and its dependencies from Maven Central, picks a Java
# runtime and compiles the node launcher, all into the cache. Re-runs are no-ops once complete.
# Usage: install.sh elasticsearch-7.10.2|opensearch-2|elasticsearch-6.8.9
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=targets.sh
source "$here/targets.sh"
resolve_target "${1:-}"
mkdir -p "$target_home"

install_java() {
  local jdk="${HOURGLASS_SEARCH_JDK:-/usr/lib/jvm/java-17-openjdk-amd64}"
  if [[ ! -x "$jdk/bin/java" || ! -x "$jdk/bin/javac" ]]; then
    echo "$target needs a JDK 17 at $jdk (apt-get install openjdk-17-jdk-headless) or HOURGLASS_SEARCH_JDK" >&2
    exit 1
  fi
  echo "$jdk" >"$target_home/jdk-path"
}

install_jars() {
  local marker="$target_home/lib/.complete-$runner_artifact-$runner_version"
  [[ -f "$marker" ]] && return 0
  local pom_dir="$target_home/pom"
  mkdir -p "$pom_dir"
  cat >"$pom_dir/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>hourglass.servers</groupId>
  <artifactId>$target</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>$runner_group</groupId>
      <artifactId>$runner_artifact</artifactId>
      <version>$runner_version</version>
    </dependency>
  </dependencies>
</project>
POM
  if ! command -v mvn >/dev/null; then
    echo "$target needs Maven to resolve the node jars once (apt-get install maven); later starts use the cache" >&2
    exit 1
  fi
  rm -rf "$target_home/lib"
  echo "$target: resolving $runner_group:$runner_artifact:$runner_version and its dependencies from Maven Central" >&2
  if ! mvn -q -B -f "$pom_dir/pom.xml" dependency:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory="$target_home/lib" >"$target_home/maven.log" 2>&1; then
    echo "$target: maven resolution failed; see $target_home/maven.log" >&2
    tail -n 30 "$target_home/maven.log" >&2
    exit 1
  fi
  touch "$marker"
}

compile_launcher() {
  local sources=("$here/launcher/$launcher_class.java" "$here/launcher/NodeSettingsArgs.java")
  local classes="$target_home/launcher"
  local stamp="$classes/.source-sha256"
  local sum
  sum="$(cat "${sources[@]}" | sha256sum | cut -d' ' -f1)"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$sum" ]]; then
    return 0
  fi
  rm -rf "$classes"
  mkdir -p "$classes"
  "$(cat "$target_home/jdk-path")/bin/javac" -nowarn -d "$classes" -cp "$target_home/lib/*" "${sources[@]}"
  echo "$sum" >"$stamp"
}

install_java
install_jars
compile_launcher
