"""Records files found and described: which files (files, folders, globs), which format, which
column is which, and how the dates are written — everything an engine needs to read them.

Only each file's head is read here (64 KB of a CSV file, 1,000 rows of a Parquet file); the
rows themselves are read by the engine. A file whose required columns cannot be found stops
the run with the file, the missing column and the closest headers.
"""

from __future__ import annotations

import csv
import datetime as dt
import glob
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from carenet_graph.derive.columns import REQUIRED, Layout, recognise
from carenet_graph.errors import InputError
from carenet_graph.read.problems import Problem
from carenet_graph.read.sniff import decode, sniff_delimiter

_HEAD_BYTES = 1 << 16
_SAMPLE = 1000
TEXT_SUFFIXES = (".csv", ".tsv", ".txt", ".tab")
SUFFIXES = (*TEXT_SUFFIXES, ".parquet", ".pq")

#: Date formats tried on a sample of each file's dates, in this order (strptime; the Spark pattern).
#: Day-first comes before month-first: a date like 03/04/2024 is read as 3 April unless a day above
#: 12 in the month-first place shows the file is American (as the CMS files are).
DATE_FORMATS: tuple[tuple[str, str], ...] = (
    ("%Y-%m-%d", "yyyy-MM-dd"),
    ("%Y-%m-%d %H:%M:%S", "yyyy-MM-dd HH:mm:ss"),
    ("%Y-%m-%dT%H:%M:%S", "yyyy-MM-dd'T'HH:mm:ss"),
    ("%d.%m.%Y", "dd.MM.yyyy"),
    ("%d-%m-%Y", "dd-MM-yyyy"),
    ("%Y%m%d", "yyyyMMdd"),
    ("%d/%m/%Y", "dd/MM/yyyy"),
    ("%m/%d/%Y", "MM/dd/yyyy"),
    ("%Y/%m/%d", "yyyy/MM/dd"),
)
#: The format of a column that already holds dates (Parquet DATE or TIMESTAMP).
TYPED = "typed"


@dataclass(frozen=True)
class Source:
    """One input file as the engine reads it.

    ``columns`` maps canonical names (``patient``, ``provider``, ``date`` or the pairs' names) to
    0-based column positions; ``names`` are the file's own column names (Parquet) or empty
    (CSV, read by position); ``date_format`` is a strptime format, :data:`TYPED`, or None.
    """

    path: Path
    kind: str  # "csv" or "parquet"
    layout: Layout
    names: tuple[str, ...] = ()
    delimiter: str = ","
    encoding: str = "utf-8"
    date_format: str | None = None
    #: Physical line numbers of the empty lines below the header (CSV): the engine's reader skips
    #: them, but a spreadsheet shows each as a row, so the rows after them are numbered past them.
    blank_lines: tuple[int, ...] = ()

    @property
    def header_rows(self) -> int:
        """Rows above the first record: 1 with a header, else 0 (Parquet: none)."""
        return 1 if self.kind == "csv" and self.layout.header else 0


def expand(inputs: Sequence[str | Path]) -> list[Path]:
    """Files named, the records files directly in each folder named, and the matches of each glob
    (``claims/*.parquet``), sorted and without repeats."""
    found: list[Path] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            found += sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith((".", "~$"))
                            and p.suffix.lower() in SUFFIXES)
        elif any(ch in str(item) for ch in "*?[") and not path.exists():
            matches = sorted(Path(m) for m in glob.glob(str(item), recursive=True))
            found += [m for m in matches if m.is_file()]
        elif path.is_file():
            found.append(path)
        else:
            raise InputError("the file does not exist", file=str(path), key="derive.no_such_file", values={},
                             hint="Check the path; folders and patterns such as 'claims/*.csv' are read too.")
    unique = list(dict.fromkeys(p.resolve() for p in found))
    if not unique:
        raise InputError("no records file was found (CSV or Parquet)", key="derive.no_records", values={},
                         hint="Name the files, a folder that holds them, or a pattern such as 'claims/*.parquet'.")
    return unique


# The readers' names of the encodings sniff.decode finds (DuckDB and Spark read UTF-16 with its BOM).
_ENGINE_ENCODINGS = {"utf-8": "utf-8", "cp1252": "latin-1", "utf-16-le": "utf-16", "utf-16-be": "utf-16"}


def _csv_head(path: Path) -> tuple[str, str, list[list[str]]]:
    with open(path, "rb") as handle:
        head = handle.read(_HEAD_BYTES)
    if not head.strip():
        raise InputError("the file is empty", file=str(path), key="derive.empty_file", values={},
                         hint="Export the records again; the file holds no rows.")
    decoded = decode(head, partial=True)
    text = decoded.text
    if len(head) == _HEAD_BYTES:  # the last line may be cut: leave it out of the sample
        text = text[: text.rfind("\n") + 1] or text
    dialect = sniff_delimiter(text)
    rows = list(csv.reader(io.StringIO(text), delimiter=dialect.delimiter))
    encoding = _ENGINE_ENCODINGS.get(decoded.encoding)
    if encoding is None:
        raise InputError("the file is in UTF-32, which the records readers cannot read", file=str(path),
                         key="derive.encoding", values={},
                         hint="Save it as CSV UTF-8 (or as Parquet).")
    return dialect.delimiter, encoding, [r for r in rows if any(c.strip() for c in r)]


