"""GraphML, GEXF and node-link JSON: every node and edge a row, nothing non-finite, limits before building.

Each file is built here, in ``tmp_path``; bombs are generated, never stored.
"""

from __future__ import annotations

import gc
import json
import math
import time
from pathlib import Path

import networkx as nx
import pytest

from carenet_graph.errors import InputError
from carenet_graph.read.graphformats import GraphData, graph_tables, read_graph_file
from carenet_graph.read.limits import Limits
from carenet_graph.read.load import to_graph
from tests.support.bounded import assert_plain_refusal, run_bounded
from tests.support.commands import Invoke
from tests.support.hostile import accounting, found, one, read, write_text

NS = 'xmlns="http://graphml.graphdrawing.org/xmlns"'


def _graphml(body: str, keys: str = "") -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<graphml {NS}>\n{keys}\n{body}\n</graphml>\n'


KEYS = ('<key id="d0" for="node" attr.name="name" attr.type="string"/>'
        '<key id="d1" for="edge" attr.name="level" attr.type="int"/>'
        '<key id="d2" for="edge" attr.name="weight" attr.type="double"/>')


# -- GraphML: nested graphs, several graphs, hyperedges ----------------------------------------


def test_nested_graphml_groups_are_read_with_their_parent(tmp_path: Path) -> None:
    body = """<graph id="G" edgedefault="directed">
      <node id="net"><data key="d0">Palliativnetz</data>
        <graph id="net:" edgedefault="directed">
          <node id="net::a"><data key="d0">Hospiz</data></node>
          <node id="net::b"><data key="d0">PKD</data>
            <graph id="net::b:"><node id="net::b::c"><data key="d0">Team</data></node></graph>
          </node>
          <edge source="net::a" target="net::b"><data key="d1">3</data></edge>
        </graph>
      </node>
      <node id="x"><data key="d0">Apotheke</data></node>
      <edge source="x" target="net::b::c"><data key="d1">2</data></edge>
    </graph>"""
    data = read(write_text(tmp_path / "nested.graphml", _graphml(body, KEYS)))
    actors = data.actors
    assert list(actors.index) == ["net", "net::a", "net::b", "net::b::c", "x"]
    assert [None if not isinstance(v, str) else v for v in actors["parent"]] == [
        None, "net", "net", "net::b", None]
    assert data.ties[["source", "target", "level"]].values.tolist() == [["net::a", "net::b", 3], ["x", "net::b::c", 2]]
    assert accounting(data.report.accounting) == (7, 5, 2, 0)


def test_graphml_with_two_graphs_is_refused_plainly(tmp_path: Path) -> None:
    body = '<graph edgedefault="directed"><node id="a"/></graph><graph edgedefault="directed"><node id="b"/></graph>'
    path = write_text(tmp_path / "two.graphml", _graphml(body))
    with pytest.raises(InputError) as info:
        read(path)
    assert info.value.message == "the GraphML file holds more than one graph; carenet reads one network per file"
    assert info.value.file == str(path) and info.value.hint


def test_graphml_hyperedges_are_refused_plainly(tmp_path: Path) -> None:
    body = ('<graph edgedefault="undirected"><node id="a"/><node id="b"/><node id="c"/>'
            '<hyperedge><endpoint node="a"/><endpoint node="b"/><endpoint node="c"/></hyperedge></graph>')
    with pytest.raises(InputError, match="hyperedges"):
        read(write_text(tmp_path / "h.graphml", _graphml(body)))


def test_graphml_defaults_apply_and_yed_labels_are_names(tmp_path: Path) -> None:
    keys = ('<key id="d3" for="node" attr.name="municipality" attr.type="string"><default>Lemgo</default></key>'
            '<key id="d6" for="node" yfiles.type="nodegraphics"/>')
    body = ('<graph edgedefault="directed"><node id="n0"><data key="d6"><y:ShapeNode xmlns:y="http://www.yworks.com/'
            'xml/graphml"><y:Geometry x="1.5" y="2"/><y:NodeLabel>Hospiz</y:NodeLabel></y:ShapeNode></data></node>'
            '<node id="n1"><data key="d3">Detmold</data></node></graph>')
    data = read(write_text(tmp_path / "y.graphml", _graphml(body, keys)))
    assert data.actors.loc["n0", "name"] == "Hospiz"
    # yEd's drawing position is not a geographic one.
    assert (data.actors.loc["n0", "layout_x"], data.actors.loc["n0", "layout_y"]) == ("1.5", "2")
    assert data.actors["lat"].isna().all() and data.actors["lon"].isna().all()
    assert data.actors["municipality"].tolist() == ["Lemgo", "Detmold"]


# -- every entry a row: duplicates, unknown ends, edge lists -------------------------------------


def _json(path: Path, nodes: list[object], links: list[object], **extra: object) -> Path:
    payload = {"directed": True, "multigraph": True, "graph": {}, "nodes": nodes, "links": links, **extra}
    return write_text(path, json.dumps(payload))


