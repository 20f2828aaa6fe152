"""Tests for carenet_graph.read.problems: Problem, Accounting and ValidationReport output."""

from __future__ import annotations

import json

import pandas as pd

from carenet_graph.read.problems import Accounting, Problem, ValidationReport

UNKNOWN = Problem("tie.unknown_actor", "error", "the target is not in the actors table; tie not used",
                  "Add the actor to the actors table, or correct the spelling / id.", file="ties.csv", row=4,
                  column="target", column_index=1, value="Praxis Dr. Schmidt", rejected=True)
SELF = Problem("tie.self", "warning", "tie from an actor to itself; row not used",
               "Delete the row, or correct source or target.", file="ties.csv", row=3, column="source",
               column_index=0, rejected=True)
SYNONYMS = Problem("actor.type_synonym", "info", "actor type text mapped to the vocabulary", file="netz.xlsx",
                   sheet="Akteure", row=2, column="Typ", column_index=2, count=3, rows=(2, 3, 5))
BOM = Problem("file.bom", "info", "byte-order mark (utf-8-sig) removed", file="actors.csv")


def _report() -> ValidationReport:
    report = ValidationReport(sources=["actors.csv", "ties.csv"], sheets={"netz.xlsx": ["Notizen", "Akteure"]})
    report.extend([SYNONYMS, SELF, BOM, UNKNOWN])
    report.accounting = Accounting(files=2, tables=2, rows_read=7, actor_rows=3, tie_rows=2, rows_rejected=2,
                                   blank_rows_skipped=1, actors=3, actors_inferred=0, ties=2)
    return report


def test_summary_text() -> None:
    assert _report().summary().splitlines() == [
        "Found 1 error that needs fixing.",
        "Read 2 files, 2 tables, 7 data rows: 3 actor rows, 2 tie rows, 2 rows not used "
        "(each listed below with the reason).",
        "Network: 3 actors, 2 ties.",
        "Skipped 1 blank row.",
        "Problems: 1 error, 1 warning; 2 kinds of automatic clean-up noted (4 cells or rows).",
        "Places: file 1 = the 1st input file read (files in command-line order, a folder's files sorted by name; "
        "files not read follow), sheet 2 = the 2nd visible sheet of that workbook, columns by letter.",
        "File, sheet and column names and cell values are not shown; add --show-values to see them.",
        "ERROR [tie.unknown_actor] file 2, row 4, column B: the target is not in the actors table; tie not used",
        "    How to fix: Add the actor to the actors table, or correct the spelling / id.",
        "WARNING [tie.self] file 2, row 3, column A: tie from an actor to itself; row not used",
        "    How to fix: Delete the row, or correct source or target.",
        "INFO [file.bom] file 1: byte-order mark (utf-8-sig) removed",
        "INFO [actor.type_synonym] file 3, sheet 2, rows 2, 3, 5, column C: actor type text mapped to the vocabulary",
    ]


def test_summary_with_values_names_files_sheets_and_columns() -> None:
    lines = _report().summary(show_values=True).splitlines()
    assert not any(line.startswith(("Places:", "File, sheet")) for line in lines)
    assert lines[5:] == [
        "ERROR [tie.unknown_actor] ties.csv, row 4, column 'target' (B): the target is not in the actors table; "
        "tie not used (value: 'Praxis Dr. Schmidt')",
        "    How to fix: Add the actor to the actors table, or correct the spelling / id.",
        "WARNING [tie.self] ties.csv, row 3, column 'source' (A): tie from an actor to itself; row not used",
        "    How to fix: Delete the row, or correct source or target.",
        "INFO [file.bom] actors.csv: byte-order mark (utf-8-sig) removed",
        "INFO [actor.type_synonym] netz.xlsx, sheet 'Akteure', rows 2, 3, 5, column 'Typ' (C): "
        "actor type text mapped to the vocabulary",
    ]


def test_summary_in_german_numbers_places() -> None:
    lines = _report().summary(lang="de").splitlines()
    assert lines[5].startswith("Orte: Datei 1 = die 1. gelesene Eingabedatei")
    assert any(line.startswith("HINWEIS [actor.type_synonym] Datei 3, Tabellenblatt 2, Zeilen 2, 3, 5, Spalte C: ")
               for line in lines), lines
    assert "'Akteure'" not in "\n".join(lines) and "'Typ'" not in "\n".join(lines)


def test_problem_lines_for_a_shared_document() -> None:
    """A report's reader sees where and what in words, with the fix: no rule id, name or value."""
    assert _report().problem_lines("en", ("error", "warning")) == [
        "Error, file 2, row 4, column B: A tie names an actor that is not in the actors list; the tie was not "
        "used. Add the actor to the list or correct the name or id.",
        "Warning, file 2, row 3, column A: A tie links an actor to itself; the row was not used. Correct the "
        "source or the target, or delete the row.",
    ]
    german = _report().problem_lines("de", ("error",))
    from carenet_graph.i18n import catalog

    assert german[0] == "Fehler, Datei 2, Zeile 4, Spalte B: " + catalog("de")["rule.tie.unknown_actor"]
    assert "[" not in "".join(german) and "tie.unknown_actor" not in "".join(german)


