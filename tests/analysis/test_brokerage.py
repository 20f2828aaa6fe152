"""Gould–Fernandez brokerage roles against a hand example, brute-force enumeration of open
two-paths and the enumerated expectation under the null model."""

from __future__ import annotations

import itertools
import random

import networkx as nx
import pytest

from carenet_graph.analysis.brokerage import ROLES, brokerage, brokerage_counts, expected_brokerage


def enumerate_brokerage(D: nx.DiGraph, groups: dict) -> dict:
    """Every open two-path i→j→k listed by hand-written rules (independent of the module)."""
    out = {v: dict.fromkeys(ROLES, 0) for v in D}
    for j in D:
        for i, k in itertools.permutations(D, 2):
            if j in (i, k) or not D.has_edge(i, j) or not D.has_edge(j, k) or D.has_edge(i, k):
                continue
            gi, gj, gk = groups[i], groups[j], groups[k]
            if gi == gj == gk:
                role = "coordinator"
            elif gi == gk != gj:
                role = "itinerant"
            elif gi == gj != gk:
                role = "representative"
            elif gj == gk != gi:
                role = "gatekeeper"
            else:
                role = "liaison"
            out[j][role] += 1
    return out


def test_brokerage_hand_example() -> None:
    # GP (medical) → PKD (medical) → hospice (hospice): the PKD represents medicine to hospice.
    # welfare (social) → municipality (public) → GP2 (medical): liaison.
    D = nx.DiGraph([("gp", "pkd"), ("pkd", "hospice"), ("welfare", "town"), ("town", "gp2"),
                    ("nurse", "gp3"), ("gp3", "gp4")])
    groups = {"gp": "med", "pkd": "med", "hospice": "hos", "welfare": "soc", "town": "pub", "gp2": "med",
              "nurse": "nur", "gp3": "med", "gp4": "med"}
    counts = brokerage_counts(D, groups)
    assert counts.loc["pkd"].to_dict() == {"coordinator": 0, "itinerant": 0, "representative": 1, "gatekeeper": 0,
                                           "liaison": 0, "brokerage_total": 1}
    assert counts.loc["town", "liaison"] == 1
    assert counts.loc["gp3", "gatekeeper"] == 1
    assert counts["brokerage_total"].sum() == 3


@pytest.mark.parametrize("seed", range(4))
def test_brokerage_counts_equal_enumeration(seed: int) -> None:
    D = nx.gnp_random_graph(18, 0.2, seed=seed, directed=True)
    rng = random.Random(seed)
    groups = {v: rng.choice("abc") for v in D}
    counts = brokerage_counts(D, groups)
    expected = enumerate_brokerage(D, groups)
    for v in D:
        assert {r: int(counts.loc[v, r]) for r in ROLES} == expected[v]
        assert counts.loc[v, "brokerage_total"] == sum(expected[v].values())


def test_undirected_tie_counts_as_two_arcs() -> None:
    U = nx.Graph([("a", "b"), ("b", "c")])
    groups = {"a": 1, "b": 2, "c": 1}
    # a→b→c and c→b→a: two itinerant two-paths through b.
    assert brokerage_counts(U, groups).loc["b", "itinerant"] == 2


def test_expected_brokerage_equals_enumerated_expectation() -> None:
    # Under the null model each arc exists with probability d, independently: an ordered
    # triple (i, j, k) is an open two-path with probability d²(1−d). Summing that over all
    # triples of each role must give the closed forms.
    D = nx.gnp_random_graph(12, 0.25, seed=1, directed=True)
    groups = {v: "x" if v < 5 else ("y" if v < 9 else "z") for v in D}
    n = D.number_of_nodes()
    d = D.number_of_edges() / (n * (n - 1))
    q = d * d * (1 - d)
    expected, sd = expected_brokerage(D, groups)
    for j in D:
        tally = dict.fromkeys(ROLES, 0.0)
        for i, k in itertools.permutations([v for v in D if v != j], 2):
            gi, gj, gk = groups[i], groups[j], groups[k]
            role = ("coordinator" if gi == gj == gk else "itinerant" if gi == gk != gj else
                    "representative" if gi == gj != gk else "gatekeeper" if gj == gk != gi else "liaison")
            tally[role] += q
        for role in ROLES:
            assert expected.loc[j, role] == pytest.approx(tally[role])
        assert expected.loc[j, "brokerage_total"] == pytest.approx(sum(tally.values()))
    assert (sd.to_numpy() >= 0).all()
    result = brokerage(D, groups)
    z = (result.counts.loc[0, "liaison"] - expected.loc[0, "liaison"]) / sd.loc[0, "liaison"]
    assert result.z.loc[0, "liaison"] == pytest.approx(z)
