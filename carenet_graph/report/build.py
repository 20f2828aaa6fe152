"""One shareable HTML report in the coordinator's language.

:func:`build_report` runs the analysis, the gap analysis and the map on a network and renders
one self-contained HTML file: no outside requests, a Content-Security-Policy, ``<html lang>``,
a print stylesheet, every user string escaped (Jinja2 autoescape; the map is embedded as an
escaped ``srcdoc`` and keeps its own policy). Sections carry the ids ``summary``, ``map``,
``key-actors``, ``brokerage``, ``groups``, ``fragility``, ``gaps``, ``introductions``,
``scorecards``, ``data-quality`` and ``methods``. Charts are inline SVG (matplotlib) with a
text alternative (the same numbers as a table).

The data-quality section never names a file, folder, sheet or column and never quotes a cell
value, whether or not the network is pseudonymised and whatever ``--show-values`` said: a report
is a document that is shared, so its problems say where by number and letter ("file 1, sheet 2,
row 14, column C", explained in the section) and the coordinator runs ``carenet validate
--show-values`` on their own machine to see the names (:meth:`ValidationReport.problem_lines`).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd
from markupsafe import Markup

from carenet_graph.analysis.brokerage import ROLES
from carenet_graph.analysis.run import analyze
from carenet_graph.gaps.rules import Rule
from carenet_graph.gaps.run import find_gaps
from carenet_graph.i18n import translate
from carenet_graph.locale import Locale, as_locale
from carenet_graph.output.files import atomic_write_text
from carenet_graph.read.problems import ValidationReport
from carenet_graph.viz.map import map_data, map_scripts, render_map
from carenet_graph.viz.page import content_security_policy, package_asset, render_page, trusted

__all__ = ["CITATIONS", "SECTIONS", "build_report", "write_report"]

SECTIONS = ("summary", "map", "key-actors", "brokerage", "groups", "fragility", "gaps", "introductions",
            "scorecards", "data-quality", "methods")
#: (catalogue key of the measure's name, reference) for the methods section.
CITATIONS = (
    ("cite_degree", "Freeman (1978/79) Social Networks 1:215–239; Barrat et al. (2004) PNAS 101:3747–3752"),
    ("cite_betweenness", "Brandes (2001) J. Math. Sociol. 25:163–177"),
    ("cite_closeness", "Wasserman & Faust (1994); Marchiori & Latora (2000) Physica A 285:539–546"),
    ("cite_eigenvector", "Bonacich (1987) Am. J. Sociol. 92:1170–1182; Brin & Page (1998)"),
    ("cite_holes", "Burt (1992) Structural Holes"),
    ("cite_brokerage", "Gould & Fernandez (1989) Sociological Methodology 19:89–126"),
    ("cite_communities", "Traag, Waltman & van Eck (2019) Sci. Rep. 9:5233"),
    ("cite_ei", "Krackhardt & Stern (1988) Soc. Psychol. Q. 51:123–140; Newman (2003) PRE 67:026126"),
    ("cite_fragility", "Hopcroft & Tarjan (1973) Commun. ACM 16:372–378"),
    ("cite_levels", "Frey et al. (2006) Am. J. Eval. 27:383–392"),
    ("cite_introductions", "Zhou, Lü & Zhang (2009) Eur. Phys. J. B 71:623–630"),
)


def _fmt(value: Any, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _heatmap(mixing: pd.DataFrame, loc: Locale) -> Markup:
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
    labels = [loc.label("sector", g) if g else "?" for g in groups]
    matplotlib.rcParams["svg.hashsalt"] = "carenet-graph"
    fig, ax = plt.subplots(figsize=(7.5, 6))
    image = ax.imshow(grid, cmap="Blues", vmin=0)
    ax.set_xticks(range(len(groups)), labels, rotation=45, ha="right", fontsize=8)
    ax.set_yticks(range(len(groups)), labels, fontsize=8)
    fig.colorbar(image, ax=ax, shrink=0.8)
    fig.tight_layout()
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    plt.close(fig)
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg"):]  # drop the XML prolog and doctype: the SVG sits inside HTML
    return trusted(svg)


def build_report(G: nx.MultiDiGraph, *, locale: Locale | str | None = None, title: str | None = None,
                 rules: Sequence[Rule] | None = None, validation: ValidationReport | None = None,
                 seed: int = 0) -> str:
    """The report page for ``G`` (see the module docstring).

    Runs :func:`~carenet_graph.analysis.run.analyze` and :func:`~carenet_graph.gaps.find_gaps`
    (seeded with ``seed``) and the map (:func:`~carenet_graph.viz.map.map_data`, with the
    suggested introductions overlaid). The map is embedded as an escaped ``srcdoc``; the
    report's policy allows exactly the map's scripts (:func:`~carenet_graph.viz.map.map_scripts`).

    Parameters
    ----------
    G:
        The lossless multigraph (:func:`carenet_graph.load`); not modified.
    locale:
        Language and vocabulary of every text (a :class:`~carenet_graph.locale.Locale`, a
        language code, or None for English and the built-in vocabulary).
    title:
        The report's title (the catalogue's ``report_title`` when None).
    rules:
        Expected-collaboration rules for the gap sections (the package rules when None).
    validation:
        The :class:`~carenet_graph.read.problems.ValidationReport` of the data, for the
        data-quality section ("–" when None).
    seed:
        Seed of community detection, permutation tests and the map layout.

    Returns
    -------
    str
        The HTML page.
    """
    loc = as_locale(locale)
    t = loc.messages
    result = analyze(G, seed=seed)
    gaps = find_gaps(G, rules, locale=loc)
    net = result.network
    actors = result.actors
    title = title or t["report_title"]

    def type_label(kind: Any) -> str:
        return loc.label("actor_type", kind) if isinstance(kind, str) else "–"

    figures = [
        (t["fig_actors"], net.actors, t["fig_actors_text"]),
        (t["fig_ties"], net.ties, t["fig_ties_text"]),
        (t["fig_density"], _fmt(net.density), t["fig_density_text"]),
        (t["fig_components"], net.components, t["fig_components_text"]),
        (t["fig_largest"], f"{(net.largest_component_share or 0) * 100:.0f} %", t["fig_largest_text"]),
        (t["fig_communities"], net.extra.get("communities"), t["fig_communities_text"]),
        (t["fig_cut"], net.articulation_points, t["fig_cut_text"]),
        (t["fig_gaps"], len(gaps.gaps), t["fig_gaps_text"]),
    ]
    key_actors = []
    for measure, ascending in (("degree", False), ("betweenness", False), ("pagerank", False), ("constraint", True)):
        ranked = actors.dropna(subset=[measure]).sort_values([measure, "name"], ascending=[ascending, True],
                                                            kind="stable").head(10)
        key_actors.append({"title": t[f"key_{measure}"], "rows": [
            (row.name, type_label(row.type), row.municipality or "–", _fmt(getattr(row, measure)))
            for row in ranked.itertuples(index=False)]})
    roles = [t[f"role_{r}"] for r in ROLES]

    def sector_label(value: Any) -> str:
        return loc.label("sector", str(value)) if value else "?"

    by_sector = actors.groupby(actors["sector"].fillna(""))[list(ROLES)].sum()
    brokerage = [(sector_label(s), *(int(v) for v in row))
                 for s, row in zip(by_sector.index, by_sector.to_numpy(), strict=True)]
    mixing = [(sector_label(group), sector_label(other), ties, _fmt(density))
              for group, other, ties, density in result.mixing[["group", "other_group", "ties", "density"]].to_numpy()]
    fragile_rows = actors[actors["articulation_point"]].sort_values(["removal_impact", "name"],
                                                                    ascending=[False, True]).head(15)
    fragile = [(name, type_label(kind), place or "–", f"{float(impact) * 100:.1f} %") for name, kind, place, impact
               in fragile_rows[["name", "type", "municipality", "removal_impact"]].to_numpy()]
    gap_rows = [(loc.t(f"severity_{g.severity}"), g.name, g.municipality or "–", g.missing)
                for g in gaps.gaps.head(40).itertuples()]
    intro_rows = [(i.name, i.partner_name, i.reason) for i in gaps.introductions.head(20).itertuples()]
    card_columns = ["municipality", "actors", "ties_inside", "ties_outside", "cross_domain_ties",
                    "linked_to_network", "rule_coverage", "single_bridge_names"]
    def card_cell(value: Any) -> str:
        if isinstance(value, bool):
            return t["word_yes"] if value else t["word_no"]
        if isinstance(value, float):
            return "–" if value != value else f"{value * 100:.0f} %"
        return _fmt(value) if value not in (None, "") else "–"

    cards = [[card_cell(v) for v in row] for row in gaps.scorecards[card_columns].itertuples(index=False)]
    map_page = render_map(map_data(G, locale=loc, title=title, seed=seed, introductions=gaps.introductions))
    if validation is not None:
        acc = validation.accounting
        counts = validation.counts()
        dq_text = loc.t("dq_text", rows=acc.rows_read, actor_rows=acc.actor_rows, tie_rows=acc.tie_rows,
                        rejected=acc.rows_rejected, errors=counts["error"], warnings=counts["warning"])
        # A report travels: problems are located by number and letter, never by name or value.
        problems = validation.problem_lines(loc.lang, ("error", "warning"))[:30]
        dq_places = translate("summary.places", loc.lang) if problems else ""
    else:
        dq_text, problems, dq_places = "–", [], ""
    approximations = [loc.t("methods_approximate", measure=a.measure, samples=a.samples,
                            precision=f"{a.bound_kind} {a.bound:.3g}") for a in result.approximations]
    pseudonymized = "pseudonymization" in G.graph
    # The report has always been written without its template's final newline (same bytes as before).
    return render_page(
        package_asset("carenet_graph.report", "report.html"), keep_trailing_newline=False,
        lang=loc.lang, title=title, csp=content_security_policy(map_scripts(), frames=True),
        css=trusted(package_asset("carenet_graph.report", "report.css")),
        t={**t, "generated_from": loc.t("report_generated_from", actors=net.actors, ties=net.ties)},
        toc=[(s, t["section_" + s.replace("-", "_")]) for s in SECTIONS],
        figures=[{"label": a, "value": b, "text": c} for a, b, c in figures],
        map_html=map_page, key_actors=key_actors, roles=roles, brokerage=brokerage,
        groups_text=loc.t("groups_text", ei=_fmt(result.ei.ei_index, 2), p=_fmt(result.ei.p_value, 3)),
        heatmap=_heatmap(result.mixing, loc), mixing=mixing, fragile=fragile,
        bridges_text=loc.t("fragility_bridges", count=net.bridges), gaps=gap_rows,
        introductions=intro_rows, scorecard_header=[t[f"card_{c}"] for c in card_columns], scorecards=cards,
        dq_text=dq_text, dq_places=dq_places,
        problems=problems, privacy_text=t["methods_pseudonymized" if pseudonymized else "methods_not_pseudonymized"],
        approximations=approximations, citations=[f"{t[key]}: {reference}" for key, reference in CITATIONS],
        options=[(t.get(f"opt_{k}", k), "–" if v is None else str(v))
                 for k, v in sorted(result.options.items()) if k != "versions"],
        versions=sorted(result.options.get("versions", {}).items()),
    )


def write_report(G: nx.MultiDiGraph, path: str | Path, *, locale: Locale | str | None = None,
                 title: str | None = None, rules: Sequence[Rule] | None = None,
                 validation: ValidationReport | None = None, seed: int = 0) -> Path:
    """Build the report (:func:`build_report`, same parameters) and write it to ``path`` atomically as UTF-8.

    Returns
    -------
    Path
        ``path``.

    Examples
    --------
    >>> write_report(G, "bericht.html", locale="de")  # doctest: +SKIP
    """
    path = Path(path)
    atomic_write_text(path, build_report(G, locale=locale, title=title, rules=rules, validation=validation,
                                         seed=seed))
    return path
