"""The engines that run the construction: DuckDB embedded (default) and Spark (a cluster).

Both expose the same three steps, so :mod:`carenet_graph.derive.run` does not know which one
runs: :meth:`Engine.load` makes the view ``checked`` (every input row with its first problem,
or none) and the views ``contacts`` (records) or ``pair_rows`` (published pairs);
:meth:`Engine.row_problems` counts rows per file and problem; :meth:`Engine.frame` runs one
``SELECT`` of :mod:`carenet_graph.derive.sql` and returns a pandas DataFrame.

Reading and date parsing are each engine's own (each has its own CSV reader and date
functions); the construction itself is one SQL text. Row numbers are as a spreadsheet shows
them (the header is row 1); Spark's CSV reader cannot tell row numbers, so with Spark the
problems are located by file and column and counted, without rows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import pandas as pd

from carenet_graph.derive.inputs import TYPED, Source
from carenet_graph.derive.options import DeriveOptions
from carenet_graph.errors import InputError, MissingDependencyError, OptionError

#: The problem of a records row, checked in this order (the first that applies is reported).
RECORD_RULES = ("record.missing_patient", "record.missing_provider", "record.missing_date", "record.bad_date")
#: The problem of a pairs row.
PAIR_RULES = ("record.missing_provider", "record.same_provider", "record.bad_count")
#: Rows a problem lists by number (the count covers all).
LISTED_ROWS = 20


@dataclass(frozen=True)
class RowProblems:
    """Rows of one file with one problem (``rule`` None: the rows used)."""

    file_no: int
    rule: str | None
    count: int
    rows: tuple[int, ...]


class Engine(Protocol):
    """What :func:`~carenet_graph.derive.run.derive` needs of an engine."""

    name: str

    def parquet_head(self, path: Path) -> tuple[list[str], list[str], list[list[str]]]: ...
    def load(self, sources: Sequence[Source], kind: str) -> None: ...
    def row_problems(self) -> list[RowProblems]: ...
    def prepare(self, name: str, sql: str, keep: bool) -> None: ...
    def frame(self, sql: str) -> pd.DataFrame: ...
    def close(self) -> None: ...


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def problem_case(kind: str) -> str:
    """The SQL expression of a checked row's problem (the first rule of its kind that applies), shared by
    the engines."""
    if kind == "records":
        return ("CASE WHEN patient IS NULL THEN 'record.missing_patient' WHEN provider IS NULL THEN "
                "'record.missing_provider' WHEN date_text IS NULL THEN 'record.missing_date' "
                "WHEN d IS NULL THEN 'record.bad_date' END")
    return ("CASE WHEN source IS NULL OR target IS NULL THEN 'record.missing_provider' WHEN source = target THEN "
            "'record.same_provider' WHEN patients IS NULL OR patients < 0 THEN 'record.bad_count' END")


_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]i?b|b)?\s*$", re.IGNORECASE)
_UNITS = {"b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12,
          "kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40}
#: The share of ``--memory-limit`` given to DuckDB's buffers: the rest is for what DuckDB does not
#: count there (thread-local state, the result handed to pandas) and for Python itself. Measured at
#: 80 M records: the process peaked about 1.2 GB above DuckDB's limit.
BUFFER_SHARE = 0.7


def buffer_limit(limit: str) -> str:
    """DuckDB's memory limit for a run allowed ``limit`` (``"4GB"``) in all: :data:`BUFFER_SHARE`
    of it, in MB. Raises ValueError for a text that is not a size."""
    match = _SIZE.match(limit)
    if match is None:
        raise ValueError(limit)
    size = float(match.group(1)) * _UNITS[(match.group(2) or "b").lower()]
    return f"{max(1, int(size * BUFFER_SHARE / 10**6))}MB"


def _csv_row(source: Source) -> str:
    """The spreadsheet row of a CSV record from its ``ordinality`` (the count of non-empty lines
    below the header): past the header and the empty lines above it. The empty line ``b_i``
    (sorted, ``i`` from 0) is above the record ``o`` exactly when ``o >= b_i - header - i``."""
    header = source.header_rows
    thresholds = [b - header - i for i, b in enumerate(sorted(source.blank_lines))]
    if not thresholds:
        return f"ordinality + {header}"
    if len(thresholds) <= 64:
        shift = " + ".join(f"CASE WHEN ordinality >= {t} THEN 1 ELSE 0 END" for t in thresholds)
    else:
        values = ", ".join(f"({t})" for t in thresholds)
        shift = f"(SELECT COUNT(*) FROM (VALUES {values}) AS blank(t) WHERE blank.t <= ordinality)"
    return f"ordinality + {header} + {shift}"


def row_select(kind: str, number: int, source: Source, cols: Sequence[str], scan: str, *, row: str | None,
               text_type: str, date: Callable[[str], str], count: Callable[[str], str]) -> str:
    """One file's rows as the columns ``checked`` needs, whatever the engine: ``file_no``,
    ``row_no`` (when the engine knows it), then ``patient, provider, date_text, d`` for records or
    ``source, target, patients, pair_count`` for pairs; text trimmed, empty as NULL. ``date`` and
    ``count`` give the engine's expression that reads a date or a count from a column or text."""
    def text(name: str) -> str:
        return f"NULLIF(TRIM(CAST({cols[source.layout.columns[name]]} AS {text_type})), '')"

    head = f"SELECT {number} AS file_no, " + (f"{row} AS row_no, " if row is not None else "")
    if kind == "records":
        return (f"{head}{text('patient')} AS patient, {text('provider')} AS provider, {text('date')} AS date_text, "
                f"{date(cols[source.layout.columns['date']])} AS d FROM {scan}")
    counts = [count(text(name)) if name in source.layout.columns else "CAST(NULL AS BIGINT)"
              for name in ("patients", "pair_count")]
    return (f"{head}{text('source')} AS source, {text('target')} AS target, {counts[0]} AS patients, "
            f"{counts[1]} AS pair_count FROM {scan}")


