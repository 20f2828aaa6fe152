"""Typed columns: text cells → vocabulary ids, levels, numbers, dates, yes/no, directions.

Each converter works per distinct value (a column of two million cells holds a few hundred
distinct texts), builds the column with one dictionary lookup per cell, and goes row by row
only through the rows whose value has something to report, in row order, so that each
problem is reported where and in the order a cell-by-cell walk would report it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable, Sequence
from itertools import compress
from typing import Any, TypeVar, cast

from carenet_graph.read.cells import column_numbers, parse_date, parse_level
from carenet_graph.read.problems import Collector, Column
from carenet_graph.vocabulary import TypeMatch, Vocabulary, text_key

# "1,000" where nothing in the column tells a thousands separator from a decimal comma.
AMBIGUOUS = "ambiguous (one thousand, or one with three decimals? the column does not tell)"

NUMERIC = {"lat": (-90.0, 90.0), "lon": (-180.0, 180.0), "size": (0.0, math.inf), "trust": (-math.inf, math.inf),
           "value": (-math.inf, math.inf)}
DATES = ("since", "until")

T = TypeVar("T")


def distinct(values: Iterable[T | None]) -> list[T]:
    """The distinct values other than None, in the order they first occur."""
    found = dict.fromkeys(values)
    found.pop(None, None)
    return cast("list[T]", list(found))


def positions(values: Sequence[Hashable], wanted: set[Any]) -> list[int]:
    """Positions of the values in ``wanted``, in order (none when nothing is wanted)."""
    if not wanted:
        return []
    return list(compress(range(len(values)), map(wanted.__contains__, values)))


def mapped(values: Sequence[Hashable], table: dict[Any, Any]) -> list[Any]:
    """Each value through ``table`` (which maps every value that occurs; None maps to None)."""
    table[None] = None
    return list(map(table.__getitem__, values))


def plain(name: str, values: list[str | None], col: Column, rows: list[int], out: Collector) -> list[Any]:
    """A column with no role-specific conversion: numbers and dates typed, anything else as text."""
    if name in NUMERIC:
        return numbers(values, col, rows, out, NUMERIC[name])
    if name in DATES:
        return dates(values, col, rows, out)
    return values


def matched_types(values: list[str | None], col: Column, rows: list[int], match: Callable[[str], TypeMatch],
                  kind: str, fallback: str, out: Collector) -> list[str | None]:
    """Free-text actor or tie types → vocabulary ids."""
    found: dict[Any, TypeMatch] = {value: match(value) for value in distinct(values)}
    report = {value for value, hit in found.items() if not hit.matched or hit.how != "id"}
    for pos in positions(values, report):
        value, row = values[pos], rows[pos]
        hit = found[value]
        if not hit.matched:
            hint = ("Closest known types: " + ", ".join(hit.suggestions) + ". " if hit.suggestions else "")
            out.at(col, row, f"{kind}.type_unmatched", "warning",
                   f"{kind} type not in the vocabulary; read as {fallback}",
                   hint + "Use a type from the template's list, or add a synonym with --vocabulary.", value=value)
        else:
            out.note(col, row, f"{kind}.type_synonym", "info", f"{kind} type text mapped to the vocabulary")
    return mapped(values, {value: hit.id for value, hit in found.items()})


def sectors(values: list[str | None], col: Column, rows: list[int], vocab: Vocabulary,
            out: Collector) -> list[str | None]:
    """Sector text → sector ids; an unknown sector is left empty (it is derived from the type)."""
    known: dict[str, str] = {}
    for sector_id, entry in vocab.sectors.items():
        known[text_key(sector_id)] = sector_id
        for label in entry.get("labels", {}).values():
            known.setdefault(text_key(str(label)), sector_id)
    found = {value: known.get(text_key(value)) for value in distinct(values)}
    for pos in positions(values, {value for value, sid in found.items() if sid is None}):
        # No cell value is quoted in a message (a free-text cell may hold a name): it goes in ``value``.
        out.at(col, rows[pos], "actor.sector_unknown", "warning",
               "sector is not known; the sector is derived from the actor type instead",
               "Leave the sector empty or use one of: " + ", ".join(sorted(vocab.sectors)), value=values[pos])
    return mapped(values, found)


def levels(values: list[str | None], col: Column, rows: list[int], rejected: list[bool], vocab: Vocabulary,
           out: Collector) -> list[int | None]:
    """Frey levels 0–5; a row whose level cannot be read is rejected."""
    aliases = vocab.level_aliases()
    found: dict[Any, tuple[int | None, str]] = {value: parse_level(value, aliases, text_key)
                                                for value in distinct(values)}
    report = {value for value, (level, how) in found.items() if level is None or how == "alias"}
    for pos in positions(values, report):
        value, row = values[pos], rows[pos]
        if found[value][0] is None:
            rejected[pos] = True
            out.at(col, row, "tie.bad_level", "error",
                   "level is not on the collaboration scale 0–5; tie not used",
                   "Use a whole number 0 (none) to 5 (collaboration), or a level name from the template.",
                   value=value, rejected=True)
        else:
            out.note(col, row, "tie.level_text", "info", "level given as text and mapped to the 0–5 scale")
    return mapped(values, {value: level for value, (level, _how) in found.items()})


def frequencies(values: list[str | None], col: Column, rows: list[int], vocab: Vocabulary,
                out: Collector) -> list[int | None]:
    """Contact frequency 0–5 from a number or a word; one not understood is left empty."""
    scale = vocab.data["scales"]["contact_frequency"]
    aliases: dict[str, int] = {}
    for level in scale["levels"]:
        aliases[text_key(str(level["id"]))] = int(level["value"])
        for label in level.get("labels", {}).values():
            aliases.setdefault(text_key(str(label)), int(level["value"]))
    for value, names in scale.get("text_aliases", {}).items():
        for name in names:
            aliases.setdefault(text_key(str(name)), int(value))
    found = {value: parse_level(value, aliases, text_key)[0] for value in distinct(values)}
    for pos in positions(values, {value for value, level in found.items() if level is None}):
        out.at(col, rows[pos], "tie.bad_frequency", "warning",
               "contact frequency not understood; left empty",
               "Use 0 (never) to 5 (daily) or a word such as monthly / monatlich / maandelijks / månadsvis.",
               value=values[pos])
    return mapped(values, found)


def weights(values: list[str | None], col: Column, rows: list[int], rejected: list[bool],
            out: Collector) -> list[float | None]:
    """Weights > 0; a row whose weight is not such a number is rejected."""
    texts = distinct(values)
    readings: dict[Any, tuple[float | None, str]] = dict(zip(texts, column_numbers(texts, low=math.ulp(0.0)),
                                                             strict=True))
    good: dict[Any, float | None] = {}
    report = set()
    for text, (number, how) in readings.items():
        ok = number is not None and math.isfinite(number) and number > 0
        good[text] = number if ok else None
        if not ok or how == "decimal_comma":
            report.add(text)
    for pos in positions(values, report):
        value, row = values[pos], rows[pos]
        number, how = readings[value]
        if number is None or not math.isfinite(number) or number <= 0:
            what = (AMBIGUOUS if how == "ambiguous" else "not a number" if number is None
                    else "not finite" if not math.isfinite(number) else "zero" if number == 0 else "negative")
            rejected[pos] = True
            out.at(col, row, "tie.bad_weight", "error", f"weight is {what}; tie not used",
                   "A weight must be a number greater than 0 (higher = stronger collaboration), written without "
                   "thousands separators. Leave it empty if unknown.", value=value, rejected=True)
        else:
            out.note(col, row, "value.decimal_comma", "info", "decimal comma read as decimal point")
    return mapped(values, good)


def numbers(values: list[str | None], col: Column, rows: list[int], out: Collector,
            bounds: tuple[float, float]) -> list[float | None]:
    """Numbers within ``bounds``; one that is not such a number is left empty."""
    low, high = bounds
    texts = distinct(values)
    readings: dict[Any, tuple[float | None, str]] = dict(zip(texts, column_numbers(texts, low, high), strict=True))
    good: dict[Any, float | None] = {}
    report = set()
    for text, (number, how) in readings.items():
        ok = number is not None and math.isfinite(number) and low <= number <= high
        good[text] = number if ok else None
        if not ok or how == "decimal_comma":
            report.add(text)
    for pos in positions(values, report):
        value, row = values[pos], rows[pos]
        if good[value] is None:
            what = AMBIGUOUS if readings[value][1] == "ambiguous" else "not a number in the allowed range" + (
                f" ({low:g} to {high:g})" if math.isfinite(high) else "")
            out.at(col, row, "value.bad_number", "warning", f"{what}; left empty",
                   "Enter a plain number such as 51,93 or 51.93.", value=value)
        else:
            out.note(col, row, "value.decimal_comma", "info", "decimal comma read as decimal point")
    return mapped(values, good)


def dates(values: list[str | None], col: Column, rows: list[int], out: Collector) -> list[str | None]:
    """ISO dates (day-first input read as such); one that is not a date is left empty."""
    found: dict[Any, tuple[str | None, str]] = {value: parse_date(value) for value in distinct(values)}
    report = {value for value, (date, how) in found.items() if date is None or how == "day_first"}
    for pos in positions(values, report):
        row = rows[pos]
        if found[values[pos]][0] is None:
            out.at(col, row, "value.bad_date", "warning", "not a date; left empty",
                   "Write dates as 31.12.2024, 2024-12-31, 12/2024 or 2024.", value=values[pos])
        else:
            out.note(col, row, "value.date_day_first", "info", "date read day-first (31.12.2024 = 31 December)")
    return mapped(values, {value: date for value, (date, _how) in found.items()})


def booleans(values: list[str | None], col: Column, rows: list[int], vocab: Vocabulary,
             out: Collector) -> list[bool | None]:
    """Yes/no in any of the four languages; one not understood is left empty."""
    words = vocab.booleans
    found = {value: words.get(text_key(value), words.get(value.strip().casefold())) for value in distinct(values)}
    for pos in positions(values, {value for value, flag in found.items() if flag is None}):
        out.at(col, rows[pos], "value.bad_boolean", "warning", "not yes/no; left empty",
               "Use yes/no, ja/nein, ja/nee, ja/nej, true/false or x.", value=values[pos])
    return mapped(values, found)


def directions(values: list[str | None], col: Column, rows: list[int], vocab: Vocabulary,
               out: Collector) -> list[str | None]:
    """Directed / undirected in any of the four languages (or yes/no); one not understood is left empty."""
    aliases = vocab.direction_aliases()
    words = vocab.booleans
    found: dict[Any, str | None] = {}
    for value in distinct(values):
        direction = aliases.get(value.strip().casefold()) or aliases.get(text_key(value))
        if direction is None and text_key(value) in words:
            direction = "directed" if words[text_key(value)] else "undirected"
        found[value] = direction
    for pos in positions(values, {value for value, direction in found.items() if direction is None}):
        out.at(col, rows[pos], "tie.bad_direction", "warning",
               "direction not understood; the tie type's default is used",
               "Use directed, undirected or mutual (or gerichtet/ungerichtet/gegenseitig ...).", value=values[pos])
    return mapped(values, found)
