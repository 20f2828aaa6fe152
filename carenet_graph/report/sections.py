"""The rows and sentences of the report's sections, in the reader's language.

Each function turns one result (analysis, gap analysis, options) into what a section shows:
rows of words and numbers formatted for the language (decimal sign, grouping, percentages through
:class:`~carenet_graph.locale.Locale`), vocabulary labels instead of ids, yes/no words instead of
booleans, sentences instead of option values. :mod:`carenet_graph.report.build` puts them on the page.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any, cast

import pandas as pd
from markupsafe import Markup

from carenet_graph.analysis.brokerage import ROLES
from carenet_graph.analysis.run import Analysis
from carenet_graph.gaps.run import GapReport
from carenet_graph.locale import Locale
from carenet_graph.viz.page import trusted

__all__ = ["KEY_MEASURES", "SCORECARD_COLUMNS", "brokerage_rows", "edge_rows", "expectation_blocks", "figures",
           "fragile_rows", "heatmap", "introduction_items", "key_actor_blocks", "method_sentences", "mixing_rows",
           "name_list", "scorecard_rows"]

#: The key-actor tables: measure and whether low values rank first.
KEY_MEASURES = (("degree", False), ("betweenness", False), ("pagerank", False), ("constraint", True))
SCORECARD_COLUMNS = ("municipality", "actors", "ties_inside", "ties_outside", "cross_domain_ties",
                     "linked_to_network", "rule_coverage", "single_bridge_names")


def _type_label(loc: Locale, kind: Any) -> str:
    return loc.label("actor_type", kind) if isinstance(kind, str) and kind else "–"


def _sector_label(loc: Locale, value: Any) -> str:
    return loc.label("sector", str(value)) if value else "?"


def _place(value: Any) -> str:
    return "–" if value is None or value != value or value == "" else str(value)


def figures(result: Analysis, gaps: GapReport, loc: Locale) -> list[dict[str, str]]:
    """The network's figures (appendix): label, value as the language writes it, explanation."""
    t = loc.messages
    net = result.network
    rows = [
        ("fig_actors", loc.number(net.actors)), ("fig_ties", loc.number(net.ties)),
        ("fig_density", loc.number(net.density, 3)), ("fig_components", loc.number(net.components)),
        ("fig_largest", loc.percent(net.largest_component_share or 0)),
        ("fig_communities", loc.number(net.extra["communities"]) if net.extra.get("communities") is not None
         else "–"),
        ("fig_cut", loc.number(net.articulation_points)), ("fig_gaps", loc.number(len(gaps.gaps))),
    ]
    return [{"label": t[key], "value": value, "text": t[f"{key}_text"]} for key, value in rows]


def key_actor_blocks(result: Analysis, loc: Locale, top: int = 10) -> list[dict[str, Any]]:
    """The ten highest-ranked actors by each of :data:`KEY_MEASURES` (ties broken by name)."""
    actors = result.actors
    blocks = []
    for measure, ascending in KEY_MEASURES:
        ranked = actors.dropna(subset=[measure]).sort_values([measure, "name"], ascending=[ascending, True],
                                                            kind="stable").head(top)
        digits = 0 if measure == "degree" else 3
        blocks.append({"title": loc.t(f"key_{measure}"), "rows": [
            (row.name, _type_label(loc, row.type), _place(row.municipality),
             loc.number(float(getattr(row, measure)), digits))
            for row in ranked.itertuples(index=False)]})
    return blocks


def brokerage_rows(result: Analysis, loc: Locale) -> list[tuple[Any, ...]]:
    """Brokerage roles summed per group (Gould & Fernandez 1989), one row per sector."""
    actors = result.actors
    by_sector = actors.groupby(actors["sector"].fillna(""))[list(ROLES)].sum()
    return [(_sector_label(loc, s), *(loc.number(int(v)) for v in row))
            for s, row in zip(by_sector.index, by_sector.to_numpy(), strict=True)]


def mixing_rows(result: Analysis, loc: Locale) -> list[tuple[str, str, str, str]]:
    """Ties and density between each pair of sectors."""
    return [(_sector_label(loc, group), _sector_label(loc, other), loc.number(int(ties)), loc.number(density, 3))
            for group, other, ties, density in result.mixing[["group", "other_group", "ties", "density"]].to_numpy()]


def fragile_rows(result: Analysis, loc: Locale, top: int = 15) -> list[tuple[str, str, str, str]]:
    """The single points of failure, the largest share of actors cut off first."""
    actors = result.actors
    rows = actors[actors["articulation_point"].astype(bool)].sort_values(["removal_impact", "name"],
                                                                        ascending=[False, True]).head(top)
    return [(name, _type_label(loc, kind), _place(place), loc.percent(float(impact), 1)) for name, kind, place, impact
            in rows[["name", "type", "municipality", "removal_impact"]].to_numpy()]


def edge_rows(gaps: GapReport, loc: Locale) -> list[tuple[str, str, str, str]]:
    """Isolates and actors with one partner (:func:`carenet_graph.gaps.isolated_actors`), named,
    with that partner; isolates first, then by name."""
    rows = [(int(row["partners"]), str(row["name"]).casefold(), str(row["name"]), _type_label(loc, row["type"]),
             _place(row["municipality"]), str(row["partner_name"]) if row["partners"] else loc.t("edge_isolated"))
            for row in _records(gaps.isolated)]
    return [row[2:] for row in sorted(rows)]


