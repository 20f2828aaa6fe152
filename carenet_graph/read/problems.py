"""Validation report: every problem located, every row accounted for.

A :class:`Problem` names the file, sheet, row (1-based, as a spreadsheet shows it), column (header
text and letter), a stable rule id, a severity and a hint. Messages never contain a cell value (a
name, a note, a type text, a header text): the offending text is kept in ``Problem.value``. Names
are personal data too (a folder "/home/anna", a sheet "Frau Okonkwo", a header "Rückruf Herr Ihle"),
so by default a place is said without them: "file 1, sheet 2, row 14, column C" — file N is the N-th
input file read (command-line order, a folder's files sorted by name; files not read follow), sheet
N the workbook's N-th visible sheet (hidden and chart sheets follow). Names and values are shown
only when the caller asks (``show_values=True`` / ``--show-values``).

Severity semantics:

* ``error``   – the row (or table) could not be used as it stands; fix the data.
* ``warning`` – the row was used, but something looks wrong or was changed in a way worth
  checking (a fallback type, a value that was dropped, a repeated header...).
* ``info``    – a normalisation that was applied (encoding fallback, BOM, invisible
  whitespace, synonym mapping, merged duplicates), counted and located.

Whether a row is left out is recorded in ``Problem.rejected``; :class:`Accounting` states
``rows_read = actor_rows + tie_rows + rows_rejected``.

Every reading step reports into one :class:`Collector`: single problems at a :class:`Column` and row,
repeated normalisations (cell flags) counted per column and rule: two million cleaned cells, one problem.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal

import pandas as pd

from carenet_graph.errors import CarenetError, column_letter, format_location

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")

# What cleaning changed in a cell, as bit flags: :func:`carenet_graph.read.cells.clean_text`
# returns them and :meth:`Collector.flags` reports each under its rule. They are defined here,
# next to their rules, so that this module (which every reading step imports) imports none of them.
NFKC, INVISIBLE, CONTROL, MID_BOM, MOJIBAKE, WHITESPACE = 1, 2, 4, 8, 16, 32

#: (flag, rule, severity, message, hint) of every cleaning flag, in the order they are reported.
FLAG_RULES: tuple[tuple[int, str, Severity, str, str], ...] = (
    (CONTROL, "cell.control_chars", "info", "control characters removed", ""),
    (INVISIBLE, "cell.invisible_chars", "info", "invisible characters (zero-width, soft hyphen) removed", ""),
    (WHITESPACE, "cell.whitespace", "info",
     "odd whitespace (no-break spaces, tabs, line breaks, doubled spaces) made plain", ""),
    (NFKC, "cell.unicode_normalised", "info", "Unicode normalised (NFKC: compatibility characters replaced)", ""),
    (MID_BOM, "cell.mid_file_bom", "warning", "a byte-order mark inside the data was removed",
     "Two files may have been pasted together; check the rows around it."),
    (MOJIBAKE, "cell.mojibake", "warning",
     "text looks mis-decoded (UTF-8 read as Windows-1252, e.g. 'Ã¼' for 'ü')",
     "Re-export the file as 'CSV UTF-8' from the original, or fix the letters in the cell."),
)


#: Every rule id a problem can carry: the one list. Each has a plain sentence in every language
#: (``i18n/rules_*.yaml``, checked by a test), and :class:`Problem` refuses any other id, so a new
#: rule cannot ship without being listed here.
RULE_IDS: frozenset[str] = frozenset({
    "actor.duplicate_id", "actor.duplicate_name", "actor.id_generated", "actor.merged_duplicate",
    "actor.no_id_or_name", "actor.sector_unknown", "actor.type_missing", "actor.type_unmatched", "actor.type_synonym",
    "cell.bad_byte", "cell.control_chars", "cell.excel_error", "cell.invisible_chars", "cell.merged",
    "cell.mid_file_bom", "cell.mojibake", "cell.unicode_normalised", "cell.whitespace",
    "file.bom", "file.delimiter", "file.encoding_fallback", "file.format_mismatch", "file.sep_line", "file.skipped",
    "file.sep_line_ignored", "file.entry_skipped", "file.unreadable", "file.utf16",
    "matrix.no_row_label", "record.bad_count", "record.bad_date", "record.missing_date", "record.missing_patient",
    "record.missing_provider", "record.same_provider",
    "row.quote_spans_lines", "row.repeated_header", "row.too_few_values", "row.too_many_values", "survey.no_respondent",
    "table.empty", "table.header_only", "table.hidden_sheet", "table.instructions_sheet", "table.missing_column",
    "table.no_name_column", "table.no_ties", "table.nothing_recognised", "table.not_selected", "table.not_worksheet",
    "table.provenance_column",
    "table.title_rows", "table.unrecognised",
    "tie.ambiguous_actor", "tie.bad_direction", "tie.bad_frequency", "tie.bad_level", "tie.bad_weight",
    "tie.conflicting", "tie.duplicate", "tie.level_text", "tie.matched_by_name", "tie.missing_end", "tie.self",
    "tie.unknown_actor", "tie.type_unmatched", "tie.type_synonym",
    "value.bad_boolean", "value.bad_date", "value.bad_number", "value.date_day_first", "value.decimal_comma",
})


@dataclass(frozen=True, slots=True)
class Problem:
    """One located problem or normalisation.

    ``row`` is the first affected row; ``count`` how many rows share this exact problem in
    this column (normalisations are aggregated per table, column and rule, and ``rows`` lists
    the first affected rows).
    """

    rule: str
    severity: Severity
    message: str
    hint: str = ""
    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    column_index: int | None = None
    value: str | None = None
    count: int = 1
    rows: tuple[int, ...] = ()
    rejected: bool = False
    file_index: int | None = None  # set by ValidationReport.sorted_problems: "file 1" = the 1st file read
    sheet_index: int | None = None  # "sheet 2" = the workbook's 2nd visible sheet

    def __post_init__(self) -> None:
        if self.rule not in RULE_IDS:  # a programming error, not a user's: every id is listed once
            raise ValueError(f"unknown problem rule id {self.rule!r}: add it to RULE_IDS and to i18n/rules_*.yaml")

    @property
    def column_letter(self) -> str | None:
        """Spreadsheet letter of the column ("A", "AB"), if the column is known."""
        return column_letter(self.column_index) if self.column_index is not None else None

    def location(self, lang: str = "en", show_values: bool = False) -> str:
        """Where, in ``lang``: "file 1, sheet 2, row 5, column C"; by name only when ``show_values``."""
        rows = None
        words = _words(lang)
        if self.row is not None:
            if self.count > 1 and self.rows:
                shown = self.rows[:10]
                # Count what is not listed: ``rows`` may hold fewer entries than ``count``.
                rest = self.count - len(shown)
                more = f" (+{rest})" if rest > 0 and lang != "en" else f" and {rest} more" if rest > 0 else ""
                rows = f"{words['rows']} {', '.join(str(r) for r in shown)}{more}"
            else:
                rows = f"{words['row']} {self.row}"
        # A problem without a column header names no column, even if an index is known.
        index = self.column_index if self.column is not None else None
        if not show_values:
            places = [f"{words[k]} {n}" for k, n in (("file", self.file_index), ("sheet", self.sheet_index))
                      if n is not None]
            return ", ".join(p for p in (*places, format_location(None, None, rows, None, index, words)) if p)
        return format_location(self.file, self.sheet, rows, self.column, index, words)

    def describe(self, show_values: bool = False, lang: str = "en") -> str:
        """One human-readable line (plus the hint), values only when ``show_values``.

        In English the specific message and hint are shown; in the other languages the rule's
        translated sentence (what happened and how to fix it), from the message catalogues.
        """
        where = (" " + self.location(lang, show_values)).rstrip()  # a whole-input problem has no place
        if lang == "en":
            text = f"{self.severity.upper()} [{self.rule}]{where}: {self.message}"
        else:
            from carenet_graph.i18n import catalog

            messages = catalog(lang)
            severity = messages.get(f"severity.{self.severity}", self.severity).upper()
            text = f"{severity} [{self.rule}]{where}: {messages.get(f'rule.{self.rule}', self.message)}"
        if show_values and self.value is not None:
            text += f" (value: {self.value!r})"
        if self.hint and lang == "en":
            text += f"\n    How to fix: {self.hint}"
        return text

    def to_dict(self, show_values: bool = False) -> dict[str, Any]:
        """JSON-ready fields; file, sheet and column names and the cell value only when ``show_values``
        (they may be personal data): otherwise the place is ``file_index``, ``sheet_index`` and ``column_letter``."""
        data = asdict(self)
        data["column_letter"] = self.column_letter
        data["rows"] = list(self.rows)
        if not show_values and self.rule != "file.unreadable":  # a fatal error names its file, as when printed
            for key in ("file", "sheet", "column", "value"):
                data.pop(key)
        return data


@dataclass
class Column:
    """Where a column is: enough to locate a problem."""

    file: str
    sheet: str | None
    header: str
    index: int


@dataclass
class Collector:
    """Collects problems; aggregates repeated notes per (column, rule) into one entry."""

    problems: list[Problem] = field(default_factory=list)
    _agg: dict[tuple[Any, ...], list[Any]] = field(default_factory=dict)

    def at(self, col: Column | None, row: int | None, rule: str, severity: Severity, message: str, hint: str = "",
           *, value: str | None = None, rejected: bool = False, file: str | None = None, sheet: str | None = None,
           ) -> None:
        """One problem at one cell (or row when ``col`` is None); a cell's text in ``value``, never in ``message``."""
        self.problems.append(Problem(
            rule, severity, message, hint, file=col.file if col else file, sheet=col.sheet if col else sheet,
            row=row, column=col.header if col else None, column_index=col.index if col else None, value=value,
            rejected=rejected))

    def note(self, col: Column, row: int, rule: str, severity: Severity, message: str, hint: str = "") -> None:
        """A repeated normalisation: counted, first 20 rows located."""
        key = (col.file, col.sheet, col.index, rule, message)
        entry = self._agg.get(key)
        if entry is None:
            self._agg[key] = [col, rule, severity, message, hint, 1, [row]]
        else:
            entry[5] += 1
            if len(entry[6]) < 20:
                entry[6].append(row)

    def flags(self, col: Column, row: int, flags: int) -> None:
        """Note each cleaning flag set in ``flags`` (see :data:`FLAG_RULES`)."""
        for bit, rule, severity, message, hint in FLAG_RULES:
            if flags & bit:
                self.note(col, row, rule, severity, message, hint)

    def finish(self) -> list[Problem]:
        """All problems, aggregated notes included (call once, at the end)."""
        for col, rule, severity, message, hint, count, rows in self._agg.values():
            self.problems.append(Problem(rule, severity, message, hint, file=col.file, sheet=col.sheet, row=rows[0],
                                         column=col.header, column_index=col.index, count=count, rows=tuple(rows)))
        self._agg.clear()
        return self.problems


