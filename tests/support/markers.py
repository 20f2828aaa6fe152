"""A care network whose every identifying text is a unique marker (issue 13, "private means private").

:func:`write_wave` writes one survey wave into a folder, as a coordinator's office keeps it: a
German workbook (a title row, an actors sheet, a ties sheet, an adjacency-matrix sheet and a survey
sheet; cell comments; document properties) and a Dutch CSV export with more ties. Everything a
coordinator or a respondent typed and that could identify someone carries a marker: ``MKR`` and
six letters, each one distinct and recorded in :class:`Markers` with where it came from —

folder and file names, sheet names, the title row, extra column headers and their cells, actor
names (also as matrix headers, survey partners and respondents), notes, unknown actor-type and
tie-type texts, a municipality that is not one, reporters who are people, a matrix cell note, a
survey note, cell comments and their authors, the workbook's author and title.

Real municipalities (Lemgo, Detmold, Blomberg, from the reference list), vocabulary types,
levels and directions are ordinary content: they carry no marker. A search for the markers in
what a command writes and prints (tests/privacy/test_leaks.py) therefore finds exactly the
personal data that leaked.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass, field
from pathlib import Path

import xlsxwriter

from tests.support.hostile import Rows, write_csv

#: Every marker starts with this (followed by six upper-case letters).
PREFIX = "MKR"


@dataclass
class Markers:
    """Unique marker strings and where each came from (``origin[marker]``)."""

    seed: int = 13
    origin: dict[str, str] = field(default_factory=dict)
    _rng: random.Random = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    def new(self, origin: str) -> str:
        """A fresh marker for ``origin`` (e.g. ``"sheet name (actors)"``)."""
        while True:
            marker = PREFIX + "".join(self._rng.choice(string.ascii_uppercase) for _ in range(6))
            if marker not in self.origin:
                self.origin[marker] = origin
                return marker


@dataclass(frozen=True)
class Actor:
    name: str  # begins with its marker: a name shortened for a label still shows it
    type: str  # as typed: a vocabulary synonym, or an unknown text with a marker
    municipality: str
    postcode: str
    contact: str  # an extra column: a person's name
    notes: str


# (type text, municipality, postcode) of the twelve actors; None = an unknown type text (marked).
_PROFILES: tuple[tuple[str | None, str, str], ...] = (
    ("Hausarzt", "Lemgo", "32657"), ("Hausarzt", "Detmold", "32756"), ("PKD", "Detmold", "32756"),
    ("SAPV-Team", "Lemgo", "32657"), ("Pflegedienst", "Lemgo", "32657"), ("Pflegedienst", "Blomberg", "32825"),
    ("Ambulanter Hospizdienst", "Detmold", "32756"), ("stationäres Hospiz", "Lemgo", "32657"),
    ("Apotheke", "Blomberg", "32825"), ("Sozialamt", "Detmold", "32756"), (None, "Lemgo", "32657"),
    (None, "", "32825"),
)
_KINDS = ("Hausarztpraxis", "Praxis", "Palliativdienst", "Palliativteam", "Pflegedienst", "Sozialstation",
          "Hospizverein", "Hospiz", "Apotheke", "Sozialamt", "Beratungsstelle", "Nachbarschaftshilfe")


@dataclass
class Wave:
    """One written wave: its folder, its files, the actors' names (to build the next wave)."""

    folder: Path
    workbook: Path
    csv: Path
    actors: list[Actor]


def make_actors(markers: Markers) -> list[Actor]:
    """Twelve actors; two with an unknown type text, one in a place that is no municipality."""
    actors = []
    for i, ((type_text, municipality, postcode), kind) in enumerate(zip(_PROFILES, _KINDS, strict=True)):
        name = f"{markers.new(f'actor name ({kind})')} {kind}"
        if type_text is None:
            type_text = f"{markers.new(f'unknown actor type text ({kind})')} Frau Kowalski"
        if not municipality:
            municipality = f"{markers.new('municipality free text (no real municipality)')}-Dorf"
        contact = f"{markers.new(f'extra column cell: contact person ({kind})')} Weber"
        notes = f"{markers.new(f'actor notes ({kind})')} geht 2026 in Rente" if i % 3 == 0 else ""
        actors.append(Actor(name, type_text, municipality, postcode, contact, notes))
    return actors


