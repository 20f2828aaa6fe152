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
    # The map comes after the findings and introductions: Chromium throttles drawing in a
    # sandboxed frame outside the window, as it should, so the test looks at it as a reader would.
    page.page.locator("#map iframe").scroll_into_view_if_needed()
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


@pytest.fixture(scope="module")
def lippe_report(tmp_path_factory: pytest.TempPathFactory, example_workbooks: dict[str, Path]) -> Path:
    """The German report of the bundled Kreis Lippe example."""
    import warnings

    import carenet_graph as cg

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        G = cg.load(example_workbooks["lippe"])
    return write_report(G, tmp_path_factory.mktemp("lippe") / "bericht.html", locale="de")


def test_the_findings_are_on_the_first_screen(lippe_report: Path, open_page: OpenPage) -> None:
    page = open_page(lippe_report, ready=False)
    page.page.wait_for_load_state("load")
    box = page.page.locator("#findings ol.findings").bounding_box()
    assert box is not None and box["y"] < 900 * 0.6  # the findings start in the upper part of the first screen
    assert page.page.locator("#findings li").count() >= 3
    assert page.problems() == []


def test_on_a_phone_nothing_overflows_and_the_map_uses_the_width(lippe_report: Path, open_page: OpenPage) -> None:
    page = open_page(lippe_report, ready=False, viewport=(390, 844))
    page.page.wait_for_load_state("load")
    assert page.js("document.documentElement.scrollWidth") <= 390
    frame = page.page.locator("#map iframe").bounding_box()
    assert frame is not None and frame["width"] >= 360
    # Wide tables scroll inside their own box instead of widening the page.
    wide = page.js("""[...document.querySelectorAll('.scroll')].filter(b => b.scrollWidth > b.clientWidth + 1)
                     .map(b => getComputedStyle(b).overflowX)""")
    assert all(value == "auto" for value in wide)


def test_printed_the_map_is_a_picture_and_the_iframe_is_gone(lippe_report: Path, open_page: OpenPage,
                                                          tmp_path: Path) -> None:
    page = open_page(lippe_report, ready=False)
    page.page.wait_for_load_state("load")
    page.page.emulate_media(media="print")
    assert not page.page.locator("#map iframe").is_visible()
    picture = page.page.locator("#map figure.map-picture svg")
    box = picture.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 200
    assert page.page.locator("#map figure.map-picture svg text").count() > 5  # names on the printed map
    pdf = tmp_path / "bericht.pdf"
    page.page.pdf(path=str(pdf), format="A4")
    assert pdf.stat().st_size > 20_000
