"""The ``carenet`` command line: a thin shell over the library.

Each command parses its options, reads its input (the shared input options), makes one call to
its Python twin (``carenet_graph.analyze``, ``find_gaps``, ``write_map``, ``write_report``,
``compare_waves``, ...) and prints a short summary in the chosen language. Everything a command
computes or writes is done by that twin, so a researcher can do the same in a notebook.

:class:`~carenet_graph.errors.CarenetError` is caught once, in :func:`main`: the user sees where
and what and how to fix it, never a traceback (``--debug`` shows one). Exit codes: 0 done,
1 errors (in the data or the run), 2 usage (including an option value the library refuses).

Longer than 400 lines only because of the options of nine commands and their help texts; the
commands hold no logic.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import os
import re
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from carenet_graph import __version__
from carenet_graph.errors import CarenetError, InputError, OptionError
from carenet_graph.i18n import LANGUAGES, translate
from carenet_graph.output.dialects import CSV_STYLES

F = TypeVar("F", bound=Callable[..., Any])

# The files each folder-writing command writes (checked against the inputs before any work).
ANALYSIS_FILES = ("actors.csv", "groups.csv", "mixing.csv", "brokerage.csv", "network.json", "analysis.xlsx")
GAP_FILES = ("gaps.csv", "introductions.csv", "scorecards.csv", "structural.csv", "disagreements.csv", "gaps.xlsx")
COMPARE_FILES = ("tie_changes.csv", "actor_changes.csv", "actor_matching.csv", "summary.json", "compare.xlsx",
                 "compare.html")


# -- shared options ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Source:
    """What the input options name: files and folders, files with a set role, reading settings."""

    inputs: tuple[Path, ...]
    actors: tuple[Path, ...] = ()
    ties: tuple[Path, ...] = ()
    sep: str | None = None
    actors_sheet: str | None = None
    ties_sheet: str | None = None
    vocabulary: tuple[Path, ...] = ()
    show_values: bool = False
    limits: tuple[str, ...] = ()

    @property
    def paths(self) -> tuple[Path, ...]:
        """Every input path named."""
        return (*self.inputs, *self.actors, *self.ties)

    def guard(self, *outputs: Path, folder: Path | None = None) -> None:
        """Refuse, before any work starts, outputs that would overwrite or pollute an input or
        cannot be written (``folder``: the output folder of a command that writes several files)."""
        from carenet_graph.output.guard import check_outputs, check_writable

        if folder is not None:
            check_writable(folder, folder=True)
        for output in outputs:
            check_writable(output, folder=False)
        check_outputs(outputs, self.paths)

    def read(self) -> Any:
        """:func:`carenet_graph.read_network` of these inputs (a usage error when there are none)."""
        from carenet_graph.read import read_network

        if not self.inputs and not self.actors and not self.ties:
            raise click.UsageError("name at least one input file or folder (or use --actors/--ties).")
        from carenet_graph.read.limits import DEFAULT_LIMITS

        return read_network(list(self.inputs), actors=list(self.actors), ties=list(self.ties), sep=self.sep,
                            actors_sheet=self.actors_sheet, ties_sheet=self.ties_sheet,
                            vocabulary=list(self.vocabulary), limits=DEFAULT_LIMITS.with_overrides(self.limits))


def input_options(func: F) -> F:
    """INPUT... and the options of every command that reads a network, passed on as ``source``."""

    @functools.wraps(func)
    def wrapper(*args: Any, inputs: tuple[Path, ...], actors: tuple[Path, ...], ties: tuple[Path, ...],
                sep: str | None, actors_sheet: str | None, ties_sheet: str | None,
                vocabulary: tuple[Path, ...], show_values: bool, limits: tuple[str, ...], **kwargs: Any) -> Any:
        source = Source(inputs, actors, ties, sep, actors_sheet, ties_sheet, vocabulary, show_values, limits)
        return func(*args, source=source, **kwargs)

    options = [
        click.argument("inputs", nargs=-1, type=click.Path(path_type=Path)),
        click.option("--actors", "actors", multiple=True, type=click.Path(path_type=Path),
                     help="File holding the actors (its role is then not guessed)."),
        click.option("--ties", "ties", multiple=True, type=click.Path(path_type=Path),
                     help="File holding the ties (collaborations)."),
        click.option("--sep", default=None, help="Column separator of CSV/TSV files (default: detected)."),
        click.option("--actors-sheet", default=None, help="Workbook sheet with the actors (default: by name)."),
        click.option("--ties-sheet", default=None, help="Workbook sheet with the ties (default: by name)."),
        vocabulary_option,
        limit_option,
        click.option("--show-values", is_flag=True,
                     help="Quote cell values, file, sheet and column names in messages. Off by default (they can "
                          "be personal data): places are then 'file 1, sheet 2, row 5, column C'."),
    ]
    decorated: Any = wrapper
    for option in reversed(options):
        decorated = option(decorated)
    return decorated  # type: ignore[no-any-return]


vocabulary_option = click.option(
    "--vocabulary", "vocabulary", multiple=True, type=click.Path(path_type=Path),
    help="Your own YAML file of types, synonyms and header names (added to the built-in one).")


limit_option = click.option(
    "--limit", "limits", multiple=True, metavar="NAME=VALUE",
    help="Raise a reading limit, e.g. --limit cells=100000000 or --limit file_bytes=4G (the README lists them).")


def output_option(help_text: str) -> Callable[[F], F]:
    """``-o/--output`` (required), described per command."""
    return click.option("-o", "--output", "output", required=True, type=click.Path(path_type=Path), help=help_text)


def lang_option(help_text: str = "Language of the texts and the summary.") -> Callable[[F], F]:
    """``--lang`` with the one list of languages."""
    return click.option("--lang", type=click.Choice(LANGUAGES), default="en", show_default=True, help=help_text)


seed_option = click.option("--seed", type=int, default=0, show_default=True,
                           help="Seed for layouts, communities and permutation tests (same seed, same output).")
rules_option = click.option("--rules", "rules", multiple=True, type=click.Path(path_type=Path),
                            help="Your own YAML rules file (replaces built-in rules of the same id, adds new ones).")
csv_option = click.option(
    "--csv", "csv", type=click.Choice(CSV_STYLES), default="machine", show_default=True,
    help="CSV files for scripts (machine: comma, decimal point, English column names) or to open by double-click "
         "in Excel (excel: UTF-8 mark; with --lang de, nl or sv semicolons and decimal commas). The xlsx "
         "workbook is always in the --lang language.")


@dataclass(frozen=True)
class Privacy:
    """``--pseudonymize --key FILE``: replace every actor name with a stable keyed pseudonym."""

    pseudonymize: bool
    key: Path | None
    lang: str = "en"

    def protect(self, graph: Any, locale: Any) -> Any:
        """``graph``, pseudonymised when asked (:func:`carenet_graph.privacy.pseudonymize`), its names
        in ``locale``'s words ("Ambulanter Pflegedienst 7K3Q-9XPA"); a key file others may read is said
        in a plain sentence (the library's warning, in the user's language)."""
        if not self.pseudonymize:
            return graph
        import warnings

        from carenet_graph.privacy import load_or_create_key, pseudonymize

        assert self.key is not None  # checked when the options were parsed
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            key = load_or_create_key(self.key)
        if caught:
            echo(translate("cli_key_shared", self.lang, name=self.key.name), err=True)
        hidden, _ = pseudonymize(graph, key, vocabulary=locale.vocabulary, locale=locale)
        return hidden


def privacy_options(func: F) -> F:
    """``--pseudonymize`` / ``--key`` for every command that writes names, passed on as ``privacy``."""

    @functools.wraps(func)
    def wrapper(*args: Any, pseudonymize: bool, key: Path | None, **kwargs: Any) -> Any:
        lang = kwargs.get("lang") or "en"
        if pseudonymize and key is None:
            raise click.BadParameter(translate("cli_pseudonymize_needs_key", lang), param_hint="--key")
        if key is not None and not pseudonymize:
            # A key given alone would write every real name while the user believes them hidden.
            raise click.BadParameter(translate("cli_key_without_pseudonymize", lang), param_hint="--key")
        output = kwargs.get("output")
        if key is not None and isinstance(output, Path) and not output.suffix and \
                key.resolve().is_relative_to(output.resolve()):
            # The output folder is what gets shared; a key inside it would be shared with it.
            raise click.BadParameter(translate("cli_key_in_output", lang), param_hint="--key")
        return func(*args, privacy=Privacy(pseudonymize, key, lang), **kwargs)

    decorated: Any = click.option(
        "--key", "key", type=click.Path(path_type=Path), default=None,
        help="Key file for --pseudonymize (created if missing; keep it private, reuse it next year).")(wrapper)
    decorated = click.option("--pseudonymize", is_flag=True,
                             help="Replace every actor name with a stable keyed pseudonym in all outputs.")(decorated)
    return decorated  # type: ignore[no-any-return]


def network_of(data: Any, privacy: Privacy) -> Any:
    """The multigraph of what was read (:func:`carenet_graph.to_graph`), pseudonymised when asked."""
    from carenet_graph.read import to_graph

    return privacy.protect(to_graph(data), locale_of(privacy.lang, data))


def locale_of(lang: str, data: Any = None) -> Any:
    """The one :class:`~carenet_graph.locale.Locale` of a run: the language and the input's vocabulary."""
    from carenet_graph.locale import Locale

    return Locale(lang, data.vocabulary) if data is not None else Locale(lang)


