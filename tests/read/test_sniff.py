"""Tests for carenet_graph.read.sniff: decoding order, file kinds by magic bytes, delimiters."""

from __future__ import annotations

import codecs
import zipfile
from pathlib import Path

import pytest

from carenet_graph.errors import InputError
from carenet_graph.read.sniff import Dialect, decode, detect_kind, sniff_delimiter
from tests.support.hostile import Sheet, write_ods, write_xlsx

TEXT = "id;name\r\n1;Vårdcentralen Kil – Ärzte ß €\r\n"


# -- decode ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "encoding", "bom"),
    [
        (TEXT.encode("utf-8"), "utf-8", False),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8", True),
        (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16-le", True),
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16-be", True),
        (codecs.BOM_UTF32_LE + TEXT.encode("utf-32-le"), "utf-32-le", True),
        (TEXT.encode("utf-16-le"), "utf-16-le", False),
        (TEXT.encode("utf-16-be"), "utf-16-be", False),
        (TEXT.encode("cp1252"), "cp1252", False),
    ],
    ids=["utf8", "utf8-bom", "utf16le-bom", "utf16be-bom", "utf32le-bom", "utf16le", "utf16be", "cp1252"],
)
def test_decode_order(data: bytes, encoding: str, bom: bool) -> None:
    decoded = decode(data)
    assert (decoded.text, decoded.encoding, decoded.bom) == (TEXT, encoding, bom)


def test_cp1252_is_never_read_as_latin1() -> None:
    # 0x80 is '€' in Windows-1252 but a C1 control in latin-1; 0xe5 is 'å' in both.
    decoded = decode("Vårdcentralen 5 € – ä ö ü ß å ë".encode("cp1252"))
    assert decoded.encoding == "cp1252"
    assert decoded.text == "Vårdcentralen 5 € – ä ö ü ß å ë"
    assert "\x80" not in decoded.text


def test_undecodable_in_utf8_and_cp1252_is_refused_with_a_hint() -> None:
    with pytest.raises(InputError) as info:
        decode(b"id,name\n1,Caf\xe9 \x81\n")
    assert info.value.message == "the file is neither UTF-8 nor Windows-1252 text (undecodable byte 0x81 at byte 15)"
    assert info.value.hint == "Open it in your spreadsheet program and save it as 'CSV UTF-8' or as .xlsx."


def test_partial_decode_tolerates_a_character_cut_at_the_end() -> None:
    data = "Müller".encode()[:2]  # 'M' and the first byte of 'ü'
    assert decode(data, partial=True).text == "M"
    assert decode(data).encoding == "cp1252"  # as a whole file it is not UTF-8


def test_broken_utf16_after_a_bom_is_refused() -> None:
    with pytest.raises(InputError) as info:
        decode(codecs.BOM_UTF16_LE + "ab".encode("utf-16-le") + b"\x00\xd8")  # lone high surrogate
    assert info.value.message == "the file is not valid utf-16-le (byte 4)"
    assert info.value.hint == "Save the file as 'CSV UTF-8' or as .xlsx."


# -- detect_kind -----------------------------------------------------------------------------


def _kind(path: Path, data: bytes) -> str:
    path.write_bytes(data)
    return detect_kind(path, data[:8192])


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"", "empty"),
        (b"id,name\n1,A\n", "text"),
        ("\ufeffid;name\n".encode(), "text"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "pdf"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "xls"),
        (b"<!DOCTYPE html>\n<html><body><table></table></body></html>", "html"),
        (b"  <HTML><table><tr><td>id</td></tr></table>", "html"),
        (b'<?xml version="1.0"?><graphml xmlns="http://graphml.graphdrawing.org/xmlns"/>', "graphml"),
        (b'<?xml version="1.0"?><gexf version="1.2"/>', "gexf"),
        (b'<?xml version="1.0"?><note>hi</note>', "xml"),
        (b'{"nodes": [], "edges": []}', "json"),
        (b'\n [{"a": 1}]', "json"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary"),
        # Undecodable, but text: decoding (not sniffing) refuses it, with the byte and a hint.
        (b"id,name\n1,Caf\x81\n", "text"),
        ("id\tname\n1\tÅ\n".encode("utf-16-le"), "text"),
    ],
)
def test_detect_kind_by_content(tmp_path: Path, data: bytes, kind: str) -> None:
    assert _kind(tmp_path / "file.csv", data) == kind


def test_detect_kind_of_workbooks_and_zip_files(tmp_path: Path) -> None:
    xlsx = write_xlsx(tmp_path / "book.csv", [Sheet("actors", [["id"]])])  # extension lies
    assert detect_kind(xlsx, xlsx.read_bytes()[:8192]) == "xlsx"
    ods = write_ods(tmp_path / "book.xlsx", [Sheet("actors", [["id"]])])
    assert detect_kind(ods, ods.read_bytes()[:8192]) == "ods"
    other = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert detect_kind(other, other.read_bytes()[:8192]) == "zip"
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    assert detect_kind(broken, broken.read_bytes()) == "binary"


# -- delimiters ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [
        ("id,name,lat\n1,A,51.9\n2,B,52.0\n", ","),
        ("id;name;lat;lon\n1;A;51,936;8,879\n2;B;52,02;8,9\n", ";"),
        ("id\tname\tnotes\n1\tA\ta, b; c\n2\tB\t\n", "\t"),
        ("id|name|notes\n1|A|a, b\n2|B|c; d\n", "|"),
        # Quoted fields holding other delimiters and line breaks do not confuse the count.
        ('id;name;notes\n1;"Zzyzx Hospiz, Lemgo";"a\nb, c"\n2;B;"x,y,z"\n', ";"),
    ],
    ids=["comma", "semicolon-decimal-comma", "tab", "pipe", "quoted"],
)
def test_delimiter_by_consistent_field_counts(text: str, delimiter: str) -> None:
    assert sniff_delimiter(text) == Dialect(delimiter, False)


@pytest.mark.parametrize(
    ("first_line", "delimiter"),
    [("sep=;", ";"), ("SEP=,", ","), ("sep=\t", "\t"), ("sep=|", "|"), ("sep=;;;", ";"), ("sep=; ", ";")],
)
def test_excel_sep_line_is_honoured(first_line: str, delimiter: str) -> None:
    text = f"{first_line}\r\nid,name;x\r\n1,A;b\r\n2,B;c\r\n"
    assert sniff_delimiter(text) == Dialect(delimiter, True)


def test_sep_argument_overrides_detection_and_sep_line() -> None:
    assert sniff_delimiter("id,name\n1,A\n", ";") == Dialect(";", False)
    assert sniff_delimiter("sep=,\nid;name\n", ";") == Dialect(";", True)
    for tab in ("\\t", "tab", "TAB"):
        assert sniff_delimiter("id,name\n", tab) == Dialect("\t", False)


def test_single_value_rows_fall_back_to_the_header_line() -> None:
    # No candidate splits the data rows; the header line still names four columns.
    assert sniff_delimiter("source;target;level;weight\n0\n0\n") == Dialect(";", False)
    assert sniff_delimiter("name\nA\nB\n") == Dialect(",", False)
