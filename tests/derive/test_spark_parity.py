"""Parity of the two engines of ``carenet derive``: Spark (local mode) gives the same tables, counts
and files as DuckDB on one fixture that exercises every construction choice.

The fixture holds records in four files of three kinds (a comma CSV with ISO dates, a German
semicolon CSV with dates such as ``5.3.2024``, a Parquet file with a DATE column and one with a
TIMESTAMP column), rows with a missing patient, provider or date and impossible dates; patients
with two to six providers, visits over two calendar years, gaps that split episodes, same-day
visits and a patient above the cap. Every option set runs both engines; the ties are also checked
against the pure-Python reference (:mod:`tests.derive.reference`), so that parity cannot hold
vacuously. One Spark session serves the module: :class:`~carenet_graph.derive.spark.SparkEngine`
uses an active session (through a new session of it) and leaves it running.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest
import sqlglot

from carenet_graph.derive.inputs import DATE_FORMATS
from carenet_graph.derive.options import DeriveOptions
from carenet_graph.derive.run import DeriveResult, derive
from carenet_graph.derive.spark import SparkEngine, count_sql, date_sql
from carenet_graph.derive.sql import OUTPUTS, construction, for_engine, from_pairs
from carenet_graph.errors import InputError, MissingDependencyError
from tests.derive.reference import Record, construct
from tests.support.commands import child_env

pytestmark = pytest.mark.slow

START = dt.date(2023, 1, 1)
PROVIDERS = tuple(f"dr{i:02d}" for i in range(1, 9))
# Hand-made patients, each for one choice (the rest of the fixture is seeded random).
SPECIAL: list[Record] = [
    # same-day visits, then 50 days later (a new episode, outside 30 days), then the next calendar year
    ("p01", "dr01", dt.date(2023, 1, 10)), ("p01", "dr02", dt.date(2023, 1, 10)), ("p01", "dr03", dt.date(2023, 3, 1)),
    ("p01", "dr01", dt.date(2024, 1, 5)), ("p01", "dr04", dt.date(2024, 1, 20)),
    # six providers: above the caps used below
    ("p02", "dr01", dt.date(2024, 2, 1)), ("p02", "dr02", dt.date(2024, 2, 1)), ("p02", "dr03", dt.date(2024, 2, 10)),
    ("p02", "dr04", dt.date(2024, 2, 20)), ("p02", "dr05", dt.date(2024, 6, 1)), ("p02", "dr06", dt.date(2024, 6, 15)),
    # across New Year: one episode and within 30 days, but two calendar years
    ("p03", "dr02", dt.date(2023, 12, 20)), ("p03", "dr03", dt.date(2024, 1, 10)),
    # three providers on one day: both orders in sequence
    ("p04", "dr01", dt.date(2023, 5, 1)), ("p04", "dr02", dt.date(2023, 5, 1)), ("p04", "dr03", dt.date(2023, 5, 1)),
    # 184 days apart: within the year, not within 180 days
    ("p05", "dr03", dt.date(2024, 3, 1)), ("p05", "dr04", dt.date(2024, 9, 1)),
    # one provider only (k = 1)
    ("p06", "dr05", dt.date(2023, 4, 4)), ("p06", "dr05", dt.date(2023, 8, 8)),
]
# Rows no engine may use: (file, cells, rule). Cells are as written (None: NULL in Parquet).
BAD_ROWS: list[tuple[str, tuple[Any, ...], str]] = [
    ("claims.csv", ("", "dr01", "2024-01-01"), "record.missing_patient"),
    ("claims.csv", ("   ", "dr01", "2024-01-01"), "record.missing_patient"),
    ("claims.csv", ("p01", "", "2024-01-01"), "record.missing_provider"),
    ("claims.csv", ("p01", "dr01", ""), "record.missing_date"),
    ("claims.csv", ("p01", "dr01", "2024-02-30"), "record.bad_date"),
    ("claims.csv", ("p01",), "record.missing_provider"),  # a short row: NULL-padded
    ("claims_de.csv", ("p02", "dr02", "31.04.2024"), "record.bad_date"),
    ("claims_de.csv", ("p02", "dr02", ""), "record.missing_date"),
    ("claims.parquet", (None, "dr01", dt.date(2024, 1, 1)), "record.missing_patient"),
    ("claims.parquet", ("p01", None, dt.date(2024, 1, 1)), "record.missing_provider"),
    ("claims.parquet", ("p01", "dr01", None), "record.missing_date"),
]
FILES = ("claims.csv", "claims_de.csv", "claims.parquet", "claims_ts.parquet")
OPEN = {"min_shared": 1, "suppress_below": 1}  # every tie and count written: a small fixture needs it
# Six sets cover every window, direction and weight, both over-cap rules, care density and suppression (a Spark
# run costs seconds: not all combinations).
OPTION_SETS: dict[str, dict[str, Any]] = {
    "year-none-count": {},
    "year-sequence-jaccard-drop4": {"direction": "sequence", "weight": "jaccard", "max_providers": 4,
                                    "over_cap": "drop"},
    "30-sequence-newman-sample3-density": {"window": "30", "direction": "sequence", "weight": "newman",
                                           "max_providers": 3, "seed": 7, "care_density": True},
    "180-none-newman-drop5-suppress3": {"window": "180", "weight": "newman", "max_providers": 5,
                                        "over_cap": "drop", "suppress_below": 3},
    "episode-sequence-count-density": {"window": "episode", "direction": "sequence", "care_density": True},
    "episode-none-jaccard-sample4-density": {"window": "episode", "weight": "jaccard", "max_providers": 4,
                                             "care_density": True},
}


def good_records() -> list[Record]:
    """SPECIAL and 34 seeded random patients with 1–6 providers and 1–3 visits each over 2023–2024."""
    rng = random.Random(16)
    records = list(SPECIAL)
    for number in range(7, 41):
        for provider in rng.sample(PROVIDERS, rng.choice((1, 2, 2, 3, 3, 4, 5, 6))):
            for _ in range(rng.randint(1, 3)):
                records.append((f"p{number:02d}", provider, START + dt.timedelta(days=rng.randrange(730))))
    return records


def write_fixture(folder: Path) -> list[Path]:
    """The good records spread over the four files (every third row padded with spaces), plus BAD_ROWS."""
    rows: dict[str, list[tuple[Any, ...]]] = {name: [] for name in FILES}
    for i, record in enumerate(good_records()):
        rows[FILES[i % len(FILES)]].append(record)
    for name, cells, _ in BAD_ROWS:
        rows[name].append(cells)

    def text(cells: tuple[Any, ...], i: int, german: bool) -> list[str]:
        out = []
        for cell in cells:
            if isinstance(cell, dt.date):
                cell = f"{cell.day}.{cell.month}.{cell.year}" if german else cell.isoformat()
            out.append(f"  {cell} " if i % 3 == 0 and cell else str(cell))
        return out

    (folder / "claims.csv").write_text("\n".join(["patient,provider,date"] + [
        ",".join(text(r, i, german=False)) for i, r in enumerate(rows["claims.csv"])]) + "\n", encoding="utf-8")
    (folder / "claims_de.csv").write_text("\n".join(["Versicherter;Arzt;Behandlungsdatum"] + [
        ";".join(text(r, i, german=True)) for i, r in enumerate(rows["claims_de.csv"])]) + "\n", encoding="utf-8")
    with duckdb.connect(":memory:") as con:
        for name, column, cast in (("claims.parquet", "service_date", "CAST(d AS DATE)"),
                                   ("claims_ts.parquet", "datum", "CAST(d AS TIMESTAMP) + INTERVAL 23 HOUR")):
            frame = pd.DataFrame([[None if c is None else str(c) for c in r] for r in rows[name]],
                                 columns=["p", "v", "d"], dtype=object)
            con.register("frame", frame)
            con.execute(f"COPY (SELECT p AS patient_id, v AS npi, {cast} AS {column} FROM frame) "
                        f"TO '{folder / name}' (FORMAT parquet)")
            con.unregister("frame")
    return [folder / name for name in FILES]


@pytest.fixture(scope="module")
def spark_session() -> Iterator[SparkEngine]:
    """One local Spark session for the module, started as derive starts it; every derive in the
    module uses it (and leaves it running); stopped at the end."""
    engine = SparkEngine(DeriveOptions(engine="spark"))
    yield engine
    engine.close()


@pytest.fixture(scope="module")
def spark_records(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return write_fixture(tmp_path_factory.mktemp("records"))


def both(records: list[Path], folder: Path, **choices: Any) -> tuple[DeriveResult, DeriveResult]:
    """derive with DuckDB and with Spark, each writing its own folder."""
    results = tuple(derive(records, folder / engine, engine=engine, **choices) for engine in ("duckdb", "spark"))
    return results[0], results[1]


def assert_same(duck: DeriveResult, spark: DeriveResult, folder: Path) -> None:
    pd.testing.assert_frame_equal(duck.ties, spark.ties)
    pd.testing.assert_frame_equal(duck.actors, spark.actors)
    if duck.care_density is None:
        assert spark.care_density is None
    else:
        assert spark.care_density is not None
        pd.testing.assert_frame_equal(duck.care_density, spark.care_density)
    assert duck.report.accounting == spark.report.accounting
    # Spark cannot tell row numbers: the same problems, counted, without rows.
    assert [(p.rule, p.file, p.column, p.count) for p in duck.report.problems] == \
           [(p.rule, p.file, p.column, p.count) for p in spark.report.problems]
    assert all(p.rows == () for p in spark.report.problems if p.rule.startswith("record."))
    records = [json.loads((folder / engine / "derive" / "derive.json").read_text(encoding="utf-8"))
               for engine in ("duckdb", "spark")]
    assert records[0]["counts"] == records[1]["counts"]
    assert records[0]["engine"] == "duckdb" and records[1]["engine"] == "spark"
    for record in records:
        del record["engine"], record["choices"]["engine"]
    assert records[0] == records[1]
    for name in ("actors.csv", "ties.csv", "parquet/actors.parquet", "parquet/ties.parquet",
                 "derive/care_density.csv"):
        assert (folder / "duckdb" / name).exists() == (folder / "spark" / name).exists()
        if (folder / "duckdb" / name).exists():
            assert (folder / "duckdb" / name).read_bytes() == (folder / "spark" / name).read_bytes(), name


@pytest.mark.parametrize("choices", OPTION_SETS.values(), ids=OPTION_SETS.keys())
def test_spark_builds_the_same_network_as_duckdb(spark_session: SparkEngine, spark_records: list[Path],
                                                  tmp_path: Path, choices: dict[str, Any]) -> None:
    options = {**OPEN, **choices}
    duck, spark = both(spark_records, tmp_path, **options)
    assert_same(duck, spark, tmp_path)

    # Not vacuous: the ties are those of the independent reference, and the rows are accounted for.
    expected = construct(good_records(), DeriveOptions(**options))
    assert len(duck.ties) > 0
    assert {(s, t): n for s, t, n in zip(duck.ties["source"], duck.ties["target"], duck.ties["shared_patients"],
                                         strict=True)} == {pair: tie.shared for pair, tie in expected.ties.items()}
    accounting = duck.report.accounting
    assert (accounting.files, accounting.rows_read, accounting.tie_rows, accounting.rows_rejected) == \
           (4, len(good_records()) + len(BAD_ROWS), len(good_records()), len(BAD_ROWS))
    rejected = {rule: sum(1 for _, _, r in BAD_ROWS if r == rule) for _, _, rule in BAD_ROWS}
    assert duck.record["counts"]["rows_rejected"] == dict(sorted(rejected.items()))


def test_the_fixture_holds_what_the_choices_need() -> None:
    records = good_records()
    providers: dict[str, set[str]] = {}
    for patient, provider, _ in records:
        providers.setdefault(patient, set()).add(provider)
    sizes = sorted(len(p) for p in providers.values())
    assert sizes[0] == 1 and sizes[-1] == 6 and {2, 3, 4, 5} <= set(sizes)
    assert {d.year for _, _, d in records} == {2023, 2024}
    assert sum(1 for p in providers.values() if len(p) > 4) >= 2


PAIRS = (
    "npi1,npi2,pair_count,bene_count,same_day_count\n"
    "1000000001,1000000002,40,12,3\n"
    "1000000002,1000000001,25,14,1\n"  # the reverse direction, more patients
    "1000000001,1000000003, 30 , 11 ,0\n"
    "1000000003,1000000004,20,12.5,0\n"  # DuckDB rounds a fraction: Spark must too
    "1000000004,1000000004,5,3,0\n"  # one provider twice
    "1000000005,,5,3,0\n"
    "1000000005,1000000006,5,x,0\n"
    "1000000005,1000000006,5,,0\n"
    "1000000008,1000000009,7,-3,0\n"
    "1000000006,1000000007,,11,0\n"  # no pair count
    "1000000007,1000000008,7,1_000,0\n"  # DuckDB reads digit separators: Spark must too
)
CMS = "1000000001,1000000002,50,13,2\n1000000009,1000000010,12,11,0\n"  # header-less, as CMS publishes


@pytest.mark.parametrize("direction", ["none", "sequence"])
def test_spark_reads_published_pairs_as_duckdb_does(spark_session: SparkEngine, tmp_path: Path,
                                                    direction: str) -> None:
    (tmp_path / "pairs.csv").write_text(PAIRS, encoding="utf-8")
    (tmp_path / "cms_2015.csv").write_text(CMS, encoding="utf-8")
    files = [tmp_path / "pairs.csv", tmp_path / "cms_2015.csv"]
    duck, spark = both(files, tmp_path, direction=direction, **OPEN)
    assert_same(duck, spark, tmp_path)

    shared = {(s, t): n for s, t, n in zip(duck.ties["source"], duck.ties["target"], duck.ties["shared_patients"],
                                           strict=True)}
    plain = {"none": {("1000000001", "1000000002"): 14, ("1000000001", "1000000003"): 11,
                      ("1000000006", "1000000007"): 11, ("1000000009", "1000000010"): 11},
             "sequence": {("1000000001", "1000000002"): 13, ("1000000002", "1000000001"): 14,
                          ("1000000001", "1000000003"): 11, ("1000000006", "1000000007"): 11,
                          ("1000000009", "1000000010"): 11}}[direction]
    assert {pair: shared[pair] for pair in plain} == plain
    assert spark.record["counts"]["rows_rejected"] == {"record.bad_count": 3, "record.missing_provider": 1,
                                                       "record.same_provider": 1}
    assert spark.report.accounting.rows_read == 13


def test_a_file_spark_cannot_read_is_an_input_error(spark_session: SparkEngine, tmp_path: Path) -> None:
    broken = tmp_path / "claims.parquet"
    broken.write_bytes(b"PAR1" + bytes(range(40)) + b"PAR1")  # the magic bytes, no footer
    with pytest.raises(InputError) as caught:
        derive(broken, engine="spark")
    assert (caught.value.key, caught.value.message) == ("derive.unreadable",
                                                        "a records file could not be read as CSV or Parquet")
    assert caught.value.file == str(broken.resolve())


# -- the pieces Spark has in its own SQL, against DuckDB, value by value ------------------------------
DATES = ["2024-03-05", "2024-3-5", "24-03-05", "0-1-1", "0000-01-01", "02024-03-05", "10000-01-01", "2024-02-29",
         "2023-02-29", "2024-02-30", "2024-13-01", "2024-00-10", "2024-03-05x", "-2024-03-05", "+2024-03-05",
         "2024-03-05 10:11:12", "2024-03-05T10:11:12", "2024-03-05t10:11:12", "2024-03-05  10:11:12",
         "2024-03-05\t10:11:12", "2024-03-0510:11:12", "2024-03-05 1:2:3", "2024-03-05 24:00:00",
         "2024-03-05 23:59:60", "2024-03-05 10:11", "2024-03-05 10:11:12.5", "\t2024-03-05", "2024-03-05\n",
         "2024-03-05\x0b", "\u00a02024-03-05", "2024- 3-05", "２０２４-03-05", "05.03.2024", "5.3.2024", "05.03.24",
         "31.04.2024", "29.02.1900", "20240305", "2024035", "202403051", "2024 0305", "5/3/2024", "13/01/2024",
         "01/13/2024", "2024/3/5", "'", "\\", "%", ""]
COUNTS = ["12", "+12", "-3", "00012", "1_000", "1__0", "_1", "1_", "12.4", "12.5", "-12.5", "2.5", "-0.5", "12.",
          ".5", ".", "1.2.3", "1e3", "1E3", "12.5e1", "1.45e1", "12.5E-1", "1e-1", "5e-1", "1e+2", "1e", "1e2.5",
          "1_e2", "0x10", "0X1_f", "0x", "-0x10", "0b1_1", "0b102", "0x7FFFFFFFFFFFFFFF", "0xFFFFFFFFFFFFFFFF",
          "0x000000000000000000001", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
          "9223372036854775807.4", "9223372036854775807.5", "1e19", " 12", "12\t", "\n12", "1 000", "1,000",
          "12\u00a0", "１２", "inf", "nan", "+", "-", "'", ""]


def spark_literal(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def test_dates_are_read_as_duckdb_reads_them(spark_session: SparkEngine) -> None:
    from pyspark.sql import SparkSession

    session = SparkSession.getActiveSession()
    assert session is not None
    expressions, expected = [], []
    with duckdb.connect(":memory:") as con:
        for strptime, _ in DATE_FORMATS:
            for value in DATES:
                row = con.execute("SELECT CAST(CAST(TRY_STRPTIME(?, ?) AS DATE) - DATE '1970-01-01' AS INT)",
                                  [value, strptime]).fetchone()
                assert row is not None
                expected.append(row[0])
                expressions.append(f"UNIX_DATE({date_sql(spark_literal(value), strptime)})")
    got = list(session.sql("SELECT " + ", ".join(expressions)).collect()[0])
    assert got == expected
    # Not only rejects: each format reads some of the values.
    assert all(any(d is not None for d in expected[i:i + len(DATES)]) for i in range(0, len(expected), len(DATES)))


def test_counts_are_read_as_duckdb_reads_them(spark_session: SparkEngine) -> None:
    from pyspark.sql import SparkSession

    session = SparkSession.getActiveSession()
    assert session is not None
    with duckdb.connect(":memory:") as con:
        expected = [con.execute("SELECT TRY_CAST(? AS BIGINT)", [v]).fetchall()[0][0] for v in COUNTS]
    got = list(session.sql("SELECT " + ", ".join(count_sql(spark_literal(v)) for v in COUNTS)).collect()[0])
    assert got == expected
    assert expected[:4] == [12, 12, -3, 12] and expected[COUNTS.index("12.5")] == 13


# -- cheap checks, no session -----------------------------------------------------------------------
@pytest.mark.parametrize("window", ["30", "year", "episode"])
@pytest.mark.parametrize("direction", ["none", "sequence"])
@pytest.mark.parametrize("cap", [None, "sample", "drop"])
def test_the_sql_spark_runs_is_spark_sql(window: str, direction: str, cap: str | None) -> None:
    options = DeriveOptions(window=window, direction=direction,  # type: ignore[arg-type]
                            max_providers=None if cap is None else 3, over_cap=cap or "sample")
    views = construction(options)
    for text in [*(views[name] for name in OUTPUTS), from_pairs(options)]:
        spark = for_engine(text, "spark")
        assert sqlglot.parse_one(spark, read="spark") is not None


def test_without_pyspark_the_error_says_which_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pyspark", None)
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)
    with pytest.raises(MissingDependencyError) as caught:
        SparkEngine(DeriveOptions(engine="spark"))
    assert caught.value.key == "derive.needs_pyspark"
    assert caught.value.hint == "pip install 'carenet-graph[spark]'"


def test_without_java_the_error_says_how_to_get_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from pyspark.sql import SparkSession

    # A machine with no session running and no Java anywhere.
    monkeypatch.setattr(SparkSession, "getActiveSession", classmethod(lambda cls: None))
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("JAVA_HOME", raising=False)
    with pytest.raises(InputError) as caught:
        SparkEngine(DeriveOptions(engine="spark"))
    assert caught.value.key == "derive.no_java"
    assert caught.value.message == "Spark needs Java 17 or newer, and none could be started"


def test_a_java_spark_cannot_run_on_is_the_same_error(tmp_path: Path) -> None:
    # A Java that exits at once (too old, broken): Spark's gateway never starts. In a child process, since
    # this one may already hold a gateway (the module's session), which Spark would reuse.
    java = tmp_path / "jdk" / "bin" / "java"
    java.parent.mkdir(parents=True)
    java.write_text("#!/bin/sh\necho 'UnsupportedClassVersionError' >&2\nexit 1\n", encoding="utf-8")
    java.chmod(0o755)
    code = ("from carenet_graph.derive.options import DeriveOptions\n"
            "from carenet_graph.derive.spark import SparkEngine\n"
            "from carenet_graph.errors import InputError\n"
            "try:\n    SparkEngine(DeriveOptions(engine='spark'))\n"
            "except InputError as exc:\n    print(exc.key)\n")
    env = child_env({"JAVA_HOME": str(java.parent.parent), "PATH": f"{java.parent}{os.pathsep}{os.environ['PATH']}"})
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.stdout.strip() == "derive.no_java", done.stderr