def echo_input_problems(data: Any, lang: str) -> None:
    """One line on stderr when rows were not used or the input has errors or warnings."""
    report = data.report
    counts = report.counts()
    rows = report.accounting.rows_rejected
    if counts["error"] or counts["warning"] or rows:
        echo(translate("cli_input_notes", lang, errors=counts["error"], warnings=counts["warning"], rows=rows),
             err=True)


def read_network_of(source: Source, lang: str, *, ties_needed: bool, strict: bool = False) -> Any:
    """Read ``source`` for a command that describes the network: the input notes printed at once,
    and a plain stop when there is nothing to describe (no actor; no tie when ``ties_needed``) or,
    with ``strict``, when the input has errors (all of them listed)."""
    data = source.read()
    if strict and data.report.has_errors:
        echo(data.report.summary(source.show_values, lang=lang), err=True)
        raise CarenetError(translate("cli_strict_stop", lang), hint=translate("cli_strict_hint", lang))
    echo_input_problems(data, lang)
    acc = data.report.accounting
    if acc.actors == 0 or (ties_needed and acc.ties == 0):
        key = "cli_no_actors" if acc.actors == 0 else "cli_no_ties"
        raise CarenetError(translate(key, lang, actors=acc.actors), hint=translate("cli_empty_hint", lang))
    return data


