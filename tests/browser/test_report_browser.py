"""The report and the comparison page in headless Chromium: render offline, no console errors,
every section, every language, and the (embedded) map draws."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from carenet_graph.report import compare_waves, write_report
from carenet_graph.report.build import SECTIONS
from tests.support.browser import OpenPage

pytestmark = pytest.mark.browser


def network() -> nx.MultiDiGraph:
    G = nx.MultiDiGraph(name="Test")
    for v, kind, sector, place in (("gp", "general_practitioner", "medical", "Lemgo"),
                                   ("pkd", "palliative_consult_service", "medical", "Lemgo"),
                                   ("nurse", "home_nursing_service", "nursing_care", "Blomberg"),
                                   ("welfare", "social_welfare_organisation", "social_welfare", "Blomberg")):
        G.add_node(v, name=f'<img src=x onerror="window.__pwned=1"> {v}', type=kind, sector=sector,
                   municipality=place)
    for u, v in (("gp", "pkd"), ("pkd", "nurse"), ("nurse", "welfare")):
        G.add_edge(u, v, level=3, type="information_exchange")
    return G


@pytest.mark.parametrize("lang", ["en", "de", "nl", "sv"])
def test_report_renders_offline_with_every_section(tmp_path: Path, open_page: OpenPage, lang: str) -> None:
    path = write_report(network(), tmp_path / f"report_{lang}.html", locale=lang)
    page = open_page(path, ready=False)
    page.page.wait_for_load_state("load")
    for section in SECTIONS:
        assert page.js(f"document.getElementById('{section}') !== null"), section
    assert page.js("document.documentElement.lang") == lang
    frame = page.page.frames[1]
    frame.wait_for_selector("body[data-ready='1']", state="attached")
    assert frame.evaluate("window.network.body.data.nodes.length") == 4
    assert page.js("window.__pwned") is None and frame.evaluate("window.__pwned") is None
    assert page.problems() == []
    assert page.js("document.querySelector('meta[http-equiv=\"Content-Security-Policy\"]') !== null")


def test_comparison_page_shows_the_story_above_the_map(tmp_path: Path, open_page: OpenPage) -> None:
    before = network()
    after = network()
    after.remove_edge("nurse", "welfare")
    after.add_edge("gp", "welfare", level=2, type="information_exchange")
    after.add_node("town", name="Stadt Lemgo", type="municipality", sector="municipality_public", municipality="Lemgo")
    after.add_edge("town", "pkd", level=1, type="information_exchange")
    result = compare_waves(before, after, locale="de", output=tmp_path / "vergleich")
    page = open_page(tmp_path / "vergleich" / "compare.html")
    assert page.js("document.documentElement.lang") == "de"
    assert page.page.is_visible("header #narrative")
    items = page.page.eval_on_selector_all("#narrative li", "ls => ls.map(l => l.textContent)")
    assert items[0].startswith("4 Akteure in beiden Erhebungen") and len(items) >= 3
    legend = page.page.eval_on_selector_all("#legend-items li", "ls => ls.map(l => l.textContent)")
    assert len(legend) == 2  # new and ended ties
    assert page.js("window.network.body.data.nodes.length") == 5
    assert page.js("window.network.body.data.edges.length") == 5  # four ties now, one ended
    assert page.js("window.__pwned") is None
    assert page.problems() == []
    assert [p.name for p in result.written][-1] == "compare.html"
