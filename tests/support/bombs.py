"""Builders for hostile workbooks that would exhaust a reader: every bomb is written by the test
that uses it, into ``tmp_path``, in well under a second and a few MB of disk.

A zip member that unpacks to gigabytes is never compressed byte by byte: a deflate segment
made by a fresh compressor and ended with a full flush is byte-aligned and refers to nothing
before it, so the same segment repeated N times is a valid stream of N times its content. The
CRC-32 of the whole is combined arithmetically (zlib's ``crc32_combine``), so every member is a
correct zip member that a reader has no reason to reject before unpacking it.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import quoteattr

_SEGMENT = 1 << 20  # bytes of content per repeated deflate segment


# -- CRC-32 of repeated content ------------------------------------------------------------


def _gf2_times(matrix: Sequence[int], vector: int) -> int:
    total = 0
    i = 0
    while vector:
        if vector & 1:
            total ^= matrix[i]
        vector >>= 1
        i += 1
    return total


def _gf2_square(matrix: Sequence[int]) -> list[int]:
    return [_gf2_times(matrix, matrix[n]) for n in range(32)]


def crc32_combine(crc1: int, crc2: int, len2: int) -> int:
    """CRC-32 of A + B from crc(A), crc(B) and len(B) (zlib's crc32_combine, in Python)."""
    if len2 <= 0:
        return crc1
    odd = [0xEDB88320] + [1 << n for n in range(31)]
    even = _gf2_square(odd)
    odd = _gf2_square(even)
    while True:
        even = _gf2_square(odd)
        if len2 & 1:
            crc1 = _gf2_times(even, crc1)
        len2 >>= 1
        if not len2:
            break
        odd = _gf2_square(even)
        if len2 & 1:
            crc1 = _gf2_times(odd, crc1)
        len2 >>= 1
        if not len2:
            break
    return crc1 ^ crc2


def _crc_repeated(crc: int, length: int, count: int) -> int:
    """CRC-32 of a block (crc, length) repeated ``count`` times, by doubling."""
    result, result_len = 0, 0
    while count:
        if count & 1:
            result = crc32_combine(result, crc, length)
            result_len += length
        count >>= 1
        if count:
            crc = crc32_combine(crc, crc, length)
            length *= 2
    return result


# -- deflate streams and zip files ------------------------------------------------------------


@dataclass(frozen=True)
class Member:
    """One zip member: its name, raw (deflated or stored) bytes, CRC-32 and unpacked size.

    ``declared_size`` is the size written into the zip headers (a liar's archive declares less
    than it holds); by default the true size.
    """

    name: str
    raw: bytes
    crc: int
    size: int
    method: int = zlib.DEFLATED
    declared_size: int | None = None


def _segment(data: bytes, finish: bool = False) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(zlib.Z_FINISH if finish else zlib.Z_FULL_FLUSH)


def member(name: str, data: bytes | str) -> Member:
    """A member holding ``data``, deflated."""
    raw = data.encode() if isinstance(data, str) else data
    return Member(name, _segment(raw, finish=True), zlib.crc32(raw), len(raw))


def stored(name: str, data: bytes | str) -> Member:
    """A member holding ``data`` uncompressed (how ODS stores its mimetype)."""
    raw = data.encode() if isinstance(data, str) else data
    return Member(name, raw, zlib.crc32(raw), len(raw), method=0)


def repeated(name: str, head: bytes | str, unit: bytes | str, count: int, tail: bytes | str) -> Member:
    """A member holding ``head + unit * count + tail``, built in time and space independent of ``count``."""
    head_b = head.encode() if isinstance(head, str) else head
    unit_b = unit.encode() if isinstance(unit, str) else unit
    tail_b = tail.encode() if isinstance(tail, str) else tail
    per = max(1, _SEGMENT // len(unit_b))
    full, rest = divmod(count, per)
    block = unit_b * per
    parts = [_segment(head_b), _segment(block) * full, _segment(unit_b * rest), _segment(tail_b, finish=True)]
    crc = zlib.crc32(head_b)
    crc = crc32_combine(crc, _crc_repeated(zlib.crc32(block), len(block), full), len(block) * full)
    crc = crc32_combine(crc, zlib.crc32(unit_b * rest), len(unit_b) * rest)
    crc = crc32_combine(crc, zlib.crc32(tail_b), len(tail_b))
    return Member(name, b"".join(parts), crc, len(head_b) + len(unit_b) * count + len(tail_b))


def write_zip(path: Path, members: Iterable[Member], *, declared_entries: int | None = None) -> Path:
    """A zip file of ``members`` exactly as given (sizes, CRCs and entry count may lie on purpose)."""
    body = bytearray()
    directory = bytearray()
    count = 0
    for m in members:
        name = m.name.encode()
        size = m.size if m.declared_size is None else m.declared_size
        offset = len(body)
        fields = (20, 0, m.method, 0, 0x21, m.crc, len(m.raw), size, len(name))
        body += struct.pack("<IHHHHHIIIHH", 0x04034B50, *fields, 0) + name + m.raw
        directory += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, *fields, 0, 0, 0, 0, 0, offset) + name
        count += 1
    entries = count if declared_entries is None else declared_entries
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, min(entries, 0xFFFF), min(entries, 0xFFFF),
                      len(directory), len(body), 0)
    path.write_bytes(bytes(body + directory + end))
    return path


