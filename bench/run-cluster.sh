#!/usr/bin/env bash
# Graphs on two local workers, side by side in one run: Tendril's Manager.get against
# dask.distributed (Debian's python3-distributed, LocalCluster(n_workers=2, threads_per_worker=1))
# with its default settings and with worker-saturation inf. Three shapes: 10,000 independent
# tasks (all keys requested), 10,000 inc tasks summed in chunks of 1,000, a 65,536-leaf tree; and
# Tendril's time to the first dispatch of a 100,000-task wide graph. Every shape runs once cold
# (reported apart), then untimed for WARM_UP_SECONDS (10), then RUNS timed runs, on both systems.
#
#   bash bench/run-cluster.sh            # RUNS=3
#   RUNS=1 SHAPES=independent,reduce bash bench/run-cluster.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
RUNS="${RUNS:-3}"
WARM_UP_SECONDS="${WARM_UP_SECONDS:-10}"
SHAPES="${SHAPES:-independent,reduce,tree,first-dispatch}"
dask_shapes="$(echo "$SHAPES" | tr , "\n" | grep -v first-dispatch | paste -sd, -)"
. scripts/find-jdk.sh
tendril_find_jdk
java="$JAVA_HOME/bin/java"
flags=()
[ "$(tendril_java_major "$java")" -ge 24 ] && flags+=(--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow)
if [ -z "${SKIP_BUILD:-}" ]; then
  ./mvnw -B -ntp -q -DskipTests -pl tendril-cli,bench -am package
fi
out="bench/results/cluster-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
echo "== Tendril: Manager.get on 2 local workers" >&2
"$java" "${flags[@]}" -Dbench.warmUpSeconds="$WARM_UP_SECONDS" -cp bench/target/benchmarks.jar io.tendril.bench.ClusterGraphBench 2 tendril-cli/target/tendril.jar "$RUNS" "$SHAPES" 2>/dev/null | tee "$out/tendril.jsonl"
if /usr/bin/python3 -c "import distributed" 2>/dev/null; then
  for sat in default inf; do
    echo "== dask.distributed, worker-saturation $sat" >&2
    timeout 1800 /usr/bin/python3 bench/dask_distributed.py --runs "$RUNS" --warm-up-seconds "$WARM_UP_SECONDS" --saturation "$sat" --shapes "$dask_shapes" 2>/dev/null | tee "$out/dask-$sat.jsonl" || true
  done
else
  echo "python3-distributed is not installed (apt-get install python3-distributed): dask columns skipped" >&2
fi
/usr/bin/python3 - "$out" <<'PY'
import json, pathlib, sys
out = pathlib.Path(sys.argv[1])
def load(name):
    p = out / name
    return {j["shape"]: j for j in map(json.loads, p.read_text().splitlines())} if p.exists() else {}
t, d, i = load("tendril.jsonl"), load("dask-default.jsonl"), load("dask-inf.jsonl")
print("| shape | tasks | Tendril best (median) | first run | dask default best (median) | first run | dask inf best (median) | first run | Tendril / default | Tendril / inf |")
print("|---|---|---|---|---|---|---|---|---|---|")
f = lambda x: f"{x:,.0f}" if x else "—"
bm = lambda j: f"{f(j['best_tasks_per_s'])} ({f(j['median_tasks_per_s'])})" if j else "—"
first = lambda j: f(j.get("first_run_tasks_per_s")) if j else "—"
for s, j in t.items():
    if "first_dispatch_ms" in j:
        print(f"| first dispatch of a {j['tasks']:,}-task wide graph | | {j['first_dispatch_ms']} ms | | | | | | | |")
        continue
    r = j["best_tasks_per_s"]
    jd, ji = d.get(s), i.get(s)
    q = lambda o: f"{r / o['best_tasks_per_s']:.1f}" if o else "—"
    print(f"| {s} | {j['tasks']:,} | {bm(j)} | {first(j)} | {bm(jd)} | {first(jd)} | {bm(ji)} | {first(ji)} | {q(jd)} | {q(ji)} |")
PY
