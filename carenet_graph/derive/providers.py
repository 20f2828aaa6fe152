"""The optional providers table: who each provider is (name, type or specialty, place).

It is read like any actors table (:func:`carenet_graph.read.read_network`), so it may be CSV,
xlsx or ods, every located problem and the row accounting come with it, and ids stay text as
written (``012345601`` keeps its zero). Its id column may be named as the records name providers
(NPI, LANR, BSNR, AGB code, HSA-id, provider, ...).

Where a provider's type is missing, its specialty gives it: the specialty column (the one the
vocabulary reads as ``subtype``: Specialty, Fachrichtung, Specialisme, Specialitet ...), or a code
column such as NPPES's taxonomy or an AGB zorgverlenersoort, is looked up in ``specialties.yaml``
(names in en/de/nl/sv, NUCC taxonomy codes, Medicare specialty descriptions, AGB zorgverlenersoort
codes; each part's source and certainty are stated there). ``subtype`` keeps the text as written and
the column ``specialty`` gets the specialty id. A type given in the table always wins.

What the step changed is counted and located in the report: rows typed from their specialty
(``actor.type_synonym``), rows left without a type because their specialty is not in the list
(``actor.type_missing``, the texts in ``value``, shown only on request).
"""

from __future__ import annotations

import math
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from carenet_graph.errors import InputError
from carenet_graph.read import NetworkData, Problem, ValidationReport, read_network
from carenet_graph.read.files import read_raw
from carenet_graph.read.headers import Table, find_table
from carenet_graph.vocabulary import Vocabulary, text_key

__all__ = ["PROVIDER_ID_HEADERS", "SPECIALTY", "Specialties", "load_specialties", "provider_table", "specialty_key"]

#: The column that receives the specialty id.
SPECIALTY = "specialty"
#: Headers a providers table's id column may have besides the vocabulary's actor id aliases (npi,
#: lanr, agb, hsa id ...): words that in an ordinary actors table can mean something else
#: ("Provider" for the operator of a service), so they are ids only here.
PROVIDER_ID_HEADERS = ("provider", "provider_id", "ik", "leistungserbringer id", "zorgaanbieder id",
                       "vårdgivare id")
#: Rows listed per problem (as the reader's aggregated notes do).
_ROWS_LISTED = 20
#: Unmatched specialty texts kept in a problem's ``value`` (shown only with --show-values).
_TEXTS_LISTED = 10


def specialty_key(text: str) -> str:
    """The matching key of a specialty or code: :func:`~carenet_graph.vocabulary.text_key`, with
    commas read as spaces too ("Keel-, neus- en oorheelkunde" is "keel neus en oorheelkunde").

    >>> specialty_key("Hämatologie und  Onkologie")
    'hämatologie und onkologie'
    >>> specialty_key("207Q00000X")
    '207q00000x'
    """
    return " ".join(text_key(text).replace(",", " ").split())


@dataclass(frozen=True)
class Specialties:
    """The specialty list of ``specialties.yaml`` as lookups.

    Attributes
    ----------
    types:
        Specialty id → vocabulary actor type id.
    anywhere:
        Key (:func:`specialty_key`) of a name, a distinctive code (NUCC) or a description (CMS) →
        specialty id; looked up in every specialty column.
    in_columns:
        Column header key → (code key → specialty id), for short codes that mean something only in
        their own column (AGB zorgverlenersoort ``01``).
    widths:
        Column header key → the width its digit codes are zero-padded to (``1`` read as ``01``).
    columns:
        Header keys of the further columns (besides ``subtype``) that hold a specialty or a code.
    prefixes:
        Keys of leading words tried away ("physician", "facharzt für"), longest first.
    """

    types: Mapping[str, str]
    anywhere: Mapping[str, str]
    in_columns: Mapping[str, Mapping[str, str]]
    widths: Mapping[str, int]
    columns: frozenset[str]
    prefixes: tuple[str, ...]

    def match(self, text: str, column: str | None = None) -> str | None:
        """The specialty id of ``text`` found in the column with header key ``column`` (None for
        the specialty column), or None.

        A column's own codes are tried first, then every name, code and description; then the
        text without a leading word of :attr:`prefixes`.
        """
        key = specialty_key(text)
        own = self.in_columns.get(column) if column is not None else None
        if own:
            width = self.widths.get(column or "", 0)
            found = own.get(key.zfill(width) if key.isdigit() else key)
            if found is not None:
                return found
        found = self.anywhere.get(key)
        if found is None:
            for prefix in self.prefixes:
                if key.startswith(prefix + " "):
                    found = self.anywhere.get(key[len(prefix) + 1:])
                    if found is not None:
                        break
        return found


