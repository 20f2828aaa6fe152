"""Everything ``carenet gaps`` computes, as one result, and its files.

:func:`find_gaps` runs :func:`~carenet_graph.gaps.expectations.unmet_expectations`,
:func:`~carenet_graph.gaps.introductions.suggest_introductions`,
:func:`~carenet_graph.gaps.scorecards.scorecards`,
:func:`~carenet_graph.gaps.structure.structural_gaps` and
:func:`~carenet_graph.gaps.structure.disagreements`; :func:`write_gap_report` writes
``gaps.csv``, ``introductions.csv``, ``scorecards.csv``, ``structural.csv``,
``disagreements.csv`` and ``gaps.xlsx`` (one sheet each), atomically and formula-safe.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

import networkx as nx
import pandas as pd

from carenet_graph.gaps.expectations import unmet_expectations
from carenet_graph.gaps.introductions import suggest_introductions
from carenet_graph.gaps.places import find_municipality, municipality_names
from carenet_graph.gaps.rules import Rule, load_rules
from carenet_graph.gaps.scorecards import scorecards
from carenet_graph.gaps.structure import disagreements, structural_gaps
from carenet_graph.locale import Locale, as_locale
from carenet_graph.network import MUNICIPALITY
from carenet_graph.output.tables import frame_rows, write_table_folder


@dataclass(frozen=True)
class GapReport:
    """The tables of a gap analysis (pandas DataFrames), the rules used and the locale of its texts."""

    gaps: pd.DataFrame
    introductions: pd.DataFrame
    scorecards: pd.DataFrame
    structural: pd.DataFrame
    disagreements: pd.DataFrame
    rules: tuple[Rule, ...]
    locale: Locale
    #: The files written when :func:`find_gaps` was given an ``output`` folder.
    written: tuple[Path, ...] = ()

    def summary(self, top: int = 5) -> list[str]:
        """The most important gaps and introductions as short lines, in the report's language."""
        t = self.locale.t
        lines = [t("summary_gaps")]
        for gap in self.gaps.head(top).itertuples(index=False):
            lines.append(f"  [{t('severity_' + str(gap.severity))}] {gap.name}: {gap.missing}")
        if self.gaps.empty:
            lines.append("  " + t("summary_none"))
        lines.append(t("summary_introductions"))
        for intro in self.introductions.head(top).itertuples(index=False):
            lines.append(f"  {intro.rank}. {intro.name} ↔ {intro.partner_name}: {intro.reason}")
        if self.introductions.empty:
            lines.append("  " + t("summary_none"))
        return lines

    def write(self, folder: str | Path) -> list[Path]:
        """Write the tables into ``folder`` (see :func:`write_gap_report`)."""
        return write_gap_report(self, folder)


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
    report = GapReport(gaps, introductions, cards, structural, pairs, chosen, loc)
    if output is None:
        return report
    return replace(report, written=tuple(report.write(output)))


def write_gap_report(report: GapReport, folder: str | Path) -> list[Path]:
    """Write the CSV files and gaps.xlsx into ``folder``; returns the paths written."""
    tables = {"gaps": report.gaps, "introductions": report.introductions, "scorecards": report.scorecards,
              "structural": report.structural, "disagreements": report.disagreements}
    return write_table_folder(folder, {name: frame_rows(frame) for name, frame in tables.items()},
                              workbook="gaps.xlsx")
