"""Example network for Region Värmland (SE): ``data/varmland/natverk_varmland.xlsx``.

Municipal home care (kommunal hemsjukvård) and the palliative consult teams of Karlstad,
Arvika, Kristinehamn and Torsby are the backbone, with vårdcentraler, hemtjänst, särskilda
boenden, biståndshandläggning, anhörigstöd, the Church of Sweden, the onkologiklinik at
Centralsjukhuset Karlstad and Palliativa rådet. Swedish conventions: sheet names and headers in
Swedish, actors named (no id column) and referred to by name in the ties, postnummer as text
("651 84"), dates as real date cells shown ÅÅÅÅ-MM-DD (some only a year).

Every organisation is made up; the 16 kommuner, Region Värmland and the outline of the
specialised palliative care (consult teams in four towns, palliative beds at the onkologiklinik)
follow the region's public description. Coordinates: each kommun's approximate centre from
``../shared/reference/municipalities.csv`` plus a random offset of about ±2 km.
"""

from __future__ import annotations

import datetime
import random
from itertools import combinations
from pathlib import Path

from example_kit import Actor, Sheet, TieBook, expand, jitter, write_workbook

SEED = 1780  # Karlstad's kommunkod
OUT = Path(__file__).resolve().parent / "varmland" / "natverk_varmland.xlsx"
COUNTY, COUNTRY = "Värmlands län", "Sverige"

# kommun | official name | postnummer prefix | lat | lon (municipalities.csv) | consult team | närvård area
# | local actors (synthetic; *n = n of them). Swedish order (Å, Ä, Ö last).
KOMMUNER = """
Arvika|Arvika kommun|671|59.655|12.585|arv|vast|vc*2 hsv ht*2 bist sabo*2 apo anh kyrka friv ombud
Eda|Eda kommun|673|59.883|12.283|arv|vast|vc hsv ht bist sabo apo anh
Filipstad|Filipstads kommun|682|59.713|14.169|kri|ost|vc hsv ht bist sabo apo anh kyrka
Forshaga|Forshaga kommun|667|59.533|13.483|ksd|ksd|vc hsv ht bist sabo apo anh kyrka
Grums|Grums kommun|664|59.350|13.100|ksd|ksd|vc hsv ht bist sabo apo anh
Hagfors|Hagfors kommun|683|60.033|13.650|tor|norr|vc hsv ht bist sabo apo anh kyrka
Hammarö|Hammarö kommun|663|59.324|13.466|ksd|ksd|vc*2 hsv ht bist sabo apo anh kyrka
Karlstad|Karlstads kommun|651|59.379|13.504|ksd|ksd|vc*4 hsv*2 ht*3 bist sabo*4 apo*2 anh kyrka friv ombud rehab traff
Kil|Kils kommun|665|59.500|13.317|ksd|ksd|vc hsv ht bist sabo apo anh kyrka friv
Kristinehamn|Kristinehamns kommun|681|59.310|14.108|kri|ost|vc*2 hsv ht*2 bist sabo*2 apo anh kyrka friv ombud traff
Munkfors|Munkfors kommun|684|59.833|13.550|tor|norr|vc hsv ht bist sabo anh
Storfors|Storfors kommun|688|59.533|14.267|kri|ost|vc hsv ht bist sabo apo anh
Sunne|Sunne kommun|686|59.837|13.143|tor|norr|vc hsv ht bist sabo*2 apo anh kyrka
Säffle|Säffle kommun|661|59.133|12.933|ksd|vast|vc*2 hsv ht bist sabo apo anh kyrka pens
Torsby|Torsby kommun|685|60.133|13.000|tor|norr|vc hsv ht bist sabo*2 apo anh kyrka friv
Årjäng|Årjängs kommun|672|59.392|12.134|arv|vast|vc hsv ht bist sabo apo anh kyrka
"""
KOMMUN = {f[0]: f for f in (line.split("|") for line in KOMMUNER.strip().splitlines())}
NO_COUNCIL = {"Eda", "Årjäng", "Munkfors"}  # gap: the kommun is not represented in Palliativa rådet
NO_CARE_WELFARE = "Storfors"  # gap: no tie at all between the care side and the social side
HOSPITAL = {"arv": "sjh_arv", "tor": "sjh_tor", "kri": "onk", "ksd": "onk"}