def terminal_progress(lang: str = "en") -> Callable[[str], None]:
    """A progress callback printing each step, in ``lang``, with the time since the command started
    (stderr, so that what a command says on stdout stays the same from run to run)."""
    from babel.numbers import format_decimal

    from carenet_graph.i18n import progress_text

    start = time.perf_counter()

    def progress(step: str) -> None:
        seconds = format_decimal(time.perf_counter() - start, format="0.0", locale=lang)
        echo(f"  [{seconds:>6} s] {progress_text(step, lang)}", err=True)

    return progress


# C0 controls but tab and line feed, DEL, C1 controls, and the bidirectional overrides that can make
# a terminal show text in another order than it is: what a cell, header, sheet or file name could use
# to move the cursor, recolour or clear the screen, or disguise a message.
_TERMINAL_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def terminal_safe(text: str) -> str:
    """``text`` with every terminal control character shown as an escape (``ESC`` → ``\\x1b``)."""
    return _TERMINAL_UNSAFE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def echo(message: Any = "", err: bool = False) -> None:
    """Print one message: every line carenet writes to the terminal goes through here, escaped."""
    click.echo(terminal_safe(str(message)), err=err)


def files(paths: Any) -> str:
    return ", ".join(str(p) for p in paths)


# -- commands ------------------------------------------------------------------------------------

class CarenetCommand(click.Command):
    """A command: everything it writes is one output set (all files or none, output/atomic.py), and
    an option value the library refuses is a usage error (exit 2) shown with this command's usage,
    in its ``--lang``."""

    def invoke(self, ctx: click.Context) -> Any:
        from carenet_graph.i18n import describe_error
        from carenet_graph.output.atomic import output_set

        try:
            with output_set():
                return super().invoke(ctx)
        except OptionError as exc:
            raise click.UsageError(describe_error(exc, ctx.params.get("lang") or "en"), ctx) from None


