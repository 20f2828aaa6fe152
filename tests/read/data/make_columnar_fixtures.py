"""Write ugly input networks and what the reader made of them, as fixtures of its contract.

The inputs (seeded, so the same every run) hold what real spreadsheets hold: duplicate and
conflicting rows, unknown and ambiguous actors, names for ids, self ties, missing ends, blank,
ragged and repeated header rows, spreadsheet error values, type synonyms, bad levels, BOMs,
other encodings, extra columns, an edge list without actors, a workbook, a survey and a matrix.
Each case's actors and ties frames and its whole report (every problem in the order reported)
are saved next to the inputs; ``test_columnar_equivalence.py`` reads the inputs again and compares.

Run from the repository root, only when the reader's contract is meant to change:
``python tests/read/data/make_columnar_fixtures.py``. The fixtures here were written by the
row-by-row reader of commit 1313e44 (put first on PYTHONPATH), before reading went column by column.
"""

from __future__ import annotations

import json
import random
import shutil
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent / "columnar"
sys.path.append(str(Path(__file__).resolve().parents[3]))  # last: a reader on PYTHONPATH comes first

from tests.support.hostile import Sheet, write_xlsx  # noqa: E402

TYPES = ["Hausarzt", "hausärztin", "general_practitioner", "Pflegedienst", "ambulanter  Pflegedienst", "SAPV-Team",
         "Zauberer", "", "#NV", "Hospiz", "palliativstation", "wijkverpleging", "hemtjänst", "Krankenhaus"]
SECTORS = ["medical", "nursing_care", "social_welfare", "", "unknown sector", "#N/A"]
LEVELS = ["1", "2", "3", "4", "5", "0", "3 – Koordination", "Kooperation", "networking", "7", "2-3", "1,000", "",
          "#NV", "3,0", "drei", "3 - Kooperation"]
WEIGHTS = ["", "", "", "", "", "", "", "", "1", "2", "1", "1,5", "2.5", "0", "-1", "abc", "1.000", "inf"]
DIRECTIONS = ["", "", "", "gerichtet", "ungerichtet", "directed", "mutual", "x?", "ja"]
TIE_TYPES = ["shared_patients", "referral", "Überweisung", "Fallbesprechung", "shared patients", "Zauberei", "", ""]
DATES = ["", "", "01.02.2023", "2023", "2023-05-01", "13/2023", "bald", "1.2.23"]
BOOLS = ["", "ja", "nein", "vielleicht", "x"]
FREQ = ["", "monatlich", "weekly", "9", "oft"]
ODD = ["\u00a0", "\u200b", "  ", "\t", "\u00ad"]


def _actor_rows(rng: random.Random, n: int, with_ids: bool) -> tuple[list[list[str]], list[tuple[str, str]]]:
    rows: list[list[str]] = []
    actors: list[tuple[str, str]] = []
    for i in range(n):
        ident = f"A{i:03d}" if with_ids else ""
        name = rng.choice(["Hospiz", "Praxis", "Pflege", "Team", "Amt"]) + f" {'Lippe' if i % 7 else 'Nord'} {i % 40}"
        if rng.random() < 0.1:
            name = name.replace(" ", rng.choice(ODD), 1)
        if rng.random() < 0.05:
            name = f"  {name.upper()} "
        actors.append((ident, name))
        lat = rng.choice(["51,93", "51.93", "", "abc", "1,000", "91", "51,936"])
        rows.append([ident, name, rng.choice(TYPES), rng.choice(SECTORS), f"M{i % 9}", f"0{32000 + i % 5}", lat,
                     rng.choice(["8,9", "", "8.91"]), rng.choice(["", "", "note", "#WERT!", "Ã¼ber"])])
    if with_ids:
        # The same actor twice (merged, with and without disagreement), an id used for two names,
        # a row with neither id nor name.
        rows.append(list(rows[3]))
        twin = list(rows[4])
        twin[4] = "M99"
        rows.append(twin)
        rows.append(["A005", "Somebody Else", "Hospiz", "", "", "", "", "", ""])
        rows.append(["", "", "Hospiz", "medical", "M1", "", "", "", ""])
        rows.append(["#NV", "", "Hospiz", "", "", "", "", "", ""])
    else:
        rows.append(list(rows[2]))  # a repeated name with the same details: the same actor
        rows.append([*rows[6][:2], "Krankenhaus", "medical", "M7", "", "", "", ""])  # same name, other details
        rows.append(["", "", "", "", "", "", "", "", ""])
        rows.append(["", " ", "Hospiz", "", "", "", "", "", ""])
    rng.shuffle(rows)
    return rows, actors


