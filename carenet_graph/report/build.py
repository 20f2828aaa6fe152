"""One shareable HTML report in the coordinator's language, the story first.

:func:`build_report` runs the analysis, the gap analysis and the map on a network and renders
one self-contained HTML file: no outside requests, a Content-Security-Policy, ``<html lang>``,
print and phone stylesheets, every user string escaped (Jinja2 autoescape; the map is embedded
as an escaped ``srcdoc`` and keeps its own policy).

The page reads as a coordinator presents it in a meeting (:data:`SECTIONS`, in this order): the
network's name, region and date; the key findings as plain sentences, each linking to its
evidence (:mod:`carenet_graph.report.findings`); the suggested introductions; the map; then the
details — unmet expectations grouped by rule, actors on the edge, municipality scorecards, key
actors, fragility, data quality — and an appendix for analysts (network figures, brokerage by
sector, collaboration between sectors, methods). Charts are inline SVG (matplotlib) with a text
alternative (the same numbers as a table). Numbers, percentages and plurals follow the language
(Babel); no id, code, boolean or option value is printed: options are described in sentences.

The data-quality section never names a file, folder, sheet or column and never quotes a cell
value, whether or not the network is pseudonymised and whatever ``--show-values`` said: a report
is a document that is shared, so its problems say where by number and letter ("file 1, sheet 2,
row 14, column C", explained in the section) and the coordinator runs ``carenet validate
--show-values`` on their own machine to see the names (:meth:`ValidationReport.problem_lines`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path

import networkx as nx
from babel.dates import format_date

from carenet_graph.analysis.brokerage import ROLES
from carenet_graph.analysis.methods import approximation_sentence
from carenet_graph.analysis.run import analyze
from carenet_graph.gaps.rules import Rule
from carenet_graph.gaps.run import find_gaps
from carenet_graph.i18n import translate
from carenet_graph.locale import Locale, as_locale
from carenet_graph.network import network_name, network_region
from carenet_graph.output.files import atomic_write_text
from carenet_graph.read.problems import ValidationReport
from carenet_graph.report.findings import key_findings, survey_response
from carenet_graph.report.sections import (
    brokerage_rows,
    edge_rows,
    expectation_blocks,
    figures,
    fragile_rows,
    heatmap,
    introduction_items,
    key_actor_blocks,
    method_sentences,
    mixing_rows,
    scorecard_rows,
)
from carenet_graph.viz.map import map_data, map_scripts, map_svg, render_map
from carenet_graph.viz.page import content_security_policy, package_asset, render_page, trusted

__all__ = ["CITATIONS", "SECTIONS", "build_report", "write_report"]

SECTIONS = ("findings", "introductions", "map", "gaps", "edge", "scorecards", "key-actors", "fragility",
            "data-quality", "appendix", "figures", "brokerage", "groups", "methods")
#: The sections listed in the contents (the appendix's own sections are reached through it).
CONTENTS = SECTIONS[:10]
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


def build_report(G: nx.MultiDiGraph, *, locale: Locale | str | None = None, title: str | None = None,
                 rules: Sequence[Rule] | None = None, validation: ValidationReport | None = None,
                 seed: int = 0, date: dt.date | None = None,
                 progress: Callable[[str], None] | None = None) -> str:
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
        The report's title; when None, the network's own name
        (:func:`carenet_graph.network.network_name`: the one palliative network actor's name),
        else the catalogue's neutral title with the region.
    rules:
        Expected-collaboration rules for the gap sections (the package rules when None).
    validation:
        The :class:`~carenet_graph.read.problems.ValidationReport` of the data, for the
        data-quality section ("–" when None).
    seed:
        Seed of community detection, permutation tests and the map layout.
    date:
        The date the data describe, shown under the title in the language's format (none when
        None: the report never takes today's date, so the same data give the same bytes).
    progress:
        Called with the id of each step as it starts (the analysis's steps, then "gaps", "map"
        and "page"); :func:`carenet_graph.i18n.progress_text` words it in a language.

    Returns
    -------
    str
        The HTML page.
    """
    loc = as_locale(locale)
    t = loc.messages
    say = progress or (lambda _: None)
    result = analyze(G, seed=seed, progress=say)
    say("gaps")
    gaps = find_gaps(G, rules, locale=loc)
    net = result.network
    name = network_name(G)
    region = network_region(G)
    title = title or name or (f"{t['report_title_generic']} {region}" if region else t["report_title_generic"])
    subtitle = [part for part in (region if region and region not in title else None,
                                  format_date(date, format="long", locale=loc.lang) if date else None) if part]
    findings = key_findings(G, result, gaps, loc, network=name, validation=validation)
    cards_header, cards = scorecard_rows(gaps, loc)
    say("map")
    data = map_data(G, locale=loc, title=title, seed=seed, introductions=gaps.introductions)
    map_page = render_map(data)
    if validation is not None:
        acc = validation.accounting
        counts = validation.counts()
        dq_text = loc.t("dq_text", rows=acc.rows_read, actor_rows=acc.actor_rows, tie_rows=acc.tie_rows,
                        rejected=acc.rows_rejected, errors=counts["error"], warnings=counts["warning"])
        # A report travels: problems are located by number and letter, never by name, value or rule id.
        problems = validation.problem_lines(loc.lang, ("error", "warning"))[:30]
        dq_places = translate("summary.places", loc.lang) if problems else ""
    else:
        dq_text, problems, dq_places = "–", [], ""
    approximations = [approximation_sentence(a, loc) for a in result.approximations]
    pseudonymized = "pseudonymization" in G.graph
    response = survey_response(G)
    if response is not None:  # who answered, and how the ties of those who did not were counted
        approximations.insert(0, loc.t("methods_response", answered=response[0], asked=response[1],
                                       share=loc.percent(response[0] / response[1] if response[1] else 0),
                                       missing=response[1] - response[0]))
    say("page")
    return render_page(
        package_asset("carenet_graph.report", "report.html"), keep_trailing_newline=False,
        lang=loc.lang, title=title, subtitle=" · ".join(subtitle),
        csp=content_security_policy(map_scripts(), frames=True),
        css=trusted(package_asset("carenet_graph.report", "report.css")),
        t={**t, "based_on": loc.t("report_based_on", actors=net.actors, ties=net.ties)},
        toc=[(s, t["section_" + s.replace("-", "_")]) for s in CONTENTS],
        findings=findings, figures=figures(result, gaps, loc),
        map_html=map_page, map_picture=trusted(map_svg(data)), key_actors=key_actor_blocks(result, loc),
        roles=[t[f"role_{r}"] for r in ROLES], role_texts=[t[f"role_{r}_text"] for r in ROLES],
        brokerage=brokerage_rows(result, loc),
        groups_text=loc.t("groups_text", ei=loc.number(result.ei.ei_index, 2), p=loc.number(result.ei.p_value, 3)),
        heatmap=heatmap(result.mixing, loc), mixing=mixing_rows(result, loc), fragile=fragile_rows(result, loc),
        bridges_text=loc.t("fragility_bridges", count=net.bridges), gaps=expectation_blocks(gaps, loc),
        edge=edge_rows(gaps, loc),
        introductions=introduction_items(gaps, loc), scorecard_header=cards_header, scorecards=cards,
        dq_text=dq_text, dq_places=dq_places,
        problems=problems, privacy_text=t["methods_pseudonymized" if pseudonymized else "methods_not_pseudonymized"],
        approximations=approximations, citations=[f"{t[key]}: {reference}" for key, reference in CITATIONS],
        options=method_sentences(result.options, loc),
        versions=sorted(result.options.get("versions", {}).items()),
    )


def write_report(G: nx.MultiDiGraph, path: str | Path, *, locale: Locale | str | None = None,
                 title: str | None = None, rules: Sequence[Rule] | None = None,
                 validation: ValidationReport | None = None, seed: int = 0, date: dt.date | None = None,
                 progress: Callable[[str], None] | None = None) -> Path:
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
                                         seed=seed, date=date, progress=progress))
    return path
