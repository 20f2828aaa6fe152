"""Actors and ties tables of text → typed columns (:class:`Records`), one conversion per column.

Each converter walks one column, memoises per distinct value and reports problems located at
(file, sheet, row, column). Rows that cannot be used are marked rejected with the problem
that says why; :mod:`carenet_graph.read.resolve` then resolves references between tables.
Survey and matrix layouts become the same :class:`Records` in :mod:`carenet_graph.read.layouts`.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import compress
from operator import itemgetter, methodcaller
from typing import Any, cast

from carenet_graph.i18n.formatting import english_plural
from carenet_graph.read import typed
from carenet_graph.read.cells import clean_text, is_excel_error
from carenet_graph.read.headers import Table
from carenet_graph.read.problems import MID_BOM, Collector, Column
from carenet_graph.read.typed import positions
from carenet_graph.vocabulary import Vocabulary, text_key

PROVENANCE = ("table", "row")
# First cells of a column looked at to tell ids and names (mostly distinct) from categories.
_SAMPLE = 256


@dataclass
class Records:
    """Column-wise converted rows of one table (same length lists), plus rejections."""

    table_index: int
    role: str
    columns: dict[str, list[Any]] = field(default_factory=dict)
    rows: list[int] = field(default_factory=list)
    rejected: list[bool] = field(default_factory=list)
    source_columns: dict[str, Column] = field(default_factory=dict)
    # For survey and matrix tables, where one row gives many ties: (row, used) per input row.
    source_rows: list[tuple[int, bool]] | None = None

    def __len__(self) -> int:
        return len(self.rows)


class Cells:
    """A table's raw columns and their distinct texts, each made once: the shape check and the
    conversion both read the first column."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.lengths = list(map(len, table.rows))
        self.shortest = min(self.lengths, default=0)
        self._columns: dict[int, list[str]] = {}
        self._texts: dict[int, dict[str, None]] = {}
        self._plain: dict[int, str | None] = {}

    def column(self, index: int) -> list[str]:
        """The column's cells as read ("" beyond a short row's end); shared: copy before changing it."""
        found = self._columns.get(index)
        if found is None:
            rows = self.table.rows
            # Rows shorter than the header are rare (ragged rows): when there are none, one C-level pass.
            found = (list(map(itemgetter(index), rows)) if self.shortest > index
                     else [row[index] if index < len(row) else "" for row in rows])
            self._columns[index] = found
        return found

    def varied(self, index: int) -> bool:
        """Whether the column looks like ids or names (its first cells mostly distinct), not categories.

        Such a column is not gathered into distinct texts: a table of a million distinct texts is
        slow to fill (every probe a cache miss), and nearly every text would be visited anyway.
        """
        sample = self.column(index)[:_SAMPLE]
        return len(set(sample)) > len(sample) // 4

    def plain(self, index: int) -> str | None:
        """:func:`_plain_texts` of the column (made once: the shape check and the conversion ask)."""
        if index not in self._plain:
            self._plain[index] = _plain_texts(self.column(index))
        return self._plain[index]

    def texts(self, index: int) -> dict[str, None]:
        """The column's distinct cells, in the order they first occur; shared: copy before changing it."""
        found = self._texts.get(index)
        if found is None:
            found = self._texts[index] = dict.fromkeys(self.column(index))
        return found


def _plain_texts(texts: list[str]) -> str | None:
    """The texts joined by "|", lower-cased, between two "|", if every text is printable ASCII
    without surrounding or doubled spaces (text that cleaning leaves as it is, with no flag; for
    ASCII, casefold is lower); else None. A "|" next to a space in a text only sends the column
    the long way round."""
    joined = "|".join(texts)
    if (joined.isascii() and joined.isprintable() and "  " not in joined and " |" not in joined
            and "| " not in joined and not joined.startswith(" ") and not joined.endswith(" ")):
        return "|" + joined.lower() + "|"
    return None


def _any_of(words: Iterable[str], joined: str) -> bool:
    """Whether a text of :func:`_plain_texts` may be one of ``words`` (lower case): a text with
    "|" inside may say yes wrongly, never no wrongly."""
    return any(f"|{word}|" in joined for word in words)


def _plain_column(raws: list[str], joined: str, missing: frozenset[str], col: Column, rownums: list[int],
                  out: Collector) -> list[str | None]:
    """:func:`clean_column` of a column of plain texts (see :func:`_plain_texts`), cell by cell
    only where a cell may be empty, a missing-value word or a spreadsheet error."""
    if not _any_of({"", *missing}, joined) and "|#" not in joined:
        return list(raws)
    result: list[str | None] = list(raws)
    gone = set(compress(range(len(raws)), map(missing.__contains__, map(str.lower, raws))))
    gone.update(compress(range(len(raws)), map(operator.not_, raws)))
    errors = set(compress(range(len(raws)), map(is_excel_error, raws))) if "|#" in joined else set()
    for pos in sorted(gone | errors):
        result[pos] = None
        if pos in errors and pos not in gone:
            out.note(col, rownums[pos], "cell.excel_error", "warning",
                     "spreadsheet error value (such as #NV or #N/A) treated as empty",
                     "Fix the formula in the original workbook, or type the value in.")
    return result


