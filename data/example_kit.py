"""Shared parts of the example generators for Värmland and Eemland (see ``make_examples.py``).

An example is a list of :class:`Actor` (synthetic organisations placed in real municipalities)
and a :class:`TieBook` of reported collaborations, written into a workbook the way a coordinator
keeps it: an instructions sheet first, an actors sheet with a title above the header, and a ties
sheet. Everything is drawn from one seeded ``random.Random`` per example, and the workbook gets
a fixed creation date, so a re-run writes a byte-identical file.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import xlsxwriter

Cell = str | int | float | datetime.date | None

# The care and social domains of the vocabulary (``sector_domains``) by actor type, so that a
# generator can keep a planted "care and welfare never meet here" gap intact.
CARE_TYPES = frozenset({
    "general_practitioner", "palliative_physician", "palliative_consult_service", "specialised_home_palliative_team",
    "palliative_care_unit", "hospital_department", "home_nursing_service", "nursing_home", "inpatient_hospice",
    "outpatient_hospice_service", "pharmacy", "therapy_practice",
})
SOCIAL_TYPES = frozenset({
    "home_help_service", "social_welfare_organisation", "municipal_social_services", "municipality",
    "regional_authority", "spiritual_care", "volunteer_organisation", "carer_support",
})


@dataclass
class Actor:
    """One organisation: ``key`` is the generator's handle, ``kind`` its actor-type id (for gap rules)."""

    key: str
    ident: str
    name: str
    type_text: str
    kind: str
    muni: str
    postcode: str
    lat: float | None
    lon: float | None
    note: str = ""

    @property
    def domain(self) -> str:
        return "care" if self.kind in CARE_TYPES else "social" if self.kind in SOCIAL_TYPES else "connective"


def jitter(rng: random.Random, lat: float, lon: float, dlat: float, dlon: float) -> tuple[float, float]:
    """A point near (lat, lon): organisations lie somewhere in the municipality, not on its centre."""
    return round(lat + rng.uniform(-dlat, dlat), 4), round(lon + rng.uniform(-dlon, dlon), 4)


def expand(local: str) -> list[str]:
    """'vc*2 hsv ht' → ['vc', 'vc', 'hsv', 'ht']."""
    out = []
    for word in local.split():
        cat, _, n = word.partition("*")
        out += [cat] * int(n or 1)
    return out


class TieBook:
    """Tie rows [from, to, type text, level, reporter, since, note]; one per (pair, type).

    ``ref`` turns an actor into what the coordinator writes in the from/to columns (an id, a
    number or the name); ``allowed`` vetoes ties that would fill a planted gap; ``since``
    draws a start date in the country's convention.
    """

    def __init__(self, actors: Sequence[Actor], rng: random.Random, ref: Callable[[Actor], Cell],
                 allowed: Callable[[Actor, Actor], bool], since: Callable[[random.Random], Cell]) -> None:
        self.by_key = {a.key: a for a in actors}
        self.rng = rng
        self.ref = ref
        self.allowed = allowed
        self.draw_since = since
        self.rows: list[list[Cell]] = []
        self.pairs: list[tuple[Actor, Actor]] = []
        self.seen: set[tuple[frozenset[str], str]] = set()

    def get(self, a: Actor | str) -> Actor:
        return self.by_key[a] if isinstance(a, str) else a

    def of(self, muni: str, *cats: str) -> list[Actor]:
        return [a for a in self.by_key.values() if a.muni == muni and a.key.split(":")[0] in cats]

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def add(self, a: Actor | str, b: Actor | str, kind: str, low: int, high: int | None = None,
            p: float = 1.0) -> None:
        """Add a tie a → b with a Frey level in low..high, with probability ``p``."""
        if p < 1 and not self.chance(p):
            return
        x, y = self.get(a), self.get(b)
        pair = frozenset((x.key, y.key))
        if x.key == y.key or (pair, kind) in self.seen or not self.allowed(x, y):
            return
        self.seen.add((pair, kind))
        level = self.rng.randint(low, high if high is not None else low)
        self.rows.append([self.ref(x), self.ref(y), kind, level, self.ref(x), self.draw_since(self.rng), ""])
        self.pairs.append((x, y))

    def partner_reports(self, n: int, eligible: Callable[[Actor, Actor], bool], note: str) -> None:
        """The partner's own report of ``n`` ties; the first four disagree by two levels."""
        candidates = [i for i, (x, y) in enumerate(self.pairs) if eligible(x, y)]
        for k, i in enumerate(self.rng.sample(candidates, n)):
            row, (_, y) = self.rows[i], self.pairs[i]
            level = int(str(row[3]))
            if k < 4:
                level = level + 2 if level <= 3 else level - 2
            else:
                level = min(5, max(1, level + self.rng.choice([-1, 0, 1])))
            self.rows.append([row[0], row[1], row[2], level, self.ref(y), row[5], note])

    def insert(self, plan: Sequence[tuple[int, str, list[Cell] | None]]) -> dict[str, int]:
        """Insert flawed rows at positions (increasing; None = copy of the row above); their sheet rows."""
        rows: dict[str, int] = {}
        for pos, what, flawed in plan:
            self.rows.insert(pos, list(self.rows[pos - 1]) if flawed is None else flawed)
            rows[what] = pos + 2  # the header is row 1
        return rows


