"""Everything ``carenet gaps`` computes, as one result, and its files.

:func:`find_gaps` runs :func:`~carenet_graph.gaps.expectations.unmet_expectations`,
:func:`~carenet_graph.gaps.introductions.suggest_introductions`,
:func:`~carenet_graph.gaps.scorecards.scorecards`,
:func:`~carenet_graph.gaps.structure.structural_gaps`,
:func:`~carenet_graph.gaps.structure.disagreements`, and for a report the unmet expectations
grouped by rule (:func:`~carenet_graph.gaps.groups.expectation_groups`) and the actors that
work alone or with one partner (:func:`~carenet_graph.gaps.structure.isolated_actors`);
:func:`write_gap_report` writes
``gaps.csv``, ``introductions.csv``, ``scorecards.csv``, ``structural.csv``,
``disagreements.csv`` and ``gaps.xlsx`` (one sheet each), atomically and formula-safe.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

import networkx as nx
import pandas as pd

from carenet_graph.gaps.expectations import unmet_expectations
from carenet_graph.gaps.groups import GROUP_COLUMNS, expectation_groups, name_list
from carenet_graph.gaps.introductions import suggest_introductions
from carenet_graph.gaps.places import find_municipality, municipality_names
from carenet_graph.gaps.rules import Rule, load_rules
from carenet_graph.gaps.scorecards import scorecards
from carenet_graph.gaps.structure import ISOLATED_COLUMNS, disagreements, isolated_actors, structural_gaps
from carenet_graph.locale import Locale, as_locale
from carenet_graph.network import MUNICIPALITY
from carenet_graph.output.dialects import csv_dialect
from carenet_graph.output.office import OfficeSheet
from carenet_graph.output.tables import frame_rows, write_table_folder


@dataclass(frozen=True)
class GapReport:
    """The tables of a gap analysis (pandas DataFrames), the rules used and the locale of its texts.

    ``expectations`` groups ``gaps`` by rule (:func:`~carenet_graph.gaps.groups.expectation_groups`:
    title, why it matters, "3 of 20 do not yet" and who); ``isolated`` lists the actors with no
    partner or a single one (:func:`~carenet_graph.gaps.structure.isolated_actors`).
    """

    gaps: pd.DataFrame
    introductions: pd.DataFrame
    scorecards: pd.DataFrame
    structural: pd.DataFrame
    disagreements: pd.DataFrame
    rules: tuple[Rule, ...]
    locale: Locale
    #: The files written when :func:`find_gaps` was given an ``output`` folder.
    written: tuple[Path, ...] = ()
    expectations: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=GROUP_COLUMNS))
    isolated: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=ISOLATED_COLUMNS))

    def summary(self, top: int = 5) -> list[str]:
        """The most important unmet expectations (grouped by rule), the actors working alone and
        the best introductions as short lines in the report's language: words, never ids."""
        t = self.locale.t
        lines = [t("summary_gaps")]
        for group in self.expectations.head(top).itertuples(index=False):
            lines.append(f"  [{t('severity_' + str(group.severity))}] {group.sentence}")
        if self.expectations.empty:  # a report built by hand without the groups: one line per actor
            for gap in self.gaps.head(top).itertuples(index=False):
                lines.append(f"  [{t('severity_' + str(gap.severity))}] {gap.name}: {gap.missing}")
        if self.gaps.empty:
            lines.append("  " + t("summary_none"))
        alone = self.isolated[self.isolated["partners"] == 0]
        if not alone.empty:
            lines.append("  " + t("summary_isolates", count=len(alone), names=name_list(alone["name"], self.locale)))
        single = self.isolated[self.isolated["partners"] == 1]
        if not single.empty:
            names = [t("single_with", name=n, partner=p) for n, p in zip(single["name"], single["partner_name"],
                                                                        strict=True)]
            lines.append("  " + t("summary_single", count=len(single), names=name_list(names, self.locale)))
        lines.append(t("summary_introductions"))
        for intro in self.introductions.head(top).itertuples(index=False):
            lines.append(f"  {intro.rank}. {intro.name} ↔ {intro.partner_name}: {intro.reason}")
        if self.introductions.empty:
            lines.append("  " + t("summary_none"))
        return lines

    def write(self, folder: str | Path, *, locale: Locale | str | None = None, csv: str = "machine") -> list[Path]:
        """Write the tables into ``folder`` (see :func:`write_gap_report`)."""
        return write_gap_report(self, folder, locale=locale, csv=csv)


