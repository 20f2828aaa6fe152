"""Example network for Eemland (NL): ``data/eemland/netwerk_eemland.xlsx``.

A Netwerk Palliatieve Zorg and its nine gemeenten (Barneveld and Nijkerk belong to the region
only in part), with zorg (huisartsen, wijkverpleging, verpleeghuizen, hospices, the
consultatieteam, apotheken) and welzijn (welzijnsorganisaties, mantelzorgsteunpunten, sociale
wijkteams, geestelijke verzorging through the Centrum voor Levensvragen, volunteers). Dutch
conventions: sheet names and headers in Dutch, organisations numbered (Nr.) and referred to by
number, postcodes as text ("3811 AB"), dates written day-first as text (15-03-2021).

Every organisation is made up; the gemeenten are real. Coordinates: each gemeente's approximate
centre from ``../shared/reference/municipalities.csv`` plus a random offset of about ±1 km.
"""

from __future__ import annotations

import datetime
import random
from pathlib import Path

from example_kit import Actor, Sheet, TieBook, expand, jitter, write_workbook

SEED = 307  # Amersfoort's CBS code GM0307
OUT = Path(__file__).resolve().parent / "eemland" / "netwerk_eemland.xlsx"
REGION, COUNTRY = "Eemland", "Nederland"

# gemeente | PC4 | lat | lon (municipalities.csv) | part of the region only in part | local actors (*n = n of them)
GEMEENTEN = """
Amersfoort|3811|52.156|5.388||hp*6 wv*3 vh*3 apo*3 fysio*2 welz mz swt*3 vrijw kerk*2 ouderen
Baarn|3741|52.212|5.288||hp*2 wv vh apo welz mz swt kerk
Barneveld|3771|52.140|5.585|deels|hp*3 wv*2 vh*2 apo*2 welz mz swt kerk
Bunschoten|3751|52.243|5.378||hp*2 wv vh apo welz mz swt kerk*2
Eemnes|3755|52.254|5.257||hp wv apo welz mz swt
Leusden|3831|52.133|5.431||hp*2 wv vh apo fysio welz mz swt ouderen
Nijkerk|3861|52.220|5.486|deels|hp*2 wv*2 vh apo welz mz swt kerk
Soest|3761|52.173|5.292||hp*3 wv*2 vh*2 apo*2 fysio welz mz swt kerk
Woudenberg|3931|52.081|5.417||hp*2 wv vh apo welz mz swt kerk
"""
GEMEENTE = {f[0]: f for f in (line.split("|") for line in GEMEENTEN.strip().splitlines())}
NOT_IN_NETWORK = {"Barneveld", "Nijkerk", "Eemnes"}  # gap: nobody there has a tie with the network itself
NO_CARE_WELFARE = "Woudenberg"  # gap: zorg and welzijn never meet here
PATZ = {"Amersfoort": "patz_a", "Soest": "patz_s", "Leusden": "patz_l", "Woudenberg": "patz_l"}
VPTZ = {"Baarn": "vptz_b", "Soest": "vptz_b", "Eemnes": "vptz_b"}  # elsewhere vptz_a
HOSPICE = {"Amersfoort": "hosp_a", "Soest": "hosp_s", "Leusden": "hosp_l"}

