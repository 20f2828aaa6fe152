"""Collaboration levels (Frey 0–5) that cannot be read as one level are errors, never guesses.

A range ("3-4", "2 bis 3"), a date ("1.2.2023"), a fraction ("3/4") or a thousands-formatted
number ("1,000") in a level column used to become the level of its first digit without a word.
Now such a tie is rejected like every other unreadable level (rule ``tie.bad_level``, located,
with the hint to write one whole number), and every row stays accounted for.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from carenet_graph.read.cells import column_numbers, parse_level
from carenet_graph.vocabulary import default_vocabulary, text_key
from tests.support.hostile import accounting, found, read, write_csv

LEVELS = default_vocabulary().level_aliases()

AMBIGUOUS = ["3-4", "3 - 4", "2 bis 3", "2 tot 3", "2 till 3", "2 to 3", "2–3", "2 — 3", "3/4", "1.2.2023",
             "01.02.2023", "1,000", "1.000", "2,000", "1 000", "3 – Kooperation", "2 oder 3", "1e999"]


@pytest.mark.parametrize("raw", AMBIGUOUS)
def test_ambiguous_level_cells_give_no_level(raw: str) -> None:
    level, how = parse_level(raw, LEVELS, text_key)
    assert level is None, (raw, level)
    assert how in ("ambiguous", "out_of_range", "bad")


@pytest.mark.parametrize(("raw", "how"), [
    ("3-4", "ambiguous"), ("2 bis 3", "ambiguous"), ("1.2.2023", "ambiguous"), ("1,000", "ambiguous"),
    ("3/4", "ambiguous"), ("3 – Kooperation", "ambiguous"), ("nan", "out_of_range"), ("inf", "out_of_range"),
])
def test_how_says_why(raw: str, how: str) -> None:
    assert parse_level(raw, LEVELS, text_key) == (None, how)


@pytest.mark.parametrize(("raw", "level"), [
    ("3", 3), ("3,0", 3), ("3.0", 3), ("3 – Koordination", 3), ("3 - coordination", 3), ("4: Koalition", 4),
    ("3) regelmäßige Absprachen", 3), ("2 (Kooperation)", 2), ("5.", 5), ("0 – keine", 0),
])
def test_a_level_with_its_label_is_still_read(raw: str, level: int) -> None:
    assert parse_level(raw, LEVELS, text_key)[0] == level


def test_ambiguous_levels_in_a_ties_table_are_located_errors_and_the_ties_are_not_used(tmp_path: Path) -> None:
    cells = ["3-4", "2 bis 3", "2 tot 3", "2–3", "1,000", "1.2.2023", "3/4"]
    rows = [["source", "target", "level"], *[["A", f"B{i}", cell] for i, cell in enumerate(cells)], ["A", "C", "3"]]
    data = read(write_csv(tmp_path / "t.csv", rows, delimiter=";"))
    assert data.ties["level"].tolist() == [3]
    bad = found(data, "tie.bad_level")
    assert [(p.row, p.column, p.column_letter, p.severity, p.rejected, p.value) for p in bad] == [
        (i + 2, "level", "C", "error", True, cell) for i, cell in enumerate(cells)]
    assert all("whole number" in p.hint for p in bad)
    assert accounting(data.report.accounting) == (8, 0, 1, 7)


def test_ambiguous_levels_in_a_survey_and_a_matrix(tmp_path: Path) -> None:
    survey = write_csv(tmp_path / "s.csv", [["Respondent", "Partner 1", "Intensität 1", "Partner 2", "Intensität 2"],
                                            ["A", "B", "2 bis 3", "C", "4"]])
    data = read(survey)
    assert data.ties[["source", "target", "level"]].values.tolist() == [["A", "C", 4]]
    assert [(p.row, p.value) for p in found(data, "tie.bad_level")] == [(2, "2 bis 3")]
    assert data.report.accounting.balanced
    matrix = write_csv(tmp_path / "m.csv", [["", "A", "B", "C"], ["A", "", "3-4", "2"], ["B", "1,000", "", ""]])
    data = read(matrix)
    assert sorted(data.ties[["source", "target", "level"]].values.tolist()) == [["A", "C", 2]]
    assert sorted(p.value or "" for p in found(data, "tie.bad_level")) == ["1,000", "3-4"]
    assert data.report.accounting.balanced


def test_ambiguous_frequency_is_left_empty_with_a_warning(tmp_path: Path) -> None:
    rows = [["source", "target", "frequency"], ["A", "B", "2-3"], ["A", "C", "monthly"]]
    data = read(write_csv(tmp_path / "t.csv", rows))
    bad = found(data, "tie.bad_frequency")
    assert [(p.row, p.severity, p.rejected) for p in bad] == [(2, "warning", False)]
    assert data.ties["frequency"].isna().tolist() == [True, False]
    assert accounting(data.report.accounting) == (2, 0, 2, 0)


# -- "1,000" in number columns: the column decides, or nothing is guessed ------------------------


@pytest.mark.parametrize("column,expected", [
    (["1,000"], [(None, "ambiguous")]),
    (["1.000"], [(None, "ambiguous")]),
    (["1,000", "2,5"], [(1.0, "decimal_comma"), (2.5, "decimal_comma")]),
    (["1,000", "2.5"], [(1000.0, "ok"), (2.5, "ok")]),
    (["1.000", "2,5"], [(1000.0, "ok"), (2.5, "decimal_comma")]),
    (["1,000", "1.234,5"], [(1.0, "decimal_comma"), (1234.5, "decimal_comma")]),
    (["2,000", "1,234,567"], [(2000.0, "ok"), (1234567.0, "ok")]),
    (["1,000", "2,5", "3.5"], [(None, "ambiguous"), (2.5, "decimal_comma"), (3.5, "ok")]),  # mixed: no mark
    (["-1,500", None, "7"], [(None, "ambiguous"), (None, "ok"), (7.0, "ok")]),
])
def test_a_weight_like_one_thousand_is_read_by_its_column(column: list[str | None],
                                                          expected: list[tuple[float | None, str]]) -> None:
    assert column_numbers(column, low=-math.inf) == expected


def test_a_bounded_column_takes_the_one_reading_in_range() -> None:
    assert column_numbers(["51,936", "8.123"], -90, 90) == [(51.936, "decimal_comma"), (8.123, "ok")]
    assert column_numbers(["51,936"], -90, 90) == [(51.936, "decimal_comma")]
    assert column_numbers(["1,200"], 0, 5000) == [(None, "ambiguous")]  # 1.2 and 1200 both fit


def test_an_ambiguous_weight_rejects_its_row_with_a_location(tmp_path: Path) -> None:
    ties = write_csv(tmp_path / "ties.csv", [["source", "target", "weight"], ["A", "B", "1,000"],
                                             ["A", "C", "2"], ["B", "C", ""]])
    data = read(ties)
    assert sorted(data.ties[["source", "target"]].values.tolist()) == [["A", "C"], ["B", "C"]]
    [problem] = found(data, "tie.bad_weight")
    assert (problem.row, problem.column, problem.severity, problem.rejected) == (2, "weight", "error", True)
    assert "ambiguous" in problem.message and "1,000" not in problem.message
    assert data.report.accounting.balanced
    settled = write_csv(tmp_path / "settled.csv", [["source", "target", "weight"], ["A", "B", "1,000"],
                                                   ["A", "C", "0,5"]])
    assert sorted(read(settled).ties["weight"].tolist()) == [0.5, 1.0]


@pytest.mark.parametrize("text,expected", [
    ("1.234.567", (1234567.0, "ok")), ("1,234,567", (1234567.0, "ok")), ("1.234,5", (1234.5, "decimal_comma")),
    ("1,234.5", (1234.5, "ok")), ("1 234,5", (1234.5, "decimal_comma")), ("1'234.5", (1234.5, "ok")),
])
def test_grouped_numbers_read_every_way_they_are_written(text: str, expected: tuple[float, str]) -> None:
    """Several thousands groups once ended in an internal error ('1.234.567' is no float)."""
    from carenet_graph.read.cells import parse_number

    assert parse_number(text) == expected