def test_summary_values_only_when_asked() -> None:
    assert "Praxis Dr. Schmidt" not in _report().summary()
    assert ("tie not used (value: 'Praxis Dr. Schmidt')") in _report().summary(show_values=True)


def test_summary_of_a_clean_report_and_limits() -> None:
    report = ValidationReport()
    report.accounting = Accounting(files=1, tables=1, rows_read=1, actor_rows=1, actors=1, actors_inferred=1)
    assert report.summary().splitlines()[:3] == [
        "No errors found.",
        "Read 1 file, 1 table, 1 data row: 1 actor row, 0 tie rows, 0 rows not used "
        "(each listed below with the reason).",
        "Network: 1 actor (1 inferred from ties), 0 ties.",
    ]
    report.add(SELF)
    assert report.summary().splitlines()[0] == "No errors found. Some warnings are worth a look."
    report.extend([BOM, BOM, BOM])
    assert report.summary(max_problems=2).splitlines()[-1] == "... and 2 more (use --format json for all)."


def test_location_of_many_rows() -> None:
    many = Problem("cell.whitespace", "info", "m", file="a.csv", row=2, column="name", column_index=1,
                   count=25, rows=tuple(range(2, 22)))
    assert many.location(show_values=True) == \
        "a.csv, rows 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 and 15 more, column 'name' (B)"
    # Without values: numbers and letters (the report numbers the files; a lone problem has none).
    assert many.location() == "rows 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 and 15 more, column B"
    # Fewer rows listed than counted: the rest is still mentioned.
    few = Problem("table.unrecognised", "warning", "m", file="a.csv", row=1, count=5, rows=(2, 3), file_index=4)
    assert few.location() == "file 4, rows 2, 3 and 3 more"
    assert few.location(show_values=True) == "a.csv, rows 2, 3 and 3 more"
    assert Problem("file.bom", "info", "m").location() == ""
    assert Problem("file.bom", "info", "m", column_index=27).column_letter == "AB"


def test_counts_and_rules_count_rows() -> None:
    report = _report()
    assert report.counts() == {"error": 1, "warning": 1, "info": 4}
    assert report.rule_counts() == {"actor.type_synonym": 3, "file.bom": 1, "tie.self": 1, "tie.unknown_actor": 1}
    assert report.has_errors
    assert (report.errors, report.warnings, report.infos) == ([UNKNOWN], [SELF], [SYNONYMS, BOM])


def test_to_frame_columns_and_order() -> None:
    frame = _report().to_frame()
    assert list(frame.columns) == ["severity", "rule", "file_index", "sheet_index", "row", "column_letter", "count",
                                   "rejected", "message", "hint"]
    assert list(frame["rule"]) == ["tie.unknown_actor", "tie.self", "file.bom", "actor.type_synonym"]
    assert frame.loc[0, "column_letter"] == "B"
    assert list(frame["file_index"]) == [2, 2, 1, 3]
    with_values = _report().to_frame(show_values=True)
    assert list(with_values.columns) == ["severity", "rule", "file", "sheet", "row", "column", "column_letter",
                                         "count", "rejected", "message", "hint", "value"]
    assert with_values.loc[0, "value"] == "Praxis Dr. Schmidt"
    assert pd.isna(with_values.loc[1, "value"])


def test_to_dict_leaves_values_out_unless_asked() -> None:
    data = _report().to_dict()
    assert data["ok"] is False
    assert data["counts"] == {"error": 1, "warning": 1, "info": 4}
    assert data["accounting"]["balanced"] is True
    assert "sources" not in data
    assert all(not {"value", "file", "sheet", "column"} & set(p) for p in data["problems"])
    for name in ("Praxis Dr. Schmidt", "ties.csv", "Akteure", "Typ", "netz"):
        assert name not in _report().to_json(), name
    assert data["problems"][3]["rows"] == [2, 3, 5]
    assert {k: data["problems"][3][k] for k in ("file_index", "sheet_index", "column_letter")} == \
        {"file_index": 3, "sheet_index": 2, "column_letter": "C"}
    shown = _report().to_dict(show_values=True)
    assert shown["sources"] == ["actors.csv", "ties.csv"]
    assert shown["problems"][0]["value"] == "Praxis Dr. Schmidt"
    assert (shown["problems"][3]["file"], shown["problems"][3]["sheet"], shown["problems"][3]["column"]) == \
        ("netz.xlsx", "Akteure", "Typ")
    assert json.loads(_report().to_json(show_values=True))["problems"][0]["value"] == "Praxis Dr. Schmidt"


def test_accounting_balance() -> None:
    acc = Accounting(rows_read=5, actor_rows=2, tie_rows=2, rows_rejected=1)
    assert acc.balanced
    acc.rows_rejected = 0
    assert not acc.balanced
    assert acc.to_dict()["balanced"] is False


def test_describe_without_hint() -> None:
    assert BOM.describe(show_values=True) == "INFO [file.bom] actors.csv: byte-order mark (utf-8-sig) removed"
    # Alone, a problem has no file number (the report numbers them): no name is shown instead.
    assert BOM.describe() == "INFO [file.bom]: byte-order mark (utf-8-sig) removed"
