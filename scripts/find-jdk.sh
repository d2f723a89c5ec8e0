# Finds a JDK of version 21 or newer and exports JAVA_HOME to it. Sourced by ./tendril,
# scripts/mvn, .ci/run and bench/ scripts; prints what to install when there is none.
# Order: $JAVA_HOME, then `java` on PATH, then every JDK under /usr/lib/jvm (newest first).

tendril_java_major() {
  # Prints the major version of the java binary $1 (8 for 1.8), or nothing.
  "$1" -XshowSettings:properties -version 2>&1 |
    sed -n 's/^ *java\.specification\.version = \(1\.\)\{0,1\}\([0-9][0-9]*\).*/\2/p' | head -n 1
}

tendril_find_jdk() {
  local candidates=() c major
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  if [ -d /usr/lib/jvm ]; then
    while IFS= read -r c; do candidates+=("$c"); done < <(ls -1d /usr/lib/jvm/*/ 2>/dev/null | sed 's#/$##' | sort -rV)
  fi
  for c in "${candidates[@]}"; do
    [ -x "$c/bin/java" ] && [ -x "$c/bin/javac" ] || continue
    major=$(tendril_java_major "$c/bin/java")
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then
      export JAVA_HOME="$c"
      return 0
    fi
  done
  {
    echo "tendril: no JDK 21 or newer found."
    echo "  Looked at: \$JAVA_HOME (${JAVA_HOME:-unset}), java on PATH, and /usr/lib/jvm/*."
    echo "  Install one (e.g. Temurin 21+ from https://adoptium.net, or 'apt-get install openjdk-21-jdk'"
    echo "  where your distribution has it) and set JAVA_HOME to it."
  } >&2
  return 1
}
