"""Tests for carenet_graph.privacy.key: the key file is created private, reused, and never replaced."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from carenet_graph.errors import InputError
from carenet_graph.privacy.key import load_or_create_key
from tests.support.commands import Invoke

KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))


def test_key_created_private_and_reused(tmp_path: Path) -> None:
    path = tmp_path / "private" / "lippe.key"  # the folder does not exist yet
    key = load_or_create_key(path)
    assert isinstance(key, bytes) and len(key) == 32
    assert path.read_text(encoding="utf-8") == key.hex() + "\n"
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_or_create_key(path) == key
    assert load_or_create_key(str(path)) == key
    assert [p.name for p in path.parent.iterdir()] == ["lippe.key"]  # no temporary file left
    assert load_or_create_key(tmp_path / "other.key") != key


def test_key_accepts_notepad_bom_crlf_and_upper_case(tmp_path: Path) -> None:
    path = tmp_path / "k.key"
    path.write_bytes(b"\xef\xbb\xbf" + KEY.hex().upper().encode() + b"\r\n")
    path.chmod(0o600)
    assert load_or_create_key(path) == KEY


@pytest.mark.parametrize("content", [b"", b"not a key\n", KEY.hex()[:62].encode(), (KEY.hex() + "00").encode(),
                                     (KEY.hex() + "\n" + KEY.hex()).encode(), b"\xff\xfe\x00k",
                                     KEY.hex().replace("0", "g").encode()])
def test_malformed_key_is_input_error_with_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "broken.key"
    path.write_bytes(content)
    path.chmod(0o600)
    with pytest.raises(InputError) as info:
        load_or_create_key(path)
    assert info.value.file == str(path)
    assert info.value.hint and "backup" in info.value.hint
    assert path.read_bytes() == content  # never replaced: earlier pseudonyms depend on it
    if len(content) > 8:
        assert content.decode("utf-8", "replace")[:16] not in str(info.value)  # the key is never echoed


def test_key_that_is_a_folder_is_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        load_or_create_key(tmp_path)
    assert info.value.file == str(tmp_path)


@pytest.mark.skipif(os.name != "posix", reason="file modes")
def test_key_readable_by_others_warns(tmp_path: Path) -> None:
    path = tmp_path / "k.key"
    path.write_text(KEY.hex() + "\n", encoding="utf-8")
    path.chmod(0o644)
    with pytest.warns(UserWarning, match="chmod 600"):
        assert load_or_create_key(path) == KEY


def test_key_created_meanwhile_by_another_run_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "k.key"

    def other_run_first(src: str, dst: str) -> None:
        Path(dst).write_text(OTHER_KEY.hex() + "\n", encoding="utf-8")
        raise FileExistsError(dst)

    monkeypatch.setattr(os, "link", other_run_first)
    assert load_or_create_key(path) == OTHER_KEY
    assert [p.name for p in tmp_path.iterdir()] == ["k.key"]


def test_key_on_file_system_without_hard_links(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_links(src: str, dst: str) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    path = tmp_path / "k.key"
    key = load_or_create_key(path)
    assert path.read_text(encoding="utf-8") == key.hex() + "\n"
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["k.key"]


# -- the options on the command line ----------------------------------------------------------------


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A folder holding a two-actor network."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "actors.csv").write_text("id,name,type\nA,Praxis Nord,gp\nB,Hospiz,hospice\n", encoding="utf-8")
    (folder / "ties.csv").write_text("source,target\nA,B\n", encoding="utf-8")
    return folder


def test_a_key_inside_the_shared_output_folder_is_refused(invoke: Invoke, folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "share"
    result = invoke("analyze", folder, "-o", out, "--pseudonymize", "--key", out / "netz.key", "--lang", "de")
    assert result.exit_code == 2
    assert "Die Schlüsseldatei läge im Ausgabeordner" in result.output
    assert not out.exists()
    fine = invoke("analyze", folder, "-o", out, "--pseudonymize", "--key", tmp_path / "netz.key")
    assert fine.exit_code == 0, fine.output


def test_a_key_others_may_read_is_said_in_a_plain_sentence(invoke: Invoke, folder: Path, tmp_path: Path) -> None:
    key = tmp_path / "netz.key"
    first = invoke("map", folder, "-o", tmp_path / "m.html", "--pseudonymize", "--key", key)
    assert first.exit_code == 0 and "other users" not in first.stderr  # created private
    key.chmod(0o644)
    shared = invoke("map", folder, "-o", tmp_path / "m.html", "--pseudonymize", "--key", key, "--lang", "sv")
    assert shared.exit_code == 0
    assert ("Obs! Andra användare på den här datorn kan läsa nyckelfilen. Gör den privat (chmod 600 netz.key) "
            "eller förvara den i en privat mapp.") in shared.stderr.splitlines()
    assert "Warning" not in shared.stderr
