"""Synthetic patient–provider–date records for the scale benchmark of ``carenet derive`` (issue 16).

A seeded generator of claims-like contacts with the structure that makes the shared-patient
projection hard — heavy tails — and the structure that makes the network realistic — regions:

* **regions and municipalities**: regions of lognormal size (σ = 0.5) on a ring — one per 1.6 M
  records (:func:`regions_for`: 50 at 80 M records, 5 at 8 M), so that more records are more
  regions of the same kind — each with 12 municipalities of Zipf size (1/(j+1)); a region's
  providers are spread over its municipalities in proportion to their population;
* **specialties**: each provider has one (:data:`SPECIALTIES`: general practice the most common,
  then physiotherapy, pharmacy, home nursing, internal medicine, hospital, cardiology, oncology,
  palliative medicine); a patient's first provider is a general practice with probability 0.85,
  the others follow :data:`SPECIALTIES`' contact mix;
* **providers per patient**: k = ⌈exp(N(0.3, 1.15²))⌉ provider draws, at most 120 — a discrete
  lognormal (a provider drawn twice is just another visit): at 8 M records the distinct providers
  per patient have median 2, 83 % of patients have 1–4, the 99th percentile is 20, the largest 120;
* **provider popularity**: within a (region, specialty) block, or within the patient's
  municipality for the local specialties (general practice, pharmacy, home nursing,
  physiotherapy, 85 % of their contacts; 20 % for the others), the provider of rank
  ``⌊m·u^α⌋`` (u uniform, α = 1.5–3 by specialty): a power law in rank, the first
  (city) providers the busiest;
* **neighbouring regions**: 5 % of patients take each provider with probability 0.3 from a
  neighbouring region on the ring;
* **visits and dates**: each (patient, provider) draw has a geometric number of visits (mean
  1.54), on days spread N(0, 50²) around the patient's care episode centre, uniform over
  2023-01-01 … 2024-12-31 (two calendar years, so the ``year`` window splits some patients).

Scale (seed 16): 80 million records are 16.6 million patients and 320,028 providers (one provider
per 250 records), Σ k(k−1)/2 = 196 million patient-pairs — the scale of issue 16's note (79 million
rows → 184 million pairs) — and 590,560 ties of at least 11 shared patients; 8 million records are
1.66 million patients, 31,982 providers and 58,905 ties.

Written: ``DIR/records/part-NNN.parquet`` (or ``.csv``), columns ``patient`` (integer, a register's
running number), ``provider`` (a 10-digit integer, NPI-like), ``date`` — sorted by patient then
date; one patient never spans two files. ``DIR/providers/providers.parquet`` and
``providers.csv``: ``provider, specialty, municipality, region`` for every provider (also those
that the records happen not to use). ``DIR/synthetic.json``: the parameters and counts.
The files hold the same rows for a seed whatever ``files`` (the rows are drawn in fixed blocks
of :data:`BLOCK` patients, each from its own seeded stream).

Run: ``python benchmarks/records_synthetic.py --records 8000000 -o DIR [--seed 16]
[--format parquet|csv] [--files 8] [--providers N]``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

#: Patients drawn together from one seeded stream: the unit of generation and of file splits.
BLOCK = 1 << 16
#: Records per region: regions keep their size as the records grow (a country is more regions of the
#: same kind, not bigger ones), so 80 M records are 50 regions and 8 M are 5.
RECORDS_PER_REGION = 1_600_000
MUNICIPALITIES = 12
#: Records per provider at the default scale (80 M records → 320,000 providers).
RECORDS_PER_PROVIDER = 250
#: The first day (2023-01-01) and the number of days (two calendar years).
FIRST_DAY = "2023-01-01"
DAYS = 731
#: Provider ids are NPI-like 10-digit numbers from here.
PROVIDER_BASE = 1_000_000_000
#: k = ceil(exp(N(K_MU, K_SIGMA²))), at most K_CAP provider draws per patient.
K_MU, K_SIGMA, K_CAP = 0.3, 1.15, 120
#: Visits per (patient, provider) draw: geometric with this success probability (mean 1/p).
VISIT_P = 0.65
#: Spread (days, standard deviation) of a patient's visits around the episode centre.
EPISODE_SD = 50.0
FIRST_GP = 0.85
CROSS_PATIENTS, CROSS_SLOT = 0.05, 0.3

#: name: (share of providers, share of contacts after the first, popularity exponent α, local).
SPECIALTIES: dict[str, tuple[float, float, float, bool]] = {
    "general practice": (0.28, 0.08, 1.6, True),
    "internal medicine": (0.10, 0.14, 2.0, False),
    "cardiology": (0.05, 0.09, 2.5, False),
    "oncology": (0.03, 0.06, 3.0, False),
    "palliative medicine": (0.02, 0.03, 2.0, False),
    "pharmacy": (0.14, 0.24, 1.8, True),
    "home nursing": (0.12, 0.10, 1.8, True),
    "physiotherapy": (0.20, 0.14, 1.5, True),
    "hospital": (0.06, 0.12, 3.0, False),
}
_NAMES = list(SPECIALTIES)
_PROVIDER_SHARE = np.array([v[0] for v in SPECIALTIES.values()])
_CONTACT_MIX = np.array([v[1] for v in SPECIALTIES.values()])
_ALPHA = np.array([v[2] for v in SPECIALTIES.values()])
_LOCAL_P = np.array([0.85 if v[3] else 0.2 for v in SPECIALTIES.values()])
_GP = _NAMES.index("general practice")


@dataclass(frozen=True)
class Synthetic:
    """What :func:`generate` wrote: the records files, the providers table and the counts."""

    records_dir: Path
    providers_file: Path
    files: tuple[Path, ...]
    records: int
    patients: int
    providers: int
    seed: int
    seconds: float


@dataclass(frozen=True)
class _Layout:
    """Providers laid out as (region, specialty, municipality) blocks of consecutive numbers."""

    region_p: np.ndarray  # population share of each region
    municipality_p: np.ndarray  # population share of each municipality within its region
    start: np.ndarray  # [region, specialty, municipality] first provider number
    count: np.ndarray  # [region, specialty, municipality] providers
    block_start: np.ndarray  # [region, specialty] first provider number
    block_count: np.ndarray  # [region, specialty] providers

    @property
    def providers(self) -> int:
        return int(self.count.sum())


def regions_for(records: int) -> int:
    """The default number of regions: one per :data:`RECORDS_PER_REGION` records, at least 2."""
    return max(2, round(records / RECORDS_PER_REGION))


def _layout(providers: int, regions: int, seed: int) -> _Layout:
    rng = np.random.default_rng([seed, 0xA11])
    region_p = rng.lognormal(0.0, 0.5, regions)
    region_p /= region_p.sum()
    municipality_p = 1.0 / np.arange(1, MUNICIPALITIES + 1)
    municipality_p /= municipality_p.sum()
    share = region_p[:, None, None] * _PROVIDER_SHARE[None, :, None] * municipality_p[None, None, :]
    count = np.rint(providers * share).astype(np.int64)
    # Every region has each specialty (in its first municipality, the city, if nowhere else); a
    # municipality without one sends its patients to the region's.
    count[:, :, 0] = np.maximum(count[:, :, 0], 1)
    start = (np.cumsum(count.ravel()) - count.ravel()).reshape(count.shape)
    return _Layout(region_p, municipality_p, start, count, start[:, :, 0].copy(), count.sum(axis=2))


def _shape(seed: int, block: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Provider draws per patient, the specialty and the visits of each draw, of one block."""
    rng = np.random.default_rng([seed, block, 0])
    k = np.minimum(np.ceil(np.exp(rng.normal(K_MU, K_SIGMA, BLOCK))), K_CAP).astype(np.int64)
    slots = int(k.sum())
    specialty = rng.choice(len(_NAMES), size=slots, p=_CONTACT_MIX / _CONTACT_MIX.sum()).astype(np.int64)
    first = np.cumsum(k) - k
    specialty[first] = np.where(rng.random(BLOCK) < FIRST_GP, _GP, specialty[first])
    visits = rng.geometric(VISIT_P, slots).astype(np.int64)
    return k, specialty, visits