class DuckDBEngine:
    """DuckDB in this process: a memory limit, a spill folder, and as many threads as asked."""

    name = "duckdb"

    def __init__(self, options: DeriveOptions) -> None:
        try:
            import duckdb
        except ImportError:
            raise MissingDependencyError("carenet derive needs DuckDB, part of the derive extra",
                                         hint="pip install 'carenet-graph[derive]'", key="derive.needs_duckdb",
                                         values={}) from None
        self._con = duckdb.connect(":memory:")
        try:
            self._con.execute(f"SET memory_limit = {_quote(buffer_limit(options.memory_limit))}")
        except (duckdb.Error, ValueError):
            raise OptionError("the memory limit is not a size such as 4GB or 500MB", key="derive.memory_limit",
                              values={},
                              hint="Give --memory-limit as a number with a unit: 4GB, 16GB, 500MB.") from None
        # Order of rows between steps does not matter (every output is sorted at the end), and
        # keeping it would hold back DuckDB's streaming of large joins.
        self._con.execute("SET preserve_insertion_order = false")
        self._con.execute("SET enable_progress_bar = false")  # a library prints nothing
        # A TIMESTAMPTZ column becomes a date in UTC, as in Spark, whatever this machine's zone.
        self._con.execute("SET TimeZone = 'UTC'")
        if options.threads:
            self._con.execute(f"SET threads = {int(options.threads)}")
        if options.spill_dir is not None:
            Path(options.spill_dir).mkdir(parents=True, exist_ok=True)
            self._con.execute(f"SET temp_directory = {_quote(str(options.spill_dir))}")
        self._kind = "records"
        self._checked = "checked"

    # -- reading ---------------------------------------------------------------------------
    def parquet_head(self, path: Path) -> tuple[list[str], list[str], list[list[str]]]:
        """Column names, their types and the first 1,000 rows as text of a Parquet file."""
        rel = self._run(f"SELECT * FROM read_parquet({_quote(str(path))}) LIMIT 1000")
        rows = [["" if v is None else str(v) for v in row] for row in self._fetch(rel)]
        return list(rel.columns), [str(t) for t in rel.types], rows

    def _scan(self, source: Source) -> tuple[str, list[str]]:
        """The ``FROM`` clause of one file and the expression of each of its columns by position."""
        path = _quote(str(source.path))
        if source.kind == "parquet":
            return (f"read_parquet({path}, file_row_number = true)",
                    [_ident(n) for n in source.names])
        width = max(source.layout.columns.values()) + 1
        columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width))
        scan = (f"read_csv({path}, header = false, skip = {source.header_rows}, delim = {_quote(source.delimiter)}, "
                f"quote = '\"', escape = '\"', encoding = {_quote(source.encoding)}, auto_detect = false, "
                f"columns = {{{columns}}}, null_padding = true, strict_mode = false) WITH ORDINALITY")
        return scan, [f"c{i}" for i in range(width)]

    def _select(self, number: int, source: Source) -> str:
        scan, cols = self._scan(source)

        def date(column: str) -> str:
            if source.date_format == TYPED:
                return f"CAST({column} AS DATE)"
            if source.date_format:
                return f"CAST(TRY_STRPTIME(TRIM(CAST({column} AS VARCHAR)), {_quote(source.date_format)}) AS DATE)"
            return "CAST(NULL AS DATE)"

        row = "file_row_number + 2" if source.kind == "parquet" else _csv_row(source)
        return row_select(self._kind, number, source, cols, scan, row=row, text_type="VARCHAR", date=date,
                          count=lambda text: f"TRY_CAST({text} AS BIGINT)")

    def load(self, sources: Sequence[Source], kind: str) -> None:
        """Views ``checked`` (every row, with ``problem``) and ``contacts`` or ``pair_rows``."""
        self._kind = kind
        union = "\nUNION ALL\n".join(self._select(i, s) for i, s in enumerate(sources))
        self._execute(f"CREATE OR REPLACE VIEW rows_read AS {union}")
        self._con.execute(f"CREATE OR REPLACE VIEW checked AS SELECT *, {problem_case(kind)} AS problem "
                          "FROM rows_read")
        self._checked = "checked"
        if kind == "records":
            # Read and parsed once: every step after this one reads the table, not the files (DuckDB
            # spills the table to the temporary folder beyond the memory limit). The rows not used
            # keep their place and problem in the same table, so that counting them needs no
            # second reading of the files.
            self._execute("CREATE OR REPLACE TEMP TABLE scanned AS SELECT file_no, problem, "
                          "CASE WHEN problem IS NULL THEN NULL ELSE row_no END AS row_no, patient, provider, "
                          "CAST(d - DATE '1970-01-01' AS INTEGER) AS day, CAST(YEAR(d) AS INTEGER) AS year "
                          "FROM checked")
            self._execute("CREATE OR REPLACE TEMP VIEW contacts AS SELECT patient, provider, day, year FROM scanned "
                          "WHERE problem IS NULL")
            self._checked = "scanned"
        else:
            self._con.execute("CREATE OR REPLACE VIEW pair_rows AS SELECT source, target, patients, pair_count "
                              "FROM checked WHERE problem IS NULL")

    def row_problems(self) -> list[RowProblems]:
        """Rows per file and problem (None: used), with the first :data:`LISTED_ROWS` row numbers."""
        found = self._fetch(self._run(
            f"SELECT file_no, problem, COUNT(*), MIN(row_no, {LISTED_ROWS}) FROM {self._checked} "
            "GROUP BY file_no, problem ORDER BY file_no, problem NULLS FIRST"))
        return [RowProblems(int(f), p, int(n), tuple(sorted(int(r) for r in rows)) if p else ())
                for f, p, n, rows in found]

    def _fetch(self, rel: Any) -> Any:
        return self._guarded(rel.fetchall)

    def _run(self, sql: str) -> Any:
        return self._guarded(lambda: self._con.sql(sql))

    def _execute(self, sql: str) -> None:
        self._guarded(lambda: self._con.execute(sql))

    def _guarded(self, call: Any) -> Any:
        """``call()``, with DuckDB's failures said as located errors (DuckDB's own text can quote
        a cell, so it is kept only as the cause, shown with --debug)."""
        import duckdb

        try:
            return call()
        except duckdb.OutOfMemoryException:
            raise InputError("the construction did not fit in the memory limit", key="derive.out_of_memory",
                             values={}, hint="Raise --memory-limit, give --spill-dir a folder on a disk with "
                                             "free space, or set --max-providers.") from None
        except duckdb.Error as exc:
            # DuckDB's own message may quote a cell: it is not passed on (run with --debug to see it).
            raise InputError("a records file could not be read as CSV or Parquet", key="derive.unreadable",
                             values={}, hint="Check that every file is complete, of one layout, and saved as "
                                             "CSV (UTF-8) or Parquet.") from exc

    def prepare(self, name: str, sql: str, keep: bool) -> None:
        """``name`` as a view of ``sql``, or (``keep``) as a temporary table computed once."""
        self._execute(f"CREATE OR REPLACE {'TEMP TABLE' if keep else 'TEMP VIEW'} {name} AS {sql}")

    def frame(self, sql: str) -> pd.DataFrame:
        """Run one ``SELECT`` and return its rows."""
        result: pd.DataFrame = self._guarded(self._run(sql).df)
        return result

    def close(self) -> None:
        self._con.close()


def parquet_bytes(frame: pd.DataFrame) -> bytes:
    """``frame`` as a Parquet file (zstd), written by DuckDB with one thread so that the same frame
    gives the same bytes, whichever engine built it."""
    import tempfile

    import duckdb

    with tempfile.TemporaryDirectory(prefix="carenet-derive-") as tmp, duckdb.connect(":memory:") as con:
        con.execute("SET threads = 1")
        con.register("to_write", frame)
        path = Path(tmp) / "table.parquet"
        con.execute(f"COPY (SELECT * FROM to_write) TO {_quote(str(path))} (FORMAT parquet, COMPRESSION zstd)")
        return path.read_bytes()


def engine_for(options: DeriveOptions) -> Engine:
    """The engine ``options.engine`` names."""
    if options.engine == "spark":
        from carenet_graph.derive.spark import SparkEngine

        spark: Engine = SparkEngine(options)
        return spark
    return DuckDBEngine(options)
