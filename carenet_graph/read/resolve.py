"""Actors and ties records → the two tables, with ids, references and duplicates resolved.

* Actor ids come from the id column, else from the name (the cleaned name; "Name (2)" for a
  second actor of the same name). Rows repeating an id with the same (or no) name are merged;
  an id used for two different names is an error.
* A tie's ends are actor ids or unambiguous names (compared case- and space-insensitively).
  An id generated from a name is matched only after the names: it equals the name, so
  matching it first would send a reference to a name shared by two actors to the first one.
  With no actors table at all (an edge list) the actors are inferred from the ties.
* Exact duplicate ties are not added twice; ties reported twice with different levels are kept
  (disagreement is a finding) and flagged.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from carenet_graph.i18n.formatting import english_plural
from carenet_graph.read.headers import Table
from carenet_graph.read.problems import Accounting, Collector, Column
from carenet_graph.read.records import Records
from carenet_graph.vocabulary import Vocabulary, text_key

ACTOR_FIRST = ("name", "type", "sector", "municipality", "region", "country", "postcode", "lat", "lon")
TIE_FIRST = ("source", "target", "type", "level", "weight", "direction", "reported_by", "since", "until")
_NOT_ATTRIBUTES = ("id", "type_input")


def resolve(actor_recs: Sequence[Records], tie_recs: Sequence[Records], tables: Sequence[Table],
            vocab: Vocabulary, out: Collector, acc: Accounting) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The actors and ties tables from the converted records (see the module docstring).

    Parameters
    ----------
    actor_recs, tie_recs:
        Converted actor tables; tie tables, melted surveys and matrices.
    tables:
        Every table read; ``Records.table_index`` indexes it (for locating problems).
    vocab:
        The vocabulary (sectors of types, directed tie types).
    out:
        Receives every problem.
    acc:
        The row accounting, completed here (actor, tie and rejected rows; actors and ties).

    Returns
    -------
    tuple of pandas.DataFrame
        Actors indexed by ``id`` (columns ``name``, ``type`` ... then extras, ``table``, ``row``)
        and ties (``source``, ``target``, ``type``, ``level``, ``weight`` ... ``table``, ``row``).
    """
    actors, generated = _actors(actor_recs, tables, vocab, out, acc)
    infer = not actor_recs
    ties = _ties(tie_recs, tables, actors, generated, infer, vocab, out, acc)
    acc.actors = len(actors)
    acc.ties = len(ties["source"])
    return _actor_frame(actors), _tie_frame(ties)


def _where(rec: Records, tables: Sequence[Table], name: str | None) -> tuple[Column | None, dict[str, Any]]:
    table = tables[rec.table_index]
    col = rec.source_columns.get(name) if name else None
    return col, {"file": table.file, "sheet": table.sheet}


def _actors(recs: Sequence[Records], tables: Sequence[Table], vocab: Vocabulary, out: Collector,
            acc: Accounting) -> tuple[dict[str, dict[str, Any]], set[str]]:
    """Actors by id, and the ids that were generated from names."""
    actors: dict[str, dict[str, Any]] = {}
    generated: set[str] = set()
    taken = {v for rec in recs for v in rec.columns.get("id", ()) if v is not None}
    by_name: dict[str, str] = {}
    for rec in recs:
        ids = rec.columns.get("id", [None] * len(rec))
        names = rec.columns.get("name", [None] * len(rec))
        keys = [k for k in rec.columns if k not in _NOT_ATTRIBUTES]
        id_col, where = _where(rec, tables, "id")
        name_col, _ = _where(rec, tables, "name")
        for pos, row in enumerate(rec.rows):
            if rec.rejected[pos]:
                acc.rows_rejected += 1
                continue
            ident, name = ids[pos], names[pos]
            if ident is None and name is None:
                out.at(id_col or name_col, row, "actor.no_id_or_name", "error",
                       "actor row has neither an id nor a name; row not used",
                       "Fill in a name (an id is generated from it) or delete the row.", rejected=True, **where)
                acc.rows_rejected += 1
                continue
            record = {k: rec.columns[k][pos] for k in keys}
            record["table"], record["row"] = rec.table_index, row
            if ident is None:
                assert name is not None  # checked above: not both None
                # Without ids, a repeated name with no conflicting details is the same actor.
                same = by_name.get(text_key(name))
                if same in generated and not _conflicts(actors[same], record):
                    ident = same
                else:
                    ident = _generated_id(name, taken)
                    generated.add(ident)
                    out.note(name_col or Column(where["file"], where["sheet"], "name", 0), row,
                             "actor.id_generated", "info", "no id given; id generated from the name")
            if record.get("name") is None:
                record["name"] = ident
            existing = actors.get(ident)
            if existing is None:
                if record.get("type") is None and "type" in rec.source_columns:
                    out.note(rec.source_columns["type"], row, "actor.type_missing", "info",
                             "no actor type given; type left empty")
                actors[ident] = record
                acc.actor_rows += 1
                key = text_key(str(record["name"]))
                if key in by_name and by_name[key] != ident:
                    other = actors[by_name[key]]
                    out.at(name_col, row, "actor.duplicate_name", "warning",
                           f"another actor (row {other['row']}) has the same name; ties cannot refer to "
                           "either by name", "Give the two actors distinguishable names, or refer to them by id.",
                           value=str(record["name"]), **where)
                else:
                    by_name[key] = ident
                continue
            if name is not None and text_key(name) != text_key(str(existing["name"])):
                out.at(id_col, row, "actor.duplicate_id", "error",
                       f"this id is already used for a different actor (row {existing['row']}); row not used",
                       "Give every actor its own id.", value=ident, rejected=True, **where)
                acc.rows_rejected += 1
                continue
            _merge_actor(existing, record, rec, row, out, where)
            acc.actor_rows += 1
    # Sectors follow from types unless given; derived after merging so that a derived sector
    # never "disagrees" with a row that gave none.
    for record in actors.values():
        if record.get("sector") is None and record.get("type") is not None:
            record["sector"] = vocab.sector_of(record["type"])
    return actors, generated


