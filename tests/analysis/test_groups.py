"""Groups: the group table, mixing, the E-I test and assortativity, by hand and against networkx."""

from __future__ import annotations

import itertools
import math
import random

import networkx as nx
import pytest

from carenet_graph.analysis.groups import assortativity, ei_test, group_table, mixing


def test_groups_hand_example() -> None:
    G = nx.Graph([("m1", "m2"), ("m1", "s1"), ("m2", "s1"), ("s1", "s2"), ("m2", "p1")])
    groups = {"m1": "medical", "m2": "medical", "s1": "social", "s2": "social", "p1": None}
    table = group_table(G, groups)
    assert table.loc["medical"].to_dict() == {"size": 2, "internal_ties": 1, "external_ties": 3,
                                              "density_within": 1.0, "ei_index": 0.5}
    assert table.loc["social", "internal_ties"] == 1 and table.loc["social", "external_ties"] == 2
    assert table.loc["", "size"] == 1  # actors without a group form the group ""
    mix = mixing(G, groups).set_index(["group", "other_group"])
    assert mix.loc[("medical", "social"), "ties"] == 2
    assert mix.loc[("medical", "social"), "density"] == pytest.approx(2 / 4)
    test = ei_test(G, groups, permutations=200, seed=3)
    # E = 3 cross-group ties, I = 2 within: (3 − 2) / 5.
    assert test.ei_index == pytest.approx(0.2)
    assert 0 < test.p_value <= 1
    assert ei_test(G, groups, permutations=200, seed=3) == test


def test_assortativity_equals_networkx() -> None:
    G = nx.planted_partition_graph(3, 10, 0.5, 0.05, seed=4)
    groups = {v: f"g{v // 10}" for v in G}
    nx.set_node_attributes(G, groups, "group")
    assert assortativity(G, groups) == pytest.approx(nx.attribute_assortativity_coefficient(G, "group"))


# --- E-I test: exact expectation, two-sided and one-sided permutation p-values, invariance -------------------------


def _brute_force_ei(G: nx.Graph, actors: list[str], labels: tuple[str, ...]) -> float:
    """E-I of one labelling, counted independently of groups.py: undirected pairs once, no self-loops."""
    group = dict(zip(actors, labels, strict=True))
    pairs = {frozenset((u, v)) for u, v in G.edges() if u != v}
    external = sum(1 for pair in pairs if len({group[v] for v in pair}) == 2)
    return (external - (len(pairs) - external)) / len(pairs)


def _all_labellings(actors: list[str], groups: dict[str, str]) -> list[tuple[str, ...]]:
    """Every distinct assignment of the observed labels to the actors (group sizes kept), each once."""
    return sorted(set(itertools.permutations([groups.get(v, "") for v in actors])))


def _small_graph(seed: int, n: int = 8, p: float = 0.4) -> nx.Graph:
    G = nx.gnp_random_graph(n, p, seed=seed)
    return nx.relabel_nodes(G, {v: f"v{v}" for v in G})


@pytest.mark.parametrize(("seed", "sizes"), [(1, (3, 3, 2)), (2, (4, 4)), (3, (5, 2, 1)), (4, (2, 2, 3)),
                                             (5, (4, 3))])
def test_ei_expected_is_the_exact_mean_over_all_labellings(seed: int, sizes: tuple[int, ...]) -> None:
    G = _small_graph(seed, n=sum(sizes))
    G.add_edge("v0", "v0")  # a self-loop is not a tie
    actors = sorted(G)
    labels = [f"g{i}" for i, size in enumerate(sizes) for _ in range(size)]
    groups = dict(zip(actors, labels, strict=True))
    if len(sizes) == 3:
        del groups[actors[-1]]  # an actor without a label joins the group ""
    labellings = _all_labellings(actors, groups)
    brute = sum(_brute_force_ei(G, actors, labelling) for labelling in labellings) / len(labellings)
    result = ei_test(G, groups, permutations=10, seed=seed)
    assert result.expected == pytest.approx(brute, abs=1e-12, rel=0)
    assert result.ei_index == pytest.approx(_brute_force_ei(G, actors, tuple(groups.get(v, "") for v in actors)),
                                            abs=1e-12, rel=0)


