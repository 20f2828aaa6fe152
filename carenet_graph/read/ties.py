"""Tie records → the ties table: ends resolved to actors; self ties, duplicates and conflicting levels found.

The rules are those of :mod:`carenet_graph.read.resolve` (whose docstring states them); this
module applies them per distinct value and per column, because a table of millions of ties holds
few rows with anything to say:

* the references that are ids as written are found in one hash join; each other distinct
  reference is looked up once (in an edge list, in the order the rows meet them: it infers its
  actors as it goes, and an inferred actor changes what later references match);
* a row is *clean* when both ends resolve without a note, to two different actors, and no other
  row (of any table) has its ends, type and reporter: such a row can be neither a duplicate nor a
  conflicting report, and it is taken as it is, in bulk (numpy masks, one pandas hash of the keys);
* every other row goes through the row-by-row rules (:meth:`TieRules.row`), in row order, so that
  each problem is reported as, where and in the order the row-by-row reading reported it.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import compress
from typing import Any

import numpy as np
import pandas as pd

from carenet_graph.read.cells import TextKeys
from carenet_graph.read.headers import Table
from carenet_graph.read.problems import Accounting, Collector, Column
from carenet_graph.read.records import Records
from carenet_graph.vocabulary import Vocabulary

TIE_FIRST = ("source", "target", "type", "level", "weight", "direction", "reported_by", "since", "until")


class TieRules:
    """Resolving references to actors, and the per-row rules of a tie (ends, self, duplicate, conflict)."""

    def __init__(self, actors: dict[str, dict[str, Any]], generated: set[str], infer: bool, vocab: Vocabulary,
                 out: Collector, acc: Accounting) -> None:
        self.actors, self.generated, self.infer, self.out, self.acc = actors, generated, infer, out, acc
        # Matching keys of ids and names, made when a reference first needs them (most refer by id).
        self.id_keys: dict[str, list[str]] = {}
        self.name_keys: dict[str, list[str]] = {}
        self.generated_keys: dict[str, list[str]] = {}
        self.keyed = False
        self.key_of = TextKeys()
        self.cache: dict[str, tuple[str | None, str]] = {}
        self.seen: dict[tuple[Any, ...], int] = {}
        self.levels_seen: dict[tuple[Any, ...], tuple[int, tuple[Any, Any]]] = {}
        self.directed_types = {t for t in vocab.tie_types if vocab.tie_type_directed(t)}

    def lookup(self, ref: str) -> tuple[str | None, str]:
        """(actor id, how: id, name, inferred) or (None, ambiguous / unknown); an edge list infers its actors."""
        hit = self.cache.get(ref)
        if hit is not None:
            return hit
        actors = self.actors
        if ref in actors and ref not in self.generated:
            found: tuple[str | None, str] = (ref, "id")
        else:
            if not self.keyed:
                self._key_actors()
            key = self.key_of[ref]
            candidates = (self.id_keys.get(key) or self.name_keys.get(key) or self.generated_keys.get(key) or [])
            if len(candidates) == 1:
                found = (candidates[0], "name")
            elif len(candidates) > 1:
                found = (None, "ambiguous")
            elif self.infer:
                actors[ref] = {"name": ref, "table": None, "row": None}
                self.id_keys[key] = [ref]
                self.acc.actors_inferred += 1
                found = (ref, "inferred")
            else:
                found = (None, "unknown")
        self.cache[ref] = found
        return found

    def _key_actors(self) -> None:
        # Before any actor is inferred: inferring one keys it (in lookup), as it would be here.
        self.keyed = True
        key_of = self.key_of
        for actor_id, record in self.actors.items():
            keys = self.generated_keys if actor_id in self.generated else self.id_keys
            keys.setdefault(key_of[actor_id], []).append(actor_id)
            self.name_keys.setdefault(key_of[str(record["name"])], []).append(actor_id)

    def reporter(self, reporter: str | None) -> str | None:
        """The actor id a reporter names, else the reporter as written."""
        if reporter is None:
            return None
        resolved, _ = self.lookup(reporter) if (reporter in self.actors or not self.infer) else (reporter, "")
        return resolved or reporter

    def direction(self, direction: str | None, tie_type: str | None) -> str:
        """The direction given, else the tie type's default."""
        return direction or ("directed" if tie_type in self.directed_types else "undirected")

    def row(self, source: str | None, target: str | None, cols: dict[str, list[Any]], pos: int, row: int,
            where: tuple[Column | None, Column | None, str, str | None]) -> bool:
        """The row-by-row rules for one tie row; whether it is added (else it was reported, and rejected)."""
        out = self.out
        src_col, tgt_col, file, sheet = where
        ends: list[str | None] = []
        for ref, col, label in ((source, src_col, "source"), (target, tgt_col, "target")):
            if ref is None:
                out.at(col, row, "tie.missing_end", "error", f"tie has no {label}; row not used",
                       f"Fill in the {label} actor (its id or name).", rejected=True, file=file, sheet=sheet)
                ends.append(None)
                continue
            ident, how = self.lookup(ref)
            if ident is None:
                if how == "ambiguous":
                    out.at(col, row, "tie.ambiguous_actor", "error",
                           f"the {label} name fits more than one actor; tie not used",
                           "Refer to the actor by its id, or make the names distinguishable.",
                           value=ref, rejected=True, file=file, sheet=sheet)
                else:
                    out.at(col, row, "tie.unknown_actor", "error",
                           f"the {label} is not in the actors table; tie not used",
                           "Add the actor to the actors table, or correct the spelling / id.",
                           value=ref, rejected=True, file=file, sheet=sheet)
            elif how == "name" and ref not in self.actors:
                out.note(col or Column(file, sheet, label, 0), row, "tie.matched_by_name",
                         "info", "actor found by name (ignoring case and spacing)")
            ends.append(ident)
        first_end, second_end = ends
        if first_end is None or second_end is None:
            return False
        if first_end == second_end:
            out.at(src_col, row, "tie.self", "warning", "tie from an actor to itself; row not used",
                   "Delete the row, or correct source or target.", rejected=True, file=file, sheet=sheet)
            return False
        tie_type = _at(cols, "type", pos)
        direction = self.direction(_at(cols, "direction", pos), tie_type)
        reporter = self.reporter(_at(cols, "reported_by", pos))
        level, weight = _at(cols, "level", pos), _at(cols, "weight", pos)
        # The marker keeps "a → b" apart from "a ↔ b": both would otherwise be the key (a, b).
        ends_key = (("directed", first_end, second_end) if direction == "directed"
                    else ("symmetric", *sorted((first_end, second_end))))
        # Who reported it: a row without reported_by is its source's report (as in the graph), so
        # two rows of one symmetric tie from its two ends are two reports, not a duplicate.
        by = reporter if reporter is not None else first_end
        dup_key = (ends_key, tie_type, by, level, weight, _at(cols, "since", pos), _at(cols, "until", pos))
        first = self.seen.get(dup_key)
        if first is not None:
            out.at(None, row, "tie.duplicate", "warning",
                   f"same tie as row {first} (same ends, type, level and reporter); not added twice",
                   "Delete the repeated row.", rejected=True, file=file, sheet=sheet)
            return False
        self.seen[dup_key] = row
        conflict_key = (ends_key, tie_type, by)
        previous = self.levels_seen.get(conflict_key)
        strength = (level, weight)
        if previous is not None and previous[1] != strength:
            out.at(None, row, "tie.conflicting", "warning",
                   f"the same tie is reported in row {previous[0]} with a different level or weight; both kept",
                   "Check which report is right, or keep both if they are two reports.", file=file, sheet=sheet)
        else:
            self.levels_seen[conflict_key] = (row, strength)
        return True


