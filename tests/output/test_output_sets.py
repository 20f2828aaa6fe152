"""Output sets (carenet_graph.output.atomic): all files of a run replace their targets, or none does.

An interruption (Ctrl-C, kill) or an error at any point leaves the previous complete set and no
temporary file; two runs at once leave the set of one of them.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from carenet_graph.errors import OutputError
from carenet_graph.i18n import progress_text, translate
from carenet_graph.output import atomic
from carenet_graph.output.atomic import atomic_write_text, output_set
from carenet_graph.output.files import write_csv
from carenet_graph.output.tables import write_table_folder
from tests.support.commands import child_env


def _temporary_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if p.name.startswith(".") or p.name.endswith(".tmp"))


def test_a_set_appears_only_when_complete(tmp_path: Path) -> None:
    with output_set():
        atomic_write_text(tmp_path / "a.txt", "new a")
        assert not (tmp_path / "a.txt").exists()  # staged, not yet in place
        atomic_write_text(tmp_path / "b.txt", "new b")
    assert (tmp_path / "a.txt").read_text() == "new a"
    assert (tmp_path / "b.txt").read_text() == "new b"
    assert _temporary_files(tmp_path) == []


@pytest.mark.parametrize("interruption", [KeyboardInterrupt, SystemExit, ValueError])
def test_an_interrupted_set_leaves_the_previous_set_and_no_temporary_file(
        tmp_path: Path, interruption: type[BaseException]) -> None:
    tables = {"actors": (["id"], [["1"], ["2"]]), "ties": (["source", "target"], [["1", "2"]])}
    write_table_folder(tmp_path, tables, documents={"network": {"actors": 2}})
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}

    def rows() -> object:
        yield ["1", "3"]
        raise interruption()

    with pytest.raises(interruption):
        write_table_folder(tmp_path, {"actors": (["id"], [["1"], ["2"], ["3"]]),
                                      "ties": (["source", "target"], rows())},
                           documents={"network": {"actors": 3}})
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before
    assert _temporary_files(tmp_path) == []


def test_nested_sets_join_the_outer_one(tmp_path: Path) -> None:
    with pytest.raises(KeyboardInterrupt), output_set():
        write_table_folder(tmp_path, {"actors": (["id"], [["1"]])})  # opens its own set inside
        assert not (tmp_path / "actors.csv").exists()
        raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []


def test_the_same_target_twice_in_a_set_keeps_the_last_version(tmp_path: Path) -> None:
    with output_set():
        atomic_write_text(tmp_path / "a.txt", "first")
        atomic_write_text(tmp_path / "a.txt", "second")
    assert (tmp_path / "a.txt").read_text() == "second"
    assert _temporary_files(tmp_path) == []


def test_a_folder_taking_an_output_name_meanwhile_fails_before_anything_moves(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text("old b")
    (tmp_path / "a.txt").write_text("old a")
    with pytest.raises(OutputError) as info, output_set():
        atomic_write_text(tmp_path / "a.txt", "new a")
        atomic_write_text(tmp_path / "c" / "x.txt", "x")
        (tmp_path / "b.txt").unlink()
        atomic_write_text(tmp_path / "b.txt", "new b")
        (tmp_path / "b.txt").mkdir()
    assert info.value.file == str(tmp_path / "b.txt")
    assert (tmp_path / "a.txt").read_text() == "old a"
    assert not (tmp_path / "c" / "x.txt").exists()
    assert _temporary_files(tmp_path) == []


def test_a_failing_move_removes_what_is_left_of_the_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_replace = os.replace
    calls = []

    def replace_then_fail(src: str, dst: str) -> None:
        calls.append(dst)
        if len(calls) == 2:
            raise PermissionError(13, "Permission denied")
        real_replace(src, dst)

    monkeypatch.setattr(atomic.os, "replace", replace_then_fail)
    with pytest.raises(OutputError, match="Permission denied"), output_set():
        for name in ("a", "b", "c"):
            atomic_write_text(tmp_path / f"{name}.txt", name)
    assert _temporary_files(tmp_path) == []


_WRITER = """
import sys
from pathlib import Path
from carenet_graph.output.graph import _write_csv_pair
folder, tag, rounds = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
rows = [[f"{tag}{i}", "x"] for i in range(2000)]
for _ in range(rounds):
    _write_csv_pair([folder / "net_actors.csv", folder / "net_ties.csv"],
                    [(["id", "run"], rows), (["source", "run"], rows)])
