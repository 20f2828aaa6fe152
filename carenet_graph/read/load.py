"""Read files, folders and workbooks into an actors table, a ties table and a report.

This is the one place that decides which table is what, resolves tie ends to actors and
does the row accounting. Reading never stops at a bad row: each row ends up in the tables
or in the :class:`~carenet_graph.read.problems.ValidationReport` with its reason.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd

from carenet_graph.errors import InputError, ValidationFailed, column_letter
from carenet_graph.i18n.formatting import english_plural
from carenet_graph.network import build_graph, bulk_allocation
from carenet_graph.read.files import read_raw
from carenet_graph.read.graphformats import graph_tables, read_graph_file
from carenet_graph.read.headers import Table, classify, closest_headers, find_table, sheet_role_from_name
from carenet_graph.read.layouts import melt_matrix, melt_survey
from carenet_graph.read.limits import DEFAULT_LIMITS, Limits
from carenet_graph.read.problems import Collector, Problem, ValidationReport
from carenet_graph.read.records import Records, convert_actors, convert_ties
from carenet_graph.read.resolve import resolve
from carenet_graph.read.sniff import EXTENSION_KIND, GRAPH_KINDS
from carenet_graph.vocabulary import Vocabulary, default_vocabulary, load_vocabulary

PathLike = str | Path


@dataclass(frozen=True)
class NetworkData:
    """What was read: actors (indexed by id), ties (one row per reported tie) and the report.

    ``tables`` names each table read ("file" or "file › sheet"); the ``table`` column of
    actors and ties indexes it and ``row`` is the 1-based row in that table.
    """

    actors: pd.DataFrame
    ties: pd.DataFrame
    report: ValidationReport
    tables: tuple[str, ...]
    vocabulary: Vocabulary = field(repr=False)


# Why an entry of a folder is not read (rule file.entry_skipped); None: read it, if its kind is supported.
_FOLDER_SKIPS = {
    "link": "a link (shortcut) in the folder is not followed; not read",
    "folder": "a subfolder is not read (only the files directly in the folder are)",
    "lock": "an Office lock file (the workbook is open in Excel or LibreOffice); not read",
    "hidden": "a hidden file is not read",
    "special": "not an ordinary file; not read",
}


def _folder_entry(entry: Path) -> str | None:
    """Which of :data:`_FOLDER_SKIPS` an entry of a folder is, or None for an ordinary file.

    A link inside a folder is never followed: it can lead anywhere (another wave's folder,
    /etc/passwd), and a folder is read for what it holds. A link named on the command line
    is followed, since the user chose it.
    """
    name = entry.name
    if entry.is_symlink():
        return "link"
    if entry.is_dir():
        return "folder"
    if name.startswith(("~$", ".~lock.")):
        return "lock"
    if name.startswith("."):
        return "hidden"
    if not entry.is_file():
        return "special"
    return None


def _expand(inputs: Sequence[PathLike], out: list[Problem]) -> list[Path]:
    """The files to read: each file named, and each ordinary file directly in each folder named.

    Every entry of a folder that is not read is reported where it is: an unsupported format
    (``file.skipped``); a subfolder, hidden or lock file, link or device (``file.entry_skipped``).
    Files that carenet itself wrote earlier are read like any other (their names, such as
    actors.csv, are ordinary input names too, and carenet never writes into an input folder).
    """
    files: list[Path] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            found = 0
            try:
                entries = sorted(path.iterdir())
            except OSError as exc:
                raise InputError(f"the folder cannot be read ({exc.strerror})", file=str(path),
                                 hint="Check the folder's permissions.", key="input.folder_unreadable",
                                 values={"reason": exc.strerror}) from None
            for p in entries:
                why = _folder_entry(p)
                if why is not None:
                    out.append(Problem("file.entry_skipped", "info", _FOLDER_SKIPS[why], file=str(p)))
                elif p.suffix.lower() in EXTENSION_KIND:
                    files.append(p)
                    found += 1
                else:
                    out.append(Problem("file.skipped", "info", "file in the folder is not a supported table or graph "
                                       "format; not read", file=str(p)))
            if not found:
                raise InputError("the folder holds no spreadsheet, CSV or graph file", file=str(path),
                                 hint="Put .xlsx, .ods, .csv or .graphml files in it, or name the files directly.",
                                 key="input.folder_without_tables", values={})
        else:
            files.append(path)
    return files


def _paths(value: PathLike | Sequence[PathLike]) -> Sequence[PathLike]:
    # One path is one input, not a sequence of one-letter paths: load("netz.xlsx") reads the file.
    return [value] if isinstance(value, str | Path) else value


def read_network(
    inputs: PathLike | Sequence[PathLike] = (),
    *,
    actors: PathLike | Sequence[PathLike] = (),
    ties: PathLike | Sequence[PathLike] = (),
    sep: str | None = None,
    actors_sheet: str | None = None,
    ties_sheet: str | None = None,
    vocabulary: Vocabulary | Iterable[PathLike] | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> NetworkData:
    """Read every input (files, folders, workbooks; roles recognised from headers).

    Parameters
    ----------
    inputs:
        A file or folder, or several; each table's role (actors, ties, matrix, survey) is recognised from
        its headers and sheet name.
    actors, ties:
        Files whose role is set by the caller (``--actors`` / ``--ties``).
    sep:
        Delimiter for text files, overriding detection.
    actors_sheet, ties_sheet:
        Sheet names to use in workbooks, overriding recognition by name.
    vocabulary:
        A :class:`Vocabulary`, or paths of user YAML files extending the package vocabulary.
    limits:
        What one input file may make the reader allocate (see :class:`~carenet_graph.read.limits.Limits`).

    Raises
    ------
    InputError
        When a file cannot be read at all (missing, not a table, undecodable).
    """
    vocab = _vocabulary(vocabulary, limits)
    with bulk_allocation():
        return _read_all(_paths(inputs), _paths(actors), _paths(ties), sep, actors_sheet, ties_sheet, vocab, limits)


def _read_all(inputs: Sequence[PathLike], actors: Sequence[PathLike], ties: Sequence[PathLike], sep: str | None,
              actors_sheet: str | None, ties_sheet: str | None, vocab: Vocabulary, limits: Limits) -> NetworkData:
    pre: list[Problem] = []
    jobs: list[tuple[Path, str | None]] = [(p, None) for p in _expand(inputs, pre)]
    jobs += [(Path(p), "actors") for p in actors] + [(Path(p), "ties") for p in ties]
    if not jobs:
        raise InputError("no input given",
                         hint="Name a spreadsheet, CSV file or folder, e.g. 'carenet validate network.xlsx'.",
                         key="input.none_given", values={})
    report = ValidationReport()
    report.extend(pre)
    out = Collector()
    tables: list[Table] = []
    for path, role in jobs:
        report.sources.append(str(path))
        report.accounting.files += 1
        tables.extend(_tables_of(path, role, sep, actors_sheet, ties_sheet, vocab, report, limits))
    table_names = tuple(t.file if t.sheet is None else f"{t.file} › {t.sheet}" for t in tables)
    actor_recs: list[Records] = []
    tie_recs: list[Records] = []
    acc = report.accounting
    for index, table in enumerate(tables):
        acc.tables += 1
        acc.rows_read += len(table.rows)
        acc.blank_rows_skipped += table.blank_rows
        if table.role == "actors":
            actor_recs.append(_required(table, index, ("id", "name"), convert_actors, vocab, out))
        elif table.role == "ties":
            tie_recs.append(_required(table, index, ("source", "target"), convert_ties, vocab, out))
        elif table.role == "matrix":
            tie_recs.append(melt_matrix(table, index, vocab, out))
        elif table.role == "survey":
            tie_recs.append(melt_survey(table, index, vocab, out))
        else:
            _unrecognised(table, out)
            # Every row of the table is reported (by the one table-level problem), so it counts
            # as rejected; otherwise rows_read would exceed what the accounting explains.
            acc.rows_rejected += len(table.rows)
    actors_df, ties_df = resolve(actor_recs, tie_recs, tables, vocab, out, acc)
    report.extend(out.finish())
    report.extend(_plausibility(actor_recs, tie_recs))
    return NetworkData(actors_df, ties_df, report, table_names, vocab)


def _plausibility(actor_recs: Sequence[Records], tie_recs: Sequence[Records]) -> list[Problem]:
    """Whole-input problems: nothing recognised at all (an error), or actors without any ties table."""
    if not actor_recs and not tie_recs:
        return [Problem("table.nothing_recognised", "error",
                        "nothing in the input was recognised as a table of actors or ties",
                        "Check that the right file was named; use the template's column headers, or pass the "
                        "files with --actors and --ties.")]
    if actor_recs and not tie_recs:
        return [Problem("table.no_ties", "warning", "the input has actors but no table of ties: the network "
                        "has no ties", "Add the ties sheet or file (who works with whom), or name it with --ties.")]
    return []


def _vocabulary(vocabulary: Vocabulary | Iterable[PathLike] | None, limits: Limits) -> Vocabulary:
    if vocabulary is None:
        return default_vocabulary()
    if isinstance(vocabulary, Vocabulary):
        return vocabulary
    paths = list(vocabulary)
    return load_vocabulary(paths, max_bytes=limits.vocabulary_bytes) if paths else default_vocabulary()


def _tables_of(path: Path, role: str | None, sep: str | None, actors_sheet: str | None,
               ties_sheet: str | None, vocab: Vocabulary, report: ValidationReport, limits: Limits) -> list[Table]:
    problems = report.problems
    kind, raws = read_raw(path, sep, problems, limits)
    # The sheets' order, for "sheet 2" in messages that do not quote sheet names.
    report.sheets.setdefault(str(path), [r.sheet for r in raws if r.sheet is not None])
    if kind in GRAPH_KINDS:
        graph = read_graph_file(path, kind, limits)
        graph_found = graph_tables(graph, str(path))
        for graph_table in graph_found:
            classify(graph_table, vocab, graph_table.role)
        return graph_found
    found = []
    for raw in raws:
        sheet_role = role
        if raw.sheet is not None:
            sheet_role = _sheet_role(raw.file, raw.sheet, role, actors_sheet, ties_sheet, problems)
            if sheet_role == "skip":
                continue
        table = find_table(raw, vocab, sheet_role, problems)
        if table is None:
            if raw.sheet is None or sheet_role in ("actors", "ties"):
                problems.append(Problem("table.empty", "warning", "no data at all", file=raw.file, sheet=raw.sheet,
                                        hint="Fill in the sheet or leave it out."))
            continue
        if not table.rows:
            problems.append(Problem("table.header_only", "warning", "only a header row, no data rows",
                                    file=table.file, sheet=table.sheet, row=table.header_row))
        found.append(table)
    for sheet, wanted in ((actors_sheet, "actors"), (ties_sheet, "ties")):
        if sheet and raws and raws[0].sheet is not None and sheet not in {r.sheet for r in raws}:
            sheets = ", ".join(str(r.sheet) for r in raws)
            if wanted == "actors":
                raise InputError(f"there is no sheet named '{sheet}' for the actors", file=str(path),
                                 hint="Sheets in this workbook: " + sheets, key="input.no_actors_sheet",
                                 values={"sheet": sheet, "sheets": sheets})
            raise InputError(f"there is no sheet named '{sheet}' for the ties", file=str(path),
                             hint="Sheets in this workbook: " + sheets, key="input.no_ties_sheet",
                             values={"sheet": sheet, "sheets": sheets})
    return found


def _sheet_role(file: str, sheet: str, role: str | None, actors_sheet: str | None, ties_sheet: str | None,
                problems: list[Problem]) -> str | None:
    """Role of one workbook sheet ("skip": not read): chosen by option, else recognised by name.

    Instruction sheets are never data, even in a workbook given with ``--actors`` / ``--ties``;
    such a workbook's sheet named for the other role is left to that option, so that
    ``--actors book.xlsx --ties book.xlsx`` reads each sheet once, in its role. A sheet
    option chooses only its own role: the other role is still found by sheet name.
    """
    if role is None and sheet in (actors_sheet, ties_sheet):
        return "actors" if sheet == actors_sheet else "ties"
    named = sheet_role_from_name(sheet)
    if named == "skip":
        problems.append(Problem("table.instructions_sheet", "info", "instructions or lists sheet, not read as data",
                                file=file, sheet=sheet))
        return "skip"
    chosen = {r for r, s in (("actors", actors_sheet), ("ties", ties_sheet)) if s}
    if role is None and chosen and (named is None or named in chosen):
        problems.append(Problem("table.not_selected", "info",
                                "sheet not read (other sheets were chosen with --actors-sheet or --ties-sheet)",
                                file=file, sheet=sheet))
        return "skip"
    if role is not None and named is not None and named != role:
        problems.append(Problem("table.not_selected", "info",
                                f"sheet not read: its name says it holds {named}, and the file was given as "
                                f"the {role} file (--{role})", file=file, sheet=sheet))
        return "skip"
    return role or named


def _required(table: Table, index: int, needed: tuple[str, str], convert: Any, vocab: Vocabulary,
              out: Collector) -> Records:
    """Convert a table whose role needs columns; reject every row when they are missing."""
    have = [c for c in needed if c in table.columns]
    if (table.role == "actors" and not have) or (table.role == "ties" and len(have) < 2):
        missing = [c for c in needed if c not in table.columns]
        aliases = vocab.header_aliases(table.role)
        examples = {c: sorted({a for a, v in aliases.items() if v == c}, key=len)[:4] for c in missing}
        hint = "; ".join(f"'{c}' (e.g. {', '.join(examples[c])})" for c in missing)
        # The unknown header is named by its column letter only: header texts can carry names.
        guesses = "; ".join(f"column {column_letter(i)} — did you mean '{known}' ({column})?"
                            for i, known, column in closest_headers(table.header, missing, aliases))
        if guesses:
            hint = f"{guesses} Otherwise add a header {hint}"
        out.at(None, table.header_row or None, "table.missing_column", "error",
               f"the {table.role} table lacks the {english_plural(len(missing), 'column', with_count=False)} "
               f"{', '.join(missing)}; its {english_plural(len(table.rows), 'row was', 'rows were')} not used",
               f"{hint}." if guesses else f"Add a header {hint}.", file=table.file,
               sheet=table.sheet, rejected=True)
        rec = Records(index, table.role, rows=list(table.row_numbers), rejected=[True] * len(table.rows))
        rec.source_rows = [(r, False) for r in table.row_numbers]
        return rec
    if table.role == "actors" and "name" not in table.columns:
        aliases = vocab.header_aliases("actors")
        guesses = "; ".join(f"column {column_letter(i)} — did you mean '{known}' ({column})?"
                            for i, known, column in closest_headers(table.header, ["name"], aliases))
        out.at(None, table.header_row or None, "table.no_name_column", "warning",
               "the actors table has no name column: maps, reports and tables show each actor's id instead",
               f"{guesses} Otherwise add a column 'Name'." if guesses else "Add a column 'Name' (Name, Einrichtung, "
               "Naam, Namn) if the actors have names.", file=table.file, sheet=table.sheet)
    converted: Records = convert(table, index, vocab, out)
    return converted


def _unrecognised(table: Table, out: Collector) -> None:
    out.at(None, table.header_row or None, "table.unrecognised", "warning",
           "table not recognised as actors or ties (no known column headers); "
           f"its {english_plural(len(table.rows), 'row was', 'rows were')} not used",
           "Name the columns as in the template (e.g. Name, Type / Source, Target), or pass the file "
           "with --actors or --ties.", file=table.file, sheet=table.sheet)
    out.problems[-1] = _with(out.problems[-1], rejected=True, count=max(len(table.rows), 1),
                             rows=tuple(table.row_numbers[:20]))


def _with(problem: Problem, **changes: Any) -> Problem:
    from dataclasses import replace

    return replace(problem, **changes)


def validate(inputs: PathLike | Sequence[PathLike] = (), **options: Any) -> ValidationReport:
    """Read the inputs and return only the :class:`ValidationReport` (see :func:`read_network`)."""
    return read_network(inputs, **options).report


def to_graph(data: NetworkData, name: str | None = None) -> nx.MultiDiGraph:
    """The lossless multigraph of what was read (see :mod:`carenet_graph.network`)."""
    default = Path(data.report.sources[0]).stem if data.report.sources else "care network"
    with bulk_allocation():
        return build_graph(
            data.actors, data.ties, name=name or default,
            sources=data.report.sources, tables=data.tables, vocabulary_version=data.vocabulary.version,
        )


def load(inputs: PathLike | Sequence[PathLike] = (), *, strict: bool = False, **options: Any) -> nx.MultiDiGraph:
    """Read the inputs into a lossless :class:`networkx.MultiDiGraph`.

    Rows with errors are left out (see :func:`validate` for the report). With ``strict=True``
    any error raises :class:`~carenet_graph.errors.ValidationFailed`; otherwise a
    :class:`UserWarning` says how many rows were left out. Options as for :func:`read_network`.
    """
    data = read_network(inputs, **options)
    if data.report.has_errors:
        errors, left_out = data.report.counts()["error"], data.report.accounting.rows_rejected
        message = (f"{english_plural(errors, 'error')} in the input; {english_plural(left_out, 'row')} left out "
                   "(run carenet_graph.validate(...) or 'carenet validate' for the list)")
        if strict:
            raise ValidationFailed(message, hint="Fix the rows listed by 'carenet validate'.",
                                   key="input.has_errors", values={"errors": errors, "rows": left_out})
        warnings.warn(message, UserWarning, stacklevel=2)
    return to_graph(data)