# key | name | type text | gemeente | note (regional actors)
REGIONAL = """
npz|Netwerk Palliatieve Zorg Eemland|Netwerk Palliatieve Zorg|Amersfoort|
coord|Netwerkcoördinator Netwerk Palliatieve Zorg Eemland|netwerkcoördinator|Amersfoort|
ct|Consultatieteam Palliatieve Zorg Eemland|consultatieteam palliatieve zorg|Amersfoort|dag en nacht bereikbaar
zkh|Ziekenhuis Amersfoort-Zuid|ziekenhuis|Amersfoort|
pt|Palliatief team Ziekenhuis Amersfoort-Zuid|palliatief team|Amersfoort|
onc|Afdeling oncologie Ziekenhuis Amersfoort-Zuid|afdeling oncologie|Amersfoort|
transfer|Transferbureau Ziekenhuis Amersfoort-Zuid|transferverpleegkundige|Amersfoort|
hosp_a|Hospice De Eik Amersfoort|high care hospice|Amersfoort|8 bedden
hosp_s|Bijna Thuis Huis De Linde Soest|bijna-thuis-huis|Soest|medische zorg door de eigen huisarts
hosp_l|Hospice Het Baken Leusden|hospice|Leusden|
vptz_a|VPTZ Amersfoort en omstreken|VPTZ|Amersfoort|
vptz_b|VPTZ Baarn-Soest-Eemnes|vrijwilligers palliatieve terminale zorg|Baarn|
kader|Kaderhuisartsen palliatieve zorg Eemland|kaderarts palliatieve zorg|Amersfoort|
pzt|Palliatieve Thuiszorg Eemland|gespecialiseerde palliatieve thuiszorg|Amersfoort|
clv|Centrum voor Levensvragen Eemland|Centrum voor Levensvragen|Amersfoort|
gvt|Geestelijk verzorgers thuis Eemland|geestelijke verzorging thuis|Amersfoort|
patz_a|PaTz-groep Amersfoort-Noord|PaTz-groep|Amersfoort|
patz_s|PaTz-groep Soest|PaTz-groep|Soest|
patz_l|PaTz-groep Leusden-Woudenberg|PaTz-groep|Leusden|
hap|Huisartsenpost Amersfoort|huisartsenpost|Amersfoort|avond, nacht en weekend
dapo|Dienstapotheek Eemland|dienstapotheek|Amersfoort|
inloop|Inloophuis De Schakel|inloophuis|Amersfoort|voor mensen met kanker en hun naasten
rouw|Rouwcafé Bunschoten-Spakenburg|rouwgroep|Bunschoten|nieuw sinds januari 2024
"""
TYPE_KIND = {  # the vocabulary's reading of each type text (checked by tests/test_examples.py)
    "Netwerk Palliatieve Zorg": "palliative_network", "netwerkcoördinator": "care_coordinator",
    "consultatieteam palliatieve zorg": "palliative_consult_service", "ziekenhuis": "hospital_department",
    "palliatief team": "palliative_consult_service", "afdeling oncologie": "hospital_department",
    "transferverpleegkundige": "care_coordinator", "high care hospice": "inpatient_hospice",
    "bijna-thuis-huis": "inpatient_hospice", "hospice": "inpatient_hospice", "VPTZ": "outpatient_hospice_service",
    "vrijwilligers palliatieve terminale zorg": "outpatient_hospice_service",
    "kaderarts palliatieve zorg": "palliative_physician",
    "gespecialiseerde palliatieve thuiszorg": "specialised_home_palliative_team",
    "Centrum voor Levensvragen": "spiritual_care", "geestelijke verzorging thuis": "spiritual_care",
    "PaTz-groep": "local_health_network", "huisartsenpost": "general_practitioner", "dienstapotheek": "pharmacy",
    "inloophuis": "social_welfare_organisation", "rouwgroep": "outpatient_hospice_service",
    "gemeente": "municipality", "huisartsenpraktijk": "general_practitioner", "Huisarts": "general_practitioner",
    "wijkverpleging": "home_nursing_service", "thuiszorg": "home_nursing_service", "verpleeghuis": "nursing_home",
    "woonzorgcentrum": "nursing_home", "apotheek": "pharmacy", "fysiotherapie": "therapy_practice",
    "welzijnsorganisatie": "social_welfare_organisation", "mantelzorgsteunpunt": "carer_support",
    "sociaal wijkteam": "municipal_social_services", "vrijwilligerscentrale": "volunteer_organisation",
    "kerkelijke gemeente": "spiritual_care", "parochie": "spiritual_care", "ouderenbond": "volunteer_organisation",
}
PRACTICES = ["De Linde", "Het Plein", "De Bron", "Centrum", "De Brink", "Het Hof", "De Kamp", "Noord"]
HOMES = ["De Beuk", "De Eikenhof", "Het Lindehuis", "De Wilgen", "Rozenhof", "De Esdoorn", "Het Kastanjehuis"]
WIJKEN = ["Noord", "Zuid", "Centrum"]
LETTERS = "ABCDEGHJKLMNPRTVWXZ"  # postcode letters in use (no F, I, O, Q, U, Y; no S: SA, SD, SS are not used)
# Deliberate imperfections: a no-break space after a gemeente; a doubled space in a type text.
ODD_MUNI = {"hp:Bunschoten:1": "Bunschoten\u00a0"}
ODD_TYPES = {"swt:Baarn:0": "Sociaal  wijkteam"}
NO_COORDINATES = {"rouw"}
TWICE = "mz:Leusden:0"  # pasted a second time at the end of the list, without postcode and coordinates


