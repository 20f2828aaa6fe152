"""Plurals and numbers in the reader's language, through Babel's CLDR data.

Catalogue messages may hold ICU-style plural blocks, the syntax translators know from
Weblate, Crowdin and ICU MessageFormat::

    "{count, plural, one {they share # partner} other {they share # partners}}"

The block is replaced by the branch that CLDR's plural rule of the language picks for the
value (``one`` / ``other`` in en, de, nl and sv; ``zero``, ``two``, ``few`` and ``many``
are accepted for other languages, and ``=N`` for an exact value), and ``#`` inside it by the
value written with the language's digit grouping. Every other ``{placeholder}`` is filled by
:meth:`str.format` as before; numbers that should read as numbers in the language are
passed through :func:`number` or :func:`percent` by the caller (a row number or a year is
not grouped: "row 12345", not "row 12.345").
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cache
from typing import Any

from babel import Locale as BabelLocale
from babel.numbers import format_decimal, format_percent

__all__ = ["choose_plurals", "english_plural", "number", "percent", "plural_fields", "render"]

_BLOCK_START = re.compile(r"\{(\w+),\s*plural,\s*")
_BRANCH = re.compile(r"\s*(=\d+|zero|one|two|few|many|other)\s*\{")


@cache
def _babel(lang: str) -> BabelLocale:
    return BabelLocale.parse(lang)


def _matching_brace(text: str, start: int) -> int:
    """The index of the ``}`` closing the ``{`` at ``start - 1`` (nested braces counted)."""
    depth = 1
    for i in range(start, len(text)):
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return i
    raise ValueError(f"unbalanced braces in message: {text!r}")


def _branches(text: str, start: int) -> tuple[dict[str, str], int]:
    """The branches of a plural block whose options begin at ``start``, and the index after it."""
    branches: dict[str, str] = {}
    i = start
    while True:
        match = _BRANCH.match(text, i)
        if match is None:
            end = text.index("}", i)  # the block's own closing brace (after optional blanks)
            if text[i:end].strip():
                raise ValueError(f"unreadable plural block in message: {text!r}")
            if "other" not in branches:
                raise ValueError(f"a plural block without 'other' in message: {text!r}")
            return branches, end + 1
        close = _matching_brace(text, match.end())
        branches[match.group(1)] = text[match.end():close]
        i = close + 1


def plural_fields(text: str) -> set[str]:
    """The names of the values that choose a plural branch in ``text`` (for catalogue tests)."""
    return set(_BLOCK_START.findall(text))


def choose_plurals(text: str, lang: str, values: dict[str, Any]) -> str:
    """``text`` with each plural block replaced by the branch chosen for ``values`` (placeholders left)."""
    out: list[str] = []
    i = 0
    while (match := _BLOCK_START.search(text, i)) is not None:
        out.append(text[i:match.start()])
        branches, i = _branches(text, match.end())
        value = values[match.group(1)]
        chosen = branches.get(f"={value}") if isinstance(value, int) else None
        if chosen is None:
            category = _babel(lang).plural_form(abs(value))
            chosen = branches.get(category, branches["other"])
        # A block inside the chosen branch is chosen first, so that its "#" is its own value.
        out.append(choose_plurals(chosen, lang, values).replace("#", number(value, lang)))
    out.append(text[i:])
    return "".join(out)


def render(text: str, lang: str, values: dict[str, Any]) -> str:
    """``text`` with its plural blocks chosen for ``values`` and its placeholders filled."""
    if "plural," in text:
        text = choose_plurals(text, lang, values)
    return text.format(**values)


def number(value: float | int | Decimal, lang: str, digits: int | None = None) -> str:
    """``value`` as the language writes it: "1,234.5" (en), "1.234,5" (de, nl), "1 234,5" (sv).

    ``digits`` fixes the number of decimals (rounded half to even, as Babel does); None writes
    an integer as it is and a float with up to three decimals.
    """
    if digits is None:
        pattern = "#,##0" if isinstance(value, int) else "#,##0.###"
    else:
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return str(format_decimal(value, format=pattern, locale=_babel(lang)))


def percent(share: float, lang: str, digits: int = 0) -> str:
    """``share`` (0.25 for a quarter) as a percentage in the language: "25%" (en, nl), "25 %" (de, sv)."""
    # The language's own pattern (its spacing before the sign), with the decimals asked for.
    pattern = _babel(lang).percent_formats[None].pattern
    pattern = re.sub(r"0(?=[^0-9#]*%)", "0" + ("." + "0" * digits if digits else ""), pattern, count=1)
    return str(format_percent(share, format=pattern, locale=_babel(lang)))


def english_plural(count: int, singular: str, plural: str | None = None, *, with_count: bool = True) -> str:
    """``count`` and the English words for it: "1 row", "2 rows", "0 rows", "1,995 lines".

    For the English texts written at raise sites (the catalogues use plural blocks instead).
    ``plural`` defaults to ``singular + "s"``; give it for other plurals or for words that agree
    with the count ("1 row was" / "2 rows were"). ``with_count=False`` gives the words alone
    ("the column" / "the columns" before a list of names).
    """
    words = singular if count == 1 else (plural if plural is not None else f"{singular}s")
    return f"{count:,} {words}" if with_count else words