def clean_column(table: Table, index: int, out: Collector, vocab: Vocabulary,
                 skip: Sequence[int] = (), cells: Cells | None = None) -> list[str | None]:
    """Cleaned text of one column; missing values and spreadsheet errors become None.

    Rows at the positions in ``skip`` (already rejected, e.g. a repeated header) read as
    empty: converting 'Level' as a level would only add a second, misleading problem. Their
    byte-order mark is still reported, since it says where two files were pasted together.
    Each distinct text is cleaned once, and a column of ids or names in plain ASCII is taken as
    it is after one test of the whole column; only the rows whose text cleaning changed, or that
    hold a spreadsheet error value, are visited one by one (in row order, as they are reported).
    """
    col = table.column_at(index)
    missing = vocab.missing_values
    cells = cells or Cells(table)
    raws = cells.column(index)
    if skip:
        raws = list(raws)
        for pos in skip:
            if "\ufeff" in raws[pos]:
                out.flags(col, table.row_numbers[pos], MID_BOM)
            raws[pos] = ""
    if cells.varied(index):
        joined = _plain_texts(raws) if skip else cells.plain(index)
        if joined is not None:
            return _plain_column(raws, joined, missing, col, table.row_numbers, out)
    texts = dict.fromkeys(raws) if skip else dict(cells.texts(index))
    blanks = texts.pop("", 0) is None
    cleaned: dict[str, str | None] = {"": None}
    report: dict[str, tuple[int, bool]] = {}
    if _plain_texts(list(texts)) is not None:
        # Text cleaning leaves as it is (for ASCII, casefold is lower): only missing-value words
        # and spreadsheet errors ("#...") are looked at one by one.
        gone = [*compress(texts, map(missing.__contains__, map(str.lower, texts))),
                *filter(is_excel_error, compress(texts, map(methodcaller("startswith", "#"), texts)))]
        if not gone and not blanks:
            return cast("list[str | None]", raws)  # every cell is its own clean text
        cleaned.update(zip(texts, texts, strict=True))
        for text in gone:
            cleaned[text] = None
            if text.lower() not in missing:
                report[text] = (0, True)
    else:
        for raw in texts:
            text, flags = clean_text(raw)
            error = False
            if not text or text.casefold() in missing:
                cleaned[raw] = None
            elif text[0] == "#" and is_excel_error(text):
                cleaned[raw] = None
                error = True
            else:
                cleaned[raw] = text
            if flags or error:
                report[raw] = (flags, error)
    rownums = table.row_numbers
    for pos in positions(raws, set(report)):
        flags, error = report[raws[pos]]
        if flags:
            out.flags(col, rownums[pos], flags)
        if error:
            out.note(col, rownums[pos], "cell.excel_error", "warning",
                     "spreadsheet error value (such as #NV or #N/A) treated as empty",
                     "Fix the formula in the original workbook, or type the value in.")
    return list(map(cleaned.__getitem__, raws))


def check_shape(table: Table, out: Collector, cells: Cells | None = None) -> list[bool]:
    """Ragged rows and repeated header rows; returns the rows to reject (repeated headers).

    Only rows of another length than the header, and rows whose first cell reads as the
    header's, are looked at one by one: a column of first cells holds few distinct texts.
    """
    width = len(table.header)
    header_key = [text_key(h) for h in table.header]
    first_keys = {table.header[0].strip().casefold(), header_key[0]} if table.header else set()
    rows = table.rows
    rejected = [False] * len(rows)
    cells = cells or Cells(table)
    lengths = cells.lengths
    odd = set(_other_lengths(lengths, width))
    if width > 1:
        firsts = cells.column(0)
        joined = cells.plain(0) if cells.varied(0) else None
        if joined is not None:  # nothing to strip, and casefold is lower
            if _any_of(first_keys, joined):
                odd.update(compress(range(len(firsts)), map(first_keys.__contains__, map(str.lower, firsts))))
        else:
            texts = list(cells.texts(0))
            header_like = {v for v in texts if v.lstrip("\ufeff").strip().casefold() in first_keys}
            odd.update(positions(firsts, header_like))
    for pos in sorted(odd):
        row, rownum, n = rows[pos], table.row_numbers[pos], lengths[pos]
        if n > width:
            extra = [i for i in range(width, n) if row[i].strip()]
            if extra:
                out.at(table.column_at(extra[0]), rownum, "row.too_many_values", "warning",
                       f"row has {n} values but the header has {english_plural(width, 'column')}; the "
                       + english_plural(len(extra), "value beyond the last header was not used",
                                        "values beyond the last header were not used"),
                       "Check for a delimiter inside a value (quote it) or add a header for the extra column.")
        elif 0 < n < width and table.file and table.sheet is None:
            out.note(table.column_at(n), rownum, "row.too_few_values", "info",
                     "row has fewer values than the header; missing cells read as empty")
        # Two files pasted together: the second header row starts with that file's BOM.
        if (width > 1 and n >= width and row[0].lstrip("\ufeff").strip().casefold() in first_keys
                and [text_key(c.replace("\ufeff", "")) for c in row[:width]] == header_key):
            rejected[pos] = True
            out.at(None, rownum, "row.repeated_header", "warning",
                   "the header row is repeated here (files pasted together?); row not used",
                   "Delete the repeated header row.", rejected=True, file=table.file, sheet=table.sheet)
    return rejected


