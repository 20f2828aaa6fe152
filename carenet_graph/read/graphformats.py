"""GraphML, GEXF and networkx node-link JSON → the same text tables as spreadsheets.

Graph files go through the same column conversion and validation as spreadsheets, so a
researcher's GraphML gets the same checks and the same attribute names. A node or edge's
position in the file is its "row" (node 3 = row 3 of the nodes table), in the order the file
lists them.

What a graph file holds is turned into rows directly, without building a networkx graph
first: every node and edge entry of the file is one row, so that nothing is merged or dropped
before validation sees it (two nodes with the same id are two rows, and the duplicate is
reported; an edge to a node the file does not list is reported as an unknown actor, not
silently invented). Reading is linear: node-link JSON is parsed once by the C parser and its
entries become rows; GraphML is streamed once.

Every value becomes text, as a spreadsheet cell would: a number that is not finite (NaN,
infinity, ``1e999``) therefore reaches the graph only through the column conversion of
:mod:`carenet_graph.read.records`, which rejects it with its location (a weight or level:
the tie is not used; a coordinate: left empty); no NaN or infinity is ever a number in the graph.

Before anything is built, the nodes and edges are counted against ``limits.graph_elements``:
GraphML and GEXF by streaming the elements, JSON by counting its objects (``{``) and, only
when that bound is over the limit, while parsing.

GraphML specifics: nodes and edges of nested graphs (a ``<graph>`` inside a ``<node>``, as yEd
writes groups) are read like all others, with the id of the node that contains them in the
column ``parent``; a file with several top-level graphs or with hyperedges is refused with a
plain message (one network per file; ties are between two actors). yEd's label, position and
shape are read (``label``, ``layout_x``, ``layout_y``, ``shape_type``; networkx calls the drawing
position ``x`` and ``y``, which carenet would read as longitude and latitude).
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx

from carenet_graph.errors import InputError
from carenet_graph.read.files import cell_text
from carenet_graph.read.headers import Table
from carenet_graph.read.limits import DEFAULT_LIMITS, Limits

# Attributes our own writers add for provenance; on reading they are replaced by new provenance.
PROVENANCE_KEYS = frozenset({"table", "row"})
_NODE_SKIP = PROVENANCE_KEYS | {"id"}
_EDGE_SKIP = PROVENANCE_KEYS | {"source", "target", "key"}
_GRAPHML_NS = "{http://graphml.graphdrawing.org/xmlns}"


@dataclass
class GraphData:
    """The entries of a graph file in file order: (id, attributes) per node and (source,
    target, attributes) per edge. Attribute mappings may hold the id, ends or key under
    their own names; :func:`graph_tables` leaves those out of the attribute columns.
    ``only_edges``: the file lists no nodes at all (an edge list: actors are inferred)."""

    nodes: list[tuple[Any, dict[str, Any]]] = field(default_factory=list)
    edges: list[tuple[Any, Any, dict[str, Any]]] = field(default_factory=list)
    only_edges: bool = False


class _TooMany(Exception):
    pass


def _too_many(name: str, limits: Limits) -> InputError:
    return InputError(
        f"the file holds more than {limits.graph_elements:,} nodes and edges, the limit for one graph file", file=name,
        hint="If this network is really that large, raise the limit with --limit graph_elements=N.",
        key="graph.too_many_elements", values={"limit": limits.graph_elements})


def read_graph_file(path: Path, kind: str, limits: Limits = DEFAULT_LIMITS) -> GraphData:
    """Read a graph file into rows, turning every parser exception into an :class:`InputError`."""
    name = str(path)
    try:
        if kind == "graphml":
            return _read_graphml(path, limits)
        if kind == "gexf":
            return _read_gexf(path, limits)
        return _read_json(path, limits)
    except InputError:
        raise
    except _TooMany:
        raise _too_many(name, limits) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"not valid JSON ({type(exc).__name__})", file=name,
                         hint="Export the graph again as networkx node-link JSON.",
                         key="graph.json_invalid", values={"error": type(exc).__name__}) from None
    except RecursionError:
        raise InputError(f"the {kind.upper()} file is nested too deeply to be a network", file=name,
                         hint=f"Check that the file is valid {kind.upper()} written by a network program.",
                         key="graph.nested_too_deeply", values={"format": kind.upper()}) from None
    except ET.ParseError as exc:
        # The parser's own words name the line and column, never a value.
        raise InputError(f"the {kind.upper()} file is not well-formed XML ({exc})", file=name,
                         hint=f"Check that the file is valid {kind.upper()}.",
                         key="graph.xml_not_well_formed", values={"format": kind.upper(), "error": str(exc)}) from None
    except Exception as exc:  # networkx / XML parser errors; their text can quote values
        raise InputError(f"the {kind.upper()} file cannot be read ({type(exc).__name__})", file=name,
                         hint=f"Check that the file is valid {kind.upper()}.",
                         key="graph.unreadable", values={"format": kind.upper(), "error": type(exc).__name__}) from None


# -- node-link JSON --------------------------------------------------------------------------


def _read_json(path: Path, limits: Limits) -> GraphData:
    name = str(path)
    raw = path.read_bytes()
    built = [0]
    maximum = limits.graph_elements

    def counted(obj: dict[str, Any]) -> dict[str, Any]:
        if "id" in obj or "source" in obj or "target" in obj:  # a node or an edge
            built[0] += 1
            if built[0] > maximum:
                raise _TooMany
        return obj

    # Every node and edge is a JSON object, so the number of '{' bounds their number: only a
    # file over the limit by that bound is counted while parsing (objects with an id or an
    # end), and parsing stops as soon as more than the limit have been built.
    hook = counted if raw.count(b"{") > limits.graph_elements else None
    data = json.loads(raw.decode("utf-8-sig"), object_hook=hook)
    del raw
    if not isinstance(data, dict) or not isinstance(data.get("nodes"), list):
        raise InputError("JSON file is not a networkx node-link graph (no 'nodes' list)", file=name,
                         hint="Use nx.node_link_data(G) or 'carenet convert ... -o out.json'.",
                         key="graph.json_not_node_link", values={})
    nodes: list[Any] = data["nodes"]
    edges: Any = data.get("edges", data.get("links", []))
    if not isinstance(edges, list):
        raise InputError("the node-link JSON's 'links' (or 'edges') is not a list", file=name,
                         hint="Use nx.node_link_data(G) or 'carenet convert ... -o out.json'.",
                         key="graph.json_links_not_list", values={})
    if len(nodes) + len(edges) > limits.graph_elements:
        raise _too_many(name, limits)
    for sheet, entries in (("nodes", nodes), ("edges", edges)):
        for index, entry in enumerate(entries):
            if isinstance(entry, dict):
                continue
            hint = "Each node needs an 'id'; each edge 'source' and 'target'."
            if sheet == "nodes":
                raise InputError(f"node {index + 1} is not a JSON object", file=name, sheet=sheet, row=index + 1,
                                 hint=hint, key="graph.json_node_not_object", values={"number": index + 1})
            raise InputError(f"edge {index + 1} is not a JSON object", file=name, sheet=sheet, row=index + 1,
                             hint=hint, key="graph.json_edge_not_object", values={"number": index + 1})
    return GraphData([(n.get("id"), n) for n in nodes], [(e.get("source"), e.get("target"), e) for e in edges],
                     only_edges=not nodes and bool(edges))


# -- GraphML ---------------------------------------------------------------------------------


def _local(tag: str) -> str | None:
    """The GraphML element name of ``tag`` (None for elements of other namespaces, e.g. yEd's)."""
    if tag.startswith(_GRAPHML_NS):
        return tag[len(_GRAPHML_NS):]
    return None if tag.startswith("{") else tag


def _read_graphml(path: Path, limits: Limits) -> GraphData:
    """Stream a GraphML file once: nodes and edges (nested graphs included) in file order."""
    name = str(path)
    keys: dict[str, tuple[str, str]] = {}  # key id -> (for, attr.name)
    defaults: dict[str, dict[str, str]] = {"node": {}, "edge": {}}
    out = GraphData()
    open_items: list[dict[str, Any]] = []  # attributes of the node or edge being read
    node_ids: list[Any] = []  # ids of the nodes whose nested graph is being read
    tags: list[str | None] = []
    graphs = count = 0
    with path.open("rb") as handle:
        for event, element in ET.iterparse(handle, events=("start", "end")):
            tag = _local(element.tag)
            if event == "start":
                parent = tags[-1] if tags else None
                tags.append(tag)
                if tag == "graph" and parent == "graphml":
                    graphs += 1
                    if graphs > 1:
                        raise InputError("the GraphML file holds more than one graph; carenet reads one network per "
                                         "file", file=name, hint="Save each graph as a file of its own.",
                                         key="graph.graphml_several_graphs", values={})
                elif tag in ("node", "edge", "hyperedge"):
                    count += 1
                    if count > limits.graph_elements:
                        raise _too_many(name, limits)
                    if tag == "hyperedge":
                        raise InputError("the GraphML file has hyperedges (ties among more than two actors), which "
                                         "carenet cannot read", file=name,
                                         hint="Replace each hyperedge by ties between two actors each.",
                                         key="graph.graphml_hyperedges", values={})
                    attrs: dict[str, Any] = dict(defaults[tag])
                    open_items.append(attrs)
                    if tag == "node":
                        if node_ids:
                            attrs["parent" if "parent" not in attrs else "parent_"] = node_ids[-1]
                        out.nodes.append((element.get("id"), attrs))
                        node_ids.append(element.get("id"))
                    else:
                        out.edges.append((element.get("source"), element.get("target"), attrs))
                continue
            tags.pop()
            parent = tags[-1] if tags else None
            if tag == "key":
                _graphml_key(element, keys, defaults)
                element.clear()
            elif tag == "data" and parent in ("node", "edge") and open_items:
                _graphml_data(element, keys, open_items[-1])
                element.clear()
            elif tag in ("node", "edge"):
                open_items.pop()
                if tag == "node":
                    node_ids.pop()
                element.clear()
    return out


def _graphml_key(element: ET.Element, keys: dict[str, tuple[str, str]], defaults: dict[str, dict[str, str]]) -> None:
    key_id = element.get("id") or ""
    target = element.get("for") or "all"
    attr = element.get("attr.name") or key_id
    keys[key_id] = (target, attr)
    if element.get("yfiles.type") is not None:
        return
    default = next((c for c in element if _local(c.tag) == "default"), None)
    if default is not None and default.text is not None:
        for kind in ("node", "edge"):
            if target in (kind, "all"):
                defaults[kind][attr] = default.text


def _graphml_data(element: ET.Element, keys: dict[str, tuple[str, str]], attrs: dict[str, Any]) -> None:
    """One ``<data>`` value: its text, or yEd's label, position and shape (as networkx reads them)."""
    if len(element) == 0:
        if element.text is not None:
            attrs[keys.get(element.get("key") or "", ("", element.get("key") or "data"))[1]] = element.text
        return
    for child in element.iter():
        local = child.tag.rpartition("}")[2]
        if local in ("NodeLabel", "EdgeLabel") and "label" not in attrs and child.text:
            attrs["label"] = child.text
        elif local == "Geometry" and "layout_x" not in attrs:
            # Drawing positions in pixels: under their own names, since 'x' and 'y' are read as
            # longitude and latitude and would put the actors somewhere on the globe.
            attrs["layout_x"], attrs["layout_y"] = child.get("x"), child.get("y")
        elif local == "Shape" and "shape_type" not in attrs:
            attrs["shape_type"] = child.get("type")


# -- GEXF ------------------------------------------------------------------------------------

_GEXF_EDGE_KINDS = frozenset({"directed", "undirected", "mutual"})


def _read_gexf(path: Path, limits: Limits) -> GraphData:
    """Count nodes and edges (streaming) against the limit, then read with networkx.

    ``nx.write_gexf`` writes an edge attribute ``type`` into GEXF's own edge ``type`` (meant for
    directed/undirected/mutual), and ``nx.read_gexf`` then discards it: a researcher's tie types
    would vanish. Any other value found there is restored as the edge's ``type``.
    """
    types: dict[str, str] = {}
    count = 0
    for _, element in ET.iterparse(path):
        local = element.tag.rpartition("}")[2]
        if local in ("node", "edge"):
            count += 1
            if count > limits.graph_elements:
                raise _too_many(str(path), limits)
        if local == "edge":
            kind, edge_id = element.get("type"), element.get("id")
            if kind and edge_id is not None and kind not in _GEXF_EDGE_KINDS:
                types[edge_id] = kind
            element.clear()
    graph = nx.read_gexf(path)
    edges = [(u, v, data) for u, v, data in graph.edges(data=True)]
    if types:
        for _, _, data in edges:
            edge_id = data.get("id")
            if "type" not in data and edge_id is not None and str(edge_id) in types:
                data["type"] = types[str(edge_id)]
    # GEXF requires edge ids and writers number the edges 0, 1, 2 ...; such ids are the file's
    # bookkeeping, not a tie attribute. Ids given on purpose (e.g. a tie id column) are kept.
    ids = [data.get("id") for _, _, data in edges]
    if {str(i) for i in ids} == {str(n) for n in range(len(ids))}:
        for _, _, data in edges:
            data.pop("id", None)
    return GraphData([(node, data) for node, data in graph.nodes(data=True)], edges)


# -- rows ------------------------------------------------------------------------------------


def graph_tables(graph: GraphData, file: str) -> list[Table]:
    """Node and edge tables (text cells) of a graph file's entries; only the edges table when
    the file lists no nodes at all (an edge list: the actors are inferred, as from a CSV)."""
    seen: dict[str, None] = {}
    for _, data in graph.nodes:
        for key in data:
            if key not in seen and key not in _NODE_SKIP:
                seen[key] = None
    node_keys = list(seen)
    # GEXF and many GraphML exports (Gephi, yEd) call the display name 'label'. When the nodes
    # carry a 'name' as well, that is the name, and a label that only repeats the node id (the
    # GEXF writer's filler) is no information.
    has_name = "name" in node_keys
    if has_name:
        node_keys.sort(key=lambda k: k != "name")
        node_rows = [[_value(node), *(_node_value(node, data, k) for k in node_keys)]
                     for node, data in graph.nodes]
    else:
        node_rows = [[_value(node), *[_value(data.get(k)) for k in node_keys]] for node, data in graph.nodes]
    node_header = ["id", *(k if has_name else _node_key(k) for k in node_keys)]
    seen = {}
    for _, _, data in graph.edges:
        for key in data:
            if key not in seen and key not in _EDGE_SKIP:
                seen[key] = None
    edge_keys = list(seen)
    edge_header = ["source", "target", *edge_keys]
    edge_rows = [[_value(u), _value(v), *[_value(data.get(k)) for k in edge_keys]] for u, v, data in graph.edges]
    edges = Table(file, "edges", edge_header, 0, edge_rows, list(range(1, len(edge_rows) + 1)), role="ties")
    if graph.only_edges:
        return [edges]
    nodes = Table(file, "nodes", node_header, 0, node_rows, list(range(1, len(node_rows) + 1)), role="actors")
    return [nodes, edges]


def _node_key(key: str) -> str:
    return "name" if key == "label" else key


def _node_value(node: Any, data: dict[str, Any], key: str) -> str:
    if key == "name" and data.get("name") is None:
        return _value(data.get("label"))
    if key == "label" and (data.get("name") is None or _value(data.get("label")) == _value(node)):
        return ""  # used as the name above, or only the id repeated
    return _value(data.get(key))


def _value(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return cell_text(value)
