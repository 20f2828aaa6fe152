"""Survey and matrix layouts → tie records, one tie per reported partner, with provenance.

Coordinators collect ties in two layouts besides the plain ties table, and both are melted
into the same :class:`~carenet_graph.read.records.Records` as a ties table:

* an **adjacency matrix** (row label = the reporting actor, column labels = partners, cells =
  a level 0–5 or a mark such as ``x``): one tie per non-empty, non-zero off-diagonal cell;
* a **survey** (one row per respondent; numbered columns "Partner 1", "Level 1", "Partner 2"
  ...): one tie per named partner.

Every tie is reported by the row's actor (``reported_by``) and remembers where it came from
(``matrix_column`` / ``survey_item``). One input row gives many ties, so the row accounting
of these tables is per input row (``Records.source_rows``), not per tie.
"""

from __future__ import annotations

from typing import Any

from carenet_graph.read.cells import clean_text, parse_level
from carenet_graph.read.headers import PARTNER_WORDS, Table, numbered_header
from carenet_graph.read.problems import Collector, Column
from carenet_graph.read.records import Records
from carenet_graph.vocabulary import Vocabulary, text_key


def melt_matrix(table: Table, table_index: int, vocab: Vocabulary, out: Collector) -> Records:
    """Adjacency matrix (row label = respondent, column labels = partners, cells = level or
    a mark) → one tie per non-empty, non-zero off-diagonal cell, reported by the row actor."""
    rec = Records(table_index, "ties")
    aliases = vocab.level_aliases()
    booleans = vocab.booleans
    cols: dict[str, list[Any]] = {k: [] for k in ("source", "target", "reported_by", "level", "matrix_column")}
    row_used: list[tuple[int, bool]] = []
    for row, rownum in zip(table.rows, table.row_numbers, strict=True):
        respondent = clean_text(row[0])[0] if row else ""
        if not respondent:
            out.at(table.column_at(0), rownum, "matrix.no_row_label", "error",
                   "matrix row has no actor name in the first column; row not used",
                   "Write the reporting actor in column A.", rejected=True)
            row_used.append((rownum, False))
            continue
        for index in range(1, min(len(row), len(table.header))):
            raw = row[index]
            if not raw.strip():
                continue
            partner = clean_text(table.header[index])[0]
            if not partner or text_key(partner) == text_key(respondent):
                continue
            text = clean_text(raw)[0]
            level, _how = parse_level(text, aliases, text_key)
            if level is None and text_key(text) in booleans:
                if not booleans[text_key(text)]:
                    continue
                level = None
            elif level is None:
                # A matrix's column headers are actor names: locate the cell by its letter only.
                out.at(Column(table.file, table.sheet, "partner", index), rownum, "tie.bad_level", "error",
                       "matrix cell is neither a level 0–5 nor a mark such as x; cell not used",
                       "Use 0–5, a level name, or x for 'works together'.", value=text)
                continue
            if level == 0:
                continue
            cols["source"].append(respondent)
            cols["target"].append(partner)
            cols["reported_by"].append(respondent)
            cols["level"].append(level)
            cols["matrix_column"].append(table.header[index])
            rec.rows.append(rownum)
        row_used.append((rownum, True))
    rec.columns = cols
    rec.rejected = [False] * len(rec.rows)
    rec.source_rows = row_used
    return rec


def melt_survey(table: Table, table_index: int, vocab: Vocabulary, out: Collector) -> Records:
    """Survey layout (one row per respondent; columns 'Partner 1', 'Level 1', 'Partner 2' ...)
    → one tie per named partner, reported by the respondent."""
    rec = Records(table_index, "ties")
    tie_aliases = vocab.header_aliases("ties")
    groups: dict[int, dict[str, int]] = {}
    for index, header in enumerate(table.header):
        numbered = numbered_header(header)
        if numbered is None:
            continue
        word, n = numbered
        canonical = "target" if word in PARTNER_WORDS else tie_aliases.get(word)
        if canonical in ("target", "level", "type", "weight", "frequency", "notes"):
            groups.setdefault(n, {})[canonical] = index
    respondent_index = next((table.columns[k] for k in ("reported_by", "id", "name") if k in table.columns), 0)
    aliases = vocab.level_aliases()
    cols: dict[str, list[Any]] = {k: [] for k in ("source", "target", "reported_by", "level", "type", "survey_item")}
    row_used: list[tuple[int, bool]] = []
    for row, rownum in zip(table.rows, table.row_numbers, strict=True):
        respondent = clean_text(row[respondent_index])[0] if respondent_index < len(row) else ""
        if not respondent:
            out.at(table.column_at(respondent_index), rownum, "survey.no_respondent", "error",
                   "survey row has no respondent; row not used", "Fill in who answered in this row.",
                   rejected=True)
            row_used.append((rownum, False))
            continue
        for n in sorted(groups):
            group = groups[n]
            if "target" not in group or group["target"] >= len(row):
                continue
            partner = clean_text(row[group["target"]])[0]
            if not partner:
                continue
            level: int | None = None
            if "level" in group and group["level"] < len(row) and row[group["level"]].strip():
                text = clean_text(row[group["level"]])[0]
                level, _how = parse_level(text, aliases, text_key)
                if level is None:
                    out.at(table.column_at(group["level"]), rownum, "tie.bad_level", "error",
                           "level is not on the collaboration scale 0–5; this partner not used",
                           "Use a whole number 0 to 5.", value=text)
                    continue
            tie_type = None
            if "type" in group and group["type"] < len(row) and row[group["type"]].strip():
                tie_type = vocab.match_tie_type(clean_text(row[group["type"]])[0]).id
            cols["source"].append(respondent)
            cols["target"].append(partner)
            cols["reported_by"].append(respondent)
            cols["level"].append(level)
            cols["type"].append(tie_type)
            cols["survey_item"].append(n)
            rec.rows.append(rownum)
        row_used.append((rownum, True))
    rec.columns = cols
    rec.rejected = [False] * len(rec.rows)
    rec.source_rows = row_used
    return rec
