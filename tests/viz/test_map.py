"""The interactive map without a browser: safe JSON, one offline file, CSP hashes, allow-listed
attributes, determinism, layouts, refused options and the ``carenet map`` command.

What the page does when run is tested in ``tests/browser``; here the written HTML is checked by
fragments (parsed with the standard library's HTML parser, as a browser would tokenise it).
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

import carenet_graph
from carenet_graph.cli import main
from carenet_graph.errors import OptionError, OutputError
from carenet_graph.gaps.run import find_gaps
from carenet_graph.locale import Locale
from carenet_graph.network import collapse
from carenet_graph.viz.layout import positions
from carenet_graph.viz.map import map_data, render_map, to_pyvis, write_map
from carenet_graph.viz.mapdata import MapData
from carenet_graph.viz.page import safe_json, vis_network_assets
from carenet_graph.vocabulary import load_vocabulary
from tests.support.commands import Invoke, child_env

PACKAGE = Path(carenet_graph.__file__).resolve().parent
SECRET = "Geheimnis: Frau Berta Krause, Geheimweg 7"
# URLs inside the vis-network bundle: licence and documentation comments, an SVG namespace.
BUNDLE_URLS = {
    "http://almende.com", "http://opensource.org/licenses/MIT", "http://www.apache.org/licenses/LICENSE-2.0",
    "http://www.w3.org/2000/svg", "https://github.com/uuidjs/uuid#getrandomvalues-not-supported",
    "https://github.com/visjs", "https://github.com/zloirock/core-js",
    "https://github.com/zloirock/core-js/blob/v3.21.1/LICENSE", "https://visjs.github.io/vis-network/",
}


def graph(coordinates: bool = False) -> nx.MultiDiGraph:
    """Six actors in three Lippe municipalities; Lemgo is north of Detmold and Blomberg."""
    G = nx.MultiDiGraph(name="Palliativnetz Lippe")
    places = {"Lemgo": (52.033, 8.900), "Detmold": (51.936, 8.879), "Blomberg": (51.943, 9.091)}
    actors = [("a1", "Hospiz Lemgo", "inpatient_hospice", "hospice", "Lemgo"),
              ("a2", "Pflegedienst Müller", "home_nursing_service", "nursing_care", "Detmold"),
              ("a3", "Praxis Dr. Özdemir", "general_practitioner", "medical", "Detmold"),
              ("a4", "Gemeinde Blomberg", "municipality", "municipality_public", "Blomberg"),
              ("a5", "SAPV-Team Lippe", "specialised_home_palliative_team", "medical", "Lemgo"),
              ("a6", "Seelsorge St. Johann", "spiritual_care", "spiritual", "Blomberg")]
    for ident, name, kind, sector, place in actors:
        extra = {"lat": places[place][0], "lon": places[place][1]} if coordinates else {}
        G.add_node(ident, name=name, type=kind, sector=sector, municipality=place, notes=SECRET, **extra)
    for u, v, level, kind in (("a1", "a2", 3, "referral"), ("a2", "a3", 1, "shared_patients"),
                              ("a3", "a4", 4, "referral"), ("a1", "a5", 2, "consultation"),
                              ("a5", "a6", 5, "referral")):
        G.add_edge(u, v, level=level, type=kind, notes=SECRET, reported_by=u)
    return G


class Page(HTMLParser):
    """Tags, attributes and script texts of a page, as an HTML tokeniser sees them."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._script: tuple[dict[str, str | None], list[str]] | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._script = (dict(attrs), [])

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script[1].append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script[0], "".join(self._script[1])))
            self._script = None


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = write_map(graph(), tmp_path_factory.mktemp("map") / "map.html", title="Netz & <Lippe>")
    return path.read_text(encoding="utf-8")


# -- safe_json ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["</script><script>alert(1)</script>", "<!-- x", "a & b", "x\u2028y\u2029z",
                                  "</SCRIPT >", "<![CDATA[", "]]>", "Müller \"quoted\" 'single' \\"])