class CarenetGroup(click.Group):
    """The command group; its commands are :class:`CarenetCommand`."""

    command_class = CarenetCommand


@click.group(cls=CarenetGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="carenet")
@click.option("--debug", is_flag=True, help="Show a full traceback when something goes wrong.")
def cli(debug: bool) -> None:
    """carenet: map and analyse collaboration between care actors.

    Start with 'carenet demo', or 'carenet template --lang de -o netzwerk.xlsx' to get a
    spreadsheet to fill in, then 'carenet validate netzwerk.xlsx'.
    """


@cli.command()
@input_options
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Plain-language text, or JSON with every problem.")
@lang_option("Language of the text summary (each problem then reads as its rule's plain sentence).")
def validate(source: Source, fmt: str, lang: str) -> None:
    """Check spreadsheets (or a folder of them) and list every problem with its location.

    Exit code 0: no errors; 1: errors found (listed); 2: wrong usage.
    """
    from carenet_graph.read.problems import ValidationReport

    try:
        report = source.read().report
    except InputError as exc:
        if fmt != "json":
            raise
        # Scripts read the JSON: a file that cannot be read is a located problem like any other.
        report = ValidationReport.unreadable(exc)
    echo(report.to_json(source.show_values) if fmt == "json"
               else report.summary(source.show_values, lang=lang))
    sys.exit(1 if report.has_errors else 0)


@cli.command()
@input_options
@output_option("Output file: .graphml, .gexf, .json (node-link), .xlsx, or .csv (writes NAME_actors.csv and "
               "NAME_ties.csv).")
@click.option("--strict", is_flag=True, help="Write nothing if the input has errors.")
@lang_option("Language of the summary.")
@csv_option
@privacy_options
def convert(source: Source, output: Path, strict: bool, lang: str, csv: str, privacy: Privacy) -> None:
    """Convert spreadsheets or graph files to GraphML, GEXF, JSON, xlsx or CSV."""
    from carenet_graph.output.dialects import csv_dialect
    from carenet_graph.output.graph import output_paths, write_network

    try:
        targets = output_paths(output)  # fail on an unknown extension before reading anything
    except CarenetError as exc:
        from carenet_graph.i18n import describe_error

        raise click.BadParameter(describe_error(exc, lang), param_hint="-o/--output") from None
    source.guard(*targets)
    data = read_network_of(source, lang, ties_needed=False, strict=strict)
    report = data.report
    written = write_network(network_of(data, privacy), output, dialect=csv_dialect(csv, lang))
    acc = report.accounting
    echo(translate("cli_converted", lang, files=files(written), actors=acc.actors, ties=acc.ties))


@cli.command()
@input_options
@output_option("Folder for actors.csv, network.json, groups.csv, mixing.csv, brokerage.csv, analysis.xlsx.")
@click.option("--group-by", type=click.Choice(["sector", "type", "municipality"]), default="sector",
              show_default=True, help="Groups for brokerage roles, group tables, mixing and E-I.")
@click.option("--mode", type=click.Choice(["undirected", "directed", "mutual"]), default="undirected",
              show_default=True, help="Any report makes a tie, keep direction, or only ties both sides reported.")
@click.option("--min-level", type=click.IntRange(0, 5), default=None, help="Use only ties of at least this level.")
@click.option("--tie-type", "tie_types", multiple=True, help="Use only ties of this type (repeatable).")
@seed_option
@click.option("--exact/--approximate", "exact", default=None,
              help="Exact betweenness, or a bounded-error estimate (default: exact up to 20,000 actors).")
@click.option("--closeness-direction", type=click.Choice(["out", "in"]), default="out", show_default=True,
              help="Directed mode: closeness and harmonic centrality from the actor's distances to the others "
                   "(out, as sna and UCINET) or the others' distances to it (in, as networkx).")
