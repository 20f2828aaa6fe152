"""The workbook's zip: reproducible entries, and large sheets streamed as XML (10^5 rows in seconds).

xlsxwriter spends about 20 µs on every cell (a Python object per cell, then XML per cell at
close), which makes a 100,000-actor table a minute of writing. For a sheet with more than
:data:`STREAM_ROWS` rows, xlsxwriter writes the sheet's frame (header row, column widths, frozen
pane, autofilter) and :class:`StreamedSheet` writes its rows: one string per row, straight into
the sheet's zip entry while the workbook's zip is rewritten (:func:`splice_rows`), so the rows are
never all in memory. Cells are typed exactly as :func:`~carenet_graph.output.files.write_cell`
types them: text through :func:`~carenet_graph.output.files.neutralise_cell` as an inline string
(never a formula), finite numbers as numbers (``%.16G``, as xlsxwriter writes them), booleans as
booleans, integers beyond 2**53 as text, missing values blank; the style of a cell is its
format's index in the workbook's style sheet.
"""

from __future__ import annotations

import io
import math
import numbers
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from carenet_graph.errors import OutputError

#: Zip entry timestamp: the earliest date a zip can store, the one Excel itself uses.
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
# Unix mode bits -rw------- : what zipfile writes for an entry without attributes.
_ZIP_ATTR = 0o600 << 16

#: Sheets with more rows than this are streamed (smaller ones are written cell by cell, unchanged).
STREAM_ROWS = 5_000

_CONTROL = re.compile(r"[\x00-\x08\x0B-\x1F]")
_ESCAPE_LIKE = re.compile(r"(_x[0-9a-fA-F]{4}_)")
_MAX_STRING = 32_767
_MAX_EXACT_INT = 2**53


