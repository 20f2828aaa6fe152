"""Text cells → clean text and typed values, per column, with every change counted.

Cleaning (all columns): Unicode NFKC; invisible and odd whitespace (no-break space, zero-width
characters, soft hyphen, tabs and line breaks inside a cell) become one plain space or are
removed; control characters are removed; a byte-order mark inside the data (two files pasted
together) is removed and reported; mojibake signatures (``Ã¼``, ``Ã¥``, ``â€``) are reported,
not guessed at. Localised spreadsheet error values (``#NV``, ``#N/A``, ``#SAKNAS!``...) count
as empty with a warning.

Conversion is schema-driven: decimal commas only in numeric columns; dates day-first; ids and
postcodes stay text. Conversions are memoised per distinct value, so a column of two million
cells with a few hundred distinct values costs a few hundred conversions.

Every function here is pure: what cleaning changed comes back as flags, which the column
converters (:mod:`carenet_graph.read.records`) hand to the problem
:class:`~carenet_graph.read.problems.Collector`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache

from carenet_graph.read.problems import CONTROL, INVISIBLE, MID_BOM, MOJIBAKE, NFKC, WHITESPACE
from carenet_graph.vocabulary import text_key

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\u00ad\u180e"), None)
_ODD_SPACE = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\t\r\n\v\f]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_MULTI_SPACE = re.compile(r"  +")
# UTF-8 read as Windows-1252/Latin-1: 'Ã' or 'Â' followed by a continuation-byte character,
# or the 'â€' prefix of curly quotes and dashes.
_MOJIBAKE = re.compile(
    r"[ÃÂ][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122]"
    r"|â€"
)

EXCEL_ERRORS = frozenset(
    e.casefold()
    for e in (
        "#N/A", "#NV", "#N/B", "#SAKNAS!", "#NA", "#VALUE!", "#WERT!", "#WAARDE!", "#VÄRDEFEL!",
        "#REF!", "#BEZUG!", "#VERW!", "#REFERENS!", "#DIV/0!", "#DEL/0!", "#NAME?", "#NAAM?",
        "#NAMN?", "#NUM!", "#ZAHL!", "#GETAL!", "#NULL!", "#LEER!", "#NUL!", "#SPILL!", "#ÜBERLAUF!",
        "#CALC!", "#BERECHNUNG!", "#GETTING_DATA", "#FIELD!", "#BLOCKED!",
    )
)


@lru_cache(maxsize=65536)
def clean_text(value: str) -> tuple[str, int]:
    """Clean one cell; returns (text, flags of what changed).

    The flags are the bits of :mod:`carenet_graph.read.problems` (``NFKC``, ``INVISIBLE``,
    ``CONTROL``, ``MID_BOM``, ``MOJIBAKE``, ``WHITESPACE``); :meth:`Collector.flags
    <carenet_graph.read.problems.Collector.flags>` reports them.
    """
    flags = 0
    text = value
    if "\ufeff" in text:
        flags |= MID_BOM
        text = text.replace("\ufeff", "")
    if text.isascii():
        if _CONTROL.search(text):
            flags |= CONTROL
            text = _CONTROL.sub("", text)
        stripped = text.strip()
        if "\t" in stripped or "\n" in stripped or "\r" in stripped or "  " in stripped:
            flags |= WHITESPACE
            stripped = _MULTI_SPACE.sub(" ", _ODD_SPACE.sub(" ", stripped)).strip()
        return stripped, flags
    # Mojibake is looked for before NFKC, which would rewrite its evidence ('Ã¼' → 'Ã1⁄4',
    # 'â€™' → 'â€TM'); such text is also left un-normalised so that re-decoding can still
    # repair it.
    mojibake = _MOJIBAKE.search(text) is not None
    # NFKC turns no-break and other odd spaces into plain ones: look for them first, so that
    # they are counted as whitespace (not as NFKC, and not lost from the count).
    odd_space = _ODD_SPACE.search(text) is not None
    normalised = text if mojibake else unicodedata.normalize("NFKC", text)
    if normalised != text:
        if _ODD_SPACE.sub(" ", text) != _ODD_SPACE.sub(" ", normalised):
            flags |= NFKC
        text = normalised
    without = text.translate(_INVISIBLE)
    if without != text:
        flags |= INVISIBLE
        text = without
    if _CONTROL.search(text):
        flags |= CONTROL
        text = _CONTROL.sub("", text)
    if odd_space or _ODD_SPACE.search(text) or "  " in text.strip():
        flags |= WHITESPACE
        text = _MULTI_SPACE.sub(" ", _ODD_SPACE.sub(" ", text))
    text = text.strip()
    if mojibake:
        flags |= MOJIBAKE
    return text, flags


# Lines of lower-case ASCII words separated by single spaces: texts that are their own key.
_PLAIN_KEYS = re.compile(r"[a-z0-9]+(?: [a-z0-9]+)*(?:\n[a-z0-9]+(?: [a-z0-9]+)*)*")


class TextKeys(dict[str, str]):
    """:func:`~carenet_graph.vocabulary.text_key` of each text asked for, made once per text.

    Plain ASCII words separated by single spaces ("A0047318", "Actor 12") are their own key in
    lower case (NFKC leaves ASCII alone, and there is no separator or space to fold): the
    regular expressions run only for the other texts.
    """

    def __missing__(self, value: str) -> str:
        low = value.lower()
        if not (value.isascii() and (low.isalnum() or (low.replace(" ", "").isalnum() and "  " not in low
                                                         and low.strip() == low))):
            low = text_key(value)
        self[value] = low
        return low

    def prime(self, values: Iterable[str]) -> None:
        """Make the keys of many texts at once when all are plain (one test of them joined)."""
        texts = [v for v in values if v not in self]
        keys = plain_keys(texts)
        if keys is not None:
            self.update(zip(texts, keys, strict=True))

    def of(self, values: list[str]) -> list[str]:
        """The key of each text, in order."""
        keys = plain_keys(values)
        return keys if keys is not None else [self[v] for v in values]


def plain_keys(texts: list[str]) -> list[str] | None:
    """The :func:`~carenet_graph.vocabulary.text_key` of every text, when all are plain ASCII words
    separated by single spaces (then each is its own key in lower case); else None."""
    joined = "\n".join(texts)
    if joined.isascii():
        low = joined.lower()
        keys = low.split("\n")
        if len(keys) == len(texts) and _PLAIN_KEYS.fullmatch(low):
            return keys
    return None


# -- typed conversions (pure, memoised) ---------------------------------------------------

_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}([. ']\d{3})+([.,]\d+)?$|^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
# One separator followed by exactly three digits: "1,000" is one thousand with a thousands comma, or
# one with a decimal comma; "1.000" likewise. Only the rest of the column can tell.
_ONE_GROUP = re.compile(r"^[+-]?\d{1,3}([.,])\d{3}$")
_COMMA_DECIMAL = re.compile(r"^[+-]?(\d*,\d+|\d{1,3}(\.\d{3})+,\d*|\d{1,3}(\.\d{3}){2,})$")
_POINT_DECIMAL = re.compile(r"^[+-]?(\d*\.\d+|\d{1,3}(,\d{3})+\.\d*|\d{1,3}(,\d{3}){2,})$")
_LEADING_LEVEL = re.compile(r"^\s*([0-5])(?:\s*[-–—:.)=]\s*|\s+)(.*)$")
# "1,000" / "1.000": a thousands separator (1000) or three decimals (1)? In a level column
# neither reading is a level, and guessing one would be wrong half the time.
_THOUSANDS_LIKE = re.compile(r"^[+-]?\d{1,3}(?:[.,' ]\d{3})+$")
_DIGIT = re.compile(r"\d")


def decimal_mark(values: Iterable[str]) -> str | None:
    """The decimal mark a column's numbers settle: "," or "."; None when none settles it or they disagree.

    "1,5", "1.234,5" and "1.234.567" settle the comma; "1.5", "1,234.5" and "1,234,567" the
    point. A value such as "1,000" or "1.000" settles nothing: it is what needs settling.
    """
    marks = set()
    for value in values:
        text = value.strip()
        if _ONE_GROUP.match(text):
            continue
        if _COMMA_DECIMAL.match(text):
            marks.add(",")
        elif _POINT_DECIMAL.match(text):
            marks.add(".")
    return marks.pop() if len(marks) == 1 else None


def grouped_readings(text: str) -> tuple[float, float] | None:
    """For "1,000" or "1.000": (the value with that separator as decimal mark, the value with it as
    thousands separator), here (1.0, 1000.0); None for any other text."""
    t = text.strip()
    match = _ONE_GROUP.match(t)
    if match is None:
        return None
    sign = -1.0 if t.startswith("-") else 1.0
    digits = t.lstrip("+-")
    head, _, tail = digits.partition(match.group(1))
    return sign * float(f"{head}.{tail}"), sign * float(head + tail)


def column_numbers(values: Sequence[str | None], low: float = -math.inf,
                   high: float = math.inf) -> list[tuple[float | None, str]]:
    """Each cell of a number column as (number, how), how one of ok, decimal_comma, bad,
    ambiguous (None: an empty cell, ("None", "ok")).

    "1,000" and "1.000" are read by the decimal mark the rest of the column settles
    (:func:`decimal_mark`); when nothing settles it, by the one reading inside ``low``–``high``
    (a latitude "51,936" is 51.936, never 51936); when both fit, the cell is ambiguous and not
    guessed. Every other cell is read by :func:`parse_number`.
    """
    mark = decimal_mark(v for v in values if v is not None)
    result: list[tuple[float | None, str]] = []
    for value in values:
        readings = None if value is None else grouped_readings(value)
        if value is None or readings is None:
            result.append((None, "ok") if value is None else parse_number(value))
            continue
        separator = "," if "," in value else "."
        if mark is not None:
            as_decimal = separator == mark
        elif (low <= readings[0] <= high) != (low <= readings[1] <= high):
            as_decimal = low <= readings[0] <= high
        else:
            result.append((None, "ambiguous"))
            continue
        result.append((readings[0] if as_decimal else readings[1],
                       "decimal_comma" if as_decimal and separator == "," else "ok"))
    return result


@lru_cache(maxsize=65536)
def parse_number(text: str) -> tuple[float | None, str]:
    """Number from text; returns (value, how) with how in ok, decimal_comma, bad.

    A single comma is a decimal comma ("51,909" → 51.909): these files come from German,
    Dutch and Swedish Excel. Thousands separators are accepted only in unambiguous groups
    ("1.234,5", "1 234,5").
    """
    t = text.strip().replace("\u2212", "-")
    if _NUMBER.match(t):
        if "," in t:
            return float(t.replace(",", ".")), "decimal_comma"
        return float(t), "ok"
    if _GROUPED.match(t):
        body = t.replace(" ", "").replace("'", "")
        commas, points = body.count(","), body.count(".")
        if commas == 1 and body.rfind(",") > body.rfind("."):  # 1.234,5: the one comma is the decimal mark
            return float(body.replace(".", "").replace(",", ".")), "decimal_comma"
        if points == 1 and body.rfind(".") > body.rfind(","):  # 1,234.5: the one point is the decimal mark
            return float(body.replace(",", "")), "ok"
        return float(body.replace(",", "").replace(".", "")), "ok"  # 1.234.567, 1,234,567: groups only
    lowered = t.casefold()
    if lowered in ("nan", "inf", "+inf", "-inf", "infinity", "-infinity", "+infinity"):
        return float(lowered.replace("infinity", "inf")), "ok"
    return None, "bad"


def parse_level(text: str, aliases: dict[str, int], key: Callable[[str], str]) -> tuple[int | None, str]:
    """Frey level 0–5 from a digit, "3 – label", "3,0", or a label/alias in any language.

    Returns (level, how) with how in ``ok``, ``alias``, or, without a level: ``out_of_range``
    (a number that is not a whole 0–5, NaN or infinity included), ``ambiguous`` (a range such
    as "3-4", "2 bis 3", "2 tot 3", "2–3", "3/4", a date such as "1.2.2023", a
    thousands-formatted number such as "1,000"; "3 – Kooperation" whose label names another
    level) or ``bad``. A level is never guessed from the first digit of such a cell: the
    caller rejects the row, as for any other level that cannot be read.
    """
    t = text.strip()
    if _THOUSANDS_LIKE.match(t):
        return None, "ambiguous"
    value, _how = parse_number(t)
    if value is not None:
        if math.isfinite(value) and value.is_integer() and 0 <= value <= 5:
            return int(value), "ok"
        return None, "out_of_range"
    m = _LEADING_LEVEL.match(t)
    if m:
        level, rest = int(m.group(1)), m.group(2)
        named = aliases.get(key(rest)) if rest else None
        # "3 – Koordination" or "3) regelmäßige Absprachen": a level and its label. Another
        # digit after the level ("3-4", "2 bis 3", "1.2.2023") makes a range or a date, and a
        # label of another level ("3 – Kooperation") contradicts the number.
        if _DIGIT.search(rest) or (named is not None and named != level):
            return None, "ambiguous"
        return level, "ok"
    alias = aliases.get(key(t))
    if alias is not None:
        return alias, "alias"
    if _DIGIT.search(t):
        return None, "ambiguous" if any(ch in t for ch in "/-–—") else "bad"
    return None, "bad"


_DATE_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"), "ymd"),
    (re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$"), "dmy"),
    (re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{2})$"), "dmy2"),
    (re.compile(r"^(\d{1,2})[./-](\d{4})$"), "my"),
    (re.compile(r"^(\d{4})[./-](\d{1,2})$"), "ym"),
    (re.compile(r"^(\d{4})$"), "y"),
)


@lru_cache(maxsize=65536)
def parse_date(text: str) -> tuple[str | None, str]:
    """ISO date text (YYYY, YYYY-MM or YYYY-MM-DD) from day-first or ISO input.

    "01.02.2023" is 1 February 2023 (day first, as in DE/NL/SE); a date only given as a year
    or month stays that precise.
    """
    t = text.strip()
    for pattern, kind in _DATE_PATTERNS:
        m = pattern.match(t)
        if not m:
            continue
        g = [int(x) for x in m.groups()]
        try:
            if kind == "ymd":
                return dt.date(g[0], g[1], g[2]).isoformat(), "ok"
            if kind == "dmy":
                return dt.date(g[2], g[1], g[0]).isoformat(), "day_first"
            if kind == "dmy2":
                return dt.date(2000 + g[2] if g[2] < 70 else 1900 + g[2], g[1], g[0]).isoformat(), "day_first"
            if kind == "my":
                if 1 <= g[0] <= 12:
                    return f"{g[1]:04d}-{g[0]:02d}", "ok"
                return None, "bad"
            if kind == "ym":
                if 1 <= g[1] <= 12:
                    return f"{g[0]:04d}-{g[1]:02d}", "ok"
                return None, "bad"
            if 1800 <= g[0] <= 2200:
                return f"{g[0]:04d}", "ok"
        except ValueError:
            return None, "bad"
    return None, "bad"


def is_excel_error(text: str) -> bool:
    """Whether ``text`` is a spreadsheet error value in any language (``#NV``, ``#N/A``, ``#SAKNAS!``...)."""
    return text.startswith("#") and text.casefold() in EXCEL_ERRORS
