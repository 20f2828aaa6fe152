"""`carenet compare` matches actors safely: renumbered ids are refused (with the way out), matching
by name pairs them again, a few renamed actors are a warning that names their ids, unrelated
networks are an error, and the narrative never states a change that rests on unmatched actors."""

from __future__ import annotations

import csv
import json
import warnings
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from carenet_graph.cli import cli
from carenet_graph.errors import MatchingError, OptionError
from carenet_graph.report.comparison import narrative
from carenet_graph.waves import WaveMatchWarning, actor_changes, check_matching, compare, match_actors, names_agree
from carenet_graph.waves.matching import REFUSE_MIN_PAIRS, REFUSE_SHARE
from tests.support.commands import Invoke, RunCarenet, without_progress
from tests.waves.test_compare import actor, rules, tie

Rows = list[dict[str, str]]
ACTOR_COUNT = 133  # data/lippe/netzwerk_lippe.xlsx, as data/README.md documents


@pytest.fixture(scope="module")
def lippe(tmp_path_factory: pytest.TempPathFactory, example_workbooks: dict[str, Path]) -> tuple[Rows, Rows]:
    """The Lippe example as actor and tie rows (through `carenet convert` to a CSV pair)."""
    folder = tmp_path_factory.mktemp("lippe")
    done = CliRunner().invoke(cli, ["convert", str(example_workbooks["lippe"]), "-o", str(folder / "net.csv")])
    assert done.exit_code == 0, done.output
    tables = []
    for name in ("net_actors.csv", "net_ties.csv"):
        with open(folder / name, encoding="utf-8", newline="") as handle:
            tables.append(list(csv.DictReader(handle)))
    assert len(tables[0]) == ACTOR_COUNT
    return tables[0], tables[1]


def write_wave(folder: Path, actors: Rows, ties: Rows) -> Path:
    folder.mkdir()
    for name, rows in (("actors.csv", actors), ("ties.csv", ties)):
        with open(folder / name, "w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    return folder


def renumbered(actors: Rows, ties: Rows, shift: int) -> tuple[Rows, Rows]:
    """The same wave with every id moved ``shift`` rows down the list (as when rows are re-numbered
    after one was inserted at the top): each id now names another organisation."""
    ids = [row["id"] for row in actors]
    new_id = {old: ids[(i + shift) % len(ids)] for i, old in enumerate(ids)}
    moved = [{**row, "id": new_id[row["id"]]} for row in actors]
    moved_ties = [{**row, **{k: new_id.get(row[k], row[k]) for k in ("source", "target", "reported_by")}}
                  for row in ties]
    return moved, moved_ties


def every_seventh_tie_ended(ties: Rows) -> Rows:
    return [row for number, row in enumerate(ties, start=1) if number % 7]


def summary_of(folder: Path) -> dict[str, object]:
    loaded: dict[str, object] = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    return loaded


# -- the name check ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("before", "after"), [
    ("Ambulanter Pflegedienst Lindenhof Detmold", "AMBULANTER  PFLEGEDIENST LINDENHOF, Detmold"),
    ("Caritasverband Lippe e.V.", "Caritas-Verband Lippe"),
    ("Hausarztpraxis Dr. Müller", "Hausarztpraxis Dr. Mueller"),
    ("Pflegedienst Lindenhof gGmbH", "Pflegedinst Lindenhof"),  # legal form and a typo
    ("Hospice De Eik", "Hospice De Eik Amersfoort"),  # the town added
    ("Hospiz- & Palliativnetz Lippe", "Hospiz und Palliativnetz Lippe"),
    ("Ｐｒａｘｉｓ Berg", "Praxis Berg"),  # full-width letters (NFKC)
    ("Praxis Berg", None),  # no name: no evidence either way
])
def test_names_that_agree(before: str, after: str | None) -> None:
    assert names_agree(before, after) and names_agree(after, before)


@pytest.mark.parametrize(("before", "after"), [
    ("Ambulanter Pflegedienst Kastanienhof Detmold", "Ambulanter Hospizdienst Bad Salzuflen"),
    ("Hausarztpraxis am Rathaus Lage", "Hausarztpraxis am Rathaus Lügde"),  # 0.95 alike as characters
    ("PKD Lippe-Nord", "PKD Lippe-Süd"),
    ("Huisartsenpraktijk De Brink Amersfoort", "Huisartsenpraktijk De Bron Amersfoort"),
    ("Praxis Meier", "Praxis Maier"),  # one letter in a short word: another person
    ("Team 1", "Team 2"),
])
def test_names_that_disagree(before: str, after: str) -> None:
    assert not names_agree(before, after) and not names_agree(after, before)


