"""Plural blocks and number formats (carenet_graph.i18n.formatting), against CLDR's rules as
written in each language's grammar: one partner / two partners; "1.234,5" in German and Dutch,
"1 234,5" (no-break space) in Swedish, "45 %" with a no-break space in German and Swedish."""

from __future__ import annotations

import pytest

from carenet_graph.i18n.formatting import choose_plurals, number, percent, plural_fields, render
from carenet_graph.locale import Locale

PARTNERS = "{count, plural, one {# Partner} other {# Partner*innen}} in {place}"


@pytest.mark.parametrize(("count", "expected"), [
    (0, "0 Partner*innen in Lemgo"), (1, "1 Partner in Lemgo"), (2, "2 Partner*innen in Lemgo"),
    (1234, "1.234 Partner*innen in Lemgo"),
])
def test_plural_branch_and_grouped_number_in_german(count: int, expected: str) -> None:
    assert render(PARTNERS, "de", {"count": count, "place": "Lemgo"}) == expected


def test_exact_value_branch_wins_over_the_category() -> None:
    text = "{n, plural, =0 {no tie} one {# tie} other {# ties}}"
    assert [render(text, "en", {"n": n}) for n in (0, 1, 2)] == ["no tie", "1 tie", "2 ties"]


def test_two_blocks_and_nested_placeholders() -> None:
    text = ("{a, plural, one {# error in {file}} other {# errors in {file}}}, "
            "{b, plural, one {# warning} other {# warnings}}")
    assert render(text, "en", {"a": 1, "b": 3, "file": "x"}) == "1 error in x, 3 warnings"
    assert plural_fields(text) == {"a", "b"}
    assert choose_plurals(text, "en", {"a": 2, "b": 1}) == "2 errors in {file}, 1 warning"


def test_a_block_without_other_is_refused() -> None:
    with pytest.raises(ValueError, match="without 'other'"):
        render("{n, plural, one {# tie}}", "en", {"n": 2})


@pytest.mark.parametrize(("lang", "grouped", "fraction", "share"), [
    ("en", "12,345", "0.77", "45.7%"),
    ("de", "12.345", "0,77", "45,7\u00a0%"),
    ("nl", "12.345", "0,77", "45,7%"),
    ("sv", "12\u00a0345", "0,77", "45,7\u00a0%"),
])
def test_numbers_and_percentages(lang: str, grouped: str, fraction: str, share: str) -> None:
    assert number(12345, lang) == grouped
    assert number(0.7692307692307693, lang, 2) == fraction
    assert percent(0.4567, lang, 1) == share
    loc = Locale(lang)
    assert loc.number(float("nan")) == loc.percent(None) == "–"