def test_duplicate_nodes_and_edges_to_unlisted_nodes_are_rows_with_problems(tmp_path: Path) -> None:
    path = _json(tmp_path / "g.json", [{"id": "a"}, {"id": "b"}, {"id": "a"}],
                 [{"source": "a", "target": "b"}, {"source": "a", "target": "ghost"}])
    data = read(path)
    assert data.report.accounting.rows_read == 5  # every entry of the file is a row
    assert data.report.accounting.balanced
    assert found(data, "actor.duplicate_id") or found(data, "actor.merged_duplicate")
    unknown = one(data, "tie.unknown_actor")
    assert (unknown.sheet, unknown.row, unknown.rejected) == ("edges", 2, True)


def test_json_without_nodes_is_an_edge_list_whose_actors_are_inferred(tmp_path: Path) -> None:
    data = read(_json(tmp_path / "e.json", [], [{"source": "a", "target": "b", "level": 2}]))
    assert data.report.accounting.actors_inferred == 2
    assert accounting(data.report.accounting) == (1, 0, 1, 0)


def test_json_edges_keep_file_order_and_orientation(tmp_path: Path) -> None:
    path = write_text(tmp_path / "u.json", json.dumps({
        "directed": False, "multigraph": False, "graph": {}, "nodes": [{"id": "a"}, {"id": "b"}, {"id": "c"}],
        "links": [{"source": "c", "target": "b"}, {"source": "b", "target": "a"}]}))
    data = read(path)
    assert data.ties[["source", "target", "row"]].values.tolist() == [["c", "b", 1], ["b", "a", 2]]


