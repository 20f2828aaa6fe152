"""The Excel template a network coordinator fills in (en, de, nl, sv).

The workbook has an instructions sheet, an actors sheet, a ties sheet and a hidden
``lists`` sheet with the drop-down values. Every header, sheet name and drop-down value is
chosen so that the loader reads the filled-in file back without a mapping step:

* headers are aliases in :meth:`~carenet_graph.vocabulary.Vocabulary.header_aliases`;
* actor- and tie-type labels match back to their ids through the vocabulary synonyms;
* level values read ``"3 – Coordination"``: the loader takes the leading integer;
* sheet names are :data:`carenet_graph.read.headers.SHEET_NAMES`, which the loader recognises
  (they live with the loader: reading never imports from output).
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

from carenet_graph.errors import OutputError
from carenet_graph.i18n import check_language
from carenet_graph.output.files import atomic_write_bytes, new_workbook, workbook_bytes, write_cell
from carenet_graph.read.headers import SHEET_NAMES
from carenet_graph.vocabulary import Vocabulary, default_vocabulary

__all__ = [
    "ACTOR_COLUMNS",
    "DIRECTIONS",
    "HEADERS",
    "TIE_COLUMNS",
    "list_values",
    "write_template",
]

ACTOR_COLUMNS: tuple[str, ...] = (
    "id", "name", "type", "municipality", "region", "country", "postcode", "lat", "lon", "notes",
)
TIE_COLUMNS: tuple[str, ...] = (
    "source", "target", "type", "level", "direction", "reported_by", "since", "until", "notes",
)

#: Header text per role, language and canonical column. English uses the canonical names,
#: so an English file reads like the data model in the documentation.
HEADERS: dict[str, dict[str, dict[str, str]]] = {
    "actors": {
        "en": {c: c for c in ACTOR_COLUMNS},
        "de": {
            "id": "ID", "name": "Name", "type": "Typ", "municipality": "Gemeinde",
            "region": "Region", "country": "Land", "postcode": "PLZ", "lat": "Breitengrad",
            "lon": "Längengrad", "notes": "Anmerkung",
        },
        "nl": {
            "id": "ID", "name": "Naam", "type": "Soort", "municipality": "Gemeente",
            "region": "Regio", "country": "Land", "postcode": "Postcode", "lat": "Breedtegraad",
            "lon": "Lengtegraad", "notes": "Opmerkingen",
        },
        "sv": {
            "id": "ID", "name": "Namn", "type": "Typ av verksamhet", "municipality": "Kommun",
            "region": "Region", "country": "Land", "postcode": "Postnummer", "lat": "Latitud",
            "lon": "Longitud", "notes": "Kommentarer",
        },
    },
    "ties": {
        "en": {c: c for c in TIE_COLUMNS},
        "de": {
            "source": "Von Akteur", "target": "Kooperationspartner",
            "type": "Art der Zusammenarbeit", "level": "Kooperationsstufe", "direction": "Richtung",
            "reported_by": "Angegeben von", "since": "Seit", "until": "Bis", "notes": "Anmerkung",
        },
        "nl": {
            "source": "Van organisatie", "target": "Samenwerkingspartner",
            "type": "Soort samenwerking", "level": "Samenwerkingsniveau", "direction": "Richting",
            "reported_by": "Ingevuld door", "since": "Sinds", "until": "Tot",
            "notes": "Opmerkingen",
        },
        "sv": {
            "source": "Från", "target": "Samverkanspartner", "type": "Typ av samverkan",
            "level": "Samverkansnivå", "direction": "Riktning", "reported_by": "Rapporterad av",
            "since": "Sedan", "until": "Till och med", "notes": "Kommentarer",
        },
    },
}

#: Direction words per language, each an alias of the vocabulary's direction scale.
DIRECTIONS: dict[str, dict[str, str]] = {
    "en": {"mutual": "mutual", "directed": "directed", "undirected": "undirected"},
    "de": {"mutual": "gegenseitig", "directed": "gerichtet", "undirected": "ungerichtet"},
    "nl": {"mutual": "wederzijds", "directed": "gericht", "undirected": "ongericht"},
    "sv": {"mutual": "ömsesidig", "directed": "riktad", "undirected": "oriktad"},
}

# The paragraph "{levels}" expands to one line per Frey level; other fields name headers.
_INSTRUCTIONS: dict[str, tuple[str, ...]] = {
    "en": (
        "carenet-graph: data template",
        "Fill in two sheets: '{actors}' (who takes part) and '{ties}' (who works with whom).",
        "An actor is an organisation, service or professional role in care or welfare, for "
        "example a hospice, a home-care service, a GP practice or the municipality. "
        "One row per actor.",
        "Give every actor a short, unique {id} (for example A01). Choose the {type} from the "
        "drop-down list; other text is accepted and matched where possible.",
        "A tie is a collaboration between two actors. One row per reported collaboration: "
        "'{source}' and '{target}' hold the actors' {id} (or their exact names).",
        "'{level}' says how closely the two work together, on the scale by Frey et al. (2006):",
        "{levels}",
        "'{direction}' is optional: '{directed}' when the tie goes one way, for example "
        "referrals from '{source}' to '{target}'. '{since}' and '{until}' take a year or a date.",
        "'{postcode}' is text; '{lat}' and '{lon}' are optional decimal degrees.",
        "You can add as many rows as you need, and columns of your own; they are kept.",
        "Privacy: names and '{notes}' may be personal data. Record organisations and roles, "
        "not patients or private persons, and share this file only with people who need it.",
    ),
    "de": (
        "carenet-graph: Vorlage für Ihre Daten",
        "Füllen Sie zwei Blätter aus: „{actors}“ (wer beteiligt ist) und „{ties}“ "
        "(wer mit wem zusammenarbeitet).",
        "Ein Akteur ist eine Einrichtung, ein Dienst oder eine berufliche Rolle in Versorgung "
        "oder sozialer Arbeit, zum Beispiel ein Hospiz, ein ambulanter Pflegedienst, eine "
        "Hausarztpraxis oder die Kommune. Eine Zeile je Akteur.",
        "Geben Sie jedem Akteur eine kurze, eindeutige {id} (zum Beispiel A01). Wählen Sie den "
        "{type} aus der Liste; anderer Text wird angenommen und nach Möglichkeit zugeordnet.",
        "Eine Zusammenarbeit ist eine Verbindung zwischen zwei Akteuren. Eine Zeile je "
        "genannter Zusammenarbeit: „{source}“ und „{target}“ enthalten die {id} der Akteure "
        "(oder ihren genauen Namen).",
        "„{level}“ gibt an, wie eng beide zusammenarbeiten, nach der Skala von Frey u. a. (2006):",
        "{levels}",
        "„{direction}“ ist freiwillig: „{directed}“, wenn die Zusammenarbeit nur in eine "
        "Richtung geht, zum Beispiel Überweisungen von „{source}“ an „{target}“. „{since}“ und "
        "„{until}“: Jahr oder Datum.",
        "„{postcode}“ ist Text; „{lat}“ und „{lon}“ sind freiwillig, in Dezimalgrad.",
        "Sie können beliebig viele Zeilen und eigene Spalten hinzufügen; sie bleiben erhalten.",
        "Datenschutz: Namen und „{notes}“ können personenbezogene Daten sein. Erfassen Sie "
        "Einrichtungen und Rollen, keine Patientinnen, Patienten oder Privatpersonen, und geben "
        "Sie die Datei nur an Personen weiter, die sie brauchen.",
    ),
    "nl": (
        "carenet-graph: sjabloon voor uw gegevens",
        "Vul twee bladen in: ‘{actors}’ (wie doet mee) en ‘{ties}’ (wie werkt met wie samen).",
        "Een actor is een organisatie, dienst of beroepsrol in zorg of welzijn, bijvoorbeeld "
        "een hospice, thuiszorg, een huisartsenpraktijk of de gemeente. Eén regel per actor.",
        "Geef elke actor een korte, unieke {id} (bijvoorbeeld A01). Kies de {type} uit de "
        "keuzelijst; andere tekst wordt geaccepteerd en waar mogelijk herkend.",
        "Een samenwerking is een verbinding tussen twee actoren. Eén regel per gemelde "
        "samenwerking: ‘{source}’ en ‘{target}’ bevatten de {id} van de actoren (of hun exacte "
        "naam).",
        "‘{level}’ geeft aan hoe nauw beide samenwerken, volgens de schaal van Frey e.a. (2006):",
        "{levels}",
        "‘{direction}’ is optioneel: ‘{directed}’ als de samenwerking één kant op gaat, "
        "bijvoorbeeld verwijzingen van ‘{source}’ naar ‘{target}’. ‘{since}’ en ‘{until}’: jaar "
        "of datum.",
        "‘{postcode}’ is tekst; ‘{lat}’ en ‘{lon}’ zijn optioneel, in decimale graden.",
        "U kunt zoveel regels en eigen kolommen toevoegen als u wilt; ze blijven behouden.",
        "Privacy: namen en ‘{notes}’ kunnen persoonsgegevens zijn. Leg organisaties en rollen "
        "vast, geen patiënten of privépersonen, en deel dit bestand alleen met wie het nodig "
        "heeft.",
    ),
    "sv": (
        "carenet-graph: mall för era uppgifter",
        "Fyll i två blad: ”{actors}” (vilka som deltar) och ”{ties}” (vem som samverkar med vem).",
        "En aktör är en organisation, verksamhet eller yrkesroll inom vård, omsorg eller "
        "socialtjänst, till exempel ett hospice, hemsjukvården, en vårdcentral eller kommunen. "
        "En rad per aktör.",
        "Ge varje aktör ett kort, unikt {id} (till exempel A01). Välj ”{type}” i listan; annan "
        "text godtas och känns igen om det går.",
        "Samverkan är en förbindelse mellan två aktörer. En rad per rapporterad samverkan: "
        "”{source}” och ”{target}” innehåller aktörernas {id} (eller deras exakta namn).",
        "”{level}” anger hur nära de två samverkar, enligt skalan av Frey m.fl. (2006):",
        "{levels}",
        "”{direction}” är frivillig: ”{directed}” när samverkan går åt ett håll, till exempel "
        "remisser från ”{source}” till ”{target}”. ”{since}” och ”{until}”: år eller datum.",
        "”{postcode}” är text; ”{lat}” och ”{lon}” är frivilliga, i decimalgrader.",
        "Du kan lägga till så många rader och egna kolumner du vill; de behålls.",
        "Integritet: namn och ”{notes}” kan vara personuppgifter. Registrera organisationer och "
        "roller, inte patienter eller privatpersoner, och dela filen bara med dem som behöver den.",
    ),
}

# Shown when a typed value is not in a drop-down; "warning" lets the user keep it, because
# the loader matches free text (synonyms, other languages) anyway.
_NOT_IN_LIST: dict[str, tuple[str, str]] = {
    "en": ("Not in the list", "This value is not in the list. Keep it anyway?"),
    "de": ("Nicht in der Liste", "Dieser Wert steht nicht in der Liste. Trotzdem übernehmen?"),
    "nl": ("Niet in de lijst", "Deze waarde staat niet in de lijst. Toch bewaren?"),
    "sv": ("Finns inte i listan", "Värdet finns inte i listan. Behålla det ändå?"),
}

#: Last 1-based row that gets drop-downs and text formats.
TEMPLATE_ROWS = 5000
# Columns Excel must keep as text: it would drop leading zeros ("01067", id "007").
_TEXT_COLUMNS = frozenset({"id", "postcode", "source", "target", "reported_by"})
# Drop-down per (role, column): the key into list_values().
_DROPDOWNS: dict[tuple[str, str], str] = {
    ("actors", "type"): "actor_type",
    ("ties", "type"): "tie_type",
    ("ties", "level"): "level",
    ("ties", "direction"): "direction",
}


def list_values(lang: str = "en", vocabulary: Vocabulary | None = None) -> dict[str, list[str]]:
    """The drop-down values of the template in ``lang``.

    Returns
    -------
    dict
        ``actor_type`` and ``tie_type``: labels in vocabulary order; ``level``:
        ``"<n> – <label>"`` for n = 0..5; ``direction``: the words of :data:`DIRECTIONS`.
    """
    check_language(lang)
    vocab = vocabulary or default_vocabulary()
    return {
        "actor_type": [vocab.label("actor_type", t, lang) for t in vocab.actor_types],
        "tie_type": [vocab.label("tie_type", t, lang) for t in vocab.tie_types],
        "level": [f"{n} – {vocab.label('level', n, lang)}" for n in sorted(vocab.levels)],
        "direction": list(DIRECTIONS[lang].values()),
    }


def _instructions(lang: str, vocab: Vocabulary) -> list[str]:
    fields: dict[str, str] = {
        "actors": SHEET_NAMES["actors"][lang],
        "ties": SHEET_NAMES["ties"][lang],
        "directed": DIRECTIONS[lang]["directed"],
        **HEADERS["actors"][lang],
        **HEADERS["ties"][lang],
    }
    # Both roles have 'type' and 'notes'; in the text 'type' is the actor type.
    fields["type"] = HEADERS["actors"][lang]["type"]
    lines: list[str] = []
    for paragraph in _INSTRUCTIONS[lang]:
        if paragraph == "{levels}":
            lines.extend(f"    {n} – {vocab.label('level', n, lang)}" for n in sorted(vocab.levels))
        else:
            lines.append(paragraph.format(**fields))
    return lines


def _table_sheet(
    workbook: Any, role: str, lang: str, lists: dict[str, list[str]], list_ranges: dict[str, str]
) -> None:
    sheet = workbook.add_worksheet(SHEET_NAMES[role][lang])
    bold = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    text = workbook.add_format({"num_format": "@"})
    title, message = _NOT_IN_LIST[lang]
    columns = ACTOR_COLUMNS if role == "actors" else TIE_COLUMNS
    for col, canonical in enumerate(columns):
        header = HEADERS[role][lang][canonical]
        write_cell(sheet, 0, col, header, bold)
        key = _DROPDOWNS.get((role, canonical))
        longest = max((len(v) for v in lists[key]), default=0) if key else 0
        width = min(max(len(header), longest, 10) + 2, 50 if canonical != "notes" else 60)
        sheet.set_column(col, col, width, text if canonical in _TEXT_COLUMNS else None)
        if key:
            sheet.data_validation(
                1, col, TEMPLATE_ROWS - 1, col,
                {
                    "validate": "list",
                    "source": list_ranges[key],
                    "error_type": "warning",
                    "error_title": title,
                    "error_message": message,
                },
            )
    sheet.freeze_panes(1, 0)


def write_template(path: str | os.PathLike[str], lang: str = "en", *, force: bool = False) -> None:
    """Write the Excel template for collecting actors and ties in ``lang``.

    Parameters
    ----------
    path:
        Output ``.xlsx`` file (written atomically). An existing file is never replaced unless
        ``force`` is True: it may be a network someone has filled in.
    lang:
        ``en``, ``de``, ``nl`` or ``sv``: language of instructions, sheet names, headers
        and drop-down values.

    Notes
    -----
    Sheets, in order: instructions, actors, ties, and the hidden ``lists`` sheet behind the
    drop-downs (actor type, tie type, Frey level 0–5, direction; rows 2–5000, a warning but
    no refusal for other values). The bytes are the same on every call.

    Raises
    ------
    OptionError
        For an unknown language.
    OutputError
        When the file exists (and ``force`` is False) or cannot be written.
    """
    check_language(lang)
    if not force and Path(path).exists():
        raise OutputError("the file exists already; it may be a filled-in network, so it was left as it is",
                          file=str(path), hint="Choose a new file name, or add --force to replace it with an "
                                               "empty template.",
                          key="template.file_exists", values={})
    vocab = default_vocabulary()
    lists = list_values(lang, vocab)
    buffer = io.BytesIO()
    workbook = new_workbook(buffer)

    intro = workbook.add_worksheet(SHEET_NAMES["instructions"][lang])
    heading = workbook.add_format({"bold": True, "font_size": 14})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    intro.set_column(0, 0, 100)
    for row, line in enumerate(_instructions(lang, vocab)):
        write_cell(intro, row, 0, line, heading if row == 0 else wrap)

    # The ranges are known before the lists sheet exists, so it can come last in the tab
    # order; its header row repeats the column headers so it stays readable when unhidden.
    list_headers = {
        "actor_type": HEADERS["actors"][lang]["type"],
        "tie_type": HEADERS["ties"][lang]["type"],
        "level": HEADERS["ties"][lang]["level"],
        "direction": HEADERS["ties"][lang]["direction"],
    }
    list_ranges: dict[str, str] = {}
    list_cells: list[tuple[int, str, list[str]]] = []
    for col, (key, values) in enumerate(lists.items()):
        letter = chr(ord("A") + col)
        list_ranges[key] = f"={SHEET_NAMES['lists'][lang]}!${letter}$2:${letter}${len(values) + 1}"
        list_cells.append((col, list_headers[key], values))

    _table_sheet(workbook, "actors", lang, lists, list_ranges)
    _table_sheet(workbook, "ties", lang, lists, list_ranges)

    hidden = workbook.add_worksheet(SHEET_NAMES["lists"][lang])
    for col, header, values in list_cells:
        write_cell(hidden, 0, col, header)
        for row, value in enumerate(values, start=1):
            write_cell(hidden, row, col, value)
        hidden.set_column(col, col, max(len(v) for v in [header, *values]) + 2)
    hidden.hide()

    atomic_write_bytes(path, workbook_bytes(workbook, buffer))
