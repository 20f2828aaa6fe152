"""Delimited text as physical lines in batches, and the split of a batch that needs no csv parser.

:class:`Lines` hands the decoded text to the row splitter (:mod:`carenet_graph.read.textfiles`)
a chunk at a time. Most files hold no quote at all: then a record is one line and a cell is
what lies between two delimiters, and :func:`plain_rows` splits the batch with ``str.split``
at C speed. It gives exactly what Python's csv reader gives for such text (checked against it
on random text in the tests) and declines (None) whatever it cannot promise that for: a quote,
a carriage return, a line longer than a cell may be.
"""

from __future__ import annotations

import io
import re
from collections import deque
from collections.abc import Iterator
from operator import methodcaller

# The end of the text, fed to the csv reader after the last line: a quote still open there
# takes it into its cell, which is how an unclosed quote is told from a closed one.
END = "\ue000\ue001carenet-end-of-file\ue001\ue000"
TEXT_CHUNK = 1 << 20
# One line with its line break: '\r\n', '\n' or a lone '\r' (what csv and Excel take for one).
# Cells of a column looked at to tell a column of categories (few distinct texts) from one of ids.
_SAMPLE = 256
_LINE = re.compile(r"[^\r\n]*(?:\r\n?|\n)")


class Batch:
    """A run of whole lines: the text as read, split into lines only when asked (most batches of a
    file without quotes never are), or the lines themselves."""

    __slots__ = ("_lines", "size", "text")

    def __init__(self, text: str = "", lines: list[str] | None = None) -> None:
        # Text is kept whole only without '\r' and ending in '\n': then its lines are its '\n's.
        self.text = text
        self._lines = lines
        self.size = len(lines) if lines is not None else text.count("\n")

    @property
    def lines(self) -> list[str]:
        """The lines, each with its line break (the last line of the text may have none)."""
        if self._lines is None:
            self._lines = _LINE.findall(self.text)
        return self._lines

    @property
    def whole(self) -> bool:
        """Whether the batch is still the text as read (no '\r', every line ending in '\n')."""
        return self._lines is None


class Lines:
    """Physical lines of the text in batches (one per chunk read), at most ``cap`` characters
    each, then :data:`END`.

    Lines are split with one regular expression per chunk, not read one by one: the reader
    then pulls them at C speed. The last batches are kept (``recent``) so that the text of a
    record the csv reader refused can be read again to locate the cell. A line longer than
    ``cap`` ends the text early, cut at ``cap``, with ``long`` set.
    """

    def __init__(self, stream: io.TextIOWrapper, cap: int) -> None:
        self.stream = stream
        self.cap = cap
        self.long = False
        self.skip = 0  # lines to drop from the start (an Excel 'sep=' line)
        self.count = 0  # lines handed out before the newest batch
        self.recent: deque[tuple[int, Batch]] = deque(maxlen=3)
        self.first = stream.read(TEXT_CHUNK)  # the sample the delimiter is sniffed from

    def batches(self) -> Iterator[Batch]:
        """Runs of lines, each line with its line break (the csv reader needs them)."""
        carry = ""
        chunk, self.first = self.first, ""
        read = self.stream.read
        while chunk:
            text = carry + chunk if carry else chunk
            cut = text.rfind("\n")
            if cut < 0:  # old Mac line breaks; a final '\r' may be the first half of '\r\n'
                cut = text.rfind("\r", 0, len(text) - 1)
            carry = text[cut + 1:]
            if 0 <= cut < self.cap and not self.skip and "\r" not in text:
                yield self._keep(Batch(text[: cut + 1]))
            elif cut >= 0:
                batch = _LINE.findall(text, 0, cut + 1)
                # Only a chunk that continues a long line can hold a line over the cap.
                over = next((i for i, line in enumerate(batch) if len(line) > self.cap), None) \
                    if cut >= self.cap else None
                if over is not None:
                    self.long = True
                    yield self._keep(Batch(lines=[*batch[:over], batch[over][: self.cap]]))
                    return
                yield self._keep(Batch(lines=batch))
            if len(carry) > self.cap:
                self.long = True
                yield self._keep(Batch(lines=[carry[: self.cap]]))
                return
            chunk = read(TEXT_CHUNK)
        yield self._keep(Batch(lines=[carry, END] if carry else [END]))

    def _keep(self, batch: Batch) -> Batch:
        if self.skip:
            batch, self.skip = Batch(lines=batch.lines[self.skip:]), 0
        self.recent.append((self.count, batch))
        self.count += batch.size
        return batch

    def text(self, start: int, end: int) -> str | None:
        """Lines ``start`` to ``end`` (0-based, end excluded) joined, if they are still kept."""
        if not self.recent or self.recent[0][0] > start:
            return None
        parts: list[str] = []
        for base, batch in self.recent:
            parts.extend(batch.lines[max(start - base, 0): max(end - base, 0)])
        return "".join(parts)


def plain_rows(batch: Batch, delimiter: str, field_chars: int, memo: dict[str, str],
               memo_size: int) -> list[list[str]] | None:
    """The rows of a batch, split as the csv reader splits them; None when that needs the reader.

    Without a quote (and without a carriage return, or a line as long as a cell may be), a csv
    record is one line: its cells are the text between delimiters, and an empty line is a row of
    no cells. Equal cells of a column of categories (types, places, levels) become one string
    through ``memo`` (while it holds fewer than ``memo_size``): a pointer per cell, not a string.
    """
    if batch.whole:
        if '"' in batch.text:
            return None
        text = batch.text[:-1]
        bodies = text.split("\n")
    else:
        lines = batch.lines
        joined = "".join(lines)
        if '"' in joined or "\r" in joined:
            return None
        bodies = [line[:-1] if line.endswith("\n") else line for line in lines]
        text = "\n".join(bodies)
    if bodies and max(map(len, bodies)) >= field_chars:
        return None
    counts = list(map(methodcaller("count", delimiter), bodies))
    width = counts[0] + 1 if counts else 0
    if counts.count(width - 1) != len(counts) or (width == 1 and "" in bodies):
        # Rows of different lengths (or empty lines): row by row.
        share = memo.setdefault if len(memo) < memo_size else memo.get
        return [list(map(share, cells, cells)) for cells in (body.split(delimiter) if body else []
                                                             for body in bodies)]
    # Every line has the same number of cells: split once, and take the columns as strides.
    cells = text.replace("\n", delimiter).split(delimiter)
    columns = [cells[j::width] for j in range(width)]
    for j, column in enumerate(columns):
        # Ids and names are mostly distinct: sharing them would cost more time than it saves memory.
        if len(memo) < memo_size and len(set(column[:_SAMPLE])) <= _SAMPLE // 4:
            columns[j] = list(map(memo.setdefault, column, column))
    return list(map(list, zip(*columns, strict=True)))
