"""Static PNG/SVG figures: written, deterministic, refused for wrong options."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from carenet_graph.errors import OptionError, OutputError
from carenet_graph.locale import Locale
from carenet_graph.viz.static import write_figure
from carenet_graph.vocabulary import load_vocabulary


def graph() -> nx.MultiDiGraph:
    G = nx.MultiDiGraph(name="Testnetz")
    for i, sector in enumerate(["medical", "medical", "social_welfare", "nursing_care", "spiritual"]):
        G.add_node(f"a{i}", name=f"Akteur {i} Müller", sector=sector, type="other_organisation")
    for u, v, level in (("a0", "a1", 3), ("a1", "a2", 2), ("a2", "a3", 5), ("a3", "a0", 1)):
        G.add_edge(u, v, level=level)
    return G


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_figure_is_written_and_deterministic(tmp_path: Path, suffix: str) -> None:
    first = write_figure(graph(), tmp_path / f"a{suffix}")
    second = write_figure(graph(), tmp_path / f"b{suffix}")
    data = first.read_bytes()
    assert data == second.read_bytes()
    if suffix == ".png":
        assert data.startswith(b"\x89PNG") and len(data) > 10_000
    else:
        text = data.decode("utf-8")
        assert text.lstrip().startswith("<?xml") and "Akteur 0 Müller" in text and "<dc:date>" not in text


def test_figure_refuses_unknown_options(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match=r"png or \.svg"):
        write_figure(graph(), tmp_path / "a.pdf")
    with pytest.raises(OutputError, match="cannot colour"):
        write_figure(graph(), tmp_path / "a.png", color_by="community")
    with pytest.raises(OutputError, match="cannot size"):
        write_figure(graph(), tmp_path / "a.png", size_by="fame")
    empty = write_figure(nx.MultiDiGraph(), tmp_path / "empty.png")
    assert empty.read_bytes().startswith(b"\x89PNG")


def test_legend_speaks_the_locale_with_the_users_words(tmp_path: Path) -> None:
    path = tmp_path / "vokabular.yaml"
    path.write_text("sectors:\n  - id: spiritual\n    labels: {de: Seelsorge (unser Wort)}\n", encoding="utf-8")
    svg = write_figure(graph(), tmp_path / "de.svg", locale=Locale("de", load_vocabulary([path]))).read_text(
        encoding="utf-8")
    assert "Seelsorge (unser Wort)" in svg and "Pflege" in svg  # the user's label and a built-in German one
    assert "Nursing" not in write_figure(graph(), tmp_path / "de2.svg", locale="de").read_text(encoding="utf-8")
    assert "Nursing" in write_figure(graph(), tmp_path / "en.svg").read_text(encoding="utf-8")
    with pytest.raises(OptionError):
        write_figure(graph(), tmp_path / "fr.svg", locale="fr")
