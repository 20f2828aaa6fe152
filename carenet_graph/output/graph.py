"""Write a care network to GraphML, GEXF, node-link JSON, an xlsx workbook or a CSV pair.

The format comes from the output file's extension. Every file is written atomically, as
UTF-8, deterministically (same graph → same bytes: no timestamps; GEXF's date is removed),
and spreadsheet cells cannot carry formulas. A CSV pair is written both-or-neither.

GEXF reserves two names that our graphs use: an edge's ``type`` is its direction in GEXF
(``directed``/``undirected``/``mutual``) and a node's ``label`` is its display name. The tie
type is therefore written as ``tie_type`` (read back as ``type``: it is a header alias) and
the actor name as the node label (read back as ``name``), so Gephi shows names, not ids.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd

from carenet_graph.errors import OutputError
from carenet_graph.output.atomic import output_set
from carenet_graph.output.dialects import MACHINE_CSV, CsvDialect
from carenet_graph.output.files import atomic_write_text, write_csv, write_xlsx

GEXF_TIE_TYPE = "tie_type"

FORMATS = {".graphml": "graphml", ".gexf": "gexf", ".json": "json", ".xlsx": "xlsx", ".csv": "csv"}


def actors_frame(G: nx.Graph) -> pd.DataFrame:
    """One row per node (index ``id``), one column per node attribute, in first-seen order."""
    columns: list[str] = []
    for _, data in G.nodes(data=True):
        columns += [k for k in data if k not in columns]
    frame = pd.DataFrame([[data.get(c) for c in columns] for _, data in G.nodes(data=True)],
                         columns=columns, dtype=object)
    frame.index = pd.Index([str(n) for n in G.nodes], name="id", dtype=object)
    return frame


def ties_frame(G: nx.Graph) -> pd.DataFrame:
    """One row per edge with ``source``, ``target`` and every edge attribute."""
    columns: list[str] = ["source", "target"]
    for _, _, data in G.edges(data=True):
        columns += [k for k in data if k not in columns]
    rows = [[u, v, *(data.get(c) for c in columns[2:])] for u, v, data in G.edges(data=True)]
    return pd.DataFrame(rows, columns=columns, dtype=object)


def output_paths(path: str | Path) -> list[Path]:
    """The file(s) that :func:`write_network` writes for ``path`` (two for a CSV pair)."""
    path = Path(path)
    kind = _kind(path)
    if kind == "csv":
        return [path.with_name(f"{path.stem}_actors.csv"), path.with_name(f"{path.stem}_ties.csv")]
    return [path]


def _kind(path: Path) -> str:
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise OutputError(
            f"cannot tell the output format from '{path.name}'",
            hint="End the output file name in .graphml, .gexf, .json, .xlsx or .csv (a pair of files).",
            key="output.unknown_format",
            values={"name": path.name},
        )
    return kind


def _graph_attribute(value: Any) -> Any:
    if isinstance(value, (str, int, float, bool)):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _storable(G: nx.Graph) -> nx.Graph:
    """A copy whose graph-level attributes are scalars (GraphML/GEXF cannot hold lists)."""
    H = G.copy()
    H.graph = {k: _graph_attribute(v) for k, v in G.graph.items() if v is not None}
    return H


def _gexf_storable(G: nx.Graph) -> nx.Graph:
    """:func:`_storable`, with the tie type and the actor name moved off GEXF's reserved names."""
    H = _storable(G)
    for _, data in H.nodes(data=True):
        if "label" not in data and data.get("name") is not None:
            data["label"] = str(data.pop("name"))
    for *_, data in H.edges(data=True):
        if "type" in data:
            data[GEXF_TIE_TYPE] = data.pop("type")
    return H


def _write_csv_pair(paths: Sequence[Path], tables: Sequence[tuple[list[str], Iterable[Sequence[object]]]],
                    dialect: CsvDialect = MACHINE_CSV) -> None:
    """Write the actors and ties CSV files both or neither.

    One output set (:func:`~carenet_graph.output.atomic.output_set`): an error or Ctrl-C while
    writing either leaves both earlier files as they were, and two runs at once leave one pair.
    """
    for final in paths:
        if final.is_dir():
            raise OutputError("a folder has the name of an output file", file=str(final),
                              hint="Choose another output name, or move the folder away.",
                              key="output.folder_has_the_name", values={})
    with output_set():
        for final, (header, rows) in zip(paths, tables, strict=True):
            write_csv(final, header, rows, dialect=dialect)


def _generate(generator: Any, G: nx.Graph, path: Path) -> str:
    """Run a networkx XML generator; attribute values it cannot store become an OutputError."""
    try:
        return "\n".join(generator(G, prettyprint=True)) + "\n"
    except (nx.NetworkXError, TypeError, KeyError, ValueError) as exc:
        detail = f"{type(exc).__name__}: {str(exc)[:100]}"
        raise OutputError(
            f"an attribute value cannot be stored in {path.suffix} ({detail})",
            hint="Attributes must be text, numbers or true/false; convert lists or sets to text first.",
            key="output.attribute_not_storable",
            values={"format": path.suffix, "detail": detail},
        ) from None


def write_network(G: nx.Graph, path: str | Path, *, dialect: CsvDialect = MACHINE_CSV) -> list[Path]:
    """Write ``G`` in the format named by the extension of ``path``; returns the files written.

    ``dialect`` is how a CSV pair is written (:func:`~carenet_graph.output.dialects.csv_dialect`:
    the machine format by default, or for a double-click in Excel); both read back the same.
    """
    path = Path(path)
    kind = _kind(path)
    if kind == "graphml":
        text = _generate(nx.generate_graphml, _storable(G), path)
        atomic_write_text(path, text)
    elif kind == "gexf":
        text = _generate(nx.generate_gexf, _gexf_storable(G), path)
        # The GEXF writer stamps today's date; drop it so equal graphs give equal files.
        text = re.sub(r' lastmodifieddate="[^"]*"', "", text, count=1)
        atomic_write_text(path, text)
    elif kind == "json":
        data = nx.node_link_data(G, edges="edges")
        data["graph"] = {k: v for k, v in data.get("graph", {}).items()}
        atomic_write_text(path, json.dumps(data, ensure_ascii=False, indent=1, default=str) + "\n")
    else:
        actors = actors_frame(G)
        ties = ties_frame(G)
        actor_header = ["id", *actors.columns]
        actor_rows = [[ident, *values]
                      for ident, values in zip(actors.index, actors.itertuples(index=False), strict=True)]
        tie_header = list(ties.columns)
        tie_rows = ties.itertuples(index=False, name=None)
        if kind == "xlsx":
            write_xlsx(path, [("actors", actor_header, actor_rows), ("ties", tie_header, list(tie_rows))])
        else:
            _write_csv_pair(output_paths(path), [(actor_header, actor_rows), (tie_header, tie_rows)], dialect)
    return output_paths(path)
