"""GraphML, GEXF and networkx node-link JSON → the same text tables as spreadsheets.

Graph files go through the same column conversion and validation as spreadsheets, so a
researcher's GraphML gets the same checks and the same attribute names. A node or edge's
position in the file is its "row" (node 3 = row 3 of the nodes table).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import networkx as nx

from carenet_graph.errors import InputError
from carenet_graph.read.files import cell_text
from carenet_graph.read.headers import Table
from carenet_graph.read.limits import DEFAULT_LIMITS, Limits

# Attributes our own writers add for provenance; on reading they are replaced by new provenance.
PROVENANCE_KEYS = frozenset({"table", "row"})


def read_graph_file(path: Path, kind: str, limits: Limits = DEFAULT_LIMITS) -> nx.Graph:
    """Parse a graph file with networkx, turning its exceptions into an :class:`InputError`."""
    name = str(path)
    try:
        if kind == "graphml":
            return nx.read_graphml(path, force_multigraph=True)
        if kind == "gexf":
            return _gexf_with_edge_types(path, nx.read_gexf(path))
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except InputError:
        raise
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"not valid JSON ({type(exc).__name__})", file=name,
                         hint="Export the graph again as networkx node-link JSON.") from None
    except Exception as exc:  # networkx / XML parser errors
        raise InputError(f"the {kind.upper()} file cannot be read ({type(exc).__name__}: {str(exc)[:120]})",
                         file=name, hint=f"Check that the file is valid {kind.upper()}.") from None
    if not isinstance(data, dict) or "nodes" not in data:
        raise InputError("JSON file is not a networkx node-link graph (no 'nodes' list)", file=name,
                         hint="Use nx.node_link_data(G) or 'carenet convert ... -o out.json'.")
    edges_key = "edges" if "edges" in data else "links"
    try:
        return nx.node_link_graph(data, edges=edges_key)
    except Exception as exc:
        raise InputError(f"node-link JSON cannot be read ({type(exc).__name__})", file=name,
                         hint="Each node needs an 'id'; each edge 'source' and 'target'.") from None


_GEXF_EDGE_KINDS = frozenset({"directed", "undirected", "mutual"})


def _gexf_with_edge_types(path: Path, graph: nx.Graph) -> nx.Graph:
    """Give back the tie types that networkx's GEXF reader drops; drop its edge numbering.

    ``nx.write_gexf`` writes an edge attribute ``type`` into GEXF's own edge ``type`` (meant for
    directed/undirected/mutual), and ``nx.read_gexf`` then discards it: a researcher's tie types
    would vanish. Any other value found there is restored as the edge's ``type``.
    """
    import xml.etree.ElementTree as ET

    types: dict[str, str] = {}
    for _, element in ET.iterparse(path):
        if element.tag.rpartition("}")[2] == "edge":
            kind, edge_id = element.get("type"), element.get("id")
            if kind and edge_id is not None and kind not in _GEXF_EDGE_KINDS:
                types[edge_id] = kind
            element.clear()
    if types:
        for _, _, data in graph.edges(data=True):
            edge_id = data.get("id")
            if "type" not in data and edge_id is not None and str(edge_id) in types:
                data["type"] = types[str(edge_id)]
    # GEXF requires edge ids and writers number the edges 0, 1, 2 ...; such ids are the file's
    # bookkeeping, not a tie attribute. Ids given on purpose (e.g. a tie id column) are kept.
    ids = [data.get("id") for _, _, data in graph.edges(data=True)]
    if {str(i) for i in ids} == {str(n) for n in range(len(ids))}:
        for _, _, data in graph.edges(data=True):
            data.pop("id", None)
    return graph


def graph_tables(graph: nx.Graph, file: str) -> list[Table]:
    """Node and edge tables (text cells) of a parsed graph."""
    node_keys: list[str] = []
    for _, data in graph.nodes(data=True):
        for key in data:
            if key not in node_keys and key not in PROVENANCE_KEYS and key != "id":
                node_keys.append(key)
    # GEXF and many GraphML exports (Gephi, yEd) call the display name 'label'. When the nodes
    # carry a 'name' as well, that is the name, and a label that only repeats the node id (the
    # GEXF writer's filler) is no information.
    has_name = "name" in node_keys
    if has_name:
        node_keys.sort(key=lambda k: k != "name")
    node_header = ["id", *(k if has_name else _node_key(k) for k in node_keys)]
    node_rows = [[cell_text(node), *(_node_value(node, data, k, has_name) for k in node_keys)]
                 for node, data in graph.nodes(data=True)]
    edge_keys: list[str] = []
    for _, _, data in graph.edges(data=True):
        for key in data:
            if key not in edge_keys and key not in PROVENANCE_KEYS and key not in ("source", "target", "key"):
                edge_keys.append(key)
    edge_header = ["source", "target", *edge_keys]
    edge_rows = [[cell_text(u), cell_text(v), *(_value(data.get(k)) for k in edge_keys)]
                 for u, v, data in graph.edges(data=True)]
    nodes = Table(file, "nodes", node_header, 0, node_rows, list(range(1, len(node_rows) + 1)), role="actors")
    edges = Table(file, "edges", edge_header, 0, edge_rows, list(range(1, len(edge_rows) + 1)), role="ties")
    return [nodes, edges]


def _node_key(key: str) -> str:
    return "name" if key == "label" else key


def _node_value(node: Any, data: dict[str, Any], key: str, has_name: bool) -> str:
    if not has_name:
        return _value(data.get(key))
    if key == "name" and data.get("name") is None:
        return _value(data.get("label"))
    if key == "label" and (data.get("name") is None or _value(data.get("label")) == cell_text(node)):
        return ""  # used as the name above, or only the id repeated
    return _value(data.get(key))


def _value(value: Any) -> str:
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return cell_text(value)
