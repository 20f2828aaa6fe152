"""Fixtures for the analysis tests: a small network used by more than one module's tests."""

from __future__ import annotations

import networkx as nx
import pytest


@pytest.fixture
def multigraph() -> nx.MultiDiGraph:
    """Six actors in two sectors; a–b reported by both sides (levels 3 and 1); e–f at level 0 (no tie)."""
    G = nx.MultiDiGraph()
    for v, sector in (("a", "medical"), ("b", "medical"), ("c", "medical"), ("d", "social_welfare"),
                      ("e", "social_welfare"), ("f", "social_welfare")):
        G.add_node(v, name=f"Actor {v}", type="other_organisation", sector=sector, municipality="Lemgo")
    G.add_edge("a", "b", level=3, type="consultation", direction="directed", reported_by="a")
    G.add_edge("b", "a", level=1, type="consultation", direction="directed", reported_by="b")
    G.add_edge("b", "c", level=2, type="shared_patients", direction="undirected")
    G.add_edge("c", "d", level=4, type="shared_patients", direction="undirected")
    G.add_edge("d", "e", level=2, type="information_exchange", direction="undirected")
    G.add_edge("e", "f", level=0, type="information_exchange", direction="undirected")
    return G
