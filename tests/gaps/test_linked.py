"""One definition of "linked to the palliative network"; expectations grouped by rule; who works alone."""

from __future__ import annotations

import networkx as nx
import pandas as pd

from carenet_graph.gaps.groups import GROUP_COLUMNS, expectation_groups
from carenet_graph.gaps.linked import network_links
from carenet_graph.gaps.rules import load_rules
from carenet_graph.gaps.run import find_gaps
from carenet_graph.gaps.structure import isolated_actors
from tests.gaps.test_ranking import district


def detmold() -> nx.MultiDiGraph:
    """Detmold: a GP practice is a member of the network, the town itself is not (the report said
    "linked: yes" in the scorecard and "Stadt Detmold: no link to the network" below it).
    Lemgo: the town is a member. Lage: no actor for the town's administration, a GP is a member."""
    G = nx.MultiDiGraph()
    for v, kind, place in (("net", "palliative_network", "Detmold"), ("detmold", "municipality", "Detmold"),
                           ("gp", "general_practitioner", "Detmold"), ("lemgo", "municipality", "Lemgo"),
                           ("lage_gp", "general_practitioner", "Lage")):
        G.add_node(v, name=f"Name {v}", type=kind, municipality=place, region="Lippe", country="DE")
    G.add_edge("gp", "net", type="membership", level=3)
    G.add_edge("detmold", "gp", type="joint_planning", level=3)
    G.add_edge("lemgo", "net", type="membership", level=2)
    G.add_edge("lage_gp", "net", type="membership", level=2)
    return G


def test_scorecard_and_expectations_agree_on_the_link_to_the_network() -> None:
    G = detmold()
    assert network_links(G) == {"Detmold": False, "Lage": True, "Lemgo": True}
    report = find_gaps(G, load_rules())
    cards = report.scorecards.set_index("municipality")["linked_to_network"]
    assert cards["Detmold"] is False or cards["Detmold"] == False  # noqa: E712 (numpy or Python bool)
    unmet = report.gaps[report.gaps["rule"] == "municipality_linked_to_palliative_network"]
    assert list(unmet["actor"]) == ["detmold"]
    assert cards["Lemgo"] == True  # noqa: E712
    assert cards["Lage"] == True  # noqa: E712 (no administration in the data: the same tie test for anyone there)
    # The one actor of Detmold with a tie to the network is still named as what the place depends on.
    assert report.scorecards.set_index("municipality").loc["Detmold", "single_bridge_actors"] == "gp"


def test_a_users_version_of_the_rule_is_the_definition() -> None:
    G = detmold()
    G.add_edge("detmold", "net", type="information_exchange", level=1)
    assert network_links(G)["Detmold"] is True
    strict = [r if r.id != "municipality_linked_to_palliative_network" else
              type(r)(**{**r.__dict__, "tie_types": frozenset({"membership"})}) for r in load_rules()]
    assert network_links(G, strict)["Detmold"] is False
    assert find_gaps(G, strict).scorecards.set_index("municipality").loc["Detmold", "linked_to_network"] == False  # noqa: E712


def test_expectations_grouped_by_rule() -> None:
    G = district()
    G.add_node("gpA2", name="Arztpraxis Aort", type="general_practitioner", sector="medical", municipality="Aort",
               region="Lippe", country="Deutschland")
    G.add_edge("gpA2", "nurseA", type="shared_patients", level=3)
    report = find_gaps(G, locale="en")
    groups = report.expectations.set_index("rule")
    assert list(report.expectations.columns) == GROUP_COLUMNS
    gp = groups.loc["gp_linked_to_palliative_consult_service"]
    assert (gp["affected"], gp["applicable"], gp["share"]) == (2, 4, 0.5)
    assert gp["names"] == "Arztpraxis Aort; Hausarztpraxis Aort" and gp["actors"] == "gpA2; gpA"
    assert gp["municipalities"] == "Aort"
    assert gp["title"] == "Every GP practice works with a palliative consult service"
    assert gp["why"].startswith("The GP stays the patient's doctor at home")
    assert gp["sentence"] == ("Every GP practice works with a palliative consult service: 2 of 4 do not yet – "
                              "Arztpraxis Aort, Hausarztpraxis Aort.")
    one = groups.loc["municipality_linked_to_palliative_network"]
    assert one["headline"] == "Every municipality is linked to the regional palliative network: 1 of 3 does not yet"
    de = find_gaps(G, locale="de").expectations.set_index("rule")
    assert de.loc["welfare_linked_to_palliative_care_per_municipality", "headline"].endswith(": 3 von 3 noch nicht")
    # Most severe first, then most actors affected, then id; a group per rule, not per actor.
    assert report.expectations["rule"].is_unique
    assert len(report.expectations) < len(report.gaps)


def test_long_lists_of_names_are_cut_in_the_sentence_not_in_the_table() -> None:
    G = district()
    for i in range(12):
        G.add_node(f"z{i:02d}", name=f"Praxis {i:02d}", type="general_practitioner", municipality="Aort",
                   region="Lippe", country="Deutschland")
    gaps = find_gaps(G, locale="sv").gaps
    groups = expectation_groups(G, gaps, load_rules(), locale="sv", limit=3).set_index("rule")
    row = groups.loc["gp_linked_to_palliative_consult_service"]
    assert row["affected"] == 13 and len(row["names"].split("; ")) == 13
    assert row["sentence"].endswith("– Hausarztpraxis Aort, Praxis 00, Praxis 01 och 10 till.")


def test_isolates_and_actors_with_one_partner_are_named() -> None:
    G = district()
    G.add_node("alone", name="Trauergruppe", type="volunteer_organisation", municipality="Bort")
    G.add_node("church", name="Kirchengemeinde", type="spiritual_care", municipality="Aort")
    G.add_edge("church", "volA", type="information_exchange", level=2)
    G.add_edge("alone", "volB", type="information_exchange", level=0)  # "no interaction" is no partner
    table = isolated_actors(G, locale="de")
    alone = table.iloc[0]  # no partner first, whatever the input order
    assert (alone["actor"], alone["name"], alone["municipality"], alone["partners"]) == ("alone", "Trauergruppe",
                                                                                        "Bort", 0)
    assert pd.isna(alone["partner"]) and pd.isna(alone["partner_name"])
    church = table.set_index("actor").loc["church"]
    assert (church["partners"], church["partner"], church["partner_name"]) == (1, "volA", "Freiwilligenzentrum Aort")
    assert church["description"] == "arbeitet nur mit Freiwilligenzentrum Aort zusammen"
    assert list(isolated_actors(G, municipality="Bort")["actor"]) == ["alone"]
    report = find_gaps(G, locale="en")
    assert "  1 actor works with nobody: Trauergruppe" in report.summary()
    assert any(line.startswith("  ") and "Kirchengemeinde (only Freiwilligenzentrum Aort)" in line
               for line in report.summary())
    pendant = report.structural[report.structural["actor"] == "church"].iloc[0]
    assert (pendant["kind"], pendant["group_or_partner"], pendant["description"]) == (
        "pendant", "volA", "works only with Freiwilligenzentrum Aort")
