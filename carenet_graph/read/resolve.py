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

The actors are resolved here (an actors table whose every row is a new, complete actor in one
step); the ties, which are many more, column by column in :mod:`carenet_graph.read.ties`.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import repeat
from typing import Any

import numpy as np
import pandas as pd

from carenet_graph.i18n.formatting import english_plural
from carenet_graph.read.cells import TextKeys
from carenet_graph.read.headers import Table
from carenet_graph.read.problems import Accounting, Collector, Column
from carenet_graph.read.records import Records
from carenet_graph.read.ties import resolve_ties
from carenet_graph.vocabulary import Vocabulary

ACTOR_FIRST = ("name", "type", "sector", "municipality", "region", "country", "postcode", "lat", "lon")
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
    ties = resolve_ties(tie_recs, tables, actors, generated, infer, vocab, out, acc)
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
    key_of = TextKeys()
    for rec in recs:
        ids = rec.columns.get("id", [None] * len(rec))
        names = rec.columns.get("name", [None] * len(rec))
        keys = [k for k in rec.columns if k not in _NOT_ATTRIBUTES]
        id_col, where = _where(rec, tables, "id")
        name_col, _ = _where(rec, tables, "name")
        if _new_actors(rec, ids, names, keys, actors, by_name, key_of):
            acc.actor_rows += len(rec)
            continue
        key_of.prime(dict.fromkeys(v for v in names if v is not None))
        # Each row's attributes in column order, one tuple per row (the record is made from it).
        values = list(zip(*(rec.columns[k] for k in keys), strict=True)) if keys else [()] * len(rec)
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
            record = dict(zip(keys, values[pos], strict=True))
            record["table"], record["row"] = rec.table_index, row
            if ident is None:
                assert name is not None  # checked above: not both None
                # Without ids, a repeated name with no conflicting details is the same actor.
                same = by_name.get(key_of[name])
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
                key = key_of[str(record["name"])]
                if key in by_name and by_name[key] != ident:
                    other = actors[by_name[key]]
                    out.at(name_col, row, "actor.duplicate_name", "warning",
                           f"another actor (row {other['row']}) has the same name; ties cannot refer to "
                           "either by name", "Give the two actors distinguishable names, or refer to them by id.",
                           value=str(record["name"]), **where)
                else:
                    by_name[key] = ident
                continue
            if name is not None and key_of[name] != key_of[str(existing["name"])]:
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


def _new_actors(rec: Records, ids: list[Any], names: list[Any], keys: list[str], actors: dict[str, dict[str, Any]],
                by_name: dict[str, str], key_of: TextKeys) -> bool:
    """Add a table whose every row is a new actor with an id, a name and (if it has the column) a type,
    all ids and names new: what the row-by-row rules do with it, with nothing to report. Returns
    False, adding nothing, for any other table."""
    if (any(rec.rejected) or None in ids or None in names
            or ("type" in rec.source_columns and None in rec.columns.get("type", ()))):
        return False
    name_keys = key_of.of(names)
    if (len(set(ids)) < len(ids) or not actors.keys().isdisjoint(ids) or len(set(name_keys)) < len(ids)
            or not by_name.keys().isdisjoint(name_keys)):
        return False
    fields = [*keys, "table", "row"]
    values = zip(*(rec.columns[k] for k in keys), [rec.table_index] * len(rec), rec.rows, strict=True)
    actors.update(zip(ids, map(dict, map(zip, repeat(fields), values)), strict=True))
    by_name.update(zip(name_keys, ids, strict=True))
    return True


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


def _actor_frame(actors: dict[str, dict[str, Any]]) -> pd.DataFrame:
    records = list(actors.values())
    columns: list[str] = list(ACTOR_FIRST)
    # Records mostly share one order of keys: the columns are found from the distinct orders.
    for keys in dict.fromkeys(map(tuple, records)):
        columns += [k for k in keys if k not in columns and k not in ("table", "row")]
    columns += ["table", "row"]
    frame = pd.DataFrame(
        {c: pd.Series(list(map(dict.get, records, repeat(c))), dtype=object) for c in columns}
    )
    frame.index = pd.Index(list(actors), name="id", dtype=object)
    for c in ("lat", "lon"):
        frame[c] = pd.to_numeric(frame[c], errors="coerce").astype("float64")
    for c in ("table", "row"):
        frame[c] = frame[c].astype("Int64")
    return frame


def _tie_frame(ties: dict[str, list[Any]]) -> pd.DataFrame:
    # Each column is made in its final type before the frame: no column is replaced (and copied) after.
    columns: dict[str, pd.Series] = {}
    for key, values in ties.items():
        if key in ("table", "row"):  # Python ints: int64 at C speed, as astype("int64") makes them
            columns[key] = pd.Series(np.array(values, dtype=np.int64).reshape(len(values)))
        elif key == "level":  # whole numbers or None
            columns[key] = pd.Series(pd.array(values, dtype="Int64"))
        elif key == "weight" and values.count(None) == len(values):  # no weights given: all NaN
            columns[key] = pd.Series(np.full(len(values), np.nan))
        elif key == "weight":
            columns[key] = pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").astype("float64")
        else:
            columns[key] = pd.Series(values, dtype=object)
    return pd.DataFrame(columns, copy=False)