# -- xlsx ---------------------------------------------------------------------------------------

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
SHEET_HEAD = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_MAIN}"><sheetData>'
SHEET_TAIL = "</sheetData></worksheet>"


def text_cell(ref: str, text: str) -> str:
    """An inline-string cell (no shared-strings table needed)."""
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def sheet_xml(rows: Sequence[tuple[int, Sequence[str]]]) -> str:
    """A worksheet of (1-based row number, cells) rows; cells are ready-made ``<c>`` elements."""
    body = "".join(f'<row r="{r}">{"".join(cells)}</row>' for r, cells in rows)
    return SHEET_HEAD + body + SHEET_TAIL


def table_rows(rows: Sequence[Sequence[str]], first: int = 1) -> list[tuple[int, list[str]]]:
    """Text rows as (row number, cells) from row ``first`` on, in columns A, B, C..."""
    return [(first + i, [text_cell(f"{chr(65 + j)}{first + i}", v) for j, v in enumerate(row)])
            for i, row in enumerate(rows)]


def xlsx_members(sheets: Sequence[tuple[str, Member | str]]) -> list[Member]:
    """The parts of an xlsx with the given (name, sheet XML or ready member) sheets."""
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, len(sheets) + 1))
    types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        f"{overrides}</Types>")
    root_rels = (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG_REL}">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'officeDocument" Target="xl/workbook.xml"/></Relationships>')
    entries = "".join(f"<sheet name={quoteattr(name)} sheetId=\"{i}\" r:id=\"rId{i}\"/>"
                      for i, (name, _) in enumerate(sheets, 1))
    workbook = (f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
                f"<sheets>{entries}</sheets></workbook>")
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        f'relationships/worksheet" Target="worksheets/sheet{i}.xml"/>' for i in range(1, len(sheets) + 1))
    parts = [member("[Content_Types].xml", types), member("_rels/.rels", root_rels),
             member("xl/workbook.xml", workbook),
             member("xl/_rels/workbook.xml.rels",
                    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG_REL}">{rels}</Relationships>')]
    for i, (_, sheet) in enumerate(sheets, 1):
        name = f"xl/worksheets/sheet{i}.xml"
        parts.append(Member(name, sheet.raw, sheet.crc, sheet.size, sheet.method, sheet.declared_size)
                     if isinstance(sheet, Member) else member(name, sheet))
    return parts


def write_raw_xlsx(path: Path, sheets: Sequence[tuple[str, Member | str]], extra: Sequence[Member] = ()) -> Path:
    """An xlsx written part by part (no spreadsheet library), so that a part may be hostile."""
    return write_zip(path, [*xlsx_members(sheets), *extra])


ACTORS_ROWS = [["id", "name", "type"], ["1", "Hospiz Lemgo", "hospice"], ["2", "PKD Detmold", "pkd"]]


def far_cell_xlsx(path: Path, ref: str = "XFD1048576", *, with_r: bool = True) -> Path:
    """A small actors table and one stray value at ``ref`` (Excel's last cell by default).

    Without ``with_r`` the stray cell carries no ``r`` attribute: its position follows from
    the row's ``r`` and the empty cells before it, as a reader counts them.
    """
    letters = ref.rstrip("0123456789")
    row = int(ref[len(letters):])
    if with_r:
        stray = f'<row r="{row}"><c r="{ref}" t="inlineStr"><is><t>x</t></is></c></row>'
    else:
        col = 0
        for ch in letters:
            col = col * 26 + ord(ch) - 64
        stray = f'<row r="{row}">' + "<c/>" * (col - 1) + '<c t="inlineStr"><is><t>x</t></is></c></row>'
    xml = SHEET_HEAD + "".join(f'<row r="{r}">{"".join(c)}</row>' for r, c in table_rows(ACTORS_ROWS)) + stray
    return write_raw_xlsx(path, [("Akteure", xml + SHEET_TAIL)])


def row_bomb_xlsx(path: Path, rows: int, cells_per_row: int = 10, *, styled_only: bool = False) -> Path:
    """``rows`` rows without ``r`` attributes (positions counted), each of ``cells_per_row`` cells
    holding a number, or only a style when ``styled_only``."""
    cell = '<c s="1"/>' if styled_only else "<c><v>1</v></c>"
    unit = "<row>" + cell * cells_per_row + "</row>"
    return write_raw_xlsx(path, [("Akteure", repeated("sheet", SHEET_HEAD, unit, rows, SHEET_TAIL))])


def many_sheets_xlsx(path: Path, count: int) -> Path:
    """A workbook of ``count`` small sheets."""
    xml = sheet_xml(table_rows(ACTORS_ROWS))
    return write_raw_xlsx(path, [(f"S{i}", xml) for i in range(count)])


def zip_bomb_xlsx(path: Path, unpacked: int, *, declared: int | None = None) -> Path:
    """A valid small actors sheet plus a shared-strings part holding one string of ``unpacked`` letters
    (a reader keeps every shared string in memory); ``declared`` is the size the zip claims."""
    head = f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{_MAIN}" count="1" uniqueCount="1"><si><t>'
    sst = repeated("xl/sharedStrings.xml", head, b"a" * 4096, unpacked // 4096, "</t></si></sst>")
    if declared is not None:
        sst = Member(sst.name, sst.raw, sst.crc, sst.size, declared_size=declared)
    return write_raw_xlsx(path, [("Akteure", sheet_xml(table_rows(ACTORS_ROWS)))], extra=[sst])


# -- ods ------------------------------------------------------------------------------------------

ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)
ODS_HEAD = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODS_NS} office:version="1.2">'
            "<office:body><office:spreadsheet>")