@lang_option("Language of the summary and of analysis.xlsx.")
@csv_option
@privacy_options
def analyze(source: Source, output: Path, group_by: str, mode: str, min_level: int | None,
            tie_types: tuple[str, ...], seed: int, exact: bool | None, closeness_direction: str, lang: str,
            csv: str, privacy: Privacy) -> None:
    """Centrality, brokerage, groups, fragility and network figures, as tables in a folder."""
    from carenet_graph.analysis.run import analyze as run_analysis

    source.guard(*(output / name for name in ANALYSIS_FILES), folder=output)
    progress = terminal_progress(lang)
    progress("reading")
    data = read_network_of(source, lang, ties_needed=True)
    progress("graph")
    # Without pseudonyms the tables go straight into the analysis: no networkx graph is built.
    network = network_of(data, privacy) if privacy.pseudonymize else data
    result = run_analysis(network, mode=mode, group_by=group_by,  # type: ignore[arg-type]
                          min_level=min_level, tie_types=tie_types or None, seed=seed, exact=exact,
                          closeness_direction=closeness_direction,  # type: ignore[arg-type]
                          progress=progress, vocabulary=data.vocabulary)
    progress("writing")
    written = result.write(output, locale=locale_of(lang, data), csv=csv)
    net = result.network
    echo(translate("cli_analyzed", lang, actors=net.actors, ties=net.ties, components=net.components,
                         cut=net.articulation_points))
    from carenet_graph.analysis.methods import approximation_sentence

    for approx in result.approximations:
        echo(approximation_sentence(approx, locale_of(lang, data)))
    echo(translate("summary_written", lang, files=files(written)))


@cli.command()
@input_options
@output_option("Folder for gaps.csv, introductions.csv, scorecards.csv, structural.csv, disagreements.csv, "
               "gaps.xlsx.")
@rules_option
@click.option("--municipality", default=None, help="Only this municipality.")
@lang_option("Language of the explanations and of gaps.xlsx.")
@csv_option
@privacy_options
def gaps(source: Source, output: Path, rules: tuple[Path, ...], municipality: str | None, lang: str,
         csv: str, privacy: Privacy) -> None:
    """Missing links: unmet expectations, municipality scorecards and suggested introductions."""
    from carenet_graph.gaps import find_gaps, load_rules

    source.guard(*(output / name for name in GAP_FILES), folder=output)
    progress = terminal_progress(lang)
    progress("reading")
    data = read_network_of(source, lang, ties_needed=False)
    chosen = load_rules(rules, vocabulary=data.vocabulary)
    progress("gaps")
    report = find_gaps(network_of(data, privacy), chosen, locale=locale_of(lang, data), municipality=municipality)
    written = report.write(output, csv=csv)
    for line in report.summary():
        echo(line)
    echo(translate("summary_written", lang, files=files(written)))


@cli.command(name="map")
@input_options
@output_option("FILE.html for the interactive map, or FILE.png / FILE.svg for a static figure.")
@click.option("--color-by", type=click.Choice(["sector", "type", "community", "municipality"]), default="sector",
              show_default=True)
@click.option("--size-by", type=click.Choice(["degree", "strength", "betweenness", "pagerank", "eigenvector",
                                               "closeness", "harmonic", "none"]), default="degree", show_default=True)
@click.option("--layout", type=click.Choice(["auto", "force", "geo", "circular"]), default="auto", show_default=True,
              help="auto: geographic when actors have coordinates, else force-directed.")
@lang_option()
@seed_option
@click.option("--max-actors", type=click.IntRange(min=1), default=2000, show_default=True,
              help="Above this many actors the map shows actors grouped by municipality or sector.")
@click.option("--title", default=None, help="Heading of the map.")
@click.option("--introductions/--no-introductions", default=True, show_default=True,
              help="Overlay suggested introductions (from the gap rules) as dashed lines.")