def _build(data: Mapping[str, Any]) -> Specialties:
    """Lookups from the YAML content; a key that names two specialties is an error in the list."""
    systems: Mapping[str, Mapping[str, Any]] = data["code_systems"]
    types: dict[str, str] = {}
    anywhere: dict[str, str] = {}
    in_columns: dict[str, dict[str, str]] = {}
    widths: dict[str, int] = {}
    columns = {specialty_key(str(c)) for c in data.get("columns") or ()}
    for system in systems.values():
        for header in system.get("columns") or ():
            key = specialty_key(str(header))
            columns.add(key)
            in_columns.setdefault(key, {})
            widths[key] = int(system.get("width", 0))

    def put(table: dict[str, str], key: str, ident: str) -> None:
        other = table.setdefault(key, ident)
        if other != ident:
            raise ValueError(f"specialties.yaml: {key!r} names both {other!r} and {ident!r}")

    for entry in data["specialties"]:
        ident = str(entry["id"])
        if ident in types:
            raise ValueError(f"specialties.yaml: the id {ident!r} is listed twice")
        types[ident] = str(entry["type"])
        put(anywhere, specialty_key(ident), ident)
        for names in (entry.get("names") or {}).values():
            for name in names or ():
                put(anywhere, specialty_key(str(name)), ident)
        for system_name, codes in (entry.get("codes") or {}).items():
            system = systems[system_name]
            tables = ([anywhere] if system.get("anywhere") else
                      [in_columns[specialty_key(str(h))] for h in system.get("columns") or ()])
            for table in tables:
                for code in codes or ():
                    put(table, specialty_key(str(code)), ident)
    prefixes = tuple(sorted({specialty_key(str(p)) for p in data.get("prefixes") or ()}, key=lambda p: (-len(p), p)))
    return Specialties(types, anywhere, {k: dict(v) for k, v in in_columns.items()}, widths, frozenset(columns),
                       prefixes)


@lru_cache(maxsize=1)
def load_specialties() -> Specialties:
    """The package's specialty list (``carenet_graph/derive/specialties.yaml``), cached."""
    text = resources.files("carenet_graph.derive").joinpath("specialties.yaml").read_text(encoding="utf-8")
    return _build(yaml.safe_load(text))


def _from_parquet(path: Path, tmp: Path, vocab: Vocabulary) -> tuple[pd.DataFrame, ValidationReport]:
    """A Parquet providers table, read through a CSV copy (every value as text, the first record on
    row 2 as in the records' reports); its problems name the Parquet file."""
    import duckdb

    copy = tmp / "providers.csv"
    quoted = str(path).replace("'", "''")
    try:
        with duckdb.connect(":memory:") as con:
            names = con.sql(f"SELECT * FROM read_parquet('{quoted}') LIMIT 0").columns
            cast = ", ".join('CAST("{0}" AS VARCHAR) AS "{0}"'.format(n.replace('"', '""')) for n in names)
            target = str(copy).replace("'", "''")
            con.execute(f"COPY (SELECT {cast} FROM read_parquet('{quoted}')) TO '{target}' (HEADER, DELIMITER ',')")
    except duckdb.Error as exc:
        raise InputError("the providers table could not be read as Parquet", file=str(path), values={},
                         key="derive.unreadable_providers",
                         hint="Check that the file is complete, or give the table as CSV or xlsx.") from exc
    actors, report = provider_table(copy, vocab)
    report.problems = [replace(p, file=str(path)) if p.file == str(copy) else p for p in report.problems]
    report.sources = [str(path) if s == str(copy) else s for s in report.sources]
    return actors, report


