"""Raw sheets → tables: the header row found, the columns named, the table's role recognised.

A table's header row is found below title rows by matching the header aliases of the
vocabulary (a note in brackets is ignored: "Niveau (1-5)"); its role (actors, ties, adjacency
matrix, survey) is recognised from the headers, or set by the caller or by the sheet's name
in any of the four languages. Instruction and list sheets are never taken for data.
"""

from __future__ import annotations

import difflib
import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import compress

from carenet_graph.i18n.formatting import english_plural
from carenet_graph.read.files import RawSheet
from carenet_graph.read.problems import Column, Problem
from carenet_graph.vocabulary import Vocabulary, text_key

#: The template's sheet names per role and language (:mod:`carenet_graph.output.template` writes
#: them; they live here because reading must recognise them and never imports from output).
#: ``lists`` is the same everywhere (it is hidden).
SHEET_NAMES: dict[str, dict[str, str]] = {
    "instructions": {
        "en": "Instructions", "de": "Anleitung", "nl": "Instructies", "sv": "Instruktioner",
    },
    "actors": {"en": "Actors", "de": "Akteure", "nl": "Actoren", "sv": "Aktörer"},
    "ties": {"en": "Ties", "de": "Zusammenarbeit", "nl": "Samenwerking", "sv": "Samverkan"},
    "lists": {"en": "lists", "de": "lists", "nl": "lists", "sv": "lists"},
}

#: Other sheet names (any of the four languages) by what they hold; :data:`SHEET_NAMES` are
#: recognised first.
SHEET_ROLE_NAMES: dict[str, tuple[str, ...]] = {
    "actors": (
        "actors", "actor", "nodes", "organisations", "organizations", "akteure", "akteur",
        "einrichtungen", "knoten", "teilnehmer", "actoren", "actors nl", "organisaties",
        "deelnemers", "knooppunten", "aktörer", "aktör", "organisationer", "noder",
    ),
    "ties": (
        "ties", "edges", "links", "relations", "relationships", "collaborations",
        "beziehungen", "kooperationen", "zusammenarbeit", "kanten", "verbindungen", "netzwerk",
        "relaties", "samenwerking", "samenwerkingen", "verbindingen", "relationer",
        "samverkan", "samarbeten", "kanter", "länkar",
    ),
    "skip": (
        "instructions", "instruction", "readme", "read me", "help", "lists", "list", "legend",
        "anleitung", "hinweise", "ausfüllhinweise", "erläuterungen", "listen", "legende", "hilfe",
        "instructies", "toelichting", "uitleg", "lijsten", "legenda", "instruktioner",
        "anvisningar", "instruktion", "listor", "förklaring", "hjälp", "about", "info",
    ),
}

#: Header words (as :func:`~carenet_graph.vocabulary.text_key`) of a survey's numbered partner
#: columns ("Partner 1", "Kooperationspartner 2"): two of them make a table a survey.
PARTNER_WORDS = ("partner", "kooperationspartner", "samenwerkingspartner", "samverkanspartner",
                 "contact", "organisation", "organisatie", "organisation sv", "aktör")
_NUMBERED = re.compile(r"^(?P<word>[^\d]+?)\s*(?P<n>\d{1,3})$")
# Title rows above a header are few; a header further down is not looked for.
_MAX_HEADER_SCAN = 30


@dataclass
class Table:
    """A rectangular block of text cells from one file (and sheet).

    ``rows`` are the non-blank data rows below the header; ``row_numbers`` their 1-based row
    numbers as the spreadsheet (or the record count of a CSV file) shows them.
    """

    file: str
    sheet: str | None
    header: list[str]
    header_row: int
    rows: list[list[str]]
    row_numbers: list[int]
    role: str = "unknown"
    columns: dict[str, int] = field(default_factory=dict)
    blank_rows: int = 0
    title_rows: list[int] = field(default_factory=list)

    def column_at(self, index: int) -> Column:
        """Where column ``index`` is, to locate a problem; a column without a header is "column N"."""
        header = self.header[index] if index < len(self.header) else ""
        return Column(self.file, self.sheet, header or f"column {index + 1}", index)


def sheet_role_from_name(sheet: str | None) -> str | None:
    """'actors', 'ties' or 'skip' (instructions, lists) for a sheet name in any language."""
    if sheet is None:
        return None
    key = text_key(sheet)
    for role, names in SHEET_NAMES.items():
        if key in {text_key(n) for n in names.values()}:
            return {"instructions": "skip", "lists": "skip"}.get(role, role)
    for role, names_ in SHEET_ROLE_NAMES.items():
        if key in names_:
            return role
    return None


_BRACKETED = re.compile(r"\([^)]*\)|\[[^\]]*\]")


def header_name(cell: str, aliases: dict[str, str]) -> str | None:
    """Canonical column name of a header; a note in brackets is ignored ("Niveau (1-5)")."""
    canonical = aliases.get(text_key(cell))
    if canonical is None and ("(" in cell or "[" in cell):
        canonical = aliases.get(text_key(_BRACKETED.sub(" ", cell)))
    return canonical


def _header_score(row: Sequence[str], aliases: dict[str, str]) -> int:
    seen = set()
    for cell in row:
        canonical = header_name(cell, aliases)
        if canonical:
            seen.add(canonical)
    return len(seen)


