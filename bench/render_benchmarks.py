#!/usr/bin/python3
"""Writes the results of bench/run-local.sh into docs/benchmarks.md.

    render_benchmarks.py DOC TENDRIL_JSONL DASK_JSONL KEY=VALUE...

The KEY=VALUE pairs describe the machine (date, nproc, cpu, jdk, jvm_opts, python, dask, os).
Replaces the text between the two markers below in DOC (appends it when the markers are missing,
creates DOC when it does not exist); the rest of DOC is left as it is. Prints the table.
Exit status: 0, or 1 when a Tendril run failed or a result line is missing.
"""

import json
import sys

BEGIN = "<!-- local-bench:begin (written by bench/run-local.sh; edits inside are overwritten) -->"
END = "<!-- local-bench:end -->"
TARGET = 30.0
SHAPES = [
    ("wide", "100,000 `inc` + 100 `sum` of 1,000 keys + 1 `sum`"),
    ("chain", "100,000 `inc` in a line"),
    ("tree", "65,536 `inc` leaves + 65,535 pairwise `add`"),
]
SCHEDULERS = [
    ("sync", "`dask.get`", "`Schedulers.sync()`"),
    ("threaded", "`dask.threaded.get`", "`Schedulers.threaded()`"),
]


def load(path):
    """Result lines by (shape, scheduler). Lines of several processes (JVM forks) for the same
    shape and scheduler are pooled: the median is taken over all their timed runs, the first
    run is the first process's, and an error in any process is an error."""
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line.startswith("{"):
                continue
            r = json.loads(line)
            k = (r["shape"], r["scheduler"])
            prev = out.get(k)
            if prev is None:
                r["forks"] = 1
                if "median_s" in r:
                    r["fork_medians"] = [r["median_s"]]
                out[k] = r
            elif "error" in prev:
                pass
            elif "error" in r:
                out[k] = r
            else:
                prev["times_s"] += r["times_s"]
                prev["runs"] += r["runs"]
                prev["forks"] += 1
                prev["fork_medians"].append(r["median_s"])
    for r in out.values():
        if "error" in r:
            continue
        t = sorted(r["times_s"])
        n = len(t)
        r["median_s"] = t[n // 2] if n % 2 else (t[n // 2 - 1] + t[n // 2]) / 2
        r["min_s"], r["max_s"] = t[0], t[-1]
        r["tasks_per_s"] = r["tasks"] / r["median_s"]
    return out


def threads(results):
    return next((r["threads"] for (_, sched), r in results.items()
                 if sched == "threaded" and "threads" in r), "?")


def per_jvm(r):
    if r is None or "fork_medians" not in r:
        return "n/a"
    return ", ".join(f"{m:.4f}" for m in r["fork_medians"])


def runs_per(r):
    return r["runs"] // r["forks"] if "runs" in r else "?"


def rate(r):
    return f"{r['tasks_per_s']:,.0f}"


def main():
    doc, tendril_path, dask_path, *pairs = sys.argv[1:]
    info = dict(p.split("=", 1) for p in pairs)
    tendril, dask = load(tendril_path), load(dask_path)
    status = 0

    rows, details, below, unknown = [], [], [], []
    for shape, _ in SHAPES:
        for sched, _, _ in SCHEDULERS:
            t, d = tendril.get((shape, sched)), dask.get((shape, sched))
            if t is None or "error" in t:
                status = 1
            t_cell = "missing" if t is None else (f"failed: {t['error']}" if "error" in t else rate(t))
            d_cell = "missing" if d is None else (f"failed: {d['error']}" if "error" in d else rate(d))
            ok = t is not None and d is not None and "error" not in t and "error" not in d
            if ok:
                ratio = t["tasks_per_s"] / d["tasks_per_s"]
                r_cell = f"{ratio:,.1f}×"
                if ratio < TARGET:
                    below.append(f"{shape}/{sched} ({ratio:.1f}×)")
            else:
                r_cell = "n/a"
                unknown.append(f"{shape}/{sched}")
            rows.append(f"| {shape} | {sched} | {d_cell} | {t_cell} | {r_cell} |")
            tasks = (t or d or {}).get("tasks", "?")

            def sec(r, k):
                return f"{r[k]:.4f}" if r is not None and k in r else "n/a"

            details.append(
                f"| {shape} | {sched} | {tasks:,} | {sec(d, 'median_s')} | {sec(t, 'median_s')} | "
                f"{sec(d, 'min_s')} – {sec(d, 'max_s')} | {sec(t, 'min_s')} – {sec(t, 'max_s')} | "
                f"{per_jvm(t)} | {sec(d, 'first_s')} | {sec(t, 'first_s')} |")

    any_t = next((r for r in tendril.values() if "runs" in r), {})
    any_d = next((r for r in dask.values() if "runs" in r), {})
    if below or unknown:
        verdict = "**not met**"
        parts = []
        if below:
            parts.append("below 30×: " + ", ".join(below))
        if unknown:
            parts.append("not measured: " + ", ".join(unknown))
        verdict += " — " + "; ".join(parts) + "."
    else:
        verdict = "**met**."
    ratios = [tendril[k]["tasks_per_s"] / dask[k]["tasks_per_s"] for k in tendril
              if k in dask and "error" not in tendril[k] and "error" not in dask[k]]

    text = "\n".join([
        BEGIN,
        "",
        f"Measured {info.get('date', '?')} with `bash bench/run-local.sh`.",
        "",
        "| shape | scheduler | Dask tasks/s | Tendril tasks/s | ratio Tendril/Dask |",
        "|---|---|---:|---:|---:|",
        *rows,
        "",
        f"Target: Tendril ≥ {TARGET:.0f}× Dask on every shape for both schedulers — {verdict}"
        + (f" Ratios range from {min(ratios):,.1f}× to {max(ratios):,.1f}×." if ratios else ""),
        "",
        "Seconds per `get`: median and range of the timed runs; for Tendril also the median of each"
        " JVM separately; and the first run of the combination (the first warm-up run; for Tendril"
        " in the first JVM, whose JIT had compiled only what earlier combinations ran — each JVM"
        " runs wide, chain, tree, sync before threaded):",
        "",
        "| shape | scheduler | tasks | Dask median | Tendril median | Dask range | Tendril range |"
        " Tendril median per JVM | Dask first run | Tendril first run |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        *details,
        "",
        f"Runs per shape and scheduler: Tendril {any_t.get('forks', '?')} JVM(s) × ("
        f"{any_t.get('warmup', '?')} warm-up + {runs_per(any_t)} timed runs), median over all"
        f" {any_t.get('runs', '?')} timed runs; Dask {any_d.get('forks', '?')} process ×"
        f" ({any_d.get('warmup', '?')} warm-up + {any_d.get('runs', '?')} timed runs). Warm-up runs"
        " are discarded; tasks/s = tasks / median.",
        "",
        "Machine:",
        "",
        f"- CPU: {info.get('cpu', '?')}, `nproc` = {info.get('nproc', '?')}"
        f" (threaded pools: Dask {threads(dask)} threads, Tendril {threads(tendril)})",
        f"- OS: {info.get('os', '?')}",
        f"- JDK: {info.get('jdk', '?')}; JVM options: `{info.get('jvm_opts', '')}`",
        f"- Python {info.get('python', '?')} (`/usr/bin/python3`), Dask {info.get('dask', '?')}",
        "",
        f"Raw results (JSON lines, every timed run): `{info.get('raw', 'bench/results/')}`"
        " (not committed).",
        "",
        END,
    ])

    try:
        with open(doc, encoding="utf-8") as f:
            old = f.read()
    except FileNotFoundError:
        old = "# Benchmarks\n"
    if BEGIN in old and END in old:
        head = old[: old.index(BEGIN)]
        tail = old[old.index(END) + len(END):]
        new = head + text + tail
    else:
        new = old.rstrip("\n") + "\n\n## Results\n\n" + text + "\n"
    with open(doc, "w", encoding="utf-8") as f:
        f.write(new)

    print("\n".join([
        "| shape | scheduler | Dask tasks/s | Tendril tasks/s | ratio |", "|---|---|---:|---:|---:|",
        *rows, "", "Target ≥30×: " + verdict]))
    return status


if __name__ == "__main__":
    sys.exit(main())