def test_a_node_that_is_not_an_object_is_located(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        read(_json(tmp_path / "bad.json", [{"id": "a"}, "b"], []))
    assert (info.value.sheet, info.value.row) == ("nodes", 2)


# -- non-finite numbers ---------------------------------------------------------------------


def _non_finite_graph() -> nx.MultiDiGraph:
    G = nx.MultiDiGraph()
    G.add_node("a", name="A", lat=float("nan"), lon=8.9)
    G.add_node("b", name="B", lat=52.0, lon=float("inf"))
    G.add_node("c", name="C")
    G.add_edge("a", "b", weight=float("nan"))
    G.add_edge("b", "c", weight=float("inf"))
    G.add_edge("c", "a", weight=float("-inf"))
    G.add_edge("a", "c", weight=2.0, level=float("nan"))
    G.add_edge("b", "a", weight=1.5)
    return G


@pytest.mark.parametrize("suffix", [".graphml", ".gexf", ".json"])
def test_non_finite_numbers_in_graph_files_are_rejected_where_they_are(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"nan{suffix}"
    G = _non_finite_graph()
    if suffix == ".graphml":
        nx.write_graphml(G, path)
    elif suffix == ".gexf":
        nx.write_gexf(G, path)
    else:
        path.write_text(json.dumps(nx.node_link_data(G, edges="links")), encoding="utf-8")
    data = read(path)
    weights = found(data, "tie.bad_weight")
    assert sorted(p.row or 0 for p in weights) == [1, 2, 3] or len(weights) == 3
    assert all(p.sheet == "edges" and p.rejected and p.severity == "error" for p in weights)
    assert len(found(data, "tie.bad_level")) == 1
    assert {p.column for p in found(data, "value.bad_number")} == {"lat", "lon"}
    assert data.ties["weight"].tolist() == [1.5]
    graph = to_graph(data)
    for _, values in graph.nodes(data=True):
        assert all(not (isinstance(v, float) and not math.isfinite(v)) for v in values.values())
    for _, _, values in graph.edges(data=True):
        assert all(not (isinstance(v, float) and not math.isfinite(v)) for v in values.values())
    assert data.report.accounting.balanced


def test_map_of_non_finite_weights_exits_cleanly_and_reports_the_problem(tmp_path: Path, invoke: Invoke) -> None:
    source = write_text(tmp_path / "ties.csv", "source,target,weight\nA,B,nan\nA,C,inf\nA,D,1e999\nB,C,-inf\nB,D,2\n")
    graph_file = tmp_path / "nan.json"
    graph_file.write_text(json.dumps(nx.node_link_data(_non_finite_graph(), edges="links")), encoding="utf-8")
    for path in (source, graph_file):
        out = tmp_path / f"{path.stem}.html"
        result = invoke("map", path, "-o", out)
        assert result.exit_code == 0, result.output
        assert "Internal error" not in result.output and "Traceback" not in result.output
        # the rows left out are reported, not silent
        assert "Input: 4 errors, " in result.output and ", 4 rows not used." in result.output
        page = out.read_text(encoding="utf-8")
        embedded = page.split('id="carenet-data">', 1)[1].split("</script>", 1)[0]
        assert "NaN" not in embedded and "Infinity" not in embedded
        json.loads(embedded)  # strict JSON: would fail on NaN
        check = invoke("validate", path)
        assert check.exit_code == 1 and "tie.bad_weight" in check.output


# -- limits and speed -----------------------------------------------------------------------


def test_graph_element_limit_is_enforced_before_building(tmp_path: Path) -> None:
    limits = Limits(graph_elements=100)
    G = nx.path_graph(80, create_using=nx.MultiDiGraph)
    json_path = tmp_path / "g.json"
    json_path.write_text(json.dumps(nx.node_link_data(G, edges="links")), encoding="utf-8")
    nx.write_graphml(G, tmp_path / "g.graphml")
    nx.write_gexf(G, tmp_path / "g.gexf")
    for path, kind in ((json_path, "json"), (tmp_path / "g.graphml", "graphml"), (tmp_path / "g.gexf", "gexf")):
        with pytest.raises(InputError, match="more than 100 nodes and edges") as info:
            read_graph_file(path, kind, limits)
        assert "--limit graph_elements" in (info.value.hint or "")
        assert len(read_graph_file(path, kind, Limits(graph_elements=159)).edges) == 79


def test_json_limit_counts_while_parsing_when_braces_suggest_too_many(tmp_path: Path) -> None:
    # Many '{' in strings: the cheap bound is over the limit, the exact count is not.
    nodes = [{"id": str(i), "note": "{{{{"} for i in range(20)]
    path = _json(tmp_path / "b.json", nodes, [])
    assert len(read_graph_file(path, "json", Limits(graph_elements=25)).nodes) == 20


def test_json_bomb_of_many_nodes_is_refused_under_4_gb(tmp_path: Path) -> None:
    path = tmp_path / "many.json"
    with path.open("w", encoding="utf-8") as handle:
        handle.write('{"nodes": [')
        handle.write(",".join(f'{{"id":{i}}}' for i in range(300_000)))
        handle.write('], "links": []}')
    result = run_bounded("validate", path, "--limit", "graph_elements=1000", timeout=120)
    assert_plain_refusal(result, "more than 1,000 nodes and edges")


def test_deeply_nested_json_is_a_plain_refusal(tmp_path: Path) -> None:
    path = write_text(tmp_path / "deep.json", '{"nodes": [' + "[" * 200_000 + "]" * 200_000 + "]}")
    result = run_bounded("validate", path, timeout=120)
    assert_plain_refusal(result)


def test_graphml_entity_bomb_and_external_entity_are_plain_refusals(tmp_path: Path) -> None:
    lol = "".join(f'<!ENTITY l{i} "{"&l" + str(i - 1) + ";" if i else "lol"}' + (f'&l{i - 1};' * 9 if i else "")
                  + '">' for i in range(10))
    bomb = write_text(tmp_path / "bomb.graphml", f'<?xml version="1.0"?><!DOCTYPE graphml [{lol}]>'
                      f'<graphml {NS}><graph edgedefault="directed"><node id="&l9;"/></graph></graphml>')
    assert_plain_refusal(run_bounded("validate", bomb, timeout=120))
    external = write_text(tmp_path / "ext.graphml", '<?xml version="1.0"?><!DOCTYPE graphml [<!ENTITY x SYSTEM '
                          f'"file:///etc/passwd">]><graphml {NS}><graph edgedefault="directed"><node id="&x;"/>'
                          '</graph></graphml>')
    result = run_bounded("validate", external, timeout=120)
    assert "root:" not in result.stdout + result.stderr
    assert_plain_refusal(result)


def test_node_link_json_is_read_in_linear_time(tmp_path: Path) -> None:
    def timed(n: int) -> float:
        path = tmp_path / f"n{n}.json"
        nodes = [{"id": f"n{i}", "name": f"Actor {i}", "type": "pharmacy"} for i in range(n)]
        links = [{"source": f"n{i}", "target": f"n{(i * 7) % n}", "level": i % 6} for i in range(n)]
        _json(path, nodes, links)
        best = float("inf")
        # The reader's own work, best of two: with the collector on, each collection walks the
        # whole heap of the test session, so the time grew with what earlier tests left behind
        # (30× for 10× the entries in a full run), not with the file.
        for _ in range(2):
            gc.collect()
            gc.disable()
            try:
                start = time.perf_counter()
                tables = graph_tables(read_graph_file(path, "json"), str(path))
                best = min(best, time.perf_counter() - start)
            finally:
                gc.enable()
            assert [len(t.rows) for t in tables] == [n, n]
        return best

    small, large = timed(20_000), timed(200_000)
    # Ten times the entries, not a hundred times the time (networkx's reader took minutes at 10^6).
    assert large < max(small, 0.05) * 30, (small, large)
    assert large < 15


def test_graph_tables_of_an_empty_file() -> None:
    tables = graph_tables(GraphData(), "x.json")
    assert [(t.sheet, t.rows) for t in tables] == [("nodes", []), ("edges", [])]