def find_table(raw: RawSheet, vocab: Vocabulary, role_hint: str | None, problems: list[Problem]) -> Table | None:
    """Locate the header row and data rows of a raw sheet and recognise its role.

    Returns None when the sheet holds no non-blank row at all.
    """
    rows = raw.rows
    # Whether each row holds anything but whitespace, in one C-level pass over the rows.
    non_blank = list(compress(range(len(rows)), map(str.strip, map("".join, rows))))
    if not non_blank:
        return None
    actor_aliases = vocab.header_aliases("actors")
    tie_aliases = vocab.header_aliases("ties")
    header_index = None
    for i in non_blank[:_MAX_HEADER_SCAN]:
        row = rows[i]
        if max(_header_score(row, actor_aliases), _header_score(row, tie_aliases)) >= 2 or _looks_like_survey(row):
            header_index = i
            break
    if header_index is None:
        # No known headers: take the first row with at least two filled cells.
        header_index = next((i for i in non_blank if sum(1 for c in rows[i] if c.strip()) >= 2), non_blank[0])
    header = [c.strip() for c in rows[header_index]]
    while header and not header[-1]:
        header.pop()
    title_rows = [raw.first_row + i for i in non_blank if i < header_index]
    data = non_blank[bisect_right(non_blank, header_index):]
    data_rows = list(map(rows.__getitem__, data))
    numbers = list(map((raw.first_row).__add__, data))
    blank = len(rows) - header_index - 1 - len(data)
    # Trailing blank rows (stray formatting far below the data) are not worth counting.
    last = non_blank[-1]
    blank -= len(rows) - last - 1
    table = Table(raw.file, raw.sheet, header, raw.first_row + header_index, data_rows, numbers,
                  blank_rows=max(blank, 0), title_rows=title_rows)
    if title_rows:
        problems.append(Problem("table.title_rows", "info",
                                f"{english_plural(len(title_rows), 'title row')} above the header skipped",
                                file=raw.file, sheet=raw.sheet, row=title_rows[0], count=len(title_rows),
                                rows=tuple(title_rows[:20])))
    classify(table, vocab, role_hint)
    return table


def _looks_like_survey(row: Sequence[str]) -> bool:
    return sum(1 for c in row if _partner_number(c) is not None) >= 2


def numbered_header(header: str) -> tuple[str, int] | None:
    """The word and number of a numbered survey header, else None.

    Parameters
    ----------
    header:
        A header cell, e.g. ``"Partner 3"`` or ``"Niveau 12"``.

    Returns
    -------
    tuple of (str, int) or None
        The word as its :func:`~carenet_graph.vocabulary.text_key` and the number (at most
        three digits): ``("partner", 3)``, ``("niveau", 12)``.

    Examples
    --------
    >>> numbered_header("Kooperationspartner 2")
    ('kooperationspartner', 2)
    >>> numbered_header("Name") is None
    True
    """
    m = _NUMBERED.match(text_key(header))
    if m is None:
        return None
    return m.group("word").strip(), int(m.group("n"))


def _partner_number(header: str) -> int | None:
    numbered = numbered_header(header)
    if numbered is not None and numbered[0] in PARTNER_WORDS:
        return numbered[1]
    return None


def map_columns(header: Sequence[str], aliases: dict[str, str]) -> dict[str, int]:
    """Canonical column name → index; the first column wins when two map to one name."""
    out: dict[str, int] = {}
    for index, cell in enumerate(header):
        canonical = header_name(cell, aliases)
        if canonical and canonical not in out:
            out[canonical] = index
    return out


def classify(table: Table, vocab: Vocabulary, role_hint: str | None) -> None:
    """Set ``table.role`` and ``table.columns`` from the header (or the hint)."""
    tie_cols = map_columns(table.header, vocab.header_aliases("ties"))
    actor_cols = map_columns(table.header, vocab.header_aliases("actors"))
    partner_cols = [i for i, h in enumerate(table.header) if _partner_number(h) is not None]
    if role_hint in ("actors", "ties"):
        table.role = role_hint
    elif partner_cols:
        table.role = "survey"
    elif "source" in tie_cols and "target" in tie_cols:
        table.role = "ties"
    elif ("source" in tie_cols or "target" in tie_cols) and not ("id" in actor_cols or "name" in actor_cols):
        # One end recognised (e.g. "Von" with "Mitt" misspelt): a ties table with a column
        # missing, reported as an error with the likely header, not a table nobody recognised.
        table.role = "ties"
    elif _is_matrix(table):
        table.role = "matrix"
    elif "id" in actor_cols or "name" in actor_cols:
        table.role = "actors"
    else:
        table.role = "unknown"
    if table.role == "ties":
        table.columns = tie_cols
    elif table.role in ("actors", "survey"):
        table.columns = actor_cols
        if table.role == "survey":
            table.columns.update({k: v for k, v in tie_cols.items() if k in ("reported_by",)})
    elif table.role == "matrix":
        table.columns = {}


def _is_matrix(table: Table) -> bool:
    """Square-ish: the header labels (after the first cell) are mostly the row labels."""
    labels = {text_key(h) for h in table.header[1:] if h.strip()}
    if len(labels) < 2:
        return False
    row_labels = {text_key(r[0]) for r in table.rows if r and r[0].strip()}
    overlap = len(labels & row_labels)
    return overlap >= max(2, 0.5 * len(labels))


def closest_headers(header: Sequence[str], missing: Sequence[str],
                    aliases: dict[str, str]) -> list[tuple[int, str, str]]:
    """For each unrecognised header cell, the known header it most likely means: ``(column index,
    known header, canonical column)`` for the ``missing`` columns (difflib ratio ≥ 0.6)."""
    wanted = {alias: column for alias, column in aliases.items() if column in missing}
    found = []
    for index, cell in enumerate(header):
        if not cell.strip() or header_name(cell, aliases) is not None:
            continue
        close = difflib.get_close_matches(text_key(cell), list(wanted), n=1, cutoff=0.6)
        if close:
            found.append((index, close[0], wanted[close[0]]))
    return found
