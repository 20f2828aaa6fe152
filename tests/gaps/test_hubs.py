"""Gaps around hubs (issue 12): a shared hub is no reason for an introduction, and nothing
visits the pairs of a hub's partners.

Fast tests: the hub rule on a hand-built network, structural gaps (care–welfare bridges) equal to
one search per bridge, and the faster candidate ranking equal to scoring every object. The slow
test runs ``carenet gaps`` on a star of 100,000 spokes under 4 GB of address space.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

import networkx as nx
import pytest

from carenet_graph.gaps import expectations
from carenet_graph.gaps.expectations import HUB_PARTNERS, candidate_score, common_partners, in_scope, satisfies
from carenet_graph.gaps.introductions import suggest_introductions
from carenet_graph.gaps.rules import load_rules
from carenet_graph.gaps.structure import cross_domain, domains, structural_gaps
from carenet_graph.network import SECTOR, collapse
from carenet_graph.vocabulary import default_vocabulary
from tests.support.bounded import run_bounded

TYPES = ("general_practitioner", "home_nursing_service", "social_welfare_organisation", "palliative_consult_service",
         "pharmacy", "palliative_network", "municipality")
SECTORS = ("medical", "nursing_care", "social_welfare", "pharmacy_therapy", "municipality_public")


def random_network(seed: int) -> nx.MultiDiGraph:
    rng = random.Random(seed)
    n = rng.randint(5, 70)
    G = nx.MultiDiGraph()
    for v in range(n):
        data = {"type": rng.choice(TYPES), "sector": rng.choice(SECTORS), "municipality": rng.choice(["A", "B", None]),
                "region": rng.choice(["R", "Q", None]), "country": "DE"}
        if rng.random() < 0.3:
            data.update(lat=52 + rng.random(), lon=8 + rng.random())
        G.add_node(f"a{v}", **data)
    for _ in range(rng.randint(0, 2 * n)):
        u, v = rng.sample(range(n), 2)
        G.add_edge(f"a{u}", f"a{v}", type=rng.choice(["shared_patients", "consultation", "membership", None]),
                   level=rng.choice([None, 0, 1, 2, 3, 4]))
    return G


def scored_by_brute_force(G: nx.MultiDiGraph, max_candidates: int = 3) -> list[str]:
    """Candidates of every unmet rule instance, every object in scope scored (the definition)."""
    H = collapse(G, mode="undirected", combine="max")
    reports = expectations.reports_by_partner(G)
    nodes = dict(G.nodes(data=True))
    out = []
    for rule in load_rules():
        objects = [o for o, data in nodes.items() if rule.is_object(data)]
        for s, data in nodes.items():
            if not rule.applies_to(data):
                continue
            in_reach = [o for o in objects if o != s and in_scope(rule, data, nodes[o])]
            partners = reports[s]
            if sum(1 for o in in_reach if o in partners and satisfies(rule, partners[o])) >= rule.min_ties:
                continue
            weak = sorted((o for o in in_reach if o in partners and not satisfies(rule, partners[o])), key=str)
            ranked = sorted((o for o in in_reach if o not in partners),
                            key=lambda o: (-round(candidate_score(H, rule, s, o, nodes), 9), str(o)))
            out.append(f"{rule.id}:{s}:" + ";".join(map(str, (weak + ranked)[:max_candidates])))
    return sorted(out)


@pytest.mark.parametrize("seed", range(30))
def test_candidates_equal_scoring_every_object(seed: int) -> None:
    G = random_network(seed)
    gaps = expectations.unmet_expectations(G, load_rules())
    found = sorted(f"{g.rule}:{g.actor}:{g.candidates}" for g in gaps.itertuples(index=False))
    assert found == scored_by_brute_force(G)


def test_a_shared_hub_is_no_reason_for_an_introduction() -> None:
    G = nx.MultiDiGraph()
    G.add_node("gp", type="general_practitioner", municipality="Lemgo", region="Lippe", country="DE")
    G.add_node("nurse", type="home_nursing_service", municipality="Lemgo", region="Lippe", country="DE")
    G.add_node("lab", type="pharmacy", municipality="Lemgo", region="Lippe", country="DE")
    G.add_node("welfare", type="social_welfare_organisation", municipality="Lemgo", region="Lippe", country="DE")
    for v in ("gp", "nurse", "welfare"):
        G.add_edge("lab", v, type="shared_patients", level=3)
    for i in range(HUB_PARTNERS):  # the lab becomes a hub
        G.add_node(f"x{i}", type="other_organisation", municipality="Detmold")
        G.add_edge("lab", f"x{i}", type="shared_patients", level=3)
    H = collapse(G, mode="undirected", combine="max")
    assert common_partners(H, "gp", "nurse") == []
    gaps = expectations.unmet_expectations(G, load_rules())
    intro = suggest_introductions(G, load_rules(), gaps)
    pair = intro[(intro["actor"] == "gp") & (intro["partner"] == "nurse")].iloc[0]
    assert pair["common_partners"] == 0 and pair["broker"] is None
    # Below the threshold the lab is an ordinary common partner and the broker.
    G.remove_nodes_from(["x0", "x1", "x2"])  # HUB_PARTNERS partners: not a hub
    H = collapse(G, mode="undirected", combine="max")
    assert common_partners(H, "gp", "nurse") == ["lab"]
    intro = suggest_introductions(G, load_rules(), expectations.unmet_expectations(G, load_rules()))
    assert intro[(intro["actor"] == "gp") & (intro["partner"] == "nurse")].iloc[0]["broker"] == "lab"


def bridges_by_search(G: nx.MultiDiGraph) -> list[tuple[str, str]]:
    """Care–welfare bridges with one search of the component per bridge (the definition)."""
    H = collapse(G, mode="undirected", combine="max")
    domain_of = domains(default_vocabulary())
    out = []
    for u, v in nx.bridges(H) if H.number_of_edges() else ():
        side = nx.node_connected_component(nx.restricted_view(H, [], [(u, v)]), u)
        rest = nx.node_connected_component(H, u) - side
        kinds_a = {domain_of.get(str(H.nodes[w].get(SECTOR))) for w in side}
        kinds_b = {domain_of.get(str(H.nodes[w].get(SECTOR))) for w in rest}
        split = ("care" in kinds_a and "social" in kinds_b) or ("social" in kinds_a and "care" in kinds_b)
        if cross_domain(H, u, v, domain_of) or split:
            out.append((u, v))
    return out


@pytest.mark.parametrize("seed", range(30))
def test_care_welfare_bridges_equal_one_search_per_bridge(seed: int) -> None:
    G = random_network(seed)
    table = structural_gaps(G)
    found = [(r.actor, r.group_or_partner) for r in table.itertuples(index=False) if r.kind == "care_welfare_bridge"]
    # Each bridge with its ends by id, listed by id: the table does not follow the input's order.
    by_id = sorted((tuple(sorted(pair, key=str)) for pair in bridges_by_search(G)),
                   key=lambda p: (str(p[0]), str(p[1])))
    assert found == by_id


@pytest.mark.slow
def test_gaps_on_a_star_of_100000_spokes(star_files: tuple[Path, Path], tmp_path: Path) -> None:
    result = run_bounded("gaps", *star_files, "-o", tmp_path / "out", timeout=900)
    assert result.returncode == 0, result.stderr[-2000:]
    with (tmp_path / "out" / "introductions.csv").open(encoding="utf-8") as handle:
        introductions = list(csv.DictReader(handle))
    assert 0 < len(introductions) <= 50
    # The hub pharmacy is every spoke's only partner: no shared partner, no broker.
    assert all(row["common_partners"] == "0" and row["broker"] != "H" for row in introductions)
    with (tmp_path / "out" / "structural.csv").open(encoding="utf-8") as handle:
        kinds = [row["kind"] for row in csv.DictReader(handle)]
    assert kinds.count("pendant") == 100_000
    with (tmp_path / "out" / "gaps.csv").open(encoding="utf-8") as handle:
        gaps = list(csv.DictReader(handle))
    assert {row["rule"] for row in gaps} >= {"gp_linked_to_home_nursing"}