# key | name | type text | kommun | note (regional actors, synthetic names for a real structure)
REGIONAL = """
region|Region Värmland – Hälso- och sjukvård|Region Värmland|Karlstad|huvudman för hälso- och sjukvården
rad|Palliativa rådet i Värmland|palliativt råd|Karlstad|representanter för kommunerna och regionen
onk|Centralsjukhuset Karlstad – onkologiklinik|onkologiklinik|Karlstad|samordnar den specialiserade palliativa vården
pvp|Palliativa vårdplatser, onkologiklinikens vårdavdelning|palliativa vårdplatser|Karlstad|
sjh_arv|Sjukhuset i Arvika – medicinkliniken|sjukhus|Arvika|palliativa vårdplatser
sjh_tor|Sjukhuset i Torsby – medicinkliniken|sjukhus|Torsby|palliativa vårdplatser
kt_ksd|Palliativa konsultteamet Karlstad|palliativt konsultteam|Karlstad|hembesök, rådgivning och utbildning; kontorstid
kt_arv|Palliativa konsultteamet Arvika|palliativa teamet|Arvika|
kt_kri|Palliativa konsultteamet Kristinehamn|Palliativt konsultteam|Kristinehamn|
kt_tor|Palliativa konsultteamet Torsby|palliativt konsultteam|Torsby|
asih|ASIH Karlstad–Hammarö|ASIH|Karlstad|avancerad sjukvård i hemmet
kur|Kuratorerna, onkologikliniken|kurator|Karlstad|
skyrk|Sjukhuskyrkan, Centralsjukhuset Karlstad|sjukhuskyrkan|Karlstad|
sapo|Sjukhusapoteket Karlstad|sjukhusapotek|Karlstad|
mas|Medicinskt ansvarig sjuksköterska (MAS), Karlstads kommun|MAS|Karlstad|
vak|Vak i livets slutskede Karlstad|vak i livets slutskede|Karlstad|frivilliga vak
patf|Patientföreningen Cancerstöd Värmland|patientförening|Karlstad|
nv_vast|Närvårdssamverkan Västra Värmland|närvårdssamverkan|Arvika|
nv_norr|Närvårdssamverkan Norra Värmland|närvårdssamverkan|Torsby|
nv_ost|Närvårdssamverkan Östra Värmland|närvårdssamverkan|Kristinehamn|
nv_ksd|Närvårdssamverkan Karlstadsområdet|närvårdssamverkan|Karlstad|
sorg|Sorgegrupp Hagfors|sorgegrupp|Hagfors|nystartad hösten 2023
"""
TYPE_KIND = {  # the vocabulary's reading of each type text (checked by tests/test_examples.py)
    "Region Värmland": "regional_authority", "palliativt råd": "palliative_network",
    "onkologiklinik": "hospital_department", "sjukhus": "hospital_department",
    "palliativa vårdplatser": "palliative_care_unit", "palliativt konsultteam": "palliative_consult_service",
    "palliativa teamet": "palliative_consult_service", "Palliativt konsultteam": "palliative_consult_service",
    "ASIH": "specialised_home_palliative_team", "kurator": "social_welfare_organisation",
    "sjukhuskyrkan": "spiritual_care", "sjukhusapotek": "pharmacy", "MAS": "care_coordinator",
    "vak i livets slutskede": "outpatient_hospice_service", "patientförening": "volunteer_organisation",
    "närvårdssamverkan": "local_health_network", "sorgegrupp": "outpatient_hospice_service",
    "kommun": "municipality", "vårdcentral": "general_practitioner", "Vårdcentral": "general_practitioner",
    "kommunal hemsjukvård": "home_nursing_service", "hemtjänst": "home_help_service",
    "hemtjänst (privat utförare)": "home_help_service", "biståndshandläggare": "municipal_social_services",
    "socialtjänsten": "municipal_social_services", "särskilt boende": "nursing_home",
    "vård- och omsorgsboende": "nursing_home", "apotek": "pharmacy", "anhörigstöd": "carer_support",
    "Svenska kyrkan, församling": "spiritual_care", "frivilligcentral": "volunteer_organisation",
    "palliativa ombud": "care_coordinator", "rehabilitering": "therapy_practice",
    "träffpunkt": "social_welfare_organisation", "pensionärsorganisation": "volunteer_organisation",
}
DISTRICTS = ["Centrum", "Norr", "Söder", "Väster", "Öster", "Torget"]
HOMES = ["Lindgården", "Björkbacken", "Solhaga", "Ekbacken", "Rönngården", "Tallåsen", "Granbacken", "Sjögläntan"]
# Deliberate imperfections in type texts: a doubled space; a trailing no-break space.
ODD_TYPES = {"hsv:Sunne:0": "Kommunal  hemsjukvård", "vc:Grums:0": "Vårdcentral\u00a0"}
NO_COORDINATES = {"sorg", "pens:Säffle:0"}  # not yet placed on the map by the coordinator
TWICE = "anh:Säffle:0"  # entered a second time at the end of the list, without postnummer and coordinates