def _conflicts(existing: dict[str, Any], record: dict[str, Any]) -> list[str]:
    """Attributes both rows give with different values (name, provenance aside)."""
    return [key for key, value in record.items()
            if key not in ("name", "table", "row") and value is not None
            and existing.get(key) is not None and existing[key] != value]


def _generated_id(name: str, taken: set[str]) -> str:
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name} ({n})", n + 1
    taken.add(candidate)
    return candidate


def _merge_actor(existing: dict[str, Any], record: dict[str, Any], rec: Records, row: int, out: Collector,
                 where: dict[str, Any]) -> None:
    disagree = _conflicts(existing, record)
    for key, value in record.items():
        if key not in ("table", "row") and value is not None and existing.get(key) is None:
            existing[key] = value
    # Known columns are named; an extra column's key is its header text (data: it can name someone),
    # so those are counted, and all are listed in ``value``.
    known = [k for k in disagree if k in rec.source_columns]
    others = len(disagree) - len(known)
    on = ", ".join([*known, *([english_plural(others, "other column")] if others else [])])
    out.at(None, row, "actor.merged_duplicate", "warning" if disagree else "info",
           f"same actor as row {existing['row']}; rows merged"
           + (f" (they disagree on {on}; the first row's values kept)" if disagree else ""),
           "Keep one row per actor." if disagree else "", value=", ".join(disagree) if disagree else None, **where)


