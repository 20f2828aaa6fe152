"""Delimited text rows read within limits: decoded and split while streaming, checked row by row.

The file is opened once (:mod:`carenet_graph.read.opening`), its encoding chosen per file
(:mod:`carenet_graph.read.encodings`); here the text is decoded and split as it streams (no
copy of the whole file as bytes, as text or as a UCS-4 buffer is ever held, only the rows),
and every row is counted as it is read:

* a cell over ``field_chars``, a row over ``row_cells``, a file over ``cells``, or one line
  longer than any row stops at that row with a located error, before the rows it would
  allocate exist;
* a quote that never closes swallows the rest of the file into one cell: the file is refused,
  naming the row and column where the quote opened; one that closes only many lines later is
  reported (``row.quote_spans_lines``), so that no row disappears unnoticed;
* a stray byte of a UTF-8 file (U+FFFD now) is reported on its row (``cell.bad_byte``).
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from itertools import chain
from typing import IO, Any

from carenet_graph.errors import InputError, column_letter
from carenet_graph.i18n.formatting import english_plural
from carenet_graph.read.encodings import STRAY_LISTED, Encoding, choose_encoding
from carenet_graph.read.limits import Limits
from carenet_graph.read.problems import Problem
from carenet_graph.read.sniff import Dialect, sniff_delimiter
from carenet_graph.read.textlines import END, TEXT_CHUNK, Lines, plain_rows

# A quoted value spanning more lines than this is reported: a note may hold a few paragraphs,
# but a quote that closes only this far down has most likely swallowed rows.
_QUOTE_LINES = 20
# The longest physical line read: four of the longest cells. Reading a line is what allocates
# it, so a 1 GB file without a line break must stop here, long before its end.
_LINE_FIELDS = 4
# Distinct cell texts shared between rows (see _split).
_MEMO = 1 << 17


@dataclass
class TextRows:
    """The rows of a text file, its first row number and what was noted reading it."""

    rows: list[list[str]]
    first_row: int
    problems: list[Problem]


def read_rows(name: str, handle: IO[bytes], sep: str | None, limits: Limits) -> TextRows:
    """Decode and split one text file, checking every limit as rows arrive.

    Raises
    ------
    InputError
        For a file that is neither UTF-8 nor Windows-1252, a cell, row or file over its limit,
        a line longer than any row, or a quote that never closes; each located at its row.
    """
    handle.seek(0)
    head = handle.read(8192)
    try:
        encoding = choose_encoding(handle, head)
    except InputError as exc:
        exc.file = name
        raise
    problems = _encoding_notes(name, encoding)
    handle.seek(encoding.bom)
    stream = io.TextIOWrapper(handle, encoding=encoding.name, newline="",
                              errors="replace" if encoding.name == "utf-8" else "strict")
    # csv's field size limit is process-global in CPython; it is set to this read's limit
    # before every read (and only ever to a limit), so no read inherits a laxer one.
    csv.field_size_limit(limits.field_chars)
    try:
        lines = Lines(stream, max(limits.field_chars * _LINE_FIELDS, TEXT_CHUNK))
    except UnicodeDecodeError:
        raise _undecodable(name, encoding.name, 1) from None
    dialect = sniff_delimiter(lines.first, sep)
    first = 1
    if dialect.sep_line:
        lines.skip = 1
        first = 2
        problems.append(_sep_note(name, dialect))
    elif sep is None and dialect.delimiter != ",":
        problems.append(Problem("file.delimiter", "info",
                                f"columns are separated by {delimiter_name(dialect.delimiter)}", file=name))
    rows = _split(name, lines, first, dialect.delimiter, encoding, limits, problems)
    stream.detach()
    return TextRows(rows, first, problems)


def _split(name: str, lines: Lines, first: int, delimiter: str, encoding: Encoding, limits: Limits,
           problems: list[Problem]) -> list[list[str]]:
    """The rows, checked as they arrive.

    Batches without a quote are split by :func:`~carenet_graph.read.textlines.plain_rows` and
    checked in bulk; from the first batch that needs it on, a csv reader splits the rest and
    every row is checked one by one. Line numbers (``before``, ``now``) count the lines handed
    out from the first line after a 'sep=' line, hence ``offset``.
    """
    rows: list[list[str]] = []
    # Equal cells share one string: a column of types, places or levels (or a file of one
    # repeated line) then costs a pointer per cell, not a string each. The memo is bounded:
    # unique names and ids would only make it a second copy of the file.
    memo: dict[str, str] = {}
    state = {"cells_left": limits.cells, "before": 0, "start": 0, "long_quotes": 0}
    stray = iter(encoding.stray)
    strays = {"next": next(stray, None)}
    offset = first - 1

    def stray_at() -> int:
        found = strays["next"]
        return found[0] - offset if found else sys.maxsize

    def rowwise(source: Iterator[list[str]], line_num: Callable[[int], int]) -> None:
        # ``line_num(before)``: the lines handed out once the row just read (begun after ``before``) is.
        append = rows.append
        share, shared = memo.setdefault, memo.get
        row_cells = limits.row_cells
        cells_left, before, start = state["cells_left"], state["before"], state["start"]
        at = stray_at()
        try:
            for row in source:
                n = len(row)
                cells_left -= n
                if (n > row_cells or cells_left < 0) and row != [END]:
                    raise _too_many(name, first + len(rows), n, limits)
                now = line_num(before)
                if now - before > _QUOTE_LINES and row and not row[-1].endswith(END):
                    state["long_quotes"] += 1
                    if state["long_quotes"] <= STRAY_LISTED:
                        problems.append(_quote_note(name, first + len(rows), row, before + 1 + offset, now + offset))
                while now >= at and strays["next"] is not None:
                    problems.append(_stray_note(name, first + len(rows), row, strays["next"]))
                    strays["next"] = next(stray, None)
                    at = stray_at()
                start, before = before, now
                append(list(map(share if len(memo) < _MEMO else shared, row, row)))
        finally:
            state["cells_left"], state["before"], state["start"] = cells_left, before, start

    batches = lines.batches()
    reader: Any = None
    base = 0  # lines handed out before the csv reader's first
    try:
        for batch in batches:
            split = plain_rows(batch, delimiter, limits.field_chars, memo, _MEMO) if delimiter not in '"\r\n' else None
            if split is None:
                base = state["before"]
                rest = chain.from_iterable(later.lines for later in batches)
                reader = csv.reader(chain(batch.lines, rest), delimiter=delimiter, strict=False)
                rowwise(reader, partial(_csv_line, base, reader))
                break
            sizes = list(map(len, split))
            before = state["before"]
            if split and (max(sizes) > limits.row_cells or sum(sizes) > state["cells_left"]
                          or before + len(split) >= stray_at()):
                # A limit or a stray byte in this batch: the row it concerns is found row by row.
                rowwise(iter(split), lambda before: before + 1)
                continue
            state["cells_left"] -= sum(sizes)
            rows.extend(split)
            if split:
                state["start"], state["before"] = before + len(split) - 1, before + len(split)
    except csv.Error as exc:
        now = base + reader.line_num
        text = lines.text(state["before"], now)
        raise _bad_record(name, first + len(rows), text, now - state["before"], limits, str(exc)) from None
    except UnicodeDecodeError:
        raise _undecodable(name, encoding.name, first + len(rows)) from None
    before, start = state["before"], state["start"]
    if lines.long:  # the cut line is in the last row read
        raise _long_line(name, first + len(rows) - 1, lines.text(start, before), lines.cap, delimiter, limits)
    if rows and rows[-1] == [END]:
        rows.pop()
    elif rows and rows[-1] and rows[-1][-1].endswith(END):
        raise _unclosed(name, first + len(rows) - 1, rows[-1], before - start - 1)
    more = encoding.stray_count - len(encoding.stray)
    if more > 0:
        replaced = english_plural(more, "more byte that is not UTF-8 was", "more bytes that are not UTF-8 were")
        problems.append(Problem("cell.bad_byte", "warning", f"{replaced} replaced by '\ufffd'", _BAD_BYTE_HINT,
                                file=name, count=more))
    return rows


def _csv_line(base: int, reader: Any, _before: int) -> int:
    """Lines handed out once the csv reader has read its row (it counts from its own first line)."""
    return base + int(reader.line_num)


# -- notes and errors -----------------------------------------------------------------------


_BAD_BYTE_HINT = ("Correct the letter in the cell (the file is UTF-8 apart from such bytes), or save the file "
                  "again as 'CSV UTF-8' from the program that made it.")


def delimiter_name(delimiter: str) -> str:
    """The delimiter as a person names it ("semicolons")."""
    return {";": "semicolons", "\t": "tabs", "|": "vertical bars", ",": "commas"}.get(delimiter, repr(delimiter))


def _encoding_notes(name: str, encoding: Encoding) -> list[Problem]:
    notes = []
    if encoding.bom:
        notes.append(Problem("file.bom", "info", f"byte-order mark ({encoding.name}) removed", file=name))
    elif encoding.name.startswith("utf-16"):
        notes.append(Problem("file.utf16", "info",
                             f"file is {encoding.name} text without byte-order mark; decoded as such", file=name))
    if encoding.name == "cp1252":
        notes.append(Problem(
            "file.encoding_fallback", "info",
            "file is not UTF-8; decoded as Windows-1252 (the usual 'ANSI' encoding of Excel)",
            hint="If letters such as ä, å or ë look wrong, save the file as 'CSV UTF-8'.", file=name))
    return notes


def _sep_note(name: str, dialect: Dialect) -> Problem:
    if dialect.sep_ignored:
        return Problem("file.sep_line_ignored", "warning",
                       "the first line is an Excel 'sep=' line that names no usable separator; it was skipped, "
                       f"and the columns were found to be separated by {delimiter_name(dialect.delimiter)}",
                       "Write one separator after 'sep=' (such as 'sep=;'), or delete the line.", file=name, row=1)
    return Problem("file.sep_line", "info", "Excel 'sep=' line read and skipped", file=name, row=1)


def _first_with(row: list[str], char: str) -> int | None:
    return next((i for i, cell in enumerate(row) if char in cell), None)


def _stray_note(name: str, rownum: int, row: list[str], stray: tuple[int, int, int]) -> Problem:
    line, offset, byte = stray
    column = _first_with(row, "\ufffd")
    where = f" in column {column_letter(column)}" if column is not None else ""
    return Problem("cell.bad_byte", "warning",
                   f"byte 0x{byte:02x} at byte {offset} (line {line}){where} is not UTF-8 like the rest of the "
                   "file; it was replaced by '\ufffd'", _BAD_BYTE_HINT, file=name, row=rownum)


def _quote_note(name: str, rownum: int, row: list[str], start: int, end: int) -> Problem:
    column = max(range(len(row)), key=lambda i: row[i].count("\n") + row[i].count("\r"))
    where = f" in column {column_letter(column)}"
    return Problem("row.quote_spans_lines", "warning",
                   f"a quoted value{where} runs over lines {start} to {end} of the file; the lines inside it "
                   "were read as one cell, not as rows",
                   'If rows are missing, a quote (") in this row is not closed where it should be: close or '
                   "delete it.", file=name, row=rownum)


def _unclosed(name: str, rownum: int, row: list[str], lines: int) -> InputError:
    column = column_letter(len(row) - 1)
    return InputError(
        f'a quote (") opened in column {column} of this row is never closed: the rest of the '
        f"file ({english_plural(lines, 'line')}) would be one cell, so the file was not read",
        file=name, row=rownum, hint='Close the quote (") at the end of that value, or delete it, and save again.',
        key="text.quote_never_closed", values={"column": column, "lines": lines})


def _undecodable(name: str, encoding: str, rownum: int) -> InputError:
    return InputError(f"the file is not valid {encoding} text (at row {rownum})", file=name, row=rownum,
                      hint="Save the file as 'CSV UTF-8' or as .xlsx.", key="text.undecodable",
                      values={"encoding": encoding, "row": rownum})


def _too_many(name: str, rownum: int, n: int, limits: Limits) -> InputError:
    if n > limits.row_cells:
        return InputError(f"row has {n:,} values, more than one row may have ({limits.row_cells:,}, limit row_cells)",
                          file=name, row=rownum, hint="Check the separator (--sep) and that this is the right file; "
                          f"raise the limit (--limit row_cells={limits.row_cells * 2}) if the row is right.",
                          key="text.row_too_many_cells",
                          values={"count": n, "limit": limits.row_cells, "raise_to": limits.row_cells * 2})
    return InputError(f"the file has more than {limits.cells:,} cells (values in all rows); reading stopped at this "
                      "row", file=name, row=rownum, hint="Check that this is the right file; split it, or raise the "
                      f"limit (--limit cells={limits.cells * 2}) if it really is one table.",
                      key="text.file_too_many_cells", values={"limit": limits.cells, "raise_to": limits.cells * 2})


def _field_hint(limits: Limits) -> str:
    return ('If the cell should be short, a quote (") in this row is probably not closed; otherwise shorten the cell '
            f"or raise the limit (--limit field_chars={limits.field_chars * 2}).")


def _bad_record(name: str, rownum: int, text: str | None, lines: int, limits: Limits, reason: str) -> InputError:
    """A record the csv reader refused: a cell over the field size limit (located by reading the
    record's text again without the limit, when it is still at hand), else whatever csv said."""
    fields: list[str] = []
    if text is not None:
        csv.field_size_limit(max(len(text) + 1, limits.field_chars))
        try:
            fields = next(csv.reader([text.removesuffix(END)], strict=False), [])
        except csv.Error:
            fields = []
        finally:
            csv.field_size_limit(limits.field_chars)
    column = next((i for i, cell in enumerate(fields) if len(cell) > limits.field_chars), None)
    if column is None and "field larger" not in reason:
        return InputError(f"row cannot be read as delimited text ({reason})", file=name, row=rownum,
                          hint="Save the file again as 'CSV UTF-8' from your spreadsheet program.",
                          key="text.row_unreadable", values={"reason": reason})
    return _long_cell(name, rownum, column, lines, limits)


def _long_cell(name: str, rownum: int, column: int | None, lines: int, limits: Limits) -> InputError:
    where = f" in column {column_letter(column)}" if column is not None else ""
    spans = f", running over {lines:,} lines," if lines > 1 else ""
    message = f"a cell{where}{spans} is longer than {limits.field_chars:,} characters (limit field_chars)"
    hint, limit, raise_to = _field_hint(limits), limits.field_chars, limits.field_chars * 2
    # One key per form of the sentence: a translation cannot leave out a part the English has not.
    if column is not None and lines > 1:
        return InputError(message, file=name, row=rownum, hint=hint, key="text.cell_too_long_in_column_lines",
                          values={"column": column_letter(column), "lines": lines, "limit": limit,
                                  "raise_to": raise_to})
    if column is not None:
        return InputError(message, file=name, row=rownum, hint=hint, key="text.cell_too_long_in_column",
                          values={"column": column_letter(column), "limit": limit, "raise_to": raise_to})
    if lines > 1:
        return InputError(message, file=name, row=rownum, hint=hint, key="text.cell_too_long_lines",
                          values={"lines": lines, "limit": limit, "raise_to": raise_to})
    return InputError(message, file=name, row=rownum, hint=hint, key="text.cell_too_long",
                      values={"limit": limit, "raise_to": raise_to})


def _long_line(name: str, rownum: int, text: str | None, cap: int, delimiter: str, limits: Limits) -> InputError:
    """A line longer than any row: a cell over the limit when one is (and no quote blurs where
    cells end), else the line."""
    if text is not None and '"' not in text and "\n" not in text.rstrip("\r\n"):
        column = next((i for i, part in enumerate(text.split(delimiter)) if len(part) > limits.field_chars), None)
        if column is not None:
            return _long_cell(name, rownum, column, 1, limits)
    return InputError(f"row has a line of more than {cap:,} characters: no row of a table is that long", file=name,
                      row=rownum, hint=_field_hint(limits), key="text.line_too_long",
                      values={"length": cap, "raise_to": limits.field_chars * 2})
