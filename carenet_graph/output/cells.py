"""The text of a written cell: formula defence, missing values, and whole columns at once.

:func:`neutralise_cell` and :func:`cell_text` say what one value becomes in a CSV file (and in
an xlsx cell that is neither a number nor a boolean); :func:`column_texts` gives the same texts
for a whole column at once, because a table of 10^6 rows is 10^7 cells and a column mostly
holds one type of value: a column of floats is formatted in one pass of C code, and a column of
texts, integers or booleans neutralises or formats each distinct value once. Every fast path
gives exactly the text of :func:`cell_text` (a test holds them to a per-cell reference on
awkward values).
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import re
from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Any

import numpy as np

from carenet_graph.output.dialects import decimal_comma_text

__all__ = ["cell_text", "column_texts", "decimal_comma_cell", "is_missing", "neutralise_cell", "neutralise_texts"]

_ALWAYS_DANGEROUS = ("=", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?")
_PHONE_LIKE = re.compile(r"[0-9 +\-/().]*")
_NONE = type(None)
# The first character of a text ("" for ""), and the first characters neutralise_cell looks at.
_FIRST = itemgetter(slice(0, 1))
_FIRST_CHARS = "=@\t\r+-"
# Float texts of a column joined by NUL (no float's repr holds one), so that the few texts that
# differ from repr() are found by one regular expression over the column instead of a loop.
_SEP = "\x00"
_SPECIAL = re.compile(r"(?<![^\x00])(nan|-inf)(?![^\x00])")
_SPECIAL_TEXT = {"nan": "", "-inf": "'-inf"}  # what cell_text makes of them
_ONE_GROUP = re.compile(r"(?<![^\x00])([+-]?\d{1,3},\d{3})(?![^\x00])")  # as dialects.decimal_comma_text


def neutralise_cell(value: str) -> str:
    """Defuse a text cell so that no spreadsheet program runs it as a formula.

    Rule (after the OWASP "CSV Injection" advice): a value gets a leading apostrophe
    ``'`` when it starts with

    * ``=``, ``@``, a tab or a carriage return – always;
    * ``+`` or ``-`` – unless the whole value is a plain number (``-3.5``, ``+1e3``,
      ``-3,5``) or looks like a phone number, i.e. consists only of digits, spaces and
      ``+ - / ( ) .`` (``+49 5231 12345``, ``+31 (0)33-123 45 67``; this includes ``-``
      and ``--``, common "no value" marks). Such values cannot name a cell or call a
      function, so even when a program evaluates them nothing can happen, and changing
      them would corrupt phone numbers and negative numbers.

    Everything else is returned unchanged. The apostrophe is what Excel and LibreOffice
    use themselves to mark "this is text".

    Examples
    --------
    >>> neutralise_cell("=1+1")
    "'=1+1"
    >>> neutralise_cell("+49 5231 12345")
    '+49 5231 12345'
    >>> neutralise_cell("-2+3+cmd|' /C calc'!A0")
    "'-2+3+cmd|' /C calc'!A0"
    """
    if not value:
        return value
    if value.startswith(_ALWAYS_DANGEROUS):
        return "'" + value
    if value[0] in "+-" and not (
        _PLAIN_NUMBER.fullmatch(value) or _PHONE_LIKE.fullmatch(value)
    ):
        return "'" + value
    return value


def neutralise_texts(texts: list[str]) -> list[str]:
    """:func:`neutralise_cell` of each of ``texts``; when none starts with a character the rule
    looks at (one search over their first characters), ``texts`` itself."""
    firsts = "".join(map(_FIRST, texts))
    if not any(char in firsts for char in _FIRST_CHARS):
        return texts
    return list(map(neutralise_cell, texts))


def is_missing(value: object) -> bool:
    """None, NaN, pandas NA/NaT: written as an empty cell."""
    if value is None:
        return True
    kind = type(value)
    # Exact-type fast paths: abstract-class checks cost more than the write at 10^6 cells.
    if kind is str or kind is int or kind is bool:
        return False
    if kind is float:
        return value != value  # NaN
    if isinstance(value, numbers.Real) and not isinstance(value, numbers.Integral):
        return math.isnan(float(value))
    # pandas.NA / NaT, recognised by name so that writing files never imports pandas.
    return type(value).__name__ in ("NAType", "NaTType")


def cell_text(value: object) -> str:
    """Text form of a non-missing cell for CSV (and for XLSX cells that are not numbers)."""
    kind = type(value)
    if kind is str:
        return neutralise_cell(value)  # type: ignore[arg-type]
    if kind is int:
        return str(value)
    if kind is float and math.isfinite(value):  # type: ignore[arg-type]
        return repr(value)  # a finite float's repr cannot start a formula
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        # repr is the shortest text that reads back as the same float; float() first
        # because repr of a numpy float is "np.float64(...)".
        return neutralise_cell(repr(float(value)))
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return neutralise_cell(str(value))


def decimal_comma_cell(value: object) -> str:
    """:func:`cell_text`, with floats written with a decimal comma."""
    if type(value) is float or (isinstance(value, numbers.Real) and not isinstance(value, numbers.Integral)):
        number = float(value)
        if math.isfinite(number):
            return decimal_comma_text(number)
    return cell_text(value)


def _bool_text(value: object) -> str:
    return "true" if value else "false"


_BY_TYPE: dict[type, Callable[[Any], str]] = {int: str, bool: _bool_text}


def column_texts(values: Sequence[object], decimal_comma: bool = False) -> list[str]:
    """The CSV text of each value of a column: "" for a missing value, else :func:`cell_text`
    (:func:`decimal_comma_cell` with ``decimal_comma``).

    A column of floats (and None) is written by :func:`repr` in C, the texts that differ from
    repr (None and NaN empty, ``-inf`` neutralised, a decimal comma, a fourth decimal where
    "1,125" would look like a thousands group) fixed by regular expressions over the whole
    column; a column of texts, integers or booleans (and None) turns each distinct value into
    text once. Any other column is written cell by cell.
    """
    kinds = set(map(type, values))
    kinds.discard(_NONE)
    if not kinds:
        return [""] * len(values)
    if len(kinds) == 1:
        kind = kinds.pop()
        if kind is float:
            return _float_texts(values, decimal_comma)
        if kind is str:
            texts = [value for value in dict.fromkeys(values) if isinstance(value, str)]
            memo: dict[object, str] = dict(zip(texts, neutralise_texts(texts), strict=True))
            memo[None] = ""
            return list(map(memo.__getitem__, values))
        convert = _BY_TYPE.get(kind)
        if convert is not None:
            memo = dict.fromkeys(values, "")  # None stays ""
            for value in memo:
                if value is not None:
                    memo[value] = convert(value)
            return list(map(memo.__getitem__, values))
    cell = decimal_comma_cell if decimal_comma else cell_text
    return ["" if is_missing(value) else cell(value) for value in values]


def _float_texts(values: Sequence[object], decimal_comma: bool) -> list[str]:
    """:func:`column_texts` of a column of floats and None (see there): each distinct bit pattern
    once (-0.0 is not 0.0; None is NaN, and both are written empty)."""
    numbers = np.array(values, dtype=np.float64)
    distinct, where = np.unique(numbers.view(np.int64), return_inverse=True)
    joined = _SEP.join(map(repr, distinct.view(np.float64).tolist()))
    if "n" in joined:  # nan, inf, -inf: every other repr of a float is digits, ".", "e", "+", "-"
        joined = _SPECIAL.sub(lambda m: _SPECIAL_TEXT[m.group(1)], joined)
    if decimal_comma:
        joined = _ONE_GROUP.sub(r"\g<1>0", joined.replace(".", ","))
    texts = joined.split(_SEP)
    return list(map(texts.__getitem__, where.tolist()))
