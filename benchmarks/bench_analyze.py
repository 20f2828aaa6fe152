"""Benchmark: `carenet analyze` against plain networkx and a hand-written igraph script.

Synthetic care-like networks (communities of ~50 actors, 80 % of ties inside, average degree
~10, levels 1–5 as strengths, four sectors) of 1k, 10k and 100k actors. Every contender does
the same work on the same collapsed graph: degree, strength, betweenness, closeness and
harmonic (on distance = 1/strength), eigenvector, PageRank, constraint and effective size,
Gould–Fernandez brokerage, communities, core numbers, articulation points and bridges,
transitivity, average clustering, diameter and average path length.

* carenet: ``carenet_graph.analysis.analyze`` (timed without reading and writing files), and
  ``carenet analyze`` end to end on CSV files (reading, validation, writing) as a subprocess.
* networkx: the networkx functions. Betweenness, closeness, harmonic and the all-pairs path
  figures are n independent single-source computations: above ``--nx-full-limit`` actors they
  are timed on a seeded sample of sources and scaled linearly (stated in the output);
  ``--nx-full-limit 1000000`` runs them in full.
* igraph: igraph's C functions where igraph has them; effective size and brokerage (which
  igraph lacks) with the same numpy / Python code as carenet.

Peak memory is the child process's maximum resident set. Run:
``python benchmarks/bench_analyze.py [--sizes 1000 10000 100000] [--skip-networkx-above N]``
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

SECTORS = ["medical", "nursing_care", "social_welfare", "municipality_public"]


def make_graph(n: int, seed: int = 1):  # type: ignore[no-untyped-def]
    import networkx as nx
    import numpy as np

    rng = np.random.default_rng(seed)
    m = 5 * n
    src = rng.integers(0, n, m)
    inside = rng.random(m) < 0.8
    dst = np.where(inside, (src // 50) * 50 + rng.integers(0, 50, m), rng.integers(0, n, m))
    dst = np.minimum(dst, n - 1)
    G = nx.MultiDiGraph()
    for v in range(n):
        G.add_node(f"A{v:06d}", name=f"Actor {v}", type="other_organisation", sector=SECTORS[v % 4],
                   municipality=f"M{v // 500}")
    levels = rng.integers(1, 6, m)
    seen = set()
    for a, b, level in zip(src.tolist(), dst.tolist(), levels.tolist(), strict=True):
        if a == b or (min(a, b), max(a, b)) in seen:
            continue
        seen.add((min(a, b), max(a, b)))
        G.add_edge(f"A{a:06d}", f"A{b:06d}", level=int(level), type="shared_patients", direction="undirected")
    return G


CHILD = r"""
import json, os, resource, sys, time
os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, sys.argv[1])
import bench_analyze as b
from carenet_graph.network import collapse
n, which, nx_full_limit = int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
G = b.make_graph(n)
H = collapse(G, mode="undirected", combine="max")
t = time.perf_counter()
extra = getattr(b, "run_" + which)(G, H, nx_full_limit)
elapsed = time.perf_counter() - t
print(json.dumps({"seconds": elapsed, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, **extra}))
"""


def run_carenet(G, H, _limit):  # type: ignore[no-untyped-def]
    from carenet_graph.analysis.run import analyze

    result = analyze(G, permutations=100)
    notes = [f"{a.measure}: {a.samples} sources, {a.bound_kind} {a.bound:.4f}" for a in result.approximations]
    return {"approximations": "; ".join(notes) or "none (exact)"}


def run_networkx(G, H, limit):  # type: ignore[no-untyped-def]
    import random

    import networkx as nx

    from carenet_graph.analysis.brokerage import brokerage_counts

    n = H.number_of_nodes()
    notes = {}
    sample = None if n <= limit else random.Random(0).sample(list(H), 100)
    scale = 1.0 if sample is None else n / len(sample)
    t = time.perf_counter()
    if sample is None:
        nx.betweenness_centrality(H, weight="distance")
        nx.closeness_centrality(H, distance="distance")
        nx.harmonic_centrality(H, distance="distance")
    else:
        nx.betweenness_centrality_subset(H, sources=sample, targets=list(H), weight="distance")
        for s in sample:
            nx.single_source_dijkstra_path_length(H, s, weight="distance")
            nx.single_source_dijkstra_path_length(H, s, weight="distance")
        notes["extrapolated"] = (f"betweenness, closeness, harmonic, path lengths timed on {len(sample)} sources "
                                 f"× {scale:.0f}")
    sssp = (time.perf_counter() - t) * scale
    t = time.perf_counter()
    nx.eigenvector_centrality_numpy(H, weight="strength")
    nx.pagerank(H, weight="strength")
    nx.constraint(H, weight="strength")
    nx.effective_size(H, weight="strength")
    brokerage_counts(H, {v: d.get("sector") for v, d in H.nodes(data=True)})
    nx.community.louvain_communities(H, weight="strength", seed=0)
    nx.core_number(H)
    list(nx.articulation_points(H))
    list(nx.bridges(H))
    nx.transitivity(H)
    nx.average_clustering(H)
    largest = H.subgraph(max(nx.connected_components(H), key=len))
    rest = time.perf_counter() - t
    t = time.perf_counter()
    if sample is None:
        nx.diameter(largest)
        nx.average_shortest_path_length(largest)
    else:
        for s in sample:
            nx.single_source_shortest_path_length(largest, s)
            nx.single_source_shortest_path_length(largest, s)
    paths = (time.perf_counter() - t) * scale
    notes["seconds_measured_equivalent"] = sssp + rest + paths
    return notes


def run_igraph(G, H, _limit):  # type: ignore[no-untyped-def]
    import igraph as ig
    import numpy as np

    from carenet_graph.analysis.brokerage import brokerage_counts
    from carenet_graph.analysis.holes import structural_holes

    nodes = list(H)
    index = {v: i for i, v in enumerate(nodes)}
    g = ig.Graph(n=len(nodes), edges=[(index[u], index[v]) for u, v in H.edges()])
    g.es["strength"] = [d["strength"] for _, _, d in H.edges(data=True)]
    g.es["distance"] = [d["distance"] for _, _, d in H.edges(data=True)]
    n = g.vcount()
    if n <= 20000:
        g.betweenness(directed=False, weights="distance")
    else:
        rng = np.random.default_rng(0)
        g.betweenness(directed=False, weights="distance", sources=rng.choice(n, 2048, replace=False).tolist())
    g.closeness(weights="distance")
    g.harmonic_centrality(weights="distance")
    g.eigenvector_centrality(weights="strength")
    g.pagerank(weights="strength")
    g.constraint(weights="strength")
    structural_holes(H)  # effective size: igraph has none; the same numpy code as carenet
    brokerage_counts(H, {v: d.get("sector") for v, d in H.nodes(data=True)})
    g.community_leiden(objective_function="modularity", weights="strength", n_iterations=-1)
    g.coreness()
    g.articulation_points()
    g.bridges()
    g.transitivity_undirected()
    g.transitivity_avglocal_undirected(mode="zero")
    giant = g.connected_components().giant()
    if n <= 20000:
        giant.diameter(directed=False)
        giant.average_path_length(directed=False)
    else:
        rng = np.random.default_rng(0)
        giant.distances(source=rng.choice(giant.vcount(), 1000, replace=False).tolist())
    return {}


def end_to_end(n: int, folder: Path) -> dict[str, float]:
    """`carenet analyze` as a user runs it, on a CSV pair written from the same graph."""
    G = make_graph(n)
    actors = folder / f"actors_{n}.csv"
    ties = folder / f"ties_{n}.csv"
    with actors.open("w", encoding="utf-8") as f:
        f.write("id;name;sector;municipality\n")
        for v, d in G.nodes(data=True):
            f.write(f"{v};{d['name']};{d['sector']};{d['municipality']}\n")
    with ties.open("w", encoding="utf-8") as f:
        f.write("source;target;type;level\n")
        for u, v, d in G.edges(data=True):
            f.write(f"{u};{v};shared_patients;{d['level']}\n")
    out = folder / f"out_{n}"
    t = time.perf_counter()
    child = subprocess.run(
        [sys.executable, "-c",
         "import resource, sys; from carenet_graph.cli import main\n"
         "try:\n main(sys.argv[1:])\nexcept SystemExit as e:\n"
         " print('PEAK_MB', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, file=sys.stderr); raise",
         "analyze", str(actors), str(ties), "-o", str(out)],
        capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - t
    peak = float(child.stderr.strip().splitlines()[-1].split()[-1])
    return {"seconds": seconds, "peak_mb": peak}


def child(n: int, which: str, limit: int) -> dict:  # type: ignore[type-arg]
    here = str(Path(__file__).resolve().parent)
    out = subprocess.run([sys.executable, "-c", CHILD, here, str(n), which, str(limit)],
                         capture_output=True, text=True, check=True)
    result: dict = json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[type-arg]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--nx-full-limit", type=int, default=2000,
                        help="Above this many actors networkx's single-source measures are timed on a sample.")
    parser.add_argument("--skip-networkx-above", type=int, default=10000)
    parser.add_argument("--skip-igraph-above", type=int, default=10000,
                        help="The igraph script computes exact closeness: hours at 10^5 actors.")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            row: dict = {"actors": n}  # type: ignore[type-arg]
            carenet = child(n, "carenet", args.nx_full_limit)
            row["carenet_s"] = round(carenet["seconds"], 2)
            row["carenet_peak_mb"] = round(carenet["peak_mb"])
            row["approximations"] = carenet["approximations"]
            if n <= args.skip_igraph_above:
                igraph = child(n, "igraph", args.nx_full_limit)
                row["igraph_s"] = round(igraph["seconds"], 2)
                row["carenet_vs_igraph"] = round(carenet["seconds"] / igraph["seconds"], 2)
            if n <= args.skip_networkx_above:
                networkx = child(n, "networkx", args.nx_full_limit)
                nx_seconds = networkx.get("seconds_measured_equivalent", networkx["seconds"])
                row["networkx_s"] = round(nx_seconds, 1)
                row["networkx_note"] = networkx.get("extrapolated", "measured in full")
                row["speedup_vs_networkx"] = round(nx_seconds / carenet["seconds"], 1)
            e2e = end_to_end(n, Path(tmp))
            row["cli_end_to_end_s"] = round(e2e["seconds"], 2)
            row["cli_peak_mb"] = round(e2e["peak_mb"])
            rows.append(row)
            print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
