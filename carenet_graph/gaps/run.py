"""Everything `carenet gaps` computes, as one result, and its files.

:func:`gap_report` runs :func:`~carenet_graph.analysis.gaps.find_gaps`,
:func:`~carenet_graph.analysis.gaps.suggest_introductions`,
:func:`~carenet_graph.analysis.scorecards.scorecards`,
:func:`~carenet_graph.analysis.scorecards.structural_gaps` and
:func:`~carenet_graph.analysis.gaps.disagreements`; :func:`write_gap_report` writes
``gaps.csv``, ``introductions.csv``, ``scorecards.csv``, ``structural.csv``,
``disagreements.csv`` and ``gaps.xlsx`` (one sheet each), atomically and formula-safe.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import pandas as pd

from carenet_graph.gaps.expectations import disagreements, find_gaps, suggest_introductions
from carenet_graph.gaps.rules import Rule, load_rules
from carenet_graph.gaps.scorecards import scorecards, structural_gaps
from carenet_graph.i18n import translate
from carenet_graph.network import MUNICIPALITY
from carenet_graph.output.tables import frame_rows, write_table_folder
from carenet_graph.vocabulary import Vocabulary


@dataclass(frozen=True)
class GapReport:
    """The tables of a gap analysis (pandas DataFrames) and the rules used."""

    gaps: pd.DataFrame
    introductions: pd.DataFrame
    scorecards: pd.DataFrame
    structural: pd.DataFrame
    disagreements: pd.DataFrame
    rules: tuple[Rule, ...]
    lang: str

    def summary(self, top: int = 5) -> list[str]:
        """The most important gaps and introductions as short lines, in the report's language."""
        lines = [translate("summary_gaps", self.lang)]
        for gap in self.gaps.head(top).itertuples(index=False):
            lines.append(f"  [{gap.severity}] {gap.name}: {gap.missing}")
        if self.gaps.empty:
            lines.append("  " + translate("summary_none", self.lang))
        lines.append(translate("summary_introductions", self.lang))
        for intro in self.introductions.head(top).itertuples(index=False):
            lines.append(f"  {intro.rank}. {intro.name} ↔ {intro.partner_name}: {intro.reason}")
        if self.introductions.empty:
            lines.append("  " + translate("summary_none", self.lang))
        return lines


def gap_report(G: nx.MultiDiGraph, rules: Iterable[Rule] | None = None, *, lang: str = "en",
               municipality: str | None = None, vocabulary: Vocabulary | None = None) -> GapReport:
    """Run the whole gap analysis on ``G`` (package rules when ``rules`` is None)."""
    chosen = tuple(rules) if rules is not None else load_rules(vocabulary=vocabulary)
    gaps = find_gaps(G, chosen, lang=lang, municipality=municipality, vocabulary=vocabulary)
    introductions = suggest_introductions(G, chosen, gaps, lang=lang, vocabulary=vocabulary)
    cards = scorecards(G, chosen, gaps, vocabulary=vocabulary)
    structural = structural_gaps(G, lang=lang, vocabulary=vocabulary)
    pairs = disagreements(G, lang=lang)
    if municipality:
        cards = cards[cards["municipality"] == municipality].reset_index(drop=True)
        here = {v for v, d in G.nodes(data=True) if d.get(MUNICIPALITY) == municipality}
        structural = structural[structural["actor"].isin(here) | structural["actor"].isna()].reset_index(drop=True)
        pairs = pairs[pairs["actor_a"].isin(here) | pairs["actor_b"].isin(here)].reset_index(drop=True)
    return GapReport(gaps, introductions, cards, structural, pairs, chosen, lang)


def write_gap_report(report: GapReport, folder: str | Path) -> list[Path]:
    """Write the CSV files and gaps.xlsx into ``folder``; returns the paths written."""
    tables = {"gaps": report.gaps, "introductions": report.introductions, "scorecards": report.scorecards,
              "structural": report.structural, "disagreements": report.disagreements}
    return write_table_folder(folder, {name: frame_rows(frame) for name, frame in tables.items()},
                              workbook="gaps.xlsx")
