"""Tests for carenet_graph.read.cells: cleaning flags and per-column conversions."""

from __future__ import annotations

import math

import pytest

from carenet_graph.read.cells import clean_text, is_excel_error, parse_date, parse_level, parse_number
from carenet_graph.read.problems import (
    CONTROL,
    INVISIBLE,
    MID_BOM,
    MOJIBAKE,
    NFKC,
    WHITESPACE,
    Collector,
    Column,
)
from carenet_graph.vocabulary import default_vocabulary, text_key

# -- clean_text ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "text", "flags"),
    [
        ("  Zzyzx Hospiz ", "Zzyzx Hospiz", 0),  # ordinary trimming is not worth a note
        ("Zzyzx\u00a0Hospiz", "Zzyzx Hospiz", WHITESPACE),  # no-break space
        ("\u00a0Ärzte\u2003Lippe\u202f", "Ärzte Lippe", WHITESPACE),
        ("Zzyzx  Hospiz", "Zzyzx Hospiz", WHITESPACE),
        ("Zzyzx\tHospiz\r\nLemgo", "Zzyzx Hospiz Lemgo", WHITESPACE),
        ("Zzy\u200bzx Hos\u00adpiz\u2060", "Zzyzx Hospiz", INVISIBLE),  # zero-width, soft hyphen, word joiner
        ("Zzyzx\x07 Hospiz\x1b", "Zzyzx Hospiz", CONTROL),
        ("Ärzte\x00\x7f", "Ärzte", CONTROL),
        ("\ufeffid", "id", MID_BOM),
        ("ﬁnanzamt Ｌｅｍｇｏ", "finanzamt Lemgo", NFKC),
        ("ＡＢ\u3000c", "AB c", NFKC | WHITESPACE),
        ("Be\u00adta\x07", "Beta", INVISIBLE | CONTROL),
    ],
)
def test_clean_text_cleans_and_says_what_it_changed(raw: str, text: str, flags: int) -> None:
    assert clean_text(raw) == (text, flags)


@pytest.mark.parametrize("raw", ["MÃ¼ller", "Vã¥rdcentralen".replace("ã", "Ã"), "Caritas â€“ Lemgo", "GrÃ¶ÃŸe"])
def test_mojibake_is_reported_and_left_repairable(raw: str) -> None:
    text, flags = clean_text(raw)
    assert flags == MOJIBAKE
    # Not NFKC-normalised: '¼' would become '1⁄4' and the text could no longer be repaired.
    assert text == raw
    assert text.encode("cp1252").decode("utf-8") in ("Müller", "Vårdcentralen", "Caritas – Lemgo", "Größe")


def test_proper_umlauts_are_not_mojibake() -> None:
    assert clean_text("Ärztenetz Ölbergstraße Vårdcentralen Ëmmen Â") == (
        "Ärztenetz Ölbergstraße Vårdcentralen Ëmmen Â", 0)


# -- numbers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "value", "how"),
    [
        ("51.936", 51.936, "ok"),
        ("51,936", 51.936, "decimal_comma"),
        ("-8,5", -8.5, "decimal_comma"),
        ("\u22128,5", -8.5, "decimal_comma"),  # minus sign from a word processor
        (",5", 0.5, "decimal_comma"),
        ("1.234,5", 1234.5, "decimal_comma"),
        ("1 234,5", 1234.5, "decimal_comma"),
        ("1,234.5", 1234.5, "ok"),
        ("1e3", 1000.0, "ok"),
        ("3", 3.0, "ok"),
        ("abc", None, "bad"),
        ("1,2,3", None, "bad"),
        ("", None, "bad"),
    ],
)
def test_parse_number(raw: str, value: float | None, how: str) -> None:
    assert parse_number(raw) == (value, how)


@pytest.mark.parametrize("raw", ["NaN", "inf", "-Infinity", "+inf"])
def test_parse_number_reads_non_finite_values_so_that_callers_can_reject_them(raw: str) -> None:
    number, how = parse_number(raw)
    assert how == "ok"
    assert number is not None and not math.isfinite(number)


# -- levels ----------------------------------------------------------------------------------

LEVELS = default_vocabulary().level_aliases()