def _at(cols: dict[str, list[Any]], key: str, pos: int) -> Any:
    values = cols.get(key)
    return None if values is None else values[pos]


class _Plan:
    """One ties table, column by column; an edge list's references looked up in the order met."""

    def __init__(self, rec: Records, rules: TieRules) -> None:
        self.rec = rec
        n = len(rec)
        empty: list[Any] = [None] * n
        cols = rec.columns
        self.sources, self.targets = cols.get("source", empty), cols.get("target", empty)
        self.live = ~np.array(rec.rejected, dtype=bool).reshape(n)
        self.ends = np.empty(2 * n, dtype=object)
        self.ends[:n], self.ends[n:] = self.sources, self.targets
        self.factorized: tuple[np.ndarray, list[str]] | None = None
        if rules.infer:
            # The references are looked up in the order the rows meet them (source, then target, row
            # by row; rejected rows are not read): inferring an actor changes what later ones match.
            codes, uniques = pd.factorize(self.ends)
            self.factorized = (codes, list(uniques))
            met = np.empty(2 * int(self.live.sum()), dtype=np.int64)
            met[0::2], met[1::2] = codes[:n][self.live], codes[n:][self.live]
            met = met[met >= 0]
            _, first = np.unique(met, return_index=True)
            for index in met[np.sort(first)].tolist():
                rules.lookup(uniques[index])


