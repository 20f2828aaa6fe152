"""Tests of :func:`carenet_graph.derive.run.derive` with the DuckDB engine: the construction against
a hand-computed example and an independent reference (:mod:`tests.derive.reference`), byte-identical
outputs, row accounting, privacy, date formats, column recognition, published pairs, and the
written folder as input of the other commands.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import random
import tempfile
from collections.abc import Iterable, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import carenet_graph
from carenet_graph.derive.options import DeriveOptions
from carenet_graph.derive.run import DeriveResult, derive
from carenet_graph.errors import InputError, OptionError
from carenet_graph.privacy import load_or_create_key
from tests.derive.reference import Record, construct

HEADER = ("patient", "provider", "date")
START = dt.date(2024, 1, 1)
# The hand-computed example: p1 sees A, B; p2 sees A, B, C; p3 sees B, C, all in 2024.
EXAMPLE: list[Record] = [
    ("p1", "A", dt.date(2024, 1, 5)), ("p1", "B", dt.date(2024, 2, 5)),
    ("p2", "A", dt.date(2024, 3, 1)), ("p2", "B", dt.date(2024, 3, 2)), ("p2", "C", dt.date(2024, 4, 1)),
    ("p3", "B", dt.date(2024, 5, 1)), ("p3", "C", dt.date(2024, 6, 1)),
]
OPEN: dict[str, Any] = {"min_shared": 1, "suppress_below": 1}  # every tie and count written: the small examples need it


# -- helpers --------------------------------------------------------------------------------------
def write_records(path: Path, records: Iterable[Sequence[object]], header: Sequence[str] = HEADER,
                  delimiter: str = ",", date_format: str = "%Y-%m-%d") -> Path:
    """``records`` as a CSV file; dates written in ``date_format``, other cells as they are."""
    lines = [delimiter.join(header)]
    for row in records:
        lines.append(delimiter.join(c.strftime(date_format) if isinstance(c, dt.date) else str(c) for c in row))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_parquet(path: Path, records: Sequence[Sequence[object]], typed_dates: bool = False) -> Path:
    """``records`` as a Parquet file written by DuckDB (patient, provider, date; dates as DATE when
    ``typed_dates``, else as ISO text). ``None`` cells become NULL."""
    frame = pd.DataFrame(
        [[None if c is None else (c.isoformat() if isinstance(c, dt.date) else str(c)) for c in row]
         for row in records], columns=list(HEADER), dtype=object)
    date = "CAST(date AS DATE)" if typed_dates else "date"
    with duckdb.connect(":memory:") as con:
        con.register("frame", frame)
        con.execute(f"COPY (SELECT patient, provider, {date} AS date FROM frame) TO '{path}' (FORMAT parquet)")
    return path


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def read_parquet(path: Path) -> pd.DataFrame:
    """A Parquet file's rows, read by DuckDB (pandas would need pyarrow, which the derive extra does not bring)."""
    with duckdb.connect(":memory:") as con:
        frame: pd.DataFrame = con.sql(f"SELECT * FROM read_parquet('{path}')").df()
    return frame


