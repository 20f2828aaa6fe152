"""One folder of tables: the CSV files, JSON documents and workbook that analyze, gaps and
compare write.

Every file is written atomically and formula-safe (:mod:`carenet_graph.output.files`); JSON
has sorted keys, indent 2 and non-finite numbers as ``null``, so the same tables give the same
bytes. The CSV files and JSON are for machines (column ids, raw values; the CSV in the machine
or the Excel dialect, :mod:`carenet_graph.output.dialects`); the workbook is for people, in
their language (:mod:`carenet_graph.output.office`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from carenet_graph.locale import Locale
from carenet_graph.network import bulk_allocation
from carenet_graph.output.atomic import output_set
from carenet_graph.output.dialects import MACHINE_CSV, CsvDialect
from carenet_graph.output.files import atomic_write_text, is_missing, write_csv, write_xlsx
from carenet_graph.output.office import OfficeSheet, write_office_workbook

#: A table ready to write: its header and its rows of plain Python values.
Rows = tuple[list[str], list[list[Any]]]


def json_safe(value: Any) -> Any:
    """``value`` with NaN/inf as None, numpy scalars as Python numbers and keys as strings."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if hasattr(value, "item"):
        return json_safe(value.item())
    return value


def json_text(document: Mapping[str, Any]) -> str:
    """The reproducible JSON text of ``document`` (sorted keys, indent 2, a final newline)."""
    return json.dumps(json_safe(dict(document)), ensure_ascii=False, indent=2, sort_keys=True, allow_nan=False) + "\n"


def frame_rows(frame: pd.DataFrame, index_name: str | None = None) -> Rows:
    """Header and rows of ``frame``; the index becomes the first column when ``index_name`` is given."""
    with bulk_allocation():
        return _frame_rows(frame, index_name)


def _frame_rows(frame: pd.DataFrame, index_name: str | None) -> Rows:
    header = ([index_name] if index_name else []) + [str(c) for c in frame.columns]
    columns = [_column(frame.index.to_series())] if index_name else []
    columns += [_column(frame.iloc[:, i]) for i in range(frame.shape[1])]
    if not columns:
        return header, [[] for _ in range(len(frame))]
    return header, list(map(list, zip(*columns, strict=True)))


# Values that _cell returns as they are: a column of only these needs no look at each value.
_PLAIN = frozenset({str, int, bool, type(None)})


def _column(values: pd.Series) -> list[Any]:
    """:func:`_cell` of every value of a column; a float, integer or boolean column at once."""
    kind = values.dtype.kind if isinstance(values.dtype, np.dtype) else "O"
    if kind in "iub":
        plain: list[Any] = values.to_numpy().tolist()
        return plain
    if kind == "f":
        numbers = values.to_numpy()
        floats: list[Any] = numbers.tolist()
        for i in np.flatnonzero(np.isnan(numbers)).tolist():
            floats[i] = None
        return floats
    cells: list[Any] = values.tolist()
    if set(map(type, cells)) <= _PLAIN:
        return cells
    return [_cell(v) for v in cells]


def _cell(value: Any) -> Any:
    """A plain Python value for the writers; missing values (None, NaN, pd.NA) become None."""
    if is_missing(value):
        return None
    if type(value) not in (str, int, bool, float) and hasattr(value, "item"):
        return value.item()  # numpy scalars
    return value


def flatten(document: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    """``(dotted.key, value)`` pairs of a nested document, lists as JSON text (for a workbook sheet)."""
    out: list[tuple[str, Any]] = []
    for key in sorted(document):
        value = document[key]
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.extend(flatten(value, name + "."))
        elif isinstance(value, list):
            out.append((name, json.dumps(value, ensure_ascii=False)))
        else:
            out.append((name, value))
    return out


def _with_twin(sheet: OfficeSheet, tables: Mapping[str, Rows]) -> OfficeSheet:
    """``sheet`` knowing its CSV file when one of ``tables`` is the very same table (same header,
    the same rows object), so that a sheet too long for Excel can point to it."""
    twin = tables.get(sheet.table)
    if sheet.csv is None and twin is not None and twin[1] is sheet.rows and list(twin[0]) == list(sheet.header):
        return replace(sheet, csv=f"{sheet.table}.csv")
    return sheet


def write_table_folder(
    folder: str | Path,
    tables: Mapping[str, Rows],
    *,
    documents: Mapping[str, Mapping[str, Any]] | None = None,
    workbook: str | None = None,
    sheets: Sequence[tuple[str, list[str], list[list[Any]]]] | None = None,
    office: Sequence[OfficeSheet] | None = None,
    locale: Locale | None = None,
    dialect: CsvDialect = MACHINE_CSV,
) -> list[Path]:
    """Write ``NAME.csv`` per table, ``NAME.json`` per document and one workbook into ``folder``.

    Parameters
    ----------
    folder:
        Created if missing.
    tables:
        ``{name: (header, rows)}``, written in this order.
    documents:
        ``{name: document}``, written as JSON after the tables.
    workbook:
        File name of an ``.xlsx`` holding the tables, one sheet each (None: no workbook).
    sheets:
        The workbook's sheets when they are not simply the tables in order.
    office, locale:
        The workbook as an office workbook in the locale's language
        (:func:`~carenet_graph.output.office.write_office_workbook`), instead of ``sheets``. A
        sheet too long for Excel names the CSV file of its table (a sheet whose table is not
        one of ``tables`` gets a CSV file of its own, ``<workbook>_<table>.csv``).
    dialect:
        How the CSV files are written (:func:`~carenet_graph.output.dialects.csv_dialect`;
        the machine format by default).

    Returns
    -------
    list of Path
        The files written, in the order above (a sheet's own CSV file just before the workbook).
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    with output_set(), bulk_allocation():
        written = []
        for name, (header, rows) in tables.items():
            write_csv(folder / f"{name}.csv", header, rows, dialect=dialect)
            written.append(folder / f"{name}.csv")
        for name, document in (documents or {}).items():
            atomic_write_text(folder / f"{name}.json", json_text(document))
            written.append(folder / f"{name}.json")
        if workbook is not None:
            if office is not None:
                written += write_office_workbook(folder / workbook, [_with_twin(sheet, tables) for sheet in office],
                                                 locale or Locale(), dialect=dialect)
            else:
                chosen = sheets if sheets is not None else [(name, header, rows)
                                                            for name, (header, rows) in tables.items()]
                write_xlsx(folder / workbook, chosen)
            written.append(folder / workbook)
        return written
