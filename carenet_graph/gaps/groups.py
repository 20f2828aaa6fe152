"""Unmet expectations grouped by rule: "Every GP practice works with a palliative consult
service: 3 of 20 do not yet – Praxis A, Praxis B, Praxis C."

The table of unmet expectations has one row per actor and rule — right for a spreadsheet, a
wall of near-identical lines on a page. :func:`expectation_groups` gives one row per rule:
its title and why it matters in the reader's language (:mod:`carenet_graph.gaps.texts`), how
many of the actors it applies to fall short, and which (names sorted, with their
municipalities), plus the sentence a report shows.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Any

import networkx as nx
import pandas as pd

from carenet_graph.gaps.rules import SEVERITY_ORDER, Rule
from carenet_graph.gaps.texts import rule_rationale, rule_title
from carenet_graph.locale import Locale, as_locale
from carenet_graph.network import MUNICIPALITY

__all__ = ["GROUP_COLUMNS", "expectation_groups", "name_list"]

GROUP_COLUMNS = ["rule", "severity", "title", "why", "affected", "applicable", "share", "actors", "names",
                 "municipalities", "headline", "sentence"]


def name_list(names: Iterable[str], locale: Locale | str | None = None, limit: int = 10) -> str:
    """The first ``limit`` of ``names`` and "and 12 more" for the rest, joined by commas — by
    semicolons when a name holds a comma itself ("Kerkelijke gemeente De Ark, Baarn")."""
    loc = as_locale(locale)
    names = [str(name) for name in names]
    shown = ("; " if any("," in name for name in names) else ", ").join(names[:limit])
    rest = len(names) - limit
    return f"{shown} {loc.t('group_more', count=rest)}" if rest > 0 else shown


def expectation_groups(G: nx.MultiDiGraph, gaps: pd.DataFrame, rules: Iterable[Rule], *,
                       locale: Locale | str | None = None, municipality: str | None = None,
                       limit: int = 10) -> pd.DataFrame:
    """One row per rule with unmet expectations (columns :data:`GROUP_COLUMNS`).

    Parameters
    ----------
    G:
        The multigraph the gaps were found in: ``applicable`` counts its actors the rule
        applies to (:meth:`Rule.applies_to`), in ``municipality`` when given.
    gaps:
        :func:`~carenet_graph.gaps.expectations.unmet_expectations` (one row per actor and rule).
    rules:
        The rules in use; gaps of a rule not among them are left out.
    locale:
        Language of ``title``, ``why``, ``headline`` and ``sentence``.
    municipality:
        The municipality the gaps were limited to, if any.
    limit:
        How many names the ``sentence`` lists before "and N more" (``names`` lists all).

    Returns
    -------
    pandas.DataFrame
        ``rule`` (id) and ``severity`` (id) for machines; ``affected`` of ``applicable`` actors
        fall short (``share`` = affected / applicable); ``actors`` (ids), ``names`` and
        ``municipalities`` joined by "; ", names sorted alphabetically (then by id) and
        municipalities sorted; ``headline`` ("…: 3 of 20 do not yet") and ``sentence`` (the
        headline with the first ``limit`` names). Most severe rules first, then the most
        actors affected, then rule id: the same whatever the order of the input rows.
    """
    loc = as_locale(locale)
    by_id = {rule.id: rule for rule in rules}
    rows: list[list[Any]] = []
    for rid, part in gaps.groupby(gaps["rule"].astype(str), sort=True):
        rule = by_id.get(str(rid))
        if rule is None:
            continue
        affected: dict[Hashable, tuple[str, str | None]] = {}
        for actor, name, place in zip(part["actor"], part["name"], part["municipality"], strict=True):
            affected[actor] = (str(name if isinstance(name, str) and name else actor),
                               str(place) if place is not None and place == place else None)
        order = sorted(affected, key=lambda a: (affected[a][0].casefold(), affected[a][0], str(a)))
        applicable = sum(1 for _, data in G.nodes(data=True) if rule.applies_to(data)
                         and (municipality is None or data.get(MUNICIPALITY) == municipality))
        applicable = max(applicable, len(affected))  # gaps from another graph: never "5 of 3"
        title = rule_title(rule, loc)
        headline = loc.t("group_headline", title=title, count=len(affected), total=loc.number(applicable))
        names = [affected[a][0] for a in order]
        rows.append([rule.id, rule.severity, title, rule_rationale(rule, loc), len(affected), applicable,
                     len(affected) / applicable, "; ".join(str(a) for a in order), "; ".join(names),
                     "; ".join(sorted({p for _, p in affected.values() if p is not None})), headline,
                     f"{headline} – {name_list(names, loc, limit)}."])
    rows.sort(key=lambda r: (SEVERITY_ORDER.get(str(r[1]), len(SEVERITY_ORDER)), -int(r[4]), str(r[0])))
    return pd.DataFrame(rows, columns=GROUP_COLUMNS)
