"""A map that reads (issue 14, item 3), in Chromium at 1280 × 800 on the Värmland example: no two
actors overlap on screen, zooming separates them (circles keep their size on screen) and brings
more names, names never cover each other, the municipalities are named, highlight dims the rest
(ties and names too), the fit control brings the whole map back, the legend explains the map."""

from __future__ import annotations

import math
import warnings
from pathlib import Path
from typing import Any

import pytest

import carenet_graph
from carenet_graph.viz.map import write_map
from carenet_graph.viz.style import SUGGESTED_COLOR
from tests.support.browser import MapPage, OpenPage

pytestmark = pytest.mark.browser

DATA = Path(__file__).resolve().parents[2] / "data"
DESKTOP = (1280, 800)

# Every drawn actor: id, centre on screen, radius on screen, font size (0: not named), rank.
CIRCLES = """() => {
  const net = window.network, scale = net.getScale(), pos = net.getPositions();
  const box = document.getElementById("network").getBoundingClientRect();
  const rank = Object.fromEntries(JSON.parse(document.getElementById("carenet-data").textContent)
    .nodes.map(n => [n.id, n.rank]));
  return net.body.data.nodes.get().map(n => {
    const d = net.canvasToDOM(pos[n.id]);
    // A name drawn below one pixel is no name (vis skips it): reported as 0.
    const font = n.font.size * scale >= 1 ? n.font.size * scale : 0;
    return {id: n.id, x: d.x, y: d.y, r: n.size * scale, font: font, label: n.label, rank: rank[n.id],
            inside: d.x >= 0 && d.y >= 0 && d.x <= box.width && d.y <= box.height};
  });
}"""
# The screen box of each named actor's label (as vis draws it: centred below the circle).
LABEL_BOXES = """() => {
  const net = window.network, scale = net.getScale(), pos = net.getPositions();
  const ctx = document.createElement("canvas").getContext("2d");
  ctx.font = "12px system-ui, sans-serif";
  return net.body.data.nodes.get().filter(n => n.font.size * scale >= 1).map(n => {
    const d = net.canvasToDOM(pos[n.id]), w = ctx.measureText(n.label).width, top = d.y + n.size * scale;
    return [d.x - w / 2, top, d.x + w / 2, top + 12];
  });
}"""


@pytest.fixture(scope="module")
def varmland_map(tmp_path_factory: pytest.TempPathFactory) -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        G = carenet_graph.load(DATA / "varmland" / "natverk_varmland.xlsx")
    return write_map(G, tmp_path_factory.mktemp("varmland") / "map.html", locale="sv", introductions=True)


def circles(page: MapPage) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = page.js(CIRCLES)
    return result


def overlaps(drawn: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(a["id"], b["id"]) for i, a in enumerate(drawn) for b in drawn[i + 1:]
            if math.dist((a["x"], a["y"]), (b["x"], b["y"])) < a["r"] + b["r"] - 0.01]


def settle(page: MapPage) -> None:
    # The page restyles in the next animation frame after a change of view; wait for two.
    page.page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def zoom_to(page: MapPage, place: str, scale: float) -> None:
    page.js("([place, scale]) => { const p = JSON.parse(document.getElementById('carenet-data').textContent)"
            ".places.find(p => p.label === place);"
            " window.network.moveTo({position: {x: p.x, y: p.y}, scale: scale}); }", [place, scale])
    settle(page)


def test_no_two_actors_overlap_on_screen_at_any_zoom(varmland_map: Path, open_page: OpenPage) -> None:
    page = open_page(varmland_map, viewport=DESKTOP)
    drawn = circles(page)
    assert len(drawn) == 193 and all(c["inside"] for c in drawn)  # the whole map in view
    assert overlaps(drawn) == []
    assert min(c["r"] for c in drawn) >= 4  # not by drawing dots: circles a reader can see
    for scale in (1.5, 3.0, 6.0):
        zoom_to(page, "Karlstad", scale)
        assert overlaps(circles(page)) == [], scale
    assert page.problems() == [] and page.outside == []