def local_actor(cat: str, n: int, count: int, g: str, rng: random.Random, places: list[str],
                homes: list[str]) -> tuple[str, str]:
    """(name, type text) of the n-th local actor of a category in a gemeente."""
    if cat == "hp":
        return f"Huisartsenpraktijk {places[n]}, {g}", rng.choice(["huisartsenpraktijk", "huisartsenpraktijk",
                                                                   "Huisarts"])
    if cat == "wv":  # two providers: Thuiszorg Eemvallei (by wijk in Amersfoort) and De Zorgkring
        kind = rng.choice(["wijkverpleging", "thuiszorg"])
        if (count > 1 and n == count - 1) or (count == 1 and rng.random() < 0.4):
            return f"Wijkverpleging De Zorgkring, team {g}", kind
        team = f"{g}-{WIJKEN[n]}" if count > 2 else g
        return f"Thuiszorg Eemvallei, wijkteam {team}", kind
    if cat == "vh":
        return f"Woonzorgcentrum {homes[n]}, {g}", rng.choice(["verpleeghuis", "woonzorgcentrum"])
    if cat == "swt":
        return (f"Sociaal wijkteam {g}-{WIJKEN[n]}" if count > 1 else f"Sociaal wijkteam {g}"), "sociaal wijkteam"
    if cat == "kerk":
        return ((f"Kerkelijke gemeente De Ark, {g}", "kerkelijke gemeente") if n == 0
                else (f"Parochie {g}", "parochie"))
    fixed = {
        "apo": (f"Apotheek {['Centrum', 'De Brink', 'Oost'][n]}, {g}", "apotheek"),
        "fysio": (f"Fysiotherapie {places[-1 - n]}, {g}", "fysiotherapie"),
        "welz": (f"Welzijnsstichting {g}", "welzijnsorganisatie"),
        "mz": (f"Steunpunt Mantelzorg {g}", "mantelzorgsteunpunt"),
        "vrijw": (f"Vrijwilligerscentrale {g}", "vrijwilligerscentrale"),
        "ouderen": (f"Seniorenvereniging {g}", "ouderenbond"),
    }
    return fixed[cat]


def make_actors(rng: random.Random) -> list[Actor]:
    specs: list[tuple[str, str, str, str, str]] = []  # key, name, type text, gemeente, note
    for line in REGIONAL.strip().splitlines():
        key, name, type_text, g, note = line.split("|")
        specs.append((key, name, type_text, g, note))
    for g, _pc4, _lat, _lon, partial, local in GEMEENTE.values():
        note = "hoort maar voor een deel bij de netwerkregio Eemland" if partial else ""
        specs.append((f"gemeente:{g}", f"Gemeente {g}", "gemeente", g, note))
        cats, places, homes = expand(local), rng.sample(PRACTICES, len(PRACTICES)), rng.sample(HOMES, len(HOMES))
        for pos, cat in enumerate(cats):
            n = cats[:pos].count(cat)
            name, type_text = local_actor(cat, n, cats.count(cat), g, rng, places, homes)
            specs.append((f"{cat}:{g}:{n}", name, type_text, g, ""))
    actors = []
    for n, (key, name, type_text, g, note) in enumerate(specs, start=1):
        _, pc4, lat_text, lon_text, *_ = GEMEENTE[g]
        lat, lon = float(lat_text), float(lon_text)
        if not key.startswith("gemeente:"):
            lat, lon = jitter(rng, lat, lon, 0.009, 0.014)
        postcode = f"{pc4} {rng.choice(LETTERS)}{rng.choice(LETTERS)}"
        coords = (None, None) if key in NO_COORDINATES else (lat, lon)
        actors.append(Actor(key, str(n), name, type_text, TYPE_KIND[type_text], g, postcode, lat=coords[0],
                            lon=coords[1], note=note))
    return actors


