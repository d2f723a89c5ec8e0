#!/usr/bin/python3
"""The shapes of io.tendril.bench.ClusterGraphBench on dask.distributed.

    /usr/bin/python3 bench/dask_distributed.py [--runs 3] [--saturation default|inf]
        [--shapes independent,reduce,tree] [--warm-up-seconds 10]

A LocalCluster(n_workers=2, threads_per_worker=1) on 127.0.0.1 (processes), Client.get on classic
tuple graphs: 10,000 independent inc tasks with every key requested; 10,000 inc tasks summed in
chunks of 1,000 (one key requested); a tree reduction of 65,536 leaves. --saturation inf sets
distributed.scheduler.worker-saturation to inf (dask.distributed's fastest setting for such
graphs). Each shape runs once cold (its rate reported apart), then untimed for --warm-up-seconds,
as io.tendril.bench.ClusterGraphBench does, then --runs timed runs. Every run names its keys afresh
(a run number before each key name), as every Tendril run does: the scheduler releases a run's
keys only after its result has come back, so a run reusing the previous run's names would find
some of them still in memory and skip their work. Prints one JSON line per shape.
"""

import argparse
import json
import time

import dask
from dask.distributed import Client, LocalCluster

from dask_local import inc, tree  # the same functions and tree as the local benchmark


def independent(prefix=""):
    dsk = {(prefix + "inc", i): (inc, i) for i in range(10_000)}
    keys = [(prefix + "inc", i) for i in range(10_000)]
    return dsk, keys, 10_000, [i + 1 for i in range(10_000)]


def reduce(prefix=""):
    n, chunk = 10_000, 1_000
    dsk = {(prefix + "inc", i): (inc, i) for i in range(n)}
    sums = []
    for j in range(n // chunk):
        dsk[(prefix + "sum", j)] = (sum, [(prefix + "inc", i) for i in range(j * chunk, (j + 1) * chunk)])
        sums.append((prefix + "sum", j))
    dsk[prefix + "total"] = (sum, sums)
    return dsk, prefix + "total", n + n // chunk + 1, n * (n + 1) // 2


SHAPES = {"independent": independent, "reduce": reduce, "tree": tree}


def timed_run(client, name, prefix):
    """One run of a shape under fresh key names: checks its result, returns tasks per second."""
    dsk, keys, tasks, expected = SHAPES[name](prefix=prefix)
    t0 = time.perf_counter()
    result = client.get(dsk, keys)
    rate = tasks / (time.perf_counter() - t0)
    if result != expected:
        raise SystemExit(f"{name}: wrong result")
    return rate


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--saturation", choices=["default", "inf"], default="default")
    p.add_argument("--shapes", default="independent,reduce,tree")
    p.add_argument("--warm-up-seconds", type=float, default=10)
    a = p.parse_args()
    config = {"distributed.worker.daemon": False}
    if a.saturation == "inf":
        config["distributed.scheduler.worker-saturation"] = float("inf")
    with dask.config.set(config):
        with LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1",
                          dashboard_address=None, processes=True) as cluster, Client(cluster) as client:
            for name in a.shapes.split(","):
                warm_up_start = time.perf_counter()
                first = timed_run(client, name, "first-")
                warm_up_runs = 1
                while time.perf_counter() - warm_up_start < a.warm_up_seconds:
                    timed_run(client, name, f"warm-up{warm_up_runs}-")
                    warm_up_runs += 1
                each = [timed_run(client, name, f"run{run}-") for run in range(a.runs)]
                rates = sorted(each)
                print(json.dumps({"system": "dask.distributed", "saturation": a.saturation, "shape": name,
                                  "tasks": SHAPES[name]()[2], "workers": 2,
                                  "first_run_tasks_per_s": round(first, 1), "warm_up_runs": warm_up_runs,
                                  "runs": a.runs, "best_tasks_per_s": round(rates[-1], 1),
                                  "median_tasks_per_s": round(rates[len(rates) // 2], 1),
                                  "each_run": [round(r) for r in each]}), flush=True)


if __name__ == "__main__":
    main()
