"""Small random care networks as an actors table and a ties table, and the transformations
that must not change any result (issue 11, "invariance as a law").

A :class:`Network` is the two tables as a coordinator would type them (one dict per row, text
and integers, ``None`` for an empty cell). :func:`networks` draws one; :func:`read` writes both
tables as CSV files and reads them back through :func:`carenet_graph.read.read_network`, so
that row order really is the order of the rows in a file.

Transformations (each returns a new :class:`Network`):

* :func:`permute_rows` – the rows of the actors table and of the ties table reordered,
  independently;
* :func:`swap_symmetric` – source and target exchanged on some ties whose direction
  (given, or the tie type's default) is undirected or mutual; the reporter is kept;
* :func:`explicit_reporters` – an empty ``reported_by`` filled in with the tie's source, who
  is its reporter by definition;
* :func:`relabel` – every actor id replaced (in ``id``, ``source``, ``target`` and
  ``reported_by``) through a bijection.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from carenet_graph.read.load import NetworkData, read_network
from carenet_graph.vocabulary import default_vocabulary

VOCAB = default_vocabulary()

#: Actor types by sector (vocabulary ids); a network uses two or three of these sectors.
SECTORS: dict[str, tuple[str, ...]] = {
    "medical": ("general_practitioner", "palliative_physician", "hospital_department"),
    "nursing_care": ("home_nursing_service", "nursing_home"),
    "social_welfare": ("municipal_social_services", "social_welfare_organisation"),
}
MUNICIPALITIES = ("Lemgo", "Detmold", "Blomberg")
#: Two directed and two undirected tie types, and no type at all (default direction undirected).
TIE_TYPES = ("referral", "consultation", "information_exchange", "shared_patients", None)
#: An empty direction takes the tie type's default.
DIRECTIONS = ("directed", "undirected", "mutual", None)
ACTOR_COLUMNS = ("id", "name", "type", "sector", "municipality")
TIE_COLUMNS = ("source", "target", "type", "level", "direction")

Row = dict[str, Any]


@dataclass(frozen=True)
class Network:
    """An actors table and a ties table, one dict per row (``None`` = empty cell).

    ``reported_by`` is a column of the ties table only when ``with_reporter`` is true.
    """

    actors: tuple[Row, ...]
    ties: tuple[Row, ...]
    with_reporter: bool

    @property
    def ids(self) -> list[str]:
        return [row["id"] for row in self.actors]


def direction_of(tie: Mapping[str, Any]) -> str:
    """The direction the reader gives a tie row: the one written, else the tie type's default."""
    if tie["direction"] is not None:
        return str(tie["direction"])
    tie_type = tie["type"]
    return "directed" if tie_type is not None and VOCAB.tie_type_directed(tie_type) else "undirected"


def reporter_of(tie: Mapping[str, Any]) -> str:
    """Who reported a tie row: ``reported_by``, else its source (as :func:`carenet_graph.network.reporter_of`)."""
    reporter = tie.get("reported_by")
    return str(reporter if reporter is not None else tie["source"])