def test_zooming_separates_actors_their_circles_keep_their_size(varmland_map: Path, open_page: OpenPage) -> None:
    page = open_page(varmland_map, viewport=DESKTOP)
    data = {n["id"]: n for n in page.js("JSON.parse(document.getElementById('carenet-data').textContent).nodes")}
    karlstad = sorted(i for i, n in data.items() if n["facets"]["municipality"] == "Karlstad")[:2]
    gaps = []
    for scale in (1.0, 2.0, 4.0):
        zoom_to(page, "Karlstad", scale)
        drawn = {c["id"]: c for c in circles(page)}
        a, b = (drawn[i] for i in karlstad)
        gaps.append(math.dist((a["x"], a["y"]), (b["x"], b["y"])) - a["r"] - b["r"])
        # From scale 1 on, each circle stays at its own size on screen instead of growing, and each line
        # at its own width.
        assert all(c["r"] == pytest.approx(data[c["id"]]["size"], abs=0.05) for c in drawn.values())
        widths = page.js("(() => { const s = window.network.getScale(); const d = JSON.parse(document"
                         ".getElementById('carenet-data').textContent).edges;"
                         " return window.network.body.data.edges.get()"
                         ".map(e => [e.width * s, d[+e.id.slice(1)].width]); })()")
        assert all(shown == pytest.approx(wanted, abs=0.05) for shown, wanted in widths)
    assert gaps[0] < gaps[1] < gaps[2]
    # A real wheel zoom does the same (the page follows every change of view).
    page.js("window.network.fit({animation: false})")
    settle(page)
    box = page.page.locator("#network").bounding_box()
    page.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    for _ in range(8):
        page.page.mouse.wheel(0, -400)
    page.page.wait_for_function("window.network.getScale() > 1.5")
    settle(page)
    assert all(c["r"] == pytest.approx(data[c["id"]]["size"], abs=0.05) for c in circles(page))
    assert page.problems() == []


def test_names_most_important_first_never_over_each_other_more_when_zoomed(varmland_map: Path,
                                                                            open_page: OpenPage) -> None:
    page = open_page(varmland_map, viewport=DESKTOP)
    named_share = []
    for scale in (None, 1.5, 3.0, 8.0):
        if scale is not None:
            zoom_to(page, "Karlstad", scale)
        drawn = circles(page)
        named = [c for c in drawn if c["font"] > 0]
        assert all(c["font"] == pytest.approx(12, abs=0.1) for c in named)  # the same size on screen at any zoom
        boxes = page.js(LABEL_BOXES)
        assert not any(a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
                       for i, a in enumerate(boxes) for b in boxes[i + 1:]), scale
        in_view = [c for c in drawn if c["inside"]]
        named_share.append(len([c for c in named if c["inside"]]) / len(in_view))
        if scale is None:
            assert 5 <= len(named) <= 40  # the whole map: only the most important are named
            assert min(drawn, key=lambda c: c["rank"])["font"] > 0  # the first of all is
            ranks = sorted(c["rank"] for c in named)
            assert ranks[0] == 0 and sum(ranks) / len(ranks) < 193 / 2
    assert named_share[0] < named_share[1] < named_share[2] <= named_share[3]
    # Zoomed in far, every actor in view is named.
    zoom_to(page, "Karlstad", 12.0)
    in_view = [c for c in circles(page) if c["inside"]]
    assert in_view and all(c["font"] > 0 for c in in_view)


def test_municipality_names_are_drawn_at_their_places(varmland_map: Path, open_page: OpenPage,
                                                      tmp_path: Path) -> None:
    import matplotlib.image

    page = open_page(varmland_map, viewport=DESKTOP)
    places = page.js("JSON.parse(document.getElementById('carenet-data').textContent).places")
    assert len(places) == 16 and {"Karlstad", "Torsby", "Arvika", "Årjäng"} <= {p["label"] for p in places}
    shot = tmp_path / "map.png"
    page.page.screenshot(path=str(shot))
    pixels: Any = matplotlib.image.imread(str(shot))
    box = page.page.locator("#network").bounding_box()
    for place in ("Karlstad", "Torsby"):
        p = next(p for p in places if p["label"] == place)
        x, y = page.js("(p) => { const d = window.network.canvasToDOM({x: p.x, y: p.y - p.r}); return [d.x, d.y]; }", p)
        x, y = box["x"] + x, box["y"] + y
        # The name's dark grey letters (#505050) just above the disc.
        area = pixels[int(y) - 18:int(y) - 2, int(x) - 25:int(x) + 25, :3]
        grey = ((abs(area - 80 / 255) < 0.08).all(axis=2)).sum()
        assert grey > 10, place