def allowed(x: Actor, y: Actor) -> bool:
    """Veto ties that would close a planted gap."""
    if {x.key, y.key} & {"npz", "coord"} and {x.muni, y.muni} & NOT_IN_NETWORK:
        return False
    return not (NO_CARE_WELFARE in (x.muni, y.muni) and {x.domain, y.domain} == {"care", "social"})


def since(rng: random.Random) -> str | None:
    if rng.random() < 0.2:
        return None
    year = rng.randint(2012, 2023)
    if rng.random() < 0.1:
        return str(year)
    return f"{rng.choice([1, 1, 1, rng.randint(2, 28)]):02d}-{rng.randint(1, 12):02d}-{year}"


def make_ties(actors: list[Actor], rng: random.Random) -> TieBook:
    t = TieBook(actors, rng, ref=lambda a: int(a.ident), allowed=allowed, since=since)
    t.add("coord", "npz", "onderdeel van", 5)
    for member in ["ct", "zkh", "hosp_a", "hosp_s", "hosp_l", "vptz_a", "vptz_b", "kader", "pzt", "clv", "inloop",
                   "hap", "wv:Amersfoort:0", "wv:Amersfoort:2", "vh:Amersfoort:0", "vh:Soest:0"]:
        t.add(member, "npz", rng.choice(["lidmaatschap", "aangesloten"]), 3, 4)
    for key in ("patz_a", "patz_s", "patz_l"):
        t.add(key, "npz", "aangesloten", 2, 3)
        t.add("kader", key, "deskundigheidsbevordering", 3)
    t.add("kader", "ct", "samenwerkingsovereenkomst", 5)
    t.add("ct", "pt", "gedeelde patiënten", 4)
    t.add("pzt", "ct", "gedeelde patiënten", 4)
    for unit in ("pt", "onc", "transfer"):
        t.add(unit, "zkh", "onderdeel van", 5)
    t.add("onc", "pt", "MDO", 4)
    t.add("transfer", "pt", "overdracht", 3)
    t.add("zkh", "inloop", "informatie-uitwisseling", 2)
    t.add("inloop", "clv", "informatie-uitwisseling", 2)
    t.add("inloop", "welz:Amersfoort:0", "informatie-uitwisseling", 2, 3)
    for key in ("hosp_a", "hosp_s", "hosp_l"):
        t.add(key, "ct", "consultatie", 3, 4)
    t.add("vptz_a", "hosp_a", "vrijwillige inzet", 4)
    t.add("vptz_a", "hosp_l", "vrijwillige inzet", 3, 4)
    t.add("vptz_b", "hosp_s", "vrijwillige inzet", 4)
    t.add("gvt", "clv", "onderdeel van", 5)
    t.add("gvt", "patz_a", "PaTz-overleg", 3)
    t.add("hosp_a", "gvt", "consultatie", 3)
    t.add("gvt", "ct", "MDO", 2, 3)
    for partner in ("ct", "clv", "vptz_a", "vptz_b"):
        t.add("coord", partner, "netwerkoverleg", 3, 4)
    t.add("npz", "clv", "Week van de palliatieve zorg", 2)
    t.add("npz", "vptz_a", "publieksvoorlichting", 2)
    t.add("hap", "ct", "consultatie", 3)
    t.add("hap", "dapo", "informatie-uitwisseling", 3)
    no_ct = {t.of("Amersfoort", "hp")[-1].key, *(a.key for g in ("Barneveld", "Nijkerk") for a in t.of(g, "hp"))}
    for g, *_ in GEMEENTE.values():
        town = t.by_key[f"gemeente:{g}"]
        hps, wvs, vhs, apos = (t.of(g, c) for c in ("hp", "wv", "vh", "apo"))
        welz, mz, swt = (t.of(g, c) for c in ("welz", "mz", "swt"))
        vptz, hospice, patz = VPTZ.get(g, "vptz_a"), HOSPICE.get(g), PATZ.get(g)
        t.add(town, "npz", "convenant", 2, 3)
        t.add(town, "npz", "subsidie", 2, 3, p=0.5)
        t.add(town, "coord", "netwerkoverleg", 2, 3, p=0.6)
        for s in swt:
            t.add(s, town, "onderdeel van", 5)
            for w in welz:
                t.add(w, s, "MDO", 3)
            for m in mz:
                t.add(s, m, "verwijzing", 3)
        for w in (*welz, *mz):
            t.add(town, w, "subsidie", 3, 4)
        for m in mz:
            for w in welz:
                t.add(m, w, "onderdeel van", 5, p=0.5)
                t.add(m, w, "informatie-uitwisseling", 3)
            t.add(m, vptz, "verwijzing", 2, p=0.5)
        for w in welz:  # welzijn and the palliative care side: the link Agora and Fibula work on
            t.add(w, "npz", "aangesloten", 2, p=0.4)
            for n in wvs:
                t.add(w, n, "informatie-uitwisseling", 2, 3, p=0.5)
        for hp in hps:  # huisartsen: the medical backbone
            if hp.key not in no_ct:
                t.add(hp, "ct", "consultatie", 2, 4)
                t.add(hp, "kader", "consultatie", 2, 3, p=0.4)
            for w in wvs:
                t.add(hp, w, rng.choice(["gedeelde patiënten", "PaTz-overleg"]), 3, 4, p=1.0 if len(wvs) == 1 else 0.8)
            t.add(hp, "zkh", "verwijzing", 2, 3, p=0.5)
            t.add(hp, "hap", "overdracht", 3, p=0.4)
            if patz:
                t.add(hp, patz, "lidmaatschap", 3, 4, p=0.8)
            if hospice:
                t.add(hp, hospice, "gedeelde patiënten", 3, 4, p=0.6)
            for s in swt:
                t.add(hp, s, "verwijzing", 2, 3, p=0.5)
            for other in (o for o in hps if o.key < hp.key):
                t.add(hp, other, "intervisie", 2, p=0.4)
        for w in wvs:
            t.add(w, "ct", "consultatie", 2, 3, p=0.6)
            t.add(w, "pzt", "gedeelde patiënten", 3, p=0.5)
            t.add("transfer", w, "overdracht", 3)
            t.add(vptz, w, "vrijwillige inzet", 2, 3, p=0.6)
            if patz:
                t.add(w, patz, "lidmaatschap", 3, p=0.7)
            for m in mz:
                t.add(w, m, "verwijzing", 2, 3, p=0.7)
            for s in swt:
                t.add(w, s, "MDO", 3, p=0.6)
        for v in vhs:
            t.add(v, "ct", "consultatie", 2, 3, p=0.7)
            t.add(vptz, v, "vrijwillige inzet", 2, p=0.5)
            t.add(v, hps[0], "gedeelde patiënten", 2, 3, p=0.5)
            t.add("transfer", v, "overdracht", 3, p=0.5)
        for a in apos:
            for hp in [h for h in hps if t.chance(0.8)] or hps[:1]:
                t.add(a, hp, "informatie-uitwisseling", 2, 3)
            for w in wvs:
                t.add(a, w, "informatie-uitwisseling", 2, p=0.4)
            t.add(a, "dapo", "informatie-uitwisseling", 2, p=0.3)
        for f in t.of(g, "fysio"):
            for hp in [h for h in hps if t.chance(0.7)] or hps[:1]:
                t.add(hp, f, "verwijzing", 2, 3)
        for k in t.of(g, "kerk"):  # spiritual care: weak ties
            t.add(k, "clv", "netwerkoverleg", 1, 2, p=0.6)
            t.add(k, welz[0], "informatie-uitwisseling", 1, 2)
        for o in t.of(g, "ouderen"):
            t.add(o, welz[0], "informatie-uitwisseling", 2, 3)
            t.add(o, town, "informatie-uitwisseling", 1, 2)
        for v in t.of(g, "vrijw"):
            t.add(town, v, "subsidie", 3)
            t.add(v, welz[0], "onderdeel van", 5)
    return t


