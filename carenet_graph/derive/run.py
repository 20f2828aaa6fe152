"""``carenet derive``: patient–provider records (or published pairs) → the actors and ties tables
of a provider network, with every construction choice and count in ``derive.json``.

The output folder is the input of the usual commands (``carenet analyze DIR``, ``report``,
``map``, ``gaps``)::

    DIR/actors.csv, DIR/ties.csv            the network, read by every carenet command
    DIR/parquet/actors.parquet, ties.parquet    the same tables for pandas, DuckDB, Spark, R
    DIR/derive/derive.json                  choices with their sources, counts, level cut points
    DIR/derive/validation.json              the located problems and the row accounting
    DIR/derive/care_density.csv             Pollack's care density by number of providers
                                            (with --care-density)
    DIR/derive/care_density_patients.parquet   the same per patient, each patient by a keyed
                                            code (with --care-density and a key)

Privacy: no patient id reaches an output (patients are only counted); no count below
``suppress_below`` is written; with a key, provider ids and names become keyed pseudonyms.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd

from carenet_graph.derive.density import density_summary, patient_density
from carenet_graph.derive.engines import RowProblems, engine_for, parquet_bytes
from carenet_graph.derive.inputs import Source, describe, expand
from carenet_graph.derive.options import DeriveOptions
from carenet_graph.derive.providers import provider_table
from carenet_graph.derive.sql import construction, for_engine, from_pairs, prepared
from carenet_graph.errors import InputError, OptionError
from carenet_graph.output.atomic import atomic_write_bytes, atomic_write_text
from carenet_graph.output.files import write_csv
from carenet_graph.privacy import distinct_pseudonyms
from carenet_graph.read.problems import Accounting, Problem, ValidationReport
from carenet_graph.vocabulary import Vocabulary, default_vocabulary

__all__ = ["DeriveResult", "derive"]

#: Files written, relative to the output folder.
NETWORK_FILES = ("actors.csv", "ties.csv")
PARQUET_FILES = ("parquet/actors.parquet", "parquet/ties.parquet")
ABOUT_FILES = ("derive/derive.json", "derive/validation.json")
DENSITY_FILE = "derive/care_density.csv"
PATIENT_DENSITY_FILE = "derive/care_density_patients.parquet"
TIE_TYPE = "shared_patients"
# Floats are rounded before writing: engines add in different orders (threads, partitions), and
# the last bits must not make two runs differ.
DIGITS = 9

_MESSAGES = {
    "record.missing_patient": ("the patient is missing; the row is not used",
                               "Fill in the patient's (pseudonymous) id."),
    "record.missing_provider": ("the provider is missing; the row is not used", "Fill in the provider's id."),
    "record.missing_date": ("the date is missing; the row is not used", "Fill in the date of the contact."),
    "record.bad_date": ("the date cannot be read; the row is not used",
                        "Write dates as 2024-03-31 (or 31.03.2024), the same way in the whole file."),
    "record.same_provider": ("the pair names one provider twice; the row is not used",
                             "Check the two provider columns."),
    "record.bad_count": ("the patient count is not a whole number; the row is not used",
                         "Write the count as digits, without separators."),
}


@dataclass(frozen=True)
class DeriveResult:
    """What :func:`derive` built: the tables as written, the record of choices and counts
    (``derive.json``), the validation report, and the files written (if any)."""

    actors: pd.DataFrame
    ties: pd.DataFrame
    care_density: pd.DataFrame | None
    care_density_patients: pd.DataFrame | None
    record: Mapping[str, Any]
    report: ValidationReport
    files: tuple[Path, ...] = ()


def _problems(sources: Sequence[Source], found: Sequence[RowProblems], kind: str) -> tuple[list[Problem], Accounting]:
    accounting = Accounting(files=len(sources), tables=len(sources),
                            blank_rows_skipped=sum(len(s.blank_lines) for s in sources))
    out: list[Problem] = []
    column_of = {"record.missing_patient": "patient", "record.missing_provider": "provider" if kind == "records"
                 else "source", "record.missing_date": "date", "record.bad_date": "date",
                 "record.same_provider": "target", "record.bad_count": "patients"}
    for entry in found:
        accounting.rows_read += entry.count
        if entry.rule is None:
            accounting.tie_rows += entry.count
            continue
        accounting.rows_rejected += entry.count
        source = sources[entry.file_no]
        column = column_of.get(entry.rule)
        index = source.layout.columns.get(column) if column else None
        message, hint = _MESSAGES[entry.rule]
        out.append(Problem(entry.rule, "error", message, hint, file=str(source.path),
                           row=entry.rows[0] if entry.rows else None, rows=entry.rows, count=entry.count,
                           column=(source.names[index] if source.names and index is not None else column),
                           column_index=index, rejected=True))
    return out, accounting


def _levels(weights: pd.Series) -> tuple[pd.Series, list[dict[str, Any]]]:
    """Quintile levels 1–5 of ``weights`` (``ceil(5 × share of ties with weight ≤ w)``; equal
    weights share a level) and each level's weight range."""
    if weights.empty:
        return pd.Series([], dtype="int64", index=weights.index), []
    share = weights.rank(method="max", pct=True)
    levels = share.mul(5).apply(math.ceil).clip(1, 5).astype("int64")
    cuts = [{"level": int(level), "weight_min": float(group.min()), "weight_max": float(group.max()),
             "ties": int(group.size)} for level, group in weights.groupby(levels)]
    return levels, cuts