def test_ei_all_ties_across_groups_is_significant_two_sided() -> None:
    # K_{4,4} between the groups: E = 16, I = 0, EI = +1; E[EI] = 1 − 2·(12 + 12)/56 = 1/7.
    left, right = [f"l{i}" for i in range(4)], [f"r{i}" for i in range(4)]
    G = nx.complete_bipartite_graph(left, right)
    groups = {**dict.fromkeys(left, "medical"), **dict.fromkeys(right, "social")}
    result = ei_test(G, groups, permutations=1000, seed=0)
    assert result.ei_index == 1.0
    assert result.expected == pytest.approx(1 / 7, abs=1e-15)
    # Exactly 2 of the C(8, 4) = 70 labellings (this one and its mirror) reach EI = +1: p ≈ 0.029.
    assert result.p_value <= 0.05
    assert result.p_upper <= 0.05
    assert result.p_upper == result.p_value  # no labelling of K_{4,4} reaches EI ≤ 1/7 − 6/7
    assert result.p_lower == 1.0  # the old one-sided test (EI_perm ≤ EI_obs) reported exactly this
    assert _exact_p_values(G, groups) == pytest.approx((2 / 70, 1.0, 2 / 70), abs=1e-12)
    assert result.permutations == 1000
    assert "two-sided" in result.method and "Krackhardt" in result.method


def _build(nodes: list[str], edges: list[tuple[str, str]]) -> nx.Graph:
    G = nx.Graph()
    G.add_nodes_from(nodes)
    G.add_edges_from(edges)
    return G


@pytest.mark.parametrize("seed", range(5))
def test_ei_test_does_not_depend_on_insertion_order(seed: int) -> None:
    G = _small_graph(seed, n=12, p=0.3)
    G.add_node("isolate")
    groups = {v: ("a", "b", "c")[i % 3] for i, v in enumerate(sorted(G))}
    reference = ei_test(_build(sorted(G), sorted(G.edges())), groups, permutations=300, seed=7)
    rng = random.Random(seed)
    nodes, edges = list(G), [(v, u) if rng.random() < 0.5 else (u, v) for u, v in G.edges()]
    for _ in range(3):
        rng.shuffle(nodes)
        rng.shuffle(edges)
        assert ei_test(_build(nodes, edges), groups, permutations=300, seed=7) == reference
        shuffled_groups = dict(rng.sample(sorted(groups.items()), len(groups)))
        assert ei_test(_build(nodes, edges), shuffled_groups, permutations=300, seed=7) == reference
    assert 0 < reference.p_value <= 1 and 0 < reference.p_lower <= 1 and 0 < reference.p_upper <= 1


def _exact_p_values(G: nx.Graph, groups: dict[str, str]) -> tuple[float, float, float]:
    """Two-sided, lower and upper p-values over every distinct labelling (all equally likely)."""
    actors = sorted(G)
    labellings = _all_labellings(actors, groups)
    values = [_brute_force_ei(G, actors, labelling) for labelling in labellings]
    mean = sum(values) / len(values)
    observed = _brute_force_ei(G, actors, tuple(groups[v] for v in actors))
    two_sided = sum(abs(x - mean) >= abs(observed - mean) - 1e-12 for x in values) / len(values)
    lower = sum(x <= observed + 1e-12 for x in values) / len(values)
    upper = sum(x >= observed - 1e-12 for x in values) / len(values)
    return two_sided, lower, upper


@pytest.mark.parametrize(("seed", "sizes"), [(11, (3, 3, 2)), (12, (4, 4)), (13, (4, 2, 2))])
def test_ei_permutation_p_values_agree_with_full_enumeration(seed: int, sizes: tuple[int, ...]) -> None:
    G = _small_graph(seed, n=sum(sizes), p=0.45)
    labels = [f"g{i}" for i, size in enumerate(sizes) for _ in range(size)]
    groups = dict(zip(sorted(G), labels, strict=True))
    exact = _exact_p_values(G, groups)
    result = ei_test(G, groups, permutations=5000, seed=seed)
    # Monte Carlo standard error ≤ 0.5/√5000 ≈ 0.007; the (1 + #)/(1 + R) form adds < 0.001.
    assert result.p_value == pytest.approx(exact[0], abs=0.03)
    assert result.p_lower == pytest.approx(exact[1], abs=0.03)
    assert result.p_upper == pytest.approx(exact[2], abs=0.03)