def test_safe_json_escapes_and_round_trips(text: str) -> None:
    value = {"name": text, "list": [text, 1, None, 2.5], text: True}
    encoded = safe_json(value)
    for dangerous in ("<", ">", "&", "\u2028", "\u2029"):
        assert dangerous not in encoded
    assert json.loads(encoded) == value


def test_safe_json_exact_escapes() -> None:
    assert safe_json("</script><!--&\u2028\u2029") == (
        '"\\u003c/script\\u003e\\u003c!--\\u0026\\u2028\\u2029"')
    assert safe_json({"b": 1, "a": "ü"}) == '{"a":"ü","b":1}'  # sorted, compact, UTF-8


def test_safe_json_refuses_nan() -> None:
    with pytest.raises(ValueError):
        safe_json({"x": math.nan})


# -- one offline file ---------------------------------------------------------------------------------------------


def test_no_reference_outside_the_file(written: str) -> None:
    page = Page(written)
    for tag, attrs in page.tags:
        assert tag not in ("link", "iframe", "object", "embed", "base", "img", "form"), tag
        for name, value in attrs.items():
            assert name not in ("src", "href", "srcset", "action", "formaction", "background", "poster"), (tag, name)
            # The print picture's SVG namespace is a name, not a place anything is loaded from.
            if (tag, name, value) != ("svg", "xmlns", "http://www.w3.org/2000/svg"):
                assert "://" not in (value or ""), (tag, name, value)
    assert all("src" not in attrs for attrs, _ in page.scripts)
    urls = set(re.findall(r"https?://[^\s\"'()<>`\\]+", written))
    assert urls <= BUNDLE_URLS, urls - BUNDLE_URLS
    vis_js, vis_css = vis_network_assets()
    # Those few URLs are all inside the inlined vis-network code, nowhere else on the page.
    outside_bundle = written.replace(vis_js, "").replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert re.findall(r"https?://", outside_bundle) == []
    assert "@import" not in written and "url(http" not in written.replace(" ", "")
    assert vis_css in written


def test_page_structure(written: str) -> None:
    assert written.startswith("<!DOCTYPE html>\n<html lang=\"en\">")
    assert '<meta charset="utf-8">' in written
    assert "<title>Netz &amp; &lt;Lippe&gt;</title>" in written
    assert '<h1 id="title">Netz &amp; &lt;Lippe&gt;</h1>' in written
    data = [text for attrs, text in Page(written).scripts if attrs.get("type") == "application/json"]
    assert len(data) == 1
    parsed = json.loads(data[0])
    assert sorted(n["id"] for n in parsed["nodes"]) == ["a1", "a2", "a3", "a4", "a5", "a6"]
    assert {n["label"] for n in parsed["nodes"]} >= {"Pflegedienst Müller", "Praxis Dr. Özdemir"}


def test_only_allow_listed_attributes_reach_the_page(written: str) -> None:
    assert SECRET not in written
    assert "Geheim" not in written
    data = json.loads(next(text for attrs, text in Page(written).scripts if attrs.get("type") == "application/json"))
    assert {key for n in data["nodes"] for key in n} <= {"id", "label", "x", "y", "color", "size", "shape", "tip",
                                                         "facets", "rank", "pinned"}
    assert {key for e in data["edges"] for key in e} <= {"from", "to", "width", "level", "dashes", "types", "tip",
                                                         "color", "suggested"}


def test_graph_is_not_modified(tmp_path: Path) -> None:
    G = graph()
    before = (list(G.nodes(data=True)), list(G.edges(keys=True, data=True)), dict(G.graph))
    write_map(G, tmp_path / "map.html")
    assert (list(G.nodes(data=True)), list(G.edges(keys=True, data=True)), dict(G.graph)) == before


# -- Content-Security-Policy -------------------------------------------------------------------------------------