def _ties(frame: pd.DataFrame, options: DeriveOptions, kind: str) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    ties = frame.rename(columns={"shared": "shared_patients"}).copy()
    ties["shared_patients"] = ties["shared_patients"].astype("int64")
    for column in ("newman", "jaccard"):
        if column in ties:
            ties[column] = ties[column].astype(float).round(DIGITS)
    if "pair_count" in ties:
        ties["pair_count"] = ties["pair_count"].astype("Int64")
    ties["weight"] = ties["shared_patients"] if options.weight == "count" else ties[options.weight]
    ties["level"], cuts = _levels(ties["weight"].astype(float))
    ties["type"] = TIE_TYPE
    ties["direction"] = "directed" if options.direction == "sequence" else "undirected"
    extra = [c for c in ("shared_patients", "newman", "jaccard", "pair_count") if c in ties]
    ties = ties[["source", "target", "type", "direction", "level", "weight", *extra]]
    return ties.sort_values(["source", "target"], kind="stable").reset_index(drop=True), cuts


def _actors(counts: pd.DataFrame, ties: pd.DataFrame, providers: pd.DataFrame | None,
            options: DeriveOptions) -> pd.DataFrame:
    ids = pd.Index(sorted(set(counts["provider"]) | set(ties["source"]) | set(ties["target"])), name="id")
    actors = pd.DataFrame(index=ids)
    patients = counts.set_index("provider")["n"].reindex(ids)
    actors["patients"] = patients.where(patients >= options.suppress_below).astype("Int64")
    if providers is not None:
        # A column of the table named like a derived one (patients) is kept beside it, not over it.
        taken = set(actors.columns)
        actors = actors.join(providers.rename(columns={c: f"{c}_table" for c in providers.columns if c in taken}),
                             how="left")
    if "name" not in actors or actors["name"].isna().all():
        actors["name"] = actors.index
    else:
        actors["name"] = actors["name"].fillna(pd.Series(actors.index, index=actors.index))
    leading = ("type", "subtype", "specialty", "sector", "municipality", "region", "country", "lat", "lon")
    first = ["name", *[c for c in leading if c in actors]]
    return actors[[*first, *[c for c in actors.columns if c not in first]]]


def _pseudonymise(actors: pd.DataFrame, ties: pd.DataFrame, key: bytes) -> tuple[pd.DataFrame, pd.DataFrame]:
    # Colliding codes are lengthened (40 bits collide among 10^6 providers), never merged.
    codes = {str(i): str(c) for i, c in distinct_pseudonyms({str(i): str(i) for i in actors.index}, key,
                                                            prefix="Provider").items()}
    keep = [c for c in ("type", "subtype", "specialty", "sector", "municipality", "region", "country", "patients")
            if c in actors]
    out = actors[keep].copy()
    out.index = pd.Index([codes[str(i)] for i in actors.index], name="id")
    out.insert(0, "name", out.index)
    ties = ties.copy()
    ties["source"] = ties["source"].map(codes)
    ties["target"] = ties["target"].map(codes)
    return out.sort_index(), ties.sort_values(["source", "target"], kind="stable").reset_index(drop=True)


def _frame_rows(frame: pd.DataFrame, index: bool) -> tuple[list[str], Any]:
    data = frame.reset_index() if index else frame
    return [str(c) for c in data.columns], data.itertuples(index=False, name=None)