def _block(seed: int, block: int, layout: _Layout, rows: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Patient numbers, provider numbers and day offsets of one block's records, sorted by
    patient and day; the first ``rows`` of them (fewer only in the last block)."""
    k, specialty, visits = _shape(seed, block)
    rng = np.random.default_rng([seed, block, 1])
    n = BLOCK
    regions = layout.region_p.size
    home = rng.choice(regions, size=n, p=layout.region_p)
    town = rng.choice(MUNICIPALITIES, size=n, p=layout.municipality_p)
    cross = rng.random(n) < CROSS_PATIENTS
    centre = rng.integers(0, DAYS, n)
    owner = np.repeat(np.arange(n), k)
    slots = owner.size
    # A cross-region patient takes some providers one region along the ring, either way.
    away = cross[owner] & (rng.random(slots) < CROSS_SLOT)
    step = np.where(rng.random(slots) < 0.5, 1, regions - 1)
    region = np.where(away, (home[owner] + step) % regions, home[owner])
    # Away from home the municipality is drawn afresh by population.
    place = np.where(away, rng.choice(MUNICIPALITIES, size=slots, p=layout.municipality_p), town[owner])
    local = (rng.random(slots) < _LOCAL_P[specialty]) & (layout.count[region, specialty, place] > 0)
    base = np.where(local, layout.start[region, specialty, place], layout.block_start[region, specialty])
    size = np.where(local, layout.count[region, specialty, place], layout.block_count[region, specialty])
    rank = np.floor(size * rng.random(slots) ** _ALPHA[specialty]).astype(np.int64)
    provider = base + np.minimum(rank, size - 1)
    row_slot = np.repeat(np.arange(slots), visits)
    patient = owner[row_slot]
    day = np.clip(centre[patient] + np.rint(rng.normal(0.0, EPISODE_SD, row_slot.size)).astype(np.int64), 0, DAYS - 1)
    # Patients are already in order: a stable sort of patient·DAYS + day puts days in order within each
    # (a fifth of lexsort's time; the same order).
    order = np.argsort(patient * DAYS + day, kind="stable")[:rows]
    return patient[order] + block * BLOCK + 1, provider[row_slot[order]], day[order]


def _plan(records: int, seed: int) -> list[int]:
    """Rows of each block used: whole blocks, then the first rows of the last one."""
    out: list[int] = []
    left = records
    block = 0
    while left > 0:
        _, _, visits = _shape(seed, block)
        take = min(left, int(visits.sum()))
        out.append(take)
        left -= take
        block += 1
    return out


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _copy(con: Any, frame: pd.DataFrame, path: Path, fmt: str) -> None:
    con.register("chunk", frame)
    select = (f"SELECT patient, CAST(provider AS BIGINT) + {PROVIDER_BASE} AS provider, "
              f"DATE '{FIRST_DAY}' + CAST(day AS INTEGER) AS date FROM chunk")
    options = "FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 1048576" if fmt == "parquet" else "FORMAT csv, HEADER"
    con.execute(f"COPY ({select}) TO {_quote(str(path))} ({options})")
    con.unregister("chunk")


def _providers_frame(layout: _Layout) -> pd.DataFrame:
    region, specialty, place = np.unravel_index(np.arange(layout.count.size), layout.count.shape)
    reps = layout.count.ravel()
    region, specialty, place = (np.repeat(a, reps) for a in (region, specialty, place))
    return pd.DataFrame({
        "provider": np.arange(region.size, dtype=np.int64) + PROVIDER_BASE,
        "specialty": np.array(_NAMES, dtype=object)[specialty],
        "municipality": [f"R{r:02d}-M{m:02d}" for r, m in zip(region.tolist(), place.tolist(), strict=True)],
        "region": [f"R{r:02d}" for r in region.tolist()],
    })


def generate(records: int, output: str | Path, *, seed: int = 16, fmt: str = "parquet", files: int = 8,
             providers: int | None = None, regions: int | None = None) -> Synthetic:
    """Write ``records`` synthetic patient–provider–date records and their providers table.

    Parameters
    ----------
    records:
        Exact number of records (rows) written.
    output:
        Folder; ``records/``, ``providers/`` and ``synthetic.json`` are written into it
        (an existing ``records/`` folder is emptied of earlier ``part-*`` files first).
    seed:
        The same seed and sizes give the same rows (and, with Parquet, the same bytes).
    fmt:
        ``parquet`` (zstd) or ``csv`` (comma-separated, header, ISO dates).
    files:
        Records files, split at block boundaries (:data:`BLOCK` patients), so there are fewer
        when there are fewer blocks.
    providers:
        Number of providers (about; every region has at least one of each specialty);
        default ``records / RECORDS_PER_PROVIDER``, at least 1,000.
    regions:
        Number of regions; default :func:`regions_for` (50 at 80 M records).

    Returns
    -------
    Synthetic
    """
    import duckdb

    if records < 1 or files < 1 or (regions is not None and regions < 1):
        raise ValueError("records, files and regions must be at least 1")
    if fmt not in ("parquet", "csv"):
        raise ValueError("fmt must be parquet or csv")
    started = time.perf_counter()
    out = Path(output)
    records_dir, providers_dir = out / "records", out / "providers"
    records_dir.mkdir(parents=True, exist_ok=True)
    providers_dir.mkdir(parents=True, exist_ok=True)
    for old in records_dir.glob("part-*"):
        old.unlink()
    layout = _layout(providers or max(1000, records // RECORDS_PER_PROVIDER), regions or regions_for(records), seed)
    plan = _plan(records, seed)
    # Block b goes to file ⌊rows before b · files / records⌋: files of about equal rows.
    before = np.cumsum([0, *plan[:-1]])
    file_of = np.minimum(files - 1, before * files // records)
    written: list[Path] = []
    patients = 0
    with duckdb.connect(":memory:") as con:
        # One thread: the same rows give the same bytes (row groups and pages do not depend on timing).
        con.execute("SET threads = 1")
        for number in sorted(set(file_of.tolist())):
            parts = [_block(seed, b, layout, plan[b])
                     for b in np.flatnonzero(file_of == number).tolist()]
            patient = np.concatenate([p[0] for p in parts])
            frame = pd.DataFrame({"patient": patient, "provider": np.concatenate([p[1] for p in parts]),
                                  "day": np.concatenate([p[2] for p in parts]).astype(np.int16)})
            del parts
            patients += int(np.count_nonzero(np.diff(patient))) + 1
            path = records_dir / f"part-{len(written):03d}.{fmt}"
            _copy(con, frame, path, fmt)
            written.append(path)
            del frame, patient
        table = _providers_frame(layout)
        con.register("providers_frame", table)
        con.execute(f"COPY (SELECT * FROM providers_frame) TO {_quote(str(providers_dir / 'providers.parquet'))} "
                    "(FORMAT parquet, COMPRESSION zstd)")
        con.execute(f"COPY (SELECT * FROM providers_frame) TO {_quote(str(providers_dir / 'providers.csv'))} "
                    "(FORMAT csv, HEADER)")
    result = Synthetic(records_dir, providers_dir / "providers.parquet", tuple(written), records, patients,
                       layout.providers, seed, time.perf_counter() - started)
    about = {**{k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(result).items() if k != "seconds"},
             "files": [p.name for p in written], "format": fmt, "block": BLOCK, "regions": layout.region_p.size,
             "municipalities_per_region": MUNICIPALITIES, "first_day": FIRST_DAY, "days": DAYS,
             "specialties": {name: {"provider_share": v[0], "contact_share": v[1], "alpha": v[2], "local": v[3]}
                             for name, v in SPECIALTIES.items()}}
    (out / "synthetic.json").write_text(json.dumps(about, indent=2) + "\n", encoding="utf-8")
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, required=True, help="Exact number of records to write.")
    parser.add_argument("-o", "--output", type=Path, required=True, help="Folder to write into.")
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--format", choices=("parquet", "csv"), default="parquet")
    parser.add_argument("--files", type=int, default=8, help="Records files (at most one per 65,536 patients).")
    parser.add_argument("--providers", type=int, default=None,
                        help=f"Providers (default: records / {RECORDS_PER_PROVIDER}, at least 1,000).")
    parser.add_argument("--regions", type=int, default=None,
                        help=f"Regions (default: records / {RECORDS_PER_REGION:,}, at least 2).")
    args = parser.parse_args(argv)
    result = generate(args.records, args.output, seed=args.seed, fmt=args.format, files=args.files,
                      providers=args.providers, regions=args.regions)
    print(f"{result.records:,} records, {result.patients:,} patients, {result.providers:,} providers, "
          f"{len(result.files)} files in {result.records_dir} ({result.seconds:.1f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
