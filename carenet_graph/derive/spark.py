"""The Spark engine of ``carenet derive``: the construction of :mod:`carenet_graph.derive.sql` on a
Spark cluster (``spark_master``), or in this process's JVM (``local[2]``, the default).

It is :class:`~carenet_graph.derive.engines.DuckDBEngine` again with Spark's reader: the same
views ``rows_read``, ``checked`` (with the same ``problem``), ``contacts`` and ``pair_rows``, so
that the one construction SQL, transpiled by sqlglot, gives the same tables and counts. What
differs, and why:

* **Reading.** CSV files are read by Spark's CSV reader with every column as text, by position,
  with ``multiLine`` so that a quoted field may hold a line break, as DuckDB allows (a file is
  then read by one task: for national-scale input on a cluster, give Parquet files). Rows with
  fewer columns get NULLs, as DuckDB's ``null_padding``.
* **Dates.** DuckDB's ``strptime`` is lenient: ``5.3.2024`` reads as ``%d.%m.%Y``, ``24-03-05``
  as year 24, whitespace around the value is skipped; Spark's patterns are strict. So the text
  is matched against a regular expression made from the strptime format, with DuckDB's digit
  counts (year 1–4 digits, the rest 1–2, taken greedily: possessive quantifiers) and a format
  space matching any whitespace; the numbers found are written as ``yyyy-MM-dd HH:mm:ss`` and
  read with ``try_to_timestamp``, which returns NULL for an impossible date (30 February) —
  Spark 4 runs in ANSI mode, and ANSI mode stays on: every conversion here is a ``try_``
  function, so a bad value becomes NULL (reported as ``record.bad_date`` or
  ``record.bad_count``), never an exception.
* **Counts** (published pairs). DuckDB's ``TRY_CAST(text AS BIGINT)`` also reads ``1_000``,
  ``12.5`` (as 13), ``1e3`` and ``0x1F``; Spark's ``try_cast`` reads none of them. Counts are
  matched against DuckDB's forms and converted the same way (:func:`count_sql`).
* **Row numbers.** Spark's CSV reader cannot tell them: problems are counted per file and rule,
  and listed without rows.
* **Session.** An active Spark session (a notebook's, a cluster job's) is used through a new
  session of it (its own temporary views and SQL settings) and left running; otherwise one is
  started from ``spark_master`` and stopped by :meth:`SparkEngine.close`. A local session listens
  on the loopback interface only, shows no progress bars and logs errors only.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd

from carenet_graph.derive.engines import RowProblems, problem_case, row_select
from carenet_graph.derive.inputs import TYPED, Source
from carenet_graph.derive.options import DeriveOptions
from carenet_graph.errors import InputError, MissingDependencyError

#: Java's names of the encodings :mod:`carenet_graph.read.sniff` reports.
_CHARSETS = {"utf-8": "UTF-8", "latin-1": "ISO-8859-1", "utf-16": "UTF-16", "utf-16-le": "UTF-16LE",
             "utf-16-be": "UTF-16BE", "utf-32-le": "UTF-32LE", "utf-32-be": "UTF-32BE"}
#: Digits DuckDB's strptime takes for each field (at least one; greedily up to this many).
_WIDTHS = {"Y": 4, "m": 2, "d": 2, "H": 2, "M": 2, "S": 2}
#: Characters Hadoop reads as a glob in a path.
_GLOB = re.compile(r"([{}\[\]*?\\])")
#: Error conditions of Spark that mean a file could not be read (not a fault of the SQL).
_READ_ERRORS = ("FAILED_READ_FILE", "PATH_NOT_FOUND", "UNABLE_TO_INFER_SCHEMA", "MALFORMED_RECORD_IN_PARSING")
#: Log4j settings of a local session: errors only. Without a logger of its own for the gateway (the first class
#: PySpark's JVM logs from), Spark lowers the level to WARN and says so on the terminal. A failed task's stack
#: trace (executor, task set) is the error the caller gets, as an InputError or an exception: not printed twice.
_LOG4J = """rootLogger.level = error
rootLogger.appenderRef.stderr.ref = console
logger.gateway.name = org.apache.spark.api.python.PythonGatewayServer
logger.gateway.level = error
logger.executor.name = org.apache.spark.executor.Executor
logger.executor.level = off
logger.tasks.name = org.apache.spark.scheduler.TaskSetManager
logger.tasks.level = off
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{yy/MM/dd HH:mm:ss} %p %c{1}: %m%n%ex
"""


def _literal(text: str) -> str:
    """A Spark SQL string literal (Spark reads backslash escapes in literals)."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _column(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def _location(path: Path) -> str:
    """``path`` for Spark's readers: a file URI with the glob characters escaped."""
    text = path.resolve().as_posix()
    return "file://" + ("" if text.startswith("/") else "/") + _GLOB.sub(r"\\\1", text)


