"""Benchmark: load + validate + build graph for a large CSV pair.

Generates a synthetic care-like network (default 200,000 actors / 2,000,000 ties, seeded)
as a semicolon-separated, German-headed CSV pair with decimal commas, then measures in a fresh
child process: wall time of ``read_network`` (reading, validation, resolution) and of
``to_graph`` (the lossless MultiDiGraph), and the peak resident memory of that process.

Run: ``python benchmarks/bench_load.py [--actors N] [--ties M] [--keep DIR]``
Targets (issue 2): ≤ 60 s and ≤ 4 GB peak on a 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TYPES = ["Hausarztpraxis", "Ambulanter Pflegedienst", "PKD", "Apotheke", "Pflegeheim", "Ambulanter Hospizdienst",
         "Physiotherapie", "Seelsorge", "Sozialamt", "Gemeinde", "Krankenhaus", "Selbsthilfegruppe"]
TIE_TYPES = ["Konsil", "Überweisung", "gemeinsame Patienten", "Informationsaustausch", "Fallbesprechung",
             "Mitgliedschaft"]
PLACES = ["Detmold", "Lemgo", "Bad Salzuflen", "Lage", "Blomberg", "Dörentrup", "Extertal", "Kalletal"]


def generate(folder: Path, n_actors: int, n_ties: int, seed: int = 7) -> tuple[Path, Path]:
    """Write akteure.csv and beziehungen.csv; ties mostly inside communities of ~50 actors."""
    rng = random.Random(seed)
    actors = folder / "akteure.csv"
    ties = folder / "beziehungen.csv"
    with actors.open("w", encoding="utf-8", newline="") as f:
        f.write("ID;Name;Art der Einrichtung;Gemeinde;PLZ;Breitengrad;Längengrad\n")
        for i in range(n_actors):
            lat = 51.8 + rng.random() * 0.4
            lon = 8.6 + rng.random() * 0.7
            f.write(f"A{i:07d};Einrichtung {i} Müller-Lüdenscheidt;{TYPES[i % len(TYPES)]};{PLACES[i % len(PLACES)]};"
                    f"{32000 + i % 999:05d};{lat:.5f}".replace(".", ",") + f";{lon:.5f}".replace(".", ",") + "\n")
    with ties.open("w", encoding="utf-8", newline="") as f:
        f.write("Von;Mit;Art der Zusammenarbeit;Intensität;Seit\n")
        written = 0
        seen: set[tuple[int, int]] = set()
        while written < n_ties:
            a = rng.randrange(n_actors)
            b = (a // 50) * 50 + rng.randrange(50) if rng.random() < 0.8 else rng.randrange(n_actors)
            if a == b or b >= n_actors or (a, b) in seen:
                continue
            seen.add((a, b))
            f.write(f"A{a:07d};A{b:07d};{TIE_TYPES[(a + b) % len(TIE_TYPES)]};{1 + (a * b) % 5};"
                    f"01.0{1 + a % 9}.20{10 + b % 15}\n")
            written += 1
    return actors, ties


CHILD = r"""
import json, resource, sys, time
t0 = time.perf_counter()
import carenet_graph as cg
from carenet_graph.read.load import read_network, to_graph
t1 = time.perf_counter()
data = read_network(sys.argv[1:])
t2 = time.perf_counter()
G = to_graph(data)
t3 = time.perf_counter()
acc = data.report.accounting
print(json.dumps({
    "import_s": round(t1 - t0, 2), "read_validate_s": round(t2 - t1, 2), "build_graph_s": round(t3 - t2, 2),
    "total_s": round(t3 - t1, 2), "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    "actors": G.number_of_nodes(), "ties": G.number_of_edges(), "balanced": acc.balanced,
    "problems": data.report.counts(),
}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actors", type=int, default=200_000)
    parser.add_argument("--ties", type=int, default=2_000_000)
    parser.add_argument("--keep", type=Path, default=None, help="Folder to keep the generated files in.")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="carenet-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    files = generate(folder, args.actors, args.ties)
    print(f"generated {args.actors} actors / {args.ties} ties in {time.perf_counter() - t0:.1f} s "
          f"({sum(f.stat().st_size for f in files) / 1e6:.0f} MB)", flush=True)
    out = subprocess.run([sys.executable, "-c", CHILD, *map(str, files)], capture_output=True, text=True, check=False)
    if out.returncode != 0:
        print(out.stderr, file=sys.stderr)
        sys.exit(out.returncode)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
