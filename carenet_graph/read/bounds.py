"""What a workbook would make the reader allocate, checked before the reader opens it.

python-calamine fills each sheet's whole used rectangle in memory and reads an ODS file's
every table, and every shared string of an xlsx, as soon as it opens it; a hostile file aborts
the process (an allocation of 549 GB) or runs for minutes. So before it does:

* the file's size, and a zip's table of contents (its entry count and size are read from the
  end of the file before Python's :mod:`zipfile` builds one object per entry);
* every part the reader reads is unpacked here, in chunks, counting the bytes that really come
  out (declared sizes are checked but not trusted): at most ``unpacked_bytes`` in all, and each
  part must hold what its header says;
* the number of sheets, and each sheet's used area (the rectangle up to its farthest value,
  :mod:`carenet_graph.read.sheetscan`) against ``cells`` and ``row_cells``, summed over the file.

Every refusal is an :class:`~carenet_graph.errors.InputError` with a stable English message and
a hint; no cell value is ever quoted.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from carenet_graph.errors import InputError
from carenet_graph.read.limits import Limits
from carenet_graph.read.opening import size_text
from carenet_graph.read.sheetscan import CellCount, Extent, Irregular, OdsScan, XlsxScan, XlsxSlowScan

_CHUNK = 4 << 20
_SAVE_AGAIN = "Open it in your spreadsheet program and save it again (as .xlsx), or check that it is the right file."
_STRAY = ("Delete the stray cells outside the table: Ctrl+End shows the last cell; select the empty rows below "
          "and the empty columns right of the table, delete them, and save.")


def max_members(limits: Limits) -> int:
    """Parts a workbook may have: a sheet brings a few (its XML, relations, drawings, comments)."""
    return max(10_000, 10 * limits.sheets)


def check_archive(path: Path, head: bytes, limits: Limits) -> None:
    """A zip's table of contents, from the end of the file, before :mod:`zipfile` builds an object
    per entry (the file's size was checked when it was opened).

    Raises
    ------
    InputError
        When the zip directory lists more parts than any workbook has.
    """
    if not head.startswith(b"PK\x03\x04"):
        return
    entries, directory = _zip_directory(path, path.stat().st_size)
    most = max_members(limits)
    if entries > most or directory > most * 1024:
        raise InputError(f"the file is a zip archive of {entries} parts, more than any workbook has ({most})",
                         file=str(path), hint=_SAVE_AGAIN, key="zip.too_many_parts",
                         values={"parts": entries, "most": most})


def _zip_directory(path: Path, size: int) -> tuple[int, int]:
    """(entries, directory bytes) from the zip's end record; (0, 0) when there is none (a cut-off file)."""
    with path.open("rb") as handle:
        handle.seek(max(0, size - 65_557))
        tail = handle.read()
        at = tail.rfind(b"PK\x05\x06")
        if at == -1 or len(tail) < at + 22:
            return 0, 0
        entries, directory = struct.unpack("<HI", tail[at + 10:at + 16])
        locator = tail.rfind(b"PK\x06\x07", 0, at)
        if (entries == 0xFFFF or directory == 0xFFFFFFFF) and locator != -1 and len(tail) >= locator + 20:
            (offset,) = struct.unpack("<Q", tail[locator + 8:locator + 16])
            handle.seek(offset)
            record = handle.read(56)
            if record[:4] == b"PK\x06\x06" and len(record) == 56:
                entries, directory = struct.unpack("<QQ", record[32:48])
        return entries, directory


@dataclass
class Scan:
    """What the scan found that reading needs: the xlsx sheets with formula errors (name → part),
    and the parts already unpacked."""

    error_sheets: dict[str, str] = field(default_factory=dict)
    scanned: set[str] = field(default_factory=set)


class _Parts:
    """Unpacks zip parts from the raw bytes, counting what comes out against one budget."""

    def __init__(self, handle: BinaryIO, name: str, budget: int) -> None:
        self.handle = handle
        self.name = name
        self.budget = budget
        self.used = 0

    def stream(self, info: zipfile.ZipInfo) -> Iterator[bytes]:
        self.handle.seek(info.header_offset)
        header = self.handle.read(30)
        if len(header) < 30 or header[:4] != b"PK\x03\x04":
            raise self.damaged()
        skip = sum(struct.unpack("<HH", header[26:30]))
        self.handle.seek(info.header_offset + 30 + skip)
        inflater = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
        left = info.compress_size
        produced = 0
        try:
            while left > 0:
                raw = self.handle.read(min(left, 1 << 20))
                if not raw:
                    raise self.damaged()
                left -= len(raw)
                data = raw if inflater is None else inflater.decompress(raw, _CHUNK)
                while data:
                    produced += len(data)
                    self._count(len(data), produced, info)
                    yield data
                    data = inflater.decompress(inflater.unconsumed_tail, _CHUNK) if inflater and \
                        inflater.unconsumed_tail else b""
            rest = inflater.flush() if inflater is not None else b""
            if rest:
                produced += len(rest)
                self._count(len(rest), produced, info)
                yield rest
        except zlib.error:
            raise self.damaged() from None
        if (inflater is not None and not inflater.eof) or produced != info.file_size:
            raise self.damaged()

    def _count(self, n: int, produced: int, info: zipfile.ZipInfo) -> None:
        self.used += n
        if self.used > self.budget:
            raise self.too_big()
        if produced > info.file_size:
            raise self.damaged()

    def too_big(self) -> InputError:
        return InputError(f"the workbook unpacks to more than {size_text(self.budget)}", file=self.name,
                          hint="It is packed to a fraction of what it holds (a 'zip bomb') or damaged. " + _SAVE_AGAIN,
                          key="zip.unpacks_too_big", values={"limit": size_text(self.budget)})

    def damaged(self) -> InputError:
        return InputError("the workbook is damaged: one of its parts does not unpack to what the file says",
                          file=self.name, hint="Copy or download the file again, or " + _SAVE_AGAIN[0].lower()
                                               + _SAVE_AGAIN[1:], key="zip.part_damaged", values={})

    def scan(self, info: zipfile.ZipInfo, scanner: XlsxScan | XlsxSlowScan | CellCount | OdsScan) -> None:
        for data in self.stream(info):
            scanner.feed(data)

    def drain(self, info: zipfile.ZipInfo) -> bytes:
        """A small part (workbook.xml, relations) in full, counted."""
        return b"".join(self.stream(info))


def scan_workbook(path: Path, kind: str, limits: Limits) -> Scan:
    """Check an xlsx or ods against ``limits`` before the reader opens it (see the module docstring).

    Raises
    ------
    InputError
        For the first limit the workbook exceeds, with the sheet and the farthest cell.
    """
    name = str(path)
    if kind not in ("xlsx", "ods"):
        return Scan()
    with zipfile.ZipFile(path) as archive, path.open("rb") as handle:
        infos = archive.infolist()
        parts = _Parts(handle, name, limits.unpacked_bytes)
        if len({i.filename for i in infos}) != len(infos):
            raise parts.damaged()
        if any(i.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) for i in infos):
            raise InputError("the workbook's parts are packed in a way spreadsheet programs do not use",
                             file=name, hint=_SAVE_AGAIN, key="zip.unusual_packing", values={})
        if sum(i.file_size for i in infos) > limits.unpacked_bytes:
            raise parts.too_big()
        scan = _scan_xlsx(archive, parts, limits) if kind == "xlsx" else _scan_ods(archive, parts, limits)
        for info in infos:
            if info.filename.endswith((".xml", ".rels")) and info.filename not in scan.scanned:
                for _ in parts.stream(info):
                    pass
        return scan


