#!/usr/bin/python3
"""The shapes of io.tendril.bench.GraphShapes on Dask's local schedulers.

Prints one JSON line per shape and scheduler, in the format of
io.tendril.bench.LocalSchedulerBench:

    /usr/bin/python3 bench/dask_local.py [--runs 7] [--warmup 1]
        [--shapes wide,chain,tree] [--schedulers sync,threaded]

Graphs are classic Dask tuple graphs, {('inc', i): (inc, i), ...}, built once per shape and
reused (Dask's local get does not modify the graph). Only the get call is timed: dask.get
(dask.local.get_sync) for "sync" and dask.threaded.get (default pool, one thread per core) for
"threaded". Each combination runs --warmup times (discarded), then --runs timed runs, with
gc.collect() before each one, outside the timed region. Every run must return the expected value;
a run that raises or returns something else is reported as an error line for that combination.
"""

import argparse
import gc
import json
import time

import dask
import dask.threaded


def inc(x):
    return x + 1


def add(x, y):
    return x + y


def wide(n=100_000, chunk=1_000):
    dsk = {}
    for i in range(n):
        dsk[("inc", i)] = (inc, i)
    sums = []
    for j in range(n // chunk):
        k = ("sum", j)
        dsk[k] = (sum, [("inc", i) for i in range(j * chunk, (j + 1) * chunk)])
        sums.append(k)
    dsk["total"] = (sum, sums)
    return dsk, "total", n + n // chunk + 1, n * (n + 1) // 2


def chain(n=100_000):
    dsk = {("inc", 0): (inc, 0)}
    for i in range(1, n):
        dsk[("inc", i)] = (inc, ("inc", i - 1))
    return dsk, ("inc", n - 1), n, n


def tree(n=65_536, prefix=""):
    dsk = {}
    level = []
    for i in range(n):
        k = (prefix + "inc", i)
        dsk[k] = (inc, i)
        level.append(k)
    depth = 0
    while len(level) > 1:
        depth += 1
        nxt = []
        for j in range(len(level) // 2):
            k = (prefix + "add", depth, j)
            dsk[k] = (add, level[2 * j], level[2 * j + 1])
            nxt.append(k)
        level = nxt
    return dsk, level[0], 2 * n - 1, n * (n + 1) // 2


SHAPES = {"wide": wide, "chain": chain, "tree": tree}
SCHEDULERS = {"sync": dask.get, "threaded": dask.threaded.get}


def time_once(get, dsk, target, expected):
    t0 = time.perf_counter()
    result = get(dsk, target)
    t1 = time.perf_counter()
    if result != expected:
        raise AssertionError(f"returned {result!r}, expected {expected!r}")
    return t1 - t0, result


def measure(shape, sched, get, dsk, target, tasks, expected, runs, warmup, build_s):
    first = None
    for _ in range(warmup):
        t, _ = time_once(get, dsk, target, expected)
        if first is None:
            first = t
    times = []
    result = None
    for _ in range(runs):
        gc.collect()
        t, result = time_once(get, dsk, target, expected)
        times.append(t)
        if first is None:
            first = t
    s = sorted(times)
    median = s[runs // 2] if runs % 2 else (s[runs // 2 - 1] + s[runs // 2]) / 2
    return {
        "system": "dask",
        "shape": shape,
        "scheduler": sched,
        "threads": 1 if sched == "sync" else dask.threaded.CPU_COUNT,
        "tasks": tasks,
        "runs": runs,
        "warmup": warmup,
        "median_s": round(median, 6),
        "min_s": round(s[0], 6),
        "max_s": round(s[-1], 6),
        "first_s": round(first, 6),
        "tasks_per_s": round(tasks / median, 1),
        "build_s": round(build_s, 6),
        "result": result,
        "expected": expected,
        "times_s": [round(t, 6) for t in times],
    }


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=7)
    p.add_argument("--warmup", type=int, default=1)
    p.add_argument("--shapes", default="wide,chain,tree")
    p.add_argument("--schedulers", default="sync,threaded")
    a = p.parse_args()
    if a.runs < 1 or a.warmup < 0:
        p.error("--runs must be >= 1 and --warmup >= 0")
    for shape in a.shapes.split(","):
        t0 = time.perf_counter()
        dsk, target, tasks, expected = SHAPES[shape]()
        build_s = time.perf_counter() - t0
        for sched in a.schedulers.split(","):
            get = SCHEDULERS[sched]
            try:
                line = measure(shape, sched, get, dsk, target, tasks, expected,
                               a.runs, a.warmup, build_s)
            except BaseException as e:  # RecursionError, MemoryError, a wrong result...
                if isinstance(e, KeyboardInterrupt):
                    raise
                msg = str(e)
                line = {"system": "dask", "shape": shape, "scheduler": sched, "tasks": tasks,
                        "error": f"{type(e).__name__}: {msg[:300]}"}
            print(json.dumps(line), flush=True)
        del dsk


if __name__ == "__main__":
    main()
