"""Missing links on hand-built networks where the right answer is known."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from carenet_graph.errors import VocabularyError
from carenet_graph.gaps.expectations import in_scope, km_between, unmet_expectations
from carenet_graph.gaps.introductions import suggest_introductions
from carenet_graph.gaps.rules import country_code, load_rules, parse_rule
from carenet_graph.gaps.run import find_gaps, write_gap_report
from carenet_graph.gaps.scorecards import scorecards
from carenet_graph.gaps.structure import disagreements, structural_gaps
from carenet_graph.i18n import translate
from carenet_graph.vocabulary import default_vocabulary
from tests.support.commands import Invoke

GP_PKD = {"id": "gp_pkd", "subject_types": ["general_practitioner"], "object_types": ["palliative_consult_service"],
          "scope": "same_municipality", "accepted_tie_types": ["consultation", "referral"], "min_level": 2,
          "severity": "expected", "rationale": "GPs work with a consult service."}
CARE_WELFARE = {"id": "welfare_care", "subject_sectors": ["social_welfare"], "object_sectors": ["medical"],
                "scope": "same_municipality", "severity": "recommended"}


def rules(*entries: dict) -> tuple:
    vocab = default_vocabulary()
    return tuple(parse_rule(e, vocab, "test") for e in entries)


def network() -> nx.MultiDiGraph:
    """Lemgo: two GPs and a PKD; gp1 works with the PKD; gp2 shares two partners with it.
    Blomberg: a GP, a PKD (already tied, but only at level 1) and a welfare office with no care tie."""
    G = nx.MultiDiGraph()
    actors = {
        "gp1": ("general_practitioner", "medical", "Lemgo"), "gp2": ("general_practitioner", "medical", "Lemgo"),
        "pkd": ("palliative_consult_service", "medical", "Lemgo"), "nurse": ("home_nursing_service", "nursing_care",
                                                                             "Lemgo"),
        "pharm": ("pharmacy", "pharmacy_therapy", "Lemgo"), "gp3": ("general_practitioner", "medical", "Blomberg"),
        "pkd2": ("palliative_consult_service", "medical", "Blomberg"),
        "welfare": ("social_welfare_organisation", "social_welfare", "Blomberg"),
    }
    for v, (t, s, m) in actors.items():
        G.add_node(v, name=f"Name {v}", type=t, sector=s, municipality=m, country="Deutschland")
    G.add_edge("gp1", "pkd", type="consultation", level=3)
    G.add_edge("gp2", "nurse", type="shared_patients", level=3)
    G.add_edge("gp2", "pharm", type="information_exchange", level=2)
    G.add_edge("pkd", "nurse", type="shared_patients", level=3)
    G.add_edge("pkd", "pharm", type="information_exchange", level=2)
    G.add_edge("gp3", "pkd2", type="consultation", level=1)
    G.add_edge("welfare", "gp3", type="information_exchange", level=0)  # a report of "no interaction"
    return G


def test_planted_missing_link_is_found_and_ranked_first() -> None:
    G = network()
    chosen = rules(GP_PKD)
    gaps = unmet_expectations(G, chosen)
    assert list(gaps["actor"]) == ["gp2", "gp3"]
    gp2 = gaps.iloc[0]
    assert (gp2["rule"], gp2["severity"], gp2["have"], gp2["need"]) == ("gp_pkd", "expected", 0, 1)
    assert gp2["candidates"] == "pkd"
    assert gp2["missing"] == ("no tie with Palliative consultation service in the same municipality "
                              "(at least level 2)")
    # gp3 is tied to its PKD, but below the expected level: a tie to strengthen, not a new one.
    assert gaps.iloc[1]["missing"].endswith("existing tie is below level 2")
    intros = suggest_introductions(G, chosen, gaps)
    assert list(intros[["rank", "actor", "partner"]].itertuples(index=False, name=None)) == [(1, "gp2", "pkd")]
    first = intros.iloc[0]
    assert first["common_partners"] == 2
    assert first["broker"] == "nurse"  # the common partner with the strongest ties (3 and 3)
    # What it achieves, then how: no rule id (a user's rule without a title is named by its labels).
    assert first["reason"] == ("Name gp2 would then meet the expectation “General practitioner / primary care "
                               "practice ↔ Palliative consultation service”. Name gp2 has no link to palliative care "
                               "at all yet. Both are in Lemgo. They have 2 partners in common: Name nurse works with "
                               "both and could introduce them.")
    assert (first["gaps_met"], first["impact"]) == (1, 4.0)  # expected (2) + first tie to palliative care (2)


def test_existing_ties_are_never_suggested() -> None:
    G = network()
    chosen = rules(GP_PKD, CARE_WELFARE)
    gaps = unmet_expectations(G, chosen)
    intros = suggest_introductions(G, chosen, gaps)
    tied = {frozenset((u, v)) for u, v, d in G.edges(data=True) if d.get("level") != 0}
    assert intros.shape[0] >= 1
    for row in intros.itertuples(index=False):
        assert frozenset((row.actor, row.partner)) not in tied


def test_municipality_without_welfare_care_tie_is_flagged() -> None:
    G = network()
    chosen = rules(GP_PKD, CARE_WELFARE)
    gaps = unmet_expectations(G, chosen)
    card = scorecards(G, chosen).set_index("municipality")
    assert card.loc["Blomberg", "cross_domain_ties"] == 0  # the level-0 report is no tie
    assert card.loc["Lemgo", "cross_domain_ties"] == 0 and card.loc["Lemgo", "ties_inside"] == 5
    welfare = gaps[gaps["rule"] == "welfare_care"]
    assert list(welfare["actor"]) == ["welfare"]
    assert welfare.iloc[0]["severity"] == "recommended"
    # Blomberg: gp3 (unmet: level 1) and welfare (unmet) → 0 of 2 rule instances met.
    assert card.loc["Blomberg", "rule_coverage"] == 0.0 and card.loc["Blomberg", "rule_instances"] == 2
    assert card.loc["Lemgo", "rule_coverage"] == pytest.approx(1 / 2)
    assert not card.loc["Lemgo", "linked_to_network"]


def test_municipality_filter_and_scopes() -> None:
    G = network()
    gaps = unmet_expectations(G, rules(GP_PKD), municipality="Blomberg")
    assert list(gaps["actor"]) == ["gp3"]
    region = dict(GP_PKD, id="anywhere", scope="anywhere")
    gaps = unmet_expectations(G, rules(region))
    # Anywhere: gp2 may also get pkd2 in Blomberg as a candidate.
    assert set(gaps.loc[gaps["actor"] == "gp2", "candidates"].iloc[0].split(";")) == {"pkd", "pkd2"}
    near = parse_rule(dict(GP_PKD, id="near", scope="within_km", km=10), default_vocabulary(), "t")
    lemgo = {"lat": 52.033, "lon": 8.900, "municipality": "Lemgo"}
    detmold = {"lat": 51.936, "lon": 8.879, "municipality": "Detmold"}
    assert km_between(lemgo, detmold) == pytest.approx(10.9, abs=0.2)
    assert not in_scope(near, lemgo, detmold)
    assert in_scope(near, lemgo, dict(detmold, lat=51.99))
    assert in_scope(near, {"municipality": "Lemgo"}, {"municipality": "Lemgo"})  # no coordinates: same place


def test_structural_gaps_and_disagreements() -> None:
    G = network()
    G.add_node("alone", name="Alone", type="pharmacy", sector="pharmacy_therapy", municipality="Lemgo")
    G.add_edge("nurse", "gp2", type="shared_patients", level=1, reported_by="nurse")
    G.add_edge("gp2", "nurse", type="shared_patients", level=4, reported_by="gp2")
    table = structural_gaps(G)
    assert set(table.loc[table["kind"] == "isolate", "actor"]) == {"alone", "welfare"}
    assert "pkd2" in set(table.loc[table["kind"] == "pendant", "actor"])
    pairs = disagreements(G)
    row = pairs[(pairs["actor_a"] == "gp2") & (pairs["actor_b"] == "nurse")].iloc[0]
    assert (row["level_a"], row["level_b"], row["difference"]) == (4, 1, 3)
    assert row["status"] == translate("status_disagree", "en", difference=3)


def test_package_rules_load_and_invalid_rules_are_located(tmp_path: Path) -> None:
    package = load_rules()
    assert {"municipality_linked_to_palliative_network", "gp_linked_to_home_nursing"} <= {r.id for r in package}
    assert all(r.severity in ("required", "expected", "recommended") for r in package)
    user = tmp_path / "rules.yaml"
    user.write_text("rules:\n  - id: gp_linked_to_home_nursing\n    subject_types: [general_practitioner]\n"
                    "    object_types: [pharmacy]\n    scope: anywhere\n    severity: required\n", encoding="utf-8")
    merged = {r.id: r for r in load_rules([user])}
    assert merged["gp_linked_to_home_nursing"].object_types == frozenset({"pharmacy"})
    assert len(merged) == len(package)
    bad = tmp_path / "bad.yaml"
    bad.write_text("rules:\n  - id: x\n    subject_types: [doctor]\n    object_types: [pharmacy]\n", encoding="utf-8")
    with pytest.raises(VocabularyError) as info:
        load_rules([bad])
    assert info.value.file == str(bad)
    assert info.value.message == "rule 'x' names the unknown actor type doctor"
    broken = tmp_path / "broken.yaml"
    broken.write_text("rules:\n  - id: x\n   scope: [\n", encoding="utf-8")
    with pytest.raises(VocabularyError) as info:
        load_rules([broken])
    assert info.value.row == 3 and "not valid YAML" in info.value.message
    for field, value, message in (("scope", "galaxy", "unknown scope"), ("severity", "urgent", "unknown severity"),
                                  ("min_level", 9, "min_level must be"), ("scope", "within_km", "no positive 'km'")):
        with pytest.raises(VocabularyError, match=message):
            parse_rule(dict(GP_PKD, **{field: value}), default_vocabulary(), "t")
    assert country_code("Sverige") == "SE" and country_code("Nederland") == "NL" and country_code("xx") is None


def test_cli_gaps_writes_tables_and_summary(tmp_path: Path, invoke: Invoke) -> None:
    actors = tmp_path / "actors.csv"
    ties = tmp_path / "ties.csv"
    actors.write_text("id;name;type;municipality\ngp1;Praxis A;Hausarzt;Lemgo\ngp2;Praxis B;Hausarzt;Lemgo\n"
                      "pkd;PKD Lippe;PKD;Lemgo\nnurse;Pflegedienst;Pflegedienst;Lemgo\n", encoding="utf-8")
    ties.write_text("source;target;type;level\ngp1;pkd;Konsil;3\ngp2;nurse;gemeinsame Patienten;3\n"
                    "pkd;nurse;gemeinsame Patienten;3\ngp1;nurse;gemeinsame Patienten;2\n", encoding="utf-8")
    out = tmp_path / "out"
    result = invoke("gaps", actors, ties, "-o", out, "--lang", "de")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert translate("summary_gaps", "de") in lines  # after any progress lines
    assert any("Praxis B ↔ PKD Lippe" in line for line in lines)
    for name in ("gaps.csv", "introductions.csv", "scorecards.csv", "structural.csv", "disagreements.csv",
                 "gaps.xlsx"):
        assert (out / name).stat().st_size > 0
    again = tmp_path / "again"
    invoke("gaps", actors, ties, "-o", again, "--lang", "de")
    for name in ("gaps.csv", "introductions.csv", "gaps.xlsx"):
        assert (out / name).read_bytes() == (again / name).read_bytes()
    wrong = invoke("gaps", actors, ties, "-o", out, "--municipality", "Paris")
    assert wrong.exit_code == 2 and "no actor is in that municipality" in wrong.output


def test_gap_report_files(tmp_path: Path) -> None:
    report = find_gaps(network(), rules(GP_PKD, CARE_WELFARE), locale="sv")
    assert report.summary()[0] == translate("summary_gaps", "sv")
    paths = write_gap_report(report, tmp_path)
    assert [p.name for p in paths] == ["gaps.csv", "introductions.csv", "scorecards.csv", "structural.csv",
                                       "disagreements.csv", "gaps.xlsx"]


@pytest.mark.parametrize("lang", ["en", "de", "nl", "sv"])
def test_tables_keep_severity_ids_and_the_summary_says_them_in_words(lang: str, tmp_path: Path) -> None:
    report = find_gaps(network(), rules(GP_PKD, CARE_WELFARE), locale=lang, output=tmp_path)
    assert not report.gaps.empty and not report.introductions.empty
    assert set(report.gaps["severity"]) <= {"required", "expected", "recommended"}
    assert set(report.introductions["severity"]) <= {"required", "expected", "recommended"}
    word = translate(f"severity_{report.gaps['severity'].iloc[0]}", lang)
    assert report.summary()[1].startswith(f"  [{word}] ")
    assert "severity" in (tmp_path / "gaps.csv").read_text(encoding="utf-8").splitlines()[0]
    assert report.written == tuple(tmp_path / name for name in (
        "gaps.csv", "introductions.csv", "scorecards.csv", "structural.csv", "disagreements.csv", "gaps.xlsx"))
