"""Tests for carenet_graph.output.files: atomic files, formula defence, CSV and XLSX output."""

from __future__ import annotations

import csv
import io
import math
import os
import re
import stat
import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from carenet_graph.errors import OutputError
from carenet_graph.output import files as write_mod
from carenet_graph.output.files import (
    atomic_write_bytes,
    atomic_write_text,
    neutralise_cell,
    reproducible_zip,
    write_csv,
    write_xlsx,
)


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


# -- atomic writes --------------------------------------------------------------------------
def test_atomic_write_creates_parent_folder(tmp_path: Path) -> None:
    target = tmp_path / "new" / "deeper" / "out.bin"
    atomic_write_bytes(target, b"\x00\x01data")
    assert target.read_bytes() == b"\x00\x01data"
    assert _leftovers(target.parent) == []


def test_atomic_write_replace_failure_keeps_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "report.csv"
    target.write_bytes(b"old")

    def broken_replace(src: str, dst: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(write_mod.os, "replace", broken_replace)
    with pytest.raises(OutputError) as info:
        atomic_write_bytes(target, b"new")
    assert info.value.file == str(target)
    assert "Permission denied" in info.value.message
    assert info.value.hint is not None and "another program" in info.value.hint
    assert target.read_bytes() == b"old"
    assert _leftovers(tmp_path) == []


def test_write_csv_failing_rows_keep_old_file(tmp_path: Path) -> None:
    target = tmp_path / "ties.csv"
    target.write_text("old,content\n", encoding="utf-8")

    def rows() -> Iterator[list[object]]:
        yield ["a", 1]
        raise RuntimeError("data source broke")

    with pytest.raises(RuntimeError, match="data source broke"):
        write_csv(target, ["x", "y"], rows())
    assert target.read_text(encoding="utf-8") == "old,content\n"
    assert _leftovers(tmp_path) == []


def test_write_xlsx_failing_rows_keep_old_file(tmp_path: Path) -> None:
    target = tmp_path / "tables.xlsx"
    target.write_bytes(b"old")

    def rows() -> Iterator[list[object]]:
        yield ["a"]
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        write_xlsx(target, [("Sheet", ["x"], rows())])
    assert target.read_bytes() == b"old"
    assert _leftovers(tmp_path) == []


def test_atomic_write_into_a_file_as_folder_is_output_error(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("I am a file", encoding="utf-8")
    with pytest.raises(OutputError) as info:
        atomic_write_bytes(blocker / "out.csv", b"x")
    assert info.value.file == str(blocker / "out.csv")
    assert "cannot write the output file" in str(info.value)


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_new_file_gets_normal_mode_and_existing_mode_is_kept(tmp_path: Path) -> None:
    new = tmp_path / "new.txt"
    atomic_write_text(new, "x")
    umask = os.umask(0o022)
    os.umask(umask)
    assert stat.S_IMODE(new.stat().st_mode) == 0o666 & ~umask
    existing = tmp_path / "private.txt"
    existing.write_text("old", encoding="utf-8")
    existing.chmod(0o600)
    atomic_write_text(existing, "new")
    assert stat.S_IMODE(existing.stat().st_mode) == 0o600


def test_atomic_write_text_is_utf8_and_keeps_newlines(tmp_path: Path) -> None:
    target = tmp_path / "t.txt"
    atomic_write_text(target, "Größe\nvärde\r\nëén\n")
    assert target.read_bytes() == "Größe\nvärde\r\nëén\n".encode()
    atomic_write_text(target, "a\nb\n", newline="\r\n")
    assert target.read_bytes() == b"a\r\nb\r\n"


# -- formula injection ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=x", "'\t=x"),
        ("\r=x", "'\r=x"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("+HYPERLINK(\"http://x\")", "'+HYPERLINK(\"http://x\")"),
        ("-A1", "'-A1"),
        ("+49 5231 12345", "+49 5231 12345"),
        ("+31 (0)33-123 45 67", "+31 (0)33-123 45 67"),
        ("-", "-"),
        ("--", "--"),
        ("-3.5", "-3.5"),
        ("+1e3", "+1e3"),
        ("-3,5", "-3,5"),
        ("-1.5E-7", "-1.5E-7"),
        ("Hospiz =1", "Hospiz =1"),
        ("", ""),
        ("Müller", "Müller"),
        ("'=already", "'=already"),
    ],
)
def test_neutralise_cell(value: str, expected: str) -> None:
    assert neutralise_cell(value) == expected


@given(st.text())
def test_neutralise_cell_properties(value: str) -> None:
    out = neutralise_cell(value)
    assert out in (value, "'" + value)
    assert neutralise_cell(out) == out
    if value[:1] in ("=", "@", "\t", "\r"):
        assert out.startswith("'")
    if out[:1] in "+-" and out:
        # Whatever keeps a leading sign can hold no letters, so no function or cell name.
        assert not re.search(r"[^\W\d_]", out)


# -- CSV ------------------------------------------------------------------------------------
def test_csv_round_trip_utf8(tmp_path: Path) -> None:
    target = tmp_path / "actors.csv"
    rows: list[Sequence[object]] = [
        ["A1", "Ambulanter Hospizdienst Lügde", 51.95, None, True],
        ["A2", "Vårdcentral Åmål; \"Söder\"", -3.5, 7, False],
        ["A3", "Thuiszorg Eemland, Baarn–Soest ë", float("nan"), 2**60, "=cmd"],
    ]
    write_csv(target, ["id", "name", "lat", "size", "flag"], rows)
    raw = target.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" not in raw
    with target.open(encoding="utf-8", newline="") as fh:
        back = list(csv.reader(fh))
    assert back == [
        ["id", "name", "lat", "size", "flag"],
        ["A1", "Ambulanter Hospizdienst Lügde", "51.95", "", "true"],
        ["A2", "Vårdcentral Åmål; \"Söder\"", "-3.5", "7", "false"],
        ["A3", "Thuiszorg Eemland, Baarn–Soest ë", "", str(2**60), "'=cmd"],
    ]


def test_csv_bom_and_delimiter(tmp_path: Path) -> None:
    target = tmp_path / "semi.csv"
    write_csv(target, ["a", "=b"], [["x;y", 0.1]], delimiter=";", bom=True)
    assert target.read_bytes() == "\ufeffa;'=b\n\"x;y\";0.1\n".encode()


@given(st.lists(st.floats(allow_nan=False), min_size=1, max_size=5))
def test_csv_floats_round_trip_exactly(values: list[float]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "f.csv"
        write_csv(target, [f"c{i}" for i in range(len(values))], [values])
        with target.open(encoding="utf-8", newline="") as fh:
            cells = list(csv.reader(fh))[1]
    # Infinities carry a sign and letters, so "-inf" is neutralised like any other text.
    back = [float(c.removeprefix("'")) for c in cells]
    assert back == values
    assert [math.copysign(1, b) for b in back] == [math.copysign(1, v) for v in values]


# -- XLSX -----------------------------------------------------------------------------------
def _sample_sheets() -> list[tuple[str, list[str], list[list[object]]]]:
    return [
        (
            "Akteure",
            ["id", "name", "lat", "aktiv"],
            [
                ["A1", "=HYPERLINK(\"http://evil\")", 51.95, True],
                ["A2", "Pflegedienst Größe ä", None, False],
                ["A3", "@SUM(A1)", float("nan"), None],
                ["A4", "-2+3+cmd|' /C calc'!A0", 2**60, 42],
            ],
        ),
        ("Samverkan", ["source", "target"], [["A1", "A2"]]),
    ]


def _sheet_xml(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as zf:
        return [zf.read(n).decode("utf-8") for n in zf.namelist() if n.startswith("xl/worksheets/")]


def test_xlsx_is_byte_identical_across_writes(tmp_path: Path) -> None:
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    write_xlsx(first, _sample_sheets())
    write_xlsx(second, _sample_sheets())
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as zf:
        assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = zf.read("docProps/core.xml").decode("utf-8")
    assert "2000-01-01T00:00:00Z" in core


def test_xlsx_cells_are_typed_and_never_formulas(tmp_path: Path) -> None:
    target = tmp_path / "t.xlsx"
    write_xlsx(target, _sample_sheets())
    for xml in _sheet_xml(target):
        assert "<f>" not in xml and "<f " not in xml
    workbook = CalamineWorkbook.from_path(str(target))
    assert workbook.sheet_names == ["Akteure", "Samverkan"]
    rows = workbook.get_sheet_by_name("Akteure").to_python()
    assert rows[0] == ["id", "name", "lat", "aktiv"]
    assert rows[1] == ["A1", "'=HYPERLINK(\"http://evil\")", 51.95, True]
    assert rows[2] == ["A2", "Pflegedienst Größe ä", "", False]
    assert rows[3] == ["A3", "'@SUM(A1)", "", ""]
    assert rows[4] == ["A4", "'-2+3+cmd|' /C calc'!A0", str(2**60), 42]


def test_xlsx_header_frozen_with_autofilter(tmp_path: Path) -> None:
    target = tmp_path / "t.xlsx"
    write_xlsx(target, _sample_sheets())
    first = _sheet_xml(target)[0]
    assert 'state="frozen"' in first
    assert '<autoFilter ref="A1:D5"/>' in first
    assert re.search(r'<c r="A1" s="\d+" t="s">', first)  # the bold header style


def test_xlsx_bad_sheet_name_is_output_error(tmp_path: Path) -> None:
    with pytest.raises(OutputError) as info:
        write_xlsx(tmp_path / "x.xlsx", [("bad/name", ["a"], [])])
    assert "sheet name" in info.value.message
    assert not (tmp_path / "x.xlsx").exists()


def test_xlsx_too_long_text_is_located_and_old_file_kept(tmp_path: Path) -> None:
    target = tmp_path / "x.xlsx"
    target.write_bytes(b"old")
    with pytest.raises(OutputError) as info:
        write_xlsx(target, [("Notes", ["id", "notes"], [["A1", "x" * 40_000]])])
    assert (info.value.sheet, info.value.row, info.value.column_index) == ("Notes", 2, 1)
    assert "x" * 50 not in str(info.value)  # never echo the cell
    assert target.read_bytes() == b"old"


def test_reproducible_zip_normalises_timestamps_and_system() -> None:
    def make(stamp: tuple[int, int, int, int, int, int], system: int) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
            for name in ("b.xml", "a.xml"):
                info = zipfile.ZipInfo(name, stamp)
                info.create_system = system
                info.external_attr = 0o644 << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, f"<{name}/>")
        return buffer.getvalue()

    one = make((2024, 5, 6, 7, 8, 10), 3)
    two = make((2025, 1, 2, 3, 4, 6), 0)
    assert one != two
    assert reproducible_zip(one) == reproducible_zip(two)
    with zipfile.ZipFile(io.BytesIO(reproducible_zip(one))) as zf:
        assert zf.namelist() == ["b.xml", "a.xml"]  # order as written, not re-sorted
        assert zf.read("a.xml") == b"<a.xml/>"
    normal = reproducible_zip(one)
    assert reproducible_zip(normal) is normal
