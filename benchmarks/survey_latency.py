"""Benchmark: the survey server under a round's busiest moment (issue 15), not a timed test.

Builds a survey project of ``--organisations`` synthetic organisations (an actors CSV with
German care-network names, actor types and 40 municipalities, seeded), serves it with ``carenet
survey serve`` on 127.0.0.1 (waitress, 8 threads, as a coordinator runs it) and measures:

* **submission**: ``--respondents`` organisations answering at the same moment, each the whole
  way through the form over HTTP (start page, consent, partners page, ``--partners`` partners
  ticked, details page, every partner's level, kinds and frequency, submit) — the latency of the
  final submission POST and of the whole way (p50, p95, max);
* **roster search**: ``--queries`` searches of 2–4 letters (taken from the roster's names and
  places, seeded) as the partners page's script sends them while one types, one after another.

On SQLite (the default) and, when ``CARENET_TEST_POSTGRES_URL`` names a role that may create
databases (as .ci/run sets it), on a fresh PostgreSQL database that is dropped afterwards.
Every request must succeed; the server's output must not mention a server error.

Run from the checkout: ``python benchmarks/survey_latency.py [--organisations 1500]
[--respondents 50] [--partners 5] [--queries 200]``. Prints a table and one JSON line.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import random
import statistics
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.survey_server import (  # noqa: E402  (the checkout's test harness)
    POSTGRES_VARIABLE,
    Client,
    create_project,
    postgres_database,
    respond,
    run_together,
    start_server,
)

MUNICIPALITIES = [
    "Detmold", "Lemgo", "Bad Salzuflen", "Lage", "Blomberg", "Horn-Bad Meinberg", "Oerlinghausen", "Leopoldshöhe",
    "Augustdorf", "Barntrup", "Dörentrup", "Extertal", "Kalletal", "Lügde", "Schieder-Schwalenberg", "Schlangen",
    "Bielefeld", "Herford", "Paderborn", "Minden", "Gütersloh", "Höxter", "Bad Oeynhausen", "Löhne", "Bünde",
    "Enger", "Spenge", "Vlotho", "Rinteln", "Hameln", "Bad Pyrmont", "Steinheim", "Nieheim", "Marienmünster",
    "Schloß Holte-Stukenbrock", "Verl", "Harsewinkel", "Rheda-Wiedenbrück", "Rietberg", "Delbrück",
]
STREETS = ["am Markt", "an der Mühle", "am Rathaus", "am Bahnhof", "am Kurpark", "an der Linde", "am Wall",
           "im Zentrum", "am Schlossplatz", "an der Werre", "am Lindenweg", "an der Bega"]
KINDS = [  # (actor type, how names of that kind are written)
    ("general_practitioner", "Hausarztpraxis {street} {town}"),
    ("home_nursing_service", "Ambulanter Pflegedienst {word} {town}"),
    ("pharmacy", "{word}-Apotheke {town}"),
    ("nursing_home", "Seniorenzentrum {word} {town}"),
    ("outpatient_hospice_service", "Ambulanter Hospizdienst {word} {town}"),
    ("therapy_practice", "Praxis für Physiotherapie {street} {town}"),
    ("social_welfare_organisation", "Beratungsstelle {word} {town}"),
    ("palliative_physician", "Palliativärztliche Praxis {street} {town}"),
    ("spiritual_care", "Evangelische Kirchengemeinde {town}-{word}"),
    ("volunteer_organisation", "Nachbarschaftshilfe {word} {town}"),
    ("hospital_department", "Klinikum {town}, Station {word}"),
    ("municipal_social_services", "Stadt {town} – Sozialamt, Bereich {word}"),
]
WORDS = ["Sonnenhang", "Lindenhof", "Rosengarten", "Eichenweg", "Mühlenbach", "Am Hellweg", "Regenbogen", "Lebensweg",
         "Begleitung", "Herbstzeit", "Lichtblick", "Weitblick", "Brücke", "Miteinander", "Zuversicht", "Teutoburg"]


def write_actors(path: Path, count: int, seed: int = 15) -> None:
    """``count`` organisations with unique, realistic names (semicolon CSV, as German Excel writes it)."""
    rng = random.Random(seed)
    seen: set[str] = set()
    rows: list[tuple[str, str, str, str]] = []
    while len(rows) < count:
        kind, pattern = rng.choice(KINDS)
        town = rng.choice(MUNICIPALITIES)
        name = pattern.format(street=rng.choice(STREETS), town=town, word=rng.choice(WORDS))
        if name in seen:
            name = f"{name} {len([n for n in seen if n.startswith(name)]) + 1}"
        seen.add(name)
        rows.append((f"O{len(rows) + 1:05d}", name, kind, town))
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write("id;name;type;municipality\n")
        handle.writelines(f"{i};{n};{k};{m}\n" for i, n, k, m in rows)


def search_terms(names: Sequence[str], count: int, seed: int = 15) -> list[str]:
    """``count`` fragments of 2–4 letters, as a respondent starts typing a name or a place."""
    rng = random.Random(seed)
    terms: list[str] = []
    while len(terms) < count:
        words = [w for w in rng.choice(names).replace("–", " ").replace(",", " ").split() if len(w) >= 4]
        if words:
            word = rng.choice(words)
            terms.append(word[:rng.randint(2, 4)].lower())
    return terms


def percentiles(values: Sequence[float]) -> dict[str, float]:
    ordered = sorted(values)
    cut = statistics.quantiles(ordered, n=100, method="inclusive")
    return {"p50_ms": round(cut[49] * 1000, 1), "p95_ms": round(cut[94] * 1000, 1),
            "max_ms": round(ordered[-1] * 1000, 1), "n": len(ordered)}


def measure(backend: str, actors_csv: Path, folder: Path, args: argparse.Namespace, url: str | None) -> dict[str, Any]:
    began = time.perf_counter()
    project = create_project(folder, actors_csv, database_url=url, lang="de", name="Palliativnetz Ostwestfalen-Lippe")
    setup_s = time.perf_counter() - began
    ids = list(project.links)
    rng = random.Random(50)
    respondents = rng.sample(ids, args.respondents)
    with start_server(project.folder) as server:
        Client(server).get(project.links[ids[0]])  # the first request loads Django's views

        def one(actor: str) -> tuple[float, float]:
            partners = random.Random(actor).sample([i for i in ids if i != actor], args.partners)
            began = time.perf_counter()
            steps = respond(Client(server, timeout=120), project.links[actor], partners, level=3)
            return steps[-1].seconds, time.perf_counter() - began

        wall = time.perf_counter()
        results = run_together([functools.partial(one, a) for a in respondents], timeout=600)
        wall_s = time.perf_counter() - wall
        failed = [r for r in results if isinstance(r, BaseException)]
        if failed:
            raise SystemExit(f"{len(failed)} of {args.respondents} respondents failed on {backend}: {failed[0]!r}")

        client = Client(server)
        link = project.links[ids[-1]]
        start = client.get(link)
        client.post(link, {"respondent": "Benchmark", "consent": "yes"}, token=start.token())
        names = list(project.names.values())
        search_times = []
        for term in search_terms(names, args.queries):
            began = time.perf_counter()
            reply = client.get(f"{link}search/?q={urllib.parse.quote(term)}")
            search_times.append(time.perf_counter() - began)
            if reply.status != 200:
                raise SystemExit(f"search {term!r} answered {reply.status} on {backend}")
    log = server.log()
    if "Server error" in log or "database is locked" in log:
        raise SystemExit(f"the server reported errors on {backend}:\n{log[-2000:]}")
    (submitted,) = project.query("SELECT COUNT(*) FROM carenet_survey_response WHERE submitted IS NOT NULL")[0]
    if submitted != args.respondents:
        raise SystemExit(f"{submitted} answers stored on {backend}, expected {args.respondents}")
    return {"backend": backend, "organisations": len(ids), "respondents": args.respondents,
            "partners_each": args.partners, "setup_s": round(setup_s, 1), "all_flows_wall_s": round(wall_s, 2),
            "submit": percentiles([r[0] for r in results]), "flow": percentiles([r[1] for r in results]),
            "search": percentiles(search_times)}


def table(rows: list[dict[str, Any]]) -> str:
    lines = ["| backend | measure | n | p50 | p95 | max |", "|---|---|---|---|---|---|"]
    for row in rows:
        for key, label in (("submit", f"final submit POST ({row['respondents']} at once)"),
                           ("flow", f"whole flow, 6 requests ({row['respondents']} at once)"),
                           ("search", f"roster search, 2–4 letters ({row['organisations']:,} organisations)")):
            figures = row[key]
            lines.append(f"| {row['backend']} | {label} | {figures['n']} | {figures['p50_ms']} ms | "
                         f"{figures['p95_ms']} ms | {figures['max_ms']} ms |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--organisations", type=int, default=1500)
    parser.add_argument("--respondents", type=int, default=50)
    parser.add_argument("--partners", type=int, default=5)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    backends = ["sqlite"] + (["postgresql"] if os.environ.get(POSTGRES_VARIABLE) else [])
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        actors = Path(tmp) / "actors.csv"
        write_actors(actors, args.organisations)
        for backend in backends:
            with ExitStack() as stack:
                url = stack.enter_context(postgres_database(os.environ[POSTGRES_VARIABLE])) \
                    if backend == "postgresql" else None
                rows.append(measure(backend, actors, Path(tmp) / f"project-{backend}", args, url))
    print(table(rows))
    print(json.dumps({"cpus": os.cpu_count(), "results": rows}, ensure_ascii=False))


if __name__ == "__main__":
    main()