def date_sql(value: str, strptime: str) -> str:
    """The Spark expression (a DATE or NULL) that reads the text ``value`` as DuckDB's
    ``TRY_STRPTIME(value, strptime)`` does.

    The format becomes an anchored regular expression (``%Y`` 1–4 digits, the other fields
    1–2, each taken greedily as DuckDB does; a space matches one or more whitespace characters,
    and whitespace around the value is skipped); the numbers it finds are written as
    ``yyyy-MM-dd HH:mm:ss`` and read with ``try_to_timestamp``, so that an impossible date gives
    NULL. Only the fields ``%Y %m %d %H %M %S`` occur in
    :data:`~carenet_graph.derive.inputs.DATE_FORMATS`.
    """
    regex, fields, i = "", [], 0
    while i < len(strptime):
        char = strptime[i]
        if char == "%" and i + 1 < len(strptime) and strptime[i + 1] in _WIDTHS:
            regex += f"([0-9]{{1,{_WIDTHS[strptime[i + 1]]}}}+)"
            fields.append(strptime[i + 1])
            i += 2
            continue
        regex += r"\s+" if char.isspace() else "[" + re.escape(char) + "]"
        i += 1
    pattern = _literal(rf"^\s*{regex}\s*$")

    def part(field: str, width: int) -> str:
        if field not in fields:
            return "'" + "0" * width + "'"
        return f"LPAD(REGEXP_EXTRACT({value}, {pattern}, {fields.index(field) + 1}), {width}, '0')"

    stamp = (f"CONCAT({part('Y', 4)}, '-', {part('m', 2)}, '-', {part('d', 2)}, ' ', {part('H', 2)}, ':', "
             f"{part('M', 2)}, ':', {part('S', 2)})")
    return f"CASE WHEN {value} RLIKE {pattern} THEN CAST(TRY_TO_TIMESTAMP({stamp}, 'yyyy-MM-dd HH:mm:ss') AS DATE) END"


def count_sql(value: str) -> str:
    """The Spark expression (a BIGINT or NULL) that reads the text ``value`` as DuckDB's
    ``TRY_CAST(value AS BIGINT)`` does: whitespace around it skipped; a decimal number with an
    optional sign, single underscores between digits, a fraction and an exponent, rounded half
    away from zero (``12.5`` → 13, ``1e3`` → 1000); or ``0x`` hexadecimal or ``0b`` binary digits.
    Out of the BIGINT range: NULL."""
    digits = "[0-9]+(_[0-9]+)*"
    decimal = _literal(rf"^\s*[+-]?({digits}([.]({digits})?)?|[.]{digits})([eE][+-]?[0-9]+)?\s*$")
    hexadecimal = _literal(r"^\s*0[xX][0-9a-fA-F]+(_[0-9a-fA-F]+)*\s*$")
    binary = _literal(r"^\s*0[bB][01]+(_[01]+)*\s*$")
    separators = _literal(r"[\s_]")
    plain = f"REGEXP_REPLACE({value}, {separators}, '')"
    # Leading zeros dropped (one kept) so that the length tells whether CONV could overflow (ANSI mode raises).
    based = f"REGEXP_REPLACE(SUBSTRING({plain}, 3), '^0+(?=.)', '')"
    return (f"CASE WHEN {value} RLIKE {decimal} "
            f"THEN TRY_CAST(ROUND(TRY_CAST({plain} AS DECIMAL(38, 18)), 0) AS BIGINT) "
            f"WHEN {value} RLIKE {hexadecimal} AND LENGTH({based}) <= 16 "
            f"THEN TRY_CAST(CONV({based}, 16, 10) AS BIGINT) "
            f"WHEN {value} RLIKE {binary} AND LENGTH({based}) <= 64 THEN TRY_CAST(CONV({based}, 2, 10) AS BIGINT) END")


