"""Misspelt headers get a clear answer: the row accounting says what was lost, the hint names
the header that was probably meant (by column letter: header texts can carry names)."""

from __future__ import annotations

from pathlib import Path

from carenet_graph.read import read_network


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_misspelt_end_column_is_an_error_with_the_likely_header(tmp_path: Path) -> None:
    actors = write(tmp_path, "akteure.csv", "id;name\n1;Praxis A\n2;PKD\n")
    ties = write(tmp_path, "beziehungen.csv", "Von;Mitt;Intensität\n1;2;3\n2;1;2\n")
    report = read_network([actors, ties]).report
    assert report.has_errors
    [problem] = [p for p in report.problems if p.rule == "table.missing_column"]
    assert problem.severity == "error" and problem.count == 1 and problem.rejected
    assert problem.hint.startswith("column B — did you mean 'mit' (target)?")
    assert "Mitt" not in problem.hint and "Mitt" not in problem.message
    acc = report.accounting
    assert (acc.tie_rows, acc.rows_rejected, acc.rows_read) == (0, 2, 4) and acc.balanced


def test_a_missing_name_column_is_a_warning_naming_the_fallback(tmp_path: Path) -> None:
    actors = write(tmp_path, "akteure.csv", "id;Nmae\n1;Praxis A\n2;PKD\n")
    ties = write(tmp_path, "beziehungen.csv", "Von;Mit\n1;2\n")
    data = read_network([], actors=[actors], ties=[ties])
    [problem] = [p for p in data.report.problems if p.rule == "table.no_name_column"]
    assert problem.severity == "warning" and "id instead" in problem.message
    assert "column B — did you mean 'name' (name)?" in problem.hint and "Nmae" not in problem.hint
    with_names = write(tmp_path, "mit_namen.csv", "id;Name\n1;Praxis A\n2;PKD\n")
    clean = read_network([], actors=[with_names], ties=[ties]).report
    assert not [p for p in clean.problems if p.rule == "table.no_name_column"]


def test_nothing_recognised_is_an_error_and_actors_without_ties_a_warning(tmp_path: Path) -> None:
    letter = write(tmp_path, "brief.docx", "Sehr geehrte Damen und Herren,\nanbei die Liste.\n")
    nothing = read_network([letter]).report
    assert nothing.has_errors and "table.nothing_recognised" in {p.rule for p in nothing.errors}
    actors = write(tmp_path, "akteure.csv", "id;name\n1;Praxis A\n")
    only_actors = read_network([actors]).report
    assert not only_actors.has_errors
    assert [p.rule for p in only_actors.warnings] == ["table.no_ties"]
    assert any("[table.no_ties]" in line for line in only_actors.summary().splitlines())