def local_actor(cat: str, n: int, count: int, muni: str, official: str, rng: random.Random,
                homes: list[str]) -> tuple[str, str]:
    """(name, type text) of the n-th local actor of a category in a kommun."""
    district = DISTRICTS[n] if count > 1 else ""
    if cat == "vc":
        return (f"Vårdcentralen {district} {muni}" if district else f"Vårdcentralen {muni}",
                rng.choice(["vårdcentral", "vårdcentral", "Vårdcentral"]))
    if cat == "hsv":
        return (f"Hemsjukvården {official}, område {district}" if district else f"Hemsjukvården {official}",
                "kommunal hemsjukvård")
    if cat == "ht":
        if n == 2:
            return f"Hemtjänsten Omsorgshuset {muni}", "hemtjänst (privat utförare)"
        return (f"Hemtjänsten {muni} {['centrum', 'ytterområden'][n]}" if count > 1 else f"Hemtjänsten {muni}",
                "hemtjänst")
    if cat == "sabo":
        kind = rng.choice(["särskilt boende", "vård- och omsorgsboende"])
        return f"Vård- och omsorgsboendet {homes[n]}, {muni}", kind
    fixed = {
        "bist": (f"Biståndsenheten, {official}", rng.choice(["biståndshandläggare", "socialtjänsten"])),
        "apo": (f"Apotek {['Torget', 'Gallerian'][n]} {muni}", "apotek"),
        "anh": (f"Anhörigstöd {official}", "anhörigstöd"),
        "kyrka": (f"Svenska kyrkan i {muni} – diakonin", "Svenska kyrkan, församling"),
        "friv": (f"Frivilligcentralen {muni}", "frivilligcentral"),
        "ombud": (f"Palliativa ombud, {official}", "palliativa ombud"),
        "rehab": (f"Rehabenheten, {official}", "rehabilitering"),
        "traff": (f"Träffpunkt {muni} centrum", "träffpunkt"),
        "pens": (f"Pensionärsföreningen {muni}", "pensionärsorganisation"),
    }
    return fixed[cat]


def make_actors(rng: random.Random) -> list[Actor]:
    specs: list[tuple[str, str, str, str, str]] = []  # key, name, type text, kommun, note
    for line in REGIONAL.strip().splitlines():
        key, name, type_text, muni, note = line.split("|")
        specs.append((key, name, type_text, muni, note))
    for muni, official, *_, local in KOMMUN.values():
        specs.append((f"kommun:{muni}", official, "kommun", muni, ""))
        cats, homes = expand(local), rng.sample(HOMES, len(HOMES))
        for pos, cat in enumerate(cats):
            n = cats[:pos].count(cat)
            name, type_text = local_actor(cat, n, cats.count(cat), muni, official, rng, homes)
            specs.append((f"{cat}:{muni}:{n}", name, type_text, muni, ""))
    actors = []
    for n, (key, name, type_text, muni, note) in enumerate(specs, start=1):
        _, _, prefix, lat_text, lon_text, *_ = KOMMUN[muni]
        lat, lon = float(lat_text), float(lon_text)
        if not key.startswith("kommun:"):  # Värmland's kommuner are wide: about ±2 km
            lat, lon = jitter(rng, lat, lon, 0.018, 0.035)
        postcode = f"{prefix} {rng.randint(10, 95):02d}"
        coords = (None, None) if key in NO_COORDINATES else (lat, lon)
        actors.append(Actor(key, f"V{n:03d}", name, type_text, TYPE_KIND[type_text], muni, postcode, lat=coords[0],
                            lon=coords[1], note=note))
    return actors


