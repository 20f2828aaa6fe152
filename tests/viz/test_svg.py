"""The map as a printed picture (:func:`carenet_graph.viz.map.map_svg`) and the map's words:
same layout as on screen, names escaped, legend, plurals for the page's script, grouped view
saying what its circles are, suggestion colour outside the palette."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

import networkx as nx
import pandas as pd
import pytest

from carenet_graph.viz.map import map_data, map_svg, render_map
from carenet_graph.viz.mapdata import MapData
from carenet_graph.viz.maptexts import legend_lines, page_texts, script_message
from carenet_graph.viz.style import PALETTE, SUGGESTED_COLOR
from tests.viz.test_map import graph

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = ['<script>alert(1)</script>', '"><svg onload=alert(2)>', "&amp; & ]]> <!--", "Zeile\u2028Trenner"]


def hostile() -> nx.MultiDiGraph:
    G = nx.MultiDiGraph(name="x")
    G.add_node("hub", name="Hub", type="inpatient_hospice", sector="hospice", municipality="<b>Ort</b>",
               lat=52.0, lon=8.9)
    for i, name in enumerate(HOSTILE):
        G.add_node(f"h{i}", name=name, type="general_practitioner", sector="medical", municipality="<b>Ort</b>",
                   lat=52.0, lon=8.9)
        G.add_edge("hub", f"h{i}", level=2)
    return G


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # well-formed XML, or this raises


def test_svg_draws_the_same_layout_colours_and_sizes() -> None:
    data = map_data(graph(coordinates=True))
    root = parse(map_svg(data))
    assert root.tag == f"{SVG}svg" and root.get("viewBox") and root.get("width") is None  # sized by the page
    circles = {(float(c.get("cx", 0)), float(c.get("cy", 0)), float(c.get("r", 0)), c.get("fill"))
               for c in root.iter(f"{SVG}circle")}
    for node in data.nodes:
        assert (round(node["x"], 1), round(node["y"], 1), round(node["size"], 1), node["color"]) in circles
    lines = list(root.iter(f"{SVG}line"))
    assert len([ln for ln in lines if ln.get("stroke") == "#777777"]) >= len(data.edges)
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert {p["label"] for p in data.places} <= set(texts)  # municipalities named
    # Six actors, two per municipality: the most important named, and most of the others.
    assert min(data.nodes, key=lambda n: n["rank"])["label"] in texts
    assert len({n["label"] for n in data.nodes} & set(texts)) >= len(data.nodes) - 2
    assert "Circle size: number of partners" in texts  # the legend explains size
    assert "Line width: how closely two actors work together (level 1 to 5)" in texts
    assert {t.tag.removeprefix(SVG) for t in root.iter()} <= {"svg", "title", "g", "circle", "line", "text"}


def test_svg_names_the_most_important_actors_first_and_none_over_another() -> None:
    G = nx.MultiDiGraph()
    for i in range(120):
        G.add_node(i, name=f"Actor number {i:03d}", municipality="Lemgo", lat=52.0, lon=8.9, sector="medical")
    for i in range(1, 120):
        G.add_edge(0, i, level=1)
        if i % 3 == 0:
            G.add_edge(3, i, level=1)
    data = map_data(G)
    named = [t.text for t in parse(map_svg(data, labels=5)).iter(f"{SVG}text") if (t.text or "").startswith("Actor")]
    assert 0 < len(named) <= 5
    assert named[0] == "Actor number 000"  # the hub, rank 0
    assert all(t in {n["label"] for n in data.nodes if n["rank"] < 40} for t in named)
    assert len(named) < len([t for t in parse(map_svg(data, labels=200)).iter(f"{SVG}text")])


def test_svg_escapes_every_name_and_is_byte_identical() -> None:
    data = map_data(hostile())
    svg = map_svg(data)
    assert svg == map_svg(map_data(hostile()))
    root = parse(svg)
    assert {e.tag.removeprefix(SVG) for e in root.iter()} <= {"svg", "title", "g", "circle", "line", "text"}
    texts = {t.text for t in root.iter(f"{SVG}text")}
    assert "<b>Ort</b>" in texts and set(HOSTILE) & texts
    assert "<script" not in svg and "<svg onload" not in svg and "<b>" not in svg
    assert not re.search(r'(?<![\w-])(?:x|y|cx|cy|r|x1|y1|x2|y2)="-?\d+\.\d{2,}"', svg)  # one decimal: stable bytes
    assert "nan" not in svg.lower().replace("nanny", "")


def test_svg_is_on_the_page_for_print_only() -> None:
    data = map_data(graph(coordinates=True))
    html = render_map(data)
    assert '<figure id="print-map"><svg xmlns="http://www.w3.org/2000/svg" class="carenet-map-figure"' in html
    assert map_svg(data) in html
    css = html[html.index("#print-map { display: none; }"):]
    assert "@media print" in css and "#print-map { display: block;" in css


# -- words -----------------------------------------------------------------------------------------------------


def test_script_messages_hand_over_both_plural_branches() -> None:
    assert script_message("{n, plural, one {{n} actor} other {{n} actors}}", "en") == {
        "count": "n", "one": "{n} actor", "other": "{n} actors"}
    assert script_message("plain {x}", "de") == "plain {x}"
    with pytest.raises(ValueError):
        script_message("{n, plural, one {# actor} other {# actors}}", "en")  # "#" would be filled in Python
    texts = page_texts(map_data(graph(), locale="de")).script
    assert texts["shown"] == {"count": "total", "one": "{shown} von {total} Akteur angezeigt",
                              "other": "{shown} von {total} Akteuren angezeigt"}
    for lang in ("en", "de", "nl", "sv"):
        for message in page_texts(map_data(graph(), locale=lang)).script.values():
            assert "#" not in str(message)


def test_legend_explains_size_lines_suggestions_and_places() -> None:
    G = graph(coordinates=True)
    intro = pd.DataFrame({"actor": ["a1"], "partner": ["a4"], "reason": ["both know a2"]})
    data = map_data(G, introductions=intro, size_by="betweenness", locale="nl")
    kinds = [line.kind for line in legend_lines(data)]
    assert kinds[:2] == ["size", "width"] and {"solid", "dashed", "suggested", "places"} <= set(kinds)
    texts = {line.kind: line.text for line in legend_lines(data)}
    assert "betweenness" in texts["size"] and texts["suggested"].startswith("Paarse gestreepte lijn")
    suggested = [e for e in data.edges if e.get("suggested")]
    assert suggested and all(e["color"]["color"] == SUGGESTED_COLOR for e in suggested)


def test_suggestion_colour_is_outside_the_palette() -> None:
    def rgb(color: str) -> tuple[int, ...]:
        return tuple(int(color[i:i + 2], 16) for i in (1, 3, 5))

    assert SUGGESTED_COLOR not in PALETTE
    # Far from every colour a sector map uses (the first nine), the care sector's orange above all.
    assert min(math.dist(rgb(SUGGESTED_COLOR), rgb(c)) for c in PALETTE[:9]) > 60
    # And in lightness from the palette's pink and indigo, which colour-blind readers see in its hue.
    def lightness(c: str) -> float:
        r, g, b = rgb(c)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    assert abs(lightness(SUGGESTED_COLOR) - lightness("#CC79A7")) > 30
    assert abs(lightness(SUGGESTED_COLOR) - lightness("#332288")) > 40


def test_grouped_view_says_what_its_circles_are() -> None:
    data = map_data(graph(), max_actors=2)
    assert data.shown == "3 municipalities with 6 actors"
    assert data.notice is not None and "Each circle stands for a municipality" in data.notice
    assert "This network has 6 actors" in data.notice
    assert map_data(graph(), max_actors=2, locale="de").shown == "3 Kommunen mit 6 Akteuren"
    G = nx.MultiDiGraph()
    G.add_nodes_from([("a", {"municipality": "Eda"}), ("b", {"municipality": "Eda"})])
    assert map_data(G, max_actors=1, locale="sv").shown == "1 kommun med 2 aktörer"
    tips = {n["id"]: n["tip"] for n in data.nodes}
    assert tips["Lemgo"] == ["Lemgo", "2 actors"]
    html = render_map(data)
    assert "3 municipalities with 6 actors" in html and "of 3 actors" not in html
    assert "<section hidden>\n<h2>Filters</h2>" in html  # nothing to filter among groups
    assert page_texts(data).script["shown_fixed"] == "3 municipalities with 6 actors"


def test_every_actor_has_a_distinct_rank_and_labels_follow_the_size() -> None:
    data: MapData = map_data(graph(), size_by="degree")
    ranks = sorted(n["rank"] for n in data.nodes)
    assert ranks == list(range(len(data.nodes)))
    by_rank = sorted(data.nodes, key=lambda n: n["rank"])
    assert [n["size"] for n in by_rank] == sorted((n["size"] for n in data.nodes), reverse=True)