def test_ei_hand_computed_tiny_graph() -> None:
    # Directed reports: a→b and b→a are one tie; c→c is a self-loop, not a tie.
    G = nx.DiGraph([("a", "b"), ("b", "a"), ("b", "c"), ("c", "d"), ("d", "a"), ("c", "c")])
    G.add_node("e")
    groups = {"a": "x", "b": "x", "c": "y", "d": "y", "e": "y"}
    result = ei_test(G, groups, permutations=500, seed=1)
    # Ties a–b (I), b–c (E), c–d (I), d–a (E): EI = (2 − 2)/4 = 0.
    assert result.ei_index == 0.0
    # n = 5, sizes 2 and 3: p_int = (2·1 + 3·2)/(5·4) = 0.4, E[EI] = 1 − 0.8 = 0.2.
    assert result.expected == pytest.approx(0.2, abs=1e-15)
    # The projection the caller passes (nx.Graph) gives the same result.
    assert ei_test(nx.Graph(G), groups, permutations=500, seed=1) == result
    # The C(5, 2) = 10 labellings choose the two x actors: an adjacent cycle pair or a cycle actor with e gives
    # E = I = 2 (EI = 0, 8 labellings); a diagonal pair {a, c} or {b, d} makes all four ties cross (EI = 1, 2
    # labellings). Mean 0.2 (= E[EI] above). Two-sided: |0 − 0.2| and |1 − 0.2| both ≥ 0.2, so every draw counts,
    # p = 1; upper: every draw has EI ≥ 0, p = 1; lower: P(EI ≤ 0) = 8/10.
    assert result.p_value == 1.0 and result.p_upper == 1.0
    assert result.p_lower == pytest.approx(0.8, abs=0.06)  # Monte Carlo, R = 500: standard error 0.018
    assert _exact_p_values(nx.Graph(G), groups) == pytest.approx((1.0, 0.8, 1.0), abs=1e-12)


def test_ei_edge_cases() -> None:
    empty = ei_test(nx.empty_graph(["a", "b", "c"]), {"a": "x", "b": "y"}, permutations=100)
    assert empty.permutations == 0
    assert all(math.isnan(x) for x in (empty.ei_index, empty.expected, empty.p_value, empty.p_lower, empty.p_upper))
    only_loops = ei_test(nx.Graph([("a", "a")]), {"a": "x"}, permutations=100)
    assert only_loops.permutations == 0 and math.isnan(only_loops.p_value)
    one_group = ei_test(nx.path_graph(["a", "b", "c", "d"]), dict.fromkeys("abcd", "x"), permutations=100)
    assert (one_group.ei_index, one_group.expected) == (-1.0, -1.0)
    assert (one_group.p_value, one_group.p_lower, one_group.p_upper, one_group.permutations) == (1.0, 1.0, 1.0, 100)
    unlabelled = ei_test(nx.path_graph(["a", "b", "c"]), {}, permutations=100)  # everyone in group ""
    assert (unlabelled.ei_index, unlabelled.expected, unlabelled.p_value) == (-1.0, -1.0, 1.0)
    no_draws = ei_test(nx.path_graph(["a", "b", "c"]), {"a": "x"}, permutations=0)
    assert no_draws.permutations == 0 and no_draws.p_value == no_draws.p_lower == no_draws.p_upper == 1.0
    with pytest.raises(ValueError, match="permutations"):
        ei_test(nx.path_graph(["a", "b"]), {}, permutations=-1)


@pytest.mark.parametrize("groups", [3, 300, 40_000])
def test_ei_compiled_draws_equal_numpy_draws(monkeypatch: pytest.MonkeyPatch, groups: int) -> None:
    # Large networks count the draws in a compiled loop on narrowed label codes (int8, int16,
    # int32 here): the p-values must be those of the numpy loop, draw for draw.
    import carenet_graph.analysis.groups as module

    rng = random.Random(groups)
    G = nx.gnm_random_graph(60_000, 90_000, seed=groups)
    labels = {v: rng.randrange(groups) for v in G}
    plain = ei_test(G, labels, permutations=40, seed=3)
    monkeypatch.setattr(module, "COMPILED_WORK", 0)
    compiled = ei_test(G, labels, permutations=40, seed=3)
    assert compiled == plain
    assert 0 < plain.p_lower < 1 and plain.permutations == 40