def _other_lengths(lengths: list[int], width: int) -> list[int]:
    """Positions of the rows whose length is not ``width``."""
    return positions(lengths, set(lengths) - {width})


def convert_actors(table: Table, table_index: int, vocab: Vocabulary, out: Collector) -> Records:
    """Actor rows → id, name, type, sector, municipality ... (text), lat/lon (float), extras.

    Parameters
    ----------
    table:
        An actors table (``table.columns`` maps canonical names to column indexes).
    table_index:
        Its position among the tables read (the provenance of every row).
    vocab, out:
        The vocabulary; the collector that receives every problem.

    Returns
    -------
    Records
        One list per column; ``type`` holds vocabulary ids (``type_input`` the text given),
        columns without a known meaning are kept as text under their header.
    """
    rec = Records(table_index, "actors", rows=list(table.row_numbers))
    cells = Cells(table)
    rec.rejected = check_shape(table, out, cells)
    skip = [pos for pos, rejected in enumerate(rec.rejected) if rejected]
    used = set(table.columns.values())
    for name, index in table.columns.items():
        values = clean_column(table, index, out, vocab, skip, cells)
        col = table.column_at(index)
        rec.source_columns[name] = col
        if name == "type":
            rec.columns["type"] = typed.matched_types(values, col, rec.rows, vocab.match_actor_type, "actor",
                                                      "other_organisation", out)
            rec.columns["type_input"] = values
        elif name == "sector":
            rec.columns["sector"] = typed.sectors(values, col, rec.rows, vocab, out)
        else:
            rec.columns[name] = typed.plain(name, values, col, rec.rows, out)
    _extras(table, used, rec, vocab, out, skip, cells)
    return rec


def convert_ties(table: Table, table_index: int, vocab: Vocabulary, out: Collector) -> Records:
    """Tie rows → source, target (references), type, level (0–5), weight (> 0), direction ...

    Parameters as for :func:`convert_actors`. Returns the :class:`Records`, ``source`` and
    ``target`` still as written (ids or names); a row whose level or weight cannot be read is
    rejected, other values that cannot be read are left empty with a warning.
    """
    rec = Records(table_index, "ties", rows=list(table.row_numbers))
    cells = Cells(table)
    rec.rejected = check_shape(table, out, cells)
    skip = [pos for pos, rejected in enumerate(rec.rejected) if rejected]
    used = set(table.columns.values())
    for name, index in table.columns.items():
        values = clean_column(table, index, out, vocab, skip, cells)
        col = table.column_at(index)
        rec.source_columns[name] = col
        if name == "type":
            rec.columns["type"] = typed.matched_types(values, col, rec.rows, vocab.match_tie_type, "tie", "'other'",
                                                      out)
        elif name == "level":
            rec.columns["level"] = typed.levels(values, col, rec.rows, rec.rejected, vocab, out)
        elif name == "frequency":
            rec.columns["frequency"] = typed.frequencies(values, col, rec.rows, vocab, out)
        elif name == "weight":
            rec.columns["weight"] = typed.weights(values, col, rec.rows, rec.rejected, out)
        elif name == "direction":
            rec.columns["direction"] = typed.directions(values, col, rec.rows, vocab, out)
        elif name == "formalised":
            rec.columns["formalised"] = typed.booleans(values, col, rec.rows, vocab, out)
        else:
            rec.columns[name] = typed.plain(name, values, col, rec.rows, out)
    _extras(table, used, rec, vocab, out, skip, cells)
    return rec


def _extras(table: Table, used: set[int], rec: Records, vocab: Vocabulary, out: Collector,
            skip: Sequence[int] = (), cells: Cells | None = None) -> None:
    """Columns without a known meaning are kept as text attributes under their header."""
    for index, header in enumerate(table.header):
        if index in used:
            continue
        key = clean_text(header)[0] or f"column_{index + 1}"
        if key in PROVENANCE:
            # Provenance written by our own exports; reading assigns fresh provenance.
            out.at(table.column_at(index), None, "table.provenance_column", "info",
                   f"column '{key}' (provenance of an earlier export) replaced by this file's own rows")
            continue
        values = clean_column(table, index, out, vocab, skip, cells)
        if all(v is None for v in values):
            continue
        while key in rec.columns or key in PROVENANCE:
            key = f"{key}_"
        rec.columns[key] = values
