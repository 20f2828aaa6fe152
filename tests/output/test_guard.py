"""No command overwrites or pollutes its input; the refusal comes before any work."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from carenet_graph.cli import ANALYSIS_FILES, COMPARE_FILES, GAP_FILES
from carenet_graph.errors import OutputError
from carenet_graph.output.guard import check_outputs
from tests.support.commands import Invoke

ACTORS = "id;name;type;municipality\n1;Praxis A;Hausarzt;Lemgo\n2;PKD Lippe;PKD;Detmold\n"
TIES = "source;target;type;level\n1;2;Konsil;3\n"


@pytest.fixture
def wave(tmp_path: Path) -> Path:
    folder = tmp_path / "welle"
    folder.mkdir()
    (folder / "actors.csv").write_text(ACTORS, encoding="utf-8")
    (folder / "ties.csv").write_text(TIES, encoding="utf-8")
    return folder


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_outputs_that_are_inputs_or_inside_an_input_folder_are_refused(wave: Path, tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="overwrite one of the input files"):
        check_outputs([wave / "actors.csv"], [wave / "actors.csv", wave / "ties.csv"])
    with pytest.raises(OutputError, match="into an input folder"):
        check_outputs([wave / "out" / "gaps.csv"], [wave])
    check_outputs([tmp_path / "elsewhere" / "actors.csv"], [wave])  # fine
    check_outputs([wave / "report.html"], [wave / "actors.csv"])     # beside an input file: fine


@pytest.mark.parametrize("command", [
    ["convert", "{w}", "-o", "{w}/netz.graphml"],
    ["convert", "{w}/netz.graphml", "-o", "{w}/netz.graphml"],
    ["analyze", "{a}", "{t}", "-o", "{w}"],
    ["analyze", "{w}", "-o", "{w}/analyse"],
    ["gaps", "{w}", "-o", "{w}"],
    ["map", "{w}", "-o", "{w}/karte.html"],
    ["report", "{w}", "-o", "{w}/bericht.html"],
])
def test_commands_refuse_before_reading_and_leave_the_input_alone(command: list[str], wave: Path,
                                                                  invoke: Invoke) -> None:
    assert invoke("convert", wave / "actors.csv", wave / "ties.csv", "-o", wave.parent / "netz.graphml").exit_code == 0
    shutil.copy(wave.parent / "netz.graphml", wave / "netz.graphml")
    before = snapshot(wave)
    args = [part.format(a=wave / "actors.csv", t=wave / "ties.csv", w=wave) for part in command]
    result = invoke(*args)
    assert result.exit_code == 1 and isinstance(result.exception, OutputError), result.output
    assert snapshot(wave) == before


def test_compare_refuses_to_write_into_a_wave(wave: Path, tmp_path: Path, invoke: Invoke) -> None:
    other = tmp_path / "welle2"
    shutil.copytree(wave, other)
    before = snapshot(wave)
    result = invoke("compare", wave, other, "-o", wave / "vergleich")
    assert result.exit_code == 1 and isinstance(result.exception, OutputError)
    assert snapshot(wave) == before


def test_writing_beside_the_input_is_still_fine(wave: Path, invoke: Invoke) -> None:
    done = invoke("analyze", wave / "actors.csv", wave / "ties.csv", "-o", wave.parent / "analyse")
    assert done.exit_code == 0, done.output
    assert sorted(p.name for p in (wave.parent / "analyse").iterdir()) == sorted(ANALYSIS_FILES)
    gaps = invoke("gaps", wave / "actors.csv", wave / "ties.csv", "-o", wave.parent / "luecken")
    assert gaps.exit_code == 0 and sorted(p.name for p in (wave.parent / "luecken").iterdir()) == sorted(GAP_FILES)
    assert len(COMPARE_FILES) == 6 and "compare.xlsx" in COMPARE_FILES


def test_an_output_folder_that_is_a_file_is_refused_before_any_work(wave: Path, tmp_path: Path,
                                                                    invoke: Invoke) -> None:
    taken = tmp_path / "ergebnisse"
    taken.write_text("not a folder", encoding="utf-8")
    for command in ("analyze", "gaps"):
        result = invoke(command, wave / "actors.csv", wave / "ties.csv", "-o", taken)
        assert result.exit_code == 1 and isinstance(result.exception, OutputError)
        assert result.exception.message == "the output folder is a file"
    under_a_file = invoke("map", wave / "actors.csv", wave / "ties.csv", "-o", taken / "karte.html")
    assert isinstance(under_a_file.exception, OutputError)
    assert under_a_file.exception.message == "a part of the output path is a file, not a folder"
    assert taken.read_text(encoding="utf-8") == "not a folder"