def column_letters(col: int) -> str:
    """Excel's column name of the 0-based ``col`` (0 → A, 26 → AA)."""
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _escape(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if "_x" in text:
        text = _ESCAPE_LIKE.sub(r"_x005F\1", text)
    return _CONTROL.sub(lambda m: f"_x{ord(m.group(0)):04X}_", text)


#: One block of a streamed sheet: its first sheet row and, per column, the values and their styles.
Block = tuple[int, list[tuple[list[Any], list[int | None]]]]


class StreamedSheet:
    """The rows of one sheet as XML, made on demand, column by column, from ``blocks``
    (:data:`Block`: sheet rows from 2 on; row 1 is the header xlsxwriter writes; style None = the
    default). ``text`` is how a value that is neither text nor number becomes text and
    ``neutralise`` how text is made formula-safe (both from :mod:`carenet_graph.output.files`).
    """

    def __init__(self, blocks: Iterable[Block], neutralise: Callable[[str], str],
                 text: Callable[[Any], str], sheet: str) -> None:
        self.blocks = blocks
        self.neutralise = neutralise
        self.text = text
        self.sheet = sheet

    def chunks(self) -> Iterator[str]:
        """The ``<row>`` elements, one string per block."""
        letters: list[str] = []
        for first, columns in self.blocks:
            while len(letters) < len(columns):
                letters.append(column_letters(len(letters)))
            cells = [self.column(letters[c], first, values, styles, c)
                     for c, (values, styles) in enumerate(columns)]
            count = len(columns[0][0]) if columns else 0
            yield "".join([f'<row r="{first + k}">{"".join([column[k] for column in cells])}</row>'
                           for k in range(count)])

    def column(self, letter: str, first: int, values: list[Any], styles: list[int | None], col: int) -> list[str]:
        """The cells of one column of a block (numbers written here; anything else by :meth:`cell`)."""
        out = []
        for k, (value, style) in enumerate(zip(values, styles, strict=True)):
            kind = type(value)
            if (kind is float and value - value == 0) or (kind is int and abs(value) <= _MAX_EXACT_INT):
                s = f' s="{style}"' if style else ""
                out.append(f'<c r="{letter}{first + k}"{s}><v>{value:.16G}</v></c>')
            else:
                out.append(self.cell(f"{letter}{first + k}", value, style, first + k, col))
        return out

    def cell(self, ref: str, value: Any, style: int | None, row: int, col: int) -> str:
        s = f' s="{style}"' if style else ""
        if value is None:
            return f'<c r="{ref}"{s}/>' if style else ""
        kind = type(value)
        if kind is float or kind is int:
            if kind is int and abs(value) > _MAX_EXACT_INT:
                return self.string(ref, str(value), s, row, col)
            if kind is float and not math.isfinite(value):
                return f'<c r="{ref}"{s}/>' if style else ""
            return f'<c r="{ref}"{s}><v>{value:.16G}</v></c>'
        if kind is str:
            return self.string(ref, self.neutralise(value), s, row, col)
        if isinstance(value, bool):
            return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
        if isinstance(value, numbers.Real):
            number = float(value)
            if isinstance(value, numbers.Integral):
                return self.cell(ref, int(value), style, row, col)
            return self.cell(ref, number, style, row, col)
        return self.string(ref, self.text(value), s, row, col)

    def string(self, ref: str, text: str, s: str, row: int, col: int) -> str:
        if len(text) > _MAX_STRING:
            raise OutputError(
                f"a cell is longer than the {_MAX_STRING} characters Excel can hold", sheet=self.sheet,
                row=row, column_index=col, hint="Shorten that text, or write CSV instead of XLSX.",
                key="output.cell_too_long", values={"limit": _MAX_STRING})
        space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
        return f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>{_escape(text)}</t></is></c>'


def splice_rows(zipped: bytes, sheets: Mapping[str, tuple[StreamedSheet, str]]) -> bytes:
    """``zipped`` with the rows of each streamed sheet put into its entry.

    ``sheets`` maps an entry name (``xl/worksheets/sheet2.xml``) to the sheet and the cell range of
    the whole table (``A1:AB100001``), which replaces the ``<dimension>`` xlsxwriter computed from
    the header alone. Every entry gets :func:`reproducible_zip`'s fixed timestamp and attributes
    and keeps its place. Streamed entries are written as they are made (zip64 allowed).
    """
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(zipped)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            fixed = _fixed_info(info)
            data = src.read(info)
            if info.filename not in sheets:
                dst.writestr(fixed, data)
                continue
            sheet, dimension = sheets[info.filename]
            text = data.decode("utf-8")
            text = re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="{dimension}"/>', text, count=1)
            head, end, tail = text.partition("</sheetData>")
            if not end:
                raise OutputError("the workbook's sheet has no rows to fill", key="output.xlsx_not_built",
                                  values={"error": "sheetData"})
            # Fast deflate for the one big entry: a third of the time of the default level, a fifth larger.
            setattr(fixed, "compress_level" if hasattr(fixed, "compress_level") else "_compresslevel", 1)
            with dst.open(fixed, "w", force_zip64=True) as entry:
                entry.write(head.encode("utf-8"))
                for chunk in sheet.chunks():
                    entry.write(chunk.encode("utf-8"))
                entry.write((end + tail).encode("utf-8"))
    return out.getvalue()


def reproducible_zip(data: bytes) -> bytes:
    """Rewrite a zip so that its bytes depend on the entries' names and contents only.

    Every entry keeps its order and compression, and gets the timestamp 1980-01-01 00:00,
    "MS-DOS" as creating system and the attributes of a plain file (``-rw-------``, what
    :mod:`zipfile` itself writes): the parts that otherwise vary with the clock, the
    operating system and the Python version. A zip that is already in this form is
    returned as it is.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        infos = src.infolist()
        if all(
            i.date_time == ZIP_EPOCH and i.create_system == 0 and i.external_attr == _ZIP_ATTR
            for i in infos
        ):
            return data
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as dst:
            for info in infos:
                dst.writestr(_fixed_info(info), src.read(info))
    return out.getvalue()


def _fixed_info(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    """``info``'s name and compression with the fixed timestamp, system and attributes."""
    fixed = zipfile.ZipInfo(info.filename, ZIP_EPOCH)
    fixed.compress_type = info.compress_type
    fixed.create_system = 0
    fixed.external_attr = _ZIP_ATTR
    return fixed
