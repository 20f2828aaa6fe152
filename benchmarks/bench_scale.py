"""Benchmark: analysis at scale — the one-pass kernel against igraph, and `carenet analyze` end to end.

Two measurements, each contender in its own child process on this machine, in one run:

1. **Exact analysis at 10,000 actors against a hand-written igraph script** doing the same
   measures (:func:`bench_analyze.run_igraph`: betweenness, closeness and harmonic centrality on
   distance = 1/strength, eigenvector, PageRank, constraint, effective size, brokerage,
   communities, cores, articulation points, bridges, clustering, diameter and average path
   length) on the same collapsed graph. carenet runs ``analyze`` in full (exact), once on every
   core and once held to one thread (``CARENET_THREADS=1``), so that the ratio of the parallel
   kernel and of the single pass per source can both be read.
2. **`carenet analyze` end to end** on a CSV pair (actors; ties with level 1–5) of 100,000,
   500,000 and 10^6 actors (about five ties per actor; the same care-like structure: groups of 50
   actors, 80 % of ties inside), as a user runs it: reading and validation, the analysis,
   writing every file. The child's resident memory is sampled every 0.1 s and attributed to the
   step its progress line names, so each step gets its time and its peak memory. Every
   approximation the command states (sampled measures and their bounds) is recorded.

Run: ``python benchmarks/bench_scale.py [--sizes 100000 500000] [--igraph-size 10000]``
(after ``pip install .``). Prints one JSON object per measurement and a Markdown table at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SECTORS = ["medical", "nursing_care", "social_welfare", "municipality_public"]


def write_pair(n: int, ties: int, folder: Path, seed: int = 1) -> tuple[Path, Path]:
    """A deterministic CSV pair of ``n`` actors and ``ties`` distinct ties (groups of 50, 80 % inside)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    chosen: list[np.ndarray] = []
    seen = np.zeros(0, dtype=np.int64)
    while len(seen) < ties:
        m = int(1.2 * (ties - len(seen))) + 1000
        src = rng.integers(0, n, m)
        inside = rng.random(m) < 0.8
        dst = np.minimum(np.where(inside, (src // 50) * 50 + rng.integers(0, 50, m), rng.integers(0, n, m)), n - 1)
        keep = src != dst
        key = np.minimum(src, dst)[keep] * n + np.maximum(src, dst)[keep]
        key = key[~np.isin(key, seen)]
        _, first = np.unique(key, return_index=True)
        fresh = key[np.sort(first)]
        chosen.append(fresh)
        seen = np.concatenate([seen, fresh])
    keys = np.concatenate(chosen)[:ties]
    levels = rng.integers(1, 6, len(keys))
    actors, tie_file = folder / f"actors_{n}.csv", folder / f"ties_{n}.csv"
    with actors.open("w", encoding="utf-8") as out:
        out.write("id;name;sector;municipality\n")
        out.writelines(f"A{v:07d};Actor {v};{SECTORS[v % 4]};M{v // 500}\n" for v in range(n))
    with tie_file.open("w", encoding="utf-8") as out:
        out.write("source;target;type;level\n")
        out.writelines(f"A{a:07d};A{b:07d};shared_patients;{level}\n"
                       for a, b, level in zip((keys // n).tolist(), (keys % n).tolist(), levels.tolist(), strict=True))
    return actors, tie_file


CHILD = r"""
import json, os, resource, sys, time
sys.path.insert(0, sys.argv[1])
import bench_analyze as b
from carenet_graph.network import collapse
n, which = int(sys.argv[2]), sys.argv[3]
G = b.make_graph(n)
H = collapse(G, mode="undirected", combine="max")
if which == "carenet":
    from carenet_graph.analysis.run import analyze
    start = time.perf_counter()
    result = analyze(G, permutations=100, exact=True)
    notes = [a.measure for a in result.approximations]
else:
    start = time.perf_counter()
    b.run_igraph(G, H, 0)
    notes = []
print(json.dumps({"seconds": time.perf_counter() - start, "approximations": notes,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def versus_igraph(n: int) -> dict[str, object]:
    """Exact analysis (all cores; one thread) and the igraph script, each in a child process."""
    row: dict[str, object] = {"measurement": "exact analysis vs igraph script", "actors": n}
    runs = {"carenet": {}, "carenet_one_thread": {"CARENET_THREADS": "1"}, "igraph": {}}
    for name, extra in runs.items():
        env = {**os.environ, "OMP_NUM_THREADS": "1", **extra}
        which = "igraph" if name == "igraph" else "carenet"
        out = subprocess.run([sys.executable, "-c", CHILD, str(HERE), str(n), which], capture_output=True,
                             text=True, check=True, env=env)
        found = json.loads(out.stdout.strip().splitlines()[-1])
        if found["approximations"]:
            raise RuntimeError(f"the exact run approximated {found['approximations']}")
        row[f"{name}_s"] = round(found["seconds"], 2)
        row[f"{name}_peak_mb"] = round(found["peak_mb"])
    row["ratio_carenet_to_igraph"] = round(float(row["carenet_s"]) / float(row["igraph_s"]), 3)  # type: ignore[arg-type]
    row["ratio_one_thread_to_igraph"] = round(
        float(row["carenet_one_thread_s"]) / float(row["igraph_s"]), 3)  # type: ignore[arg-type]
    return row


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def end_to_end(n: int, ties: int, folder: Path) -> dict[str, object]:
    """`carenet analyze` on a CSV pair, with each step's time and peak resident memory."""
    actors, tie_file = write_pair(n, ties, folder)
    out = folder / f"out_{n}"
    command = [sys.executable, "-m", "carenet_graph", "analyze", str(actors), str(tie_file), "-o", str(out)]
    # Above the default bound of 20 M cells per file (header row included), as its message tells the user:
    if 4 * (ties + 1) > 20_000_000:
        command += ["--limit", f"cells={5 * ties}"]
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env={**os.environ, "OMP_NUM_THREADS": "1"})
    lines: list[tuple[float, str]] = []

    def read() -> None:
        assert child.stderr is not None
        for line in child.stderr:
            lines.append((time.perf_counter() - start, line.rstrip()))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    samples: list[tuple[float, float]] = []
    while child.poll() is None:
        samples.append((time.perf_counter() - start, _rss_mb(child.pid)))
        time.sleep(0.1)
    total = time.perf_counter() - start
    reader.join(timeout=5)
    stdout = child.stdout.read() if child.stdout else ""
    if child.returncode != 0:
        raise RuntimeError(f"carenet analyze failed ({child.returncode}): {lines[-5:]}")
    steps = [(t, text.split("] ", 1)[-1]) for t, text in lines if text.strip().startswith("[")]
    profile = []
    for k, (begin, name) in enumerate(steps):
        end = steps[k + 1][0] if k + 1 < len(steps) else total
        peak = max((mb for t, mb in samples if begin <= t <= end), default=0.0)
        profile.append({"step": name, "seconds": round(end - begin, 1), "peak_mb": round(peak)})
    network = json.loads((out / "network.json").read_text(encoding="utf-8"))
    approximations = [f"{a['measure']}: {a['bound_kind']} {a['bound']:.4f} ({a['samples']} sources)"
                      for a in network["approximations"]]
    return {"measurement": "carenet analyze end to end", "actors": n, "ties": ties, "seconds": round(total, 1),
            "peak_mb": round(max((mb for _, mb in samples), default=0.0)), "steps": profile,
            "approximations": approximations or ["none (exact)"], "summary": stdout.strip().splitlines()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--igraph-size", type=int, default=10000, help="0 skips the igraph comparison")
    parser.add_argument("--sizes", type=int, nargs="*", default=[100000, 500000, 1000000])
    parser.add_argument("--ties-per-actor", type=float, default=5.0)
    args = parser.parse_args()
    rows = []
    if args.igraph_size:
        rows.append(versus_igraph(args.igraph_size))
        print(json.dumps(rows[-1]), flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            rows.append(end_to_end(n, int(args.ties_per_actor * n), Path(tmp)))
            print(json.dumps(rows[-1]), flush=True)
    print("\n| measurement | size | time | peak memory |\n|---|---|---|---|")
    for row in rows:
        if "igraph_s" in row:
            print(f"| exact analysis: carenet / one thread / igraph script | {row['actors']:,} actors | "
                  f"{row['carenet_s']} s / {row['carenet_one_thread_s']} s / {row['igraph_s']} s "
                  f"(ratio {row['ratio_carenet_to_igraph']}) | {row['carenet_peak_mb']} MB |")
        else:
            print(f"| `carenet analyze` end to end | {row['actors']:,} actors / {row['ties']:,} ties | "
                  f"{row['seconds']} s | {row['peak_mb']} MB |")


if __name__ == "__main__":
    main()
