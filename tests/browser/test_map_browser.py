"""The interactive map in real headless Chromium: offline, safe, and doing what a coordinator needs.

Each test writes its own input (CSV files with an explicit encoding, or a networkx graph) into
``tmp_path``, writes the map with :func:`carenet_graph.viz.map.write_map` (or the CLI) and drives
the page. Every request outside ``file://`` is aborted and recorded; the ``open_page`` fixture
fails a test whose page attempted one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from carenet_graph.read.load import read_network, to_graph
from carenet_graph.viz.map import write_map
from tests.support.browser import MapPage, OpenPage
from tests.support.commands import RunCarenet

pytestmark = pytest.mark.browser

# Nine actors in four municipalities of Kreis Lippe (real places, invented organisations); a9 has no ties.
ACTORS = [
    ("id", "name", "type", "municipality", "lat", "lon", "notes"),
    ("a1", "Hospiz Lemgo", "Hospiz", "Lemgo", "52.033", "8.900", "Geheimnis: Frau Berta Krause"),
    ("a2", "Pflegedienst Müller", "Ambulanter Pflegedienst", "Lemgo", "52.033", "8.900", ""),
    ("a3", "Praxis Dr. Özdemir", "Hausarzt", "Detmold", "51.936", "8.879", ""),
    ("a4", "Gemeinde Blomberg", "Kommune", "Blomberg", "51.943", "9.091", ""),
    ("a5", "SAPV-Team Lippe", "SAPV", "Detmold", "51.936", "8.879", ""),
    ("a6", "Pflegeheim Sonnenhof", "Pflegeheim", "Blomberg", "51.943", "9.091", ""),
    ("a7", "Ambulanter Hospizdienst Detmold", "Ambulanter Hospizdienst", "Detmold", "51.936", "8.879", ""),
    ("a8", "Seelsorge St. Johann", "Seelsorge", "Bad Salzuflen", "52.087", "8.751", ""),
    ("a9", "Pflegestützpunkt Lage", "Pflegeheim", "Bad Salzuflen", "52.087", "8.751", ""),
]
TIES = [
    ("source", "target", "type", "level"),
    ("a1", "a2", "Überweisung", "3"),
    ("a2", "a3", "gemeinsame Patienten", "1"),
    ("a3", "a4", "Überweisung", "4"),
    ("a1", "a5", "gemeinsame Patienten", "2"),
    ("a5", "a6", "Überweisung", "5"),
    ("a6", "a7", "gemeinsame Patienten", "1"),
    ("a7", "a8", "gemeinsame Patienten", "2"),
    ("a2", "a6", "Überweisung", "3"),
]
SECRET = "Geheimnis: Frau Berta Krause"

HOSTILE_NAMES = [
    '<img src=x onerror="window.__pwned=1">',
    '"><svg onload="window.__pwned=2">',
    "</script><script>window.__pwned=3</script>",
    "javascript:window.__pwned=4",
    "{{7*7}}",
    "<!--",
    "Zeile\u2028Trenner\u2029Absatz",
    "'; window.__pwned=6; //",
]
HOSTILE_PLACE = '<b onmouseover="window.__pwned=7">Ort</b>'
HOSTILE_TIE_TYPE = "<i onclick=window.__pwned=8>tie</i>"
HOSTILE_TITLE = "</title><script>window.__pwned=9</script>{{7*7}} & <b>Netz</b>"

DIMMED = "rgba(200,200,200,0.35)"

# DOM position (page coordinates) of a node's centre.
NODE_XY = """(id) => {
  const p = window.network.getPositions([id])[id];
  const d = window.network.canvasToDOM(p);
  const r = document.getElementById("network").getBoundingClientRect();
  return [r.left + d.x, r.top + d.y];
}"""


def write_csv(path: Path, rows: list[tuple[str, ...]], encoding: str = "utf-8") -> Path:
    # Quoting is not needed for these rows; a comma in a value would be a test bug.
    assert all("," not in cell for row in rows for cell in row)
    path.write_text("".join(",".join(row) + "\r\n" for row in rows), encoding=encoding)
    return path


def lippe(tmp_path: Path) -> nx.MultiDiGraph:
    """The example network read from CSV (actors in UTF-8, ties in cp1252 as Excel on Windows writes)."""
    actors = write_csv(tmp_path / "actors.csv", ACTORS, "utf-8")
    ties = write_csv(tmp_path / "ties.csv", TIES, "cp1252")
    data = read_network([actors, ties])
    assert not data.report.has_errors, data.report
    G = to_graph(data, name="Palliativnetz Lippe")
    assert G.number_of_nodes() == len(ACTORS) - 1
    return G


def hostile_graph() -> nx.MultiDiGraph:
    """Every actor name, a municipality and a tie type are attempts at markup or script."""
    G = nx.MultiDiGraph(name="hostile")
    G.add_node("anchor", name="Anker", type="municipality", sector="municipality_public", municipality=HOSTILE_PLACE)
    for i, name in enumerate(HOSTILE_NAMES):
        G.add_node(f"h{i}", name=name, type="inpatient_hospice", sector="hospice", municipality=HOSTILE_PLACE)
        G.add_edge("anchor", f"h{i}", level=1 + i % 5, type=HOSTILE_TIE_TYPE)
    return G


def node_count(page: MapPage) -> int:
    return int(page.js("window.network.body.data.nodes.length"))


def edge_count(page: MapPage) -> int:
    return int(page.js("window.network.body.data.edges.length"))


def assert_clean(page: MapPage) -> None:
    assert page.problems() == []
    assert page.outside == []


# -- the harness itself --------------------------------------------------------------------------------------


def test_harness_records_and_blocks_outside_requests(open_page: OpenPage) -> None:
    """Without this, "no outside request" could pass because requests are not seen at all."""
    page = open_page('<img id="pixel" src="https://example.invalid/pixel.png">', ready=False, allow_outside=True)
    page.page.wait_for_function("document.getElementById('pixel').complete")
    assert "https://example.invalid/pixel.png" in page.outside
    assert page.js("document.getElementById('pixel').naturalWidth") == 0


# -- (a) load offline, (b) every actor drawn -------------------------------------------------------------------


def test_loads_offline_without_errors_and_draws_every_actor(tmp_path: Path, open_page: OpenPage) -> None:
    G = lippe(tmp_path)
    path = write_map(G, tmp_path / "map.html")
    page = open_page(path)
    assert_clean(page)
    assert node_count(page) == G.number_of_nodes() == len(ACTORS) - 1
    assert sorted(page.js("window.network.body.data.nodes.getIds()")) == sorted(str(v) for v in G)
    # Every drawn node has a position on the canvas (a node without one would be lost off-screen).
    positions = page.js("window.network.getPositions()")
    assert sorted(positions) == sorted(str(v) for v in G)
    assert edge_count(page) == len(TIES) - 1
    assert page.page.text_content("#shown") == f"{len(ACTORS) - 1} of {len(ACTORS) - 1} actors shown"
    assert SECRET not in page.page.content()


# -- (c) search ------------------------------------------------------------------------------------------------


def test_search_lists_matches_as_text_and_focuses_the_chosen_actor(tmp_path: Path, open_page: OpenPage) -> None:
    G = lippe(tmp_path)
    page = open_page(write_map(G, tmp_path / "map.html"))
    page.page.fill("#search", "pflege")
    results = page.page.eval_on_selector_all("#results button", "bs => bs.map(b => b.textContent)")
    expected = [d["name"] for _, d in G.nodes(data=True) if "pflege" in d["name"].lower()]
    assert sorted(results) == sorted(expected) and len(expected) == 3
    page.page.click("#results button >> text=Pflegeheim Sonnenhof")
    assert page.js("window.network.getSelectedNodes()") == ["a6"]
    # Focused: the view is centred on the actor, zoomed in.
    node = page.js("window.network.getPositions(['a6']).a6")
    view = page.js("window.network.getViewPosition()")
    assert abs(view["x"] - node["x"]) < 1 and abs(view["y"] - node["y"]) < 1
    assert page.js("window.network.getScale()") >= 1.2
    page.page.fill("#search", "")
    assert page.page.eval_on_selector_all("#results li", "xs => xs.length") == 0
    page.page.fill("#search", "gibt es nicht")
    # No match is said in words, not left as an empty list.
    assert page.page.eval_on_selector_all("#results li", "xs => xs.map(x => [x.className, x.textContent])") == [
        ["no-match", "No actor shown on the map has “gibt es nicht” in its name."]]
    assert page.page.locator("#results .no-match").is_visible()
    assert_clean(page)


# -- (d) filters -----------------------------------------------------------------------------------------------


def test_sector_filter_reduces_the_drawn_actors_and_says_so(tmp_path: Path, open_page: OpenPage) -> None:
    G = lippe(tmp_path)
    page = open_page(write_map(G, tmp_path / "map.html"))
    total = G.number_of_nodes()
    sectors = [str(d["sector"]) for _, d in G.nodes(data=True)]
    sector = "nursing_care"
    wanted = sectors.count(sector)
    assert 0 < wanted < total
    values = page.page.eval_on_selector_all("#filter-sector option", "os => os.map(o => o.value)")
    assert values == ["", *sorted(set(sectors))]
    before = page.page.text_content("#shown")
    page.page.select_option("#filter-sector", sector)
    assert node_count(page) == wanted
    shown = sorted(page.js("window.network.body.data.nodes.getIds()"))
    assert shown == sorted(str(v) for v, d in G.nodes(data=True) if d["sector"] == sector)
    after = page.page.text_content("#shown")
    assert after != before and after == f"{wanted} of {total} actors shown"
    # A search within the filtered map offers only actors that are drawn (a hidden one cannot be focused).
    page.page.fill("#search", "hospiz")
    assert page.page.eval_on_selector_all("#results button", "bs => bs.map(b => b.textContent)") == []
    page.page.fill("#search", "pflege")
    results = page.page.eval_on_selector_all("#results button", "bs => bs.map(b => b.textContent)")
    assert sorted(results) == sorted(d["name"] for _, d in G.nodes(data=True)
                                     if d["sector"] == sector and "pflege" in d["name"].lower())
    page.page.select_option("#filter-sector", "")
    assert node_count(page) == total and page.page.text_content("#shown") == before
    assert_clean(page)


def test_municipality_and_tie_type_filters(tmp_path: Path, open_page: OpenPage) -> None:
    G = lippe(tmp_path)
    page = open_page(write_map(G, tmp_path / "map.html"))
    whole = page.js("window.network.getScale()")
    page.page.select_option("#filter-municipality", "Detmold")
    detmold = {row[0] for row in ACTORS[1:] if row[3] == "Detmold"}
    partners = {str(w) for v in detmold for w in nx.Graph(G)[v]} - detmold
    assert len(detmold) == 3 and len(partners) == 5
    # The municipality's actors, and its partners elsewhere with the ties to them, drawn pale.
    drawn = {n["id"]: n["color"] for n in page.js("window.network.body.data.nodes.get()")}
    assert set(drawn) == detmold | partners
    assert all(drawn[v].startswith("#") for v in detmold) and all(drawn[v].endswith(",0.3)") for v in partners)
    ties = [(e["from"], e["to"], e["color"]["opacity"]) for e in page.js("window.network.body.data.edges.get()")]
    assert sorted((a, b) for a, b, _ in ties) == sorted(
        (row[0], row[1]) for row in TIES[1:] if row[0] in detmold or row[1] in detmold)
    assert all(opacity <= 0.3 for a, b, opacity in ties if not (a in detmold and b in detmold))
    shown = f"3 of {G.number_of_nodes()} actors shown, and 5 partners elsewhere, drawn pale"
    assert page.page.text_content("#shown") == shown
    # Zoomed to the municipality: its actors fill the view, closer than the whole map.
    assert page.js("window.network.getScale()") > whole
    box = page.js("(() => { const r = document.getElementById('network').getBoundingClientRect();"
                  " return [r.left, r.top, r.right, r.bottom]; })()")
    for v in detmold:
        x, y = page.js(NODE_XY, v)
        assert box[0] <= x <= box[2] and box[1] <= y <= box[3], v
    page.page.select_option("#filter-municipality", "")
    assert node_count(page) == G.number_of_nodes()
    page.page.select_option("#filter-tie_type", "referral")
    assert edge_count(page) == sum(1 for row in TIES[1:] if row[2] == "Überweisung")
    assert node_count(page) == G.number_of_nodes()
    assert_clean(page)


def test_minimum_level_hides_weaker_ties(tmp_path: Path, open_page: OpenPage) -> None:
    G = lippe(tmp_path)
    page = open_page(write_map(G, tmp_path / "map.html"))
    assert edge_count(page) == len(TIES) - 1
    page.page.focus("#min-level")
    for _ in range(3):
        page.page.keyboard.press("ArrowRight")
    assert page.page.input_value("#min-level") == "3"
    assert page.page.text_content("#min-level-value") == "3"
    assert edge_count(page) == sum(1 for row in TIES[1:] if int(row[3]) >= 3) == 4
    levels = page.js("window.network.body.data.edges.get().map(e => e.level)")
    assert min(levels) == 3
    assert node_count(page) == G.number_of_nodes()  # actors stay; only ties are hidden
    page.page.keyboard.press("End")
    assert edge_count(page) == sum(1 for row in TIES[1:] if int(row[3]) >= 5) == 1
    assert_clean(page)


# -- (e) hostile strings -----------------------------------------------------------------------------------------


def test_hostile_names_render_as_text_and_run_nothing(tmp_path: Path, open_page: OpenPage) -> None:
    path = write_map(hostile_graph(), tmp_path / "map.html", title=HOSTILE_TITLE, layout="circular",
                     color_by="municipality")
    page = open_page(path)
    assert node_count(page) == len(HOSTILE_NAMES) + 1
    assert page.page.title() == HOSTILE_TITLE
    assert page.page.text_content("#title") == HOSTILE_TITLE
    labels = page.js("window.network.body.data.nodes.get().map(n => n.label)")
    assert sorted(labels) == sorted([*HOSTILE_NAMES, "Anker"])
    # Menus and legend show the hostile municipality and tie type as text.
    assert page.page.eval_on_selector_all("#filter-municipality option", "os => os.map(o => o.textContent)") == [
        "all", HOSTILE_PLACE]
    assert page.page.eval_on_selector_all("#filter-tie_type option", "os => os.map(o => o.textContent)") == [
        "all", HOSTILE_TIE_TYPE]
    assert page.page.eval_on_selector_all("#legend-items li", "ls => ls.map(l => l.textContent)") == [HOSTILE_PLACE]

    for i, name in enumerate(HOSTILE_NAMES):
        node = f"h{i}"
        # Hover: the tooltip shows the name as text, and nothing but our own div/strong elements.
        x, y = page.js(NODE_XY, node)
        assert page.js("([x, y]) => window.network.getNodeAt({x: x - document.getElementById('network')"
                       ".getBoundingClientRect().left, y: y - document.getElementById('network')"
                       ".getBoundingClientRect().top})", [x, y]) == node
        page.page.mouse.move(x, y)
        page.page.wait_for_function(
            "(name) => { const s = document.querySelector('div.vis-tooltip strong');"
            " return s !== null && s.textContent === name; }", arg=name)
        tags = page.js("[...document.querySelectorAll('div.vis-tooltip *')].map(e => e.tagName)")
        assert set(tags) <= {"DIV", "STRONG"}
        page.page.mouse.move(2, 2)

    # Search (after hovering: a chosen actor is zoomed into, moving the others out of view).
    for i, name in enumerate(HOSTILE_NAMES):
        node = f"h{i}"
        # The result button's text is exactly the name; a click selects the actor.
        page.page.fill("#search", name)
        buttons = page.page.eval_on_selector_all("#results button", "bs => bs.map(b => b.textContent)")
        assert name in buttons
        page.page.locator("#results button").nth(buttons.index(name)).click()
        assert page.js("window.network.getSelectedNodes()") == [node]
        assert page.page.eval_on_selector_all("#results *", "xs => xs.map(x => x.tagName)") == [
            tag for _ in buttons for tag in ("LI", "BUTTON")]

    assert page.js("typeof window.__pwned") == "undefined"
    # No element anywhere carries an inline event handler or came from the data.
    handlers = page.js("[...document.querySelectorAll('*')].filter(e => [...e.attributes]"
                       ".some(a => a.name.toLowerCase().startsWith('on'))).map(e => e.outerHTML.slice(0, 80))")
    assert handlers == []
    assert page.js("document.querySelectorAll('img, iframe, object, embed, b, i').length") == 0
    # The one SVG is the print picture, made of drawing elements only, the names in it as text.
    assert page.js("document.querySelectorAll('svg').length") == 1
    tags = set(page.js("[...document.querySelectorAll('#print-map svg, #print-map svg *')].map(e => e.tagName)"))
    assert tags <= {"svg", "title", "g", "circle", "line", "text"}
    texts = page.js("[...document.querySelectorAll('#print-map svg text')].map(e => e.textContent)")
    assert set(texts) & set(HOSTILE_NAMES)
    assert page.js("document.querySelectorAll('script').length") == 3
    assert_clean(page)


# -- (f) Content-Security-Policy ---------------------------------------------------------------------------------


def test_csp_present_own_scripts_run_injected_ones_do_not(tmp_path: Path, open_page: OpenPage) -> None:
    G = lippe(tmp_path)
    path = write_map(G, tmp_path / "map.html")
    page = open_page(path)
    csp = page.js("document.querySelector('meta[http-equiv=\"Content-Security-Policy\"]').content")
    assert "default-src 'none'" in csp and "script-src 'sha256-" in csp and "'unsafe-inline'" not in csp.split(
        "script-src", 1)[1].split(";", 1)[0]
    assert page.js("document.body.dataset.ready") == "1" and page.js("window.carenetReady") is True
    assert_clean(page)

    # Were an escape ever to fail, an injected script or inline handler still could not run.
    html = path.read_text(encoding="utf-8")
    injected = ('<script>window.__pwned = "script";</script>'
                '<img src="data:," onerror="window.__pwned = \'handler\'">')
    tampered = tmp_path / "tampered.html"
    tampered.write_text(html.replace("<body>", "<body>" + injected, 1), encoding="utf-8")
    page = open_page(tampered)
    assert page.js("typeof window.__pwned") == "undefined"
    assert node_count(page) == G.number_of_nodes()  # the map's own scripts still ran
    violations = [text for kind, text in page.console if kind == "error" and "Content Security Policy" in text]
    assert len(violations) >= 1
    assert page.errors == [] and page.outside == []


# -- (g) deterministic -----------------------------------------------------------------------------------------


@pytest.mark.slow
def test_same_input_gives_identical_bytes_across_processes(tmp_path: Path, open_page: OpenPage,
                                                           run_carenet: RunCarenet) -> None:
    actors = write_csv(tmp_path / "actors.csv", ACTORS, "utf-8")
    ties = write_csv(tmp_path / "ties.csv", TIES, "cp1252")
    outputs = []
    for hash_seed in ("1", "2"):
        out = tmp_path / f"map-{hash_seed}.html"
        proc = run_carenet("map", actors, ties, "-o", out, "--seed", "7", "--layout", "force", "--color-by",
                           "community", env={"PYTHONHASHSEED": hash_seed})
        assert proc.returncode == 0, proc.stderr
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    page = open_page(tmp_path / "map-1.html")
    assert node_count(page) == len(ACTORS) - 1
    assert_clean(page)


# -- suggested introductions ----------------------------------------------------------------------------------


def test_introductions_overlay_toggles_and_shows_its_reason_as_text(tmp_path: Path, open_page: OpenPage) -> None:
    import pandas as pd

    G = lippe(tmp_path)
    reason = '<img src=x onerror="window.__pwned=1"> both work with Hospiz Lemgo'
    overlay = pd.DataFrame({"actor": ["a3", "a9"], "partner": ["a7", "nobody"], "reason": [reason, "unknown"]})
    page = open_page(write_map(G, tmp_path / "map.html", introductions=overlay))
    suggested = page.js("window.network.body.data.edges.get({filter: e => e.suggested === true})")
    assert [(e["from"], e["to"]) for e in suggested] == [("a3", "a7")]  # the pair with an unknown actor is left out
    assert edge_count(page) == len(TIES) - 1 + 1
    assert page.js("document.getElementById('show-introductions').checked") is True
    page.page.uncheck("#show-introductions")
    assert edge_count(page) == len(TIES) - 1
    page.page.check("#show-introductions")
    assert edge_count(page) == len(TIES)
    tip = page.js("(() => { const e = window.network.body.data.edges.get({filter: e => e.suggested})[0];"
                  " return [e.title.textContent, e.title.querySelectorAll('img').length]; })()")
    assert tip == ["suggested introduction" + reason, 0]
    assert page.js("typeof window.__pwned") == "undefined"
    assert_clean(page)


# -- (h) reduced view ---------------------------------------------------------------------------------------------


def test_reduced_view_says_so_and_draws_one_node_per_municipality(tmp_path: Path, open_page: OpenPage) -> None:
    G = lippe(tmp_path)
    page = open_page(write_map(G, tmp_path / "map.html", max_actors=3))
    assert page.page.is_visible("#notice")
    notice = page.page.text_content("#notice") or ""
    assert f"{G.number_of_nodes()} actors" in notice and "municipality" in notice.lower()
    places = {row[3] for row in ACTORS[1:]}
    assert node_count(page) == len(places) == 4
    assert sorted(page.js("window.network.body.data.nodes.get().map(n => n.label)")) == sorted(places)
    assert_clean(page)


def test_full_view_has_no_notice(tmp_path: Path, open_page: OpenPage) -> None:
    page = open_page(write_map(lippe(tmp_path), tmp_path / "map.html"))
    assert page.page.locator("#notice").count() == 0
    assert_clean(page)


# -- (i) neighbourhood highlight --------------------------------------------------------------------------------


def test_click_highlights_the_neighbourhood_and_empty_space_restores(tmp_path: Path, open_page: OpenPage) -> None:
    G = lippe(tmp_path)
    page = open_page(write_map(G, tmp_path / "map.html", layout="circular"))
    before = {n["id"]: n["color"] for n in page.js("window.network.body.data.nodes.get()")}
    neighbours = {"a2", "a5"}
    assert neighbours == {str(v) for v in nx.Graph(G)["a1"]}
    x, y = page.js(NODE_XY, "a1")
    page.page.mouse.click(x, y)
    assert page.js("window.network.getSelectedNodes()") == ["a1"]
    after = {n["id"]: n["color"] for n in page.js("window.network.body.data.nodes.get()")}
    for node, color in after.items():
        if node in neighbours | {"a1"}:
            assert color == before[node] != DIMMED
        else:
            assert color == DIMMED, node
    # Empty space: a point of the canvas with no node and no edge under it.
    empty = page.js("""() => {
      const r = document.getElementById("network").getBoundingClientRect();
      for (let y = 10; y < r.height; y += 25) for (let x = 10; x < r.width; x += 25) {
        const p = {x: x, y: y};
        if (window.network.getNodeAt(p) === undefined && window.network.getEdgeAt(p) === undefined) {
          return [r.left + x, r.top + y];
        }
      }
      return null;
    }""")
    assert empty is not None
    page.page.mouse.click(*empty)
    restored = {n["id"]: n["color"] for n in page.js("window.network.body.data.nodes.get()")}
    assert restored == before
    assert page.js("window.network.getSelectedNodes()") == []
    assert_clean(page)


# -- (j) language --------------------------------------------------------------------------------------------------


def test_ui_words_in_german(tmp_path: Path, open_page: OpenPage) -> None:
    G = lippe(tmp_path)
    page = open_page(write_map(G, tmp_path / "map.html", locale="de"))
    assert page.js("document.documentElement.lang") == "de"
    assert page.page.text_content("label[for=search]") == "Suche"
    assert page.page.get_attribute("#search", "placeholder") == "Name eines Akteurs…"
    assert page.page.text_content("label[for=filter-municipality]") == "Kommune"
    assert page.page.eval_on_selector("#filter-sector option", "o => o.textContent") == "alle"
    n = G.number_of_nodes()
    assert page.page.text_content("#shown") == f"{n} von {n} Akteuren angezeigt"
    legend = page.page.eval_on_selector_all("#legend-items li", "ls => ls.map(l => l.textContent)")
    assert "Pflege" in legend and "Hospizarbeit" in legend
    assert_clean(page)


# -- (k) screenshot ------------------------------------------------------------------------------------------------


def test_screenshot_shows_the_drawn_network(tmp_path: Path, open_page: OpenPage) -> None:
    import matplotlib.image

    G = lippe(tmp_path)
    page = open_page(write_map(G, tmp_path / "map.html", layout="circular"))
    shot = tmp_path / "map.png"
    page.page.screenshot(path=str(shot))
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 5_000
    pixels: Any = matplotlib.image.imread(str(shot))
    # The centre pixel of a node has the node's colour (hex → 0..1 RGB).
    node = page.js("window.network.body.data.nodes.get('a1')")
    x, y = page.js(NODE_XY, "a1")
    color = node["color"].lstrip("#")
    expected = [int(color[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    assert list(pixels[round(y), round(x), :3]) == pytest.approx(expected, abs=0.03)
    assert_clean(page)