@dataclass
class Accounting:
    """Where every input row went.

    ``rows_read`` counts non-blank data rows below the header of every table read.
    Each is either used for an actor, used for ties (tie rows, survey or matrix rows), or
    rejected with a problem that says why: ``rows_read == actor_rows + tie_rows + rows_rejected``.
    """

    files: int = 0
    tables: int = 0
    rows_read: int = 0
    actor_rows: int = 0
    tie_rows: int = 0
    rows_rejected: int = 0
    blank_rows_skipped: int = 0
    actors: int = 0
    actors_inferred: int = 0
    ties: int = 0

    @property
    def balanced(self) -> bool:
        """Whether every row read is accounted for (used for actors, for ties, or rejected)."""
        return self.rows_read == self.actor_rows + self.tie_rows + self.rows_rejected

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready counts, with ``balanced``."""
        data = asdict(self)
        data["balanced"] = self.balanced
        return data


@dataclass
class ValidationReport:
    """All problems found while reading, plus the row accounting.

    Use :attr:`errors`, :attr:`warnings`, :attr:`infos`, :meth:`to_frame` (one row per
    problem, for pandas users), :meth:`to_dict` (JSON) and :meth:`summary` (plain text).
    """

    problems: list[Problem] = field(default_factory=list)
    accounting: Accounting = field(default_factory=Accounting)
    sources: list[str] = field(default_factory=list)
    #: Each workbook's visible sheets in workbook order (file → names): what "sheet 2" counts.
    sheets: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def unreadable(cls, error: CarenetError) -> ValidationReport:
        """The report of a run that stopped at a file it could not read: one located error
        (rule ``file.unreadable``), so that ``validate --format json`` still prints JSON."""
        report = cls()
        report.add(Problem("file.unreadable", "error", error.message, error.hint or "", file=error.file,
                           sheet=error.sheet, row=error.row, column=error.column, column_index=error.column_index,
                           rejected=True))
        if error.file:
            report.sources.append(error.file)
        return report

    def add(self, problem: Problem) -> None:
        """Add one problem."""
        self.problems.append(problem)
    def extend(self, problems: Iterable[Problem]) -> None:
        """Add problems, in order."""
        self.problems.extend(problems)

    @property
    def errors(self) -> list[Problem]:
        """Problems of severity ``error``: rows (or tables) not used as they stand."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        """Problems of severity ``warning``: used, but worth checking."""
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def infos(self) -> list[Problem]:
        """Problems of severity ``info``: normalisations applied, counted and located."""
        return [p for p in self.problems if p.severity == "info"]

    @property
    def has_errors(self) -> bool:
        """Whether any problem is an error."""
        return any(p.severity == "error" for p in self.problems)

    def counts(self) -> dict[str, int]:
        """Number of affected rows per severity."""
        return {s: sum(p.count for p in self.problems if p.severity == s) for s in SEVERITIES}

    def rule_counts(self) -> dict[str, int]:
        """Number of affected rows per rule id, sorted by rule id."""
        c: Counter[str] = Counter()
        for p in self.problems:
            c[p.rule] += p.count
        return dict(sorted(c.items()))

    def sorted_problems(self) -> list[Problem]:
        """Problems numbered (``file_index``, ``sheet_index``; see the module docstring) and sorted by
        severity (errors first), then file and sheet number, row, column and rule."""
        files: dict[str, int] = {}
        sheets: dict[tuple[str, str], int] = {}
        per_file: Counter[str] = Counter()
        for name in self.sources:
            files.setdefault(name, len(files) + 1)
        places = [(f, s) for f, names in self.sheets.items() for s in names]
        for file, sheet in [*places, *((p.file, p.sheet) for p in self.problems)]:
            if file is not None:
                files.setdefault(file, len(files) + 1)
                if sheet is not None and (file, sheet) not in sheets:
                    per_file[file] += 1
                    sheets[file, sheet] = per_file[file]
        numbered = [replace(p, file_index=files[p.file] if p.file is not None else None,
                            sheet_index=sheets[p.file, p.sheet] if p.file is not None and p.sheet is not None else None)
                    for p in self.problems]
        order = {s: i for i, s in enumerate(SEVERITIES)}
        return sorted(numbered, key=lambda p: (order[p.severity], p.file_index or 0, p.sheet_index or 0, p.row or 0,
                                               p.column_index or 0, p.rule))

    def to_frame(self, show_values: bool = False) -> pd.DataFrame:
        """One row per problem (sorted), for pandas users; names and values only when ``show_values``."""
        places = ["file", "sheet", "row", "column"] if show_values else ["file_index", "sheet_index", "row"]
        columns = ["severity", "rule", *places, "column_letter", "count", "rejected", "message", "hint"]
        if show_values:
            columns.append("value")
        rows = [p.to_dict(show_values) for p in self.sorted_problems()]
        return pd.DataFrame(rows, columns=columns)

    def to_dict(self, show_values: bool = False) -> dict[str, Any]:
        """The whole report as JSON-ready data: verdict, counts, accounting, problems (and the
        sources' names when ``show_values``)."""
        data = {"ok": not self.has_errors, "counts": self.counts(), "rules": self.rule_counts(),
                "accounting": self.accounting.to_dict(), "sources": list(self.sources),
                "problems": [p.to_dict(show_values) for p in self.sorted_problems()]}
        if not show_values:
            del data["sources"]
        return data

    def to_json(self, show_values: bool = False) -> str:
        """:meth:`to_dict` as indented JSON text (UTF-8 letters kept as they are)."""
        return json.dumps(self.to_dict(show_values), ensure_ascii=False, indent=2, sort_keys=False)

    def summary(self, show_values: bool = False, max_problems: int = 50, lang: str = "en") -> str:
        """Plain-language summary in ``lang``: verdict, accounting, then the problems (errors first)."""
        from carenet_graph.i18n import translate

        a = self.accounting
        counts = self.counts()
        lines = []
        if self.has_errors:
            lines.append(translate("summary.errors", lang, count=counts["error"]))
        else:
            lines.append(translate("summary.clean_warnings" if counts["warning"] else "summary.clean", lang))
        lines.append(translate("summary.read", lang, files=a.files, tables=a.tables, rows=a.rows_read,
                               actor_rows=a.actor_rows, tie_rows=a.tie_rows, rejected=a.rows_rejected))
        lines.append(translate("summary.inferred", lang, actors=a.actors, inferred=a.actors_inferred, ties=a.ties)
                     if a.actors_inferred else translate("summary.network", lang, actors=a.actors, ties=a.ties))
        if a.blank_rows_skipped:
            lines.append(translate("summary.blank", lang, count=a.blank_rows_skipped))
        # Normalisations are counted by kind: "862 notes" would alarm a reader for nothing.
        lines.append(translate("summary.problems", lang, errors=counts["error"], warnings=counts["warning"],
                               kinds=len(self.infos), cells=counts["info"]))
        shown = self.sorted_problems()
        if shown and not show_values:
            lines += [translate("summary.places", lang), translate("summary.show_values", lang)]
        for p in shown[:max_problems]:
            lines.append(p.describe(show_values, lang))
        if len(shown) > max_problems:
            lines.append(translate("summary.more", lang, count=len(shown) - max_problems))
        return "\n".join(lines)

    def problem_lines(self, lang: str = "en", severities: Iterable[Severity] = SEVERITIES) -> list[str]:
        """Each problem of ``severities`` in one line, without names, values or rule ids, for documents
        that travel (the report): "Warning, file 1, row 14: <the rule's sentence in ``lang``, with the
        fix>"; :meth:`summary`'s ``summary.places`` says what the numbers mean, ``validation.json`` the ids."""
        from carenet_graph.i18n import catalog

        words, wanted = catalog(lang), set(severities)
        return [", ".join(x for x in (words[f"severity.{p.severity}"].capitalize(), p.location(lang)) if x)
                + ": " + words[f"rule.{p.rule}"] for p in self.sorted_problems() if p.severity in wanted]


def _words(lang: str) -> dict[str, str]:
    from carenet_graph.i18n import catalog  # the English catalogue holds the same words as the code did

    return {key: catalog(lang)[f"summary.{key}"] for key in ("row", "rows", "sheet", "column", "file")}
