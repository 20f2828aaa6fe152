"""What a pseudonymised network may contain: an allow-list of *values*, not only of attributes.

Dropping the columns that can hold personal data is not enough: a municipality cell can hold
"bei Frau Weber", a type cell a person's name, a file or sheet name "Praxis Dr. Müller". So every
value that reaches a pseudonymised graph (and from it every output: graph files, tables,
workbooks, maps, reports, comparisons) is one of

1. a **keyed pseudonym**: actor ids and names, reporters (:mod:`.pseudonyms`), and the keyed
   code of a place that is not in the reference list (:meth:`ValueFilter.place`, e.g.
   ``"Place 7K3Q-9XPA"``);
2. a **vocabulary id**: actor type, sector, tie type (also in a collapsed graph's ``types``),
   direction; an unknown text becomes the vocabulary's catch-all id (``other_organisation``,
   ``other``);
3. a **reference-list place name**: municipality, region and country exactly as spelled in
   ``privacy/places.csv`` (Kreis Lippe, Värmland, Eemland and their countries, from the
   project's reference municipalities), matched ignoring case, spacing and the words for
   "municipality" (:func:`carenet_graph.vocabulary.matching.place_key`);
4. a **number** or **boolean**: levels, weights, strengths, distances, report counts,
   coordinates rounded to 0.01° (about 1 km), table and row indexes, and numbers in extra
   columns the caller chose to keep;
5. an **ISO date** (``since``, ``until``: YYYY, YYYY-MM or YYYY-MM-DD) and, only when the caller
   keeps ``postcode``, a postcode of digits (DE ``32657``, NL ``3811 AB``, SE ``651 84``);
6. the **tool's own words**: the neutral graph name ``"care network"``, ``"file 1"`` /
   ``"file 1 › sheet 2"`` for the inputs (the second table read from the first file), the
   description of the method, attribute names of the graph schema.

Anything else is dropped (text in an extra column even when the caller keeps the column) or
replaced (types, places); :attr:`ValueFilter.replaced` counts what was, per attribute.

Why keyed codes for unknown places, not one "other municipality": scorecards, group measures
and maps compare municipalities, and two unknown places must stay two groups. The code is an
HMAC under the coordinator's key (as for actors; domain-separated, so it never equals an actor's
pseudonym), so the same place gets the same code in every wave and nobody without the key can
test a guessed place name against it.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import math
import re
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping
from functools import lru_cache
from importlib import resources
from typing import Any

from carenet_graph.network import (
    COUNTRY,
    DIRECTION,
    DISTANCE,
    LAT,
    LEVEL,
    LON,
    MUNICIPALITY,
    POSTCODE,
    REGION,
    REPORTS,
    ROW,
    SECTOR,
    SINCE,
    STRENGTH,
    TABLE,
    TYPE,
    TYPES,
    UNTIL,
    WEIGHT,
)
from carenet_graph.vocabulary import Vocabulary, default_vocabulary
from carenet_graph.vocabulary.matching import place_key

__all__ = ["COORDINATE_DECIMALS", "NEUTRAL_NAME", "OTHER_ACTOR_TYPE", "OTHER_SECTOR", "OTHER_TIE_TYPE",
           "PLACE_PREFIXES", "ValueFilter", "base32_code", "graph_attributes", "reference_places", "rounded"]

#: Decimals kept of latitude and longitude: 0.01° is 1.1 km north-south (0.7 km east-west at 52° N).
COORDINATE_DECIMALS = 2
#: The name of every pseudonymised graph (the original is the first input's file name).
NEUTRAL_NAME = "care network"
#: Text before the keyed code of a place not in the reference list, per attribute.
PLACE_PREFIXES: Mapping[str, str] = {MUNICIPALITY: "Place", REGION: "Region", COUNTRY: "Country"}
#: Catch-all vocabulary ids for texts that are not ids (the reader maps unknown texts to these too).
OTHER_ACTOR_TYPE = "other_organisation"
OTHER_SECTOR = "other"
OTHER_TIE_TYPE = "other"

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# Domain separation from actor pseudonyms: a place named like an actor gets another code. Fixed for good.
_PLACE_CONTEXT = b"carenet-graph place code v1\x00"
_DIRECTIONS = frozenset({"directed", "undirected", "mutual"})
_ISO_DATE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")
_POSTCODE = re.compile(r"\d{3,5}(?: ?[0-9A-Za-z]{1,3})?")
_VERSION = re.compile(r"[0-9A-Za-z.+-]{1,32}")
_COLLAPSE_MODES = frozenset({"any", "mutual", "directed", "undirected"})
_COMBINE = frozenset({"max", "sum", "mean"})


def base32_code(digest: bytes, nbytes: int) -> str:
    """The first ``nbytes`` of ``digest`` as Crockford base32, in groups of four characters."""
    value = int.from_bytes(digest[:nbytes], "big")
    chars = nbytes * 8 // 5
    text = "".join(_CROCKFORD[(value >> (5 * i)) & 31] for i in reversed(range(chars)))
    return "-".join(text[i:i + 4] for i in range(0, chars, 4))


@lru_cache(maxsize=1)
def reference_places() -> Mapping[str, Mapping[str, str]]:
    """Attribute (municipality, region, country) → {place key: name as listed in ``places.csv``}."""
    text = resources.files("carenet_graph.privacy").joinpath("places.csv").read_text(encoding="utf-8")
    places: dict[str, dict[str, str]] = {k: {} for k in PLACE_PREFIXES}
    for row in csv.DictReader(io.StringIO(text)):
        places[row["kind"]][place_key(row["name"])] = row["name"]
    return places


def _number(value: Any) -> Any:
    if isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    return None


def _index(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _date(value: Any) -> str | None:
    return value if isinstance(value, str) and _ISO_DATE.fullmatch(value) else None


def rounded(value: Any) -> float | None:
    """A coordinate rounded to :data:`COORDINATE_DECIMALS` (None for anything but a finite number)."""
    if isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return round(number, COORDINATE_DECIMALS) if math.isfinite(number) else None


class ValueFilter:
    """The value allow-list of one run (see the module docstring): each method returns the value
    an output may carry, or None to drop it. :attr:`replaced` counts replaced and dropped values
    per attribute; :attr:`places_coded` the distinct places written as keyed codes."""

    def __init__(self, key: bytes, vocabulary: Vocabulary | None = None) -> None:
        vocab = vocabulary if vocabulary is not None else default_vocabulary()
        self._key = key
        self._actor_types = frozenset(vocab.actor_types)
        self._sectors = frozenset(vocab.sectors)
        self._tie_types = frozenset(vocab.tie_types)
        self._places: dict[tuple[str, Hashable], tuple[str | None, bool]] = {}
        self.replaced: Counter[str] = Counter()
        self._coded: set[str] = set()

    @property
    def places_coded(self) -> int:
        """How many distinct places (municipalities, regions, countries) were written as codes."""
        return len(self._coded)

    def _count(self, k: str) -> None:
        self.replaced[k] += 1

    def place(self, k: str, value: Any) -> str | None:
        """A reference-list name, or the keyed code ``"Place XXXX-XXXX"`` (worked out once per value)."""
        try:
            found, coded = self._places[k, value]
        except KeyError:
            found, coded = self._places[k, value] = self._place(k, value)
        except TypeError:  # an unhashable value (a list put into the graph by hand)
            found, coded = self._place(k, value)
        if coded:
            self._count(k)
        return found

    def _place(self, k: str, value: Any) -> tuple[str | None, bool]:

        text = place_key(str(value))
        if not text:
            return None, False
        listed = reference_places()[k].get(text)
        if listed is not None:
            return listed, False
        digest = hmac.digest(self._key, _PLACE_CONTEXT + k.encode() + b"\x00" + text.encode("utf-8"),
                             hashlib.sha256)
        code = f"{PLACE_PREFIXES[k]} {base32_code(digest, 5)}"
        self._coded.add(code)
        return code, True

    def node(self, k: str, value: Any) -> Any:
        """The value of node attribute ``k`` an output may carry (None: drop it)."""
        if k == TYPE:
            return self._vocabulary_id(k, value, self._actor_types, OTHER_ACTOR_TYPE)
        if k == SECTOR:
            return self._vocabulary_id(k, value, self._sectors, OTHER_SECTOR)
        if k in PLACE_PREFIXES:
            return self.place(k, value)
        if k in (LAT, LON):
            return rounded(value)
        if k in (TABLE, ROW):
            return self._checked(k, _index(value))
        if k == POSTCODE:
            text = str(value).strip()
            return self._checked(k, text if _POSTCODE.fullmatch(text) else None)
        return self._checked(k, self._plain(value))

    def edge(self, k: str, value: Any) -> Any:
        """The value of edge attribute ``k`` an output may carry (``reported_by`` is the caller's)."""
        if k == TYPE:
            return self._vocabulary_id(k, value, self._tie_types, OTHER_TIE_TYPE)
        if k in (LEVEL, WEIGHT, STRENGTH, DISTANCE, REPORTS):
            return self._checked(k, _number(value))
        if k == DIRECTION:
            return self._checked(k, value if value in _DIRECTIONS else None)
        if k in (SINCE, UNTIL):
            return self._checked(k, _date(value))
        if k in (TABLE, ROW):
            return self._checked(k, _index(value))
        if k == TYPES:
            if not isinstance(value, str):
                return self._checked(k, None)
            kinds = {t if t in self._tie_types else OTHER_TIE_TYPE for t in value.split(";") if t}
            return ";".join(sorted(kinds))
        return self._checked(k, self._plain(value))

    def _vocabulary_id(self, k: str, value: Any, known: frozenset[str], other: str) -> str:
        if isinstance(value, str) and value in known:
            return value
        self._count(k)
        return other

    def _checked(self, k: str, value: Any) -> Any:
        if value is None:
            self._count(k)
        return value

    @staticmethod
    def _plain(value: Any) -> Any:
        # An extra column the caller chose to keep: its numbers and dates, never its text.
        return _number(value) if not isinstance(value, str) else _date(value)

    def tie_types(self, values: Iterable[Any]) -> list[str]:
        """Tie-type ids among ``values`` (a collapsed graph's filter), others as the catch-all id."""
        return sorted({v if v in self._tie_types else OTHER_TIE_TYPE for v in values})


def _file_name(path: str) -> str:
    # Both separators: a graph read on Linux may carry Windows paths, and the reverse.
    return re.split(r"[\\/]", path)[-1]


def graph_attributes(graph: Mapping[str, Any], values: ValueFilter) -> dict[str, Any]:
    """The graph-level attributes of a pseudonymised graph (everything else is dropped).

    ``name`` is :data:`NEUTRAL_NAME`; ``sources`` are ``"file 1"``, ``"file 2"``... in the order
    read; ``tables`` keep their order (node and edge ``table`` attributes index them) and read
    ``"file N"`` for a CSV and ``"file N › sheet M"`` for the M-th table read from workbook N;
    ``vocabulary_version`` is kept when it looks like a version; ``collapsed`` keeps its mode,
    combine rule, minimum level and tie-type ids.
    """
    result: dict[str, Any] = {"name": NEUTRAL_NAME}
    version = graph.get("vocabulary_version")
    if isinstance(version, str) and _VERSION.fullmatch(version):
        result["vocabulary_version"] = version
    sources = list(graph.get("sources", ()) or ())
    files = {_file_name(str(s)): i for i, s in reversed(list(enumerate(sources, 1)))}
    result["sources"] = [f"file {i}" for i in range(1, len(sources) + 1)]
    sheets: Counter[int] = Counter()
    tables = []
    unlisted = len(sources)  # a table whose file is not among the sources (a graph built by hand)
    for entry in graph.get("tables", ()) or ():
        file, sep, _sheet = str(entry).partition(" › ")
        if _file_name(file) not in files:
            unlisted += 1
            files[_file_name(file)] = unlisted
        number = files[_file_name(file)]
        if sep:
            sheets[number] += 1
            tables.append(f"file {number} › sheet {sheets[number]}")
        else:
            tables.append(f"file {number}")
    result["tables"] = tables
    collapsed = graph.get("collapsed")
    if isinstance(collapsed, Mapping):
        mode, combine, tie_types = collapsed.get("mode"), collapsed.get("combine"), collapsed.get("tie_types")
        result["collapsed"] = {
            "mode": mode if mode in _COLLAPSE_MODES else None,
            "tie_types": values.tie_types(tie_types) if isinstance(tie_types, list | tuple) else None,
            "min_level": _number(collapsed.get("min_level")),
            "combine": combine if combine in _COMBINE else None,
        }
    return result