def _series(values: list[Any], kind: str) -> pd.Series:
    """One column as DuckDB's ``df()`` gives it: BIGINT int64 (Int64 with NULLs), INT int32,
    DOUBLE and DECIMAL float64, text ``str`` (``object`` when empty)."""
    if kind in ("bigint", "int", "smallint", "tinyint"):
        width = {"bigint": 64, "int": 32, "smallint": 16, "tinyint": 8}[kind]
        return pd.Series(values, dtype=f"Int{width}" if None in values else f"int{width}")
    if kind in ("double", "float") or kind.startswith("decimal"):
        return pd.Series([float("nan") if v is None else float(v) if isinstance(v, Decimal) else v for v in values],
                         dtype="float64")
    if kind == "string":
        return pd.Series(values, dtype="str" if values else object)
    return pd.Series(values, dtype=object)


class SparkEngine:
    """Spark, local or on a cluster: reads the records files, runs the construction SQL.

    Parameters
    ----------
    options:
        ``spark_master`` (``local[2]`` by default); ``memory_limit`` becomes the driver's memory
        when this engine starts a local session.
    """

    name = "spark"

    def __init__(self, options: DeriveOptions) -> None:
        try:
            with warnings.catch_warnings():
                # PySpark warns about the pandas version at import; no pandas conversion of Spark's is used here.
                warnings.simplefilter("ignore", FutureWarning)
                from pyspark.sql import SparkSession
        except ImportError:
            raise MissingDependencyError("carenet derive --engine spark needs PySpark, part of the spark extra",
                                         hint="pip install 'carenet-graph[spark]'", key="derive.needs_pyspark",
                                         values={}) from None
        self._kind = "records"
        self._views: list[str] = []
        self._log_dir: str | None = None
        active = SparkSession.getActiveSession()
        if active is not None:
            # A session someone else started (and will stop): our own views and settings in a new session of it.
            self._spark = active.newSession()
            self._owns = False
        else:
            self._spark = self._start(options)
            self._owns = True
        # Dates are days in UTC, as in DuckDB; the regular expressions here are written with backslash escapes.
        self._spark.conf.set("spark.sql.session.timeZone", "UTC")
        self._spark.conf.set("spark.sql.parser.escapedStringLiterals", "false")

    def _start(self, options: DeriveOptions) -> Any:
        from pyspark.errors import PySparkRuntimeError
        from pyspark.sql import SparkSession

        java_home = os.environ.get("JAVA_HOME")
        if shutil.which("java") is None and not (java_home and Path(java_home, "bin", "java").exists()):
            raise _no_java()
        builder = (SparkSession.builder.master(options.spark_master).appName("carenet-derive")
                   .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
                   .config("spark.sql.session.timeZone", "UTC"))
        if options.spark_master.startswith("local"):
            # Nothing but this process talks to a local driver: its RPC and block manager listen on the loopback
            # interface only (the address is a setting, so SPARK_LOCAL_IP, the environment's, is left alone).
            self._log_dir = tempfile.mkdtemp(prefix="carenet-spark-")
            log_config = Path(self._log_dir, "log4j2.properties")
            log_config.write_text(_LOG4J, encoding="utf-8")
            builder = (builder.config("spark.driver.bindAddress", "127.0.0.1").config("spark.driver.host", "127.0.0.1")
                       .config("spark.sql.shuffle.partitions", "4")
                       .config("spark.driver.memory", _jvm_memory(options.memory_limit))
                       .config("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile={log_config.as_uri()}"))
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", FutureWarning)
                spark = builder.getOrCreate()
        except PySparkRuntimeError as exc:
            if self._log_dir is not None:
                shutil.rmtree(self._log_dir, ignore_errors=True)
            if exc.getCondition() == "JAVA_GATEWAY_EXITED":  # no Java that Spark can run on (missing, or too old)
                raise _no_java() from None
            raise
        spark.sparkContext.setLogLevel("ERROR")
        return spark

    # -- reading ---------------------------------------------------------------------------
    def parquet_head(self, path: Path) -> tuple[list[str], list[str], list[list[str]]]:
        """Column names, their types and the first 1,000 rows as text of a Parquet file."""
        with _reading(path):
            frame = self._spark.read.parquet(_location(path))
            rows = frame.limit(1000).collect()
        return (list(frame.columns), [f.dataType.simpleString() for f in frame.schema.fields],
                [["" if v is None else str(v) for v in row] for row in rows])

    def _scan(self, number: int, source: Source) -> tuple[str, list[str]]:
        """A temporary view of one file and the expression of each of its columns by position."""
        from pyspark.sql.types import StringType, StructField, StructType

        view = f"carenet_file_{number}"
        if source.kind == "parquet":
            with _reading(source.path):
                frame = self._spark.read.parquet(_location(source.path))
            columns = [_column(n) for n in source.names]
        else:
            width = max(source.layout.columns.values()) + 1
            schema = StructType([StructField(f"c{i}", StringType()) for i in range(width)])
            frame = self._spark.read.csv(
                _location(source.path), schema=schema, sep=source.delimiter, quote='"', escape='"',
                encoding=_CHARSETS.get(source.encoding, source.encoding), header=source.header_rows > 0,
                multiLine=True, mode="PERMISSIVE", enforceSchema=True)
            columns = [f"c{i}" for i in range(width)]
        frame.createOrReplaceTempView(view)
        self._views.append(view)
        return view, columns

    def _select(self, number: int, source: Source) -> str:
        view, cols = self._scan(number, source)

        def date(column: str) -> str:
            if source.date_format == TYPED:
                return f"CAST({column} AS DATE)"
            if source.date_format:
                return date_sql(f"TRIM(CAST({column} AS STRING))", source.date_format)
            return "CAST(NULL AS DATE)"

        # Spark's CSV reader cannot tell row numbers (the problems are counted per file and column).
        return row_select(self._kind, number, source, cols, view, row=None, text_type="STRING", date=date,
                          count=count_sql)

    def load(self, sources: Sequence[Source], kind: str) -> None:
        """Views ``checked`` (every row, with ``problem``) and ``contacts`` or ``pair_rows``."""
        self._kind = kind
        union = "\nUNION ALL\n".join(self._select(i, s) for i, s in enumerate(sources))
        self._spark.sql(f"CREATE OR REPLACE TEMPORARY VIEW rows_read AS {union}")
        # engines' CASE is neutral SQL (plain CASE/IS NULL/comparisons): the same rule order in both engines.
        self._spark.sql(f"CREATE OR REPLACE TEMPORARY VIEW checked AS SELECT *, {problem_case(kind)} "
                        "AS problem FROM rows_read")
        if kind == "records":
            self._spark.sql("CREATE OR REPLACE TEMPORARY VIEW contacts AS SELECT patient, provider, "
                            "CAST(UNIX_DATE(d) AS INT) AS day, CAST(YEAR(d) AS INT) AS year "
                            "FROM checked WHERE problem IS NULL")
        else:
            self._spark.sql("CREATE OR REPLACE TEMPORARY VIEW pair_rows AS SELECT source, target, patients, "
                            "pair_count FROM checked WHERE problem IS NULL")
        self._views += ["rows_read", "checked", "contacts" if kind == "records" else "pair_rows"]

    def row_problems(self) -> list[RowProblems]:
        """Rows per file and problem (None: used); Spark cannot tell row numbers, so none are listed."""
        found = self._collect(self._spark.sql(
            "SELECT file_no, problem, COUNT(*) AS n FROM checked GROUP BY file_no, problem "
            "ORDER BY file_no, problem NULLS FIRST"))
        return [RowProblems(int(f), p, int(n), ()) for f, p, n in found]

    def _collect(self, frame: Any) -> list[Any]:
        with _reading():
            rows: list[Any] = frame.collect()
        return rows

    def prepare(self, name: str, sql: str, keep: bool) -> None:
        """``name`` as a temporary view of ``sql`` (already in Spark's dialect), cached when ``keep``."""
        self._spark.sql(f"CREATE OR REPLACE TEMPORARY VIEW {name} AS {sql}")
        if keep:
            self._spark.sql(f"CACHE TABLE {name}")

    def frame(self, sql: str) -> pd.DataFrame:
        """Run one ``SELECT`` (in Spark's dialect) and return its rows, typed as DuckDB's would be."""
        result = self._spark.sql(sql)
        rows = self._collect(result)
        fields = result.schema.fields
        return pd.DataFrame({f.name: _series([row[i] for row in rows], f.dataType.simpleString())
                             for i, f in enumerate(fields)}, columns=[f.name for f in fields])

    def close(self) -> None:
        """Drop this run's views; stop the session if this engine started it."""
        try:
            for view in self._views:
                self._spark.catalog.dropTempView(view)
            if self._owns:
                self._spark.stop()
        finally:
            if self._log_dir is not None:
                shutil.rmtree(self._log_dir, ignore_errors=True)


