"""The map and the comparison page on a phone (390 × 844) and on paper (issue 14, items 4–6).

Phone: the filter panel folds behind a button, the network takes the width, the page never
scrolls sideways, a table scrolls inside its own box. Paper: Chromium prints (page.pdf, A4) the
static picture of the map (an inline SVG of the same layout with its legend) in place of the
interactive canvas; the map fits one page; a comparison prints its story, picture and table
without a blank page.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

import carenet_graph
from carenet_graph.locale import Locale
from carenet_graph.report.comparison import compare_waves
from carenet_graph.viz.map import write_map
from tests.support.browser import MapPage, OpenPage

pytestmark = pytest.mark.browser

DATA = Path(__file__).resolve().parents[2] / "data"
PHONE = (390, 844)


def load(name: str) -> nx.MultiDiGraph:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return carenet_graph.load(DATA / name)


@pytest.fixture(scope="module")
def lippe_map(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_map(load("lippe/netzwerk_lippe.xlsx"), tmp_path_factory.mktemp("lippe") / "map.html", locale="de",
                     introductions=True)


@pytest.fixture(scope="module")
def comparison(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two waves of the Lippe example: three ties ended, three closer, three new."""
    before = load("lippe/netzwerk_lippe.xlsx")
    after = before.copy()
    edges = sorted(after.edges(keys=True), key=lambda e: (str(e[0]), str(e[1]), e[2]))
    after.remove_edges_from(edges[:3])
    for u, v, k in edges[10:13]:
        after.edges[u, v, k]["level"] = 5
    nodes = sorted(after)
    for a, b in ((nodes[3], nodes[40]), (nodes[7], nodes[90]), (nodes[20], nodes[120])):
        after.add_edge(a, b, level=3, type="referral")
    out = tmp_path_factory.mktemp("compare")
    compare_waves(before, after, locale="nl", output=out)
    return out / "compare.html"


def pdf_pages(data: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", data))


def no_sideways_scroll(page: MapPage) -> None:
    assert page.js("document.documentElement.scrollWidth") <= PHONE[0]


# -- phone ---------------------------------------------------------------------------------------------------------


def test_phone_panel_folds_behind_a_button_and_the_network_takes_the_width(lippe_map: Path,
                                                                            open_page: OpenPage) -> None:
    page = open_page(lippe_map, viewport=PHONE)
    assert not page.page.is_visible("#panel")
    toggle = page.page.locator("#panel-toggle")
    assert toggle.is_visible() and toggle.text_content() == "Filter und Legende"
    assert toggle.get_attribute("aria-expanded") == "false"
    network = page.page.locator("#network").bounding_box()
    assert network is not None and network["width"] >= PHONE[0] - 2 and network["height"] > 500
    no_sideways_scroll(page)
    # Every actor is in view and can be told apart at this width.
    drawn = page.js("""() => { const net = window.network, s = net.getScale(), pos = net.getPositions();
      const r = document.getElementById('network').getBoundingClientRect();
      return net.body.data.nodes.get().map(n => { const d = net.canvasToDOM(pos[n.id]);
        return [d.x >= 0 && d.x <= r.width && d.y >= 0 && d.y <= r.height, n.size * s]; }); }""")
    assert all(inside for inside, _ in drawn) and min(radius for _, radius in drawn) >= 2
    # The button opens the panel over the map; a filter works from there; the button closes it.
    toggle.click()
    assert page.page.is_visible("#panel") and toggle.get_attribute("aria-expanded") == "true"
    panel = page.page.locator("#panel").bounding_box()
    assert panel is not None and panel["width"] >= PHONE[0] - 2
    page.page.select_option("#filter-municipality", "Detmold")
    assert "31 von 133 Akteuren angezeigt" in (page.page.text_content("#shown") or "")
    toggle.click()
    assert not page.page.is_visible("#panel")
    no_sideways_scroll(page)
    assert page.problems() == [] and page.outside == []


def test_phone_comparison_table_scrolls_inside_its_box(comparison: Path, open_page: OpenPage) -> None:
    page = open_page(comparison, viewport=PHONE)
    no_sideways_scroll(page)
    box = page.js("(() => { const b = document.querySelector('#details .table-box');"
                  " return [b.scrollWidth, b.clientWidth, getComputedStyle(b).overflowX]; })()")
    assert box[0] > box[1] and box[2] == "auto"  # wider than the screen: it scrolls in its box
    network = page.page.locator("#network").bounding_box()
    assert network is not None and network["width"] >= PHONE[0] - 2 and network["height"] > 400
    assert page.problems() == []


# -- paper ---------------------------------------------------------------------------------------------------------


def printed(page: MapPage) -> dict[str, Any]:
    page.page.emulate_media(media="print")
    result: dict[str, Any] = page.js("""() => {
      const box = (sel) => { const e = document.querySelector(sel); if (!e) return null;
        const r = e.getBoundingClientRect(); return [r.width, r.height, getComputedStyle(e).display]; };
      return {svg: box('#print-map svg'), network: box('#network-box'), panel: box('#panel'),
              table: box('#details table'), texts: [...document.querySelectorAll('#print-map svg text')]
                .map(t => t.textContent)};
    }""")
    return result


def test_printed_map_is_the_static_picture_on_one_page(lippe_map: Path, open_page: OpenPage, tmp_path: Path) -> None:
    page = open_page(lippe_map, viewport=(1280, 800))
    assert page.js("getComputedStyle(document.getElementById('print-map')).display") == "none"  # not on screen
    seen = printed(page)
    assert seen["svg"][0] > 300 and seen["svg"][1] > 300  # visible, with a size
    assert seen["network"][2] == "none" and seen["panel"][2] == "none"
    places = {p["label"] for p in page.js("JSON.parse(document.getElementById('carenet-data').textContent).places")}
    assert places <= set(seen["texts"])  # municipalities named
    first = page.js("JSON.parse(document.getElementById('carenet-data').textContent).nodes"
                    ".find(n => n.rank === 0).label")
    assert first in seen["texts"]  # the most important actors named
    assert "Kreisgröße: Zahl der Partner" in seen["texts"]  # with its legend
    pdf = page.page.pdf(format="A4", print_background=True)
    (tmp_path / "map.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF") and pdf_pages(pdf) == 1  # fits one A4 page


def test_printed_comparison_has_story_picture_and_table_without_a_blank_page(comparison: Path,
                                                                             open_page: OpenPage) -> None:
    page = open_page(comparison, viewport=(1280, 800))
    seen = printed(page)
    assert seen["svg"][1] > 200 and seen["table"][1] > 100 and seen["network"][2] == "none"
    rows = page.page.eval_on_selector_all("#details tbody tr", "rs => rs.map(r => r.firstChild.textContent)")
    nl = Locale("nl")
    assert rows == ([nl.t("compare_legend_added")] * 3 + [nl.t("compare_legend_removed")] * 3
                    + [nl.t("compare_legend_up")] * 3)
    # The changed actors are named in the picture.
    named = page.page.eval_on_selector_all("#details tbody tr", "rs => rs.flatMap(r => [r.children[1].textContent,"
                                           " r.children[2].textContent])")
    # (all but a name or two that would have covered another's)
    assert len(set(named) & set(seen["texts"])) >= len(set(named)) - 2
    pdf = page.page.pdf(format="A4", print_background=True)
    # Story and picture on the first page, the table after: two pages, none blank (a third page
    # would be the blank or orphaned one the old print had).
    assert pdf_pages(pdf) <= 2
    # No heading is left at a page's foot.
    assert page.js("getComputedStyle(document.querySelector('#details h2')).breakAfter") == "avoid"
