"""The key findings that open the report: three to six sentences a board member understands.

Each :class:`Finding` is one sentence in the report's language and the id of the section that
holds its evidence (the report links the sentence there). Findings are chosen, in this order,
from what a network coordinator brings to a meeting:

1. municipalities without a link to the palliative network (the scorecards' one definition,
   :func:`carenet_graph.gaps.scorecards.scorecards`, so that the finding and the scorecard agree);
2. the largest groups of unmet expectations (by severity, then by how many actors they concern);
3. actors on the edge: isolates and actors with one partner;
4. the single point of failure whose departure cuts off the most actors (named when that is at
   least :data:`FRAGILE_SHARE` of them; otherwise the reassuring sentence that no single
   departure would cut off many);
5. the actor with the most partners and the one that most often links actors otherwise apart;
6. how many ties link care with welfare;
7. how many organisations answered, when the network comes from a survey and not all did;
8. input rows that could not be used (only then).

The last two are caveats and always shown when they apply.

At most :data:`MAX_FINDINGS` are kept: the rest stays in the sections below.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import networkx as nx
import pandas as pd

from carenet_graph.analysis.run import Analysis
from carenet_graph.gaps.linked import NETWORK_RULE
from carenet_graph.gaps.rules import SEVERITY_ORDER
from carenet_graph.gaps.run import GapReport
from carenet_graph.gaps.structure import cross_domain, domains
from carenet_graph.locale import Locale
from carenet_graph.network import collapse
from carenet_graph.read.problems import ValidationReport
from carenet_graph.report.sections import name_list

__all__ = ["MAX_FINDINGS", "Finding", "key_findings"]

MAX_FINDINGS = 6
#: The share of actors cut off by one departure from which the report names that actor as a risk.
FRAGILE_SHARE = 0.05


@dataclass(frozen=True)
class Finding:
    """One sentence of the report's opening and the section (its ``id``) that shows the evidence."""

    text: str
    section: str


def _names(names: list[str], loc: Locale, limit: int = 5) -> str:
    return name_list(sorted(names, key=str.casefold), loc, limit)


def _municipalities(gaps: GapReport, network: str | None, loc: Locale) -> Finding | None:
    cards = gaps.scorecards
    if cards.empty:
        return None
    unlinked = sorted(str(m) for m in cards.loc[~cards["linked_to_network"].astype(bool), "municipality"])
    total = len(cards)
    # The network's own name reads best; without one, the sentence names it in the language's words.
    suffix = "" if network else "_generic"
    if not unlinked:
        return Finding(loc.t("finding_all_linked" + suffix, total=total, network=network), "scorecards")
    if len(unlinked) == total:
        return Finding(loc.t("finding_none_linked" + suffix, total=total, network=network), "scorecards")
    return Finding(loc.t("finding_unlinked" + suffix, unlinked=len(unlinked), total=total, network=network,
                         names=_names(unlinked, loc)), "scorecards")


def _edge(gaps: GapReport, loc: Locale) -> Finding | None:
    kinds = gaps.structural["kind"] if not gaps.structural.empty else pd.Series(dtype=object)
    isolates, pendants = int((kinds == "isolate").sum()), int((kinds == "pendant").sum())
    if not isolates and not pendants:
        return None
    key = "finding_isolates_pendants" if isolates and pendants else "finding_isolates" if isolates \
        else "finding_pendants"
    return Finding(loc.t(key, isolates=isolates, pendants=pendants), "edge")


def _fragile(result: Analysis, loc: Locale) -> Finding | None:
    actors = result.actors
    cut = actors[actors["articulation_point"].astype(bool)]
    if cut.empty:
        return None
    top = cut.sort_values(["removal_impact", "name"], ascending=[False, True], kind="stable").iloc[0]
    impact = float(top["removal_impact"])
    if not impact > 0:
        return None
    if impact < FRAGILE_SHARE:  # reassuring, and worth saying: no single departure would cut off many
        return Finding(loc.t("finding_not_fragile", share=loc.percent(impact), count=len(cut)), "fragility")
    return Finding(loc.t("finding_fragile", name=top["name"], share=loc.percent(impact), count=len(cut)),
                   "fragility")