def allowed(x: Actor, y: Actor) -> bool:
    """Veto ties that would close a planted gap."""
    if "rad" in (x.key, y.key) and (x.muni in NO_COUNCIL or y.muni in NO_COUNCIL):
        return False
    return not (NO_CARE_WELFARE in (x.muni, y.muni) and {x.domain, y.domain} == {"care", "social"})


def since(rng: random.Random) -> datetime.date | int | None:
    if rng.random() < 0.2:
        return None
    year = rng.randint(2010, 2023)
    if rng.random() < 0.12:
        return year  # only the year is known
    return datetime.date(year, rng.randint(1, 12), rng.choice([1, 1, 1, rng.randint(2, 28)]))


def make_ties(actors: list[Actor], rng: random.Random) -> TieBook:
    t = TieBook(actors, rng, ref=lambda a: a.name, allowed=allowed, since=since)
    teams = ["kt_ksd", "kt_arv", "kt_kri", "kt_tor"]
    for key in ["onk", "sjh_arv", "sjh_tor", "sapo"]:
        t.add(key, "region", "del av", 5)
    for key in [*teams, "pvp", "asih", "kur"]:
        t.add(key, "onk", "del av", 5)
    t.add("region", "rad", "finansiering", 3, 4)
    for member in ["onk", *teams, "asih", "sjh_arv", "sjh_tor", "mas", "vak"]:
        t.add(member, "rad", "medlemskap", 3, 4)
    for first, second in combinations(teams, 2):
        t.add(first, second, "nätverksträff", 3, 4)
    t.add("kt_ksd", "pvp", "gemensamma patienter", 4, 5)
    for other_team in teams[1:]:
        t.add(other_team, "pvp", "remiss", 3)
    t.add("kt_arv", "sjh_arv", "gemensamma patienter", 4)
    t.add("kt_tor", "sjh_tor", "gemensamma patienter", 4)
    t.add("kt_ksd", "asih", "gemensamma patienter", 4, 5)
    t.add("kur", "kt_ksd", "teammöte", 3)
    t.add("kur", "patf", "informationsutbyte", 2)
    t.add("patf", "onk", "informationsutbyte", 2)
    t.add("patf", "rad", "informationsutbyte", 1, 2)
    t.add("skyrk", "pvp", "teammöte", 2, 3)
    t.add("skyrk", "kt_ksd", "teammöte", 2)
    t.add("sapo", "asih", "informationsutbyte", 3)
    t.add("sapo", "pvp", "informationsutbyte", 3)
    t.add("vak", "pvp", "frivilligt stöd", 3)
    t.add("vak", "kt_ksd", "frivilligt stöd", 2, 3)
    t.add("mas", "kommun:Karlstad", "del av", 5)
    t.add("mas", "kt_ksd", "samverkansmöte", 3)
    for area_key, team_key in (("nv_vast", "kt_arv"), ("nv_norr", "kt_tor"), ("nv_ost", "kt_kri"),
                               ("nv_ksd", "kt_ksd")):
        t.add(area_key, "region", "samverkansmöte", 3)
        t.add(team_key, area_key, "samverkansmöte", 2, 3)
    without_team = {t.of("Karlstad", "vc")[-1].key, *(a.key for m in ("Årjäng", "Munkfors") for a in t.of(m, "vc"))}
    for muni, _official, _prefix, _lat, _lon, team_id, area, _local in KOMMUN.values():
        town, team, nv, hospital = (t.by_key[f"kommun:{muni}"], f"kt_{team_id}", f"nv_{area}", HOSPITAL[team_id])
        vcs, hsvs, hts, bist = (t.of(muni, c) for c in ("vc", "hsv", "ht", "bist"))
        sabos, apos, anh = (t.of(muni, c) for c in ("sabo", "apo", "anh"))
        t.add(town, "region", "samverkansavtal", 3, 4)
        t.add(town, "rad", "medlemskap", 2, 4)
        t.add(town, nv, "medlem", 2, 3)
        for unit in (*hsvs, *bist, *anh, *sabos, *t.of(muni, "ombud", "rehab", "traff")):
            t.add(unit, town, "del av", 5)
        for ht in hts:
            if ht.type_text.endswith("(privat utförare)"):
                t.add(town, ht, "upphandling", 3)
            else:
                t.add(ht, town, "del av", 5)
            for b in bist:
                t.add(b, ht, "uppdrag", 3, 4)
        for h in hsvs:  # municipal home care: the backbone
            for vc in vcs:
                t.add(h, vc, rng.choice(["gemensamma patienter", "SIP"]), 3, 4)
            t.add(h, team, "konsultation", 3, 4)
            if muni in ("Karlstad", "Hammarö"):
                t.add(h, "asih", "gemensamma patienter", 3, 4)
            for ht in hts:
                t.add(h, ht, rng.choice(["SIP", "gemensamma patienter"]), 3, 4)
                if muni == "Karlstad":  # the Karlstad team cares at home together with hemtjänst
                    t.add(ht, team, "gemensamma patienter", 3)
            for b in bist:
                t.add(h, b, "vårdplanering", 3)
            for s in sabos:
                t.add(h, s, "gemensamma patienter", 4, 5)
            for a in apos:
                t.add(h, a, "informationsutbyte", 2, p=0.5)
            t.add(h, hospital, rng.choice(["vårdplanering", "överrapportering"]), 2, 3)
            t.add("vak", h, "frivilligt stöd", 2, p=1.0 * (muni == "Karlstad"))
        for vc in vcs:
            if vc.key not in without_team:
                t.add(vc, team, rng.choice(["remiss", "konsultation"]), 2, 4)
            t.add(vc, hospital, "remiss", 2, 3, p=0.6)
            for s in sabos:
                t.add(vc, s, "gemensamma patienter", 3, p=0.7)
            for b in bist:
                t.add(vc, b, "SIP", 3, 4, p=0.6)
            t.add(vc, nv, "medlem", 2, 3, p=0.6)
            for other in (o for o in vcs if o.key < vc.key):
                t.add(vc, other, "kompetensutveckling", 2, p=0.5)
        for a in apos:
            for vc in [v for v in vcs if t.chance(0.7)] or vcs[:1]:
                t.add(a, vc, "informationsutbyte", 2, 3)
        for a in anh:
            t.add(a, (hsvs or vcs)[0], "hänvisning", 2, 3, p=0.8)
            t.add(a, team, "informationsutbyte", 2, p=0.4)
            for b in bist:
                t.add(a, b, "informationsutbyte", 3)
        for k in t.of(muni, "kyrka"):  # spiritual care: weak ties
            t.add(k, (sabos or [town])[0], "besök", 1, 2)
            t.add(k, team, "informationsutbyte", 1, 2, p=0.3)
            t.add(k, "skyrk", "informationsutbyte", 2, p=1.0 * (muni == "Karlstad"))
        for f in t.of(muni, "friv"):
            t.add(town, f, "föreningsbidrag", 2, 3)
            t.add(f, hts[0], "frivilligt stöd", 2)
        for o in t.of(muni, "ombud"):
            t.add(o, team, "kompetensutveckling", 3, 4)
            for unit in (*hsvs, *sabos):
                t.add(o, unit, "utbildning", 2, 3)
        for r in t.of(muni, "rehab"):
            for h in hsvs:
                t.add(r, h, "gemensamma patienter", 3)
        for tr in t.of(muni, "traff"):
            for a in anh:
                t.add(tr, a, "informationsutbyte", 2)
        for p in t.of(muni, "pens"):
            t.add(p, town, "informationsutbyte", 1, 2)
            t.add(p, anh[0], "informationsutbyte", 1)
    return t