def _write(output: Path, result: DeriveResult) -> tuple[Path, ...]:
    """Write ``result``'s tables and records into ``output`` (the layout of the module docstring)."""
    for folder in (output, output / "parquet", output / "derive"):
        folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame, index in (("actors", result.actors, True), ("ties", result.ties, False)):
        write_csv(output / f"{name}.csv", *_frame_rows(frame, index))
        table = frame.reset_index() if index else frame
        atomic_write_bytes(output / "parquet" / f"{name}.parquet", parquet_bytes(table))
        written += [output / f"{name}.csv", output / "parquet" / f"{name}.parquet"]
    if result.care_density is not None:
        write_csv(output / DENSITY_FILE, *_frame_rows(result.care_density, False))
        written.append(output / DENSITY_FILE)
    if result.care_density_patients is not None:
        atomic_write_bytes(output / PATIENT_DENSITY_FILE, parquet_bytes(result.care_density_patients))
        written.append(output / PATIENT_DENSITY_FILE)
    atomic_write_text(output / "derive" / "derive.json", json.dumps(result.record, indent=2, ensure_ascii=False) + "\n")
    atomic_write_text(output / "derive" / "validation.json", result.report.to_json() + "\n")
    written += [output / "derive" / "derive.json", output / "derive" / "validation.json"]
    return tuple(written)


def _suppressed(value: int, options: DeriveOptions) -> int | None:
    return value if value >= options.suppress_below else None


