"""The optional providers table: who each provider is (name, type or specialty, place).

It is read like any actors table (:func:`carenet_graph.read.read_network`), so every located
problem and the row accounting come with it; its id column may be named as the records name
providers (NPI, LANR, AGB, HSA-id, ...).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from carenet_graph.read import ValidationReport, read_network
from carenet_graph.vocabulary import Vocabulary


def provider_table(path: str | Path, vocab: Vocabulary) -> tuple[pd.DataFrame, ValidationReport]:
    """The providers (indexed by id, as text) with their actor columns, and the reading report."""
    data = read_network(actors=[path], vocabulary=vocab)
    report = data.report
    # A providers table has no ties by nature: that warning would only alarm.
    report.problems = [p for p in report.problems if p.rule != "table.no_ties"]
    actors = data.actors.drop(columns=[c for c in ("table", "row") if c in data.actors.columns])
    actors.index = actors.index.map(str)
    return actors, report