# -- renumbered ids ----------------------------------------------------------------------------------

def test_renumbered_ids_are_refused_with_the_suggestion(tmp_path: Path, lippe: tuple[Rows, Rows],
                                                        run_carenet: RunCarenet) -> None:
    actors, ties = lippe
    first = write_wave(tmp_path / "2024", actors, ties)
    second = write_wave(tmp_path / "2025", *renumbered(actors, ties, 5))
    out = tmp_path / "vergleich"
    done = run_carenet("compare", first, second, "-o", out)
    assert done.returncode == 1, done.stderr
    ids = ", ".join(row["id"] for row in actors[:10])
    assert done.stderr.splitlines()[-2:] == [
        f"Error: 133 of the 133 actors matched by id have a different name in each wave (ids {ids}, … (+123)): "
        "the later wave seems to number its actors differently, and matching by id would compare different "
        "organisations",
        "  How to fix: Match the actors by name: carenet compare ... --match-by name (match_by=\"name\" in Python). "
        "If the ids are right and the organisations were renamed, use --match-by id."]
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert not any(row["name"] in done.stderr for row in actors)  # ids only: names can be personal data
    assert not out.exists()  # refused before anything was written
    german = run_carenet("compare", first, second, "-o", out, "--lang", "de")
    assert german.returncode == 1 and german.stderr.splitlines()[-2:] == [
        f"Fehler: 133 der 133 über die ID zugeordneten Akteure tragen in den beiden Erhebungen verschiedene Namen "
        f"(IDs {ids}, … (+123)): Die spätere Erhebung scheint ihre Akteure anders zu nummerieren, und eine "
        "Zuordnung über die ID würde verschiedene Einrichtungen miteinander vergleichen",
        "  So beheben Sie das: Ordnen Sie die Akteure über den Namen zu: carenet compare ... --match-by name "
        "(in Python match_by=\"name\"). Wenn die IDs stimmen und die Einrichtungen umbenannt wurden, verwenden "
        "Sie --match-by id."]


def test_match_by_name_pairs_renumbered_waves_like_consistent_ones(tmp_path: Path, lippe: tuple[Rows, Rows],
                                                                   invoke: Invoke) -> None:
    actors, ties = lippe
    first = write_wave(tmp_path / "2024", actors, ties)
    later = every_seventh_tie_ended(ties)
    same_ids = write_wave(tmp_path / "2025", actors, later)
    other_ids = write_wave(tmp_path / "2025_renumbered", *renumbered(actors, later, 5))
    plain = invoke("compare", first, same_ids, "-o", tmp_path / "by_id")
    by_name = invoke("compare", first, other_ids, "-o", tmp_path / "by_name", "--match-by", "name")
    assert plain.exit_code == 0 and by_name.exit_code == 0, (plain.output, by_name.output)
    expected, got = summary_of(tmp_path / "by_id"), summary_of(tmp_path / "by_name")
    assert got["match_by"] == "name"
    assert got["actors"] == {"ambiguous": 0, "id_name_differs": 0, "new": 0, "left": 0, "name": ACTOR_COUNT,
                             "id": 0, "matched": ACTOR_COUNT}
    assert got["ties"] == expected["ties"]
    ties_counts = got["ties"]
    assert isinstance(ties_counts, dict) and ties_counts["added"] == 0 and ties_counts["removed"] > 0
    # Every renumbered actor is paired with the actor of the same name.
    with open(tmp_path / "by_name" / "actor_matching.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {(r["name_before"], r["name_after"], r["match"]) for r in rows} == {
        (a["name"], a["name"], "name") for a in actors}
    assert by_name.stdout.splitlines()[0] == f"{ACTOR_COUNT} actors in both waves, 0 new, 0 left."
    assert without_progress(by_name.stderr) == ""  # no warning: only the progress lines


def test_match_by_id_trusts_the_ids_and_warns(tmp_path: Path, lippe: tuple[Rows, Rows], invoke: Invoke) -> None:
    actors, ties = lippe
    first = write_wave(tmp_path / "2024", actors, ties)
    second = write_wave(tmp_path / "2025", *renumbered(actors, ties, 5))
    done = invoke("compare", first, second, "-o", tmp_path / "out", "--match-by", "id")
    assert done.exit_code == 0, done.output
    assert without_progress(done.stderr).startswith(f"Warning: for {ACTOR_COUNT} actors matched by id the name differs")
    assert summary_of(tmp_path / "out")["actors"] == {
        "ambiguous": 0, "id_name_differs": ACTOR_COUNT, "new": 0, "left": 0, "name": 0, "id": 0,
        "matched": ACTOR_COUNT}