def find_gaps(G: nx.MultiDiGraph, rules: Iterable[Rule] | None = None, *, locale: Locale | str | None = None,
              municipality: str | None = None, output: str | Path | None = None) -> GapReport:
    """The whole gap analysis of ``G``: what ``carenet gaps`` computes (and writes, with ``output``).

    Parameters
    ----------
    G:
        The lossless multigraph (:func:`carenet_graph.load`).
    rules:
        Expected-collaboration rules (:func:`~carenet_graph.gaps.rules.load_rules`); the
        package rules, checked against the locale's vocabulary, when None.
    locale:
        Language and vocabulary of the texts (a :class:`~carenet_graph.locale.Locale` or a
        language code).
    municipality:
        Only gaps, scorecards, structural gaps and disagreements that concern this municipality
        (matched ignoring case and the words for municipality, see
        :func:`~carenet_graph.gaps.places.find_municipality`).
    output:
        A folder to write the tables into (:func:`write_gap_report`); the result's ``written``
        lists the files. Nothing is written when None.

    Raises
    ------
    OptionError
        If no actor is in ``municipality`` (the message lists the municipalities there are).
    """
    loc = as_locale(locale)
    if municipality:
        municipality = find_municipality(municipality, municipality_names(G))
    chosen = tuple(rules) if rules is not None else load_rules(vocabulary=loc.vocabulary)
    gaps = unmet_expectations(G, chosen, locale=loc, municipality=municipality)
    introductions = suggest_introductions(G, chosen, gaps, locale=loc)
    cards = scorecards(G, chosen, locale=loc)
    structural = structural_gaps(G, locale=loc)
    pairs = disagreements(G, locale=loc)
    if municipality:
        cards = cards[cards["municipality"] == municipality].reset_index(drop=True)
        here = {v for v, d in G.nodes(data=True) if d.get(MUNICIPALITY) == municipality}
        structural = structural[structural["actor"].isin(here) | structural["actor"].isna()].reset_index(drop=True)
        pairs = pairs[pairs["actor_a"].isin(here) | pairs["actor_b"].isin(here)].reset_index(drop=True)
    groups = expectation_groups(G, gaps, chosen, locale=loc, municipality=municipality)
    alone = isolated_actors(G, locale=loc, municipality=municipality)
    report = GapReport(gaps, introductions, cards, structural, pairs, chosen, loc, expectations=groups, isolated=alone)
    if output is None:
        return report
    return replace(report, written=tuple(report.write(output)))


def write_gap_report(report: GapReport, folder: str | Path, *, locale: Locale | str | None = None,
                     csv: str = "machine") -> list[Path]:
    """Write the CSV files and gaps.xlsx into ``folder``; returns the paths written.

    The CSV files hold ids and raw values in the CSV style ``csv`` (``"machine"`` or ``"excel"``,
    :func:`~carenet_graph.output.dialects.csv_dialect`); ``gaps.xlsx`` shows the same tables in
    the language of ``locale`` (the report's own when None), rules by their titles
    (:func:`~carenet_graph.gaps.texts.rule_title`) and ids of the vocabulary by their labels
    (:mod:`carenet_graph.output.office`).
    """
    from carenet_graph.gaps.texts import rule_title

    # A language code keeps the report's vocabulary (a user's own labels reach the workbook too).
    own = report.locale
    loc = locale if isinstance(locale, Locale) else Locale(locale, own.vocabulary) if locale else own
    frames = {"gaps": report.gaps, "introductions": report.introductions, "scorecards": report.scorecards,
              "structural": report.structural, "disagreements": report.disagreements}
    tables = {name: frame_rows(frame) for name, frame in frames.items()}
    rules = {rule.id: rule for rule in report.rules}

    def title(cell: object) -> str:  # one rule id, or several joined by ";"
        ids = [part.strip() for part in str(cell).split(";") if part.strip()]
        return "; ".join(rule_title(rules[r], loc) if r in rules else r for r in ids)

    office = [OfficeSheet(name, header, rows, words={"rule": title}) for name, (header, rows) in tables.items()]
    return write_table_folder(folder, tables, workbook="gaps.xlsx", office=office, locale=loc,
                              dialect=csv_dialect(csv, loc.lang))