def _hubs(result: Analysis, loc: Locale) -> Finding | None:
    actors = result.actors.dropna(subset=["degree"])
    if actors.empty:
        return None
    hub = actors.sort_values(["degree", "name"], ascending=[False, True], kind="stable").iloc[0]
    ranked = actors.dropna(subset=["betweenness"]).sort_values(["betweenness", "name"], ascending=[False, True],
                                                              kind="stable")
    broker = ranked.iloc[0] if not ranked.empty and float(ranked.iloc[0]["betweenness"]) > 0 else None
    if broker is None or broker["name"] == hub["name"]:
        return Finding(loc.t("finding_hub_alone", name=hub["name"], count=int(hub["degree"])), "key-actors")
    return Finding(loc.t("finding_hub", name=hub["name"], count=int(hub["degree"]), broker=broker["name"]),
                   "key-actors")


def _care_welfare(G: nx.MultiDiGraph, loc: Locale) -> Finding | None:
    H = collapse(G, mode="undirected", combine="max")
    domain_of = domains(loc.vocabulary)
    ties = H.number_of_edges()
    if not ties:
        return None
    cross = sum(1 for u, v in H.edges() if cross_domain(H, u, v, domain_of))
    return Finding(loc.t("finding_care_welfare", cross=cross, ties=ties, share=loc.percent(cross / ties)), "groups")


def survey_response(G: nx.MultiDiGraph) -> tuple[int, int] | None:
    """(organisations that answered, organisations asked) when the network comes from a survey
    (``carenet survey export`` writes an ``answered`` column of yes/no), else None."""
    asked = [str(d["answered"]).strip().casefold() for _, d in G.nodes(data=True)
             if str(d.get("answered", "")).strip().casefold() in ("yes", "no")]
    return (asked.count("yes"), len(asked)) if asked else None


def _response(G: nx.MultiDiGraph, loc: Locale) -> Finding | None:
    found = survey_response(G)
    if found is None or found[0] == found[1]:
        return None
    answered, asked = found
    return Finding(loc.t("finding_response", answered=answered, asked=asked, share=loc.percent(answered / asked),
                         missing=asked - answered), "methods")


def _rows_not_used(validation: ValidationReport | None, loc: Locale) -> Finding | None:
    if validation is None or not validation.accounting.rows_rejected:
        return None
    return Finding(loc.t("finding_rows_not_used", rows=validation.accounting.rows_rejected), "data-quality")


def _gap_groups(gaps: GapReport) -> list[str]:
    """The headlines of the two largest groups of unmet expectations, the most binding rules first;
    the network rule is left out (the municipalities' finding says it with names)."""
    groups = gaps.expectations
    if groups.empty:
        return []
    groups = groups[groups["rule"] != NETWORK_RULE]
    order = groups.assign(_rank=groups["severity"].map(SEVERITY_ORDER)).sort_values(
        ["_rank", "affected", "rule"], ascending=[True, False, True], kind="stable")
    return [str(headline) + "." for headline in order["headline"].head(2)]


def key_findings(G: nx.MultiDiGraph, result: Analysis, gaps: GapReport, loc: Locale, *, network: str | None,
                 validation: ValidationReport | None = None) -> list[Finding]:
    """The report's opening sentences (see the module docstring), at most :data:`MAX_FINDINGS`.

    Parameters
    ----------
    G:
        The lossless multigraph the report describes.
    result, gaps:
        Its analysis and gap analysis.
    loc:
        Language and vocabulary of the sentences.
    network:
        The network's name ("Hospiz- und Palliativnetz Lippe", :func:`carenet_graph.network.network_name`),
        or None to say "the palliative network" in the locale's words.
    validation:
        The input's validation report, for the rows that could not be used.
    """
    steps: list[Callable[[], Finding | list[Finding] | None]] = [
        lambda: _municipalities(gaps, network, loc),
        lambda: [Finding(text, "gaps") for text in _gap_groups(gaps)],
        lambda: _edge(gaps, loc),
        lambda: _fragile(result, loc),
        lambda: _hubs(result, loc),
        lambda: _care_welfare(G, loc),
    ]
    findings: list[Finding] = []
    for step in steps:
        found = step()
        findings.extend(found if isinstance(found, list) else [found] if found is not None else [])
    # The last words, but never dropped: a board must know when the data are incomplete.
    caveats = [c for c in (_response(G, loc), _rows_not_used(validation, loc)) if c is not None]
    return [*findings[:MAX_FINDINGS - len(caveats)], *caveats]