def add_flaws(t: TieBook, actors: list[Actor], rng: random.Random) -> dict[str, int]:
    """Partner reports and the deliberate tie imperfections; returns their sheet rows."""
    care = {"general_practitioner", "home_nursing_service", "nursing_home", "palliative_consult_service",
            "inpatient_hospice", "specialised_home_palliative_team"}
    t.partner_reports(10, lambda x, y: x.kind in care and y.kind in care, "melding van de partner")
    hp = t.of("Soest", "hp")[0]
    gone = len(actors) + 12  # an organisation taken off the list, still referred to
    return t.insert([
        (75, "unknown_number", [int(hp.ident), gone, "verwijzing", 2, int(hp.ident), "01-06-2022", ""]),
        (210, "exact_duplicate", None),
    ])


INSTRUCTIONS = [
    "Netwerk Palliatieve Zorg Eemland – inventarisatie samenwerking zorg en welzijn 2024 (fictieve voorbeeldgegevens)",
    "",
    "Alle organisaties in dit werkboek zijn verzonnen; alleen de gemeenten bestaan echt.",
    "Tabblad ‘Actoren’: één regel per organisatie of team, met een uniek nummer (Nr.).",
    "Tabblad ‘Samenwerking’: één regel per gemelde samenwerking. ‘Van’ en ‘Met’ bevatten het nummer van de "
    "organisaties.",
    "Niveau: 1 = netwerken (kennen elkaar), 2 = coöperatie (informatie delen), 3 = coördinatie (afstemming), "
    "4 = coalitie (gezamenlijke besluitvorming), 5 = integrale samenwerking.",
    "‘Gemeld door’: het nummer van de organisatie die de samenwerking meldde. Meldt de partner dezelfde samenwerking "
    "ook, dan staat die er twee keer in; beide meldingen blijven bewaard.",
    "‘Sinds’: datum als DD-MM-JJJJ, of alleen het jaar.",
    "Postcode als tekst, bijvoorbeeld 3811 AB.",
    "Barneveld en Nijkerk horen maar voor een deel bij de netwerkregio Eemland.",
    "Vul geen namen van patiënten, naasten of andere privépersonen in.",
]