def test_highlight_dims_other_actors_ties_and_names(varmland_map: Path, open_page: OpenPage) -> None:
    page = open_page(varmland_map, viewport=DESKTOP)
    hub = min(circles(page), key=lambda c: c["rank"])
    page.page.mouse.click(*page.js("""(id) => { const p = window.network.getPositions([id])[id];
      const d = window.network.canvasToDOM(p); const r = document.getElementById('network').getBoundingClientRect();
      return [r.left + d.x, r.top + d.y]; }""", hub["id"]))
    settle(page)
    assert page.js("window.network.getSelectedNodes()") == [hub["id"]]
    partners = set(page.js("(id) => window.network.getConnectedNodes(id)", hub["id"])) | {hub["id"]}
    nodes = page.js("window.network.body.data.nodes.get()")
    assert all(n["color"] == "rgba(200,200,200,0.35)" for n in nodes if n["id"] not in partners)
    # Only the neighbourhood named: the others' names too small to be drawn.
    assert all(n["font"]["size"] < 0.01 for n in nodes if n["id"] not in partners)
    assert any(n["font"]["size"] > 1 for n in nodes if n["id"] in partners)
    edges = page.js("window.network.body.data.edges.get()")
    own = [e for e in edges if hub["id"] in (e["from"], e["to"])]
    assert own and all(e["color"]["opacity"] >= 0.5 for e in own)
    assert all(e["color"]["opacity"] <= 0.1 for e in edges if hub["id"] not in (e["from"], e["to"]))
    # The fit control: the whole map again, nothing dimmed.
    page.page.click("#fit")
    settle(page)
    assert page.js("window.network.getSelectedNodes()") == []
    assert all(not str(n["color"]).startswith("rgba") for n in page.js("window.network.body.data.nodes.get()"))
    assert all(c["inside"] for c in circles(page))
    assert page.problems() == []


def test_fit_control_after_zooming_away(varmland_map: Path, open_page: OpenPage) -> None:
    page = open_page(varmland_map, viewport=DESKTOP)
    whole = page.js("window.network.getScale()")
    zoom_to(page, "Torsby", 5.0)
    assert not all(c["inside"] for c in circles(page))
    assert page.page.is_visible("#fit") and page.page.text_content("#fit") == "Visa hela kartan"
    page.page.click("#fit")
    assert page.js("window.network.getScale()") == pytest.approx(whole, rel=1e-3)
    assert all(c["inside"] for c in circles(page))


def test_legend_explains_size_lines_and_suggestions(varmland_map: Path, open_page: OpenPage) -> None:
    page = open_page(varmland_map, viewport=DESKTOP)
    lines = page.page.eval_on_selector_all("#legend-lines li", "ls => ls.map(l => [l.firstChild.className,"
                                           " l.textContent])")
    kinds = {kind.removeprefix("key key-"): text for kind, text in lines}
    assert kinds["size"] == "Cirkelns storlek: antal partner"
    assert kinds["width"].startswith("Linjens bredd")
    assert kinds["dashed"] == "Streckad linje: rapporterad av bara den ena parten"
    assert kinds["suggested"] == "Lila streckad linje: föreslagen kontakt"
    assert kinds["places"].startswith("Grå ytor: kommuner")
    color = page.js("getComputedStyle(document.querySelector('.key-suggested'), '::before').borderTopColor")
    r, g, b = (int(SUGGESTED_COLOR[i:i + 2], 16) for i in (1, 3, 5))
    assert color == f"rgb({r}, {g}, {b})"
    suggested = page.js("window.network.body.data.edges.get({filter: e => e.suggested}).map(e => e.color.color)")
    assert suggested and set(suggested) == {SUGGESTED_COLOR}
    assert page.page.text_content("#title") == "Palliativa rådet i Värmland"


def test_a_large_map_restyles_once_the_zoom_comes_to_rest(tmp_path: Path, open_page: OpenPage) -> None:
    import networkx as nx

    G = nx.MultiDiGraph()
    for i in range(800):
        m = i % 20
        G.add_node(f"a{i}", name=f"Actor {i}", municipality=f"Place {m:02d}", sector="medical",
                   lat=59 + (m // 5) * 0.2 + (i % 7) * 0.001, lon=12 + (m % 5) * 0.3 + (i % 11) * 0.001)
    for i in range(800):
        G.add_edge(f"a{i}", f"a{(i * 37 + 11) % 800}", level=1 + i % 5)
    page = open_page(write_map(G, tmp_path / "map.html"), viewport=DESKTOP)
    assert overlaps(circles(page)) == []
    sizes = {n["id"]: n["size"] for n in page.js("JSON.parse(document.getElementById('carenet-data').textContent)"
                                                  ".nodes")}
    # Above 600 actors the page restyles once the view has come to rest, not on every frame.
    page.js("window.network.moveTo({position: window.network.getPositions(['a0']).a0, scale: 4})")
    page.page.wait_for_function("""(sizes) => { const s = window.network.getScale();
      return window.network.body.data.nodes.get().every(n => Math.abs(n.size * s - sizes[n.id]) < 0.05); }""",
                                arg=sizes, timeout=5000)
    in_view = [c for c in circles(page) if c["inside"]]
    assert in_view and all(c["font"] > 0 for c in in_view)
    assert page.problems() == []
