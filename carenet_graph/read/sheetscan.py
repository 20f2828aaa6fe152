"""Sheet XML → the area a workbook reader would fill, found while the XML streams past.

A workbook reader (python-calamine) fills a rectangle from A1 to the farthest cell holding a
value; one stray value at XFD1048576 asks it for 17 billion cells. These scanners see the
sheet's XML in chunks (never all of it at once) and follow the reader's own rules, so that
the rectangle is known *before* the reader allocates it:

* xlsx: a cell's position is its ``r`` attribute, or (without one) the cell after the previous
  one in its row, whose number is its ``r`` or the one after the previous row; a cell written
  as ``<c .../>`` (formatting only) holds no value and is not filled in. Most files give every
  cell an ``r`` attribute; those are scanned with numpy in a few ms per MB. A file that does not
  (or writes namespace prefixes) is scanned element by element, which is exact but slower.
* ods: ``number-columns-repeated``/``number-rows-repeated`` repeat a cell or row; empty cells at
  the end of a row and empty rows after the last value are *not* filled in (LibreOffice writes
  them for every formatted sheet), everything before a value is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from carenet_graph.errors import column_letter

_MAX_CARRY = 64 << 20  # one XML tag longer than this is no spreadsheet's


@dataclass
class Extent:
    """What one sheet would make the reader fill.

    ``rows`` and ``cols`` reach the farthest value (1-based counts from A1; 0 when empty),
    ``elements`` counts cell elements with or without a value (the reader's parsing work),
    ``errors`` says an xlsx cell holds a formula error (``t="e"``).
    """

    rows: int = 0
    cols: int = 0
    elements: int = 0
    errors: bool = False

    @property
    def area(self) -> int:
        return self.rows * self.cols

    @property
    def corner(self) -> str:
        """The farthest cell of the area, as a spreadsheet names it (``XFD1048576``)."""
        return f"{column_letter(max(self.cols, 1) - 1)}{max(self.rows, 1)}"

    def reach(self, row: int, col: int) -> None:
        """A value at 0-based (row, col)."""
        self.rows = max(self.rows, row + 1)
        self.cols = max(self.cols, col + 1)


class Irregular(Exception):
    """The fast xlsx scan met XML it does not handle; scan again element by element."""


class _Chunks:
    """Cuts a stream into pieces that end after a complete tag (``>``)."""

    def __init__(self) -> None:
        self.carry = b""

    def cut(self, data: bytes) -> bytes:
        buf = self.carry + data
        end = buf.rfind(b">") + 1
        self.carry = buf[end:]
        if len(self.carry) > _MAX_CARRY:
            # Text between tags (a long cell value) carries no position: drop it.
            lt = self.carry.rfind(b"<")
            if lt == -1:
                self.carry = b""
            elif len(self.carry) - lt > _MAX_CARRY:
                raise ValueError("a tag longer than any spreadsheet writes")
            else:
                self.carry = self.carry[lt:]
        return buf[:end]


# -- xlsx --------------------------------------------------------------------------------------

_PREFIXED_CELL = re.compile(rb"<[^\s<>/!?:]+:(?:c|row)[\s/>]")
_WHITESPACE = np.array([32, 9, 10, 13, 47, 62], dtype=np.uint8)  # after "<c": space, tab, CR, LF, "/", ">"


def _cell_starts(a: NDArray[np.uint8]) -> NDArray[np.intp]:
    """Positions of '<c' followed by a space, '/' or '>' (cell elements, not <col> or <cfRule>)."""
    lt = np.flatnonzero(a[: a.size - 2] == 60)
    starts: NDArray[np.intp] = lt[(a[lt + 1] == 99) & np.isin(a[lt + 2], _WHITESPACE)]
    return starts


class CellCount:
    """Only counts cell elements (for a sheet the fast scan cannot read: too many, and the slow
    scan would take minutes to say so)."""

    def __init__(self) -> None:
        self.extent = Extent()
        self._chunks = _Chunks()

    def feed(self, data: bytes) -> None:
        part = self._chunks.cut(data)
        self.extent.elements += int(_cell_starts(np.frombuffer(part, dtype=np.uint8)).size)
        self.extent.elements += len(_PREFIXED_CELL.findall(part)) if b":c" in part else 0

    def finish(self) -> Extent:
        return self.extent


class XlsxScan:
    """The fast scan: every cell carries ``r="A1"`` as its first attribute (raises :class:`Irregular`)."""

    def __init__(self) -> None:
        self.extent = Extent()
        self._chunks = _Chunks()

    def feed(self, data: bytes) -> None:
        part = self._chunks.cut(data)
        if not part:
            return
        if (b":c" in part or b":row" in part) and _PREFIXED_CELL.search(part):
            raise Irregular
        if b't="e"' in part:
            self.extent.errors = True
        a = np.frombuffer(part, dtype=np.uint8)
        n = a.size
        starts = _cell_starts(a)
        if starts.size == 0:
            return
        self.extent.elements += int(starts.size)
        gts = np.flatnonzero(a == 62)
        close = gts[np.searchsorted(gts, starts)]
        valued = starts[a[close - 1] != 47]
        if valued.size == 0:
            return
        # A cell holding a value must read '<c r="'; formatting-only cells '<c s="1"/>' fill nothing.
        last = n - 1
        expected = ((2, 32), (3, 114), (4, 61), (5, 34))
        if not np.logical_and.reduce([a[np.minimum(valued + k, last)] == b for k, b in expected]).all():
            raise Irregular
        first = valued + 6
        limit = last
        upper = [(a[np.minimum(first + k, limit)] - 65).astype(np.int64) for k in range(4)]
        is_letter = [(u >= 0) & (u < 26) for u in upper]
        count = is_letter[0].astype(np.int64)
        run = is_letter[0]
        col = np.where(run, upper[0] + 1, 0)
        for k in (1, 2, 3):
            run = run & is_letter[k]
            col = np.where(run, col * 26 + upper[k] + 1, col)
            count += run
        if not is_letter[0].all() or (count > 3).any():
            raise Irregular
        row = np.zeros(valued.size, dtype=np.int64)
        run = np.ones(valued.size, dtype=bool)
        at = np.minimum(first + count, limit)
        for _ in range(9):
            digit = a[at].astype(np.int64) - 48
            run &= (digit >= 0) & (digit <= 9)
            row = np.where(run, row * 10 + digit, row)
            at = np.minimum(at + 1, limit)
        if run.any() or (row == 0).any():
            raise Irregular  # more than nine digits (the slow scan reads them), or none
        self.extent.reach(int(row.max()) - 1, int(col.max()) - 1)

    def finish(self) -> Extent:
        return self.extent


_XLSX_TOKEN = re.compile(rb"<(/?)(?:[^\s<>/!?:]+:)?(row|c)(?=[\s/>])([^>]*)>")
_R_ATTR = re.compile(rb"""(?:^|\s)r\s*=\s*["']([^"']*)["']""")
_REF = re.compile(rb"^([A-Za-z]{0,3})([0-9]{1,10})$")


def _ref(value: bytes) -> tuple[int, int] | None:
    """0-based (row, column) of a reference; column -1 when it names a row only."""
    match = _REF.match(value)
    if not match or int(match.group(2)) == 0:
        return None
    col = 0
    for ch in match.group(1).upper():
        col = col * 26 + ch - 64
    return int(match.group(2)) - 1, col - 1


class XlsxSlowScan:
    """Element by element, as the reader counts: rows and cells with or without ``r``."""

    def __init__(self) -> None:
        self.extent = Extent()
        self._chunks = _Chunks()
        self._row = 0
        self._col = 0

    def feed(self, data: bytes) -> None:
        part = self._chunks.cut(data)
        if b't="e"' in part:
            self.extent.errors = True
        for closing, name, attrs in _XLSX_TOKEN.findall(part):
            empty = attrs.endswith(b"/")
            if name == b"row":
                if not closing:
                    r = _R_ATTR.search(attrs)
                    ref = _ref(r.group(1)) if r else None
                    if ref is not None:
                        self._row = ref[0]
                if closing or empty:
                    self._row += 1
                    self._col = 0
                continue
            if closing:
                continue
            self.extent.elements += 1
            r = _R_ATTR.search(attrs)
            ref = _ref(r.group(1)) if r else None
            if ref is not None and ref[1] >= 0:
                position = ref
                self._col = ref[1]
            else:
                position = (self._row, self._col)
            if not empty:
                self.extent.reach(*position)
            self._col += 1

    def finish(self) -> Extent:
        return self.extent


# -- ods ---------------------------------------------------------------------------------------

_ODS_TOKEN = re.compile(rb"<(/?)table:(table|table-row|table-cell|covered-table-cell)(?=[\s/>])([^>]*)>")
_ODS_VALUE = re.compile(rb"office:(?:value-type|value|string-value|date-value|time-value|boolean-value)\s*=|"
                        rb"table:formula\s*=")
_ROWS_REPEATED = re.compile(rb"""table:number-rows-repeated\s*=\s*["']\s*([0-9]{1,12})\s*["']""")
_COLS_REPEATED = re.compile(rb"""table:number-columns-repeated\s*=\s*["']\s*([0-9]{1,12})\s*["']""")
_TABLE_NAME = re.compile(rb"""table:name\s*=\s*["']([^"']*)["']""")


class OdsScan:
    """Every table of content.xml: its name and the area the reader fills for it."""

    def __init__(self) -> None:
        self.tables: list[tuple[str, Extent]] = []
        self._chunks = _Chunks()
        self._current: Extent | None = None
        self._rows_seen = 0
        self._row_repeat = 1
        self._pos = 0
        self._pending = 0
        self._width = 0

    def feed(self, data: bytes) -> None:
        part = self._chunks.cut(data)
        for closing, name, attrs in _ODS_TOKEN.findall(part):
            empty = attrs.endswith(b"/")
            if name == b"table":
                if not closing:
                    found = _TABLE_NAME.search(attrs)
                    self._current = Extent()
                    self._rows_seen = 0
                    label = found.group(1).decode("utf-8", "replace") if found else ""
                    self.tables.append((label, self._current))
                continue
            extent = self._current
            if extent is None:
                continue
            if name == b"table-row":
                if not closing:
                    repeat = _ROWS_REPEATED.search(attrs)
                    self._row_repeat = int(repeat.group(1)) if repeat else 1
                    self._pos = self._pending = self._width = 0
                if closing or empty:
                    self._end_row(extent)
                continue
            if closing:
                continue
            extent.elements += 1
            repeat = _COLS_REPEATED.search(attrs)
            count = int(repeat.group(1)) if repeat else 1
            if _ODS_VALUE.search(attrs):
                # Empty cells before a value are filled in; the value is repeated.
                self._pos += self._pending + count
                self._pending = 0
                self._width = self._pos
            else:
                self._pending += count

    def _end_row(self, extent: Extent) -> None:
        self._rows_seen += max(self._row_repeat, 1)
        if self._width:
            extent.rows = self._rows_seen
            extent.cols = max(extent.cols, self._width)

    def finish(self) -> list[tuple[str, Extent]]:
        return self.tables
