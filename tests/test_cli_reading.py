"""What every reading command says about its input: one line when rows were not used or the input
has errors or warnings, a plain stop when there is nothing to describe, and nothing from the data
that could steer the terminal."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import Result

from carenet_graph.cli import terminal_safe
from tests.support.commands import Invoke, RunCarenet, without_progress


def said(result: Result) -> str:
    """Everything a command told the user: its output and the message of the error that stopped it
    (which ``carenet``'s main prints; CliRunner hands it over as the exception)."""
    return result.output + (str(result.exception) if result.exception is not None else "")


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def misspelled(tmp_path: Path) -> Path:
    """A ties file whose 'target' header is misspelled: every tie row unusable."""
    folder = tmp_path / "input"
    folder.mkdir()
    _write(folder / "actors.csv", "id,name,type\nA,Praxis Nord,gp\nB,Hospiz Süd,hospice\nC,Apotheke,pharmacy\n")
    _write(folder / "ties.csv", "source,targt,level\nA,B,3\nB,C,2\n")
    return folder


@pytest.fixture
def one_bad_row(tmp_path: Path) -> Path:
    folder = tmp_path / "input"
    folder.mkdir()
    _write(folder / "actors.csv", "id,name,type\nA,Praxis Nord,gp\nB,Hospiz Süd,hospice\nC,Apotheke,pharmacy\n")
    _write(folder / "ties.csv", "source,target,level\nA,B,3\nB,C,2\nA,C,9\n")
    return folder


@pytest.mark.parametrize("command,output", [("analyze", "out"), ("report", "r.html")])
def test_commands_that_measure_ties_stop_when_there_are_none(invoke: Invoke, misspelled: Path, tmp_path: Path,
                                                            command: str, output: str) -> None:
    result = invoke(command, misspelled, "-o", tmp_path / output)
    assert result.exit_code == 1
    assert "Nothing to describe: the input has 3 actors but no tie between them." in said(result)
    assert "Input: 1 error, 0 warnings, 2 rows not used." in result.stderr
    assert not (tmp_path / output).exists()


@pytest.mark.parametrize("command,output", [("gaps", "out"), ("map", "m.html")])
def test_commands_useful_without_ties_go_on_and_say_what_was_not_used(invoke: Invoke, misspelled: Path,
                                                                     tmp_path: Path, command: str,
                                                                     output: str) -> None:
    result = invoke(command, misspelled, "-o", tmp_path / output)
    assert result.exit_code == 0, result.output
    # The line about the input comes before anything else the command says (after its progress lines).
    assert without_progress(result.stderr).startswith("Input: 1 error, 0 warnings, 2 rows not used. "
                                                      "Run 'carenet validate'")
    assert (tmp_path / output).exists()


@pytest.mark.parametrize("command,output", [("analyze", "out"), ("gaps", "out"), ("map", "m.html"),
                                            ("report", "r.html"), ("convert", "n.graphml")])
def test_every_reading_command_stops_on_an_input_without_actors(invoke: Invoke, tmp_path: Path, command: str,
                                                               output: str) -> None:
    empty = _write(tmp_path / "notes.csv", "Betreff,Datum\nTreffen,2024-01-01\n")
    result = invoke(command, empty, "-o", tmp_path / output, "--lang", "de")
    assert result.exit_code == 1
    assert "Nichts zu beschreiben: Aus der Eingabe wurde kein Akteur gelesen." in said(result)
    assert not (tmp_path / output).exists()


def test_compare_stops_when_a_wave_has_no_actors(invoke: Invoke, one_bad_row: Path, tmp_path: Path) -> None:
    empty = _write(tmp_path / "notes.csv", "Betreff,Datum\nTreffen,2024-01-01\n")
    result = invoke("compare", one_bad_row, empty, "-o", tmp_path / "cmp", "--lang", "nl")
    assert result.exit_code == 1
    assert "Niets te beschrijven: er is geen enkele actor uit de invoer gelezen." in said(result)


@pytest.mark.parametrize("command,output", [("analyze", "out"), ("gaps", "out"), ("map", "m.html"),
                                            ("report", "r.html"), ("convert", "n.graphml")])
def test_one_line_about_rows_not_used_in_the_chosen_language(invoke: Invoke, one_bad_row: Path, tmp_path: Path,
                                                            command: str, output: str) -> None:
    result = invoke(command, one_bad_row, "-o", tmp_path / output, "--lang", "sv")
    assert result.exit_code == 0, result.output
    notes = [line for line in result.stderr.splitlines() if line.startswith("Indata:")]
    assert notes == ["Indata: 1 fel, 0 varningar, 1 rad används inte. 'carenet validate' på samma filer "
                     "visar listan."]


def test_a_clean_input_prints_no_input_line(invoke: Invoke, tmp_path: Path) -> None:
    folder = tmp_path / "input"
    folder.mkdir()
    _write(folder / "actors.csv", "id,name,type\nA,Praxis Nord,gp\nB,Hospiz Süd,hospice\n")
    _write(folder / "ties.csv", "source,target,level\nA,B,3\n")
    result = invoke("map", folder, "-o", tmp_path / "m.html")
    assert result.exit_code == 0, result.output
    assert "Input:" not in result.output


@pytest.mark.parametrize("raw,shown", [
    ("plain Ünïcödé text\nnext line\ttab", "plain Ünïcödé text\nnext line\ttab"),
    ("\x1b[2J\x1b]0;owned\x07", "\\x1b[2J\\x1b]0;owned\\x07"),
    ("carriage\roverwrite", "carriage\\roverwrite"),
    ("bidi \u202egnp.exe", "bidi \\u202egnp.exe"),
    ("c1 \x9b31m", "c1 \\x9b31m"),
])
def test_terminal_safe_shows_control_characters_as_escapes(raw: str, shown: str) -> None:
    assert terminal_safe(raw) == shown


def test_control_characters_in_a_header_never_reach_the_terminal(run_carenet: RunCarenet, tmp_path: Path) -> None:
    folder = tmp_path / "in\x1b[31mput"
    folder.mkdir()
    _write(folder / "actors.csv", "id,name,type,\x1b]0;pwned\x07\x1b[2J\nA,Praxis Nord,gp,x\nB,Hospiz,hospice,y\n")
    _write(folder / "ties.csv", "source,target,level\nA,B,3\nA,Q,2\n")
    for args in (("validate", folder, "--show-values"), ("map", folder, "-o", tmp_path / "m.html"),
                 ("analyze", folder, "-o", folder / "out")):
        result = run_carenet(*args)
        printed = result.stdout + result.stderr
        assert "\x1b" not in printed and "\x07" not in printed, args
        assert "Traceback" not in printed, args
        if args[0] == "validate":
            assert "\\x1b" in printed  # the folder's name is shown (asked for), escaped


@pytest.mark.parametrize("setting,expected", [("bogus=1", "not a known limit"), ("cells=-3", "positive whole number"),
                                              ("cells", "not a known limit")])
def test_a_wrong_limit_is_a_usage_error_naming_the_limits(invoke: Invoke, one_bad_row: Path, setting: str,
                                                         expected: str) -> None:
    result = invoke("validate", one_bad_row, "--limit", setting)
    assert result.exit_code == 2
    assert expected in result.output
    assert "field_chars" in result.output or "cells=100000000" in result.output


def test_limits_parse_units_and_apply() -> None:
    from carenet_graph.read.limits import Limits, parse_size

    assert parse_size("4G") == parse_size("4GiB") == 4 << 30
    assert parse_size("1_000") == 1000 and parse_size("12k") == 12 << 10 and parse_size("x") is None
    raised = Limits().with_overrides(("cells=7", "file-bytes=2M"))
    assert (raised.cells, raised.file_bytes, raised.sheets) == (7, 2 << 20, Limits().sheets)


def test_the_readme_states_every_limit_with_its_default() -> None:
    """The README's table of limits is the dataclass's: a changed default must be documented."""
    import re

    from carenet_graph.read.limits import describe_limits

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    table = dict(re.findall(r"^\| `(\w+)` \| ([^|]+) \|", readme, flags=re.MULTILINE))
    units = {"GiB": 1 << 30, "MiB": 1 << 20}
    stated = {}
    for name, text in table.items():
        number, _, unit = text.strip().partition(" ")
        stated[name] = int(number.replace(",", "")) * units.get(unit, 1)
    assert stated == dict(describe_limits())


def test_compare_takes_the_limits_too(invoke: Invoke, one_bad_row: Path, tmp_path: Path) -> None:
    result = invoke("compare", one_bad_row, one_bad_row, "-o", tmp_path / "cmp", "--limit", "sheets=0")
    assert result.exit_code == 2
    assert "positive whole number" in result.output


def test_a_refused_option_value_is_said_in_the_chosen_language(run_carenet: RunCarenet, one_bad_row: Path) -> None:
    result = run_carenet("validate", one_bad_row, "--limit", "x=1", "--lang", "sv")
    assert result.returncode == 2
    assert "Usage: carenet validate" in result.stderr  # the command's own usage, not the group's
    assert "Fel: '--limit x=1' är ingen känd gräns\n  Så åtgärdar du det: Skriv NAMN=VÄRDE" in result.stderr
