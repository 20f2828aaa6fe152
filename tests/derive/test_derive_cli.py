"""Tests of ``carenet derive`` on the command line: the summary in English and German, exit codes,
located messages without traceback, and the refusals that protect inputs and keys.

In-process runs use the ``invoke`` fixture (click's CliRunner); what :func:`carenet_graph.cli.main`
adds (a CarenetError printed as a located message, exit 1, no traceback) is seen with
``run_carenet`` (a child process), as in tests/test_cli.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from carenet_graph.errors import InputError, OutputError
from tests.support.commands import Invoke, RunCarenet, without_progress

RECORDS = ("patient,provider,date\n"
           "p1,A,2024-01-05\np1,B,2024-02-05\n"
           "p2,A,2024-03-01\np2,B,2024-03-02\np2,C,2024-04-01\n"
           "p3,B,2024-05-01\np3,C,2024-06-01\n")
OPEN = ("--min-shared", "1", "--suppress-below", "1")
WRITTEN = ("actors.csv", "parquet/actors.parquet", "ties.csv", "parquet/ties.parquet", "derive/derive.json",
           "derive/validation.json")
# With --care-density and --key: the summary by k, and each patient's care density under a keyed code.
DENSITY = ("derive/care_density.csv", "derive/care_density_patients.parquet")


@pytest.fixture
def records(tmp_path: Path) -> Path:
    path = tmp_path / "recs.csv"
    path.write_text(RECORDS, encoding="utf-8")
    return path


def _written(out: Path, names: tuple[str, ...] = WRITTEN) -> str:
    return ", ".join(str(out / name) for name in names)


def test_summary_in_english(records: Path, tmp_path: Path, invoke: Invoke) -> None:
    out = tmp_path / "out"
    result = invoke("derive", records, "-o", out, *OPEN)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Derived 3 providers and 3 ties (at least 1 shared patient) from 7 records.",
        f"Wrote {_written(out)}"]
    assert without_progress(result.stderr) == ""  # no rows left out: no note
    assert (out / "ties.csv").read_text(encoding="utf-8").splitlines()[1] == \
        "A,B,shared_patients,undirected,5,2,2,1.5,0.666666667"


def test_summary_in_german(records: Path, tmp_path: Path, invoke: Invoke) -> None:
    out = tmp_path / "out"
    result = invoke("derive", records, "-o", out, *OPEN, "--lang", "de")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Aus 7 Datensätzen abgeleitet: 3 Leistungserbringer und 3 Verbindungen (mindestens 1 gemeinsamer Patient).",
        f"Geschrieben: {_written(out)}"]
    assert "Eingabe wird gelesen" in result.stderr  # the progress, in German too


def test_defaults_threshold_and_singulars(records: Path, tmp_path: Path, invoke: Invoke) -> None:
    # The CMS default of 11 leaves no tie of three patients; and every count below 11 is suppressed.
    out = tmp_path / "out"
    result = invoke("derive", records, "-o", out)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == \
        "Derived 3 providers and 0 ties (at least 11 shared patients) from 7 records."
    assert (out / "ties.csv").read_text(encoding="utf-8") == \
        "source,target,type,direction,level,weight,shared_patients,newman,jaccard\n"
    assert (out / "actors.csv").read_text(encoding="utf-8") == "id,name,patients\nA,A,\nB,B,\nC,C,\n"
    one = tmp_path / "one.csv"
    one.write_text("patient,provider,date\np1,A,2024-01-05\n", encoding="utf-8")
    single = invoke("derive", one, "-o", tmp_path / "single", "--min-shared", "1", "--suppress-below", "1")
    assert single.stdout.splitlines()[0] == "Derived 1 provider and 0 ties (at least 1 shared patient) from 1 record."


def test_rows_not_used_are_noted_on_stderr(tmp_path: Path, invoke: Invoke) -> None:
    path = tmp_path / "recs.csv"
    path.write_text(RECORDS + ",A,2024-01-01\np9,,2024-01-01\np9,A,\n", encoding="utf-8")
    out = tmp_path / "out"
    result = invoke("derive", path, "-o", out, *OPEN)
    assert result.exit_code == 0, result.output
    assert without_progress(result.stderr).splitlines() == [
        "Input: 3 kinds of errors, 0 warnings, 3 rows not used. The list with rows and reasons is in "
        "derive/validation.json."]
    assert result.stdout.splitlines()[0] == \
        "Derived 3 providers and 3 ties (at least 1 shared patient) from 7 records."
    problems = json.loads((out / "derive" / "validation.json").read_text(encoding="utf-8"))["problems"]
    assert [(p["rule"], p["rows"]) for p in problems] == [
        ("record.missing_patient", [9]), ("record.missing_provider", [10]), ("record.missing_date", [11])]


def test_care_density_and_key(records: Path, tmp_path: Path, invoke: Invoke) -> None:
    out = tmp_path / "out"
    key = tmp_path / "keys" / "carenet.key"
    result = invoke("derive", records, "-o", out, *OPEN, "--care-density", "--key", key)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1] == \
        f"Wrote {_written(out, (*WRITTEN[:4], *DENSITY, *WRITTEN[4:]))}"
    assert key.exists()
    ids = [line.split(",")[0] for line in (out / "actors.csv").read_text(encoding="utf-8").splitlines()[1:]]
    assert len(ids) == 3 and all(i.startswith("Provider ") for i in ids)
    again = invoke("derive", records, "-o", tmp_path / "again", *OPEN, "--care-density", "--key", key)
    assert again.exit_code == 0
    for name in ("actors.csv", "ties.csv", *DENSITY):
        assert (tmp_path / "again" / name).read_bytes() == (out / name).read_bytes(), name


def test_published_pairs_on_the_command_line(tmp_path: Path, invoke: Invoke) -> None:
    path = tmp_path / "cms.txt"
    path.write_text("1111111111,2222222222,40,20,3\n2222222222,1111111111,30,15,1\n", encoding="utf-8")
    out = tmp_path / "out"
    result = invoke("derive", path, "-o", out, "--direction", "sequence")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == \
        "Derived 2 providers and 2 ties (at least 11 shared patients) from 2 records."


def test_an_option_the_library_refuses_is_a_usage_error(tmp_path: Path, invoke: Invoke) -> None:
    path = tmp_path / "cms.txt"
    path.write_text("1111111111,2222222222,40,20,3\n", encoding="utf-8")
    result = invoke("derive", path, "-o", tmp_path / "out", "--weight", "newman")
    assert result.exit_code == 2, result.output
    assert "published pairs carry only counts" in result.stderr


def test_a_missing_file_is_a_located_message_without_traceback(tmp_path: Path, invoke: Invoke,
                                                                run_carenet: RunCarenet) -> None:
    missing = tmp_path / "fehlt.csv"
    out = tmp_path / "out"
    result = invoke("derive", missing, "-o", out)
    assert result.exit_code == 1
    assert isinstance(result.exception, InputError) and result.exception.key == "derive.no_such_file"
    proc = run_carenet("derive", missing, "-o", out)
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert without_progress(proc.stderr).splitlines() == [
        f"Error: {missing}: the file does not exist",
        "  How to fix: Check the path; folders and patterns such as 'claims/*.csv' are read too."]
    assert "Traceback" not in proc.stderr
    assert not out.exists()


@pytest.mark.parametrize("option", [("--window", "7"), ("--min-shared", "0"), ("--weight", "sum"),
                                    ("--max-providers", "1"), ("--direction", "both"), ("--lang", "fr")])
def test_bad_options_are_usage_errors(records: Path, tmp_path: Path, invoke: Invoke, option: tuple[str, str]) -> None:
    out = tmp_path / "out"
    result = invoke("derive", records, "-o", out, *option)
    assert result.exit_code == 2, result.output
    assert f"Invalid value for '{option[0]}'" in result.stderr
    assert not out.exists()


def test_no_records_is_a_usage_error(tmp_path: Path, invoke: Invoke) -> None:
    result = invoke("derive", "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert "Missing argument 'RECORDS...'" in result.stderr


def test_a_key_inside_the_output_folder_is_refused(records: Path, tmp_path: Path, invoke: Invoke) -> None:
    out = tmp_path / "out"
    key = out / "keys" / "carenet.key"
    result = invoke("derive", records, "-o", out, *OPEN, "--key", key)
    assert result.exit_code == 2
    assert ("The key file would lie inside the output folder, which is what gets shared. Keep the key outside it, "
            "e.g. --key ~/carenet.key.") in result.stderr
    assert not key.exists() and not (out / "ties.csv").exists()


def test_the_output_must_not_overwrite_an_input(tmp_path: Path, invoke: Invoke, run_carenet: RunCarenet) -> None:
    out = tmp_path / "out"
    out.mkdir()
    inside = out / "actors.csv"  # records that happen to carry the name of an output
    inside.write_text(RECORDS, encoding="utf-8")
    result = invoke("derive", inside, "-o", out, *OPEN)
    assert result.exit_code == 1
    assert isinstance(result.exception, OutputError) and result.exception.key == "output.overwrites_input"
    assert inside.read_text(encoding="utf-8") == RECORDS
    assert sorted(p.name for p in out.iterdir()) == ["actors.csv"]
    proc = run_carenet("derive", inside, "-o", out, *OPEN)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert without_progress(proc.stderr).splitlines()[0] == \
        f"Error: {out / 'actors.csv'}: this output would overwrite one of the input files"
    assert inside.read_text(encoding="utf-8") == RECORDS


def test_the_output_must_not_go_into_an_input_folder(tmp_path: Path, invoke: Invoke) -> None:
    folder = tmp_path / "claims"
    folder.mkdir()
    (folder / "2024.csv").write_text(RECORDS, encoding="utf-8")
    result = invoke("derive", folder, "-o", folder / "network", *OPEN)
    assert result.exit_code == 1
    assert isinstance(result.exception, OutputError) and result.exception.key == "output.inside_input_folder"
    assert sorted(p.name for p in folder.iterdir()) == ["2024.csv"]
