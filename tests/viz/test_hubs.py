"""Maps of hub networks (issue 12): nothing grows with the square of one actor's degree.

Above :data:`~carenet_graph.viz.map.DEFAULT_MAX_ACTORS` actors the map draws groups and says so;
the geographic layout computes a municipality's centre once, not once per actor in it. The slow
tests run ``carenet map`` and ``carenet report`` on a star of 100,000 spokes under 4 GB of
address space.
"""

from __future__ import annotations

import math
from pathlib import Path

import networkx as nx
import pytest

from carenet_graph.viz.layout import positions
from tests.support.bounded import run_bounded


def test_geo_sunflower_is_centred_on_the_municipality() -> None:
    H = nx.Graph()
    for i in range(300):
        H.add_node(i, lat=52.0 + (i % 7) * 0.01, lon=8.9 + (i % 5) * 0.01, municipality="Lemgo", sector="medical",
                   name=f"A{i:03d}")
    H.add_node("far", lat=51.0, lon=7.0, municipality="Elsewhere")
    xy = positions(H, "geo")
    spread = [xy[i] for i in range(300)]
    cx = sum(x for x, _ in spread) / 300
    cy = sum(y for _, y in spread) / 300
    # The sunflower's points surround its centre: their mean is near it, far from the other place.
    assert math.dist((cx, cy), xy["far"]) > 10 * max(math.dist((cx, cy), p) for p in spread[:1])


@pytest.mark.slow
def test_map_of_a_star_of_100000_spokes_is_drawn_grouped(star_files: tuple[Path, Path], tmp_path: Path) -> None:
    result = run_bounded("map", *star_files, "-o", tmp_path / "map.html", timeout=900)
    assert result.returncode == 0, result.stderr[-2000:]
    page = (tmp_path / "map.html").read_text(encoding="utf-8")
    assert "This network has 100,001 actors" in page and "Each circle stands for a municipality" in page


@pytest.mark.slow
def test_report_of_a_star_of_100000_spokes(star_files: tuple[Path, Path], tmp_path: Path) -> None:
    result = run_bounded("report", *star_files, "-o", tmp_path / "report.html", timeout=1500)
    assert result.returncode == 0, result.stderr[-2000:]
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "Hub pharmacy" in page
