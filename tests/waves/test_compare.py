"""Comparing two survey waves whose differences are planted and known exactly."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd
import pytest

from carenet_graph.gaps.rules import Rule, parse_rule
from carenet_graph.privacy.pseudonyms import pseudonymize
from carenet_graph.vocabulary import default_vocabulary
from carenet_graph.waves import (
    Comparison,
    actor_changes,
    broker_flags,
    compare,
    match_actors,
    tie_changes,
    write_comparison,
)

KEY = bytes(range(32))


def rules() -> tuple[Rule, ...]:
    vocab = default_vocabulary()
    return (
        parse_rule({"id": "gp_pkd", "subject_types": ["general_practitioner"],
                    "object_types": ["palliative_consult_service"], "scope": "same_municipality"}, vocab, "test"),
        parse_rule({"id": "gp_network", "subject_types": ["general_practitioner"],
                    "object_types": ["palliative_network"], "scope": "anywhere"}, vocab, "test"),
    )


def actor(G: nx.MultiDiGraph, ident: str, name: str, kind: str, sector: str, municipality: str | None = None) -> None:
    G.add_node(ident, name=name, type=kind, sector=sector, **({"municipality": municipality} if municipality else {}))


def tie(G: nx.MultiDiGraph, u: str, v: str, level: int | None, kind: str) -> None:
    G.add_edge(u, v, type=kind, **({"level": level} if level is not None else {}))


def waves() -> tuple[nx.MultiDiGraph, nx.MultiDiGraph]:
    """2024 → 2025 in Kreis Lippe.

    Actors: gp1, gp2, gp3, pkd, net keep their ids; the nursing service changes id and is spelt
    differently ("Pflegedienst  Nord" → "PFLEGEDIENST nord"); Hospizverein Alt leaves; Hospiz
    Sonnenweg is new; "Caritas Beratung" (caritas-1) faces two actors of that name in 2025.
    Ties: gp1–pkd, gp2–net, gp2–caritas-a and hospiz-sonne–pkd added; gp3–pkd, both ties of
    Hospizverein Alt and gp2–caritas-1 removed; nord–pkd 2 → 4; gp1–nord 4 → 1; gp3–nord
    referral → shared_patients at level 3; gp1–net and gp1–gp3 (no level) unchanged.
    """
    B, A = nx.MultiDiGraph(name="2024"), nx.MultiDiGraph(name="2025")
    for G in (B, A):
        actor(G, "gp1", "Hausarzt Müller", "general_practitioner", "medical", "Detmold")
        actor(G, "gp2", "Praxis Lage", "general_practitioner", "medical", "Lage")
        actor(G, "gp3", "Praxis Berg", "general_practitioner", "medical", "Detmold")
        actor(G, "pkd", "PKD Lippe", "palliative_consult_service", "medical", "Detmold")
        actor(G, "net", "Palliativnetz Lippe", "palliative_network", "coordination_network")
    actor(B, "pd-nord-2023", "Pflegedienst  Nord", "home_nursing_service", "nursing_care", "Detmold")
    actor(A, "pflegedienst_nord", "PFLEGEDIENST nord", "home_nursing_service", "nursing_care", "Detmold")
    actor(B, "hospiz-alt", "Hospizverein Alt", "outpatient_hospice_service", "hospice", "Detmold")
    actor(A, "hospiz-sonne", "Hospiz Sonnenweg", "inpatient_hospice", "hospice", "Detmold")
    actor(B, "caritas-1", "Caritas Beratung", "social_welfare_organisation", "social_welfare", "Blomberg")
    actor(A, "caritas-a", "Caritas Beratung", "social_welfare_organisation", "social_welfare", "Blomberg")
    actor(A, "caritas-b", "caritas  beratung", "social_welfare_organisation", "social_welfare", "Blomberg")
    tie(B, "gp1", "net", 2, "membership")
    tie(B, "gp3", "pkd", 3, "consultation")
    tie(B, "pd-nord-2023", "pkd", 2, "shared_patients")
    tie(B, "gp1", "pd-nord-2023", 4, "referral")
    tie(B, "pkd", "hospiz-alt", 3, "referral")
    tie(B, "hospiz-alt", "gp3", 2, "referral")
    tie(B, "gp2", "caritas-1", 2, "information_exchange")
    tie(B, "gp3", "pd-nord-2023", 3, "referral")
    tie(B, "gp1", "gp3", None, "information_exchange")
    tie(A, "net", "gp1", 2, "membership")  # reversed direction: still the same pair
    tie(A, "gp1", "pkd", 3, "consultation")
    tie(A, "pkd", "pflegedienst_nord", 4, "shared_patients")
    tie(A, "gp1", "pflegedienst_nord", 1, "referral")
    tie(A, "gp2", "net", 2, "membership")
    tie(A, "gp2", "caritas-a", 2, "information_exchange")
    tie(A, "gp3", "pflegedienst_nord", 3, "shared_patients")
    tie(A, "gp3", "gp1", None, "information_exchange")
    tie(A, "hospiz-sonne", "pkd", 2, "referral")
    return B, A


@pytest.fixture(scope="module")
def result() -> Comparison:
    B, A = waves()
    return compare(B, A, rules=rules())


def records(frame: pd.DataFrame, columns: list[str]) -> list[tuple[Any, ...]]:
    return [tuple(None if pd.isna(x) else x for x in row) for row in frame[columns].itertuples(index=False)]


def test_match_actors_by_id_then_name_and_never_guesses() -> None:
    m = match_actors(*waves())
    assert m.pairs == {"gp1": "gp1", "gp2": "gp2", "gp3": "gp3", "pkd": "pkd", "net": "net",
                       "pd-nord-2023": "pflegedienst_nord"}
    assert m.ambiguous == ("caritas-1", "caritas-a", "caritas-b")
    assert list(m.table.columns) == ["before_id", "after_id", "name_before", "name_after", "match"]
    assert records(m.table, ["before_id", "after_id", "match"]) == [
        (None, "caritas-a", "ambiguous"),
        (None, "caritas-b", "ambiguous"),
        ("caritas-1", None, "ambiguous"),
        (None, "hospiz-sonne", "new"),
        ("hospiz-alt", None, "left"),
        ("pd-nord-2023", "pflegedienst_nord", "name"),
        ("gp1", "gp1", "id"),
        ("net", "net", "id"),
        ("pkd", "pkd", "id"),
        ("gp3", "gp3", "id"),
        ("gp2", "gp2", "id"),
    ]
    renamed = m.table[m.table["match"] == "name"].iloc[0]
    assert (renamed["name_before"], renamed["name_after"]) == ("Pflegedienst  Nord", "PFLEGEDIENST nord")


def test_shared_names_without_a_counterpart_are_new_and_unnamed_actors_match_by_id_text() -> None:
    B, A = nx.MultiDiGraph(), nx.MultiDiGraph()
    B.add_node("Praxis_Ost")  # inferred from a tie: no name, the id is the name the data gave
    A.add_node("p-ost", name="Praxis Ost")
    A.add_node("x1", name="Tafel")
    A.add_node("x2", name="TAFEL")
    m = match_actors(B, A)
    assert m.pairs == {"Praxis_Ost": "p-ost"}
    assert m.ambiguous == ()
    assert records(m.table, ["before_id", "after_id", "match"]) == [
        (None, "x1", "new"), (None, "x2", "new"), ("Praxis_Ost", "p-ost", "name")]


def test_tie_changes_are_exactly_the_planted_ones(result: Comparison) -> None:
    columns = ["actor_a", "actor_b", "change", "level_before", "level_after", "types_before", "types_after"]
    assert list(result.tie_changes.columns) == ["actor_a", "actor_b", "name_a", "name_b", "change", "level_before",
                                                "level_after", "types_before", "types_after"]
    assert records(result.tie_changes, columns) == [
        ("caritas-a", "gp2", "added", None, 2, None, "information_exchange"),
        ("gp1", "pkd", "added", None, 3, None, "consultation"),
        ("gp2", "net", "added", None, 2, None, "membership"),
        ("hospiz-sonne", "pkd", "added", None, 2, None, "referral"),
        ("before:caritas-1", "gp2", "removed", 2, None, "information_exchange", None),
        ("before:hospiz-alt", "gp3", "removed", 2, None, "referral", None),
        ("before:hospiz-alt", "pkd", "removed", 3, None, "referral", None),
        ("gp3", "pkd", "removed", 3, None, "consultation", None),
        ("pflegedienst_nord", "pkd", "level_up", 2, 4, "shared_patients", "shared_patients"),
        ("gp1", "pflegedienst_nord", "level_down", 4, 1, "referral", "referral"),
        ("gp3", "pflegedienst_nord", "type_changed", 3, 3, "referral", "shared_patients"),
        ("gp1", "gp3", "unchanged", None, None, "information_exchange", "information_exchange"),
        ("gp1", "net", "unchanged", 2, 2, "membership", "membership"),
    ]
    assert result.tie_changes.loc[0, "level_before"] is None and type(result.tie_changes.loc[0, "level_after"]) is int
    removed = result.tie_changes[result.tie_changes["actor_a"] == "before:hospiz-alt"]
    assert set(removed["name_a"]) == {"Hospizverein Alt"}


def test_tie_levels_zero_unknown_and_several_reports() -> None:
    B, A = nx.MultiDiGraph(), nx.MultiDiGraph()
    for G in (B, A):
        G.add_nodes_from(["a", "b", "c", "d"])
    B.add_edge("a", "b", level=0)  # "no interaction": no tie
    B.add_edge("a", "c", type="referral")  # level unknown before ...
    B.add_edge("c", "d", level=2, type="referral")
    B.add_edge("d", "c", level=3, type="consultation")  # the pair's level is its highest report
    A.add_edge("a", "b", level=2)
    A.add_edge("c", "a", level=3, type="referral")  # ... and known after: no level change
    A.add_edge("c", "d", level=3, type="consultation")
    assert records(tie_changes(B, A, match_actors(B, A)), ["actor_a", "actor_b", "change", "level_before",
                                                           "level_after", "types_before", "types_after"]) == [
        ("a", "b", "added", None, 2, None, ""),
        ("c", "d", "type_changed", 3, 3, "consultation;referral", "consultation"),
        ("a", "c", "unchanged", None, 3, "referral", "referral"),
    ]


def test_actor_changes_measures_and_roles(result: Comparison) -> None:
    ac = result.actor_changes.set_index("id")
    assert list(result.actor_changes["id"]) == ["gp1", "gp2", "gp3", "net", "pflegedienst_nord", "pkd", "caritas-a",
                                                "caritas-b", "hospiz-sonne", "caritas-1", "hospiz-alt"]
    assert ac["status"].to_dict() == {
        "gp1": "matched", "gp2": "matched", "gp3": "matched", "net": "matched", "pflegedienst_nord": "matched",
        "pkd": "matched", "caritas-a": "new", "caritas-b": "new", "hospiz-sonne": "new", "caritas-1": "left",
        "hospiz-alt": "left"}
    assert ac.loc["pflegedienst_nord", "before_id"] == "pd-nord-2023"
    assert ac.loc["pflegedienst_nord", "name"] == "PFLEGEDIENST nord"
    assert ac.loc["hospiz-alt", "name"] == "Hospizverein Alt"
    assert (ac.loc["gp1", "degree_before"], ac.loc["gp1", "degree_after"], ac.loc["gp1", "degree_delta"]) == (3, 4, 1)
    assert (ac.loc["gp3", "degree_before"], ac.loc["gp3", "degree_after"], ac.loc["gp3", "degree_delta"]) == (4, 2, -2)
    assert ac.loc["hospiz-sonne", ["degree_before", "degree_delta"]].isna().all()
    assert ac["pagerank_after"].isna()["hospiz-alt"]
    for m in ("degree", "strength", "betweenness", "pagerank", "constraint", "brokerage_total", "removal_impact"):
        assert {f"{m}_before", f"{m}_after", f"{m}_delta"} <= set(ac.columns)
    # Articulation points: before only gp1 (net hangs on it); after also net, gp2 and pkd.
    matched = ac[ac["status"] == "matched"]
    assert matched["single_point_before"].to_dict() == {
        "gp1": True, "gp2": False, "gp3": False, "net": False, "pflegedienst_nord": False, "pkd": False}
    assert set(matched.index[matched["single_point_after"]]) == {"gp1", "gp2", "net", "pkd"}
    # Brokers (top ⌈10 % · n⌉ = 1 actor by betweenness): the nursing service in 2024, the PKD in 2025.
    assert set(ac.index[ac["broker_before"].fillna(False)]) == {"pflegedienst_nord"}
    assert set(ac.index[ac["broker_after"].fillna(False)]) == {"pkd"}
    assert ac["role_change"].to_dict() == {
        "gp1": "", "gp2": "became single point of failure", "gp3": "", "net": "became single point of failure",
        "pflegedienst_nord": "no longer broker", "pkd": "became broker; became single point of failure",
        "caritas-a": "", "caritas-b": "", "hospiz-sonne": "", "caritas-1": "", "hospiz-alt": ""}
    assert ac.loc["pkd", "role_change_keys"] == "became_broker;became_single_point"
    assert ac.loc["pflegedienst_nord", "role_change_keys"] == "no_longer_broker"
    # The table is what actor_changes gives on the analyses alone.
    again = actor_changes(result.before, result.after, result.matching)
    pd.testing.assert_frame_equal(again, result.actor_changes)


def test_broker_flags_top_share_and_ties_at_the_threshold() -> None:
    actors = pd.DataFrame({"betweenness": [0.0] * 15 + [0.1, 0.2, 0.5, 0.5, 0.9],
                           "brokerage_total": [0] * 17 + [3, 0, 4]}, index=[f"a{i}" for i in range(20)])
    # ⌈0.1 · 20⌉ = 2: the threshold is the 2nd highest betweenness (0.5); a19 and a17 qualify,
    # a18 has no brokerage position.
    assert list(actors.index[broker_flags(actors)]) == ["a17", "a19"]
    assert not broker_flags(actors.assign(betweenness=0.0, brokerage_total=1)).any()


def test_summary_gaps_rules_and_municipalities(result: Comparison) -> None:
    s = result.summary
    assert s["actors"] == {"id": 5, "id_name_differs": 0, "name": 1, "new": 1, "left": 1, "ambiguous": 3,
                           "matched": 6}
    assert s["ties"] == {"added": 4, "removed": 4, "level_up": 1, "level_down": 1, "type_changed": 1,
                         "unchanged": 2}
    # gp1 gained its PKD tie; gp2 joined the network; gp3 lost its PKD tie.
    assert s["gaps_closed"] == [["gp2", "Praxis Lage", "gp_network"], ["gp1", "Hausarzt Müller", "gp_pkd"]]
    assert s["new_gaps"] == [["gp3", "Praxis Berg", "gp_pkd"]]
    assert s["rules_newly_met"] == {"gp_network": {"unmet_before": 2, "unmet_after": 1}}
    assert s["municipalities_newly_linked"] == ["Lage"]
    assert s["municipalities_no_longer_linked"] == []
    assert s["municipalities_still_unlinked"] == ["Blomberg"]
    # Detmold's only network link and Lage's only care–welfare tie are held by the same actor in both
    # waves; Blomberg's welfare office is not known to be the same one (ambiguous).
    assert s["single_bridge_still"] == [["Detmold", "gp1", "Hausarzt Müller"], ["Lage", "gp2", "Praxis Lage"]]
    assert s["network"]["actors"] == {"before": 8, "after": 9, "delta": 1}
    assert s["network"]["ties"] == {"before": 9, "after": 9, "delta": 0}
    assert s["network"]["articulation_points"] == {"before": 1, "after": 4, "delta": 3}
    assert s["network"]["paths.diameter"]["delta"] == (s["network"]["paths.diameter"]["after"]
                                                       - s["network"]["paths.diameter"]["before"])
    assert "paths.exact" not in s["network"] and "dyads.share_level_agreement" not in s["network"]
    assert s["rules"] == ["gp_network", "gp_pkd"]
    json.dumps(s, allow_nan=False)


def test_compare_is_deterministic_and_leaves_inputs_alone(result: Comparison) -> None:
    B, A = waves()
    again = compare(B, A, rules=rules())
    for name in ("tie_changes", "actor_changes"):
        pd.testing.assert_frame_equal(getattr(again, name), getattr(result, name))
    pd.testing.assert_frame_equal(again.matching.table, result.matching.table)
    assert again.summary == result.summary
    B0, A0 = waves()
    for G, G0 in ((B, B0), (A, A0)):
        assert list(G.nodes(data=True)) == list(G0.nodes(data=True))
        assert list(G.edges(keys=True, data=True)) == list(G0.edges(keys=True, data=True))


def test_write_comparison_is_byte_identical_and_formula_safe(tmp_path: Path, result: Comparison) -> None:
    written = write_comparison(result, tmp_path / "one")
    assert [p.name for p in written] == ["tie_changes.csv", "actor_changes.csv", "actor_matching.csv",
                                         "summary.json", "compare.xlsx"]
    B, A = waves()
    write_comparison(compare(B, A, rules=rules()), tmp_path / "two")
    for path in written:
        assert path.read_bytes() == (tmp_path / "two" / path.name).read_bytes()
    text = (tmp_path / "one" / "summary.json").read_text(encoding="utf-8")
    assert "NaN" not in text and text.endswith("}\n")
    document = json.loads(text)
    assert list(document) == sorted(document)
    assert document["municipalities_newly_linked"] == ["Lage"]
    ties = (tmp_path / "one" / "tie_changes.csv").read_text(encoding="utf-8").splitlines()
    assert ties[0] == "actor_a,actor_b,name_a,name_b,change,level_before,level_after,types_before,types_after"
    assert ties[1] == "caritas-a,gp2,Caritas Beratung,Praxis Lage,added,,2,,information_exchange"
    actors = (tmp_path / "one" / "actor_changes.csv").read_text(encoding="utf-8").splitlines()
    assert actors[1].startswith("gp1,gp1,Hausarzt Müller,matched,3,4,1,")
    # A name that a spreadsheet would run as a formula is written as text.
    A.add_node("evil", name="=HYPERLINK(\"http://x\")", type="pharmacy", sector="pharmacy_therapy")
    A.add_edge("evil", "gp1", level=1)
    write_comparison(compare(B, A, rules=rules()), tmp_path / "three")
    for name in ("tie_changes.csv", "actor_changes.csv", "actor_matching.csv"):
        lines = (tmp_path / "three" / name).read_text(encoding="utf-8").splitlines()
        assert not any(cell.startswith("=") for line in lines for cell in line.split(","))
        assert any("'=HYPERLINK" in line for line in lines)


def test_pseudonymised_waves_still_match() -> None:
    B, A = waves()
    (PB, before_ids), (PA, after_ids) = pseudonymize(B, KEY), pseudonymize(A, KEY)
    m = match_actors(PB, PA)
    plain = match_actors(B, A)
    # The keyed pseudonym depends on the normalised name: the same key gives the same id in both
    # waves, even for the nursing service whose id and spelling changed.
    assert m.pairs == {before_ids[b]: after_ids[a] for b, a in plain.pairs.items()}
    assert set(m.table["match"]) == {"id", "new", "left"}
    # Actors sharing a name get longer codes, so the Caritas offices are new and left, not matched.
    assert after_ids["caritas-a"] not in m.pairs.values() and before_ids["caritas-1"] not in m.pairs
    counts = tie_changes(PB, PA, m)["change"].value_counts().to_dict()
    assert counts == tie_changes(B, A, plain)["change"].value_counts().to_dict()


def test_empty_waves() -> None:
    B, A = nx.MultiDiGraph(), nx.MultiDiGraph()
    m = match_actors(B, A)
    assert m.pairs == {} and m.table.empty and list(m.table.columns) == ["before_id", "after_id", "name_before",
                                                                         "name_after", "match"]
    changes = tie_changes(B, A, m)
    assert changes.empty and "change" in changes.columns


def test_the_users_vocabulary_reaches_the_gap_reports_of_both_waves(tmp_path: Path) -> None:
    # `carenet compare --vocabulary` used to be dropped on the way to the gap reports inside the
    # comparison: their texts named the built-in labels, not the user's.
    from carenet_graph.locale import Locale
    from carenet_graph.vocabulary import load_vocabulary

    extra = tmp_path / "terms.yaml"
    extra.write_text("actor_types:\n  - id: palliative_consult_service\n    labels: {de: Palliativteam-Eigenname}\n",
                     encoding="utf-8")
    before, after = waves()
    own = compare(before, after, rules=rules(), locale=Locale("de", load_vocabulary([extra])))
    built_in = compare(before, after, rules=rules(), locale="de")
    for report in (own.gaps_before, own.gaps_after):
        assert report.gaps["missing"].str.contains("Palliativteam-Eigenname").any()
    assert not built_in.gaps_after.gaps["missing"].str.contains("Palliativteam-Eigenname").any()
