#!/usr/bin/env bash
# Command-task throughput, side by side in one run: N trivial tasks on 2 local workers with
# Tendril, against the raw process-spawn ceiling (xargs and the JVM) and against Makeflow + Work
# Queue from Debian's coop-computing-tools. Prints a table and writes bench/results/tasks-*.
#
#   bash bench/run-tasks.sh            # N=10000
#   N=2000 bash bench/run-tasks.sh
#
# Work Queue 8.0 listens on every interface and cannot be told otherwise, so it runs inside a
# private network namespace (unshare -n, as root) where only loopback exists; without root or
# coop-computing-tools (apt-get install coop-computing-tools) that column is skipped.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
N="${N:-10000}"
. scripts/find-jdk.sh
tendril_find_jdk
java="$JAVA_HOME/bin/java"
flags=()
[ "$(tendril_java_major "$java")" -ge 24 ] && flags+=(--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow)
if [ -z "${SKIP_BUILD:-}" ]; then
  ./mvnw -B -ntp -q -DskipTests -pl tendril-cli,bench -am package
fi
out="bench/results/tasks-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "== xargs -P2 /bin/true x $N" >&2
t0=$(date +%s.%N); seq "$N" | xargs -P2 -n1 /bin/true; t1=$(date +%s.%N)
xargs_rate=$(python3 -c "print(round($N/($t1-$t0),1))")

echo "== JVM spawning /bin/true, 2 at a time" >&2
jvm_line=$("$java" "${flags[@]}" -cp bench/target/benchmarks.jar io.tendril.bench.SpawnCeiling "$N" 2)
jvm_rate=$(python3 -c "import json,sys; print(json.loads(sys.argv[1])['tasks_per_s'])" "$jvm_line")

echo "== Tendril: $N x /bin/true submitted at once, 2 local workers of 1 core" >&2
tendril_line=$("$java" "${flags[@]}" -cp bench/target/benchmarks.jar io.tendril.bench.CommandTaskBench "$N" 2 tendril-cli/target/tendril.jar 2>/dev/null | tail -n 1)
tendril_rate=$(python3 -c "import json,sys; print(json.loads(sys.argv[1])['tasks_per_s'])" "$tendril_line")

# The same Makeflow file for tendril run and makeflow -T wq: N rules, each touching its target.
mkdir -p "$work/mf"
python3 - "$N" > "$work/mf/tasks.makeflow" <<'PY'
import sys
for i in range(int(sys.argv[1])):
    print(f"out.{i}:\n\ttouch out.{i}\n")
PY
echo "== tendril run on a $N-rule Makeflow file, 2 local workers" >&2
t0=$(date +%s.%N)
"$java" "${flags[@]}" -jar tendril-cli/target/tendril.jar run "$work/mf/tasks.makeflow" --workers 2 >/dev/null 2>"$out/tendril-run.log"
t1=$(date +%s.%N)
run_rate=$(python3 -c "print(round($N/($t1-$t0),1))")
rm -f "$work"/mf/out.*

wq_rate="skipped"
if command -v makeflow >/dev/null && command -v work_queue_worker >/dev/null && [ "$(id -u)" = 0 ]; then
  echo "== makeflow -T wq on the same file, 2 work_queue_worker, in a private network namespace" >&2
  cat > "$work/wq.sh" <<SH
set -e
ip link set lo up
cd "$work/mf"
export OMPI_MCA_ess_singleton_isolated=1
start=\$(date +%s.%N)
makeflow -T wq -Z port.txt tasks.makeflow > makeflow.log 2>&1 &
mf=\$!
for i in \$(seq 100); do [ -s port.txt ] && break; sleep 0.1; done
port=\$(cat port.txt)
work_queue_worker 127.0.0.1 \$port --single-shot -t 30 > w1.log 2>&1 &
work_queue_worker 127.0.0.1 \$port --single-shot -t 30 > w2.log 2>&1 &
wait \$mf
end=\$(date +%s.%N)
kill %2 %3 2>/dev/null || true
python3 -c "print(round($N/(\$end-\$start),1))"
SH
  wq_rate=$(unshare -n bash "$work/wq.sh" 2>"$out/wq.log" | tail -n 1) || wq_rate="failed"
fi

python3 - "$out" "$N" "$xargs_rate" "$jvm_rate" "$tendril_rate" "$run_rate" "$wq_rate" <<'PY'
import json, sys, datetime
out, n, xargs, jvm, tendril, run, wq = sys.argv[1:]
rows = {"tasks": int(n), "xargs_per_s": float(xargs), "jvm_spawn_per_s": float(jvm),
        "tendril_api_per_s": float(tendril), "tendril_run_per_s": float(run),
        "makeflow_wq_per_s": wq, "date": datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M UTC")}
json.dump(rows, open(out + "/summary.json", "w"))
print(f"| system | tasks/s | vs xargs | vs JVM spawn |")
print(f"|---|---:|---:|---:|")
for name, rate in [("xargs -P2 /bin/true", xargs), ("JVM spawning /bin/true, 2 at a time", jvm),
                   ("Tendril API, 2 workers, all submitted at once", tendril),
                   ("tendril run (Makeflow file), 2 workers", run), ("makeflow -T wq, 2 work_queue_worker", wq)]:
    try:
        r = float(rate)
        print(f"| {name} | {r:,.0f} | {r/float(xargs):.2f} | {r/float(jvm):.2f} |")
    except ValueError:
        print(f"| {name} | {rate} | | |")
PY
