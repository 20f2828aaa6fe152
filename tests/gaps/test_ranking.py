"""Introductions ranked by what they achieve, then by how easy they are (issue 14, item 8)."""

from __future__ import annotations

import networkx as nx
import pandas as pd
import pytest

from carenet_graph.gaps.expectations import unmet_expectations
from carenet_graph.gaps.introductions import suggest_introductions
from carenet_graph.gaps.rules import load_rules, parse_rule
from carenet_graph.gaps.run import find_gaps
from carenet_graph.vocabulary import default_vocabulary

# Three towns of one district and its seat Dstadt, about 50 km from Aort.
PLACES = {"Aort": (52.40, 9.10), "Bort": (52.15, 8.95), "Cstadt": (52.05, 8.60), "Dstadt": (51.95, 8.87)}


def district(reverse: bool = False) -> nx.MultiDiGraph:
    """Aort is the only municipality not linked to the palliative network, and its one GP practice
    has no palliative consult service at all (the PKD is in Cstadt, the GP shares only its home
    nursing service with it). Network and PKD are in the district seat. In every town a volunteer
    centre has no tie to care yet but shares two partners with the GP practice next door: the easy,
    less consequential introductions."""
    actors = {"net": ("palliative_network", "Dstadt", "Palliativnetz"),
              "pkd": ("palliative_consult_service", "Dstadt", "PKD Süd")}
    ties = [("pkd", f"nurse{t}", "consultation", 3) for t in "ABC"]
    for t, place in zip("ABC", ("Aort", "Bort", "Cstadt"), strict=True):
        actors |= {f"m{t}": ("municipality", place, f"Gemeinde {place}"),
                   f"gp{t}": ("general_practitioner", place, f"Hausarztpraxis {place}"),
                   f"nurse{t}": ("home_nursing_service", place, f"Pflegedienst {place}"),
                   f"pharm{t}": ("pharmacy", place, f"Apotheke {place}"),
                   f"vol{t}": ("volunteer_organisation", place, f"Freiwilligenzentrum {place}")}
        ties += [(f"gp{t}", f"nurse{t}", "shared_patients", 3), (f"gp{t}", f"pharm{t}", "information_exchange", 2),
                 (f"vol{t}", f"pharm{t}", "information_exchange", 2), (f"vol{t}", f"m{t}", "joint_planning", 2),
                 (f"gp{t}", f"m{t}", "joint_planning", 2)]
        if t != "A":
            ties += [(f"m{t}", "net", "membership", 2), (f"gp{t}", "pkd", "consultation", 3)]
    vocab = default_vocabulary()
    G = nx.MultiDiGraph()
    items = sorted(actors.items(), reverse=reverse)
    for v, (kind, place, name) in items:
        lat, lon = PLACES[place]
        G.add_node(v, name=name, type=kind, sector=vocab.actor_types[kind]["sector"], municipality=place,
                   region="Lippe", country="Deutschland", lat=lat + 0.01 * (len(v) % 3), lon=lon)
    for u, v, kind, level in (reversed(ties) if reverse else ties):
        G.add_edge(u, v, type=kind, level=level)
    return G


def pairs(intros: pd.DataFrame) -> list[frozenset[str]]:
    return [frozenset((a, b)) for a, b in zip(intros["actor"], intros["partner"], strict=True)]