def test_csp_hashes_are_those_of_the_inline_scripts(written: str) -> None:
    page = Page(written)
    metas = [attrs for tag, attrs in page.tags
             if tag == "meta" and attrs.get("http-equiv") == "Content-Security-Policy"]
    assert len(metas) == 1
    policy = {part.split()[0]: part.split()[1:] for part in (metas[0]["content"] or "").split(";") if part.strip()}
    assert policy["default-src"] == ["'none'"]
    assert policy["connect-src"] == ["'none'"] and policy["base-uri"] == ["'none'"]
    executable = [text for attrs, text in page.scripts if attrs.get("type") != "application/json"]
    assert len(executable) == 2
    expected = sorted(f"'sha256-{base64.b64encode(hashlib.sha256(t.encode('utf-8')).digest()).decode()}'"
                      for t in executable)
    assert sorted(policy["script-src"]) == expected  # no 'unsafe-inline', no host, nothing else
    # The CSP precedes every script (a meta policy applies only to what follows it).
    assert written.index("Content-Security-Policy") < written.index("<script")


# -- deterministic -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("layout", ["auto", "force", "circular", "geo"])
def test_same_input_same_bytes(tmp_path: Path, layout: str) -> None:
    G = graph(coordinates=True)
    first = write_map(G, tmp_path / "a.html", layout=layout, color_by="community", seed=3).read_bytes()
    second = write_map(graph(coordinates=True), tmp_path / "b.html", layout=layout, color_by="community",
                       seed=3).read_bytes()
    assert first == second


