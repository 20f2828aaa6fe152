"""Write an :class:`~carenet_graph.analysis.Analysis` to a folder of CSV, JSON and xlsx files.

``actors.csv``, ``network.json``, ``groups.csv``, ``mixing.csv``, ``brokerage.csv`` (expected
counts and z-scores) and ``analysis.xlsx`` (all of them, one sheet each). Files are written
atomically, deterministically (sorted keys, fixed float formatting) and formula-safe.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pandas as pd

from carenet_graph.analysis.brokerage import ROLES
from carenet_graph.analysis.run import Analysis
from carenet_graph.output.files import atomic_write_text, is_missing, write_csv, write_xlsx


def _json_safe(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if hasattr(value, "item"):
        return _json_safe(value.item())
    return value


def network_document(result: Analysis) -> dict[str, Any]:
    """What network.json holds: figures, options, versions and any approximation."""
    return _json_safe({
        "network": result.network.to_dict(),
        "options": result.options,
        "approximate": bool(result.approximations),
        "approximations": [asdict(a) for a in result.approximations],
        "weights": {
            "strength": "higher = closer: Frey level if given, else weight, else 1; pairs combined by max",
            "distance": "1 / strength; used by betweenness, closeness and harmonic centrality",
        },
    })


def _rows(frame: pd.DataFrame, index_name: str | None) -> tuple[list[str], list[list[Any]]]:
    header = ([index_name] if index_name else []) + [str(c) for c in frame.columns]
    rows = []
    for index, values in zip(frame.index, frame.itertuples(index=False, name=None), strict=True):
        cells = [_cell(v) for v in values]
        rows.append(([_cell(index)] if index_name else []) + cells)
    return header, rows


def _cell(value: Any) -> Any:
    """A plain Python value for the writers; missing values (None, NaN, pd.NA) become None."""
    if is_missing(value):
        return None
    if type(value) not in (str, int, bool, float) and hasattr(value, "item"):
        return value.item()  # numpy scalars
    return value


def brokerage_table(result: Analysis) -> pd.DataFrame:
    """Expected counts and z-scores per actor and role (columns ``<role>_expected``, ``<role>_z``)."""
    roles = [*ROLES, "brokerage_total"]
    expected = result.brokerage.expected[roles].add_suffix("_expected")
    z = result.brokerage.z[roles].add_suffix("_z")
    columns = [c for pair in zip(expected.columns, z.columns, strict=True) for c in pair]
    return expected.join(z)[columns]


def write_analysis(result: Analysis, folder: str | Path) -> list[Path]:
    """Write every table of ``result`` into ``folder``; returns the paths written."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    tables = {
        "actors": _rows(result.actors, "id"),
        "groups": _rows(result.groups, "group"),
        "mixing": _rows(result.mixing, None),
        "brokerage": _rows(brokerage_table(result), "id"),
    }
    written = []
    for name, (header, rows) in tables.items():
        path = folder / f"{name}.csv"
        write_csv(path, header, rows)
        written.append(path)
    document = network_document(result)
    path = folder / "network.json"
    atomic_write_text(path, json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n")
    written.append(path)
    flat = _flatten(document)
    sheets = [(name, header, rows) for name, (header, rows) in tables.items()]
    sheets.insert(1, ("network", ["figure", "value"], [[k, v] for k, v in flat]))
    path = folder / "analysis.xlsx"
    write_xlsx(path, sheets)
    written.append(path)
    return written


def _flatten(document: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for key in sorted(document):
        value = document[key]
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.extend(_flatten(value, name + "."))
        elif isinstance(value, list):
            out.append((name, json.dumps(value, ensure_ascii=False)))
        else:
            out.append((name, value))
    return out
