"""Which column of a records, pairs or providers file is which, in the four languages and in the
published US layouts.

Three layouts reach :func:`~carenet_graph.derive.run.derive`:

``records``
    one row per patient–provider contact: ``patient``, ``provider``, ``date`` (claims, episodes,
    prescriptions). The projection to a provider network is built from these.
``pairs``
    one row per provider pair with counts, as published: the CMS *Physician Shared Patient
    Patterns* files (``npi1, npi2, pair_count, bene_count, same_day_count``; the files carry no
    header, so a header-less file of five columns whose first two are NPIs is read in that order)
    and DocGraph *Hop Teaming* (``from_npi, to_npi, patient_count, transaction_count,
    average_day_wait, std_day_wait``).
``providers``
    one row per provider: ``provider`` plus ``name``, ``type``, ``specialty``, ``municipality``,
    ``lat``, ``lon`` and the other actor columns.

Headers are compared by :func:`~carenet_graph.vocabulary.text_key` (case, accents of
separators, spacing ignored), like every other input.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from carenet_graph.vocabulary import Vocabulary, text_key

#: Record columns: canonical name → header aliases (en, de, nl, sv, and claims-file names).
RECORD_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "patient": (
        "patient", "patient_id", "patientid", "person", "person_id", "pid", "beneficiary", "bene_id", "member_id",
        "insured", "subject", "case", "patient nr", "versicherter", "versicherten id", "versichertennummer",
        "pseudonym versicherter", "patienten id", "patientennummer", "fall", "patiënt", "patient nl", "cliënt",
        "client", "bsn pseudo", "verzekerde", "verzekerde id", "patiënt id", "patient sv", "lopnr", "löpnummer patient",
        "personnummer pseudo", "individ", "patient id sv",
    ),
    "provider": (
        "provider", "provider_id", "npi", "prescriber", "physician", "doctor", "practitioner", "clinician",
        "caregiver", "leistungserbringer", "lanr", "bsnr", "arzt", "arztnummer", "praxis", "ik", "ik nummer",
        "institutionskennzeichen", "zorgaanbieder", "zorgverlener", "agb", "agb code", "behandelaar", "vårdgivare",
        "vardgivare", "läkare", "mottagning", "vårdenhet", "hsa id", "hsaid", "arbetsplatskod",
    ),
    "date": (
        "date", "service_date", "visit_date", "claim_date", "date_of_service", "from_date", "start_date", "day",
        "datum", "behandlungsdatum", "leistungsdatum", "abrechnungsdatum", "kontaktdatum", "behandeldatum",
        "declaratiedatum", "prestatiedatum", "begindatum", "contactdatum", "besöksdatum", "besoksdatum",
        "vårdkontaktdatum", "indatum", "datum sv",
    ),
}

#: Pairs columns: canonical name → aliases; CMS and DocGraph names first.
PAIR_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "source": ("npi1", "from_npi", "source", "provider1", "provider_a", "from", "von", "van", "från"),
    "target": ("npi2", "to_npi", "target", "provider2", "provider_b", "to", "nach", "naar", "till"),
    "patients": ("bene_count", "patient_count", "beneficiary_count", "shared_patients", "patients", "patienten",
                 "patiënten", "patienter", "gemeinsame patienten", "gedeelde patiënten", "delade patienter"),
    "pair_count": ("pair_count", "transaction_count", "encounters", "kontakte", "contacten", "kontakter"),
    "same_day": ("same_day_count", "same_day"),
    "wait_mean": ("average_day_wait", "mean_day_wait"),
    "wait_sd": ("std_day_wait", "sd_day_wait"),
}

#: The CMS Shared Patient Patterns files have no header: their five columns in order.
CMS_COLUMNS = ("source", "target", "pair_count", "patients", "same_day")

#: Providers table: the provider id column, then the actor columns of the vocabulary.
PROVIDER_ID: tuple[str, ...] = RECORD_COLUMNS["provider"] + ("id", "actor_id", "npi nummer")

REQUIRED = {"records": ("patient", "provider", "date"), "pairs": ("source", "target", "patients")}


@dataclass(frozen=True)
class Layout:
    """What a file holds: ``kind`` (``records``, ``pairs`` or ``providers``), which column
    index is which canonical column, and whether the file has a header row."""

    kind: str
    columns: Mapping[str, int]
    header: bool = True


def _aliases(table: Mapping[str, Sequence[str]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for canonical, names in table.items():
        for name in (canonical, *names):
            out.setdefault(text_key(name), canonical)
    return out


_RECORD_ALIASES = _aliases(RECORD_COLUMNS)
_PAIR_ALIASES = _aliases(PAIR_COLUMNS)


def aliases(kind: str) -> dict[str, str]:
    """Normalised header text → canonical column, for ``records`` or ``pairs``."""
    return dict(_RECORD_ALIASES if kind == "records" else _PAIR_ALIASES)


def _map(header: Sequence[str], aliases: Mapping[str, str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        name = aliases.get(text_key(cell))
        if name is not None and name not in found:
            found[name] = index
    return found


def _is_npi(cell: str) -> bool:
    return len(cell) == 10 and cell.isdigit()


def recognise(header: Sequence[str], kind: str = "auto") -> Layout:
    """The layout of a records or pairs file from its first row (``kind``: ``auto``,
    ``records``, ``pairs`` or ``cms``).

    A pairs header (``npi1``/``from_npi`` with a patient count) is taken as pairs; a first row of
    five cells starting with two NPIs is a header-less CMS file; anything else is read as
    records. Missing required columns are left for the caller to report (with the closest
    headers), so the layout here may be incomplete.
    """
    cells = [c.strip() for c in header]
    if kind == "cms" or (kind in ("auto", "pairs") and len(cells) == len(CMS_COLUMNS)
                         and _is_npi(cells[0]) and _is_npi(cells[1])):
        return Layout("pairs", {name: i for i, name in enumerate(CMS_COLUMNS)}, header=False)
    pairs = _map(cells, _PAIR_ALIASES)
    if kind == "pairs" or (kind == "auto" and {"source", "target", "patients"} <= set(pairs)):
        return Layout("pairs", pairs)
    return Layout("records", _map(cells, _RECORD_ALIASES))


def provider_columns(header: Sequence[str], vocab: Vocabulary) -> dict[str, int]:
    """Providers table: ``provider`` (the id the records use) and the actor columns the vocabulary
    knows (``name``, ``type``, ``subtype`` for the specialty, ``municipality``, ``lat``, ``lon``, ...)."""
    aliases = {text_key(a): "provider" for a in ("provider", *PROVIDER_ID)}
    for alias, name in vocab.header_aliases("actors").items():
        if name != "id":
            aliases.setdefault(alias, name)
    return _map([c.strip() for c in header], aliases)