def write_wave(folder: Path, markers: Markers, actors: list[Actor], *, wave: int) -> Wave:
    """Write wave ``wave`` (1 or 2) of the network into ``folder`` (created; its name is not changed).

    Wave 2 has the same actors but the last, one new actor, and other ties; every file name,
    sheet name and free text of wave 2 carries its own new markers.
    """
    folder.mkdir(parents=True, exist_ok=True)
    m = markers.new
    if wave == 2:
        actors = [*actors[:-1], Actor(f"{m('actor name (new in wave 2)')} Palliativnetz", "Netzwerkkoordination",
                                      "Detmold", "32756", f"{m('extra column cell: contact (wave 2)')} Weber", "")]
    names = [a.name for a in actors]
    book = folder / f"{m(f'input file name (workbook, wave {wave})')}_netzwerk.xlsx"
    sheets = {role: f"{role.title()} {m(f'sheet name ({role}, wave {wave})')}"
              for role in ("akteure", "zusammenarbeit", "matrix", "umfrage")}
    contact_header = f"{m(f'extra column header (actors, wave {wave})')} Ansprechperson"
    title = f"Netzwerkliste {m(f'title row above the header (wave {wave})')} Stand 2024"
    actor_rows: list[list[str | int | float | None]] = [
        [title], [],
        ["Name der Einrichtung", "Art der Einrichtung", "Gemeinde", "PLZ", "Anmerkungen", contact_header]]
    actor_rows += [[a.name, a.type, a.municipality, a.postcode, a.notes, a.contact] for a in actors]

    person = f"{m(f'reporter who is a person (wave {wave})')} Koordinatorin"
    tie_type = f"{m(f'unknown tie type text (wave {wave})')} Stammtisch"
    extra_tie_header = f"{m(f'extra column header (ties, wave {wave})')} Vermerk"
    pairs = [(0, 2, "Konsil", 3), (1, 2, "Konsil", 4), (2, 3, "gemeinsame Patienten", 5), (3, 4, "Überleitung", 3),
             (4, 5, "Informationsaustausch", 2), (5, 8, "Informationsaustausch", 1), (6, 7, "Fallbesprechung", 3),
             (7, 0, "Überleitung", 2), (8, 9, tie_type, 2), (9, 10, "Informationsaustausch", 2),
             (10, 11, "Konsil", 1), (11, 6, "gemeinsame Patienten", 4)]
    if wave == 2:
        pairs = [*pairs[:6], (0, 9, "Informationsaustausch", 2), (1, 6, "Fallbesprechung", 4), *pairs[8:]]
    tie_rows: list[list[str | int | float | None]] = [
        ["Von", "Mit", "Art der Zusammenarbeit", "Intensität", "Angegeben von", "Bemerkung", extra_tie_header]]
    for k, (a, b, kind, level) in enumerate(pairs):
        reporter = person if k == 2 else names[a]
        note = f"{m(f'tie notes (row {k + 2}, wave {wave})')} Streit im Qualitätszirkel" if k % 4 == 1 else ""
        extra = f"{m(f'extra column cell (ties row {k + 2}, wave {wave})')} privat" if k == 5 else ""
        tie_rows.append([names[a], names[b], kind, level, reporter, note, extra])

    # An adjacency matrix of four respondents; one cell holds a note instead of a level.
    cell_note = f"{m(f'matrix cell note (wave {wave})')} ruft nie zurück"
    square = [0, 3, 6, 9]
    matrix_rows: list[list[str | int | float | None]] = [["", *(names[j] for j in square)]]
    for i in square:
        matrix_rows.append([names[i], *(None if i == j else (cell_note if (i, j) == (3, 6) else (i + j) % 5 + 1)
                                        for j in square)])

    # A survey: one row per respondent; a respondent and a partner not in the actors sheet.
    stranger = f"{m(f'survey respondent not in the actors sheet (wave {wave})')} Palliativstation"
    partner = f"{m(f'survey partner not in the actors sheet (wave {wave})')} Seelsorge"
    survey_note = f"{m(f'survey notes (wave {wave})')} kennt Familie privat"
    survey_rows: list[list[str | int | float | None]] = [
        ["Befragte Einrichtung", "Partner 1", "Intensität 1", "Art 1", "Partner 2", "Intensität 2", "Art 2",
         "Anmerkung 1"],
        [names[1], names[4], 3, "Überleitung", names[8], 2, "Informationsaustausch", survey_note],
        [stranger, names[0], 4, "Konsil", partner, 1, "", ""],
    ]
    sheet_rows = {"akteure": actor_rows, "zusammenarbeit": tie_rows, "matrix": matrix_rows, "umfrage": survey_rows}
    workbook = xlsxwriter.Workbook(str(book))
    workbook.set_properties({"title": f"{m(f'workbook title property (wave {wave})')} Netzwerk",
                             "author": f"{m(f'workbook author property (wave {wave})')} Schulz"})
    for role, rows in sheet_rows.items():
        sheet = workbook.add_worksheet(sheets[role])
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, str) and value:
                    sheet.write_string(r, c, value)
                elif isinstance(value, int | float):
                    sheet.write_number(r, c, value)
        # A comment on the first data row's name cell (or the first cell), with its author.
        sheet.write_comment(3 if role == "akteure" else 1, 0,
                            f"{m(f'cell comment text ({role}, wave {wave})')} bitte anrufen",
                            {"author": f"{m(f'cell comment author ({role}, wave {wave})')} Becker"})
    workbook.close()

    # The Dutch CSV export of a partner organisation: more ties, by name.
    csv_path = folder / f"{m(f'input file name (csv, wave {wave})')}_samenwerking.csv"
    csv_rows: Rows = [
        ["Van", "Naar", "Soort samenwerking", "Niveau", "Ingevuld door", "Opmerking",
         f"{m(f'extra column header (csv, wave {wave})')} Contactpersoon"],
        [names[2], names[6], "verwijzing", 3, names[2], f"{m(f'csv tie notes (wave {wave})')} belt niet", ""],
        [names[3], names[9], f"{m(f'unknown tie type text (csv, wave {wave})')} Borrel", 2,
         f"{m(f'reporter who is a person (csv, wave {wave})')} Jansen", "",
         f"{m(f'extra column cell (csv, wave {wave})')} De Vries"],
        [names[11], names[0], "Informationsaustausch", 2, "", "", ""],
    ]
    write_csv(csv_path, csv_rows, delimiter=";")
    return Wave(folder, book, csv_path, actors)


@dataclass(frozen=True)
class MarkedNetwork:
    """Two waves of one marked network: ``first`` and ``second`` folders, and every marker's origin."""

    first: Wave
    second: Wave
    markers: Markers


def write_network(root: Path, seed: int = 13) -> MarkedNetwork:
    """Both waves under ``root``, each in a folder whose name carries a marker."""
    markers = Markers(seed)
    actors = make_actors(markers)
    first = write_wave(root / f"{markers.new('input folder name (wave 1)')}_welle_2024", markers, actors, wave=1)
    second = write_wave(root / f"{markers.new('input folder name (wave 2)')}_welle_2025", markers, actors, wave=2)
    return MarkedNetwork(first, second, markers)