def resolve_ties(recs: Sequence[Records], tables: Sequence[Table], actors: dict[str, dict[str, Any]],
                 generated: set[str], infer: bool, vocab: Vocabulary, out: Collector,
                 acc: Accounting) -> dict[str, list[Any]]:
    """The ties table's columns from the tie records (see the module docstring), the accounting completed."""
    rules = TieRules(actors, generated, infer, vocab, out, acc)
    columns: list[str] = list(TIE_FIRST)
    for rec in recs:
        columns += [k for k in rec.columns if k not in columns]
    result: dict[str, list[Any]] = {k: [] for k in [*columns, "table", "row"]}
    plans = [_Plan(rec, rules) for rec in recs]
    # Codes, after every lookup (an edge list's actors are all inferred by now): equal codes, equal strings.
    codes = _Codes(actors, generated)
    keys = [_keys(plan, rules, codes) for plan in plans]
    shared = _shared([key for key, _ in keys])
    for plan, (_, rest), shared_rows in zip(plans, keys, shared, strict=True):
        _emit(plan, rules, tables, columns, result, rest, shared_rows)
    return result


class _Codes:
    """Integer codes shared by every table: actors (``ids[code]``), reporters, tie types."""

    def __init__(self, actors: dict[str, dict[str, Any]], generated: set[str]) -> None:
        self.ids = np.array(list(actors), dtype=object).reshape(len(actors))
        self.actors = actors
        self._by: dict[str, int] | None = None
        self.types: dict[Any, int] = {}
        # The ids a reference matches as it is (a generated id is matched after the names).
        direct = [i for i, actor_id in enumerate(actors) if actor_id not in generated] if generated else None
        self.index = pd.Index(self.ids if direct is None else self.ids[direct], dtype=object)
        # A position in the index → the actor's code; the last entry: no position (-1), no actor.
        self.direct = None if direct is None else np.array([*direct, -1], dtype=np.int64)

    @property
    def by(self) -> dict[str, int]:
        """Code of each actor id and reporter; made when first needed (most ties name ids, and no reporter)."""
        if self._by is None:
            self._by = {actor_id: i for i, actor_id in enumerate(self.actors)}
        return self._by

    def ends(self, plan: _Plan, rules: TieRules) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per end of each row (sources, then targets): the actor's code (-1: none), whether it was
        found by name (a note), and whether the reference is the actor's id as it is."""
        codes, uniques = plan.factorized or pd.factorize(plan.ends)
        count = len(uniques)
        # Per distinct reference, and a last entry for None (code -1).
        actor_of = np.full(count + 1, -1, dtype=np.int64)
        noted = np.zeros(count + 1, dtype=bool)
        same = np.zeros(count + 1, dtype=bool)
        if plan.factorized is not None:
            # An edge list: every reference was looked up (a reference only in rejected rows was not).
            found = [rules.cache.get(ref, (None, "")) for ref in uniques]
            actor_of[:count] = [-1 if ident is None else self.by[ident] for ident, _ in found]
            noted[:count] = [how == "name" and ref not in rules.actors for ref, (_, how) in zip(uniques, found,
                                                                                                 strict=True)]
            same[:count] = [ident == ref for ref, (ident, _) in zip(uniques, found, strict=True)]
        else:
            # Most references are ids as they are: one hash join; the others are looked up one by one.
            position = self.index.get_indexer(np.asarray(uniques, dtype=object).reshape(count))
            actor_of[:count] = position if self.direct is None else self.direct[position]
            same[:count] = position >= 0
            for index in np.flatnonzero(position < 0).tolist():
                ref = uniques[index]
                ident, how = rules.lookup(ref)
                if ident is not None:
                    actor_of[index] = self.by[ident]
                    noted[index] = how == "name" and ref not in rules.actors
                    same[index] = ident == ref
        return actor_of[codes], noted[codes], same[codes]


def _factorized(values: list[Any] | None, n: int) -> tuple[np.ndarray, list[Any]]:
    """Codes (-1 for None) and distinct values of a column (of ``n`` Nones when there is none)."""
    if values is None:
        return np.full(n, -1, dtype=np.int64), []
    column = np.empty(len(values), dtype=object)
    column[:] = values
    codes, uniques = pd.factorize(column)
    return codes, list(uniques)