def test_written_as_utf8_whatever_the_locale(tmp_path: Path) -> None:
    """An ASCII locale (as cp1252 on Windows) must not change or break the written bytes."""
    script = ("import locale, sys, networkx as nx\n"
              "from carenet_graph.viz.map import write_map\n"
              "assert locale.getpreferredencoding(False).lower() in ('ansi_x3.4-1968', 'ascii'), "
              "locale.getpreferredencoding(False)\n"
              "G = nx.MultiDiGraph()\n"
              # Escapes keep the command line ASCII; the name itself is not.
              "G.add_node('a', name='Pflegedienst M\\u00fcller \\u2028 \\u00c5rj\\u00e4ng', sector='nursing_care')\n"
              "write_map(G, sys.argv[1])\n")
    inherited = {key: value for key, value in os.environ.items() if not key.startswith(("LC_", "LANG", "PYTHONUTF8"))}
    env = child_env({"LC_ALL": "C", "PYTHONCOERCECLOCALE": "0", "PYTHONUTF8": "0"}, base=inherited)
    out = tmp_path / "map.html"
    proc = subprocess.run([sys.executable, "-X", "utf8=0", "-c", script, str(out)], env=env, capture_output=True,
                          text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "Pflegedienst Müller \\u2028 Årjäng" in out.read_bytes().decode("utf-8")


# -- layouts -------------------------------------------------------------------------------------------------------


def test_seeded_layout_identical_and_seed_matters() -> None:
    H = collapse(graph(), mode="undirected")
    assert positions(H, "force", seed=1) == positions(H, "force", seed=1)
    assert positions(H, "force", seed=1) != positions(H, "force", seed=2)


def test_geo_puts_north_up() -> None:
    H = collapse(graph(coordinates=True), mode="undirected")
    xy = positions(H, "geo")
    # Lemgo (52.03 N) above Detmold (51.94 N): screen y grows downwards.
    assert xy["a1"][1] < xy["a2"][1]
    assert xy["a5"][1] < xy["a3"][1]
    # Blomberg (9.09 E) east of Detmold (8.88 E).
    assert xy["a4"][0] > xy["a3"][0]
    assert positions(H, "auto") == xy  # every actor has coordinates: auto is geographic


@pytest.mark.parametrize("layout", ["circular", "force", "geo", "auto"])
def test_every_actor_gets_a_finite_position(layout: str) -> None:
    G = graph()
    G.add_node("alone", name="Allein", sector="other")  # an isolate, no municipality, no coordinates
    H = collapse(G, mode="undirected")
    xy = positions(H, layout, seed=0)
    assert set(xy) == set(H)
    assert all(math.isfinite(x) and math.isfinite(y) for x, y in xy.values())
    assert max(max(abs(x), abs(y)) for x, y in xy.values()) <= 1000.0 + 1e-9
    assert len(set(xy.values())) == len(xy)  # no two actors on the same spot


def test_geo_gathers_unlocatable_actors_south_of_the_map_not_on_one_spot() -> None:
    G = graph(coordinates=True)
    G.add_node("x1", name="Ohne Ort 1")
    G.add_node("x2", name="Ohne Ort 2", municipality=math.nan)  # pandas' missing value
    G.add_node("x3", name="Ohne Ort 3", municipality="Nirgendwo")  # a place no actor has coordinates for
    G.add_node("x4", name="In Lemgo", municipality="Lemgo")  # no coordinates, but its municipality has
    H = collapse(G, mode="undirected")
    xy = positions(H, "geo")
    assert len(set(xy.values())) == len(xy)
    located = [xy[v] for v in ("a1", "a2", "a3", "a4", "a5", "a6")]
    assert all(xy[v][1] > max(y for _, y in located) for v in ("x1", "x2", "x3"))  # below (south of) the map
    # The actor without coordinates sits with its municipality's actors, nearer than to any other.
    nearest = max(math.dist(xy["x4"], xy[v]) for v in ("a1", "a5"))
    assert all(math.dist(xy["x4"], xy[v]) > nearest for v in ("a2", "a3", "a4", "a6"))


def test_missing_values_as_nan_are_missing_not_text(tmp_path: Path) -> None:
    G = graph()
    G.add_node("n1", name=math.nan, type=math.nan, sector=math.nan, municipality=math.nan)
    G.add_edge("n1", "a1", level=2)
    for color_by in ("sector", "type", "municipality", "community"):
        html = write_map(G, tmp_path / f"{color_by}.html", color_by=color_by).read_text(encoding="utf-8")
        data = json.loads(next(text for attrs, text in Page(html).scripts if attrs.get("type") == "application/json"))
        node = next(n for n in data["nodes"] if n["id"] == "n1")
        assert node["label"] == "n1" and node["facets"] == {"sector": None, "type": None, "municipality": None}
        assert all("nan" not in str(row).lower() for row in node["tip"])
    assert map_data(G, max_actors=2).notice  # reduced view copes too


def test_positions_are_plain_floats_without_negative_zero() -> None:
    H = collapse(graph(coordinates=True), mode="undirected")
    for layout in ("geo", "circular", "force"):
        for x, y in positions(H, layout).values():
            assert type(x) is float and type(y) is float
            assert math.copysign(1, x) == 1 or x != 0
            assert math.copysign(1, y) == 1 or y != 0


def test_positions_of_empty_graph_and_unknown_layout() -> None:
    assert positions(nx.Graph(), "force") == {}
    with pytest.raises(ValueError, match="layout must be one of"):
        positions(nx.Graph(), "spiral")


# -- options -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("option", "value", "error", "message"), [
    ("color_by", "colour", OutputError, "cannot colour by 'colour'"),
    ("size_by", "height", OutputError, "cannot size by 'height'"),
    ("locale", "fr", OptionError, "there are no texts in the language 'fr'"),  # checked by Locale only
    ("layout", "spiral", OutputError, "unknown layout 'spiral'"),
])
def test_invalid_options_raise_and_write_nothing(tmp_path: Path, option: str, value: str, error: type[Exception],
                                                 message: str) -> None:
    with pytest.raises(error, match=re.escape(message)):
        write_map(graph(), tmp_path / "map.html", **{option: value})
    assert list(tmp_path.iterdir()) == []