def add_flaws(t: TieBook, actors: list[Actor], rng: random.Random) -> dict[str, int]:
    """Partner reports and the deliberate tie imperfections; returns their sheet rows."""
    care = {"general_practitioner", "home_nursing_service", "nursing_home", "palliative_consult_service",
            "specialised_home_palliative_team", "palliative_care_unit"}
    t.partner_reports(12, lambda x, y: x.kind in care and y.kind in care, "Partnerns uppgift")
    vc = t.of("Kil", "vc")[0]
    # 'Kil kommun' for 'Kils kommun': the genitive s forgotten, so the name matches no actor.
    misspelt = "Biståndsenheten, Kil kommun"
    return t.insert([
        (90, "unknown_name", [vc.name, misspelt, "SIP", 3, vc.name, datetime.date(2022, 9, 1), ""]),
        (230, "exact_duplicate", None),
    ])


INSTRUCTIONS = [
    "Palliativ vård i Värmland – kartläggning av samverkan 2024 (fiktiva exempeldata)",
    "",
    "Alla verksamheter i den här arbetsboken är påhittade. Verkliga är bara kommunerna och Region Värmland.",
    "Fliken ”Aktörer”: en rad per verksamhet eller enhet. Namnet ska vara unikt; det används i fliken ”Samverkan”.",
    "Fliken ”Samverkan”: en rad per uppgiven samverkan. ”Från” och ”Till” innehåller verksamhetens namn exakt som "
    "i fliken ”Aktörer”.",
    "Samverkansnivå: 1 = nätverkande (känner till varandra), 2 = samarbete (informationsutbyte), 3 = samordning, "
    "4 = koalition (gemensamma beslut), 5 = integrerad samverkan.",
    "”Rapporterad av”: den verksamhet som uppgav samverkan. Uppger även partnern samma samverkan står den två "
    "gånger; båda uppgifterna behålls.",
    "”Sedan”: datum som ÅÅÅÅ-MM-DD, eller bara årtalet om dagen inte är känd.",
    "Postnummer skrivs som text med mellanslag, t.ex. 651 84.",
    "Skriv inte in namn på patienter, närstående eller andra privatpersoner.",
]