def _keys(plan: _Plan, rules: TieRules, codes: _Codes) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """For the eligible rows of a table (both ends found, two actors): the key (ends, type, reporter)."""
    rec = plan.rec
    cols = rec.columns
    n = len(rec)
    code, noted, same = codes.ends(plan, rules)
    s, t = code[:n], code[n:]
    eligible = plan.live & (s >= 0) & (t >= 0) & (s != t)
    note = noted[:n] | noted[n:]
    # The ids written: the reference itself where it is the id (its cells are read in order).
    other = ~same & (code >= 0)
    written = plan.ends
    if other.any():
        written = written.copy()
        written[other] = codes.ids[code[other]]
    type_codes, type_values = _factorized(cols.get("type"), n)
    type_values.append(None)  # code -1
    for value in type_values:
        codes.types.setdefault(value, len(codes.types))
    types = np.array([codes.types[v] for v in type_values], dtype=np.int64)[type_codes]
    type_default = [rules.direction(None, v) for v in type_values]
    directions = np.array(type_default, dtype=object)[type_codes]
    directed = np.array([d == "directed" for d in type_default])[type_codes]
    direction_codes, direction_values = _factorized(cols.get("direction"), n)
    if direction_values:
        # ``direction or default``: an empty direction is no direction.
        given = np.array([bool(v) for v in direction_values] + [False])[direction_codes]
        directions = np.where(given, np.array([*direction_values, None], dtype=object)[direction_codes], directions)
        directed = np.where(given, np.array([v == "directed" for v in direction_values] + [False])[direction_codes],
                            directed)
    reporter_codes, reporter_values = _factorized(cols.get("reported_by"), n)
    resolved = [rules.reporter(v) or v for v in reporter_values]
    for value in resolved:
        codes.by.setdefault(value, len(codes.by))
    by_reporter = np.array([*(codes.by[v] for v in resolved), -1], dtype=np.int64)[reporter_codes]
    by = np.where(reporter_codes >= 0, by_reporter, s)
    low, high = np.where(directed, s, np.minimum(s, t)), np.where(directed, t, np.maximum(s, t))
    key = {"directed": directed[eligible], "a": low[eligible], "b": high[eligible], "type": types[eligible],
           "by": by[eligible]}
    reporters = np.array([*resolved, None], dtype=object)[reporter_codes]
    return key, {"eligible": eligible, "note": note, "s": written[:n], "t": written[n:], "directions": directions,
                 "reporters": reporters}


def _shared(keys: list[dict[str, np.ndarray]]) -> list[np.ndarray]:
    """Per table, for its eligible rows: whether another eligible row of any table has the same key."""
    sizes = [len(k["a"]) for k in keys]
    if not sum(sizes):
        return [np.zeros(0, dtype=bool) for _ in keys]
    columns = {name: np.concatenate([k[name] for k in keys]) for name in keys[0]}
    # Two integers say the same as the five codes when they fit (fewer columns to hash).
    size = int(max(columns["a"].max(), columns["b"].max(), columns["by"].max())) + 1
    types = int(columns["type"].max()) + 1
    if size * size < 1 << 62 and size * types < 1 << 61:
        columns = {"ends": columns["a"] * size + columns["b"],
                   "rest": (columns["by"] * types + columns["type"]) * 2 + columns["directed"]}
    dup = pd.DataFrame(columns).duplicated(keep=False).to_numpy()
    return np.split(dup, np.cumsum(sizes)[:-1])


def _emit(plan: _Plan, rules: TieRules, tables: Sequence[Table], columns: list[str], result: dict[str, list[Any]],
          rest: dict[str, Any], shared_rows: np.ndarray) -> None:
    """Take a table's clean rows in bulk and put the others through the row rules, in row order."""
    rec = plan.rec
    n = len(rec)
    eligible: np.ndarray = rest["eligible"]
    clean = eligible.copy()
    clean[eligible] = ~shared_rows
    clean &= ~rest["note"]
    added = clean.copy()
    table = tables[rec.table_index]
    where = (rec.source_columns.get("source"), rec.source_columns.get("target"), table.file, table.sheet)
    rows = rec.rows
    for pos in np.flatnonzero(plan.live & ~clean).tolist():
        added[pos] = rules.row(plan.sources[pos], plan.targets[pos], rec.columns, pos, rows[pos], where)
    count = int(added.sum())
    per_row = rec.source_rows is None
    rules.acc.rows_rejected += per_row * (n - count)
    rules.acc.tie_rows += per_row * count
    every = count == n
    mask = [] if every else added.tolist()
    cols = rec.columns
    for name in columns:
        if name in ("source", "target"):
            values: list[Any] = rest["s" if name == "source" else "t"][added].tolist()
        elif name in ("direction", "reported_by"):
            values = rest["directions" if name == "direction" else "reporters"][added].tolist()
        elif name in cols:
            values = cols[name] if every else list(compress(cols[name], mask))
        else:
            values = [None] * count
        result[name].extend(values)
    result["table"].extend([rec.table_index] * count)
    result["row"].extend(rows if every else compress(rows, mask))
    if rec.source_rows is not None:
        used = sum(1 for _, ok in rec.source_rows if ok)
        rules.acc.tie_rows += used
        rules.acc.rows_rejected += len(rec.source_rows) - used
