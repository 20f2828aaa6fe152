"""Hub networks as input files: a star (one hub, k spokes) and a star of stars (issue 12).

Care-record networks have real hubs — a pharmacy or a laboratory that works with every GP of a
region — so no step may grow with the square of one actor's degree. These generators write
the networks as two CSV files (``actors.csv``, ``ties.csv``) in the columns a coordinator types,
for the end-to-end tests (``tests/analysis/test_hubs.py``) and ``benchmarks/bench_hub.py``.

Spokes take their type from :data:`SPOKE_TYPES` in turn (spoke i has type ``i % 4``), so the
four sectors' sizes are known in closed form (:func:`spoke_sectors`); the hub is a pharmacy
(sector ``pharmacy_therapy``, the same sector as every fourth spoke). Every actor is in one
municipality and region, ties are ``shared_patients`` at level 3, undirected.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

#: (type, sector) of the spokes, in turn.
SPOKE_TYPES = (
    ("general_practitioner", "medical"),
    ("home_nursing_service", "nursing_care"),
    ("social_welfare_organisation", "social_welfare"),
    ("pharmacy", "pharmacy_therapy"),
)
HUB = ("pharmacy", "pharmacy_therapy")
ACTOR_HEADER = ("id", "name", "type", "sector", "municipality", "region", "country")
TIE_HEADER = ("source", "target", "type", "level", "direction")


def spoke_id(i: int) -> str:
    return f"S{i:06d}"


def spoke_sectors(k: int) -> Counter[str]:
    """How many of ``k`` spokes are in each sector."""
    return Counter(SPOKE_TYPES[i % len(SPOKE_TYPES)][1] for i in range(k))


def _actor(actor_id: str, name: str, kind: tuple[str, str]) -> tuple[str, ...]:
    return (actor_id, name, kind[0], kind[1], "Lemgo", "Lippe", "DE")


def _write(folder: Path, actors: list[tuple[str, ...]], ties: list[tuple[str, ...]]) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = folder / "actors.csv", folder / "ties.csv"
    for path, header, rows in ((paths[0], ACTOR_HEADER, actors), (paths[1], TIE_HEADER, ties)):
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
    return paths


def write_star(folder: Path, spokes: int) -> tuple[Path, Path]:
    """A pharmacy ``H`` tied to ``spokes`` actors; returns the actors and ties files."""
    actors = [_actor("H", "Hub pharmacy", HUB)]
    actors += [_actor(spoke_id(i), f"Spoke {i}", SPOKE_TYPES[i % len(SPOKE_TYPES)]) for i in range(spokes)]
    ties = [("H", spoke_id(i), "shared_patients", "3", "undirected") for i in range(spokes)]
    return _write(folder, actors, ties)


def write_star_of_stars(folder: Path, hubs: int, spokes: int) -> tuple[Path, Path]:
    """A centre ``C`` (a pharmacy) tied to ``hubs`` hubs ``H000``…, each tied to ``spokes`` spokes
    of its own (spoke j of hub h is ``S{h * spokes + j}``); the hubs are also tied in a ring, so
    the network has triangles (C, H_h, H_h+1) as well as open two-paths through every hub."""
    actors = [_actor("C", "Centre pharmacy", HUB)]
    ties = []
    for h in range(hubs):
        hub = f"H{h:03d}"
        actors.append(_actor(hub, f"Hub {h}", SPOKE_TYPES[h % len(SPOKE_TYPES)]))
        ties.append(("C", hub, "shared_patients", "3", "undirected"))
        if hubs > 2:
            ties.append((hub, f"H{(h + 1) % hubs:03d}", "shared_patients", "2", "undirected"))
        for j in range(spokes):
            i = h * spokes + j
            actors.append(_actor(spoke_id(i), f"Spoke {i}", SPOKE_TYPES[i % len(SPOKE_TYPES)]))
            ties.append((hub, spoke_id(i), "shared_patients", "3", "undirected"))
    return _write(folder, actors, ties)
