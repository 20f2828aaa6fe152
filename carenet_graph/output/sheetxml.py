"""The workbook's zip: reproducible entries, and large sheets streamed as XML (10^5 rows in seconds).

xlsxwriter spends about 20 µs on every cell (a Python object per cell, then XML per cell at
close), which makes a 100,000-actor table a minute of writing. For a sheet with more than
:data:`STREAM_ROWS` rows, xlsxwriter writes the sheet's frame (header row, column widths, frozen
pane, autofilter) and :class:`StreamedSheet` writes its rows, made a column at a time and
joined into one string per block of rows, straight into the sheet's zip entry while the
workbook's zip is rewritten (:func:`splice_rows`), so the rows are never all in memory. Cells
are typed exactly as :func:`~carenet_graph.output.files.write_cell` types them: text through
:func:`~carenet_graph.output.cells.neutralise_cell` as an inline string (never a formula),
finite numbers as numbers (``%.16G``, as xlsxwriter writes them), booleans as booleans,
integers beyond 2**53 as text, missing values blank; the style of a cell is its format's
index in the workbook's style sheet.
"""

from __future__ import annotations

import io
import math
import numbers
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import chain, repeat
from typing import Any

import numpy as np

from carenet_graph.errors import OutputError
from carenet_graph.output.cells import neutralise_cell, neutralise_texts

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
    """``text`` as XML character data the way xlsxwriter writes it: ``&<>`` as entities, control
    characters and the two noncharacters (not allowed in XML) as ``_xHHHH_``, and a literal
    ``_xHHHH_`` escaped so that Excel does not read it as one."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if "_x" in text:
        text = _ESCAPE_LIKE.sub(r"_x005F\1", text)
    text = _CONTROL.sub(lambda m: f"_x{ord(m.group(0)):04X}_", text)
    if "\ufffe" in text or "\uffff" in text:
        text = text.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
    return text


#: One block of a streamed sheet: its first sheet row and, per column, the values and their styles:
#: a style per value, or one style for every value of the column that is not text (a number format
#: is for numbers; text cells never take one).
Styles = int | list[int | None] | None
#: (first sheet row, [(values, styles) per column]).
Block = tuple[int, list[tuple[Sequence[Any], Styles]]]

_NONE = type(None)
_SPACE = ' xml:space="preserve"'
# Joins the texts of a column for one escape pass: a private-use character that no escape touches
# (a text that holds one is escaped on its own).
_SEP = "\ue000"
_MEMO_TYPES = frozenset({int, float, str, bool})


def _style(style: int | None) -> str:
    return f' s="{style}"' if style else ""


class StreamedSheet:
    """The rows of one sheet as XML, made on demand, column by column, from ``blocks``
    (:data:`Block`: sheet rows from 2 on; row 1 is the header xlsxwriter writes; style None = the
    default). ``text`` is how a value that is neither text nor number becomes text and
    ``neutralise`` how text is made formula-safe (both from :mod:`carenet_graph.output.cells`).

    A cell is ``<c r="B17" s="3">`` and a body (``><v>0.5</v></c>``, an inline string, a boolean);
    a column whose values share one type makes each distinct body once (texts, integers,
    booleans) or in one comprehension (floats), and the rows of a block are joined in one call,
    so a cell costs a fraction of a microsecond. :meth:`cell` is the same rule for one value (a
    test holds the columns to it).
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
            count = len(columns[0][0]) if columns else 0
            rows = list(map(str, range(first, first + count)))
            pieces: list[Iterable[str]] = [[f'<row r="{row}">' for row in rows]]
            for c, (values, styles) in enumerate(columns):
                pieces += self.column(letters[c], rows, values, styles, c)
            pieces.append(repeat("</row>", count))
            # Row by row, the pieces of each cell in turn: one join for the block.
            yield "".join(chain.from_iterable(zip(*pieces, strict=False)))

    def column(self, letter: str, rows: list[str], values: Sequence[Any],
               styles: Styles, col: int) -> list[Iterable[str]]:
        """The cells of one column of a block as pieces to put together row by row (``rows``: the
        sheet row numbers as text): the cells themselves, or the start of the reference, the row
        number and the rest of each cell."""
        first = int(rows[0]) if rows else 0
        start = f'<c r="{letter}'
        kinds = set(map(type, values))
        kinds.discard(_NONE)
        if not isinstance(styles, list):
            mark = _style(styles)
            if not mark or not any(issubclass(kind, str) for kind in kinds):
                head = f'"{mark}'
                bodies = self.bodies(values, kinds, first, col, head, head + "/>" if mark else None)
                if None not in bodies:
                    return [repeat(start, len(rows)), rows, bodies]  # type: ignore[list-item]
                return [["" if body is None else f"{start}{row}{body}" for row, body in zip(rows, bodies, strict=True)]]
            marks = ["" if isinstance(value, str) else mark for value in values]
        else:
            marks = [_style(style) for style in styles]
        bodies = self.bodies(values, kinds, first, col, "", None)
        return [["" if body is None and not mark else f'{start}{row}"{mark}{"/>" if body is None else body}'
                 for row, mark, body in zip(rows, marks, bodies, strict=True)]]

    def bodies(self, values: Sequence[Any], kinds: set[type], first: int, col: int, head: str,
               empty: str | None) -> list[str | None]:
        """``head`` and what follows ``<c r="…" s="…"`` in each cell of a column whose values are of
        ``kinds`` (and None); ``empty`` for an empty cell. Floats: each distinct bit pattern once
        (-0.0 is not 0.0); texts, integers and booleans: each distinct value once; anything else
        cell by cell."""
        if kinds == {float}:
            floats = np.array(values, dtype=np.float64)  # None → NaN: empty, as NaN is
            patterns, where = np.unique(floats.view(np.int64), return_inverse=True)
            distinct = patterns.view(np.float64).tolist()
            if np.isfinite(floats).all():  # one %-format for them all (as f"{value:.16G}" each, in C)
                pattern = _SEP.join([head.replace("%", "%%") + "><v>%.16G</v></c>"] * len(distinct))
                cells: Sequence[str | None] = (pattern % tuple(distinct)).split(_SEP)
            else:
                cells = [f"{head}><v>{value:.16G}</v></c>" if value - value == 0 else empty for value in distinct]
            return list(map(cells.__getitem__, where.tolist()))
        memo: dict[Any, str | None] = {None: empty}
        if kinds == {str}:
            texts: list[str] = [value for value in dict.fromkeys(values) if value is not None]
            safe = neutralise_texts(texts) if self.neutralise is neutralise_cell else list(map(self.neutralise, texts))
            strings = self.strings(safe, head)
            if strings is not None:
                memo.update(zip(texts, strings, strict=True))
                return list(map(memo.__getitem__, values))
        if kinds == {int}:
            distinct = list(dict.fromkeys(values))
            if max(abs(value) for value in distinct if value is not None) <= _MAX_EXACT_INT:
                memo.update((value, f"{head}><v>{value:.16G}</v></c>") for value in distinct if value is not None)
                return list(map(memo.__getitem__, values))
        if len(kinds) == 1 and kinds <= _MEMO_TYPES:
            # Each distinct value once (the first row it is on locates an error).
            for k, value in enumerate(values):
                if value not in memo:
                    body = self.body(value, first + k, col)
                    memo[value] = empty if body is None else head + body
            return list(map(memo.__getitem__, values))
        out = []
        for k, value in enumerate(values):
            body = self.body(value, first + k, col)
            out.append(empty if body is None else head + body)
        return out

    def strings(self, texts: list[str], head: str) -> list[str] | None:
        """``head`` and the inline-string body of each of ``texts``, escaped all at once (joined by a
        character none of them holds); None when one is too long for a cell or holds that character."""
        joined = _SEP.join(texts)
        if (texts and max(map(len, texts)) > _MAX_STRING) or joined.count(_SEP) != max(len(texts) - 1, 0):
            return None
        if not texts:
            return []
        opening, closing = f'{head} t="inlineStr"><is><t>', "</t></is></c>"
        if list(map(str.strip, texts)) == texts:  # no text starts or ends with a space: one pattern for all
            return (opening + _escape(joined).replace(_SEP, closing + _SEP + opening) + closing).split(_SEP)
        return [f'{head} t="inlineStr"><is><t{_SPACE if text[:1].isspace() or text[-1:].isspace() else ""}>'
                f'{text_xml}{closing}' for text, text_xml in zip(texts, _escape(joined).split(_SEP), strict=True)]

    def cell(self, ref: str, value: Any, style: int | None, row: int, col: int) -> str:
        """One cell as XML ("" for an empty cell without a style)."""
        body = self.body(value, row, col)
        if body is None:
            return f'<c r="{ref}"{_style(style)}/>' if style else ""
        return f'<c r="{ref}"{_style(style)}{body}'

    def body(self, value: Any, row: int, col: int) -> str | None:
        """What follows ``<c r="…" s="…"`` in the cell of ``value`` (None: an empty cell)."""
        if value is None:
            return None
        kind = type(value)
        if kind is float or kind is int:
            if kind is int and abs(value) > _MAX_EXACT_INT:
                return self.string(str(value), row, col)
            if kind is float and not math.isfinite(value):
                return None
            return f"><v>{value:.16G}</v></c>"
        if kind is str:
            return self.string(self.neutralise(value), row, col)
        if isinstance(value, bool):
            return f' t="b"><v>{int(value)}</v></c>'
        if isinstance(value, numbers.Real):
            if isinstance(value, numbers.Integral):
                return self.body(int(value), row, col)
            return self.body(float(value), row, col)
        return self.string(self.text(value), row, col)

    def string(self, text: str, row: int, col: int) -> str:
        """The body of an inline-string cell holding ``text``."""
        if len(text) > _MAX_STRING:
            raise OutputError(
                f"a cell is longer than the {_MAX_STRING} characters Excel can hold", sheet=self.sheet,
                row=row, column_index=col, hint="Shorten that text, or write CSV instead of XLSX.",
                key="output.cell_too_long", values={"limit": _MAX_STRING})
        space = _SPACE if text[:1].isspace() or text[-1:].isspace() else ""
        return f' t="inlineStr"><is><t{space}>{_escape(text)}</t></is></c>'


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