def build(path: Path = OUT) -> str:
    """Write the workbook to ``path``; returns a one-line summary."""
    rng = random.Random(SEED)
    actors = make_actors(rng)
    ties = make_ties(actors, rng)
    flaws = add_flaws(ties, actors, rng)
    rows: list[list[str | int | float | None]] = [
        [int(a.ident), a.name, ODD_TYPES.get(a.key, a.type_text), ODD_MUNI.get(a.key, a.muni), REGION, COUNTRY,
         a.postcode, a.lat, a.lon, a.note] for a in actors]
    twice = next(r for r, a in zip(rows, actors, strict=True) if a.key == TWICE)
    rows.append([*twice[:6], None, None, None, None])
    write_workbook(
        path, title="Netwerk Palliatieve Zorg Eemland (fictieve voorbeeldgegevens)",
        created=datetime.datetime(2024, 1, 1), instructions_sheet="Toelichting", instructions=INSTRUCTIONS,
        date_format="dd-mm-yyyy",
        sheets=[
            Sheet("Actoren", ["Nr.", "Naam", "Soort organisatie", "Gemeente", "Regio", "Land", "Postcode",
                              "Breedtegraad", "Lengtegraad", "Opmerking"], [6, 52, 34, 14, 10, 11, 10, 12, 12, 44],
                  rows, text_columns=("Postcode",),
                  title=("Netwerk Palliatieve Zorg Eemland – wie werkt met wie? (fictieve voorbeeldgegevens)",
                         "Peildatum 1 maart 2024 · bijgehouden door de netwerkcoördinator")),
            Sheet("Samenwerking", ["Van", "Met", "Soort samenwerking", "Niveau", "Gemeld door", "Sinds", "Opmerking"],
                  [8, 8, 28, 8, 12, 12, 24], ties.rows, text_columns=("Sinds",)),
        ])
    return (f"wrote {path}: {len(actors)} actors (+1 repeated row), {len(ties.rows)} tie rows; deliberate tie flaws: "
            + ", ".join(f"{what} at row {row}" for what, row in flaws.items()))