def provider_table(path: str | Path, vocab: Vocabulary) -> tuple[pd.DataFrame, ValidationReport]:
    """The providers, indexed by id (text as written), with their actor columns, the specialty
    id in ``specialty``, and the reading report.

    Parameters
    ----------
    path:
        A CSV, xlsx or ods file (any table the reader reads) with one row per provider.
    vocab:
        The vocabulary of the run.

    Returns
    -------
    tuple of (pandas.DataFrame, ValidationReport)
        The providers (columns ``name``, ``type``, ``subtype``, ``sector``, ..., ``specialty``;
        ``type`` from the specialty where the table gives none) and the report, whose accounting
        covers every row of the file.
    """
    local = _with_provider_ids(vocab)
    if Path(path).suffix.lower() in (".parquet", ".pq"):
        with tempfile.TemporaryDirectory(prefix="carenet-providers-") as tmp:
            return _from_parquet(Path(path), Path(tmp), vocab)
    data = read_network(actors=[path], vocabulary=local)
    report = data.report
    # A providers table has no ties by nature: that warning would only alarm.
    report.problems = [p for p in report.problems if p.rule != "table.no_ties"]
    actors, problems = _specialties(data, load_specialties(), local, Path(path))
    if problems is not None:
        # The reader's "no type" notes are recounted: some of those rows now have their type.
        report.problems = [p for p in report.problems if p.rule != "actor.type_missing"] + problems
    actors = actors.drop(columns=[c for c in ("table", "row") if c in actors.columns])
    actors.index = actors.index.map(str)
    return actors, report


def _with_provider_ids(vocab: Vocabulary) -> Vocabulary:
    data = dict(vocab.data)
    columns = dict(data["columns"])
    actor_columns = dict(columns["actors"])
    actor_columns["id"] = [*actor_columns.get("id", ()), *PROVIDER_ID_HEADERS]
    columns["actors"] = actor_columns
    data["columns"] = columns
    return Vocabulary(data=data, sources=vocab.sources)


def _blank(value: Any) -> bool:
    if value is None or value is pd.NA:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    return isinstance(value, str) and not value.strip()


@dataclass
class _Found:
    """Rows of one table by what the specialty step did with them."""

    typed: dict[str, list[int]]          # column → rows typed from that column's specialty
    unmatched: dict[str, list[int]]      # column → rows whose specialty (first text) is not listed
    texts: dict[str, set[str]]           # column → the unmatched texts
    untyped: list[int]                   # rows with neither a type nor any specialty text


def _specialties(data: NetworkData, specialties: Specialties, vocab: Vocabulary,
                 path: Path) -> tuple[pd.DataFrame, list[Problem] | None]:
    """Specialty ids and missing types filled in; the problems that replace the reader's
    ``actor.type_missing`` notes, or None when nothing changed."""
    actors = data.actors.copy()
    sources = [str(c) for c in actors.columns
               if c == "subtype" or (c not in ("table", "row") and specialty_key(str(c)) in specialties.columns)]
    if SPECIALTY in actors.columns:
        # An extra column already named so keeps its values under the reader's rule for clashes.
        renamed = SPECIALTY + "_"
        while renamed in actors.columns:
            renamed += "_"
        actors = actors.rename(columns={SPECIALTY: renamed})
    if not sources:
        actors[SPECIALTY] = pd.Series([None] * len(actors), index=actors.index, dtype=object)
        return actors, None
    keys = {c: None if c == "subtype" else specialty_key(c) for c in sources}
    values = {c: actors[c].tolist() for c in sources}
    types, sectors = actors["type"].tolist(), actors["sector"].tolist()
    tables, rows = actors["table"].tolist(), actors["row"].tolist()
    memo: dict[tuple[str | None, str], str | None] = {}
    found: list[str | None] = []
    by_table: dict[int, _Found] = {}
    for i in range(len(actors)):
        first: str | None = None
        ident: str | None = None
        column: str | None = None
        for c in sources:
            value = values[c][i]
            if _blank(value):
                continue
            first = first or c
            memo_key = (keys[c], str(value))
            if memo_key not in memo:
                memo[memo_key] = specialties.match(str(value), keys[c])
            ident = memo[memo_key]
            if ident is not None:
                column = c
                break
        found.append(ident)
        if not _blank(types[i]) or _blank(tables[i]) or _blank(rows[i]):
            continue
        entry = by_table.setdefault(int(tables[i]), _Found({}, {}, {}, []))
        row = int(rows[i])
        if ident is not None and column is not None:
            types[i] = specialties.types[ident]
            if _blank(sectors[i]):
                sectors[i] = vocab.sector_of(types[i])
            entry.typed.setdefault(column, []).append(row)
        elif first is not None:
            entry.unmatched.setdefault(first, []).append(row)
            entry.texts.setdefault(first, set()).add(str(values[first][i]))
        else:
            entry.untyped.append(row)
    actors["type"] = pd.Series(types, index=actors.index, dtype=object)
    actors["sector"] = pd.Series(sectors, index=actors.index, dtype=object)
    names = [str(c) for c in actors.columns]
    at = names.index("subtype") + 1 if "subtype" in names else len(names)
    actors.insert(at, SPECIALTY, pd.Series(found, index=actors.index, dtype=object))
    if not any(e.typed or e.unmatched for e in by_table.values()):
        return actors, None
    return actors, _problems(by_table, data, vocab, path)