def _ref(rng: random.Random, actors: list[tuple[str, str]], with_ids: bool) -> str:
    ident, name = rng.choice(actors)
    roll = rng.random()
    if roll < 0.04:
        return ""
    if roll < 0.08:
        return rng.choice(["Unbekannt", "A999", "#NV", "nobody"])
    if roll < 0.3 or not with_ids:
        return rng.choice([name, name.lower(), f" {name} ", name.replace(" ", "  ")])
    return ident


def _tie_rows(rng: random.Random, actors: list[tuple[str, str]], n: int, with_ids: bool) -> list[list[str]]:
    rows: list[list[str]] = []
    for _ in range(n):
        src, tgt = _ref(rng, actors, with_ids), _ref(rng, actors, with_ids)
        if rng.random() < 0.04:
            tgt = src
        reporter = rng.choice(["", "", "", src, tgt, "Unbekannt"])
        rows.append([src, tgt, rng.choice(TIE_TYPES), rng.choice(LEVELS[:9] * 3 + LEVELS), rng.choice(WEIGHTS),
                     rng.choice(DIRECTIONS), reporter, rng.choice(DATES), rng.choice(DATES),
                     rng.choice(["", "", "ok", "Notiz mit ; Semikolon", "zwei\nZeilen"]), rng.choice(BOOLS),
                     rng.choice(FREQ), rng.choice(["", "", "x", "#DIV/0!"])])
    # Exact duplicates, the same tie with another level, reversed symmetric and directed repeats.
    for _ in range(n // 6):
        row = list(rng.choice(rows))
        roll = rng.random()
        if roll < 0.35:
            row[3] = rng.choice(["1", "2", "5"])
        elif roll < 0.6:
            row[0], row[1] = row[1], row[0]
        elif roll < 0.7:
            row[6] = ""
        rows.insert(rng.randrange(len(rows) + 1), row)
    return rows


def _with_noise(rng: random.Random, header: list[str], rows: list[list[str]]) -> list[list[str]]:
    """Blank rows, ragged rows, a repeated header (once with a BOM: two files pasted together)."""
    out = [list(r) for r in rows]
    for _ in range(max(len(out) // 25, 2)):
        out.insert(rng.randrange(len(out) + 1), [""] * rng.choice([0, 1, len(header)]))
    for _ in range(max(len(out) // 30, 2)):
        row = out[rng.randrange(len(out))]
        if rng.random() < 0.5:
            row.extend(["", "surplus"])
        elif len(row) > 3:
            del row[-rng.randint(1, 3):]
    out.insert(len(out) // 3, list(header))
    out.insert(2 * len(out) // 3, ["\ufeff" + header[0], *header[1:]])
    return out


def _csv(path: Path, header: list[str], rows: list[list[str]], sep: str, encoding: str = "utf-8",
         bom: bool = False, newline: str = "\r\n") -> None:
    def cell(value: str) -> str:
        if any(ch in value for ch in (sep, '"', "\n", "\r")):
            return '"' + value.replace('"', '""') + '"'
        return value
    text = newline.join(sep.join(cell(c) for c in row) for row in [header, *rows]) + newline
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding, errors="replace"))


ACTOR_HEADER = ["ID", "Name", "Typ", "Sektor", "Gemeinde", "PLZ", "lat", "lon", "Extra Notiz"]
TIE_HEADER = ["Von", "An", "Art", "Niveau", "Gewicht", "direction", "reported by", "since", "until", "notes",
              "formalised", "frequency", "Zusatz"]


def make_cases(root: Path) -> dict[str, dict[str, list[str]]]:
    """Write every case's inputs under ``root``; returns each case's read_network call (paths relative)."""
    calls: dict[str, dict[str, list[str]]] = {}
    rng = random.Random(20261130)

    folder = root / "ids_csv"
    folder.mkdir(parents=True)
    actor_rows, actors = _actor_rows(rng, 120, with_ids=True)
    _csv(folder / "actors.csv", ACTOR_HEADER, _with_noise(rng, ACTOR_HEADER, actor_rows), ";", bom=True)
    tie_rows = _tie_rows(rng, actors, 200, with_ids=True)
    _csv(folder / "ties.csv", TIE_HEADER, _with_noise(rng, TIE_HEADER, tie_rows), ";")
    calls["ids_csv"] = {"actors": ["actors.csv"], "ties": ["ties.csv"]}

    folder = root / "names_csv"
    folder.mkdir()
    header = ACTOR_HEADER[1:]
    actor_rows, actors = _actor_rows(rng, 100, with_ids=False)
    _csv(folder / "actors.csv", header, [r[1:] for r in actor_rows], ",")
    tie_rows = _tie_rows(rng, actors, 160, with_ids=False)
    _csv(folder / "ties.csv", TIE_HEADER, _with_noise(rng, TIE_HEADER, tie_rows), ",")
    calls["names_csv"] = {"actors": ["actors.csv"], "ties": ["ties.csv"]}

    folder = root / "edgelist_csv"
    folder.mkdir()
    people = [("", name) for name in ["Hospiz Nord", "hospiz nord", "Praxis Süd", "Team  Ost", "Amt West", "Pflege 1",
                                      "Pflege 2", "PFLEGE 1", "Café Mitte", "Zentrum"]]
    tie_rows = _tie_rows(rng, people, 200, with_ids=False)
    _csv(folder / "edges.csv", [*TIE_HEADER[:4], "reported by"], [[*r[:4], r[6]] for r in tie_rows], "\t")
    calls["edgelist_csv"] = {"ties": ["edges.csv"]}

    folder = root / "cp1252_two_files"
    folder.mkdir()
    actor_rows, actors = _actor_rows(rng, 80, with_ids=True)
    half = len(actor_rows) // 2
    _csv(folder / "akteure_1.csv", ACTOR_HEADER, actor_rows[:half], ";", encoding="cp1252")
    _csv(folder / "akteure_2.csv", ACTOR_HEADER, actor_rows[half:], ";", bom=True)
    tie_rows = _tie_rows(rng, actors, 200, with_ids=True)
    _csv(folder / "ties_1.csv", TIE_HEADER, tie_rows[:90], ";", encoding="cp1252")
    _csv(folder / "ties_2.csv", TIE_HEADER, tie_rows[75:], ";")
    calls["cp1252_two_files"] = {"inputs": ["akteure_1.csv", "akteure_2.csv", "ties_1.csv", "ties_2.csv"]}

    folder = root / "workbook_xlsx"
    folder.mkdir()
    actor_rows, actors = _actor_rows(rng, 90, with_ids=True)
    tie_rows = _tie_rows(rng, actors, 150, with_ids=True)
    numeric: list[list[Any]] = [[float(c) if c in ("1", "2", "3", "4", "5") and i == 3 else c
                                 for i, c in enumerate(r)] for r in tie_rows]
    write_xlsx(folder / "netz.xlsx", [
        Sheet("Anleitung", [["Bitte ausfüllen"]]),
        Sheet("Akteure", [["Akteure im Netz"], [], ACTOR_HEADER, *_with_noise(rng, ACTOR_HEADER, actor_rows)],
              errors={(5, 2): "#N/A", (9, 6): "#DIV/0!"}),
        Sheet("Zusammenarbeit", [TIE_HEADER, *numeric], errors={(4, 3): "#VALUE!", (7, 0): "#N/A"}),
    ])
    calls["workbook_xlsx"] = {"inputs": ["netz.xlsx"]}

    folder = root / "survey_matrix"
    folder.mkdir()
    names = [name for _, name in actors[:12]]
    matrix = [["", *names]] + [[a, *[rng.choice(["", "", "x", "0", "3", "9", "nein"]) for _ in names]]
                               for a in names] + [["", "x", "1"]]
    _csv(folder / "matrix.csv", matrix[0], matrix[1:], ";")
    survey_header = ["Name", "Partner 1", "Niveau 1", "Partner 2", "Niveau 2", "Partner 3"]
    survey = [[rng.choice([*names, ""]), rng.choice([*names, "Unbekannt", ""]), rng.choice(LEVELS),
               rng.choice([*names, ""]), rng.choice(LEVELS), rng.choice([*names, ""])] for _ in range(40)]
    _csv(folder / "survey.csv", survey_header, survey, ";")
    calls["survey_matrix"] = {"inputs": ["matrix.csv", "survey.csv"]}

    # Plain ASCII tables of even rows (no quote, no blank line) more than a few hundred rows long:
    # what the reader splits, cleans and resolves column by column.
    folder = root / "plain_large_csv"
    folder.mkdir()
    ids = [f"P{i:04d}" for i in range(400)]
    plain_actors = [[ident, f"Praxis {i}", rng.choice(["medical", "nursing_care", ""]), f"M{i % 7}"]
                    for i, ident in enumerate(ids)]
    plain_actors[17][0] = "#NV"
    plain_actors[40][1] = "na"
    plain_actors.insert(200, ["id", "name", "sector", "municipality"])
    plain_actors.append(list(plain_actors[5]))
    _csv(folder / "actors.csv", ["id", "name", "sector", "municipality"], plain_actors, ";", newline="\n")
    # A second table with nothing to report: every row a new actor.
    more = [f"P{i:04d}" for i in range(400, 520)]
    _csv(folder / "actors_more.csv", ["id", "name", "type", "municipality"],
         [[ident, f"Praxis {ident[1:]}", rng.choice(["Hausarzt", "hospiz", "Pflegedienst"]), "M1"] for ident in more],
         ";", newline="\n")
    ids += more
    plain_ties = []
    for _ in range(1200):
        src, tgt = rng.choice(ids), rng.choice(ids)
        roll = rng.random()
        if roll < 0.02:
            tgt = src
        elif roll < 0.04:
            src = rng.choice(["#NV", "na", "", "P9999", "#N/A"])
        elif roll < 0.06:
            tgt = rng.choice([tgt.lower(), f"Praxis {int(tgt[1:])}", "Praxis 40", "n/a"])
        plain_ties.append([src, tgt, rng.choice(["shared_patients", "referral"]), str(rng.randint(1, 5))])
    for _ in range(60):
        row = list(rng.choice(plain_ties))
        if rng.random() < 0.5:
            row[3] = str(rng.randint(1, 5))
        plain_ties.insert(rng.randrange(len(plain_ties)), row)
    plain_ties.insert(700, ["source", "target", "type", "level"])
    _csv(folder / "ties.csv", ["source", "target", "type", "level"], plain_ties, ";", newline="\n")
    calls["plain_large_csv"] = {"actors": ["actors.csv", "actors_more.csv"], "ties": ["ties.csv"]}
    return calls


def _cell(value: Any) -> Any:
    """A frame cell as JSON that keeps its Python type (1 and 1.0 and '1' differ)."""
    if value is None or isinstance(value, str):
        return value
    if value is pd.NA:
        return ["NA"]
    if isinstance(value, bool | np.bool_):
        return ["bool", bool(value)]
    if isinstance(value, int | np.integer):
        return [type(value).__name__, int(value)]
    if isinstance(value, float | np.floating):
        return [type(value).__name__, repr(float(value))]
    return [type(value).__name__, repr(value)]


def frame_json(frame: pd.DataFrame) -> dict[str, Any]:
    """Columns, dtypes, index and every cell of a frame."""
    return {"columns": [str(c) for c in frame.columns], "dtypes": [str(t) for t in frame.dtypes],
            "index_name": frame.index.name, "index_dtype": str(frame.index.dtype),
            "index": [_cell(v) for v in frame.index],
            "data": {str(c): [_cell(v) for v in frame[c]] for c in frame.columns}}


def result_json(data: Any, folder: Path) -> dict[str, Any]:
    """What one read produced, with the case folder's path taken out of file names."""
    prefix = str(folder) + "/"

    def local(text: Any) -> Any:
        return text.replace(prefix, "") if isinstance(text, str) else text

    report = data.report
    problems = []
    for p in report.problems:
        fields = {key: getattr(p, key) for key in p.__dataclass_fields__}
        fields["file"] = local(fields["file"])
        fields["rows"] = list(fields["rows"])
        problems.append(fields)
    return {"actors": frame_json(data.actors), "ties": frame_json(data.ties), "problems": problems,
            "accounting": report.accounting.to_dict(), "sources": [local(s) for s in report.sources],
            "sheets": {local(k): v for k, v in report.sheets.items()}, "tables": [local(t) for t in data.tables]}


def read_case(folder: Path, call: dict[str, list[str]]) -> Any:
    """Read a case as its call says (paths relative to its folder)."""
    from carenet_graph.read.load import read_network

    return read_network(**{role: [str(folder / p) for p in paths] for role, paths in call.items()})


def main() -> None:
    if HERE.exists():
        shutil.rmtree(HERE)
    calls = make_cases(HERE)
    for case, call in calls.items():
        folder = HERE / case
        expected = {"call": call, **result_json(read_case(folder, call), folder)}
        # One problem, frame column or table per line: small, and a diff shows what changed.
        parts = {key: json.dumps(value, ensure_ascii=False) for key, value in expected.items()
                 if key not in ("problems", "actors", "ties")}
        for key in ("actors", "ties"):
            frame = expected[key]
            data = ",\n".join(f"{json.dumps(c, ensure_ascii=False)}: {json.dumps(v, ensure_ascii=False)}"
                               for c, v in frame["data"].items())
            head = json.dumps({k: v for k, v in frame.items() if k != "data"}, ensure_ascii=False)
            parts[key] = head[:-1] + ',\n"data": {\n' + data + "}}"
        parts["problems"] = "[\n" + ",\n".join(json.dumps(p, ensure_ascii=False) for p in expected["problems"]) + "]"
        text = "{\n" + ",\n".join(f"{json.dumps(k)}: {v}" for k, v in parts.items()) + "}\n"
        assert json.loads(text) == expected
        (folder / "expected.json").write_text(text, encoding="utf-8")
        print(case, len(expected["problems"]), "problems", expected["accounting"])


if __name__ == "__main__":
    main()