def _ties(recs: Sequence[Records], tables: Sequence[Table], actors: dict[str, dict[str, Any]], generated: set[str],
          infer: bool, vocab: Vocabulary, out: Collector, acc: Accounting) -> dict[str, list[Any]]:
    id_keys: dict[str, list[str]] = {}
    name_keys: dict[str, list[str]] = {}
    generated_keys: dict[str, list[str]] = {}
    for actor_id, record in actors.items():
        keys = generated_keys if actor_id in generated else id_keys
        keys.setdefault(text_key(actor_id), []).append(actor_id)
        name_keys.setdefault(text_key(str(record["name"])), []).append(actor_id)
    columns: list[str] = list(TIE_FIRST)
    for rec in recs:
        columns += [k for k in rec.columns if k not in columns]
    result: dict[str, list[Any]] = {k: [] for k in [*columns, "table", "row"]}
    seen: dict[tuple[Any, ...], int] = {}
    levels_seen: dict[tuple[Any, ...], tuple[int, tuple[Any, Any]]] = {}
    directed_types = {t for t in vocab.tie_types if vocab.tie_type_directed(t)}
    cache: dict[str, tuple[str | None, str]] = {}

    def lookup(ref: str) -> tuple[str | None, str]:
        hit = cache.get(ref)
        if hit is not None:
            return hit
        if ref in actors and ref not in generated:
            found: tuple[str | None, str] = (ref, "id")
        else:
            key = text_key(ref)
            candidates = id_keys.get(key) or name_keys.get(key) or generated_keys.get(key) or []
            if len(candidates) == 1:
                found = (candidates[0], "name")
            elif len(candidates) > 1:
                found = (None, "ambiguous")
            elif infer:
                actors[ref] = {"name": ref, "table": None, "row": None}
                id_keys[key] = [ref]
                acc.actors_inferred += 1
                found = (ref, "inferred")
            else:
                found = (None, "unknown")
        cache[ref] = found
        return found

    for rec in recs:
        n = len(rec)
        cols = rec.columns
        empty = [None] * n
        src_col, where = _where(rec, tables, "source")
        tgt_col = rec.source_columns.get("target")
        sources, targets = cols.get("source", empty), cols.get("target", empty)
        types, levels = cols.get("type", empty), cols.get("level", empty)
        weights, directions = cols.get("weight", empty), cols.get("direction", empty)
        reporters = cols.get("reported_by", empty)
        since, until = cols.get("since", empty), cols.get("until", empty)
        other = [k for k in cols if k not in TIE_FIRST]
        per_row = rec.source_rows is None
        for pos in range(n):
            row = rec.rows[pos]
            if rec.rejected[pos]:
                acc.rows_rejected += per_row
                continue
            ends: list[str | None] = []
            for ref, col, label in ((sources[pos], src_col, "source"), (targets[pos], tgt_col, "target")):
                if ref is None:
                    out.at(col, row, "tie.missing_end", "error", f"tie has no {label}; row not used",
                           f"Fill in the {label} actor (its id or name).", rejected=True, **where)
                    ends.append(None)
                    continue
                ident, how = lookup(ref)
                if ident is None:
                    if how == "ambiguous":
                        out.at(col, row, "tie.ambiguous_actor", "error",
                               f"the {label} name fits more than one actor; tie not used",
                               "Refer to the actor by its id, or make the names distinguishable.",
                               value=ref, rejected=True, **where)
                    else:
                        out.at(col, row, "tie.unknown_actor", "error",
                               f"the {label} is not in the actors table; tie not used",
                               "Add the actor to the actors table, or correct the spelling / id.",
                               value=ref, rejected=True, **where)
                elif how == "name" and ref not in actors:
                    out.note(col or Column(where["file"], where["sheet"], label, 0), row, "tie.matched_by_name",
                             "info", "actor found by name (ignoring case and spacing)")
                ends.append(ident)
            source, target = ends
            if source is None or target is None:
                acc.rows_rejected += per_row
                continue
            if source == target:
                out.at(src_col, row, "tie.self", "warning", "tie from an actor to itself; row not used",
                       "Delete the row, or correct source or target.", rejected=True, **where)
                acc.rows_rejected += per_row
                continue
            tie_type = types[pos]
            direction = directions[pos] or ("directed" if tie_type in directed_types else "undirected")
            reporter = reporters[pos]
            if reporter is not None:
                resolved, _ = lookup(reporter) if (reporter in actors or not infer) else (reporter, "")
                reporter = resolved or reporter
            # The marker keeps "a → b" apart from "a ↔ b": both would otherwise be the key (a, b).
            ends_key = (("directed", source, target) if direction == "directed"
                        else ("symmetric", *sorted((source, target))))
            # Who reported it: a row without reported_by is its source's report (as in the graph), so
            # two rows of one symmetric tie from its two ends are two reports, not a duplicate.
            by = reporter if reporter is not None else source
            dup_key = (ends_key, tie_type, by, levels[pos], weights[pos], since[pos], until[pos])
            first = seen.get(dup_key)
            if first is not None:
                out.at(None, row, "tie.duplicate", "warning",
                       f"same tie as row {first} (same ends, type, level and reporter); not added twice",
                       "Delete the repeated row.", rejected=True, **where)
                acc.rows_rejected += per_row
                continue
            seen[dup_key] = row
            conflict_key = (ends_key, tie_type, by)
            previous = levels_seen.get(conflict_key)
            strength = (levels[pos], weights[pos])
            if previous is not None and previous[1] != strength:
                out.at(None, row, "tie.conflicting", "warning",
                       f"the same tie is reported in row {previous[0]} with a different level or weight; both kept",
                       "Check which report is right, or keep both if they are two reports.", **where)
            else:
                levels_seen[conflict_key] = (row, strength)
            acc.tie_rows += per_row
            result["source"].append(source)
            result["target"].append(target)
            result["type"].append(tie_type)
            result["level"].append(levels[pos])
            result["weight"].append(weights[pos])
            result["direction"].append(direction)
            result["reported_by"].append(reporter)
            result["since"].append(since[pos])
            result["until"].append(until[pos])
            for key in other:
                result[key].append(cols[key][pos])
            result["table"].append(rec.table_index)
            result["row"].append(row)
        length = len(result["source"])
        for key in columns:
            if len(result[key]) < length:
                result[key].extend([None] * (length - len(result[key])))
        if rec.source_rows is not None:
            used = sum(1 for _, ok in rec.source_rows if ok)
            acc.tie_rows += used
            acc.rows_rejected += len(rec.source_rows) - used
    return result


def _actor_frame(actors: dict[str, dict[str, Any]]) -> pd.DataFrame:
    columns: list[str] = list(ACTOR_FIRST)
    for record in actors.values():
        columns += [k for k in record if k not in columns and k not in ("table", "row")]
    columns += ["table", "row"]
    frame = pd.DataFrame(
        {c: pd.Series([record.get(c) for record in actors.values()], dtype=object) for c in columns}
    )
    frame.index = pd.Index(list(actors), name="id", dtype=object)
    for c in ("lat", "lon"):
        frame[c] = pd.to_numeric(frame[c], errors="coerce").astype("float64")
    for c in ("table", "row"):
        frame[c] = frame[c].astype("Int64")
    return frame


def _tie_frame(ties: dict[str, list[Any]]) -> pd.DataFrame:
    frame = pd.DataFrame({k: pd.Series(v, dtype=object) for k, v in ties.items()})
    frame["level"] = frame["level"].astype("Int64")
    frame["weight"] = pd.to_numeric(frame["weight"], errors="coerce").astype("float64")
    frame["table"] = frame["table"].astype("int64")
    frame["row"] = frame["row"].astype("int64")
    return frame
