"""Actors and ties tables of text → typed columns (:class:`Records`), one conversion per column.

Each converter walks one column, memoises per distinct value and reports problems located at
(file, sheet, row, column). Rows that cannot be used are marked rejected with the problem
that says why; :mod:`carenet_graph.read.resolve` then resolves references between tables.
Survey and matrix layouts become the same :class:`Records` in :mod:`carenet_graph.read.layouts`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from carenet_graph.i18n.formatting import english_plural
from carenet_graph.read.cells import clean_text, column_numbers, is_excel_error, parse_date, parse_level
from carenet_graph.read.headers import Table
from carenet_graph.read.problems import MID_BOM, Collector, Column
from carenet_graph.vocabulary import TypeMatch, Vocabulary, text_key

# "1,000" where nothing in the column tells a thousands separator from a decimal comma.
AMBIGUOUS = "ambiguous (one thousand, or one with three decimals? the column does not tell)"

NUMERIC = {"lat": (-90.0, 90.0), "lon": (-180.0, 180.0), "size": (0.0, math.inf), "trust": (-math.inf, math.inf),
           "value": (-math.inf, math.inf)}
DATES = ("since", "until")
PROVENANCE = ("table", "row")


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


def _raw_column(table: Table, index: int) -> list[str]:
    return [row[index] if index < len(row) else "" for row in table.rows]


def clean_column(table: Table, index: int, out: Collector, vocab: Vocabulary,
                 skip: Sequence[int] = ()) -> list[str | None]:
    """Cleaned text of one column; missing values and spreadsheet errors become None.

    Rows at the positions in ``skip`` (already rejected, e.g. a repeated header) read as
    empty: converting 'Level' as a level would only add a second, misleading problem. Their
    byte-order mark is still reported, since it says where two files were pasted together.
    """
    col = table.column_at(index)
    missing = vocab.missing_values
    result: list[str | None] = []
    append = result.append
    cache: dict[str, tuple[str, int]] = {}
    raws = _raw_column(table, index)
    for pos in skip:
        if "\ufeff" in raws[pos]:
            out.flags(col, table.row_numbers[pos], MID_BOM)
        raws[pos] = ""
    for raw, rownum in zip(raws, table.row_numbers, strict=True):
        if not raw:
            append(None)
            continue
        cleaned = cache.get(raw)
        if cleaned is None:
            cleaned = cache[raw] = clean_text(raw)
        text, flags = cleaned
        if flags:
            out.flags(col, rownum, flags)
        if not text or text.casefold() in missing:
            append(None)
        elif text[0] == "#" and is_excel_error(text):
            out.note(col, rownum, "cell.excel_error", "warning",
                     "spreadsheet error value (such as #NV or #N/A) treated as empty",
                     "Fix the formula in the original workbook, or type the value in.")
            append(None)
        else:
            append(text)
    return result


def check_shape(table: Table, out: Collector) -> list[bool]:
    """Ragged rows and repeated header rows; returns the rows to reject (repeated headers)."""
    width = len(table.header)
    header_key = [text_key(h) for h in table.header]
    # Cheap first-cell test before the full comparison: this runs on every row.
    first_keys = {table.header[0].strip().casefold(), header_key[0]} if table.header else set()
    rejected = [False] * len(table.rows)
    for pos, (row, rownum) in enumerate(zip(table.rows, table.row_numbers, strict=True)):
        n = len(row)
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


def _plain(name: str, values: list[str | None], col: Column, rec: Records, out: Collector) -> list[Any]:
    """A column with no role-specific conversion: numbers and dates typed, anything else as text."""
    if name in NUMERIC:
        return _numbers(values, col, rec.rows, out, NUMERIC[name])
    if name in DATES:
        return _dates(values, col, rec.rows, out)
    return values


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
    rec.rejected = check_shape(table, out)
    skip = [pos for pos, rejected in enumerate(rec.rejected) if rejected]
    used = set(table.columns.values())
    for name, index in table.columns.items():
        values = clean_column(table, index, out, vocab, skip)
        col = table.column_at(index)
        rec.source_columns[name] = col
        if name == "type":
            rec.columns["type"] = _matched_types(values, col, rec.rows, vocab.match_actor_type, "actor",
                                                 "other_organisation", out)
            rec.columns["type_input"] = values
        elif name == "sector":
            rec.columns["sector"] = _sectors(values, col, rec.rows, vocab, out)
        else:
            rec.columns[name] = _plain(name, values, col, rec, out)
    _extras(table, used, rec, vocab, out, skip)
    return rec


def convert_ties(table: Table, table_index: int, vocab: Vocabulary, out: Collector) -> Records:
    """Tie rows → source, target (references), type, level (0–5), weight (> 0), direction ...

    Parameters as for :func:`convert_actors`. Returns the :class:`Records`, ``source`` and
    ``target`` still as written (ids or names); a row whose level or weight cannot be read is
    rejected, other values that cannot be read are left empty with a warning.
    """
    rec = Records(table_index, "ties", rows=list(table.row_numbers))
    rec.rejected = check_shape(table, out)
    skip = [pos for pos, rejected in enumerate(rec.rejected) if rejected]
    used = set(table.columns.values())
    for name, index in table.columns.items():
        values = clean_column(table, index, out, vocab, skip)
        col = table.column_at(index)
        rec.source_columns[name] = col
        if name == "type":
            rec.columns["type"] = _matched_types(values, col, rec.rows, vocab.match_tie_type, "tie", "'other'", out)
        elif name == "level":
            rec.columns["level"] = _levels(values, col, rec, vocab, out)
        elif name == "frequency":
            rec.columns["frequency"] = _frequencies(values, col, rec.rows, vocab, out)
        elif name == "weight":
            rec.columns["weight"] = _weights(values, col, rec, out)
        elif name == "direction":
            rec.columns["direction"] = _directions(values, col, rec.rows, vocab, out)
        elif name == "formalised":
            rec.columns["formalised"] = _booleans(values, col, rec.rows, vocab, out)
        else:
            rec.columns[name] = _plain(name, values, col, rec, out)
    _extras(table, used, rec, vocab, out, skip)
    return rec


def _extras(table: Table, used: set[int], rec: Records, vocab: Vocabulary, out: Collector,
            skip: Sequence[int] = ()) -> None:
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
        values = clean_column(table, index, out, vocab, skip)
        if all(v is None for v in values):
            continue
        while key in rec.columns or key in PROVENANCE:
            key = f"{key}_"
        rec.columns[key] = values


def _matched_types(values: list[str | None], col: Column, rows: list[int], match: Callable[[str], TypeMatch],
                   kind: str, fallback: str, out: Collector) -> list[str | None]:
    """Free-text actor or tie types → vocabulary ids (memoised per distinct text)."""
    cache: dict[str, TypeMatch] = {}
    result: list[str | None] = []
    for value, row in zip(values, rows, strict=True):
        if value is None:
            result.append(None)
            continue
        found = cache.get(value)
        if found is None:
            found = cache[value] = match(value)
        if not found.matched:
            hint = ("Closest known types: " + ", ".join(found.suggestions) + ". " if found.suggestions else "")
            out.at(col, row, f"{kind}.type_unmatched", "warning",
                   f"{kind} type not in the vocabulary; read as {fallback}",
                   hint + "Use a type from the template's list, or add a synonym with --vocabulary.", value=value)
        elif found.how != "id":
            out.note(col, row, f"{kind}.type_synonym", "info", f"{kind} type text mapped to the vocabulary")
        result.append(found.id)
    return result


def _sectors(values: list[str | None], col: Column, rows: list[int], vocab: Vocabulary,
             out: Collector) -> list[str | None]:
    known: dict[str, str] = {}
    for sector_id, entry in vocab.sectors.items():
        known[text_key(sector_id)] = sector_id
        for label in entry.get("labels", {}).values():
            known.setdefault(text_key(str(label)), sector_id)
    result: list[str | None] = []
    for value, row in zip(values, rows, strict=True):
        if value is None:
            result.append(None)
            continue
        sid: str | None = known.get(text_key(value))
        if sid is None:
            # No cell value is quoted in a message (a free-text cell may hold a name): it goes in ``value``.
            out.at(col, row, "actor.sector_unknown", "warning",
                   "sector is not known; the sector is derived from the actor type instead",
                   "Leave the sector empty or use one of: " + ", ".join(sorted(vocab.sectors)), value=value)
        result.append(sid)
    return result


def _levels(values: list[str | None], col: Column, rec: Records, vocab: Vocabulary,
            out: Collector) -> list[int | None]:
    aliases = vocab.level_aliases()
    cache: dict[str, tuple[int | None, str]] = {}
    result: list[int | None] = []
    for pos, (value, row) in enumerate(zip(values, rec.rows, strict=True)):
        if value is None:
            result.append(None)
            continue
        parsed = cache.get(value)
        if parsed is None:
            parsed = cache[value] = parse_level(value, aliases, text_key)
        level, how = parsed
        if level is None:
            rec.rejected[pos] = True
            out.at(col, row, "tie.bad_level", "error",
                   "level is not on the collaboration scale 0–5; tie not used",
                   "Use a whole number 0 (none) to 5 (collaboration), or a level name from the template.",
                   value=value, rejected=True)
        elif how == "alias":
            out.note(col, row, "tie.level_text", "info", "level given as text and mapped to the 0–5 scale")
        result.append(level)
    return result


def _frequencies(values: list[str | None], col: Column, rows: list[int], vocab: Vocabulary,
                 out: Collector) -> list[int | None]:
    scale = vocab.data["scales"]["contact_frequency"]
    aliases: dict[str, int] = {}
    for level in scale["levels"]:
        aliases[text_key(str(level["id"]))] = int(level["value"])
        for label in level.get("labels", {}).values():
            aliases.setdefault(text_key(str(label)), int(level["value"]))
    for value, names in scale.get("text_aliases", {}).items():
        for name in names:
            aliases.setdefault(text_key(str(name)), int(value))
    result: list[int | None] = []
    for value, row in zip(values, rows, strict=True):
        if value is None:
            result.append(None)
            continue
        level, _how = parse_level(value, aliases, text_key)
        if level is None:
            out.at(col, row, "tie.bad_frequency", "warning",
                   "contact frequency not understood; left empty",
                   "Use 0 (never) to 5 (daily) or a word such as monthly / monatlich / maandelijks / månadsvis.",
                   value=value)
        result.append(level)
    return result


def _weights(values: list[str | None], col: Column, rec: Records, out: Collector) -> list[float | None]:
    result: list[float | None] = []
    numbers = column_numbers(values, low=math.ulp(0.0))
    for pos, (value, row, (number, how)) in enumerate(zip(values, rec.rows, numbers, strict=True)):
        if value is None:
            result.append(None)
            continue
        if number is None or not math.isfinite(number) or number <= 0:
            what = (AMBIGUOUS if how == "ambiguous" else "not a number" if number is None
                    else "not finite" if not math.isfinite(number) else "zero" if number == 0 else "negative")
            rec.rejected[pos] = True
            out.at(col, row, "tie.bad_weight", "error", f"weight is {what}; tie not used",
                   "A weight must be a number greater than 0 (higher = stronger collaboration), written without "
                   "thousands separators. Leave it empty if unknown.", value=value, rejected=True)
            result.append(None)
            continue
        if how == "decimal_comma":
            out.note(col, row, "value.decimal_comma", "info", "decimal comma read as decimal point")
        result.append(number)
    return result


def _numbers(values: list[str | None], col: Column, rows: list[int], out: Collector,
             bounds: tuple[float, float]) -> list[float | None]:
    result: list[float | None] = []
    low, high = bounds
    for value, row, (number, how) in zip(values, rows, column_numbers(values, low, high), strict=True):
        if value is None:
            result.append(None)
            continue
        if number is None or not math.isfinite(number) or not low <= number <= high:
            what = AMBIGUOUS if how == "ambiguous" else "not a number in the allowed range" + (
                f" ({low:g} to {high:g})" if math.isfinite(high) else "")
            out.at(col, row, "value.bad_number", "warning", f"{what}; left empty",
                   "Enter a plain number such as 51,93 or 51.93.", value=value)
            result.append(None)
            continue
        if how == "decimal_comma":
            out.note(col, row, "value.decimal_comma", "info", "decimal comma read as decimal point")
        result.append(number)
    return result


def _dates(values: list[str | None], col: Column, rows: list[int], out: Collector) -> list[str | None]:
    result: list[str | None] = []
    for value, row in zip(values, rows, strict=True):
        if value is None:
            result.append(None)
            continue
        date, how = parse_date(value)
        if date is None:
            out.at(col, row, "value.bad_date", "warning", "not a date; left empty",
                   "Write dates as 31.12.2024, 2024-12-31, 12/2024 or 2024.", value=value)
        elif how == "day_first":
            out.note(col, row, "value.date_day_first", "info", "date read day-first (31.12.2024 = 31 December)")
        result.append(date)
    return result


def _booleans(values: list[str | None], col: Column, rows: list[int], vocab: Vocabulary,
              out: Collector) -> list[bool | None]:
    booleans = vocab.booleans
    result: list[bool | None] = []
    for value, row in zip(values, rows, strict=True):
        if value is None:
            result.append(None)
            continue
        flag = booleans.get(text_key(value), booleans.get(value.strip().casefold()))
        if flag is None:
            out.at(col, row, "value.bad_boolean", "warning", "not yes/no; left empty",
                   "Use yes/no, ja/nein, ja/nee, ja/nej, true/false or x.", value=value)
        result.append(flag)
    return result


def _directions(values: list[str | None], col: Column, rows: list[int], vocab: Vocabulary,
                out: Collector) -> list[str | None]:
    aliases = vocab.direction_aliases()
    booleans = vocab.booleans
    result: list[str | None] = []
    for value, row in zip(values, rows, strict=True):
        if value is None:
            result.append(None)
            continue
        direction = aliases.get(value.strip().casefold()) or aliases.get(text_key(value))
        if direction is None and text_key(value) in booleans:
            direction = "directed" if booleans[text_key(value)] else "undirected"
        if direction is None:
            out.at(col, row, "tie.bad_direction", "warning",
                   "direction not understood; the tie type's default is used",
                   "Use directed, undirected or mutual (or gerichtet/ungerichtet/gegenseitig ...).", value=value)
        result.append(direction)
    return result