def _condition(exc: BaseException) -> str:
    """Spark's error condition (``FAILED_READ_FILE.CANNOT_READ_FILE_FOOTER``) of a Python or Java exception."""
    getter = getattr(exc, "getCondition", None)
    try:
        if callable(getter):
            return str(getter() or "")
        # An error of the JVM that PySpark passed on unconverted (Py4JJavaError): ask the Java exception.
        return str(exc.java_exception.getCondition() or "")  # type: ignore[attr-defined]
    except Exception:  # not a SparkThrowable: no condition
        return ""


@contextmanager
def _reading(file: Path | None = None) -> Iterator[None]:
    """Errors of Spark that mean a file (``file``, when known) could not be read become
    :class:`InputError`; others pass."""
    from py4j.protocol import Py4JJavaError
    from pyspark.errors import PySparkException

    try:
        yield
    except (PySparkException, Py4JJavaError) as exc:
        condition = _condition(exc)
        if not condition.startswith(_READ_ERRORS):
            raise
        # The same words as DuckDB's; Spark's own message (which may quote a cell) stays in the cause (--debug).
        raise InputError("a records file could not be read as CSV or Parquet", key="derive.unreadable", values={},
                         file=None if file is None else str(file),
                         hint="Check that every file is complete, of one layout, and saved as CSV (UTF-8) or "
                              "Parquet.") from exc


def _no_java() -> InputError:
    return InputError("Spark needs Java 17 or newer, and none could be started", key="derive.no_java", values={},
                      hint="Install Java 17 or newer (Debian: apt-get install default-jre-headless) and put java "
                           "on the PATH or set JAVA_HOME, or use --engine duckdb.")


def _jvm_memory(limit: str) -> str:
    """DuckDB's memory limit (``4GB``, ``512MB``) as a JVM size (``4g``); 2g if unreadable."""
    found = re.fullmatch(r"\s*(\d+)\s*([KMGT])i?B?\s*", limit, re.IGNORECASE)
    return f"{found.group(1)}{found.group(2).lower()}" if found else "2g"