_SHEET = re.compile(rb"<(?:[\w.-]+:)?sheet\s([^>]*)>")
_ATTR = re.compile(rb"""([\w:.-]+)\s*=\s*["']([^"']*)["']""")
_REL = re.compile(rb"<(?:[\w.-]+:)?Relationship\s([^>]*)>")


def _attrs(text: bytes) -> dict[str, str]:
    """Attributes of one tag by local name (``r:id`` → ``id``), entities resolved."""
    from xml.sax.saxutils import unescape

    entities = {"&quot;": '"', "&apos;": "'"}
    return {k.decode().split(":")[-1]: unescape(v.decode("utf-8", "replace"), entities) for k, v in _ATTR.findall(text)}


def _scan_xlsx(archive: zipfile.ZipFile, parts: _Parts, limits: Limits) -> Scan:
    names = set(archive.namelist())
    if "xl/workbook.xml" not in names:
        return Scan()  # not readable as a workbook: the reader says so
    sheets = [_attrs(m) for m in _SHEET.findall(parts.drain(archive.getinfo("xl/workbook.xml")))]
    check_sheet_count(parts.name, len(sheets), limits)
    rels = {}
    if "xl/_rels/workbook.xml.rels" in names:
        rels = {a.get("Id"): a.get("Target", "") for a in map(_attrs, _REL.findall(
            parts.drain(archive.getinfo("xl/_rels/workbook.xml.rels"))))}
    scan = Scan(scanned={"xl/workbook.xml", "xl/_rels/workbook.xml.rels"})
    total = 0
    for sheet in sheets:
        target = rels.get(sheet.get("id"), "")
        member = target.lstrip("/") if target.startswith("/") else target if target.startswith("xl/") \
            else f"xl/{target}"
        if not target or member not in names or sheet.get("state", "visible") != "visible":
            continue  # hidden sheets are not read
        extent = _xlsx_extent(archive.getinfo(member), parts, limits)
        scan.scanned.add(member)
        total += check_extent(parts.name, sheet.get("name", ""), extent, total, limits)
        if extent.errors:
            scan.error_sheets[sheet.get("name", "")] = member
    return scan