@st.composite
def networks(draw: Callable[..., Any], min_actors: int = 4, max_actors: int = 14) -> Network:
    """4–14 actors in 2–3 sectors and municipalities; pairs reported once to three times
    (both sides reporting, in any direction, sometimes with different levels or level 0)."""
    n = draw(st.integers(min_actors, max_actors))
    sectors = list(SECTORS)[: draw(st.integers(2, 3))]
    municipalities = MUNICIPALITIES[: draw(st.integers(2, 3))]
    actors = []
    for i in range(n):
        sector = draw(st.sampled_from(sectors))
        # Now and then an actor with neither type nor sector: it forms the unlabelled group "".
        unlabelled = draw(st.integers(0, 11)) == 0
        actors.append({
            "id": f"a{i:02d}", "name": f"Organisation {i}",
            "type": None if unlabelled else draw(st.sampled_from(SECTORS[sector])),
            "sector": None if unlabelled else sector,
            "municipality": draw(st.sampled_from(municipalities)),
        })
    ids = [row["id"] for row in actors]
    # Sparse to dense: each pair of actors is reported on with a chance of 10 to 50 %.
    percent = draw(st.sampled_from((10, 20, 30, 50)))
    pairs = [(a, b) for i, a in enumerate(ids) for b in ids[i + 1:] if draw(st.integers(0, 99)) < percent]
    with_reporter = draw(st.booleans())
    ties: list[Row] = []
    for a, b in pairs:
        # One report; both sides reporting (each from its own side, as a survey gives them, in
        # the same direction and type or not, at the same level or not); or three reports.
        count = draw(st.sampled_from((1, 2, 2, 3)))
        alike = count == 2 and draw(st.booleans())
        for k in range(count):
            source, target = (a, b) if (k % 2 == 0 if count == 2 else draw(st.booleans())) else (b, a)
            tie: Row = {
                "source": source, "target": target, "type": draw(st.sampled_from(TIE_TYPES)),
                "level": draw(st.one_of(st.integers(0, 5), st.none())),
                "direction": draw(st.sampled_from(DIRECTIONS)),
            }
            if alike and k == 1:
                # The partner's report of the same kind of tie, perhaps at another level.
                tie = {**tie, "type": ties[-1]["type"], "direction": ties[-1]["direction"]}
            if with_reporter:
                tie["reported_by"] = draw(st.sampled_from((source, source, target, None)))
            ties.append(tie)
        if ties and draw(st.integers(0, 9)) == 0:
            ties.append(dict(ties[-1]))  # a row typed twice: the reader keeps one
    return Network(tuple(actors), tuple(ties), with_reporter)


def permute_rows(network: Network, actor_order: Sequence[int], tie_order: Sequence[int]) -> Network:
    """The same tables with their rows in another order."""
    return replace(network, actors=tuple(network.actors[i] for i in actor_order),
                   ties=tuple(network.ties[i] for i in tie_order))


def swap_symmetric(network: Network, swap: Sequence[bool]) -> Network:
    """Source and target exchanged on the ties marked in ``swap`` that are undirected or mutual.

    The reporter of a tie with no ``reported_by`` is its source; such a tie gets its source as
    ``reported_by`` when swapped, so that the swap changes neither the tie nor who reported it
    (that step alone is :func:`explicit_reporters`).
    """
    symmetric = [flip and direction_of(tie) != "directed" for tie, flip in zip(network.ties, swap, strict=True)]
    network = explicit_reporters(network, symmetric)
    ties = tuple({**tie, "source": tie["target"], "target": tie["source"]} if flip else tie
                 for tie, flip in zip(network.ties, symmetric, strict=True))
    return replace(network, ties=ties)


def explicit_reporters(network: Network, rows: Sequence[bool]) -> Network:
    """``reported_by`` filled in with the source (who reported a tie when it is empty) on the marked rows."""
    if not any(rows):
        return network
    ties = tuple({**tie, "reported_by": reporter_of(tie)} if mark else {"reported_by": None, **tie}
                 for tie, mark in zip(network.ties, rows, strict=True))
    return replace(network, ties=ties, with_reporter=True)


def relabel(network: Network, mapping: Mapping[str, str]) -> Network:
    """Every actor id replaced through ``mapping`` (a bijection of the ids)."""
    actors = tuple({**row, "id": mapping[row["id"]]} for row in network.actors)
    ties = []
    for tie in network.ties:
        new = {**tie, "source": mapping[tie["source"]], "target": mapping[tie["target"]]}
        if tie.get("reported_by") is not None:
            new["reported_by"] = mapping[tie["reported_by"]]
        ties.append(new)
    return replace(network, actors=actors, ties=tuple(ties))


def write_csv(path: Path, columns: Sequence[str], rows: Sequence[Mapping[str, Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(columns)
        writer.writerows([["" if row.get(c) is None else row[c] for c in columns] for row in rows])


def read(network: Network) -> NetworkData:
    """Both tables written as CSV files and read back with :func:`read_network`."""
    tie_columns = [*TIE_COLUMNS, "reported_by"] if network.with_reporter else list(TIE_COLUMNS)
    with tempfile.TemporaryDirectory() as folder:
        actors, ties = Path(folder) / "actors.csv", Path(folder) / "ties.csv"
        write_csv(actors, ACTOR_COLUMNS, network.actors)
        write_csv(ties, tie_columns, network.ties)
        return read_network(actors=[actors], ties=[ties])
