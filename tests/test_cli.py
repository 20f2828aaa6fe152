"""Tests for the ``carenet`` command line: exit codes, the main messages, privacy of values.

Commands run through click's CliRunner on :data:`carenet_graph.cli.cli`; what :func:`main`
adds (catching CarenetError, exit codes for usage errors, ``--debug``) is tested by running
``python -m carenet_graph`` in a subprocess or by calling ``main`` directly. The ``invoke`` and
``run_carenet`` fixtures (tests/conftest.py) do the two kinds of run.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from carenet_graph.cli import main
from carenet_graph.errors import InputError
from carenet_graph.read.headers import SHEET_NAMES
from tests.support.commands import Invoke, RunCarenet

CLEAN_ACTORS = ("id;name;type;municipality\n"
                "a1;Hospiz Lemgo;Hospiz;Lemgo\n"
                "a2;Pflegedienst Müller;Ambulanter Pflegedienst;Detmold\n"
                "a3;Vårdcentralen Årjäng;Vårdcentral;Årjäng\n")
CLEAN_TIES = ("source;target;type;level\n"
              "a1;a2;Überweisung;3\n"
              "a2;a3;gemeinsame Patienten;2\n")

# Every name or free text in this pair is "personal" and must not reach the terminal
# unless --show-values is given.
PRIVATE = ("Praxis Dr. Anna Schmidt", "Hausarzt Jürgen Weber", "Frau Berta Krause", "Geheimweg 7",
           "Onbekende Zorg Eemnes", "Palliativteam Sonnenschein", "Pflegeheim Sonnenschein")
PRIVATE_ACTORS = ("id;name;type;sector;notes\n"
                  "p1;Praxis Dr. Anna Schmidt;Hausarzt;;Frau Berta Krause\n"
                  "p2;Hausarzt Jürgen Weber;Hausarzt;;Geheimweg 7\n"
                  "p2;Palliativteam Sonnenschein;SAPV;;\n"
                  "p3;Pflegeheim Sonnenschein;Pflegeheim;Geheimweg 7;\n"
                  "p4;Pflegeheim Sonnenschein;Pflegeheim;;\n")
PRIVATE_TIES = ("source;target;level;weight;since;notes\n"
                "p1;Onbekende Zorg Eemnes;2;;;\n"
                "p1;Pflegeheim Sonnenschein;2;;;\n"
                "p1;p2;2;Frau Berta Krause;;\n"
                "p2;p3;2;;Geheimweg 7;Frau Berta Krause\n")


def _write(folder: Path, actors: str, ties: str) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    a, t = folder / "actors.csv", folder / "ties.csv"
    a.write_text(actors, encoding="utf-8")
    t.write_text(ties, encoding="utf-8")
    return a, t


@pytest.fixture
def clean(tmp_path: Path) -> tuple[Path, Path]:
    return _write(tmp_path / "clean", CLEAN_ACTORS, CLEAN_TIES)


# -- validate -------------------------------------------------------------------------------
def test_validate_clean_file_exits_0(clean: tuple[Path, Path], invoke: Invoke) -> None:
    result = invoke("validate", *clean)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "No errors found."
    assert lines[1] == ("Read 2 files, 2 tables, 5 data rows: 3 actor rows, 2 tie rows, 0 rows not used "
                        "(each listed below with the reason).")
    assert lines[2] == "Network: 3 actors, 2 ties."
    assert lines[3] == "Problems: 0 errors, 0 warnings; 4 kinds of automatic clean-up noted (7 cells or rows)."


def test_validate_with_errors_exits_1_and_locates_the_unknown_actor(tmp_path: Path, invoke: Invoke) -> None:
    actors, ties = _write(tmp_path, CLEAN_ACTORS, CLEAN_TIES + "a1;a9;Überweisung;2\n")
    result = invoke("validate", actors, ties)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == "Found 1 error that needs fixing."
    index = lines.index("ERROR [tie.unknown_actor] file 2, row 4, column B: "
                        "the target is not in the actors table; tie not used")
    assert lines[index + 1] == "    How to fix: Add the actor to the actors table, or correct the spelling / id."
    assert "a9" not in result.stdout
    assert str(tmp_path) not in result.stdout and "'target'" not in result.stdout
    shown = invoke("validate", actors, ties, "--show-values").stdout.splitlines()
    assert (f"ERROR [tie.unknown_actor] {ties}, row 4, column 'target' (B): "
            "the target is not in the actors table; tie not used (value: 'a9')") in shown


def test_validate_json_has_counts_accounting_and_problems(tmp_path: Path, invoke: Invoke) -> None:
    actors, ties = _write(tmp_path, CLEAN_ACTORS, CLEAN_TIES + "a1;a9;Überweisung;2\n")
    result = invoke("validate", "--format", "json", actors, ties)
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["ok"] is False
    assert data["counts"] == {"error": 1, "warning": 0, "info": 8}
    assert data["accounting"] == {"files": 2, "tables": 2, "rows_read": 6, "actor_rows": 3, "tie_rows": 2,
                                  "rows_rejected": 1, "blank_rows_skipped": 0, "actors": 3, "actors_inferred": 0,
                                  "ties": 2, "balanced": True}
    assert "sources" not in data
    first = data["problems"][0]
    assert {k: first[k] for k in ("rule", "severity", "file_index", "sheet_index", "row", "column_letter",
                                  "rejected")} == {
        "rule": "tie.unknown_actor", "severity": "error", "file_index": 2, "sheet_index": None, "row": 4,
        "column_letter": "B", "rejected": True}
    assert not {"value", "file", "sheet", "column"} & set(first)
    assert str(tmp_path) not in result.stdout
    shown = json.loads(invoke("validate", "--format", "json", "--show-values", actors, ties).stdout)
    assert shown["sources"] == [str(actors), str(ties)]
    first = shown["problems"][0]
    assert {k: first[k] for k in ("file", "file_index", "column", "column_letter", "value")} == {
        "file": str(ties), "file_index": 2, "column": "target", "column_letter": "B", "value": "a9"}


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_no_actor_name_or_note_reaches_the_terminal_without_show_values(tmp_path: Path, fmt: str,
                                                                       invoke: Invoke) -> None:
    actors, ties = _write(tmp_path, PRIVATE_ACTORS, PRIVATE_TIES)
    for command in (["validate", "--format", fmt], ["convert", "-o", str(tmp_path / "out.graphml")]):
        result = invoke(*command, actors, ties)
        assert result.exit_code in (0, 1), result.output
        shown = result.stdout + result.stderr
        assert "error" in shown
        for text in PRIVATE:
            assert text not in shown, (command, text)


def test_show_values_quotes_the_cell_values(tmp_path: Path, invoke: Invoke) -> None:
    actors, ties = _write(tmp_path, PRIVATE_ACTORS, PRIVATE_TIES)
    result = invoke("validate", "--show-values", actors, ties)
    assert result.exit_code == 1
    assert (f"ERROR [tie.unknown_actor] {ties}, row 2, column 'target' (B): the target is not in the actors table; "
            "tie not used (value: 'Onbekende Zorg Eemnes')") in result.stdout.splitlines()
    assert "(value: 'Pflegeheim Sonnenschein')" in result.stdout
    data = json.loads(invoke("validate", "--format", "json", "--show-values", actors, ties).stdout)
    assert {p["value"] for p in data["problems"] if p["rule"] == "tie.unknown_actor"} == {"Onbekende Zorg Eemnes"}


def test_validate_without_input_is_a_usage_error(invoke: Invoke) -> None:
    result = invoke("validate")
    assert result.exit_code == 2
    assert "Error: name at least one input file or folder (or use --actors/--ties)." in result.stderr


def test_unknown_option_is_a_usage_error(clean: tuple[Path, Path], invoke: Invoke) -> None:
    result = invoke("validate", "--colour", *clean)
    assert result.exit_code == 2
    assert "No such option" in result.stderr


def test_validate_with_actors_and_ties_options(clean: tuple[Path, Path], tmp_path: Path, invoke: Invoke) -> None:
    # File names that say nothing: the roles come from the options.
    a = tmp_path / "one.txt"
    t = tmp_path / "two.txt"
    a.write_bytes(clean[0].read_bytes())
    t.write_bytes(clean[1].read_bytes())
    result = invoke("validate", "--actors", a, "--ties", t)
    assert result.exit_code == 0, result.output
    assert "Network: 3 actors, 2 ties." in result.stdout


def test_validate_with_a_user_vocabulary(tmp_path: Path, invoke: Invoke) -> None:
    vocab = tmp_path / "mine.yaml"
    vocab.write_text("actor_types:\n  - id: pharmacy\n    synonyms:\n      de: [Medikamentenausgabe]\n",
                     encoding="utf-8")
    actors, ties = _write(tmp_path, "id;name;type\nx;X;Medikamentenausgabe\ny;Y;Hospiz\n", "source;target\nx;y\n")
    assert "actor.type_unmatched" in invoke("validate", actors, ties).stdout
    result = invoke("validate", "--vocabulary", vocab, actors, ties)
    assert result.exit_code == 0
    assert "actor.type_unmatched" not in result.stdout


# -- main(): CarenetError, exit codes, tracebacks -----------------------------------------------
def test_missing_file_is_reported_without_traceback(tmp_path: Path, run_carenet: RunCarenet) -> None:
    missing = tmp_path / "fehlt.xlsx"
    proc = run_carenet("validate", missing)
    assert proc.returncode == 1
    assert proc.stderr == f"Error: {missing}: file not found\n  How to fix: Check the path and the file name.\n"
    assert "Traceback" not in proc.stdout + proc.stderr


def test_debug_shows_the_traceback(tmp_path: Path, run_carenet: RunCarenet) -> None:
    proc = run_carenet("--debug", "validate", tmp_path / "fehlt.xlsx")
    assert proc.returncode == 1
    assert "Traceback (most recent call last)" in proc.stderr
    assert "carenet_graph.errors.InputError" in proc.stderr


def test_usage_errors_exit_2_through_main(tmp_path: Path, run_carenet: RunCarenet) -> None:
    proc = run_carenet("validate")
    assert proc.returncode == 2
    assert "Error: name at least one input file or folder (or use --actors/--ties)." in proc.stderr
    proc = run_carenet("validate", "--bogus")
    assert proc.returncode == 2
    assert "No such option" in proc.stderr and "Traceback" not in proc.stderr
    proc = run_carenet("frobnicate")
    assert proc.returncode == 2


def test_version_and_help_exit_0(invoke: Invoke, run_carenet: RunCarenet) -> None:
    proc = run_carenet("--version")
    assert (proc.returncode, proc.stdout) == (0, "carenet, version 0.1.0\n")
    assert invoke("--help").exit_code == 0


def test_bad_vocabulary_file_is_an_error_with_its_line(tmp_path: Path, clean: tuple[Path, Path],
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    vocab = tmp_path / "mine.yaml"
    vocab.write_text("actor_types:\n  - id: x\n     sector: medical\n", encoding="utf-8")
    with pytest.raises(SystemExit) as info:
        main(["validate", "--vocabulary", str(vocab), *map(str, clean)])
    assert info.value.code == 1
    err = capsys.readouterr().err
    assert err.startswith(f"Error: {vocab}, row 3: not valid YAML (mapping values are not allowed here)\n")
    assert "  How to fix: Check indentation and colons on that line." in err


# -- convert --------------------------------------------------------------------------------
@pytest.mark.parametrize("suffix", [".graphml", ".gexf", ".json", ".xlsx", ".csv"])
def test_convert_writes_each_format(clean: tuple[Path, Path], tmp_path: Path, suffix: str, invoke: Invoke) -> None:
    out = tmp_path / "out" / f"netz{suffix}"
    result = invoke("convert", *clean, "-o", out)
    assert result.exit_code == 0, result.output
    written = ([tmp_path / "out" / "netz_actors.csv", tmp_path / "out" / "netz_ties.csv"] if suffix == ".csv"
               else [out])
    assert result.stdout == f"Wrote {', '.join(map(str, written))}: 3 actors, 2 ties.\n"
    assert all(p.is_file() and p.stat().st_size > 0 for p in written)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(p.name for p in written)


def test_convert_with_errors_writes_the_good_rows_and_says_so(tmp_path: Path, invoke: Invoke) -> None:
    actors, ties = _write(tmp_path, CLEAN_ACTORS, CLEAN_TIES + "a1;a9;Überweisung;2\n")
    out = tmp_path / "netz.graphml"
    result = invoke("convert", actors, ties, "-o", out)
    assert result.exit_code == 0
    assert result.stdout == f"Wrote {out}: 3 actors, 2 ties.\n"
    assert result.stderr == ("Input: 1 error, 0 warnings, 1 row not used. Run 'carenet validate' on the same "
                             "input for the list.\n")
    assert out.is_file()


def test_convert_strict_with_errors_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    actors, ties = _write(tmp_path / "in", CLEAN_ACTORS, CLEAN_TIES + "a1;a9;Überweisung;2\n")
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(SystemExit) as info:
        main(["convert", "--strict", str(actors), str(ties), "-o", str(out / "netz.xlsx")])
    assert info.value.code == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("Found 1 error that needs fixing.\n")
    assert captured.err.endswith("Error: Nothing written: the input has errors (see above).\n"
                                 "  How to fix: Fix them, or run without --strict to convert the rows that are "
                                 "fine.\n")
    assert list(out.iterdir()) == []


def test_convert_strict_without_errors_writes(clean: tuple[Path, Path], tmp_path: Path, invoke: Invoke) -> None:
    result = invoke("convert", "--strict", *clean, "-o", tmp_path / "netz.json")
    assert result.exit_code == 0
    assert (tmp_path / "netz.json").is_file()


def test_convert_to_an_unknown_extension_is_a_usage_error(clean: tuple[Path, Path], tmp_path: Path,
                                                          run_carenet: RunCarenet) -> None:
    proc = run_carenet("convert", *clean, "-o", tmp_path / "netz.txt")
    assert "Traceback" not in proc.stderr
    assert "cannot tell the output format from 'netz.txt'" in proc.stderr
    assert list(tmp_path.glob("netz*")) == []
    assert proc.returncode == 2  # a wrong -o is wrong usage, as for 'carenet template'


def test_convert_of_a_converted_file_round_trips(clean: tuple[Path, Path], tmp_path: Path, invoke: Invoke) -> None:
    first = tmp_path / "netz.graphml"
    assert invoke("convert", *clean, "-o", first).exit_code == 0
    result = invoke("convert", first, "-o", tmp_path / "netz.xlsx")
    assert result.exit_code == 0
    assert result.stdout.endswith(": 3 actors, 2 ties.\n")


# -- template -------------------------------------------------------------------------------
def test_template_de_writes_a_workbook_that_validates(tmp_path: Path, invoke: Invoke) -> None:
    out = tmp_path / "netzwerk.xlsx"
    result = invoke("template", "--lang", "de", "-o", out)
    assert result.exit_code == 0, result.output
    assert result.stdout == (f"{out} geschrieben. Füllen Sie die Tabellenblätter mit den Akteuren und der "
                             f"Zusammenarbeit aus und führen Sie dann aus: carenet validate {out}\n")  # --lang de
    workbook = CalamineWorkbook.from_path(str(out))
    assert workbook.sheet_names == [SHEET_NAMES[role]["de"] for role in ("instructions", "actors", "ties", "lists")]
    assert workbook.get_sheet_by_name("Akteure").to_python()[0][:2] != ["", ""]
    # The empty template is not an error: it validates with two "only a header" warnings.
    checked = invoke("validate", out)
    assert checked.exit_code == 0, checked.output
    lines = checked.stdout.splitlines()
    assert lines[0] == "No errors found. Some warnings are worth a look."
    assert lines[1].startswith("Read 1 file, 2 tables, 0 data rows")
    # Sheets by position: the template's 1st sheet is its instructions, the 2nd Akteure, the 3rd Zusammenarbeit.
    assert "WARNING [table.header_only] file 1, sheet 2, row 1: only a header row, no data rows" in lines
    assert "WARNING [table.header_only] file 1, sheet 3, row 1: only a header row, no data rows" in lines
    shown = invoke("validate", out, "--show-values").stdout.splitlines()
    assert f"WARNING [table.header_only] {out}, sheet 'Akteure', row 1: only a header row, no data rows" in shown
    assert (f"WARNING [table.header_only] {out}, sheet 'Zusammenarbeit', row 1: only a header row, no data rows"
            in shown)


def test_template_filled_in_validates_and_converts(tmp_path: Path, invoke: Invoke) -> None:
    import xlsxwriter

    out = tmp_path / "vorlage.xlsx"
    assert invoke("template", "--lang", "sv", "-o", out).exit_code == 0
    workbook = CalamineWorkbook.from_path(str(out))
    actor_header = workbook.get_sheet_by_name(SHEET_NAMES["actors"]["sv"]).to_python()[0]
    tie_header = workbook.get_sheet_by_name(SHEET_NAMES["ties"]["sv"]).to_python()[0]
    # Fill a copy the way a coordinator would: same sheet names and headers, some rows.
    filled = tmp_path / "ifylld.xlsx"
    book = xlsxwriter.Workbook(str(filled))
    sheet = book.add_worksheet(SHEET_NAMES["actors"]["sv"])
    for c, h in enumerate(actor_header):
        sheet.write_string(0, c, str(h))
    sheet.write_string(1, 0, "v1")
    sheet.write_string(1, 1, "Vårdcentralen Årjäng")
    sheet.write_string(2, 0, "v2")
    sheet.write_string(2, 1, "Hemtjänsten Årjäng")
    ties = book.add_worksheet(SHEET_NAMES["ties"]["sv"])
    for c, h in enumerate(tie_header):
        ties.write_string(0, c, str(h))
    ties.write_string(1, 0, "v1")
    ties.write_string(1, 1, "v2")
    book.close()
    result = invoke("convert", filled, "-o", tmp_path / "ifylld.graphml")
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith(": 2 actors, 1 tie.\n")


@pytest.mark.parametrize("name", ["netzwerk.csv", "netzwerk"])
def test_template_needs_an_xlsx_name(tmp_path: Path, name: str, invoke: Invoke) -> None:
    result = invoke("template", "--lang", "de", "-o", tmp_path / name)
    assert result.exit_code == 2
    assert "the template is an Excel workbook: end the file name in .xlsx" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_template_unknown_language_is_a_usage_error(tmp_path: Path, invoke: Invoke) -> None:
    result = invoke("template", "--lang", "fr", "-o", tmp_path / "x.xlsx")
    assert result.exit_code == 2


def test_validate_summary_in_german(tmp_path: Path, invoke: Invoke) -> None:
    actors, ties = _write(tmp_path, CLEAN_ACTORS, CLEAN_TIES + "a1;a9;Überweisung;2\n")
    result = invoke("validate", actors, ties, "--lang", "de")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == "1 Fehler gefunden, der behoben werden muss."
    unknown = next(line for line in lines if "[tie.unknown_actor]" in line)
    assert unknown.startswith("FEHLER [tie.unknown_actor] Datei 2, Zeile 4, Spalte B: ")
    assert any(line.startswith("Orte: Datei 1 = die 1. gelesene Eingabedatei") for line in lines)
    assert "a9" not in result.stdout  # the reference is a value: not shown without --show-values


@pytest.mark.parametrize("content", [b"", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", b"a\x00b\x00\x00\x00c"])
def test_validate_json_is_json_even_when_a_file_cannot_be_read(content: bytes, tmp_path: Path,
                                                               invoke: Invoke) -> None:
    broken = tmp_path / "liste.csv"
    broken.write_bytes(content)
    result = invoke("validate", broken, "--format", "json")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    problems = document["problems"]
    assert [p["rule"] for p in problems] == ["file.unreadable"] and problems[0]["severity"] == "error"
    assert problems[0]["file"] == str(broken) and problems[0]["message"]
    text = invoke("validate", broken)  # as text, the same refusal is an error message
    assert text.exit_code == 1 and isinstance(text.exception, InputError)


def test_validate_names_places_by_number_and_letter_unless_asked(tmp_path: Path, invoke: Invoke) -> None:
    """Issue 13: no file, folder, sheet or header name and no cell value without --show-values."""
    import xlsxwriter

    folder = tmp_path / "Frau Okonkwo"
    folder.mkdir()
    book = folder / "Netz Herr Ihle.xlsx"
    workbook = xlsxwriter.Workbook(str(book))
    workbook.add_worksheet("Notizen Bauer")  # not recognised: sheet 1
    actors = workbook.add_worksheet("Akteure Schulz")  # sheet 2
    rows = [["Name", "Typ", "Rückruf Frau Becker"], ["Praxis Nord", "Hausarzt", "x"],
            ["Praxis Süd", "Nachbarin Frau Kowalski", "y"]]
    for r, row in enumerate(rows):
        actors.write_row(r, 0, row)
    ties = workbook.add_worksheet("Zusammenarbeit")
    for r, row in enumerate([["Von", "Mit", "Intensität"], ["Praxis Nord", "Praxis Süd", "ruft nie zurück"]]):
        ties.write_row(r, 0, row)
    workbook.close()
    secrets = ("Okonkwo", "Ihle", "Bauer", "Schulz", "Becker", "Kowalski", "ruft nie", "Praxis", "Rückruf",
               "Akteure", "Zusammenarbeit")
    text = invoke("validate", folder)
    assert text.exit_code == 1, text.output
    for secret in secrets:
        assert secret not in text.stdout, secret
    lines = text.stdout.splitlines()
    assert any(line.startswith("WARNING [actor.type_unmatched] file 1, sheet 2, row 3, column B: "
                               "actor type not in the vocabulary") for line in lines), lines
    assert any(line.startswith("ERROR [tie.bad_level] file 1, sheet 3, row 2, column C: ") for line in lines), lines
    assert any(line.startswith("Places: file 1 = the 1st input file read") for line in lines)
    data = json.loads(invoke("validate", folder, "--format", "json").stdout)
    for secret in secrets:
        assert secret not in json.dumps(data, ensure_ascii=False), secret
    unmatched = next(p for p in data["problems"] if p["rule"] == "actor.type_unmatched")
    assert {k: unmatched[k] for k in ("file_index", "sheet_index", "row", "column_letter")} == {
        "file_index": 1, "sheet_index": 2, "row": 3, "column_letter": "B"}

    shown = invoke("validate", folder, "--show-values").stdout
    assert (f"{book}, sheet 'Akteure Schulz', row 3, column 'Typ' (B): actor type not in the vocabulary; read as "
            "other_organisation (value: 'Nachbarin Frau Kowalski')") in shown
    assert "(value: 'ruft nie zurück')" in shown and "Places:" not in shown
    shown_json = json.loads(invoke("validate", folder, "--format", "json", "--show-values").stdout)
    assert shown_json["sources"] == [str(book)]
    unmatched = next(p for p in shown_json["problems"] if p["rule"] == "actor.type_unmatched")
    assert (unmatched["file"], unmatched["sheet"], unmatched["column"], unmatched["value"]) == (
        str(book), "Akteure Schulz", "Typ", "Nachbarin Frau Kowalski")
