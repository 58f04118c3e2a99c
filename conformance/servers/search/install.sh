#!/usr/bin/env bash
# Resolves the codelibs node runner and its dependencies from Maven Central, picks a Java
# runtime and compiles the node launcher, all into the cache. Re-runs are no-ops once complete.
# Targets with es_modules (elasticsearch-8) also get a distribution-like path.home under
# $target_home/home with modules/<name>/ holding each module's jars and a plugin descriptor.
# Usage: install.sh elasticsearch-7.10.2|opensearch-2|elasticsearch-6.8.9|elasticsearch-8
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
  rm -rf "${target_home:?}/lib"
  echo "$target: resolving $runner_group:$runner_artifact:$runner_version and its dependencies from Maven Central" >&2
  if ! mvn -q -B -f "$pom_dir/pom.xml" dependency:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory="$target_home/lib" >"$target_home/maven.log" 2>&1; then
    echo "$target: maven resolution failed; see $target_home/maven.log" >&2
    tail -n 30 "$target_home/maven.log" >&2
    exit 1
  fi
  touch "$marker"
}

# The plugin class of each server module install_modules knows how to lay out.
module_classname() {
  case "$1" in
    transport-netty4) echo org.elasticsearch.transport.netty4.Netty4Plugin ;;
    *)
      echo "$target: no plugin class known for module $1" >&2
      exit 1
      ;;
  esac
}

# Resolves org.elasticsearch.plugin:<module>:<version> without the server artifacts it depends on
# (those are on the node's classpath already; a second copy in the module would be jar hell) and
# writes the plugin descriptor the distribution's module zip would carry. The module has no
# modulename, so the node loads it as a classic plugin with its own class loader.
install_modules() {
  [[ -n "$es_modules" ]] || return 0
  local modules_dir="$target_home/home/modules"
  local marker="$target_home/home/.complete-$runner_version-${es_modules// /-}"
  [[ -f "$marker" ]] && return 0
  rm -rf "${target_home:?}/home"
  mkdir -p "$target_home/home/plugins" "$modules_dir"
  local module classname
  for module in $es_modules; do
    classname="$(module_classname "$module")"
    local pom_dir="$target_home/pom-$module"
    mkdir -p "$pom_dir"
    cat >"$pom_dir/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>hourglass.servers</groupId>
  <artifactId>$target-$module</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.elasticsearch.plugin</groupId>
      <artifactId>$module</artifactId>
      <version>$runner_version</version>
      <exclusions>
        <exclusion><groupId>org.elasticsearch</groupId><artifactId>*</artifactId></exclusion>
      </exclusions>
    </dependency>
  </dependencies>
</project>
POM
    echo "$target: resolving org.elasticsearch.plugin:$module:$runner_version from Maven Central" >&2
    if ! mvn -q -B -f "$pom_dir/pom.xml" dependency:copy-dependencies \
        -DincludeScope=runtime -DoutputDirectory="$modules_dir/$module" >"$target_home/maven-$module.log" 2>&1; then
      echo "$target: maven resolution of $module failed (Elastic does not publish it for every 8.x release); see $target_home/maven-$module.log" >&2
      tail -n 30 "$target_home/maven-$module.log" >&2
      exit 1
    fi
    cat >"$modules_dir/$module/plugin-descriptor.properties" <<DESCRIPTOR
description=$module module from Maven Central (org.elasticsearch.plugin:$module:$runner_version)
version=$runner_version
name=$module
classname=$classname
java.version=17
elasticsearch.version=$runner_version
extended.plugins=
has.native.controller=false
DESCRIPTOR
  done
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
install_modules
compile_launcher
