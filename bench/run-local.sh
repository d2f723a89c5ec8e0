#!/usr/bin/env bash
# Tendril beside Dask on the local schedulers: the same three graphs (wide, chain, tree) on
# dask.get / dask.threaded.get and on Schedulers.sync() / Schedulers.threaded(), in one run.
# Writes the table, the machine and the date into docs/benchmarks.md.
#
#   bash bench/run-local.sh
#
# Needs a JDK >= 21 (found in $JAVA_HOME, on PATH or under /usr/lib/jvm) and Dask importable by
# /usr/bin/python3 (Debian: apt-get install python3-dask). Optional environment:
#   RUNS=7            timed runs per shape and scheduler (both systems)
#   JAVA_FORKS=3      Tendril JVMs, one after the other; the median is over all their timed runs
#   JAVA_WARMUP=10    discarded warm-up runs per shape and scheduler in each JVM (JIT)
#   DASK_WARMUP=1     discarded warm-up runs per shape and scheduler, Dask
#   JAVA_OPTS="-Xms2g -Xmx2g"
#   DASK_PYTHON=/usr/bin/python3
#   SKIP_BUILD=1      use bench/target/benchmarks.jar as it is
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

RUNS="${RUNS:-7}"
JAVA_FORKS="${JAVA_FORKS:-3}"
JAVA_WARMUP="${JAVA_WARMUP:-10}"
DASK_WARMUP="${DASK_WARMUP:-1}"
JAVA_OPTS="${JAVA_OPTS:--Xms2g -Xmx2g}"
DASK_PYTHON="${DASK_PYTHON:-/usr/bin/python3}"

# 1. A JDK >= 21: $JAVA_HOME, then java on PATH, then /usr/lib/jvm/* (scripts/find-jdk.sh).
# shellcheck source=../scripts/find-jdk.sh
. "$root/scripts/find-jdk.sh"
if ! tendril_find_jdk; then
  echo "bench/run-local.sh: needs a JDK 21 or newer to build and run Tendril (see above)." >&2
  exit 1
fi
java="$JAVA_HOME/bin/java"

# 2. Dask for the side-by-side run.
if [ ! -x "$DASK_PYTHON" ] || ! "$DASK_PYTHON" -c 'import dask, dask.threaded' >/dev/null 2>&1; then
  {
    echo "bench/run-local.sh: Dask is not importable by $DASK_PYTHON."
    echo "  On Debian/Ubuntu: apt-get install python3-dask"
    echo "  (or point DASK_PYTHON at a Python that has Dask)."
  } >&2
  exit 1
fi

# 3. Build the graph module and the benchmark jar.
jar="$root/bench/target/benchmarks.jar"
if [ -z "${SKIP_BUILD:-}" ]; then
  echo "== building bench/target/benchmarks.jar with JAVA_HOME=$JAVA_HOME" >&2
  "$root/mvnw" -B -ntp -q -pl tendril-graph,bench -am package -DskipTests
fi
if [ ! -f "$jar" ]; then
  echo "bench/run-local.sh: $jar is missing; run without SKIP_BUILD." >&2
  exit 1
fi

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
out="$root/bench/results/local-$stamp"
mkdir -p "$out"

# 4. Both systems, one after the other (never at the same time: they would share the cores).
# Tendril's timed runs take well under a second per combination against minutes for Dask's, so
# they are spread over several JVMs: a burst of noise on the machine, or one JVM's JIT decisions,
# then weighs on one fork rather than on the whole sample.
echo "== Tendril ($JAVA_FORKS JVMs x ($JAVA_WARMUP warm-up + $RUNS timed runs) per shape and scheduler)" >&2
: >"$out/tendril.jsonl"
for fork in $(seq 1 "$JAVA_FORKS"); do
  echo "-- JVM $fork of $JAVA_FORKS" >&2
  # shellcheck disable=SC2086
  "$java" $JAVA_OPTS -cp "$jar" io.tendril.bench.LocalSchedulerBench \
    --runs "$RUNS" --warmup "$JAVA_WARMUP" | tee -a "$out/tendril.jsonl" || true
done
echo "== Dask ($RUNS timed runs after $DASK_WARMUP warm-up run(s) per shape and scheduler)" >&2
"$DASK_PYTHON" "$root/bench/dask_local.py" \
  --runs "$RUNS" --warmup "$DASK_WARMUP" | tee "$out/dask.jsonl" || true

# 5. The machine, and docs/benchmarks.md.
cpu="$(sed -n 's/^model name[[:space:]]*:[[:space:]]*//p' /proc/cpuinfo 2>/dev/null | head -n 1)"
jdk="$("$java" -version 2>&1 | head -n 2 | paste -sd ';' - | sed 's/;/; /')"
python_version="$("$DASK_PYTHON" -c 'import platform; print(platform.python_version())')"
dask_version="$("$DASK_PYTHON" -c 'import dask; print(dask.__version__)')"
echo "== writing docs/benchmarks.md" >&2
"$DASK_PYTHON" "$root/bench/render_benchmarks.py" "$root/docs/benchmarks.md" \
  "$out/tendril.jsonl" "$out/dask.jsonl" \
  "date=$(date -u '+%Y-%m-%d %H:%M UTC')" \
  "nproc=$(nproc)" \
  "cpu=${cpu:-unknown}" \
  "os=$(uname -sr)" \
  "jdk=$jdk" \
  "jvm_opts=$JAVA_OPTS" \
  "python=$python_version" \
  "dask=$dask_version" \
  "raw=bench/results/local-$stamp/"
