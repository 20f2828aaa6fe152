"""Generate the example network that ``carenet demo`` runs on: ``data/lippe/netzwerk_lippe.xlsx``.

A synthetic palliative-care and local-health network in Kreis Lippe, kept the way a network
coordinator would keep it (German headers, a title row, IDs, PLZ as text, dates as TT.MM.JJJJ).
Every organisation is invented; the municipalities, their postcodes and approximate coordinates
are real (from the project's shared reference data). A handful of deliberate imperfections show
the validation report at work; ``data/README.md`` lists them with their rows.

Deterministic: one seeded ``random.Random`` and a fixed workbook date, so re-running gives a
byte-identical file. Run from the repository root::

    python data/make_examples.py
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import xlsxwriter

SEED = 2024
OUT = Path(__file__).resolve().parent / "lippe" / "netzwerk_lippe.xlsx"
TITLE = "Palliativnetz Lippe – Akteursliste (Stand 2024, fiktive Beispieldaten)"
REPORTER = "Angegeben von"  # a header the loader maps to 'reported_by' (see data/README.md)
ACTOR_HEADER = ["ID", "Name", "Art der Einrichtung", "Gemeinde", "Kreis", "Land", "PLZ", "Breitengrad",
                "Längengrad", "Anmerkung"]
TIE_HEADER = ["Von", "Mit", "Art der Zusammenarbeit", "Intensität", REPORTER, "Seit", "Anmerkung"]

# Municipality | kind | main PLZ | lat | lon (from ../shared/reference/municipalities.csv, approximate)
# | PKD area (n/s) | ambulant hospice service | palliative physician | local actors (synthetic; *n = n of them)
TOWNS = """
Augustdorf|Gemeinde|32832|51.909|8.731|s|||gp nursing pharmacy
Bad Salzuflen|Stadt|32105|52.087|8.751|n|ahd_bs|qpa_bs|gp*3 nursing home pharmacy ergo church volunteer
Barntrup|Stadt|32683|51.990|9.117|n|ahd_le||gp nursing pharmacy
Blomberg|Stadt|32825|51.943|9.091|s|ahd_ost|qpa_dt|gp*2 nursing home pharmacy
Detmold|Stadt|32756|51.936|8.879|s|ahd_dt|qpa_dt|gp*3 nursing*2 welfare_nursing home pharmacy physio church senior
Dörentrup|Gemeinde|32694|52.033|9.006|n|ahd_le|qpa_le|gp*2 nursing daycare pharmacy physio ergo volunteer
Extertal|Gemeinde|32699|52.067|9.117|n|ahd_le||gp*2 nursing pharmacy senior volunteer
Horn-Bad Meinberg|Stadt|32805|51.883|8.967|s|ahd_dt|qpa_dt|gp nursing home pharmacy
Kalletal|Gemeinde|32689|52.117|8.950|n|ahd_le|qpa_le|gp nursing pharmacy volunteer
Lage|Stadt|32791|51.993|8.792|s|ahd_dt|qpa_lg|gp*3 nursing welfare_nursing home pharmacy carer
Lemgo|Stadt|32657|52.033|8.900|n|ahd_le|qpa_le|gp*3 nursing home pharmacy physio senior
Leopoldshöhe|Gemeinde|33818|52.017|8.700|n|ahd_bs|qpa_bs|gp nursing pharmacy
Lügde|Stadt|32676|51.958|9.246|s|||gp nursing pharmacy church
Oerlinghausen|Stadt|33813|51.955|8.663|s|ahd_dt|qpa_lg|gp nursing pharmacy volunteer
Schieder-Schwalenberg|Stadt|32816|51.895|9.160|s|ahd_ost||gp nursing
Schlangen|Gemeinde|33189|51.810|8.845|s|||gp home pharmacy
"""
TOWN = {f[0]: f for f in (line.split("|") for line in TOWNS.strip().splitlines())}
UNSERVED = {"Augustdorf", "Schlangen", "Lügde"}  # gap: no tie at all to the palliative network
BROKERED = "Extertal"  # gap: care and welfare meet only through the local home nursing service

# key | name | type text | municipality | note; keys marked * belong to the palliative network.
REGIONAL = """
kreis|Kreis Lippe – Fachbereich Soziales und Gesundheit|Kreis Lippe|Detmold|Kreisverwaltung
gesa|Gesundheitsamt Kreis Lippe|Gesundheitsamt|Detmold|Geschäftsstelle Gesundheitskonferenz
psp|Pflegestützpunkt Kreis Lippe|Pflegestützpunkt|Detmold|Pflegeberatung nach § 7a SGB XI
netz*|Hospiz- und Palliativnetz Lippe|Hospiz- und Palliativnetzwerk|Detmold|regionales Netzwerk
netzko*|Netzwerkkoordination Palliativnetz Lippe|Netzwerkkoordination|Detmold|
pkd_n*|PKD Lippe-Nord|Palliativmedizinischer Konsiliardienst (PKD)|Lemgo|Nordkreis
pkd_s*|PKD Lippe-Süd|Palliativmedizinischer Konsiliardienst (PKD)|Detmold|Südkreis
ko_n*|Koordinationsbüro PKD Lippe-Nord|Koordinationskraft|Lemgo|Palliative-Care-Fachkräfte
ko_s*|Koordinationsbüro PKD Lippe-Süd|Koordinationskraft|Detmold|Palliative-Care-Fachkräfte
qpa_dt*|Palliativärztliche Praxis am Wall Detmold|Qualifizierter Palliativarzt|Detmold|
qpa_lg*|Palliativärztliche Praxis Lage-Mitte|Qualifizierter Palliativarzt|Lage|
qpa_le*|Palliativärztliche Praxis Lemgo-Mitte|Qualifizierter Palliativarzt|Lemgo|
qpa_bs*|Palliativärztliche Praxis am Kurpark Bad Salzuflen|Qualifizierter Palliativarzt|Bad Salzuflen|
hospiz*|Hospiz am Lindenweg Detmold|Stationäres Hospiz|Detmold|8 Plätze
ahd_dt*|Ambulanter Hospizdienst Detmold|Ambulanter Hospizdienst|Detmold|auch Lage, Horn, Oerlinghausen
ahd_le*|Ambulanter Hospizdienst Lemgo|Ambulanter Hospizdienst|Lemgo|Nordkreis
ahd_bs*|Ambulanter Hospizdienst Bad Salzuflen|Ambulanter Hospizdienst|Bad Salzuflen|
ahd_ost*|Hospizverein Lippe-Ost|Ambulanter Hospizdienst|Blomberg|auch Schieder-Schwalenberg
kh_dt|Krankenhaus Detmold-Nord|Krankenhaus|Detmold|
palst*|Palliativstation Krankenhaus Detmold-Nord|Palliativstation|Detmold|10 Betten
kh_le|Krankenhaus Lemgo-Ost|Krankenhaus|Lemgo|
seel|Krankenhausseelsorge Detmold-Nord|Seelsorge|Detmold|
palpfl*|Palliativpflegedienst Lippe|Ambulanter Pflegedienst|Detmold|spezialisierte Palliativpflege
palapo|Apotheke am Kreishaus Detmold|Apotheke|Detmold|versorgt Palliativpatienten
wv_kreis|Kreisverband Wohlfahrtsverband Lippe|Wohlfahrtsverband|Detmold|
wv_ev|Beratungszentrum Evangelischer Wohlfahrtsverband Lemgo|Beratungsstelle|Lemgo|
krebs|Krebsberatungsstelle Lippe|Krebsberatungsstelle|Detmold|psychosoziale Beratung
shg_krebs|Selbsthilfegruppe nach Krebs Lippe|Selbsthilfegruppe|Lemgo|
angeh|Angehörigenberatung Lippe|Angehörigenberatung|Detmold|
freiw|Freiwilligenagentur Lippe|Freiwilligenagentur|Detmold|
gd|Gesundes Dörentrup|Gesundheitsnetzwerk|Dörentrup|lokales Gesundheitsnetzwerk, von der Gemeinde unterstützt
trauer|Trauergruppe Horn-Bad Meinberg|Selbsthilfegruppe|Horn-Bad Meinberg|neu gegründet
"""
PALLIATIVE = {key[:-1] for key in (line.split("|")[0] for line in REGIONAL.strip().splitlines()) if key.endswith("*")}

# Ties among the regional actors, "from|with|type|level" (a level range: lowest-highest), separated by ";".
CORE = """
ko_n|pkd_n|Trägerschaft|5; ko_s|pkd_s|Trägerschaft|5; ko_n|netzko|Netzwerktreffen|3-4
ko_s|netzko|Netzwerktreffen|3-4; pkd_n|palst|Fallbesprechung|3-4; pkd_s|palst|Fallbesprechung|4
pkd_n|hospiz|Überweisung|3; pkd_s|hospiz|gemeinsame Patienten|4; ko_s|palpfl|Fallbesprechung|3-4
pkd_n|pkd_s|Informationsaustausch|3; pkd_n|pkd_s|Qualitätszirkel|3-4; qpa_dt|pkd_s|Kooperationsvertrag|5
qpa_lg|pkd_s|Kooperationsvertrag|5; qpa_le|pkd_n|Kooperationsvertrag|5; qpa_bs|pkd_n|Kooperationsvertrag|5
qpa_dt|ko_s|Fallbesprechung|4-5; qpa_lg|ko_s|Fallbesprechung|3-4; qpa_le|ko_n|Fallbesprechung|4-5
qpa_bs|ko_n|Fallbesprechung|3-4; qpa_dt|hospiz|gemeinsame Patienten|3; qpa_lg|qpa_dt|Qualitätszirkel|3
qpa_dt|palst|Konsil|3; pkd_s|ahd_dt|Kooperationsvertrag|4; pkd_s|ahd_ost|Kooperationsvertrag|3
pkd_n|ahd_le|Kooperationsvertrag|4; pkd_n|ahd_bs|Kooperationsvertrag|3-4; ko_s|ahd_dt|Fallbesprechung|3-4
ko_n|ahd_le|Fallbesprechung|3; ko_n|ahd_bs|Fallbesprechung|2-3; ahd_dt|hospiz|Ehrenamtliche Begleitung|4
ahd_dt|palst|Ehrenamtliche Begleitung|3; palst|kh_dt|Trägerschaft|5; palst|hospiz|Überweisung|3-4
kh_dt|pkd_s|Konsil|2-3; kh_le|pkd_n|Konsil|2-3; kh_le|palst|Überweisung|2-3; palpfl|pkd_s|Kooperationsvertrag|5
palpfl|hospiz|gemeinsame Patienten|3; palapo|pkd_s|Kooperationsvertrag|4; palapo|pkd_n|Informationsaustausch|2-3
palapo|palpfl|Informationsaustausch|3; netzko|netz|Trägerschaft|5; kreis|netz|Förderung|3
gesa|netzko|Netzwerktreffen|3; netzko|krebs|Öffentlichkeitsarbeit|2; krebs|palst|Informationsaustausch|2
shg_krebs|krebs|Informationsaustausch|3; angeh|ahd_dt|Informationsaustausch|2; seel|palst|Fallbesprechung|2
wv_kreis|wv_ev|Arbeitskreis|4; wv_kreis|psp|Kooperationsvertrag|3; wv_kreis|angeh|Informationsaustausch|3
wv_ev|angeh|Fallbesprechung|3; wv_ev|krebs|Informationsaustausch|2; psp|angeh|Kooperationsvertrag|4
kreis|psp|Trägerschaft|5; kreis|gesa|Trägerschaft|5; freiw|wv_kreis|Informationsaustausch|3
freiw|angeh|Vermittlung|2; gd|gesa|Netzwerktreffen|2-3
"""
NET_MEMBERS = ["pkd_n", "pkd_s", "hospiz", "ahd_dt", "ahd_le", "ahd_bs", "ahd_ost", "palst", "qpa_dt", "qpa_lg",
               "qpa_le", "qpa_bs", "palpfl", "palapo", "krebs", "angeh", "kh_dt", "kh_le", "psp"]

# category: (type text, name pattern); {p} = place, {h} = house name, {m} = municipality
CATEGORIES: dict[str, tuple[str, str]] = {
    "gp": ("Hausarztpraxis", "Hausarztpraxis {p} {m}"),
    "nursing": ("Ambulanter Pflegedienst", "Ambulanter Pflegedienst {h} {m}"),
    "welfare_nursing": ("Ambulanter Pflegedienst", "Sozialstation Wohlfahrtsverband {m}"),
    "home": ("Pflegeheim", "Seniorenzentrum {h} {m}"),
    "daycare": ("Tagespflege", "Tagespflege {h} {m}"),
    "pharmacy": ("Apotheke", "Apotheke {p} {m}"),
    "physio": ("Physiotherapie", "Physiotherapie {p} {m}"),
    "ergo": ("Ergotherapie", "Ergotherapie {p} {m}"),
    "church": ("Kirchengemeinde", "Evangelische Kirchengemeinde {m}"),
    "senior": ("Seniorenberatung", "Seniorenberatung {m}"),
    "volunteer": ("Nachbarschaftshilfe", "Nachbarschaftshilfe {m}"),
    "carer": ("Angehörigenberatung", "Gesprächskreis pflegende Angehörige {m}"),
}
PLACES = ["am Markt", "an der Linde", "am Rathaus", "am Bahnhof", "an der Kirche", "im Ortskern", "am Wall",
          "an der Mühle", "am Bach", "am Lindenplatz"]
HOUSES = ["Lindenhof", "Kastanienhof", "Sonnenhang", "Eichenhain", "Rosengarten", "Birkenweg", "Waldblick"]
CARE = ("gp", "nursing", "welfare_nursing", "home", "daycare", "pharmacy", "physio", "ergo")
# Deliberate imperfections in type texts (capitals + trailing no-break space; lower case + doubled space).
ODD_TYPES = {"gp:Kalletal:0": "HAUSARZTPRAXIS\u00a0", "nursing:Oerlinghausen:0": "ambulanter  pflegedienst"}


@dataclass
class Actor:
    key: str
    ident: str
    name: str
    type_text: str
    muni: str
    cat: str
    lat: float
    lon: float
    note: str = ""


def make_actors(rng: random.Random) -> list[Actor]:
    specs: list[tuple[str, str, str, str, str, str]] = []
    for line in REGIONAL.strip().splitlines():
        key, name, type_text, muni, note = line.split("|")
        specs.append((key.rstrip("*"), name, type_text, muni, key.rstrip("*"), note))
    used = {spec[1] for spec in specs}
    for muni, kind, *_, local in TOWN.values():
        specs.append((f"muni:{muni}", f"{kind} {muni}", kind, muni, "municipality", ""))
        places, houses = rng.sample(PLACES, len(PLACES)), rng.sample(HOUSES, len(HOUSES))
        cats = [c for word in local.split() for c in [word.partition("*")[0]] * int(word.partition("*")[2] or 1)]
        for pos, cat in enumerate(cats):
            type_text, pattern = CATEGORIES[cat]
            name = next(n for n in (pattern.format(p=p, h=h, m=muni) for p, h in zip(places, houses, strict=False))
                        if n not in used)
            if cat == "church" and muni != "Detmold":
                name = name.replace("Evangelische", "Katholische")
            used.add(name)
            specs.append((f"{cat}:{muni}:{cats[:pos].count(cat)}", name, type_text, muni, cat, ""))
    actors = []
    for n, (key, name, type_text, muni, cat, note) in enumerate(specs, start=1):
        lat, lon = float(TOWN[muni][3]), float(TOWN[muni][4])
        if cat != "municipality":  # organisations lie somewhere in the town, not on its centre point
            lat, lon = round(lat + rng.uniform(-0.012, 0.012), 4), round(lon + rng.uniform(-0.018, 0.018), 4)
        actors.append(Actor(key, f"A{n:03d}", name, type_text, muni, cat, lat, lon, note))
    return actors


class Ties:
    """Tie rows [von, mit, type, level, reporter, since, note], one per (pair, type), gap rules enforced."""

    def __init__(self, actors: list[Actor], rng: random.Random) -> None:
        self.by_key = {a.key: a for a in actors}
        self.rng = rng
        self.rows: list[list[str | int]] = []
        self.seen: set[tuple[frozenset[str], str]] = set()

    def of(self, muni: str, *cats: str) -> list[Actor]:
        return [a for a in self.by_key.values() if a.muni == muni and a.cat in cats]

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def since(self) -> str:
        if self.chance(0.2):
            return ""
        year, month = self.rng.randint(2009, 2023), self.rng.randint(1, 12)
        return f"{self.rng.choice([1, 1, 1, self.rng.randint(2, 28)]):02d}.{month:02d}.{year}"

    def add(self, a: Actor | str, b: Actor | str, kind: str, low: int, high: int | None = None,
            p: float = 1.0) -> None:
        """Add a tie a → b (keys or actors) with a level in low..high, with probability ``p``."""
        if p < 1 and not self.chance(p):
            return
        x = self.by_key[a] if isinstance(a, str) else a
        y = self.by_key[b] if isinstance(b, str) else b
        pair = frozenset((x.key, y.key))
        if x.key == y.key or (pair, kind) in self.seen:
            return
        if (x.muni in UNSERVED and y.key in PALLIATIVE) or (y.muni in UNSERVED and x.key in PALLIATIVE):
            return
        self.seen.add((pair, kind))
        level = self.rng.randint(low, high if high is not None else low)
        self.rows.append([x.ident, y.ident, kind, level, x.ident, self.since(), ""])


def make_ties(actors: list[Actor], rng: random.Random) -> Ties:
    t = Ties(actors, rng)
    for entry in CORE.replace("\n", ";").strip(";").split(";"):  # dense medical core; welfare among itself
        a, b, kind, levels = entry.strip().split("|")
        low, _, high = levels.partition("-")
        t.add(a, b, kind, int(low), int(high or low))
    for member in NET_MEMBERS:
        t.add(member, "netz", "Mitgliedschaft", 2, 3)
    without_pkd = {t.of("Bad Salzuflen", "gp")[-1].key, t.of("Lage", "gp")[-1].key}  # gap: GPs never ask a PKD
    for muni, *_, side, hospice_service, qpa, _local in TOWN.values():
        pkd, ko, kh = (f"pkd_{side}", f"ko_{side}", "kh_le" if side == "n" else "kh_dt")
        gps, nursing = t.of(muni, "gp"), t.of(muni, "nursing", "welfare_nursing")
        town, social = t.by_key[f"muni:{muni}"], t.of(muni, "senior", "volunteer", "carer")
        homes, linked = t.of(muni, "home", "daycare"), muni != BROKERED
        if linked:  # the Stadt/Gemeinde talks to its doctors and care providers (not so in BROKERED)
            for first in (*gps[:1], *(nursing or homes)[:1]):
                t.add(town, first, "Arbeitskreis" if first.cat == "gp" else "Informationsaustausch", 2, 3)
        for gp in gps:
            if gp.key not in without_pkd:
                t.add(gp, pkd, rng.choice(["Konsil", "Überweisung", "Konsil"]), 2, 4)
            if qpa:
                t.add(gp, qpa, "Konsil", 2, 3, p=0.5)
            t.add(gp, kh, "Überweisung", 2, 3, p=1.0 if muni in UNSERVED else 0.5)
            for other in (o for o in gps if o.key < gp.key):
                t.add(gp, other, "Qualitätszirkel", 2, 3, p=0.6)
            t.add(town, gp, "Arbeitskreis", 2, p=0.4 * linked)
        for nurse in nursing:
            for gp in [g for g in gps if t.chance(0.8)] or gps[:1]:
                t.add(nurse, gp, "gemeinsame Patienten", 3, 4)
            t.add(nurse, ko, "Fallbesprechung", 2, 4, p=0.5)
            t.add(kh, nurse, "Entlassmanagement", 2, 3, p=0.4)
            if hospice_service:
                t.add(hospice_service, nurse, "Ehrenamtliche Begleitung", 2, 3, p=0.4)
            t.add(town, nurse, "Informationsaustausch", 2, 3, p=0.5 * linked)
        for pharmacy in t.of(muni, "pharmacy"):
            for gp in [g for g in gps if t.chance(0.8)] or gps[:1]:
                t.add(pharmacy, gp, "Informationsaustausch", 2, 3)
            for nurse in nursing:
                t.add(pharmacy, nurse, "Informationsaustausch", 2, p=0.4)
        for home in homes:
            for gp in gps:
                t.add(home, gp, "gemeinsame Patienten", 3, 4)
            if hospice_service:
                t.add(hospice_service, home, "Ehrenamtliche Begleitung", 2, 3)
            t.add(home, pkd, "Konsil", 2, 3, p=0.5)
            t.add(home, "psp", "Informationsaustausch", 2, p=0.6)
            t.add(town, home, "Informationsaustausch", 2, p=0.5 * linked)
        for therapy in t.of(muni, "physio", "ergo"):
            for gp in gps:
                t.add(gp, therapy, "Verordnung", 2, 3)
            for nurse in nursing:
                t.add(therapy, nurse, "gemeinsame Patienten", 2, p=0.4)
        t.add("kreis", town, "Arbeitskreis", 2, 3)
        for s in social:  # welfare and the municipality: mostly among themselves
            t.add(town, s, "Förderung", 2, 3)
            t.add("wv_kreis", s, rng.choice(["Informationsaustausch", "Arbeitskreis"]), 2, 3)
            t.add(s, "psp", "Vermittlung", 2, 3, p=0.6)
            if s.cat == "volunteer":
                t.add("freiw", s, "Informationsaustausch", 2)
            for nurse in nursing:
                t.add(s, nurse, "Vermittlung", 2, 3, p=0.7 * linked)
            for other in social:
                if other.key < s.key:
                    t.add(s, other, "Informationsaustausch", 2, 3)
        if muni not in UNSERVED and nursing:
            t.add("psp", nursing[0], "Fallbesprechung", 2, 3, p=0.5 * linked)
        for church in t.of(muni, "church"):  # spiritual care: one weak tie each
            t.add(church, hospice_service or town, "Informationsaustausch", 1, 2)
    broker = t.of(BROKERED, "nursing")[0]
    for s in t.of(BROKERED, "senior", "volunteer"):
        t.add(broker, s, "Vermittlung", 2, 3)
    t.add("carer:Lage:0", "angeh", "Informationsaustausch", 3)
    for station in ("welfare_nursing:Lage:0", "welfare_nursing:Detmold:0"):
        t.add(station, "wv_kreis", "Trägerschaft", 5)
    for partner in t.of("Dörentrup", *CARE, "volunteer"):  # Gesundes Dörentrup, supported by the Gemeinde
        t.add(partner, "gd", "Mitgliedschaft", 3, 4)
    t.add("muni:Dörentrup", "gd", "Förderung", 4)
    t.add("muni:Dörentrup", "muni:Kalletal", "Informationsaustausch", 3)
    return t


def add_reports_and_flaws(t: Ties, actors: list[Actor], rng: random.Random) -> dict[str, int]:
    """Reverse reports, a few name references and the deliberate tie imperfections (their sheet rows)."""
    by_id = {a.ident: a for a in actors}
    core = {"gp", "nursing", "welfare_nursing", "home", *PALLIATIVE}
    candidates = [r for r in t.rows if by_id[str(r[0])].cat in core and by_id[str(r[1])].cat in core]
    for n, row in enumerate(rng.sample(candidates, 15)):
        level = int(row[3])
        # The first four partners disagree clearly (by 2 levels), the others by at most one.
        level = (level + 2 if level <= 3 else level - 2) if n < 4 else min(5, max(1, level + rng.choice([-1, 0, 1])))
        t.rows.append([row[0], row[1], row[2], level, row[1], row[5], "Angabe des Partners"])
    for n, row in enumerate(rng.sample(t.rows[:200], 5)):  # refer to an actor by its exact name
        row[n // 3] = by_id[str(row[n // 3])].name
    gp = next(a for a in actors if a.cat == "gp" and a.muni == "Lemgo")
    nurse = next(a for a in actors if a.cat == "nursing" and a.muni == "Blomberg")
    unknown = f"A{len(actors) + 18:03d}"  # an actor deleted from the list but still referred to
    plan: list[tuple[int, str, list[str | int] | None]] = [
        (70, "unknown_id", [gp.ident, unknown, "Überweisung", 2, gp.ident, "01.04.2021", ""]),
        (160, "self_tie", [nurse.ident, nurse.ident, "Fallbesprechung", 3, nurse.ident, "", ""]),
        (250, "exact_duplicate", None),
    ]
    flaws: dict[str, int] = {}
    for pos, what, flawed in plan:  # in increasing order, so earlier rows keep their numbers
        t.rows.insert(pos, list(t.rows[pos - 1]) if flawed is None else flawed)
        flaws[what] = pos + 2  # the header is row 1
    return flaws


def write(actors: list[Actor], ties: Ties, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(path))
    wb.set_properties({"title": "Palliativnetz Lippe (fiktive Beispieldaten)", "author": "carenet-graph",
                       "created": datetime.datetime(2024, 1, 1)})  # fixed date: byte-identical re-runs
    info = wb.add_worksheet("Anleitung")
    info.set_column(0, 0, 110)
    for r, line in enumerate(INSTRUCTIONS):
        info.write_string(r, 0, line, wb.add_format({"bold": r == 0, "text_wrap": True}))
    sheet = wb.add_worksheet("Akteure")
    sheet.write_string(0, 0, TITLE, wb.add_format({"bold": True, "font_size": 13}))
    rows: list[list[str | int | float]] = [
        [a.ident, a.name, ODD_TYPES.get(a.key, a.type_text), a.muni, "Kreis Lippe", "Deutschland", TOWN[a.muni][2],
         a.lat, a.lon, a.note] for a in actors]
    twice = next(r for r, a in zip(rows, actors, strict=True) if a.key == "ahd_bs")
    rows.append([*twice[:7], "", "", ""])  # entered a second time, without coordinates
    table(wb, sheet, 2, ACTOR_HEADER, [7, 52, 40, 20, 12, 12, 8, 11, 11, 36], rows)
    table(wb, wb.add_worksheet("Zusammenarbeit"), 0, TIE_HEADER, [44, 44, 26, 10, 14, 12, 22], ties.rows)
    wb.close()


def table(wb: xlsxwriter.Workbook, sheet: Any, top: int, header: list[str], widths: list[int],
          rows: Sequence[Sequence[str | int | float]]) -> None:
    """Header at row ``top`` (0-based), then the rows: IDs and PLZ as text, levels and coordinates as numbers."""
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    text, coord = wb.add_format({"num_format": "@"}), wb.add_format({"num_format": "0.0000"})
    for c, (name, width) in enumerate(zip(header, widths, strict=True)):
        sheet.write_string(top, c, name, head)
        sheet.set_column(c, c, width)
    for r, row in enumerate(rows, start=top + 1):
        for c, value in enumerate(row):
            if isinstance(value, (int, float)):
                sheet.write_number(r, c, value, coord if isinstance(value, float) else None)
            elif value:
                sheet.write_string(r, c, value, text if header[c] in ("ID", "PLZ") else None)
    sheet.freeze_panes(top + 1, 2 if top else 0)
    sheet.autofilter(top, 0, top + len(rows), len(header) - 1)


INSTRUCTIONS = [
    "Palliativnetz Lippe – Netzwerkerhebung 2024 (fiktive Beispieldaten)",
    "",
    "Alle Einrichtungen in dieser Arbeitsmappe sind erfunden; echt sind nur die Städte und Gemeinden des Kreises.",
    "Blatt „Akteure“: eine Zeile je Einrichtung oder Dienst. Die ID (A001, A002 …) ist eindeutig.",
    "Blatt „Zusammenarbeit“: eine Zeile je angegebener Zusammenarbeit. „Von“ und „Mit“ enthalten die ID "
    "(oder den genauen Namen) der Einrichtungen.",
    "Intensität: 1 = Vernetzung (man kennt sich), 2 = Kooperation (Informationen weitergeben), 3 = Koordination "
    "(Abstimmung), 4 = Koalition (gemeinsame Entscheidungen), 5 = integrierte Zusammenarbeit.",
    f"„{REPORTER}“: die Einrichtung, die die Zusammenarbeit gemeldet hat. Nennt auch der Partner dieselbe "
    "Zusammenarbeit, steht sie zweimal da; beide Angaben bleiben erhalten.",
    "„Seit“: Datum als TT.MM.JJJJ.",
    "Bitte keine Namen von Patientinnen, Patienten oder anderen Privatpersonen eintragen.",
]


def main() -> None:
    rng = random.Random(SEED)
    actors = make_actors(rng)
    ties = make_ties(actors, rng)
    flaws = add_reports_and_flaws(ties, actors, rng)
    write(actors, ties, OUT)
    print(f"wrote {OUT}: {len(actors)} actors (+1 repeated row), {len(ties.rows)} tie rows; deliberate tie flaws: "
          + ", ".join(f"{what} at row {row}" for what, row in flaws.items()))


if __name__ == "__main__":
    main()