"""


def test_two_runs_writing_the_same_pair_leave_one_runs_pair(tmp_path: Path) -> None:
    """Two processes rewrite the same CSV pair many times at once; the pair left is always one run's."""
    children = [subprocess.Popen([sys.executable, "-c", _WRITER, str(tmp_path), tag, "60"], env=child_env())
                for tag in ("A", "B")]
    assert [child.wait(timeout=300) for child in children] == [0, 0]
    first = (tmp_path / "net_actors.csv").read_text().splitlines()[1][0]
    assert (tmp_path / "net_ties.csv").read_text().splitlines()[1][0] == first
    assert _temporary_files(tmp_path) == []


def _network_files(folder: Path, actors: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    write_csv(folder / "actors.csv", ["id", "name", "type"],
              [[str(i), f"Praxis {i}", "gp"] for i in range(actors)])
    write_csv(folder / "ties.csv", ["source", "target", "level"],
              [[str(i), str((i * 7 + 1) % actors), "3"] for i in range(actors)]
              + [[str(i), str((i * 13 + 5) % actors), "2"] for i in range(actors)])


def test_ctrl_c_during_analyze_exits_130_and_leaves_a_complete_set(tmp_path: Path) -> None:
    """SIGINT while ``carenet analyze`` runs: exit 130, the documented message, and the output folder
    holds one complete set (every table from the same run) and no temporary file."""
    small, large, out = tmp_path / "small", tmp_path / "large", tmp_path / "out"
    _network_files(small, 30)
    _network_files(large, 4000)
    first = subprocess.run([sys.executable, "-m", "carenet_graph", "analyze", str(small), "-o", str(out)],
                           capture_output=True, text=True, env=child_env(), check=False, timeout=300)
    assert first.returncode == 0, first.stderr
    child = subprocess.Popen([sys.executable, "-m", "carenet_graph", "analyze", str(large), "-o", str(out)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=child_env())
    assert child.stderr is not None
    for line in child.stderr:  # wait until the analysis is under way, then interrupt it
        if progress_text("graph") in line:
            break
    time.sleep(0.5)
    child.send_signal(signal.SIGINT)
    _, err = child.communicate(timeout=300)
    assert child.returncode == 130, err
    assert translate("cli_interrupted", "en").strip() in err
    assert "Traceback" not in err
    network = json.loads((out / "network.json").read_text())
    rows = len((out / "actors.csv").read_text().splitlines()) - 1
    assert rows == network["network"]["actors"] == 30  # the earlier run's set, whole
    assert _temporary_files(out) == []


def test_sigterm_ends_like_ctrl_c(tmp_path: Path) -> None:
    """A run stopped with SIGTERM (kill) discards its set the same way and says so."""
    fifo = tmp_path / "ties.csv"
    os.mkfifo(fifo)  # reading blocks until a writer comes: the run is stopped while waiting
    out = tmp_path / "out"
    child = subprocess.Popen([sys.executable, "-m", "carenet_graph", "analyze", "--ties", str(fifo), "-o", str(out)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=child_env())
    writer = None
    for _ in range(600):  # a FIFO opens for writing without blocking only once its reader is there
        try:
            writer = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
            break
        except OSError:
            time.sleep(0.1)
    assert writer is not None, "the run never started reading"
    child.send_signal(signal.SIGTERM)
    _, err = child.communicate(timeout=60)
    os.close(writer)
    assert child.returncode == 130, err
    assert "Interrupted" in err and "Traceback" not in err
    assert not out.exists() or _temporary_files(out) == []


def test_ctrl_c_during_the_moves_is_delivered_after_the_whole_set(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A signal that arrives while the staged files are being moved waits until all are in place."""
    real_replace = os.replace
    moved: list[str] = []

    def replace_and_interrupt(src: str, dst: str) -> None:
        if not moved:
            signal.raise_signal(signal.SIGINT)  # Ctrl-C right at the first rename
        real_replace(src, dst)
        moved.append(dst)

    monkeypatch.setattr(atomic.os, "replace", replace_and_interrupt)
    with pytest.raises(KeyboardInterrupt), output_set():
        for name in ("a", "b", "c"):
            atomic_write_text(tmp_path / f"{name}.txt", name)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.txt", "c.txt"]
    assert len(moved) == 3