def expectation_blocks(gaps: GapReport, loc: Locale) -> list[dict[str, Any]]:
    """Unmet expectations grouped by rule (:func:`carenet_graph.gaps.expectation_groups`): the
    rule's title, why it matters, how many of the actors it applies to miss it, and who."""
    return [{"severity": loc.t(f"severity_{row['severity']}"), "title": row["title"], "why": row["why"],
             "count": loc.t("gaps_count", affected=int(row["affected"]), applicable=int(row["applicable"]),
                            share=loc.percent(float(row["share"]))),
             "names": [name for name in str(row["names"]).split("; ") if name]}
            for row in _records(gaps.expectations)]


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return cast(list[dict[str, Any]], frame.to_dict("records"))


def introduction_items(gaps: GapReport, loc: Locale, top: int = 10) -> list[dict[str, str]]:
    """The suggested introductions, most consequential first; introductions of one actor for the same
    rule (the palliative network and 16 municipalities) make one item, its reason given once and the
    others listed, so that the list shows ten different things to do, not one thing ten times."""
    items: list[dict[str, Any]] = []
    by_key: dict[tuple[str, str], dict[str, Any]] = {}
    for row in gaps.introductions.itertuples(index=False):
        key = (str(row.rule), str(row.partner))
        if key in by_key:
            by_key[key]["others"].append(str(row.name))
            continue
        if len(items) == top:
            continue
        item = {"pair": f"{row.name} ↔ {row.partner_name}", "reason": str(row.reason), "others": []}
        by_key[key] = item
        items.append(item)
    return [{"pair": item["pair"], "reason": item["reason"],
             "also": loc.t("intro_same_for", names=name_list(item["others"], loc)) if item["others"] else ""}
            for item in items]


def name_list(names: list[str], loc: Locale, limit: int = 8) -> str:
    """"A, B and C" / "A, B, …, H and 3 more", in the locale's words (in the order given)."""
    shown = names[:limit]
    rest = len(names) - len(shown)
    if rest > 0:
        return loc.t("list_and_more", items=", ".join(shown), count=rest)
    if len(shown) == 1:
        return shown[0]
    return loc.t("list_and", items=", ".join(shown[:-1]), last=shown[-1])


def scorecard_rows(gaps: GapReport, loc: Locale) -> tuple[list[str], list[list[str]]]:
    """The municipality scorecards' header and rows: yes/no words, percentages, "–" for nothing."""
    t = loc.messages

    def cell(value: Any) -> str:
        if isinstance(value, bool):
            return str(t["word_yes"] if value else t["word_no"])
        if isinstance(value, float):
            return loc.percent(value)
        if isinstance(value, int):
            return loc.number(value)
        return "–" if value in (None, "") else str(value)

    cards = gaps.scorecards
    rows = [[cell(v.item() if hasattr(v, "item") else v) for v in row]
            for row in cards[list(SCORECARD_COLUMNS)].itertuples(index=False)]
    return [t[f"card_{c}"] for c in SCORECARD_COLUMNS], rows


def method_sentences(options: Mapping[str, Any], loc: Locale) -> list[str]:
    """The analysis options as sentences ("A tie counts when at least one of the two actors reported
    it."), never as option names and values."""
    lines = [loc.t(f"method_mode_{options.get('mode', 'undirected')}"), loc.t("method_combine"),
             loc.t(f"method_groups_{options.get('group_by', 'sector')}")]
    level = options.get("min_level")
    lines.append(loc.t("method_all_levels") if level is None
                 else loc.t("method_min_level", level=level, word=loc.label("level", int(level))))
    types = options.get("tie_types")
    lines.append(loc.t("method_all_types") if not types
                 else loc.t("method_types", types=", ".join(loc.label("tie_type", k) for k in types)))
    if options.get("mode") == "directed" and options.get("closeness_direction"):
        lines.append(loc.t(f"method_closeness_{options['closeness_direction']}"))
    lines.append(loc.t("method_exact" if options.get("exact", True) else "method_estimated"))
    lines.append(loc.t("method_seed", seed=options.get("seed", 0)))
    return lines


def heatmap(mixing: pd.DataFrame, loc: Locale) -> Markup:
    """Inline SVG heat map of tie density between sectors (deterministic bytes)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    groups = sorted(set(mixing["group"]) | set(mixing["other_group"]))
    index = {g: i for i, g in enumerate(groups)}
    grid = np.full((len(groups), len(groups)), np.nan)
    for row in mixing.itertuples(index=False):
        i, j = index[row.group], index[row.other_group]
        grid[i, j] = grid[j, i] = row.density
    labels = [_sector_label(loc, g) for g in groups]
    matplotlib.rcParams["svg.hashsalt"] = "carenet-graph"
    fig, ax = plt.subplots(figsize=(7.5, 6))
    image = ax.imshow(grid, cmap="Blues", vmin=0)
    ax.set_xticks(range(len(groups)), labels, rotation=45, ha="right", fontsize=8)
    ax.set_yticks(range(len(groups)), labels, fontsize=8)
    colorbar = fig.colorbar(image, ax=ax, shrink=0.8)
    # The colour bar's ticks in the language's decimal sign, like every other number on the page.
    colorbar.ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda x, _: loc.number(x, 2)))
    fig.tight_layout()
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    plt.close(fig)
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg"):]  # drop the XML prolog and doctype: the SVG sits inside HTML
    return trusted(svg)