def test_the_most_consequential_introductions_rank_first() -> None:
    # Under the earlier ranking (severity + ease) these two came last, behind every volunteer
    # centre ↔ GP suggestion: the volunteer centres share two partners with the practice next door.
    G = district()
    rules = load_rules()
    intros = suggest_introductions(G, rules, unmet_expectations(G, rules))
    ranked = pairs(intros)
    assert ranked[:2] == [frozenset({"mA", "net"}), frozenset({"gpA", "pkd"})]
    easy = [frozenset({f"vol{t}", f"gp{t}"}) for t in "ABC"]
    assert set(easy) <= set(ranked[2:])
    first, second = intros.iloc[0], intros.iloc[1]
    assert (first["actor"], first["rule"], first["gaps_met"]) == ("mA", "municipality_linked_to_palliative_network", 1)
    # expected (2) + links the municipality (2) + its first tie to palliative care (2); ease below 1 unit
    assert first["impact"] == 6.0 and 6.0 < first["score"] < 7.0
    # expected (2) + the practice's first tie to palliative care (2) + nobody in Aort meets it yet (1)
    assert (second["actor"], second["impact"]) == ("gpA", 5.0)
    volunteer = intros[intros["actor"] == "volA"].iloc[0]
    assert volunteer["ease"] > first["ease"] and volunteer["ease"] > second["ease"]  # easier, less consequential
    assert volunteer["impact"] == 3.0
    assert first["reason"] == (
        "Links Aort to Palliativnetz – the only municipality without a link to the palliative network. "
        "Gemeinde Aort has no link to palliative care at all yet. They are 55 km apart. "
        "Nobody in common yet: Palliativnetz could contact Gemeinde Aort directly.")
    assert second["reason"].startswith(
        "Hausarztpraxis Aort would then meet the expectation “Every GP practice works with a palliative consult "
        "service”. "
        "Hausarztpraxis Aort has no link to palliative care at all yet. In Aort nobody meets this expectation yet.")
    assert "They have one partner in common: Pflegedienst Aort works with both" in second["reason"]


def test_an_introduction_counts_every_gap_it_meets_at_both_ends() -> None:
    # A second rule makes the network expected to reach the municipality: one tie meets two gaps.
    vocab = default_vocabulary()
    reach = {"id": "network_reaches_municipalities", "subject_types": ["palliative_network"],
             "object_types": ["municipality"], "scope": "same_region", "severity": "recommended"}
    G = district()
    G.remove_edges_from([("mB", "net"), ("mC", "net")])
    rules = (*load_rules(), parse_rule(reach, vocab, "test"))
    intros = suggest_introductions(G, rules, unmet_expectations(G, rules))
    top = intros.iloc[0]
    assert frozenset((top["actor"], top["partner"])) in {frozenset({f"m{t}", "net"}) for t in "ABC"}
    # the municipality's expectation, the package rule that the network reaches every kind of
    # provider, and the user's rule without a title (named by its labels, never by its id)
    assert top["gaps_met"] == 3 and top["impact"] == 2 + 2 + 1 + 2 + 2
    assert ("It also meets 2 more expectations: “The network reaches every kind of care provider”; “Regional "
            "palliative (hospice) care network / council ↔ Municipality”.") in top["reason"]
    assert "one of 3 municipalities without a link" in top["reason"]


@pytest.mark.parametrize("lang", ["en", "de", "nl", "sv"])
def test_results_do_not_depend_on_the_order_of_the_input_rows(lang: str) -> None:
    first = find_gaps(district(), locale=lang)
    second = find_gaps(district(reverse=True), locale=lang)
    for table in ("gaps", "introductions", "expectations", "isolated", "scorecards", "structural", "disagreements"):
        pd.testing.assert_frame_equal(getattr(first, table), getattr(second, table), check_dtype=False)
    assert first.summary() == second.summary()


@pytest.mark.parametrize("seed", range(40))
def test_each_gap_proposes_its_best_candidate_as_if_every_candidate_were_scored(seed: int) -> None:
    # The ranking skips the ease of candidates that cannot win (see suggest_introductions): the
    # pairs it proposes equal those of scoring every untied candidate of every gap.
    from carenet_graph.gaps.expectations import ease_score
    from carenet_graph.gaps.introductions import _Context
    from carenet_graph.locale import Locale
    from tests.gaps.test_hubs import random_network

    G = random_network(seed)
    rules = load_rules()
    gaps = unmet_expectations(G, rules)
    proposed = set(pairs(suggest_introductions(G, rules, gaps, limit=10**6)))
    ctx = _Context(G, rules, gaps, Locale("en"))
    expected = set()
    for actor, candidates in zip(gaps["actor"], gaps["candidates"], strict=True):
        scored = []
        for o in filter(None, str(candidates or "").split(";")):
            impact = ctx.impact(actor, o)
            if o != actor and not ctx.H.has_edge(actor, o) and impact.met:
                ease = ease_score(ctx.H, actor, o, ctx.nodes)
                scored.append((-round(impact.value + ease / (1 + ease), 6), o))
        if scored:
            expected.add(frozenset((actor, min(scored)[1])))
    assert proposed == expected