@rules_option
@privacy_options
def map_(source: Source, output: Path, color_by: str, size_by: str, layout: str, lang: str, seed: int,
         max_actors: int, title: str | None, introductions: bool, rules: tuple[Path, ...], privacy: Privacy) -> None:
    """Draw the network: one offline HTML file to open in any browser, or a PNG/SVG figure."""
    suffix = output.suffix.lower()
    if suffix not in (".html", ".htm", ".png", ".svg"):
        raise click.BadParameter("end the file name in .html, .png or .svg", param_hint="-o/--output")
    source.guard(output)
    progress = terminal_progress(lang)
    progress("reading")
    data = read_network_of(source, lang, ties_needed=False)
    graph = network_of(data, privacy)
    locale = locale_of(lang, data)
    progress("map")
    if suffix in (".png", ".svg"):
        from carenet_graph.viz.static import write_figure

        write_figure(graph, output, locale=locale, color_by=color_by, size_by=size_by, layout=layout, seed=seed,
                     title=title)
    else:
        from carenet_graph.gaps import load_rules
        from carenet_graph.viz.map import write_map

        write_map(graph, output, locale=locale, title=title, color_by=color_by, size_by=size_by, layout=layout,
                  seed=seed, max_actors=max_actors, introductions=introductions,
                  rules=load_rules(rules, vocabulary=data.vocabulary) if rules else None)
    echo(translate("cli_map_written", lang, path=output, actors=graph.number_of_nodes(),
                         ties=graph.number_of_edges()))


@cli.command()
@input_options
@output_option("The report: one .html file to open, print and send.")
@lang_option()
@click.option("--title", default=None,
              help="Title of the report (default: the name of the network's one palliative network actor).")