@pytest.mark.parametrize(
    ("raw", "level", "how"),
    [
        ("3", 3, "ok"),
        ("3,0", 3, "ok"),
        ("3.0", 3, "ok"),
        ("0", 0, "ok"),
        ("5", 5, "ok"),
        ("3 – Koordination", 3, "ok"),
        ("3 - coordination", 3, "ok"),
        ("4: Koalition", 4, "ok"),
        ("Koordination", 3, "alias"),
        ("samordning", 3, "alias"),
        ("Coördinatie (afstemming)", 3, "alias"),
        ("integrale samenwerking", 5, "alias"),
        ("keine", 0, "alias"),
        ("7", None, "out_of_range"),
        ("-1", None, "out_of_range"),
        ("2,5", None, "out_of_range"),
        ("2.5", None, "out_of_range"),
        ("NaN", None, "out_of_range"),
        ("viel", None, "bad"),
        ("", None, "bad"),
    ],
)
def test_parse_level(raw: str, level: int | None, how: str) -> None:
    assert parse_level(raw, LEVELS, text_key) == (level, how)


# -- dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "date", "how"),
    [
        ("01.02.2023", "2023-02-01", "day_first"),  # 1 February, not 2 January
        ("1.2.2023", "2023-02-01", "day_first"),
        ("13/02/2023", "2023-02-13", "day_first"),
        ("01-02-23", "2023-02-01", "day_first"),
        ("01.02.99", "1999-02-01", "day_first"),
        ("2023-02-01", "2023-02-01", "ok"),
        ("2023-02-01 00:00:00", "2023-02-01", "ok"),
        ("02/2023", "2023-02", "ok"),
        ("2023.02", "2023-02", "ok"),
        ("2023", "2023", "ok"),
        ("31.02.2023", None, "bad"),
        ("13/2023", None, "bad"),
        ("1066", None, "bad"),
        ("gestern", None, "bad"),
    ],
)
def test_parse_date_day_first(raw: str, date: str | None, how: str) -> None:
    assert parse_date(raw) == (date, how)


# -- spreadsheet error values ----------------------------------------------------------------


@pytest.mark.parametrize("raw", ["#N/A", "#NV", "#nv", "#SAKNAS!", "#WERT!", "#WAARDE!", "#VÄRDEFEL!", "#DIV/0!",
                                 "#BEZUG!", "#NAME?", "#NAAM?", "#ZAHL!", "#LEER!", "#ÜBERLAUF!"])
def test_localised_excel_errors(raw: str) -> None:
    assert is_excel_error(raw)


@pytest.mark.parametrize("raw", ["#1", "#", "# NV", "NV", "#hashtag", "N/A"])
def test_not_excel_errors(raw: str) -> None:
    assert not is_excel_error(raw)


# -- collector -------------------------------------------------------------------------------


def test_collector_aggregates_notes_per_column_and_rule() -> None:
    out = Collector()
    col = Column("a.csv", None, "Name", 1)
    for row in range(2, 30):
        out.flags(col, row, WHITESPACE | INVISIBLE)
    out.at(col, 7, "tie.bad_level", "error", "bad", value="7", rejected=True)
    problems = out.finish()
    assert [(p.rule, p.count, p.row, p.rows[:3], len(p.rows)) for p in problems] == [
        ("tie.bad_level", 1, 7, (), 0),
        ("cell.invisible_chars", 28, 2, (2, 3, 4), 20),
        ("cell.whitespace", 28, 2, (2, 3, 4), 20),
    ]
    assert problems[1].column == "Name" and problems[1].column_letter == "B"
    assert out.finish() == problems  # finishing twice adds nothing


@pytest.mark.parametrize("raw", ["1e999", "-1e999", "nan", "-inf", "Infinity"])
def test_overflowing_and_non_finite_numbers_are_never_a_level(raw: str) -> None:
    number, _how = parse_number(raw)
    assert number is not None and not math.isfinite(number)  # so that every caller rejects it
    assert parse_level(raw, LEVELS, text_key) == (None, "out_of_range")


@pytest.mark.parametrize("raw", ["3-4", "2 bis 3", "2 tot 3", "2–3", "1,000", "1.2.2023", "3/4"])
def test_ranges_dates_and_thousands_are_not_read_as_their_first_digit(raw: str) -> None:
    assert parse_level(raw, LEVELS, text_key) == (None, "ambiguous")