def test_reduced_view_above_max_actors() -> None:
    data = map_data(graph(), max_actors=2)
    assert sorted(n["id"] for n in data.nodes) == ["Blomberg", "Detmold", "Lemgo"]
    assert data.grouped_by == "municipality" and data.actors == 6
    assert data.notice and "6 actors" in data.notice
    assert map_data(graph(), max_actors=6).notice is None


def test_one_sided_ties_are_dashed_and_widths_follow_level() -> None:
    G = graph()
    G.add_edge("a2", "a1", level=3, type="referral", reported_by="a2")  # a1–a2 now reported by both
    edges = {frozenset((e["from"], e["to"])): e for e in map_data(G).edges}
    assert edges[frozenset(("a1", "a2"))]["dashes"] is False
    assert edges[frozenset(("a3", "a4"))]["dashes"] is True
    assert edges[frozenset(("a5", "a6"))]["width"] > edges[frozenset(("a2", "a3"))]["width"]


def test_render_map_in_each_language() -> None:
    html = render_map(map_data(graph(), locale="de", title="Netz"))
    assert '<html lang="de">' in html and '<label for="search">Suche</label>' in html
    assert "<title>Netz</title>" in html


# -- MapData, to_pyvis, locale -----------------------------------------------------------------------------------


def page_data(html: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(next(text for attrs, text in Page(html).scripts
                                           if attrs.get("type") == "application/json"))
    return data


def test_map_data_is_frozen_and_renders_the_written_page(tmp_path: Path) -> None:
    data = map_data(graph(), title="Netz & <Lippe>")
    assert isinstance(data, MapData) and data.title == "Netz & <Lippe>" and data.locale.lang == "en"
    with pytest.raises(AttributeError):
        data.title = "other"  # type: ignore[misc]
    # Never the file name (the graph's "name"): the network's own name, else a neutral title.
    assert map_data(graph()).title == "Care network"
    named = graph()
    named.add_node("net", name="Hospiz- und Palliativnetz Lippe", type="palliative_network", municipality="Detmold")
    assert map_data(named).title == "Hospiz- und Palliativnetz Lippe"
    written = write_map(graph(), tmp_path / "map.html", title="Netz & <Lippe>").read_text(encoding="utf-8")
    assert render_map(data) == written


def test_to_pyvis_holds_the_map_data() -> None:
    from pyvis.network import Network

    data = map_data(graph(), color_by="type", seed=2)
    net = to_pyvis(graph(), color_by="type", seed=2)
    assert isinstance(net, Network) and not hasattr(net, "carenet")
    assert net.nodes == [dict(n) for n in data.nodes] and net.edges == [dict(e) for e in data.edges]
    assert net.node_ids == [n["id"] for n in data.nodes] and set(net.node_map) == set(net.node_ids)
    net.nodes[0]["label"] = "changed in pyvis"
    assert map_data(graph(), color_by="type", seed=2).nodes[0]["label"] != "changed in pyvis"


def test_introductions_true_computes_the_gap_analysis(tmp_path: Path) -> None:
    G = graph()
    overlay = find_gaps(G, locale="de").introductions
    assert len(overlay) > 0
    computed = write_map(G, tmp_path / "computed.html", locale="de", introductions=True).read_bytes()
    given = write_map(G, tmp_path / "given.html", locale="de", introductions=overlay).read_bytes()
    assert computed == given
    assert map_data(G, introductions=True).has_introductions
    for none in (False, None):
        data = map_data(G, introductions=none)
        assert not data.has_introductions and not any(e.get("suggested") for e in data.edges)


def custom_locale(tmp_path: Path) -> Locale:
    """German with a user vocabulary that renames an actor type and a tie type."""
    path = tmp_path / "unser_vokabular.yaml"
    path.write_text("actor_types:\n  - id: inpatient_hospice\n    labels: {de: Unser Hospizhaus}\n"
                    "tie_types:\n  - id: referral\n    labels: {de: Zuweisung (unser Wort)}\n", encoding="utf-8")
    return Locale("de", load_vocabulary([path]))


def test_the_users_vocabulary_reaches_the_map_page(tmp_path: Path) -> None:
    """Legend, filters and tooltips all use the locale's vocabulary (the filters once used the built-in one)."""
    html = write_map(graph(), tmp_path / "map.html", locale=custom_locale(tmp_path),
                     color_by="type").read_text(encoding="utf-8")
    data = page_data(html)
    assert "Unser Hospizhaus" in [item["label"] for item in data["legend"]]
    filters = {f["key"]: {o["value"]: o["label"] for o in f["options"]} for f in data["filters"]}
    assert filters["type"]["inpatient_hospice"] == "Unser Hospizhaus"
    assert filters["tie_type"]["referral"] == "Zuweisung (unser Wort)"
    assert filters["type"]["general_practitioner"] == "Hausarzt / Hausarztpraxis"  # unchanged labels stay
    hospice = next(n for n in data["nodes"] if n["id"] == "a1")
    assert "Unser Hospizhaus" in hospice["tip"]
    assert "Stationäres Hospiz" not in html


def test_no_private_name_is_imported_across_modules() -> None:
    """viz/ and report/ use only public names of other modules (one home per job, no reaching in)."""
    import ast

    offenders = []
    for folder in ("viz", "report"):
        for path in sorted((PACKAGE / folder).glob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            modules = {alias.asname or alias.name.split(".")[0] for node in ast.walk(tree)
                       if isinstance(node, ast.Import | ast.ImportFrom) for alias in node.names}
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and node.module != "__future__":
                    offenders += [f"{path.name}: {alias.name}" for alias in node.names
                                  if alias.name.startswith("_")]
                elif (isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__")
                      and isinstance(node.value, ast.Name) and node.value.id in modules):
                    offenders.append(f"{path.name}: {node.value.id}.{node.attr}")
    assert offenders == []


# -- CLI ------------------------------------------------------------------------------------------------------------


def _inputs(folder: Path) -> tuple[Path, Path]:
    actors, ties = folder / "actors.csv", folder / "ties.csv"
    actors.write_text("id;name;type;municipality;notes\n"
                      "a1;Hospiz Lemgo;Hospiz;Lemgo;Frau Berta Krause\n"
                      "a2;Pflegedienst Müller;Ambulanter Pflegedienst;Detmold;\n"
                      "a3;Praxis Dr. Özdemir;Hausarzt;Detmold;\n", encoding="utf-8")
    ties.write_text("source;target;type;level\na1;a2;Überweisung;3\na2;a3;gemeinsame Patienten;2\n",
                    encoding="cp1252")
    return actors, ties


def test_cli_map_writes_html(tmp_path: Path, invoke: Invoke) -> None:
    actors, ties = _inputs(tmp_path)
    out = tmp_path / "out" / "karte.html"
    out.parent.mkdir()
    result = invoke("map", actors, ties, "-o", out, "--lang", "de", "--title", "Netz <Lippe>")
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{out} geschrieben (3 Akteure, 2 gemeldete Verbindungen).\n"  # --lang de
    html = out.read_text(encoding="utf-8")
    assert "<h1 id=\"title\">Netz &lt;Lippe&gt;</h1>" in html and "Pflegedienst Müller" in html
    assert "Frau Berta Krause" not in html


def test_cli_map_refuses_other_suffix_with_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    actors, ties = _inputs(tmp_path)
    with pytest.raises(SystemExit) as info:
        main(["map", str(actors), str(ties), "-o", str(tmp_path / "x.txt")])
    assert info.value.code == 2
    assert "end the file name in .html, .png or .svg" in capsys.readouterr().err
    assert not (tmp_path / "x.txt").exists()


def test_cli_map_unknown_choice_exit_2(tmp_path: Path, invoke: Invoke) -> None:
    actors, ties = _inputs(tmp_path)
    result: Any = invoke("map", actors, ties, "-o", tmp_path / "m.html", "--color-by", "colour")
    assert result.exit_code == 2
    assert not (tmp_path / "m.html").exists()