def _problems(by_table: Mapping[int, _Found], data: NetworkData, vocab: Vocabulary, path: Path) -> list[Problem]:
    """The specialty step's notes, located at their columns; the reader's "no type" notes recounted."""
    places = _Places(path, data, vocab)
    reader_notes = {(p.file, p.sheet): p for p in data.report.problems if p.rule == "actor.type_missing"}
    out: list[Problem] = []
    for table_index in sorted(by_table):
        entry = by_table[table_index]
        for column, rows in sorted(entry.typed.items()):
            out.append(places.problem(
                table_index, column, rows, "actor.type_synonym",
                "no actor type given; the type was taken from the specialty (carenet derive's specialty list)"))
        for column, rows in sorted(entry.unmatched.items()):
            out.append(places.problem(
                table_index, column, rows, "actor.type_missing",
                "no actor type given and the specialty is not in carenet derive's specialty list; type left empty",
                "Add a type column, or write the specialty as the list names it (e.g. Allgemeinmedizin, cardiology, "
                "huisarts, allmänmedicin, or a NUCC taxonomy code such as 207Q00000X).",
                value="; ".join(sorted(entry.texts[column])[:_TEXTS_LISTED])))
        if entry.untyped:
            file, sheet = places.file_and_sheet(table_index)
            note = reader_notes.get((file, sheet))
            if note is not None:
                rows = sorted(entry.untyped)
                out.append(replace(note, row=rows[0], count=len(rows), rows=tuple(rows[:_ROWS_LISTED])))
    return out


class _Places:
    """Where a table's columns are: the file's header is read again (only its raw rows: no cell is
    converted) to name the specialty column and its letter, as the reader's own problems do."""

    def __init__(self, path: Path, data: NetworkData, vocab: Vocabulary) -> None:
        self.path, self.data, self.vocab = path, data, vocab
        self._tables: dict[str, Table] | None = None

    def _table(self, table_index: int) -> Table | None:
        if self._tables is None:
            _, raws = read_raw(self.path, None, [])
            # NetworkData.tables names each table "file" or "file › sheet".
            self._tables = {}
            for raw in raws:
                name = raw.file if raw.sheet is None else f"{raw.file} › {raw.sheet}"
                if name in self.data.tables:
                    table = find_table(raw, self.vocab, "actors", [])
                    if table is not None:
                        self._tables[name] = table
        names: Sequence[str] = self.data.tables
        return self._tables.get(names[table_index]) if 0 <= table_index < len(names) else None

    def file_and_sheet(self, table_index: int) -> tuple[str, str | None]:
        table = self._table(table_index)
        return (table.file, table.sheet) if table is not None else (str(self.path), None)

    def problem(self, table_index: int, column: str, rows: list[int], rule: str, message: str, hint: str = "",
                value: str | None = None) -> Problem:
        table = self._table(table_index)
        header: str | None = None
        index: int | None = None
        if table is not None:
            if column == "subtype":
                index = table.columns.get("subtype")
            else:
                taken = set(table.columns.values())
                index = next((i for i, h in enumerate(table.header)
                              if i not in taken and specialty_key(h) == specialty_key(column)), None)
            if index is not None:
                header = table.column_at(index).header
        file, sheet = (table.file, table.sheet) if table is not None else (str(self.path), None)
        rows = sorted(rows)
        return Problem(rule, "info", message, hint, file=file, sheet=sheet, row=rows[0], column=header,
                       column_index=index, value=value, count=len(rows), rows=tuple(rows[:_ROWS_LISTED]))
