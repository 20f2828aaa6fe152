"""Fragility (removal impact, articulation points, bridges) against brute force and by hand."""

from __future__ import annotations

import networkx as nx
import pytest

from carenet_graph.analysis.fragility import fragility


def brute_impact(G: nx.Graph) -> dict:
    def pairs(H: nx.Graph) -> int:
        return sum(len(c) * (len(c) - 1) // 2 for c in nx.connected_components(H))

    out = {}
    for v in G:
        H = G.copy()
        H.remove_node(v)
        before = pairs(G) - (len(nx.node_connected_component(G, v)) - 1)
        out[v] = (before - pairs(H)) / before if before else 0.0
    return out


@pytest.mark.parametrize("seed", range(12))
def test_fragility_equals_brute_force(seed: int) -> None:
    G = nx.gnp_random_graph(22, 0.1, seed=seed)
    result = fragility(G)
    brute = brute_impact(G)
    for v in G:
        assert result.actors.loc[v, "removal_impact"] == pytest.approx(brute[v], abs=1e-12)
    assert {v for v in G if result.actors.loc[v, "articulation_point"]} == set(nx.articulation_points(G))
    assert {frozenset(e) for e in result.bridges} == {frozenset(e) for e in nx.bridges(G)}


def test_fragility_by_hand() -> None:
    # Path a-b-c-d: removing b separates a from c, d: of the 3 pairs among a, c, d, 2 are lost.
    G = nx.path_graph(["a", "b", "c", "d"])
    table = fragility(G).actors
    assert table.loc["b", "removal_impact"] == pytest.approx(2 / 3)
    assert table.loc["a", "removal_impact"] == 0.0
    assert not table.loc["a", "articulation_point"]
    assert len(fragility(G).bridges) == 3
    empty = fragility(nx.Graph())
    assert empty.actors.empty and empty.bridges == ()


@pytest.mark.parametrize("seed", range(4))
def test_compiled_search_gives_the_same_table_and_bridges(monkeypatch: pytest.MonkeyPatch, seed: int) -> None:
    # Large networks run the search compiled: the same articulation points, removal impacts
    # (to the bit) and bridges in the same order, on networks with many components, trees,
    # cycles and isolates.
    import carenet_graph.analysis.fragility as module

    G = nx.disjoint_union_all([nx.random_labeled_tree(60, seed=seed), nx.gnm_random_graph(300, 420, seed=seed),
                               nx.cycle_graph(7), nx.empty_graph(5)])
    G = nx.relabel_nodes(G, {v: f"a{(v * 37) % 372}" for v in G})
    plain = fragility(G)
    monkeypatch.setattr(module, "COMPILED_ACTORS", 0)
    compiled = fragility(G)
    assert compiled.actors.equals(plain.actors)
    assert compiled.bridges == plain.bridges
    assert len(plain.bridges) > 59 and plain.actors["articulation_point"].sum() > 30
