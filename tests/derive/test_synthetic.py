"""The synthetic records of the derive scale benchmark (``benchmarks/records_synthetic.py``).

The benchmark's figures are only comparable across runs and machines while the generator
writes the same records for a seed: these tests pin its output on small sizes (exact counts,
byte-identical files) and check the properties the benchmark relies on (exact row count,
sorted by patient, every provider in the providers table, a heavy tail of providers per
patient, two calendar years, regions and specialties).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[2]


def _module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("records_synthetic", ROOT / "benchmarks" / "records_synthetic.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


synthetic = _module()
RECORDS = 20_000


def _sql(query: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(":memory:") as con:
        return con.execute(query).fetchall()


def _rows(folder: Path, fmt: str = "parquet") -> list[tuple[Any, ...]]:
    """Every record in file order (file name, then position in the file)."""
    if fmt == "parquet":
        scan = f"read_parquet('{folder}/records/*.parquet', filename = true, file_row_number = true)"
        order = "filename, file_row_number"
    else:
        scan = (f"read_csv('{folder}/records/*.csv', filename = true, header = true, "
                "columns = {'patient': 'BIGINT', 'provider': 'BIGINT', 'date': 'DATE'})")
        order = "filename"  # one CSV file: read in order with one thread
    with duckdb.connect(":memory:") as con:
        con.execute("SET threads = 1")
        return con.execute(f"SELECT patient, provider, date FROM {scan} ORDER BY {order}").fetchall()


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("synthetic") / "a"
    synthetic.generate(RECORDS, folder, seed=1)
    return folder


def test_same_seed_same_bytes(small: Path, tmp_path: Path) -> None:
    again = synthetic.generate(RECORDS, tmp_path / "b", seed=1)
    names = sorted(p.relative_to(small) for p in small.rglob("*") if p.is_file() and p.name != "synthetic.json")
    assert names == [Path("providers/providers.csv"), Path("providers/providers.parquet"),
                     Path("records/part-000.parquet")]
    for name in names:
        assert (tmp_path / "b" / name).read_bytes() == (small / name).read_bytes(), name
    assert again.files == (tmp_path / "b" / "records" / "part-000.parquet",)


def test_another_seed_other_records(small: Path, tmp_path: Path) -> None:
    other = synthetic.generate(RECORDS, tmp_path / "c", seed=2)
    assert other.records == RECORDS
    first, second = _rows(small), _rows(tmp_path / "c")
    assert len(second) == RECORDS
    same = sum(a == b for a, b in zip(first, second, strict=True))
    assert same < RECORDS // 100


def test_counts_are_exact_and_pinned(small: Path) -> None:
    # Pinned: a change of these is a change of the benchmark's data (say so in its figures).
    result = _sql(f"SELECT COUNT(*), COUNT(DISTINCT patient), COUNT(DISTINCT provider), MIN(date), MAX(date) "
                  f"FROM '{small}/records/*.parquet'")
    assert result == [(RECORDS, 4122, 990, *_sql("SELECT DATE '2023-01-01', DATE '2024-12-31'")[0])]
    assert _sql(f"SELECT COUNT(*) FROM '{small}/providers/providers.parquet'") == [(991,)]


@pytest.mark.parametrize("records", [1, 7, 4_321])
def test_record_count_exact(records: int, tmp_path: Path) -> None:
    result = synthetic.generate(records, tmp_path, seed=3)
    assert result.records == records
    assert len(_rows(tmp_path)) == records


def test_every_provider_in_the_providers_table(small: Path) -> None:
    missing = _sql(f"SELECT COUNT(*) FROM (SELECT DISTINCT provider FROM '{small}/records/*.parquet') AS r "
                   f"ANTI JOIN '{small}/providers/providers.parquet' AS p USING (provider)")
    assert missing == [(0,)]
    columns = _sql(f"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM "
                   f"'{small}/providers/providers.parquet')")
    assert columns == [("provider", "BIGINT"), ("specialty", "VARCHAR"), ("municipality", "VARCHAR"),
                       ("region", "VARCHAR")]
    csv_rows = _sql(f"SELECT COUNT(*) FROM read_csv('{small}/providers/providers.csv', header = true)")
    assert csv_rows == [(991,)]


def test_heavy_tail_of_providers_per_patient(small: Path) -> None:
    k = _sql(f"SELECT MEDIAN(k), MAX(k), AVG(CASE WHEN k <= 4 THEN 1 ELSE 0 END) FROM (SELECT patient, "
             f"COUNT(DISTINCT provider) AS k FROM '{small}/records/*.parquet' GROUP BY patient)")
    median, largest, up_to_four = k[0]
    assert median == 2
    assert largest == 75  # pinned
    assert largest >= 5 * median
    assert 0.75 < up_to_four < 0.9


def test_sorted_by_patient_then_date(small: Path) -> None:
    rows = _rows(small)
    assert rows == sorted(rows, key=lambda r: (r[0], r[2]))


def test_rows_do_not_depend_on_the_number_of_files(tmp_path: Path) -> None:
    # 400,000 records are two blocks of patients: two files, cut between two patients.
    one = synthetic.generate(400_000, tmp_path / "one", seed=4, files=1)
    three = synthetic.generate(400_000, tmp_path / "three", seed=4, files=3)
    assert len(one.files) == 1 and len(three.files) == 2
    assert _rows(tmp_path / "one") == _rows(tmp_path / "three")
    last = _sql(f"SELECT MAX(patient) FROM '{three.files[0]}'")[0][0]
    first = _sql(f"SELECT MIN(patient) FROM '{three.files[1]}'")[0][0]
    assert last < first
    assert one.patients == three.patients == _sql(f"SELECT COUNT(DISTINCT patient) FROM "
                                                   f"'{tmp_path}/one/records/*.parquet'")[0][0]


def test_csv_holds_the_same_records(small: Path, tmp_path: Path) -> None:
    synthetic.generate(RECORDS, tmp_path, seed=1, fmt="csv")
    assert _rows(tmp_path, "csv") == _rows(small)
    header = (tmp_path / "records" / "part-000.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == "patient,provider,date"


def test_regions_grow_with_the_records() -> None:
    # Regions keep their size: 80 M records are 50 regions (as issue 16's scale), 8 M are 5.
    assert [synthetic.regions_for(n) for n in (20_000, 2_000_000, 8_000_000, 80_000_000)] == [2, 2, 5, 50]


def test_regions_specialties_and_years(small: Path) -> None:
    providers = f"'{small}/providers/providers.parquet'"
    records = f"'{small}/records/*.parquet'"
    specialties = _sql(f"SELECT specialty, COUNT(*) AS n FROM {providers} GROUP BY specialty ORDER BY n DESC, "
                       "specialty")
    assert specialties[0][0] == "general practice"
    assert {s for s, _ in specialties} == set(synthetic.SPECIALTIES)
    # Two regions at this size; only the larger municipalities have providers of their own.
    assert _sql(f"SELECT COUNT(DISTINCT region), COUNT(DISTINCT municipality) FROM {providers}") == [(2, 24)]
    # A few patients see providers in a neighbouring region: not none, not many.
    regions = _sql(f"SELECT AVG(CASE WHEN n > 1 THEN 1 ELSE 0 END) FROM (SELECT r.patient, COUNT(DISTINCT "
                   f"p.region) AS n FROM {records} AS r JOIN {providers} AS p USING (provider) GROUP BY r.patient)")
    assert 0.005 < regions[0][0] < 0.05
    years = _sql(f"SELECT YEAR(date) AS y, COUNT(*) FROM {records} GROUP BY y ORDER BY y")
    assert [y for y, _ in years] == [2023, 2024]
    assert all(n > RECORDS // 3 for _, n in years)
