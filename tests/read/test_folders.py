"""A folder given as input: every entry that is not read is reported where it is, links inside
it are never followed, and a link named on the command line is (the user chose it)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from carenet_graph.errors import InputError
from tests.support.hostile import NAME, accounting, found, leaks, read, write_bytes, write_csv


def _wave(folder: Path) -> Path:
    write_csv(folder / "actors.csv", [["id", "name"], ["1", NAME], ["2", "Caritas"]])
    write_csv(folder / "ties.csv", [["source", "target", "level"], ["1", "2", "3"]])
    return folder


def test_every_entry_not_read_is_reported_and_links_are_not_followed(tmp_path: Path) -> None:
    folder = _wave(tmp_path / "welle")
    outside = write_csv(tmp_path / "elsewhere" / "secret.csv", [["id", "name"], ["99", "Geheim"]])
    write_csv(folder / "archiv" / "alt.csv", [["id", "name"], ["3", "Alt"]])
    write_bytes(folder / ".hidden.csv", b"id,name\n4,Versteckt\n")
    write_bytes(folder / "~$netz.xlsx", b"lock")
    write_bytes(folder / ".~lock.netz.xlsx#", b"lock")
    write_bytes(folder / "notes.docx", b"PK\x03\x04")
    (folder / "link.csv").symlink_to(outside)
    (folder / "passwd.csv").symlink_to("/etc/passwd")
    (folder / "dangling.csv").symlink_to(tmp_path / "nowhere.csv")
    (folder / "linked_folder").symlink_to(outside.parent, target_is_directory=True)
    data = read(folder)
    assert data.report.sources == [str(folder / "actors.csv"), str(folder / "ties.csv")]
    skipped = {Path(p.file or "").name: (p.severity, p.message) for p in found(data, "file.entry_skipped")}
    assert skipped == {
        ".hidden.csv": ("info", "a hidden file is not read"),
        ".~lock.netz.xlsx#": ("info", "an Office lock file (the workbook is open in Excel or LibreOffice); not read"),
        "~$netz.xlsx": ("info", "an Office lock file (the workbook is open in Excel or LibreOffice); not read"),
        "archiv": ("info", "a subfolder is not read (only the files directly in the folder are)"),
        "dangling.csv": ("info", "a link (shortcut) in the folder is not followed; not read"),
        "link.csv": ("info", "a link (shortcut) in the folder is not followed; not read"),
        "linked_folder": ("info", "a link (shortcut) in the folder is not followed; not read"),
        "passwd.csv": ("info", "a link (shortcut) in the folder is not followed; not read"),
    }
    assert [Path(p.file or "").name for p in found(data, "file.skipped")] == ["notes.docx"]
    assert sorted(data.actors["name"]) == sorted([NAME, "Caritas"])
    assert "root:x:" not in data.report.to_json(show_values=True)  # nothing of /etc/passwd was read
    assert accounting(data.report.accounting) == (3, 2, 1, 0)
    assert leaks(data) == []


def test_a_link_named_on_the_command_line_is_followed(tmp_path: Path) -> None:
    real = _wave(tmp_path / "real")
    link = tmp_path / "wave_link"
    link.symlink_to(real, target_is_directory=True)
    file_link = tmp_path / "actors_link.csv"
    file_link.symlink_to(real / "actors.csv")
    data = read(link)
    assert accounting(data.report.accounting) == (3, 2, 1, 0)
    assert read(file_link).report.accounting.actor_rows == 2


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need a POSIX system")
def test_a_named_pipe_in_a_folder_is_skipped_not_read(tmp_path: Path) -> None:
    folder = _wave(tmp_path / "welle")
    os.mkfifo(folder / "pipe.csv")  # reading it would wait forever
    data = read(folder)
    assert [(Path(p.file or "").name, p.message) for p in found(data, "file.entry_skipped")] == [
        ("pipe.csv", "not an ordinary file; not read")]


def test_a_folder_of_only_skipped_entries_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "leer"
    write_csv(folder / "sub" / "a.csv", [["id"], ["1"]])
    write_bytes(folder / ".DS_Store", b"\x00")
    with pytest.raises(InputError, match="holds no spreadsheet"):
        read(folder)


def test_an_unreadable_folder_is_a_plain_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _wave(tmp_path / "closed")
    real_iterdir = Path.iterdir

    def refused(self: Path) -> Iterator[Path]:
        # What listing a folder without read permission does for a user who is not root
        # (root may list every folder, so chmod 0 alone proves nothing where tests run as root).
        if self == folder:
            raise PermissionError(13, "Permission denied", str(self))
        return real_iterdir(self)

    monkeypatch.setattr(Path, "iterdir", refused)
    with pytest.raises(InputError, match="folder cannot be read"):
        read(folder)
