"""Benchmark: `carenet report` end to end (including Python start) on a 300-actor network.

Writes a synthetic care-like CSV pair of ``--actors`` actors (as in bench_analyze.py, with
municipalities) and times ``python -m carenet_graph report`` as a subprocess, best of
``--repeat`` runs. Target (issue 6): ≤ 5 s on a 2-core machine.

Run: ``python benchmarks/bench_report.py [--actors 300] [--repeat 3]``
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_analyze


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actors", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    G = bench_analyze.make_graph(args.actors)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        with (folder / "actors.csv").open("w", encoding="utf-8") as f:
            f.write("id;name;sector;municipality\n")
            for v, d in G.nodes(data=True):
                f.write(f"{v};{d['name']};{d['sector']};{d['municipality']}\n")
        with (folder / "ties.csv").open("w", encoding="utf-8") as f:
            f.write("source;target;type;level\n")
            for u, v, d in G.edges(data=True):
                f.write(f"{u};{v};shared_patients;{d['level']}\n")
        times = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            subprocess.run([sys.executable, "-m", "carenet_graph", "report", str(folder / "actors.csv"),
                            str(folder / "ties.csv"), "-o", str(folder / "report.html"), "--lang", "de"],
                           check=True, capture_output=True)
            times.append(time.perf_counter() - t)
        print(json.dumps({"actors": args.actors, "ties": G.number_of_edges(), "best_s": round(min(times), 2),
                          "runs_s": [round(x, 2) for x in times],
                          "report_mb": round((folder / "report.html").stat().st_size / 1e6, 2)}))


if __name__ == "__main__":
    main()
