"""The split of a batch without quotes is the csv reader's split, whatever else the text holds."""

from __future__ import annotations

import csv

from hypothesis import given, settings
from hypothesis import strategies as st

from carenet_graph.read.textlines import Batch, plain_rows

# No quote: that is what the split without the csv reader is for. Everything else that could
# trip it up: line breaks of all kinds, NUL, BOM, other separators, Unicode line separators.
PIECES = st.sampled_from([*"ab;,\t |x\x00\ufeffä\x0b\x1c\x85\u2028'\\", "\n", "\r\n", "\r", "", ";;", "\n\n"])
DELIMITERS = st.sampled_from([";", ",", "\t", "|"])


def _lines(text: str) -> list[str]:
    """The text as the reader's lines: each with its line break, the last one perhaps without."""
    lines = Batch(lines=None, text=text).lines
    rest = text[sum(map(len, lines)):]
    return [*lines, rest] if rest else lines


@settings(max_examples=400, deadline=None)
@given(st.lists(PIECES, max_size=40), DELIMITERS)
def test_a_batch_is_split_as_the_csv_reader_splits_it(pieces: list[str], delimiter: str) -> None:
    text = "".join(pieces)
    lines = _lines(text)
    expected = list(csv.reader(lines, delimiter=delimiter, strict=False))
    got = plain_rows(Batch(lines=lines), delimiter, 1000, {}, 1 << 17)
    assert got == expected or (got is None and "\r" in text)
    if text.endswith("\n") and "\r" not in text:  # kept whole, as Lines keeps such text
        assert plain_rows(Batch(text), delimiter, 1000, {}, 1 << 17) == expected


@given(st.lists(st.sampled_from(["A1", "A2", "Hospiz", "", "x y", "ä"]), min_size=1, max_size=30),
       st.integers(1, 4))
def test_rows_of_equal_length_are_split_as_the_csv_reader_splits_them(cells: list[str], width: int) -> None:
    rows = [cells[i:i + width] for i in range(0, len(cells) - width + 1, width)] or [cells[:1]]
    text = "".join(";".join(row) + "\n" for row in rows)
    memo: dict[str, str] = {}
    got = plain_rows(Batch(text), ";", 1000, memo, 1 << 17)
    assert got == list(csv.reader(_lines(text), delimiter=";", strict=False))


def test_equal_cells_of_a_column_of_categories_are_one_string() -> None:
    text = "".join(f"A{i};shared_patients\n" for i in range(300))
    rows = plain_rows(Batch(text), ";", 1000, {}, 1 << 17)
    assert rows is not None and len(rows) == 300
    assert len({id(row[1]) for row in rows}) == 1  # the type column: one string
    assert len({id(row[0]) for row in rows}) == 300  # the ids: each its own


def test_what_needs_the_csv_reader_is_left_to_it() -> None:
    for text in ('a;"b;c"\n', "a;b\r\n", "a;" + "b" * 1000 + "\n"):
        assert plain_rows(Batch(lines=_lines(text)), ";", 1000, {}, 1 << 17) is None
    assert plain_rows(Batch('a;"b"\n'), ";", 1000, {}, 1 << 17) is None
