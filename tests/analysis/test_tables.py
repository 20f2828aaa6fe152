"""The analysis graph from the tables read equals the one from the lossless multigraph."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from carenet_graph.analysis.arrays import graph_arrays
from carenet_graph.analysis.cohesion import dyad_reports
from carenet_graph.analysis.run import analyze, mode_views, report_filter
from carenet_graph.analysis.tables import table_arrays, table_dyads
from carenet_graph.network import build_graph
from carenet_graph.read.load import read_network, to_graph

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ["data/lippe/netzwerk_lippe.xlsx", "data/varmland/natverk_varmland.xlsx",
            "data/eemland/netwerk_eemland.xlsx"]
COLUMNS = ("name", "type", "sector", "municipality")


def random_tables(seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Messy reports: repeated pairs both ways, missing levels and weights, level 0, weights ≤ 0,
    directed and undirected reports, reporters that are an end or a third actor, unknown ends."""
    rng = np.random.default_rng(seed)
    n, m = 40, 300
    ids = [f"a{i}" for i in rng.permutation(n)]
    actors = pd.DataFrame({"name": [f"Actor {i}" for i in ids], "type": None,
                           "sector": rng.choice(["medical", "nursing_care", None], n)},
                          index=pd.Index(ids, dtype=object))
    source = rng.choice([*ids, "ghost-1", "ghost-2"], m)
    target = rng.choice(ids, m)
    keep = source != target
    level = pd.array(rng.choice([0, 1, 2, 3, 4, 5, -1], m), dtype="Int64")
    level[level == -1] = pd.NA
    weight = np.where(rng.random(m) < 0.3, rng.choice([-1.0, 0.0, 0.5, 2.5], m), np.nan)
    ties = pd.DataFrame({
        "source": source, "target": target, "type": rng.choice(["referral", "shared_patients", None], m),
        "level": level, "weight": weight, "direction": rng.choice(["directed", "undirected", None], m),
        "reported_by": np.where(rng.random(m) < 0.2, rng.choice(ids, m), None),
    })[keep].reset_index(drop=True)
    return actors, ties


def same_arrays(a: object, b: object) -> None:
    assert a.nodes == b.nodes and a.directed == b.directed  # type: ignore[attr-defined]
    for name in ("tails", "heads", "strength", "distance"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    assert dict(a.node_data) == dict(b.node_data)  # type: ignore[attr-defined]


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("mode", ["undirected", "directed", "mutual"])
def test_table_arrays_equal_the_multigraph_ones(seed: int, mode: str) -> None:
    actors, ties = random_tables(seed)
    G = build_graph(actors, ties)
    for types, min_level in ((None, None), (["referral"], None), (None, 3), (["shared_patients", "referral"], 2)):
        A, B = table_arrays(actors, ties, mode, types, min_level, COLUMNS)
        H, U = mode_views(G, mode, tie_types=types, min_level=min_level)
        same_arrays(A, graph_arrays(H, COLUMNS))
        same_arrays(B, graph_arrays(U, COLUMNS))
        assert (A is B) == (mode != "directed")
        assert table_dyads(actors, ties, types, min_level) == dyad_reports(G, keep=report_filter(types, min_level))
    assert A.m > 0


@pytest.mark.parametrize("example", EXAMPLES)
@pytest.mark.parametrize("mode", ["undirected", "directed", "mutual"])
def test_analysis_of_the_tables_is_the_analysis_of_the_graph(example: str, mode: str) -> None:
    data = read_network([ROOT / example])
    from_tables = analyze(data, mode=mode, permutations=50)  # type: ignore[arg-type]
    from_graph = analyze(to_graph(data), mode=mode, permutations=50)  # type: ignore[arg-type]
    pd.testing.assert_frame_equal(from_tables.actors, from_graph.actors, check_exact=True)
    assert from_tables.network == from_graph.network
    pd.testing.assert_frame_equal(from_tables.groups, from_graph.groups, check_exact=True)
    pd.testing.assert_frame_equal(from_tables.mixing, from_graph.mixing, check_exact=True)
    assert from_tables.bridges == from_graph.bridges


@pytest.mark.parametrize("mode", ["undirected", "directed"])
def test_small_networks_use_igraph_and_agree_with_the_kernel(mode: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from carenet_graph.analysis import centrality

    data = read_network([ROOT / EXAMPLES[0]])
    by_igraph = analyze(data, mode=mode, permutations=20)  # type: ignore[arg-type]
    monkeypatch.setattr(centrality, "SMALL_WORK", 0)
    by_kernel = analyze(data, mode=mode, permutations=20)  # type: ignore[arg-type]
    for column in ("betweenness", "closeness", "harmonic"):
        assert np.abs(by_igraph.actors[column] - by_kernel.actors[column]).max() < 1e-9, column
    assert by_igraph.actors["betweenness"].max() > 0
    assert by_igraph.network.paths == by_kernel.network.paths
    other = [c for c in by_igraph.actors.columns if c not in ("betweenness", "closeness", "harmonic")]
    pd.testing.assert_frame_equal(by_igraph.actors[other], by_kernel.actors[other])