def _xlsx_extent(info: zipfile.ZipInfo, parts: _Parts, limits: Limits) -> Extent:
    fast = XlsxScan()
    before = parts.used
    try:
        try:
            parts.scan(info, fast)
            return fast.finish()
        except Irregular:
            # Cells without 'r' (or with prefixes): count them fast first, then follow the reader.
            parts.used = before  # unpacked again from the start: count it once
            count = CellCount()
            parts.scan(info, count)
            if count.extent.elements > limits.cells:
                return count.finish()
            parts.used = before
            slow = XlsxSlowScan()
            parts.scan(info, slow)
            return slow.finish()
    except ValueError:
        raise parts.damaged() from None


def _scan_ods(archive: zipfile.ZipFile, parts: _Parts, limits: Limits) -> Scan:
    if "content.xml" not in set(archive.namelist()):
        return Scan()
    scanner = OdsScan()
    try:
        parts.scan(archive.getinfo("content.xml"), scanner)
    except ValueError:
        raise parts.damaged() from None
    tables = scanner.finish()
    check_sheet_count(parts.name, len(tables), limits)
    total = 0
    for sheet, extent in tables:  # the reader reads every table, hidden or not
        total += check_extent(parts.name, sheet, extent, total, limits)
    return Scan(scanned={"content.xml"})


def check_sheet_count(name: str, count: int, limits: Limits) -> None:
    if count > limits.sheets:
        raise InputError(f"the workbook has {count} sheets, more than the {limits.sheets} a workbook may have",
                         file=name, hint="Copy the actors and ties sheets into a new workbook and read that one; "
                                         "or raise the limit (--limit sheets=...).",
                         key="workbook.too_many_sheets", values={"count": count, "limit": limits.sheets})


def check_extent(name: str, sheet: str, extent: Extent, before: int, limits: Limits) -> int:
    """The sheet's area, after checking it (and the file's total so far) against the limits."""
    where = f"the sheet's used area reaches cell {extent.corner}"
    if extent.cols > limits.row_cells:
        raise InputError(f"{where}: {extent.cols} columns, more than the {limits.row_cells} a row may have",
                         file=name, sheet=sheet, hint=_STRAY, key="workbook.too_many_columns",
                         values={"cell": extent.corner, "columns": extent.cols, "limit": limits.row_cells})
    if extent.area > limits.cells:
        raise InputError(f"{where}: {extent.rows} rows × {extent.cols} columns, more than the {limits.cells} "
                         "cells a file may have", file=name, sheet=sheet, hint=_STRAY, key="workbook.area_too_large",
                         values={"cell": extent.corner, "rows": extent.rows, "columns": extent.cols,
                                 "limit": limits.cells})
    if extent.elements > limits.cells:
        raise InputError(f"the sheet holds {extent.elements} cells (counting empty formatted ones), more than "
                         f"the {limits.cells} cells a file may have", file=name, sheet=sheet,
                         hint="Delete the formatted empty rows below the table (Ctrl+End shows the last cell), "
                              "and save.",
                         key="workbook.too_many_formatted_cells",
                         values={"cells": extent.elements, "limit": limits.cells})
    if before + extent.area > limits.cells:
        raise InputError(f"the sheets hold {before + extent.area} cells together, more than the {limits.cells} "
                         "cells a file may have", file=name, sheet=sheet,
                         hint="Read the actors and ties sheets on their own (copy them into a new workbook), "
                              "or raise the limit (--limit cells=...).",
                         key="workbook.too_many_cells", values={"cells": before + extent.area, "limit": limits.cells})
    return extent.area