def build(path: Path = OUT) -> str:
    """Write the workbook to ``path``; returns a one-line summary."""
    rng = random.Random(SEED)
    actors = make_actors(rng)
    ties = make_ties(actors, rng)
    flaws = add_flaws(ties, actors, rng)
    rows: list[list[str | float | None]] = [
        [a.name, ODD_TYPES.get(a.key, a.type_text), a.muni, COUNTY, COUNTRY, a.postcode, a.lat, a.lon, a.note]
        for a in actors]
    twice = next(r for r, a in zip(rows, actors, strict=True) if a.key == TWICE)
    rows.append([*twice[:5], None, None, None, None])
    write_workbook(
        path, title="Palliativ vård i Värmland (fiktiva exempeldata)", created=datetime.datetime(2024, 1, 1),
        instructions_sheet="Instruktioner", instructions=INSTRUCTIONS, date_format="yyyy-mm-dd",
        sheets=[
            Sheet("Aktörer", ["Namn", "Typ av verksamhet", "Kommun", "Län", "Land", "Postnummer", "Latitud",
                              "Longitud", "Anteckning"], [58, 28, 14, 15, 9, 12, 10, 10, 44], rows,
                  text_columns=("Postnummer",),
                  title=("Palliativa rådet i Värmland – aktörer 2024 (fiktiva exempeldata)",)),
            Sheet("Samverkan", ["Från", "Till", "Typ av samverkan", "Samverkansnivå", "Rapporterad av", "Sedan",
                                "Anteckning"], [58, 58, 22, 15, 58, 12, 20], ties.rows),
        ])
    return (f"wrote {path}: {len(actors)} actors (+1 repeated row), {len(ties.rows)} tie rows; deliberate tie flaws: "
            + ", ".join(f"{what} at row {row}" for what, row in flaws.items()))