@dataclass
class Sheet:
    """One data sheet: ``top`` title lines above the header (then one blank row, if any)."""

    name: str
    header: list[str]
    widths: list[int]
    rows: Sequence[Sequence[Cell]]
    text_columns: tuple[str, ...] = ()
    title: tuple[str, ...] = ()


def write_workbook(path: Path, *, title: str, created: datetime.datetime, instructions_sheet: str,
                   instructions: Sequence[str], sheets: Sequence[Sheet], date_format: str) -> None:
    """Instructions sheet first, then the data sheets; numbers as numbers, ids and postcodes as text."""
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(path))
    wb.set_properties({"title": title, "author": "carenet-graph", "created": created})  # fixed: byte-identical
    info = wb.add_worksheet(instructions_sheet)
    info.set_column(0, 0, 110)
    wrap, bold = wb.add_format({"text_wrap": True}), wb.add_format({"bold": True, "font_size": 13})
    for r, line in enumerate(instructions):
        info.write_string(r, 0, line, bold if r == 0 else wrap)
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    text, coord = wb.add_format({"num_format": "@"}), wb.add_format({"num_format": "0.0000"})
    day = wb.add_format({"num_format": date_format})
    for spec in sheets:
        sheet = wb.add_worksheet(spec.name)
        for r, line in enumerate(spec.title):
            sheet.write_string(r, 0, line, bold if r == 0 else None)
        top = len(spec.title) + 1 if spec.title else 0
        for c, (name, width) in enumerate(zip(spec.header, spec.widths, strict=True)):
            sheet.write_string(top, c, name, head)
            sheet.set_column(c, c, width)
        for r, row in enumerate(spec.rows, start=top + 1):
            for c, value in enumerate(row):
                _write(sheet, r, c, value, text if spec.header[c] in spec.text_columns else None, coord, day)
        sheet.freeze_panes(top + 1, 0)
        sheet.autofilter(top, 0, top + len(spec.rows), len(spec.header) - 1)
    wb.close()


def _write(sheet: Any, r: int, c: int, value: Cell, text: Any, coord: Any, day: Any) -> None:
    if isinstance(value, datetime.date):
        sheet.write_datetime(r, c, datetime.datetime(value.year, value.month, value.day), day)
    elif isinstance(value, float):
        sheet.write_number(r, c, value, coord)
    elif isinstance(value, int):
        sheet.write_number(r, c, value)
    elif value:
        sheet.write_string(r, c, value, text)