# -- a few renamed actors ----------------------------------------------------------------------------

def test_a_few_renamed_actors_are_a_warning_that_lists_their_ids(tmp_path: Path, lippe: tuple[Rows, Rows],
                                                                 invoke: Invoke) -> None:
    actors, ties = lippe
    renamed = {"A010": "Ganz andere Einrichtung Eins", "A020": "Ganz andere Einrichtung Zwei",
               "A030": "Ganz andere Einrichtung Drei"}
    # Spelling that only looks different is no renaming: case, spacing, punctuation, legal form.
    respelled = {"A011": lambda n: n.upper(), "A012": lambda n: f"  {n.replace(' ', '  ')} gGmbH",
                 "A013": lambda n: n.replace(" ", "-")}
    later = []
    for row in actors:
        name = renamed.get(row["id"]) or respelled.get(row["id"], lambda n: n)(row["name"])
        later.append({**row, "name": name})
    assert [a["name"] for a in later] != [a["name"] for a in actors]
    first = write_wave(tmp_path / "2024", actors, ties)
    second = write_wave(tmp_path / "2025", later, ties)
    out = tmp_path / "out"
    done = invoke("compare", first, second, "-o", out, "--lang", "de")
    assert done.exit_code == 0, done.output
    assert without_progress(done.stderr).splitlines() == [
        "Warnung: Bei 3 über die ID zugeordneten Akteuren weicht der Name zwischen den Erhebungen ab "
        "(IDs A010, A020, A030); bitte prüfen Sie das in actor_matching.csv oder vergleichen Sie mit "
        "--match-by name."]
    assert ("Bei 3 über die ID zugeordneten Akteuren weicht der Name zwischen den beiden Erhebungen ab; "
            "bitte prüfen Sie das in actor_matching.csv (match: id_name_differs).") in done.stdout.splitlines()
    # The outputs the user asked for may name them: the matching table lists the pairs first.
    with open(out / "actor_matching.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    old_name = {a["id"]: a["name"] for a in actors}
    assert [(r["before_id"], r["name_before"], r["name_after"], r["match"]) for r in rows[:3]] == [
        (i, old_name[i], renamed[i], "id_name_differs") for i in ("A030", "A010", "A020")]  # by later name
    assert {r["match"] for r in rows[3:]} == {"id"}
    assert summary_of(out)["names_differ"] == [[i, old_name[i], renamed[i]] for i in ("A010", "A020", "A030")]
    # The library twin says the same as a WaveMatchWarning.
    G_before, G_after = (nx.MultiDiGraph(), nx.MultiDiGraph())
    for a in actors:
        G_before.add_node(a["id"], name=a["name"])
    for a in later:
        G_after.add_node(a["id"], name=a["name"])
    with pytest.warns(WaveMatchWarning, match=r"^3 actors matched by id have a different name in each wave "
                                               r"\(ids A010, A020, A030\)"):
        compare(G_before, G_after, rules=rules())


def graphs_with_renamed(count: int, renamed: int) -> tuple[nx.MultiDiGraph, nx.MultiDiGraph]:
    B, A = nx.MultiDiGraph(), nx.MultiDiGraph()
    for i in range(count):
        B.add_node(f"a{i}", name=f"Praxis {i}")
        A.add_node(f"a{i}", name=f"Praxis {i}" if i >= renamed else f"Apotheke {i}")
    return B, A


@pytest.mark.parametrize(("count", "renamed", "refused"), [
    (30, 3, False),  # 10 %: not more than the share
    (30, 4, True),  # 13 %
    (5, 2, False),  # 40 %, but fewer than REFUSE_MIN_PAIRS: two renamings in a small network
    (5, 3, True),
    (133, 13, False),
    (133, 14, True),
])
def test_the_refusal_threshold(count: int, renamed: int, refused: bool) -> None:
    assert (REFUSE_SHARE, REFUSE_MIN_PAIRS) == (0.1, 3)
    matching = match_actors(*graphs_with_renamed(count, renamed))
    assert len(matching.disagreements) == renamed and matching.matched_by_id == count
    if refused:
        with pytest.raises(MatchingError, match=f"^{renamed} of the {count} actors matched by id"):
            check_matching(matching)
    else:
        check_matching(matching)
    check_matching(match_actors(*graphs_with_renamed(count, renamed), match_by="id"))  # id mode never refuses


# -- nothing in common ------------------------------------------------------------------------------

def test_unrelated_networks_are_an_error(tmp_path: Path, example_workbooks: dict[str, Path], invoke: Invoke,
                                         run_carenet: RunCarenet) -> None:
    out = tmp_path / "out"
    done = invoke("compare", example_workbooks["lippe"], example_workbooks["varmland"], "-o", out)
    assert done.exit_code == 1 and isinstance(done.exception, MatchingError)
    assert str(done.exception) == (
        "the two waves have no actor in common (no actor id and no actor name appears in both), so there is "
        "nothing to compare\n  How to fix: Check that BEFORE and AFTER are two waves of the same network.")
    assert "linked" not in done.stdout and not out.exists()
    by_id = run_carenet("compare", example_workbooks["lippe"], example_workbooks["eemland"], "-o", out,
                        "--match-by", "id")
    assert by_id.returncode == 1 and "Traceback" not in by_id.stderr
    assert by_id.stderr.splitlines()[-2:] == [
        "Error: the two waves have no actor in common (no actor id appears in both), so there is nothing to compare",
        "  How to fix: If the later wave numbers its actors differently, match them by name: --match-by name "
        "(match_by=\"name\" in Python)."]


def test_no_actor_in_common_is_an_error_in_every_mode() -> None:
    B, A = nx.MultiDiGraph(), nx.MultiDiGraph()
    B.add_node("x", name="Praxis Ost")
    A.add_node("y", name="Praxis West")
    for mode in ("auto", "id", "name"):
        with pytest.raises(MatchingError, match=r"^the two waves have no actor in common"):
            compare(B, A, match_by=mode)
    with pytest.raises(OptionError, match="match_by must be one of auto, id, name"):
        match_actors(B, A, match_by="guess")


def test_a_wrong_match_by_is_a_usage_error(tmp_path: Path, invoke: Invoke) -> None:
    done = invoke("compare", tmp_path, tmp_path, "-o", tmp_path / "out", "--match-by", "guess")
    assert done.exit_code == 2 and "guess" in done.output


# -- matching by name --------------------------------------------------------------------------------

def test_name_mode_ignores_ids_and_keeps_ids_of_both_waves_apart() -> None:
    B, A = nx.MultiDiGraph(), nx.MultiDiGraph()
    B.add_nodes_from([("a", {"name": "Hospiz Alpha"}), ("b", {"name": "Praxis Gamma"})])
    A.add_nodes_from([("b", {"name": "HOSPIZ alpha"}), ("c", {"name": "Praxis Delta"})])
    B.add_edge("a", "b", level=2)
    A.add_edge("b", "c", level=3)
    by_name = match_actors(B, A, match_by="name")
    assert by_name.pairs == {"a": "b"} and by_name.disagreements == ()
    assert [tuple(r) for r in by_name.table[["before_id", "after_id", "match"]].itertuples(index=False)] == [
        (None, "c", "new"), ("b", None, "left"), ("a", "b", "name")]
    result = compare(B, A, match_by="name")
    # The Gamma practice that left keeps its own key: it is not the later actor "b".
    assert sorted(result.actor_changes["id"]) == ["b", "before:b", "c"]
    assert sorted(map(tuple, result.tie_changes[["actor_a", "actor_b", "change"]].values.tolist())) == [
        ("b", "before:b", "removed"), ("b", "c", "added")]
    again = actor_changes(result.before, result.after, result.matching)
    assert list(again["id"]) == list(result.actor_changes["id"])


# -- the narrative -----------------------------------------------------------------------------------

def planted() -> tuple[nx.MultiDiGraph, nx.MultiDiGraph]:
    """2024 → 2025 where most of what changed rests on actors found in one wave only.

    In both waves: gp1 and pkd in Lage, gp2 in Blomberg, the network (no municipality).
    Only in 2024: "oldgp" (Detmold, no PKD there) and "oldnurse" (Detmold, tied to the network:
    Detmold linked). Only in 2025: "newnurse" in Horn and "newwelfare" in Blomberg, each tied to
    the network (Horn and Blomberg linked only through new actors), newnurse also to pkd, and
    "newgp" in Lage, tied to pkd only (a gap of a new actor: no network tie).
    Between actors of both waves one change: gp1 joins the network (Lage newly linked, gp1's
    gap "gp_network" closed).
    """
    B, A = nx.MultiDiGraph(), nx.MultiDiGraph()
    for G in (B, A):
        actor(G, "gp1", "Hausarzt Müller", "general_practitioner", "medical", "Lage")
        actor(G, "pkd", "PKD Lage", "palliative_consult_service", "medical", "Lage")
        actor(G, "gp2", "Praxis Blomberg", "general_practitioner", "medical", "Blomberg")
        actor(G, "net", "Palliativnetz Lippe", "palliative_network", "coordination_network")
        tie(G, "gp1", "pkd", 3, "consultation")
    actor(B, "oldgp", "Praxis Detmold", "general_practitioner", "medical", "Detmold")
    actor(B, "oldnurse", "Pflegedienst Detmold", "home_nursing_service", "nursing_care", "Detmold")
    tie(B, "oldnurse", "net", 2, "membership")
    tie(B, "oldgp", "gp2", 2, "information_exchange")
    actor(A, "newnurse", "Pflegedienst Horn", "home_nursing_service", "nursing_care", "Horn")
    actor(A, "newwelfare", "Sozialstation Blomberg", "social_welfare_organisation", "social_welfare", "Blomberg")
    actor(A, "newgp", "Praxis Lage-Nord", "general_practitioner", "medical", "Lage")
    tie(A, "newgp", "pkd", 2, "consultation")
    tie(A, "newnurse", "net", 2, "membership")
    tie(A, "newnurse", "pkd", 2, "shared_patients")
    tie(A, "newwelfare", "net", 1, "membership")
    tie(A, "gp1", "net", 2, "membership")
    return B, A


def test_the_narrative_states_no_change_that_rests_on_unmatched_actors() -> None:
    B, A = planted()
    result = compare(B, A, rules=rules())
    s = result.summary
    assert s["ties"]["added"] == 5 and s["ties"]["removed"] == 2
    assert s["ties_of_unmatched_actors"] == {"added": 4, "removed": 2}
    assert s["municipalities_newly_linked"] == ["Lage"]
    assert s["municipalities_linked_through_unmatched_actors"] == ["Blomberg", "Horn"]
    assert s["gaps_closed"] == [["gp1", "Hausarzt Müller", "gp_network"]]
    assert s["new_gaps"] == [] and s["gaps_of_unmatched_actors"] == [["newgp", "Praxis Lage-Nord", "gp_network"]]
    # oldgp (no PKD in Detmold) left, newgp has its PKD: yet "gp_pkd" is not met more often by the
    # actors of both waves (gp2 still has no PKD in Blomberg).
    assert s["rules_newly_met"] == {"gp_network": {"unmet_before": 2, "unmet_after": 1}}
    lines = narrative(s, "en")
    assert lines[:3] == [
        "4 actors in both waves, 3 new, 2 left.",
        "Between actors in both waves: 1 new tie, 0 ties ended, 0 grew closer, 0 became weaker.",
        "Not counted as changes: 4 ties of actors not found in the earlier wave and 2 of actors not found "
        "in the later one.",
    ]
    assert lines[4:] == [
        "1 municipality is now linked to the palliative network: Lage.",
        "2 municipalities are linked to the palliative network only through actors not found in the earlier wave: "
        "Blomberg, Horn.",
        "1 expectation now met, 0 newly unmet.",
        "1 unmet expectation concerns actors not found in the earlier wave.",
        "Expectations met more often now: gp_network.",
    ]
    # Every actor a change claim names is in both waves.
    both = set(result.matching.pairs.values())
    assert all(gap[0] in both for gap in s["gaps_closed"] + s["new_gaps"])
    assert all(entry[1] in both for entry in s["single_bridge_still"])


@pytest.mark.parametrize("lang", ["de", "nl", "sv"])
def test_the_narrative_says_it_in_every_language(lang: str) -> None:
    B, A = planted()
    lines = narrative(compare(B, A, rules=rules()).summary, lang)
    english = narrative(compare(B, A, rules=rules()).summary, "en")
    assert len(lines) == len(english) and not set(lines) & set(english)
    assert any("Blomberg, Horn" in line for line in lines)


def test_consistent_waves_keep_the_plain_sentences() -> None:
    # Nothing rests on unmatched actors: the story reads as it always did (golden outputs unchanged).
    B, A = planted()
    for G in (B, A):
        G.remove_nodes_from([v for v in list(G) if v.startswith(("old", "new"))])
    with warnings.catch_warnings():
        warnings.simplefilter("error", WaveMatchWarning)
        lines = narrative(compare(B, A, rules=rules()).summary, "en")
    assert lines[1] == "1 new tie, 0 ties ended, 0 grew closer, 0 became weaker."
    assert not any("not found" in line or "matched by id" in line for line in lines)