# An empty line is a line break (LF or CR LF) right after another; bytes.find runs at memory speed.
_EMPTY_AFTER_BREAK = (b"\n\n", b"\n\r\n")
_CHUNK = 1 << 26


def blank_lines(path: Path) -> tuple[int, ...]:
    """The 1-based numbers of the empty lines of a text file, at the speed of a byte search.

    The file is read 64 MB at a time and cut after its last line break, so that every block
    searched starts at the start of a line.
    """
    found: list[int] = []
    lines_before = 0
    with open(path, "rb") as handle:
        carry = b""
        while True:
            chunk = handle.read(_CHUNK)
            data = carry + chunk
            cut = len(data) if not chunk else data.rfind(b"\n") + 1
            block, carry = data[:cut], data[cut:]
            starts = [0] if block.startswith((b"\n", b"\r\n")) else []
            for pattern in _EMPTY_AFTER_BREAK:
                pos = block.find(pattern)
                while pos != -1:
                    starts.append(pos + 1)
                    pos = block.find(pattern, pos + 1)
            start, line = 0, lines_before
            for position in sorted(starts):
                line += block.count(b"\n", start, position)
                start = position
                found.append(line + 1)
            lines_before += block.count(b"\n")
            if not chunk:
                return tuple(found)


def _missing(path: Path, layout: Layout) -> None:
    missing = [c for c in REQUIRED[layout.kind] if c not in layout.columns]
    if missing:
        needed = ", ".join(REQUIRED[layout.kind])
        raise InputError(
            f"no {', '.join(missing)} column was recognised (the file needs {needed})", file=str(path),
            key="derive.missing_columns", values={"columns": ", ".join(missing), "needed": needed},
            hint=f"Name the columns {needed}, or use one of their usual names (Versicherter, LANR, "
                 "Behandlungsdatum; patiënt, AGB, datum; patient, vårdgivare, besöksdatum; npi1, npi2, bene_count).")


def _first_part(value: str) -> int:
    head = value.strip().split("/", 1)[0]
    return int(head) if head.isdigit() else 0


def date_format(values: Sequence[str]) -> str | None:
    """The first of :data:`DATE_FORMATS` that reads the most of ``values`` (None if none reads any)."""
    sample = [v.strip() for v in values if v and v.strip()][:_SAMPLE]
    best, best_count = None, 0
    for fmt, _ in DATE_FORMATS:
        count = 0
        for value in sample:
            try:
                dt.datetime.strptime(value, fmt)
            except ValueError:
                continue
            count += 1
        if count > best_count:
            best, best_count = fmt, count
    return best


def describe(path: Path, kind: str, parquet_head: Callable[[Path], tuple[list[str], list[str], list[list[str]]]],
             notes: list[Problem]) -> Source:
    """One file as a :class:`Source` (``kind``: the layout asked for, ``auto`` to recognise it).

    ``parquet_head(path)`` returns a Parquet file's column names, their types and its first rows
    as text (the engine reads Parquet; nothing here depends on one).
    """
    if path.suffix.lower() in (".parquet", ".pq"):
        names, types, rows = parquet_head(path)
        layout = recognise(names, "pairs" if kind == "cms" else kind)
        _missing(path, layout)
        fmt = None
        if layout.kind == "records":
            index = layout.columns["date"]
            fmt = TYPED if types[index].upper().startswith(("DATE", "TIMESTAMP")) else \
                date_format([r[index] for r in rows])
        return Source(path, "parquet", layout, tuple(names), date_format=fmt)
    delimiter, encoding, rows = _csv_head(path)
    if not rows:
        raise InputError("the file is empty", file=str(path), key="derive.empty_file", values={},
                         hint="Export the records again; the file holds no rows.")
    layout = recognise(rows[0], kind)
    _missing(path, layout)
    fmt = None
    if layout.kind == "records":
        index = layout.columns["date"]
        fmt = date_format([r[index] for r in rows[1:] if len(r) > index])
        # Said only when no date shows it (a first part above 12 is a day): 03/04/2024 could be either.
        if fmt == "%d/%m/%Y" and not any(_first_part(r[index]) > 12 for r in rows[1:] if len(r) > index):
            notes.append(Problem("value.date_day_first", "info", "dates such as 03/04/2024 were read day first "
                                 "(3 April)", "If the file is American (month first), write the dates as "
                                 "2024-03-04.", file=str(path), column=rows[0][index], column_index=index))
    blanks = blank_lines(path) if encoding in ("utf-8", "latin-1") else ()
    if encoding == "latin-1":
        notes.append(Problem("file.encoding_fallback", "info", "the file is not UTF-8; it was read as "
                             "Windows-1252 (Western European)", "Save it as UTF-8 to be sure of the letters.",
                             file=str(path)))
    return Source(path, "csv", layout, delimiter=delimiter, encoding=encoding, date_format=fmt,
                  blank_lines=tuple(b for b in blanks if b > layout.header))
