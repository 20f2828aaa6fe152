"""Network figures: centralization, density, path figures (exact and sampled with a standard
error) and dyad reports."""

from __future__ import annotations

import networkx as nx
import pandas as pd
import pytest

from carenet_graph.analysis.cohesion import (
    betweenness_centralization,
    degree_centralization,
    density,
    dyad_reports,
    path_figures,
)


def test_figures_by_hand() -> None:
    star = nx.star_graph(4)
    assert degree_centralization(star) == pytest.approx(1.0)
    assert density(star) == pytest.approx(4 / 10)
    assert betweenness_centralization(pd.Series([1.0, 0, 0, 0, 0]).to_numpy()) == pytest.approx(1.0)
    path = path_figures(nx.path_graph(5))
    assert path.diameter == 4 and path.exact
    assert path.average_path_length == pytest.approx(nx.average_shortest_path_length(nx.path_graph(5)))
    assert density(nx.Graph()) is None and degree_centralization(nx.empty_graph(2)) is None


def test_sampled_average_path_length_has_standard_error() -> None:
    G = nx.connected_watts_strogatz_graph(400, 4, 0.1, seed=1)
    figures = path_figures(G, exact_paths_limit=100, samples=200, seed=2)
    assert not figures.exact and figures.sampled_sources == 200
    assert figures.standard_error is not None and figures.standard_error > 0
    truth = nx.average_shortest_path_length(G)
    assert abs(figures.average_path_length - truth) < 4 * figures.standard_error + 1e-9
    assert figures.diameter <= nx.diameter(G) <= figures.diameter_upper_bound
    assert figures.diameter == nx.diameter(G)  # the double sweep finds it on this graph


def test_dyad_reports(multigraph: nx.MultiDiGraph) -> None:
    dyads = dyad_reports(multigraph)
    assert dyads is not None
    assert dyads.pairs_reported == 5
    assert dyads.pairs_both_reported == 1
    assert dyads.share_level_agreement == 0.0
    assert dyads.mean_level_difference == 2.0