@click.option("--date", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The date the data describe (YYYY-MM-DD), shown under the title in the --lang format.")
@rules_option
@privacy_options
@seed_option
def report(source: Source, output: Path, lang: str, title: str | None, date: dt.datetime | None,
           rules: tuple[Path, ...], privacy: Privacy, seed: int) -> None:
    """One self-contained HTML report: summary, map, key actors, fragility, gaps, introductions."""
    from carenet_graph.gaps import load_rules
    from carenet_graph.report import write_report

    if output.suffix.lower() not in (".html", ".htm"):
        raise click.BadParameter("the report is an HTML file: end the file name in .html", param_hint="-o/--output")
    source.guard(output)
    progress = terminal_progress(lang)
    progress("reading")
    data = read_network_of(source, lang, ties_needed=True)
    write_report(network_of(data, privacy), output, locale=locale_of(lang, data), title=title,
                 rules=load_rules(rules, vocabulary=data.vocabulary), validation=data.report, seed=seed,
                 date=date.date() if date else None, progress=progress)
    echo(translate("cli_report_written", lang, path=output))


@cli.command()
@click.argument("before", type=click.Path(path_type=Path))
@click.argument("after", type=click.Path(path_type=Path))
@output_option("Folder for tie_changes.csv, actor_changes.csv, actor_matching.csv, summary.json, compare.xlsx, "
               "compare.html.")
@lang_option()
@rules_option
@vocabulary_option
@limit_option
@seed_option
@csv_option
@privacy_options
@click.option("--match-by", "match_by", type=click.Choice(["auto", "id", "name"]), default="auto", show_default=True,
              help="How actors of the two waves are matched: auto (by id, then by name; refused when the ids "
                   "pair organisations of different names), id (ids only) or name (names only).")
def compare(before: Path, after: Path, output: Path, lang: str, rules: tuple[Path, ...],
            vocabulary: tuple[Path, ...], limits: tuple[str, ...], seed: int, csv: str, privacy: Privacy,
            match_by: str) -> None:
    """Compare two survey waves (each a workbook, a file, or a folder of that wave's files)."""
    import warnings

    from carenet_graph.gaps import load_rules
    from carenet_graph.report.comparison import compare_waves, narrative
    from carenet_graph.waves.matching import WaveMatchWarning, id_list

    Source((before, after)).guard(*(output / name for name in COMPARE_FILES), folder=output)
    progress = terminal_progress(lang)
    progress("reading")
    first = read_network_of(Source((before,), vocabulary=vocabulary, limits=limits), lang, ties_needed=False)
    second = read_network_of(Source((after,), vocabulary=vocabulary, limits=limits), lang, ties_needed=False)
    locale = locale_of(lang, second)
    progress("comparing")
    with warnings.catch_warnings():  # said below, in the user's language
        warnings.simplefilter("ignore", WaveMatchWarning)
        result = compare_waves(network_of(first, privacy), network_of(second, privacy),
                               rules=load_rules(rules, vocabulary=second.vocabulary), locale=locale, seed=seed,
                               output=output, match_by=match_by, csv=csv)
    differ = result.matching.disagreements
    if differ:
        echo(translate("compare_warning_names_differ", lang, count=len(differ), ids=id_list(differ)), err=True)
    for line in narrative(result.summary, locale):
        echo(line)
    echo(translate("compare_written", lang, files=files(result.written)))


@cli.command()
@lang_option("Language of the headers, lists and instructions.")
@output_option("The .xlsx file to write (an existing file is left alone unless --force).")
@click.option("--force", is_flag=True, help="Replace an existing file with the empty template.")
def template(lang: str, output: Path, force: bool) -> None:
    """Write an empty Excel workbook to fill in: instructions, actors and ties with dropdowns."""
    from carenet_graph.output.template import write_template

    if output.suffix.lower() != ".xlsx":
        raise click.BadParameter("the template is an Excel workbook: end the file name in .xlsx",
                                 param_hint="-o/--output")
    write_template(output, lang, force=force)
    echo(translate("cli_template_written", lang, path=output))


@cli.command()
@click.option("-o", "--out", "out", type=click.Path(path_type=Path), default=Path("outputs"), show_default=True,
              help="Folder for the outputs.")
@click.option("--example", type=click.Choice(["lippe", "varmland", "eemland"]), default="lippe", show_default=True,
              help="Which bundled example network: Kreis Lippe (de), Region Värmland (sv) or Eemland (nl).")
@click.option("--lang", type=click.Choice(LANGUAGES), default=None,
              help="Language of the outputs (default: the example's own language).")
def demo(out: Path, example: str, lang: str | None) -> None:
    """Run the pipeline on a bundled example network and write the results to a folder."""
    from carenet_graph.demo import run_demo

    for line in run_demo(out, example, lang):
        echo(line)


def _stop(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def _interrupted(args: list[str]) -> NoReturn:
    """End a stopped run: the message, then exit 130 at once. By now the output set is discarded or
    complete; a second Ctrl-C (or one still pending from threads of a numeric library) must not
    turn the documented exit into a death by signal, so further interrupts are ignored and the
    process ends without running more Python code."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    echo(translate("cli_interrupted", language_of(args)), err=True)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(130)


def language_of(args: list[str]) -> str:
    """The ``--lang`` of a command line, for messages printed outside the command (default en)."""
    for index, arg in enumerate(args):
        value = arg.partition("=")[2] if arg.startswith("--lang=") else (
            args[index + 1] if arg == "--lang" and index + 1 < len(args) else None)
        if value in LANGUAGES:
            return value
    return "en"


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``carenet`` console script."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    # A stopped run (kill, a closed terminal session) ends like Ctrl-C: the output set being
    # written is discarded, earlier outputs stay complete, and no temporary file is left.
    signal.signal(signal.SIGTERM, _stop)
    try:
        cli.main(args=args, prog_name="carenet", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        from carenet_graph.i18n import catalog

        shown = io.StringIO()
        exc.show(file=shown)
        # click writes its labels in English; the word before the message is ours to translate.
        label = catalog(language_of(args))["severity.error"].capitalize()
        echo(re.sub(r"(?m)^Error: ", f"{label}: ", shown.getvalue().rstrip("\n")), err=True)
        sys.exit(exc.exit_code)
    except click.Abort as exc:
        if isinstance(exc.__context__, KeyboardInterrupt):  # click turns Ctrl-C into Abort
            _interrupted(args)
        echo("Aborted.", err=True)
        sys.exit(1)
    except CarenetError as exc:
        if debug:
            raise
        from carenet_graph.i18n import catalog, describe_error

        lang = language_of(args)
        echo(f"{catalog(lang)['severity.error'].capitalize()}: {describe_error(exc, lang)}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        _interrupted(args)
    except Exception as exc:
        if debug:
            raise
        echo(f"Internal error ({type(exc).__name__}). This is a bug in carenet-graph, not in your data. "
                   "Run the same command with --debug and report the traceback.", err=True)
        sys.exit(1)
    sys.exit(0)


# The survey commands live in their own module, which builds on the helpers above (so it is
# imported here, after them).
from carenet_graph.cli_derive import derive  # noqa: E402
from carenet_graph.cli_survey import survey  # noqa: E402

cli.add_command(derive)
cli.add_command(survey)