def derive(
    records: str | Path | Sequence[str | Path],
    output: str | Path | None = None,
    *,
    options: DeriveOptions | None = None,
    providers: str | Path | None = None,
    layout: str = "auto",
    key: bytes | None = None,
    vocabulary: Vocabulary | None = None,
    progress: Callable[[str], None] | None = None,
    **choices: Any,
) -> DeriveResult:
    """Build a provider network from shared patients (``carenet derive``).

    Two providers are tied when they share patients: for each patient with providers
    :math:`P_p` (:math:`k_p = |P_p|`) in one co-occurrence unit (calendar year, episode or
    day window), every pair :math:`a, b \\in P_p` shares :math:`p`. Per pair,

    * ``shared_patients`` :math:`= |\\{p : a, b\\ \\text{share}\\ p\\}|` (Barnett et al. 2011),
    * ``newman`` :math:`= \\sum_p 1/(k_p - 1)` (Newman 2001, collaboration weight),
    * ``jaccard`` :math:`= s_{ab} / (n_a + n_b - s_{ab})`, :math:`n_a` the patients of ``a``.

    ``weight`` is the chosen one of these, and ``level`` (what the analysis uses as
    ``strength``, higher = closer) its quintile 1–5 among the kept ties. Ties with fewer than
    ``max(min_shared, suppress_below)`` shared patients are not kept.

    Parameters
    ----------
    records:
        Records files (CSV or Parquet), folders of them, or globs: patient, provider, date
        (recognised in en/de/nl/sv), or published pairs (CMS Shared Patient Patterns, DocGraph
        Hop Teaming).
    output:
        Folder to write (see the module docstring); None writes nothing.
    options:
        The construction choices (:class:`~carenet_graph.derive.options.DeriveOptions`);
        keyword ``choices`` (``min_shared=5``) are applied on top.
    providers:
        A providers table (id, name, type or specialty, municipality, lat, lon), read like an
        actors table; specialties are mapped to actor types in en/de/nl/sv.
    layout:
        ``auto`` (recognised from the header), ``records``, ``pairs`` or ``cms`` (header-less CMS).
    key:
        With a key (:func:`~carenet_graph.privacy.load_or_create_key`), provider ids and names are
        replaced by keyed pseudonyms and only type, specialty, place and counts are kept.

    Returns
    -------
    DeriveResult

    References
    ----------
    M. L. Barnett, N. A. Christakis, J. O'Malley, J.-P. Onnela, N. L. Keating, B. E. Landon,
    "Physician patient-sharing networks and the cost and intensity of care in US hospitals",
    Med Care 50 (2012) 152–160; Barnett et al., Health Serv Res 46 (2011) 1592–1609.
    M. E. J. Newman, "Scientific collaboration networks. II.", Phys Rev E 64 (2001) 016132.
    C. E. Pollack et al., "Patient sharing among physicians and costs of care", J Gen Intern
    Med 28 (2013) 459–465.
    """
    options = replace(options or DeriveOptions(), **choices)
    if layout not in ("auto", "records", "pairs", "cms"):
        raise OptionError("layout must be auto, records, pairs or cms", key="derive.option_choice",
                          hint="Choose one of: auto, records, pairs, cms.",
                          values={"option": "layout", "choices": "auto, records, pairs, cms"})
    step = progress or (lambda _: None)
    vocab = vocabulary or default_vocabulary()
    paths = expand(records if isinstance(records, Sequence) and not isinstance(records, str) else [records])
    engine = engine_for(options)
    try:
        step("reading")
        notes: list[Problem] = []
        sources = [describe(p, layout, engine.parquet_head, notes) for p in paths]
        kinds = {s.layout.kind for s in sources}
        if len(kinds) > 1:
            raise InputError("some files hold records and others provider pairs; derive reads one layout at a time",
                             key="derive.mixed_layouts", values={},
                             hint="Run carenet derive once for the records and once for the pairs.")
        kind = kinds.pop()
        if kind == "pairs" and (options.weight != "count" or options.care_density):
            raise OptionError("published pairs carry only counts: newman, jaccard and care density need records",
                              key="derive.pairs_only_count", values={},
                              hint="Use --weight count without --care-density for CMS or DocGraph files.")
        engine.load(sources, kind)
        found = engine.row_problems()
        problems, accounting = _problems(sources, found, kind)
        step("building")
        density = density_by_patient = None
        if kind == "records":
            first_last = engine.frame("SELECT MIN(year) AS first, MAX(year) AS last FROM contacts")
            years = None if first_last["first"].isna().all() else (int(first_last["first"].iloc[0]),
                                                                   int(first_last["last"].iloc[0]))
            for name, sql, keep in prepared(options):
                engine.prepare(name, for_engine(sql, engine.name), keep)
            views = construction(options, years)
            raw = engine.frame(for_engine(views["ties"], engine.name))
            counts = engine.frame(for_engine(views["providers_n"], engine.name))
            # Patients by number of providers before any cap (with no cap, patients_k is the same).
            k_of = ("(SELECT patient, COUNT(DISTINCT provider) AS k FROM contacts GROUP BY patient)"
                    if options.max_providers else "patients_k")
            ks = engine.frame(for_engine(f"SELECT k, COUNT(*) AS patients FROM {k_of} AS per_patient GROUP BY k",
                                         engine.name))
            if options.care_density:
                per_patient = engine.frame(for_engine(views["density"], engine.name))
                density = density_summary(per_patient, options)
                if key is not None:
                    density_by_patient = patient_density(per_patient, key, DIGITS)
                del per_patient  # the only frame that holds patient ids: gone before anything is written
        else:
            raw = engine.frame(for_engine(from_pairs(options), engine.name))
            counts = pd.DataFrame({"provider": pd.Series([], dtype=object), "n": pd.Series([], dtype="int64")})
            ks = pd.DataFrame({"k": [], "patients": []})
        ties, cuts = _ties(raw, options, kind)
        provider_info, provider_report = (None, None)
        if providers is not None:
            step("providers")
            provider_info, provider_report = provider_table(providers, vocab)
        actors = _actors(counts, ties, provider_info, options)
        actors_before_key = actors.index
        if key is not None:
            actors, ties = _pseudonymise(actors, ties, key)
        report = ValidationReport(problems=[*notes, *problems], sources=[str(s.path) for s in sources])
        if provider_report is not None:
            report.extend(provider_report.problems)
            report.sources += provider_report.sources
            accounting.files += provider_report.accounting.files
            accounting.tables += provider_report.accounting.tables
            accounting.rows_read += provider_report.accounting.rows_read
            accounting.actor_rows += provider_report.accounting.actor_rows
            accounting.rows_rejected += provider_report.accounting.rows_rejected
        accounting.actors, accounting.ties = len(actors), len(ties)
        report.accounting = accounting
        k_counts = {int(k): int(n) for k, n in zip(ks["k"], ks["patients"], strict=True)}
        record = {
            "carenet_derive": 1,
            "layout": kind,
            "engine": engine.name,
            **options.record(),
            "counts": {
                "files": len(sources), "rows_read": accounting.rows_read - (provider_report.accounting.rows_read
                                                                           if provider_report else 0),
                "rows_used": accounting.tie_rows,
                "rows_rejected": {rule: sum(p.count for p in problems if p.rule == rule)
                                  for rule in sorted({p.rule for p in problems})},
                "patients": _suppressed(sum(k_counts.values()), options) if kind == "records" else None,
                "patients_with_two_or_more_providers": _suppressed(sum(n for k, n in k_counts.items() if k >= 2),
                                                                   options) if kind == "records" else None,
                "patients_over_cap": (_suppressed(sum(n for k, n in k_counts.items() if k > options.max_providers),
                                                  options) if options.max_providers and kind == "records" else 0),
                "patient_pairs_at_most": sum(n * k * (k - 1) // 2 for k, n in k_counts.items()),
                "providers": len(actors),
                "ties": len(ties),
            },
            "levels": cuts,
            "pseudonymised": key is not None,
            "care_density_per_patient": density_by_patient is not None,
            "providers_table": None if provider_info is None else {
                "providers": len(provider_info),
                "in_the_network": int(provider_info.index.isin(actors_before_key).sum()),
                "network_providers_not_in_the_table": int((~actors_before_key.isin(provider_info.index)).sum()),
            },
        }
        result = DeriveResult(actors, ties, density, density_by_patient, record, report)
        if output is not None:
            step("writing")
            result = replace(result, files=_write(Path(output), result))
        return result
    finally:
        engine.close()