def output_files(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` by relative path, with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def all_text(folder: Path) -> str:
    """Everything a reader of ``folder`` could see: every file's bytes as text, and every cell of
    every Parquet file (compressed bytes would hide a value from a plain search)."""
    parts = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        parts.append(path.read_bytes().decode("utf-8", errors="replace"))
        if path.suffix == ".parquet":
            with duckdb.connect(":memory:") as con:
                relation = con.sql(f"SELECT * FROM read_parquet('{path}')")
                parts.append(" ".join(relation.columns))
                parts += [" ".join(str(v) for v in row) for row in relation.fetchall()]
    return "\n".join(parts)


# -- the hand-computed example --------------------------------------------------------------------
def test_hand_computed_example(tmp_path: Path) -> None:
    records = write_records(tmp_path / "recs.csv", EXAMPLE)
    out = tmp_path / "out"
    result = derive(records, out, care_density=True, **OPEN)
    assert (out / "ties.csv").read_text(encoding="utf-8") == (
        "source,target,type,direction,level,weight,shared_patients,newman,jaccard\n"
        "A,B,shared_patients,undirected,5,2,2,1.5,0.666666667\n"
        "A,C,shared_patients,undirected,2,1,1,0.5,0.333333333\n"
        "B,C,shared_patients,undirected,5,2,2,1.5,0.666666667\n")
    # Levels: weights 2, 1, 2 → share of ties with weight ≤ w: 1/3 → ceil(5/3) = 2, 3/3 → 5.
    assert (out / "actors.csv").read_text(encoding="utf-8") == "id,name,patients\nA,A,2\nB,B,3\nC,C,2\n"
    ties = read_csv(out / "ties.csv")
    assert [(t["source"], t["target"], int(t["shared_patients"]), float(t["newman"])) for t in ties] == [
        ("A", "B", 2, 1.5), ("A", "C", 1, 0.5), ("B", "C", 2, 1.5)]
    assert [float(t["jaccard"]) for t in ties] == pytest.approx([2 / 3, 1 / 3, 2 / 3], abs=1e-9)
    # Care density: p1 = 2 / 1, p3 = 2 / 1 (k = 2), p2 = (2 + 1 + 2) / 3 = 5/3 (k = 3).
    density = read_csv(out / "derive" / "care_density.csv")
    assert list(density[0]) == ["providers", "patients", "mean", "p25", "median", "p75"]
    assert [(d["providers"], int(d["patients"])) for d in density] == [("2", 2), ("3", 1)]
    assert [[float(d[c]) for c in ("mean", "p25", "median", "p75")] for d in density] == [
        [2.0, 2.0, 2.0, 2.0], [round(5 / 3, 6)] * 4]
    assert result.record["counts"] == {
        "files": 1, "rows_read": 7, "rows_used": 7, "rows_rejected": {}, "patients": 3,
        "patients_with_two_or_more_providers": 3, "patients_over_cap": 0, "patient_pairs_at_most": 5,
        "providers": 3, "ties": 3}
    assert result.record["levels"] == [{"level": 2, "weight_min": 1.0, "weight_max": 1.0, "ties": 1},
                                       {"level": 5, "weight_min": 2.0, "weight_max": 2.0, "ties": 2}]
    written = json.loads((out / "derive" / "derive.json").read_text(encoding="utf-8"))
    assert written["counts"] == result.record["counts"] and written["choices"]["threshold"] == 1
    assert set(written["sources"]) >= {"min_shared", "window", "weight", "levels", "care_density"}


def test_hand_computed_example_weights_newman_and_jaccard(tmp_path: Path) -> None:
    records = write_records(tmp_path / "recs.csv", EXAMPLE)
    newman = derive(records, weight="newman", **OPEN).ties
    assert list(newman["weight"]) == [1.5, 0.5, 1.5] and list(newman["level"]) == [5, 2, 5]
    jaccard = derive(records, weight="jaccard", **OPEN).ties
    assert list(jaccard["weight"]) == pytest.approx([2 / 3, 1 / 3, 2 / 3], abs=1e-9)
    assert list(jaccard["level"]) == [5, 2, 5]


def test_the_reference_agrees_with_the_hand_computed_example() -> None:
    """The reference itself is checked against the hand computation, so that a property failure
    points at the library, not at the reference."""
    network = construct(EXAMPLE, DeriveOptions(care_density=True, **OPEN))
    assert {pair: (t.shared, t.newman, t.jaccard, t.level) for pair, t in network.ties.items()} == {
        ("A", "B"): (2, Fraction(3, 2), Fraction(2, 3), 5), ("A", "C"): (1, Fraction(1, 2), Fraction(1, 3), 2),
        ("B", "C"): (2, Fraction(3, 2), Fraction(2, 3), 5)}
    assert {p: float(v) for p, (_, v) in network.density.items()} == {"p1": 2.0, "p2": 5 / 3, "p3": 2.0}
    assert network.patients == {"A": 2, "B": 3, "C": 2}


# -- the construction against the reference -----------------------------------------------------
# Days chosen near the windows' edges (30/60/90/180 days, the turn of the year 2024 → 2025) besides any day.
EDGE_DAYS = (0, 1, 7, 8, 29, 30, 31, 60, 61, 90, 91, 180, 181, 365, 366, 396, 729)
PATIENTS = tuple(f"p{i}" for i in range(1, 9))
PROVIDERS = tuple("ABCDEF")
WINDOWS = ["30", "60", "90", "180", "year", "episode"]


def _records(days: st.SearchStrategy[int], providers: Sequence[str] = PROVIDERS, patients: Sequence[str] = PATIENTS,
             min_size: int = 1) -> st.SearchStrategy[list[Record]]:
    return st.lists(st.tuples(st.sampled_from(patients), st.sampled_from(providers),
                              days.map(lambda d: START + dt.timedelta(d))), min_size=min_size, max_size=30)


# Thresholds of 1 are drawn most often: with at most 8 patients, higher ones leave few ties to compare.
options_strategy = st.builds(
    DeriveOptions,
    min_shared=st.sampled_from([1, 1, 2, 3]), suppress_below=st.sampled_from([1, 1, 1, 2, 3]),
    window=st.sampled_from(WINDOWS), episode_gap=st.sampled_from([1, 7, 30, 31, 90]),
    direction=st.sampled_from(["none", "sequence"]), weight=st.sampled_from(["count", "newman", "jaccard"]),
    max_providers=st.one_of(st.none(), st.integers(2, 5)), over_cap=st.sampled_from(["sample", "drop"]),
    seed=st.integers(0, 3), care_density=st.just(True), threads=st.just(1))
# Only the windows, every pair kept, days only on the edges: differences land on the boundaries.
window_options = st.builds(
    DeriveOptions, min_shared=st.just(1), suppress_below=st.just(1), window=st.sampled_from(WINDOWS),
    episode_gap=st.sampled_from([1, 7, 30, 31, 90]), direction=st.sampled_from(["none", "sequence"]),
    weight=st.sampled_from(["count", "newman", "jaccard"]), care_density=st.just(True), threads=st.just(1))
# The cap: few patients with many providers each, so that most examples sample or drop someone.
cap_options = st.builds(
    DeriveOptions, min_shared=st.just(1), suppress_below=st.just(1), window=st.sampled_from(["year", "90"]),
    direction=st.sampled_from(["none", "sequence"]), weight=st.sampled_from(["count", "newman", "jaccard"]),
    max_providers=st.integers(2, 4), over_cap=st.sampled_from(["sample", "sample", "drop"]), seed=st.integers(0, 9),
    care_density=st.just(True), threads=st.just(1))


def _compare(result: DeriveResult, records: list[Record], options: DeriveOptions) -> None:
    expected = construct(records, options)
    ties = result.ties
    assert list(zip(ties["source"], ties["target"], strict=True)) == sorted(expected.ties)
    for row in ties.itertuples(index=False):
        tie = expected.ties[(str(row.source), str(row.target))]
        assert row.shared_patients == tie.shared
        assert row.newman == pytest.approx(float(tie.newman), abs=1e-9)
        assert row.jaccard == pytest.approx(float(tie.jaccard), abs=1e-9)
        assert row.weight == pytest.approx(float(tie.weight), abs=1e-9)
        assert row.level == tie.level
        assert row.direction == ("directed" if options.direction == "sequence" else "undirected")
    assert list(result.actors.index) == sorted(expected.patients)
    shown = [None if pd.isna(v) else int(v) for v in result.actors["patients"]]
    assert shown == [n if n >= options.suppress_below else None for _, n in sorted(expected.patients.items())]
    assert result.care_density is not None
    got = result.care_density.to_dict("records")
    assert [(r["providers"], r["patients"]) for r in got] == [(r["providers"], r["patients"]) for r in expected.summary]
    for mine, theirs in zip(got, expected.summary, strict=True):
        for column in ("mean", "p25", "median", "p75"):
            assert mine[column] == pytest.approx(theirs[column], abs=1e-9), column
    counts = result.record["counts"]
    for name in ("patients", "patients_with_two_or_more_providers"):
        value = expected.counts[name]
        assert counts[name] == (value if value >= options.suppress_below else None), name
    over = expected.counts["patients_over_cap"]
    assert counts["patients_over_cap"] == (over if options.max_providers is None or over >= options.suppress_below
                                           else None)
    assert counts["patient_pairs_at_most"] == expected.counts["patient_pairs_at_most"]
    assert counts["ties"] == len(expected.ties) and counts["rows_used"] == len(records)


def _check(records: list[Record], options: DeriveOptions) -> None:
    with tempfile.TemporaryDirectory(prefix="carenet-derive-test-") as tmp:
        path = write_records(Path(tmp) / "recs.csv", records)
        result = derive(path, options=options)
    _compare(result, records, options)


@settings(max_examples=70, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records=_records(st.one_of(st.sampled_from(EDGE_DAYS), st.integers(0, 729))), options=options_strategy)
def test_derive_equals_the_reference(records: list[Record], options: DeriveOptions) -> None:
    _check(records, options)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records=_records(st.sampled_from(EDGE_DAYS), providers="ABCD"), options=window_options)
def test_windows_equal_the_reference(records: list[Record], options: DeriveOptions) -> None:
    _check(records, options)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records=_records(st.integers(0, 200), patients=PATIENTS[:4], min_size=8), options=cap_options)
def test_the_cap_equals_the_reference(records: list[Record], options: DeriveOptions) -> None:
    _check(records, options)


# One patient's contacts (provider, day after 1 Jan 2024) → the ties: each line a boundary of the
# documented definitions (day 365 is 31 Dec 2024, day 366 is 1 Jan 2025).
BOUNDARIES: list[tuple[str, int, str, list[tuple[str, int]], list[tuple[str, str]]]] = [
    ("30", 30, "none", [("A", 0), ("B", 30)], [("A", "B")]),
    ("30", 30, "none", [("A", 0), ("B", 31)], []),
    ("90", 30, "none", [("A", 0), ("B", 90)], [("A", "B")]),
    ("90", 30, "none", [("A", 0), ("B", 91)], []),
    ("180", 30, "none", [("A", 0), ("B", 180)], [("A", "B")]),
    ("180", 30, "none", [("A", 0), ("B", 181)], []),
    ("60", 30, "none", [("A", 60), ("B", 0)], [("A", "B")]),
    ("60", 30, "sequence", [("A", 60), ("B", 0)], [("B", "A")]),
    ("60", 30, "sequence", [("A", 61), ("B", 0)], []),
    ("60", 30, "sequence", [("A", 5), ("B", 5)], [("A", "B"), ("B", "A")]),  # the same day counts both ways
    ("30", 30, "sequence", [("B", 0), ("A", 100), ("B", 110)], [("A", "B")]),  # in a day window: any visit pair
    ("year", 30, "none", [("A", 0), ("B", 365)], [("A", "B")]),
    ("year", 30, "none", [("A", 365), ("B", 366)], []),
    ("year", 30, "sequence", [("B", 10), ("A", 20), ("B", 30)], [("B", "A")]),  # who came first in the year
    ("episode", 30, "none", [("A", 0), ("B", 29)], [("A", "B")]),
    ("episode", 30, "none", [("A", 0), ("B", 30)], []),
    ("episode", 1, "none", [("A", 0), ("B", 0)], [("A", "B")]),
    ("episode", 1, "none", [("A", 0), ("B", 1)], []),
    ("episode", 30, "none", [("A", 0), ("C", 20), ("B", 40)], [("A", "B"), ("A", "C"), ("B", "C")]),  # a chain
    ("episode", 30, "sequence", [("B", 0), ("A", 300), ("B", 310)], [("A", "B")]),  # B alone in the 1st episode
]


@pytest.mark.parametrize(("window", "gap", "direction", "contacts", "ties"), BOUNDARIES)
def test_window_boundaries(tmp_path: Path, window: str, gap: int, direction: str, contacts: list[tuple[str, int]],
                           ties: list[tuple[str, str]]) -> None:
    records: list[Record] = [("p", provider, START + dt.timedelta(day)) for provider, day in contacts]
    options = DeriveOptions(window=window, episode_gap=gap, direction=direction, **OPEN)  # type: ignore[arg-type]
    assert sorted(construct(records, options).ties) == ties  # the reference reads the definitions so
    result = derive(write_records(tmp_path / "recs.csv", records), options=options)
    assert list(zip(result.ties["source"], result.ties["target"], strict=True)) == ties


def test_reference_on_a_larger_fixed_set() -> None:
    """Many patients, every option at once (a property example is small): sampled cap, sequence, episode."""
    rng = random.Random(16)
    records: list[Record] = [(f"pat{rng.randrange(60)}", f"prov{rng.randrange(12)}",
                              START + dt.timedelta(rng.randrange(730))) for _ in range(600)]
    with tempfile.TemporaryDirectory(prefix="carenet-derive-test-") as tmp:
        path = write_records(Path(tmp) / "recs.csv", records)
        for options in (DeriveOptions(min_shared=2, suppress_below=2, window="episode", episode_gap=60,
                                      direction="sequence", weight="newman", max_providers=4, seed=3,
                                      care_density=True),
                        DeriveOptions(min_shared=1, suppress_below=3, window="90", weight="jaccard",
                                      max_providers=6, over_cap="drop", care_density=True),
                        DeriveOptions(min_shared=3, suppress_below=1, care_density=True)):
            result = derive(path, options=options)
            assert len(result.ties) > 5, options  # the comparison must cover ties
            _compare(result, records, options)


def test_sampling_keeps_the_md5_smallest_providers(tmp_path: Path) -> None:
    """One patient with six providers, cap 3: the kept three are the documented MD5 order's first."""
    from tests.derive.reference import md5_rank

    providers = list("ABCDEF")
    records: list[Record] = [("solo", p, START) for p in providers]
    path = write_records(tmp_path / "recs.csv", records)
    for seed in (0, 1, 7):
        ranks = {p: md5_rank("solo", p, seed) for p in providers}
        kept = sorted(sorted(providers, key=ranks.__getitem__)[:3])
        result = derive(path, max_providers=3, seed=seed, **OPEN)
        assert list(result.actors.index) == kept, seed
        assert len(result.ties) == 3
        dropped = derive(path, max_providers=3, over_cap="drop", **OPEN)
        assert dropped.ties.empty and dropped.actors.empty


# -- byte-identical outputs ------------------------------------------------------------------------
def _many_records(count: int = 3000) -> list[Record]:
    rng = random.Random(2024)
    return [(f"pat{rng.randrange(400)}", f"prov{rng.randrange(25)}", START + dt.timedelta(rng.randrange(730)))
            for _ in range(count)]


# The summary of care density is left to its own test below (a core bug makes it depend on row order).
SUMMARY = "derive/care_density.csv"
NETWORK_FILES = ("actors.csv", "ties.csv", "parquet/actors.parquet", "parquet/ties.parquet",
                 "derive/care_density_patients.parquet")


def _without_summary(files: dict[str, bytes]) -> dict[str, bytes]:
    assert SUMMARY in files
    return {name: data for name, data in files.items() if name != SUMMARY}


def test_row_order_and_files_do_not_change_the_outputs(tmp_path: Path) -> None:
    records = _many_records()
    shuffled = list(records)
    random.Random(5).shuffle(shuffled)
    key = load_or_create_key(tmp_path / "keys" / "carenet.key")  # and the per-patient care density
    choices: dict[str, Any] = {"min_shared": 3, "suppress_below": 3, "care_density": True, "weight": "newman",
                               "threads": 2, "key": key}
    derive(write_records(tmp_path / "a" / "recs.csv", records), tmp_path / "one", **choices)
    derive(write_records(tmp_path / "b" / "recs.csv", shuffled), tmp_path / "shuffled", **choices)
    half = len(shuffled) // 2
    split = [write_records(tmp_path / "c" / "part1.csv", shuffled[half:]),
             write_parquet(tmp_path / "c" / "part2.parquet", shuffled[:half])]
    derive(split, tmp_path / "split", **choices)
    derive(write_records(tmp_path / "a" / "recs.csv", records), tmp_path / "again", **choices)
    one = _without_summary(output_files(tmp_path / "one"))
    assert _without_summary(output_files(tmp_path / "again")) == one  # derive.json and validation.json included
    assert len(read_csv(tmp_path / "one" / "ties.csv")) > 50
    assert _without_summary(output_files(tmp_path / "shuffled")) == one
    split_files = _without_summary(output_files(tmp_path / "split"))
    assert set(split_files) == set(one)
    for name in NETWORK_FILES:
        assert split_files[name] == one[name], name
    # derive.json differs only in the number of files read (two instead of one).
    split_record = json.loads(split_files["derive/derive.json"])
    one_record = json.loads(one["derive/derive.json"])
    assert split_record["counts"].pop("files") == 2 and one_record["counts"].pop("files") == 1
    assert split_record == one_record


def test_care_density_summary_does_not_depend_on_row_order(tmp_path: Path) -> None:
    records = _many_records()
    path = write_records(tmp_path / "recs.csv", records)
    first = derive(path, tmp_path / "one", min_shared=3, suppress_below=3, care_density=True, threads=1)
    assert first.care_density is not None and len(first.care_density) > 5
    summary = (tmp_path / "one" / SUMMARY).read_bytes()
    for seed in (5, 6, 7):
        shuffled = list(records)
        random.Random(seed).shuffle(shuffled)
        out = tmp_path / f"shuffled{seed}"
        derive(write_records(tmp_path / f"recs{seed}.csv", shuffled), out, min_shared=3, suppress_below=3,
               care_density=True, threads=1)
        assert (out / SUMMARY).read_bytes() == summary, seed


# -- row accounting -------------------------------------------------------------------------------
# Rows as a spreadsheet shows them: the header is row 1, so the first record is row 2.
BAD_ROWS: list[tuple[object, ...]] = [
    ("p1", "A", "2024-01-01"),  # 2
    ("", "A", "2024-01-02"),  # 3: missing patient
    ("p2", "", "2024-01-03"),  # 4: missing provider
    ("p3", "B", ""),  # 5: missing date
    ("p4", "B", "2024-02-30"),  # 6: unreadable date
    ("", "", ""),  # 7: missing patient (the first problem of the row is reported)
    ("  ", "A", "2024-01-01"),  # 8: a patient of spaces is missing
    *[("p5", "", "2024-01-01")] * 25,  # 9–33: missing provider
    ("p6", "C", "not a date"),  # 34: unreadable date
    ("p1", "B", "2024-03-01"),  # 35
    ("p6", "B", "2024-03-01"),  # 36
]
EXPECTED_PROBLEMS = {
    "record.missing_patient": (3, (3, 7, 8), "A"),
    "record.missing_provider": (26, (4, *range(9, 28)), "B"),
    "record.missing_date": (1, (5,), "C"),
    "record.bad_date": (2, (6, 34), "C"),
}


def _check_accounting(result: DeriveResult, out: Path) -> None:
    counts = result.record["counts"]
    assert counts["rows_read"] == 35 and counts["rows_used"] == 3
    assert counts["rows_rejected"] == {rule: count for rule, (count, _, _) in sorted(EXPECTED_PROBLEMS.items())}
    assert counts["rows_read"] == counts["rows_used"] + sum(counts["rows_rejected"].values())
    accounting = result.report.accounting
    assert (accounting.rows_read, accounting.tie_rows, accounting.rows_rejected) == (35, 3, 32)
    found = {p.rule: (p.count, p.rows, p.column_letter) for p in result.report.problems if p.severity == "error"}
    assert found == EXPECTED_PROBLEMS
    assert all(p.rejected and p.row == p.rows[0] for p in result.report.problems if p.severity == "error")
    written = json.loads((out / "derive" / "validation.json").read_text(encoding="utf-8"))
    assert written["accounting"]["balanced"] is True and written["accounting"]["rows_rejected"] == 32
    assert {p["rule"]: (p["count"], tuple(p["rows"]), p["column_letter"]) for p in written["problems"]} == \
        EXPECTED_PROBLEMS
    # The rows used: p1 with A (row 2) and B (row 35), p6 with B (row 36; its row 34 was rejected).
    assert result.ties[["source", "target", "shared_patients"]].values.tolist() == [["A", "B", 1]]


def test_row_accounting_csv(tmp_path: Path) -> None:
    path = write_records(tmp_path / "recs.csv", BAD_ROWS)
    result = derive(path, tmp_path / "out", **OPEN)
    _check_accounting(result, tmp_path / "out")


def test_row_accounting_parquet(tmp_path: Path) -> None:
    rows = [tuple(None if c == "" else c for c in row) for row in BAD_ROWS]
    path = write_parquet(tmp_path / "recs.parquet", rows)
    result = derive(path, tmp_path / "out", **OPEN)
    _check_accounting(result, tmp_path / "out")


def test_row_accounting_parquet_counts(tmp_path: Path) -> None:
    """What holds for Parquet whatever the row numbering: counts, rules, columns and the 20 listed rows."""
    rows = [tuple(None if c == "" else c for c in row) for row in BAD_ROWS]
    result = derive(write_parquet(tmp_path / "recs.parquet", rows), **OPEN)
    found = {p.rule: (p.count, len(p.rows), p.column_letter) for p in result.report.problems}
    assert found == {rule: (count, len(listed), letter) for rule, (count, listed, letter) in EXPECTED_PROBLEMS.items()}
    assert result.record["counts"]["rows_read"] == 35 and result.record["counts"]["rows_used"] == 3


def test_rows_after_a_blank_line_keep_their_spreadsheet_number(tmp_path: Path) -> None:
    path = tmp_path / "recs.csv"
    path.write_text("patient,provider,date\np1,A,2024-01-01\n\np2,,2024-01-01\n,,\np1,B,2024-01-02\n",
                    encoding="utf-8")
    result = derive(path, **OPEN)
    assert result.record["counts"]["rows_used"] == 2
    assert {p.rule: p.rows for p in result.report.problems} == {
        "record.missing_provider": (4,), "record.missing_patient": (5,)}


def test_rows_of_two_files_are_located_in_their_file(tmp_path: Path) -> None:
    first = write_records(tmp_path / "a.csv", [("p1", "A", "2024-01-01"), ("p2", "", "2024-01-01")])
    second = write_records(tmp_path / "b.csv", [("p1", "B", "2024-01-01"), ("p2", "B", "2024-01-01"),
                                                ("p3", "", "2024-01-01")])
    result = derive([first, second], **OPEN)
    found = sorted((Path(p.file or "").name, p.rows, p.count) for p in result.report.problems)
    assert found == [("a.csv", (3,), 1), ("b.csv", (4,), 1)]
    assert result.record["counts"]["rows_read"] == 5 and result.record["counts"]["rows_used"] == 3


# -- privacy --------------------------------------------------------------------------------------
SECRET_PATIENTS = ("PATIENT-SECRET-123", "PATIENT-SECRET-456", "PATIENT-SECRET-789", "Erika Mustermann 1961")


@pytest.mark.parametrize("keyed", [False, True])
def test_no_patient_id_reaches_any_output(tmp_path: Path, keyed: bool) -> None:
    records: list[tuple[str, str, object]] = [(patient, provider, START + dt.timedelta(i))
                                              for i, patient in enumerate(SECRET_PATIENTS) for provider in "ABC"]
    records.append(("PATIENT-SECRET-000", "", "2024-01-01"))  # a rejected row names no patient either
    path = write_records(tmp_path / "recs.csv", records)
    parquet = write_parquet(tmp_path / "more.parquet", [("PATIENT-SECRET-PQ", "A", START),
                                                        ("PATIENT-SECRET-PQ", "C", START)])
    out = tmp_path / "out"
    key = load_or_create_key(tmp_path / "keys" / "carenet.key") if keyed else None
    result = derive([path, parquet], out, care_density=True, key=key, **OPEN)
    text = all_text(out)
    assert "shared_patients" in text and "care_density" in text  # the search does see the outputs
    for secret in (*SECRET_PATIENTS, "PATIENT-SECRET-000", "PATIENT-SECRET-PQ", "SECRET", "Mustermann"):
        assert secret not in text, secret
    assert (out / "derive" / "care_density_patients.parquet").exists() == keyed
    assert (result.care_density_patients is not None) == keyed


def test_care_density_per_patient_under_a_keyed_code(tmp_path: Path) -> None:
    """With a key, each patient's care density (the reference's) under its record code, never its id."""
    from carenet_graph.privacy import record_code

    rng = random.Random(3)
    records: list[Record] = [(f"PAT-{rng.randrange(30)}", f"prov{rng.randrange(8)}",
                              START + dt.timedelta(rng.randrange(400))) for _ in range(150)]
    key = load_or_create_key(tmp_path / "keys" / "carenet.key")
    options = DeriveOptions(window="90", direction="sequence", care_density=True, **OPEN)
    out = tmp_path / "out"
    result = derive(write_records(tmp_path / "recs.csv", records), out, options=options, key=key)
    expected = construct(records, options).density
    frame = result.care_density_patients
    assert frame is not None and list(frame.columns) == ["patient", "providers", "care_density"]
    assert list(frame["patient"]) == sorted(record_code(p, key) for p in expected)
    code_of = {record_code(p, key): p for p in expected}
    for row in frame.itertuples(index=False):
        k, value = expected[code_of[str(row.patient)]]
        assert row.providers == k and row.care_density == pytest.approx(float(value), abs=1e-9)
    written = read_parquet(out / "derive" / "care_density_patients.parquet")
    assert written.to_dict("list") == frame.to_dict("list")
    assert result.record["care_density_per_patient"] is True
    assert "PAT-" not in all_text(out)


def test_suppression_hides_small_ties_and_counts(tmp_path: Path) -> None:
    # A–B share 4 patients, B–C 2, A–C 1; provider D has 1 patient (with A).
    records: list[Record] = []
    for i in range(4):
        records += [(f"ab{i}", "A", START), (f"ab{i}", "B", START)]
    for i in range(2):
        records += [(f"bc{i}", "B", START), (f"bc{i}", "C", START)]
    records += [("ac", "A", START), ("ac", "C", START), ("d", "D", START), ("d", "A", START)]
    path = write_records(tmp_path / "recs.csv", records)
    out = tmp_path / "out"
    result = derive(path, out, min_shared=1, suppress_below=3, care_density=True)
    assert result.record["choices"]["threshold"] == 3
    ties = read_csv(out / "ties.csv")
    assert [(t["source"], t["target"], t["shared_patients"]) for t in ties] == [("A", "B", "4")]
    assert read_parquet(out / "parquet" / "ties.parquet")["shared_patients"].tolist() == [4]
    # Patients: A 6, B 6, C 3, D 1 → D's count is empty; C's exactly at the limit is written.
    assert [(a["id"], a["patients"]) for a in read_csv(out / "actors.csv")] == [
        ("A", "6"), ("B", "6"), ("C", "3"), ("D", "")]
    parquet_actors = read_parquet(out / "parquet" / "actors.parquet")
    assert parquet_actors["patients"].isna().tolist() == [False, False, False, True]
    # Care density: 8 patients with k = 2: one group of 8, written; no group below 3.
    density = read_csv(out / "derive" / "care_density.csv")
    assert [(d["providers"], d["patients"]) for d in density] == [("2", "8")]
    counts = derive(path, min_shared=1, suppress_below=9).record["counts"]
    assert counts["patients"] is None and counts["patients_with_two_or_more_providers"] is None  # 8 < 9


def test_small_care_density_groups_are_folded(tmp_path: Path) -> None:
    # k = 2: 2 patients, k = 3: 1 patient, k = 4: 3 patients; suppress_below 3 →
    # 2 + 1 = 3 patients "2-3", then 3 patients "4".
    records: list[Record] = []
    for i in range(2):
        records += [(f"two{i}", p, START) for p in "AB"]
    records += [("three", p, START) for p in "ABC"]
    for i in range(3):
        records += [(f"four{i}", p, START) for p in "ABCD"]
    result = derive(write_records(tmp_path / "recs.csv", records), min_shared=1, suppress_below=3,
                    care_density=True)
    assert result.care_density is not None
    assert result.care_density[["providers", "patients"]].values.tolist() == [["2-3", 3], ["4", 3]]
    expected = construct(records, DeriveOptions(min_shared=1, suppress_below=3, care_density=True)).summary
    assert result.care_density.to_dict("records") == expected
    few = derive(write_records(tmp_path / "few.csv", records[:4]), min_shared=1, suppress_below=3,
                 care_density=True)
    assert few.care_density is not None and few.care_density.empty  # 2 patients: no group reaches 3


def test_a_key_hides_provider_ids_and_names_and_is_stable(tmp_path: Path) -> None:
    providers = {"LANR-111111": "Praxis Dr. Geheimnis", "LANR-222222": "Hospiz Verborgenheit",
                 "LANR-333333": "Pflegedienst Unsichtbar"}
    records = [(f"pat{i}", provider, START) for i in range(4) for provider in providers]
    path = write_records(tmp_path / "recs.csv", records)
    table = tmp_path / "providers.csv"
    table.write_text("id,name,type\n" + "".join(f"{i},{n},Hausarzt\n" for i, n in providers.items()), encoding="utf-8")
    key = load_or_create_key(tmp_path / "keys" / "carenet.key")
    runs = []
    for name in ("first", "second"):
        result = derive(path, tmp_path / name, providers=table, key=key, **OPEN)
        text = all_text(tmp_path / name)
        for secret in (*providers, *providers.values(), "111111", "Geheimnis", "Verborgenheit", "Unsichtbar"):
            assert secret not in text, secret
        assert result.record["pseudonymised"] is True
        runs.append(output_files(tmp_path / name))
    assert runs[0] == runs[1]
    actors = read_csv(tmp_path / "first" / "actors.csv")
    assert len(actors) == 3 and all(a["id"] == a["name"] and a["id"].startswith("Provider ") for a in actors)
    assert {a["type"] for a in actors} == {"general_practitioner"}
    assert len(read_csv(tmp_path / "first" / "ties.csv")) == 3
    other = derive(path, None, key=load_or_create_key(tmp_path / "keys" / "other.key"), **OPEN)
    assert set(other.actors.index).isdisjoint(a["id"] for a in actors)  # another key, other codes


# -- date formats ---------------------------------------------------------------------------------
# p1: A and B 20 days apart (a tie with --window 30); p2: A and B 40 days apart (no tie); p3 across the
# turn of the year, 15 days apart (a tie with --window 30, none with --window year).
DATED: list[Record] = [
    ("p1", "A", dt.date(2024, 3, 4)), ("p1", "B", dt.date(2024, 3, 24)),
    ("p2", "A", dt.date(2024, 6, 13)), ("p2", "B", dt.date(2024, 7, 23)),
    ("p3", "A", dt.date(2024, 12, 31)), ("p3", "B", dt.date(2025, 1, 15)),
]


@pytest.mark.parametrize("date_format", ["%Y-%m-%d", "%d.%m.%Y", "%Y%m%d", "%m/%d/%Y", "%d/%m/%Y", "%d-%m-%Y"])
def test_date_formats(tmp_path: Path, date_format: str) -> None:
    path = write_records(tmp_path / "recs.csv", DATED, date_format=date_format)
    within = derive(path, window="30", **OPEN)
    assert within.ties[["source", "target", "shared_patients"]].values.tolist() == [["A", "B", 2]]
    yearly = derive(path, window="year", **OPEN)
    assert yearly.ties[["source", "target", "shared_patients"]].values.tolist() == [["A", "B", 2]]  # p1, p2
    assert within.record["counts"]["rows_used"] == 6
    assert not within.report.errors and not within.report.warnings


def test_american_dates_are_recognised_by_a_day_above_12(tmp_path: Path) -> None:
    # 03/04/2024 alone could be either; 03/20/2024 and 12/31/2024 can only be month first.
    rows = [("p1", "A", "03/04/2024"), ("p1", "B", "03/20/2024"), ("p2", "A", "12/31/2024"),
            ("p2", "B", "01/15/2025")]
    path = write_records(tmp_path / "recs.csv", rows)
    within = derive(path, window="30", **OPEN)  # 4 → 20 March (16 days), 31 Dec → 15 Jan (15 days)
    assert within.ties["shared_patients"].tolist() == [2] and not within.report.problems
    assert derive(path, window="year", **OPEN).ties["shared_patients"].tolist() == [1]


def test_ambiguous_slash_dates_are_read_day_first_with_a_note(tmp_path: Path) -> None:
    # Day first: 3 April and 5 April (2 days apart); month first they would be 4 March and 4 May.
    path = write_records(tmp_path / "recs.csv", [("p1", "A", "03/04/2024"), ("p1", "B", "05/04/2024")])
    result = derive(path, tmp_path / "out", window="30", **OPEN)
    assert result.ties["shared_patients"].tolist() == [1]
    notes = [(p.rule, p.severity, p.column_letter) for p in result.report.problems]
    assert notes == [("value.date_day_first", "info", "C")]
    written = json.loads((tmp_path / "out" / "derive" / "validation.json").read_text(encoding="utf-8"))
    assert [p["rule"] for p in written["problems"]] == ["value.date_day_first"]


@pytest.mark.parametrize("typed", [True, False])
def test_parquet_dates_typed_or_text(tmp_path: Path, typed: bool) -> None:
    path = write_parquet(tmp_path / "recs.parquet", DATED, typed_dates=typed)
    within = derive(path, window="30", **OPEN)
    assert within.ties[["source", "target", "shared_patients"]].values.tolist() == [["A", "B", 2]]
    assert derive(path, window="year", **OPEN).ties["shared_patients"].tolist() == [2]
    assert not within.report.problems


def test_a_timestamp_column_is_read_as_dates(tmp_path: Path) -> None:
    path = tmp_path / "recs.parquet"
    with duckdb.connect(":memory:") as con:
        con.execute(f"COPY (SELECT * FROM (VALUES ('p1', 'A', TIMESTAMP '2024-03-04 23:59:00'), "
                    f"('p1', 'B', TIMESTAMP '2024-04-03 00:01:00')) AS t(patient, provider, date)) "
                    f"TO '{path}' (FORMAT parquet)")
    assert derive(path, window="30", **OPEN).ties["shared_patients"].tolist() == [1]  # 30 days apart


# -- column recognition ---------------------------------------------------------------------------
@pytest.mark.parametrize(("header", "delimiter", "date_format"), [
    (("Versicherter", "LANR", "Behandlungsdatum"), ";", "%d.%m.%Y"),
    (("Patiënt", "Zorgverlener", "Behandeldatum"), ";", "%d-%m-%Y"),
    (("Cliënt", "AGB-code", "Declaratiedatum"), ",", "%Y-%m-%d"),
    (("Löpnummer patient", "Vårdgivare", "Besöksdatum"), ";", "%Y-%m-%d"),
    (("lopnr", "HSA-id", "Vårdkontaktdatum"), "\t", "%Y-%m-%d"),
    (("bene_id", "npi", "service_date"), ",", "%Y%m%d"),
])
def test_column_names_in_other_languages(tmp_path: Path, header: tuple[str, str, str], delimiter: str,
                                         date_format: str) -> None:
    english = derive(write_records(tmp_path / "en.csv", EXAMPLE), **OPEN)
    path = write_records(tmp_path / "recs.csv", EXAMPLE, header=header, delimiter=delimiter, date_format=date_format)
    other = derive(path, **OPEN)
    assert other.ties.equals(english.ties) and other.actors.equals(english.actors)
    assert other.record["counts"]["rows_used"] == 7 and not other.report.problems


def test_columns_in_another_order_with_extra_columns(tmp_path: Path) -> None:
    rows = [(day, "x", provider, patient) for patient, provider, day in EXAMPLE]
    path = write_records(tmp_path / "recs.csv", rows, header=("Datum", "Bemerkung", "Arzt", "Patient"))
    assert derive(path, **OPEN).ties.equals(derive(write_records(tmp_path / "en.csv", EXAMPLE), **OPEN).ties)


def test_a_missing_date_column_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "recs.csv"
    path.write_text("patient,provider,remark\np1,A,x\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        derive(path, tmp_path / "out")
    error = caught.value
    assert error.key == "derive.missing_columns"
    assert error.values["columns"] == "date"
    assert error.file == str(path)
    assert error.message == "no date column was recognised (the file needs patient, provider, date)"
    assert str(error) == (
        f"{path}: no date column was recognised (the file needs patient, provider, date)\n"
        "  How to fix: Name the columns patient, provider, date, or use one of their usual names (Versicherter, "
        "LANR, Behandlungsdatum; patiënt, AGB, datum; patient, vårdgivare, besöksdatum; npi1, npi2, bene_count).")
    assert not (tmp_path / "out").exists()


# -- published pairs ------------------------------------------------------------------------------
NPI1, NPI2, NPI3 = "1111111111", "2222222222", "3333333333"
# (from, to, pair_count, patients): 1 → 2 with 20 patients, 2 → 1 with 15, 1 → 3 with 5 (below 11), 3 → 2 with 11.
PAIRS = [(NPI1, NPI2, 40, 20), (NPI2, NPI1, 30, 15), (NPI1, NPI3, 12, 5), (NPI3, NPI2, 25, 11)]


def _cms(path: Path, header: bool) -> Path:
    lines = (["npi1,npi2,pair_count,bene_count,same_day_count"] if header else []) + \
        [f"{a},{b},{count},{patients},{patients // 4}" for a, b, count, patients in PAIRS]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _docgraph(path: Path) -> Path:
    lines = ["from_npi,to_npi,patient_count,transaction_count,average_day_wait,std_day_wait"] + \
        [f"{a},{b},{patients},{count},12.5,3.25" for a, b, count, patients in PAIRS]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


PAIR_FILES = {"cms": lambda p: _cms(p / "cms.csv", header=True), "cms_no_header": lambda p: _cms(p / "cms.txt", False),
              "docgraph": lambda p: _docgraph(p / "hop.csv")}


@pytest.mark.parametrize("kind", sorted(PAIR_FILES))
def test_published_pairs(tmp_path: Path, kind: str) -> None:
    path = PAIR_FILES[kind](tmp_path)
    directed = derive(path, tmp_path / "out", direction="sequence")
    assert directed.record["layout"] == "pairs" and directed.record["choices"]["threshold"] == 11
    assert directed.ties[["source", "target", "shared_patients", "pair_count", "level"]].values.tolist() == [
        [NPI1, NPI2, 20, 40, 5], [NPI2, NPI1, 15, 30, 4], [NPI3, NPI2, 11, 25, 2]]
    assert set(directed.ties["direction"]) == {"directed"}
    assert (tmp_path / "out" / "ties.csv").read_text(encoding="utf-8").splitlines() == [
        "source,target,type,direction,level,weight,shared_patients,pair_count",
        f"{NPI1},{NPI2},shared_patients,directed,5,20,20,40",
        f"{NPI2},{NPI1},shared_patients,directed,4,15,15,30",
        f"{NPI3},{NPI2},shared_patients,directed,2,11,11,25"]
    assert read_csv(tmp_path / "out" / "actors.csv") == [{"id": n, "name": n, "patients": ""}
                                                         for n in (NPI1, NPI2, NPI3)]
    merged = derive(path, direction="none")
    # Undirected: 1 – 2 keeps the larger of 20 and 15 (never counting a patient twice); pair counts add up.
    assert merged.ties[["source", "target", "shared_patients", "pair_count", "level"]].values.tolist() == [
        [NPI1, NPI2, 20, 70, 5], [NPI2, NPI3, 11, 25, 3]]
    assert set(merged.ties["direction"]) == {"undirected"}
    low = derive(path, direction="sequence", min_shared=5, suppress_below=5)
    assert len(low.ties) == 4 and low.record["counts"]["rows_used"] == 4
    high = derive(path, direction="none", min_shared=16)
    assert high.ties[["source", "target"]].values.tolist() == [[NPI1, NPI2]]
    for choices in ({"weight": "newman"}, {"weight": "jaccard"}, {"care_density": True}):
        with pytest.raises(OptionError) as caught:
            derive(path, **choices)
        assert caught.value.key == "derive.pairs_only_count"


def test_pairs_rows_with_problems_are_accounted(tmp_path: Path) -> None:
    path = tmp_path / "cms.csv"
    path.write_text("npi1,npi2,pair_count,bene_count,same_day_count\n"
                    f"{NPI1},{NPI2},40,20,3\n{NPI1},{NPI1},40,20,3\n{NPI1},,40,20,3\n{NPI2},{NPI3},40,many,3\n",
                    encoding="utf-8")
    result = derive(path, **OPEN)
    assert {p.rule: (p.count, p.rows) for p in result.report.problems} == {
        "record.same_provider": (1, (3,)), "record.missing_provider": (1, (4,)), "record.bad_count": (1, (5,))}
    assert result.record["counts"]["rows_read"] == 4 and result.record["counts"]["rows_used"] == 1


def test_records_and_pairs_are_not_mixed(tmp_path: Path) -> None:
    records = write_records(tmp_path / "recs.csv", EXAMPLE)
    with pytest.raises(InputError) as caught:
        derive([records, _cms(tmp_path / "cms.csv", header=True)])
    assert caught.value.key == "derive.mixed_layouts"


# -- the written folder is an input of the other commands ----------------------------------------
@pytest.mark.parametrize("direction", ["none", "sequence"])
def test_the_written_folder_is_read_and_analysed(tmp_path: Path, direction: str) -> None:
    out = tmp_path / "out"
    result = derive(write_records(tmp_path / "recs.csv", EXAMPLE), out, direction=direction, **OPEN)
    data = carenet_graph.read_network([out])
    assert not data.report.errors, data.report.summary()
    assert sorted(data.actors.index) == ["A", "B", "C"]
    graph = carenet_graph.to_graph(data)
    edges = sorted((u, v, d["level"], float(d["weight"])) for u, v, d in graph.edges(data=True))
    assert edges == sorted(zip(result.ties["source"], result.ties["target"], result.ties["level"],
                               result.ties["weight"].astype(float), strict=True))
    assert len(edges) == 3  # in sequence: A → B, A → C, B → C (every patient saw them in that order)
    analysis = carenet_graph.analyze(graph)
    assert (analysis.network.actors, analysis.network.ties) == (3, 3)
    # The analysis uses the level as strength: A 5 + 2, B 5 + 5, C 2 + 5.
    assert analysis.actors["strength"].to_dict() == {"A": 7, "B": 10, "C": 7}


def test_options_are_checked() -> None:
    for choices in ({"window": "7"}, {"weight": "sum"}, {"min_shared": 0}, {"max_providers": 1},
                    {"suppress_below": 0}, {"over_cap": "keep"}):
        with pytest.raises(OptionError):
            DeriveOptions(**choices)


def test_nothing_is_written_without_an_output_folder(tmp_path: Path) -> None:
    result = derive(write_records(tmp_path / "recs.csv", EXAMPLE), **OPEN)
    assert result.files == () and sorted(p.name for p in tmp_path.iterdir()) == ["recs.csv"]
    assert math.isclose(float(result.ties["jaccard"].iloc[0]), 2 / 3, abs_tol=1e-9)