ODS_TAIL = "</office:spreadsheet></office:body></office:document-content>"


def ods_text(text: str, repeat: int = 1) -> str:
    attr = f' table:number-columns-repeated="{repeat}"' if repeat > 1 else ""
    return f'<table:table-cell{attr} office:value-type="string"><text:p>{text}</text:p></table:table-cell>'


def ods_empty(repeat: int = 1) -> str:
    attr = f' table:number-columns-repeated="{repeat}"' if repeat > 1 else ""
    return f"<table:table-cell{attr}/>"


def ods_row(cells: Sequence[str], repeat: int = 1) -> str:
    attr = f' table:number-rows-repeated="{repeat}"' if repeat > 1 else ""
    return f"<table:table-row{attr}>{''.join(cells)}</table:table-row>"


def ods_table(name: str, rows: Sequence[str]) -> str:
    return f"<table:table table:name={quoteattr(name)}>{''.join(rows)}</table:table>"


def write_raw_ods(path: Path, tables: Sequence[str] | Member) -> Path:
    """An ODS whose content.xml holds ``tables`` (or is the given member)."""
    content = tables if isinstance(tables, Member) else member("content.xml", ODS_HEAD + "".join(tables) + ODS_TAIL)
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.2"><manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>")
    return write_zip(path, [stored("mimetype", "application/vnd.oasis.opendocument.spreadsheet"),
                            member("META-INF/manifest.xml", manifest),
                            Member("content.xml", content.raw, content.crc, content.size)])


def ods_actor_rows() -> list[str]:
    return [ods_row([ods_text(v) for v in row]) for row in ACTORS_ROWS]


# -- other files ------------------------------------------------------------------------------------


def excel_lock_file(path: Path, user: str = "Anna Schmidt") -> Path:
    """What Excel writes as ``~$name.xlsx`` while a workbook is open: the user's name as a
    length byte and ANSI text padded with spaces to 54 bytes, then again as UTF-16, 165 bytes in all."""
    ansi = user.encode("cp1252")[:53]
    wide = user.encode("utf-16-le")
    data = bytes([len(ansi)]) + ansi.ljust(53, b" ") + struct.pack("<H", len(user)) + wide
    data += b"\x20\x00" * ((165 - len(data)) // 2 + 1)
    path.write_bytes(data[:165])
    return path
