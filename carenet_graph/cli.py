"""The ``carenet`` command line: a thin shell over the library.

Each command parses its options, makes one library call, writes, and prints a short summary.
:class:`~carenet_graph.errors.CarenetError` is caught once, in :func:`main`: the user sees
where and what and how to fix it, never a traceback (``--debug`` shows one). Exit codes:
0 done, 1 errors (in the data or the run), 2 usage.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from carenet_graph import __version__
from carenet_graph.errors import CarenetError

LANGS = ("en", "de", "nl", "sv")


def _input_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Options shared by every command that reads a network."""
    options = [
        click.argument("inputs", nargs=-1, type=click.Path(path_type=Path)),
        click.option("--actors", "actors", multiple=True, type=click.Path(path_type=Path),
                     help="File holding the actors (its role is then not guessed)."),
        click.option("--ties", "ties", multiple=True, type=click.Path(path_type=Path),
                     help="File holding the ties (collaborations)."),
        click.option("--sep", default=None, help="Column separator of CSV/TSV files (default: detected)."),
        click.option("--actors-sheet", default=None, help="Workbook sheet with the actors (default: by name)."),
        click.option("--ties-sheet", default=None, help="Workbook sheet with the ties (default: by name)."),
        click.option("--vocabulary", "vocabulary", multiple=True, type=click.Path(path_type=Path),
                     help="Your own YAML file of types, synonyms and header names (added to the built-in one)."),
        click.option("--show-values", is_flag=True,
                     help="Quote cell values (names, notes) in messages. Off by default: they can be personal data."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _read(inputs: tuple[Path, ...], actors: tuple[Path, ...], ties: tuple[Path, ...], sep: str | None,
          actors_sheet: str | None, ties_sheet: str | None, vocabulary: tuple[Path, ...]) -> Any:
    from carenet_graph.read.load import read_network

    if not inputs and not actors and not ties:
        raise click.UsageError("name at least one input file or folder (or use --actors/--ties).")
    return read_network(list(inputs), actors=list(actors), ties=list(ties), sep=sep, actors_sheet=actors_sheet,
                        ties_sheet=ties_sheet, vocabulary=list(vocabulary))


def _privacy_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """--pseudonymize / --key for every command that writes names."""
    func = click.option("--key", "key", type=click.Path(path_type=Path), default=None,
                        help="Key file for --pseudonymize (created if missing; keep it private, reuse it next year)."
                        )(func)
    return click.option("--pseudonymize", is_flag=True,
                        help="Replace every actor name with a stable keyed pseudonym in all outputs.")(func)


def _graph(data: Any, pseudonymize: bool, key: Path | None) -> Any:
    """The multigraph of what was read, pseudonymised when asked (the key file is never output)."""
    from carenet_graph.read.load import to_graph

    graph = to_graph(data)
    if not pseudonymize:
        return graph
    if key is None:
        raise click.BadParameter("--pseudonymize needs --key KEYFILE (created if missing)", param_hint="--key")
    from carenet_graph.privacy.pseudonyms import load_or_create_key
    from carenet_graph.privacy.pseudonyms import pseudonymize as pseudonymize_graph

    hidden, _ = pseudonymize_graph(graph, load_or_create_key(key))
    return hidden


def _input_errors(data: Any, lang: str) -> None:
    """One line on stderr when rows were left out because of errors."""
    if data.report.has_errors:
        from carenet_graph.i18n import translate

        click.echo(translate("cli_input_errors", lang, errors=data.report.counts()["error"],
                             rows=data.report.accounting.rows_rejected), err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="carenet")
@click.option("--debug", is_flag=True, help="Show a full traceback when something goes wrong.")
def cli(debug: bool) -> None:
    """carenet: map and analyse collaboration between care actors.

    Start with 'carenet demo', or 'carenet template --lang de -o netzwerk.xlsx' to get a
    spreadsheet to fill in, then 'carenet validate netzwerk.xlsx'.
    """


@cli.command()
@_input_options
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Plain-language text, or JSON with every problem.")
@click.option("--lang", type=click.Choice(LANGS), default="en", show_default=True,
              help="Language of the text summary (each problem then reads as its rule's plain sentence).")
def validate(inputs: tuple[Path, ...], actors: tuple[Path, ...], ties: tuple[Path, ...], sep: str | None,
             actors_sheet: str | None, ties_sheet: str | None, vocabulary: tuple[Path, ...], show_values: bool,
             fmt: str, lang: str) -> None:
    """Check spreadsheets (or a folder of them) and list every problem with its location.

    Exit code 0: no errors; 1: errors found (listed); 2: wrong usage.
    """
    data = _read(inputs, actors, ties, sep, actors_sheet, ties_sheet, vocabulary)
    report = data.report
    click.echo(report.to_json(show_values) if fmt == "json" else report.summary(show_values, lang=lang))
    sys.exit(1 if report.has_errors else 0)


@cli.command()
@_input_options
@click.option("-o", "--output", "output", required=True, type=click.Path(path_type=Path),
              help="Output file: .graphml, .gexf, .json (node-link), .xlsx, or .csv (writes NAME_actors.csv "
                   "and NAME_ties.csv).")
@click.option("--strict", is_flag=True, help="Write nothing if the input has errors.")
@click.option("--lang", type=click.Choice(LANGS), default="en", show_default=True, help="Language of the summary.")
@_privacy_options
def convert(inputs: tuple[Path, ...], actors: tuple[Path, ...], ties: tuple[Path, ...], sep: str | None,
            actors_sheet: str | None, ties_sheet: str | None, vocabulary: tuple[Path, ...], show_values: bool,
            output: Path, strict: bool, lang: str, pseudonymize: bool, key: Path | None) -> None:
    """Convert spreadsheets or graph files to GraphML, GEXF, JSON, xlsx or CSV."""
    from carenet_graph.output.graph import output_paths, write_network

    try:
        output_paths(output)  # fail on an unknown extension before reading anything
    except CarenetError as exc:
        raise click.BadParameter(f"{exc.message}. {exc.hint}", param_hint="-o/--output") from None
    data = _read(inputs, actors, ties, sep, actors_sheet, ties_sheet, vocabulary)
    report = data.report
    if strict and report.has_errors:
        click.echo(report.summary(show_values), err=True)
        raise CarenetError("nothing written: the input has errors (see above)",
                           hint="Fix them, or run without --strict to convert the rows that are fine.")
    written = write_network(_graph(data, pseudonymize, key), output)
    from carenet_graph.i18n import translate

    acc = report.accounting
    click.echo(translate("cli_converted", lang, files=", ".join(str(p) for p in written), actors=acc.actors,
                         ties=acc.ties))
    _input_errors(data, lang)


@cli.command()
@_input_options
@click.option("-o", "--output", "output", required=True, type=click.Path(path_type=Path),
              help="Folder for actors.csv, network.json, groups.csv, mixing.csv, brokerage.csv, analysis.xlsx.")
@click.option("--group-by", type=click.Choice(["sector", "type", "municipality"]), default="sector",
              show_default=True, help="Groups for brokerage roles, group tables, mixing and E-I.")
@click.option("--mode", type=click.Choice(["undirected", "directed", "mutual"]), default="undirected",
              show_default=True, help="Any report makes a tie, keep direction, or only ties both sides reported.")
@click.option("--min-level", type=click.IntRange(0, 5), default=None, help="Use only ties of at least this level.")
@click.option("--tie-type", "tie_types", multiple=True, help="Use only ties of this type (repeatable).")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed for communities and permutation tests.")
@click.option("--exact/--approximate", "exact", default=None,
              help="Exact betweenness, or a bounded-error estimate (default: exact up to 20,000 actors).")
@click.option("--lang", type=click.Choice(LANGS), default="en", show_default=True, help="Language of the summary.")
@_privacy_options
def analyze(inputs: tuple[Path, ...], actors: tuple[Path, ...], ties: tuple[Path, ...], sep: str | None,
            actors_sheet: str | None, ties_sheet: str | None, vocabulary: tuple[Path, ...], show_values: bool,
            output: Path, group_by: str, mode: str, min_level: int | None, tie_types: tuple[str, ...], seed: int,
            exact: bool | None, lang: str, pseudonymize: bool, key: Path | None) -> None:
    """Centrality, brokerage, groups, fragility and network figures, as tables in a folder."""
    import time

    from carenet_graph.analysis.run import analyze as run_analysis
    from carenet_graph.analysis.run import write_analysis

    start = time.perf_counter()

    def progress(step: str) -> None:
        click.echo(f"  [{time.perf_counter() - start:6.1f} s] {step}", err=True)

    progress("reading")
    data = _read(inputs, actors, ties, sep, actors_sheet, ties_sheet, vocabulary)
    types = []
    for text in tie_types:
        match = data.vocabulary.match_tie_type(text)
        if not match.matched:
            known = ", ".join(sorted(data.vocabulary.tie_types))
            raise click.BadParameter(f"unknown tie type {text!r}; known: {known}", param_hint="--tie-type")
        types.append(match.id)
    progress("building the graph")
    result = run_analysis(_graph(data, pseudonymize, key), mode=mode, group_by=group_by, min_level=min_level,  # type: ignore[arg-type]
                          tie_types=types or None, seed=seed, exact=exact, progress=progress)
    progress("writing")
    written = write_analysis(result, output)
    from carenet_graph.i18n import translate

    net = result.network
    click.echo(translate("cli_analyzed", lang, actors=net.actors, ties=net.ties, components=net.components,
                         cut=net.articulation_points))
    for approx in result.approximations:
        measure = approx.measure.capitalize()
        if approx.bound_kind == "absolute error" and approx.confidence is not None:
            click.echo(translate("cli_estimated_abs", lang, measure=measure, samples=approx.samples,
                                 bound=f"{approx.bound:.3g}", confidence=f"{approx.confidence:.0%}"))
        else:
            click.echo(translate("cli_estimated_rel", lang, measure=measure, samples=approx.samples,
                                 bound=f"{approx.bound:.2%}"))
    click.echo(translate("summary_written", lang, files=", ".join(str(p) for p in written)))
    _input_errors(data, lang)


@cli.command()
@_input_options
@click.option("-o", "--output", "output", required=True, type=click.Path(path_type=Path),
              help="Folder for gaps.csv, introductions.csv, scorecards.csv, structural.csv, disagreements.csv, "
                   "gaps.xlsx.")
@click.option("--rules", "rules", multiple=True, type=click.Path(path_type=Path),
              help="Your own YAML rules file (replaces built-in rules of the same id, adds new ones).")
@click.option("--municipality", default=None, help="Only this municipality.")
@click.option("--lang", type=click.Choice(LANGS), default="en", show_default=True,
              help="Language of the explanations.")
@_privacy_options
def gaps(inputs: tuple[Path, ...], actors: tuple[Path, ...], ties: tuple[Path, ...], sep: str | None,
         actors_sheet: str | None, ties_sheet: str | None, vocabulary: tuple[Path, ...], show_values: bool,
         output: Path, rules: tuple[Path, ...], municipality: str | None, lang: str,
         pseudonymize: bool, key: Path | None) -> None:
    """Missing links: unmet expectations, municipality scorecards and suggested introductions."""
    from carenet_graph.gaps.rules import load_rules
    from carenet_graph.gaps.run import find_gaps, write_gap_report
    from carenet_graph.i18n import translate
    from carenet_graph.locale import Locale

    data = _read(inputs, actors, ties, sep, actors_sheet, ties_sheet, vocabulary)
    chosen = load_rules(rules, vocabulary=data.vocabulary)
    graph = _graph(data, pseudonymize, key)
    if municipality and municipality not in {d.get("municipality") for _, d in graph.nodes(data=True)}:
        raise click.BadParameter("no actor is in that municipality", param_hint="--municipality")
    report = find_gaps(graph, chosen, locale=Locale(lang, data.vocabulary), municipality=municipality)
    written = write_gap_report(report, output)
    for line in report.summary():
        click.echo(line)
    click.echo(translate("summary_written", lang, files=", ".join(str(p) for p in written)))
    _input_errors(data, lang)


@cli.command(name="map")
@_input_options
@click.option("-o", "--output", "output", required=True, type=click.Path(path_type=Path),
              help="FILE.html for the interactive map, or FILE.png / FILE.svg for a static figure.")
@click.option("--color-by", type=click.Choice(["sector", "type", "community", "municipality"]), default="sector",
              show_default=True)
@click.option("--size-by", type=click.Choice(["degree", "strength", "betweenness", "pagerank", "eigenvector",
                                               "closeness", "harmonic", "none"]), default="degree", show_default=True)
@click.option("--layout", type=click.Choice(["auto", "force", "geo", "circular"]), default="auto", show_default=True,
              help="auto: geographic when actors have coordinates, else force-directed.")
@click.option("--lang", type=click.Choice(LANGS), default="en", show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--max-actors", type=click.IntRange(min=1), default=2000, show_default=True,
              help="Above this many actors the map shows actors grouped by municipality or sector.")
@click.option("--title", default=None, help="Heading of the map.")
@click.option("--introductions/--no-introductions", default=True, show_default=True,
              help="Overlay suggested introductions (from the gap rules) as dashed lines.")
@_privacy_options
def map_(inputs: tuple[Path, ...], actors: tuple[Path, ...], ties: tuple[Path, ...], sep: str | None,
         actors_sheet: str | None, ties_sheet: str | None, vocabulary: tuple[Path, ...], show_values: bool,
         output: Path, color_by: str, size_by: str, layout: str, lang: str, seed: int, max_actors: int,
         title: str | None, introductions: bool, pseudonymize: bool, key: Path | None) -> None:
    """Draw the network: one offline HTML file to open in any browser, or a PNG/SVG figure."""

    suffix = output.suffix.lower()
    if suffix not in (".html", ".htm", ".png", ".svg"):
        raise click.BadParameter("end the file name in .html, .png or .svg", param_hint="-o/--output")
    data = _read(inputs, actors, ties, sep, actors_sheet, ties_sheet, vocabulary)
    graph = _graph(data, pseudonymize, key)
    if suffix in (".png", ".svg"):
        from carenet_graph.viz.static import write_figure

        write_figure(graph, output, color_by=color_by, size_by=size_by, layout=layout, lang=lang, seed=seed,
                     title=title, vocabulary=data.vocabulary)
    else:
        from carenet_graph.viz.map import write_map

        overlay = None
        if introductions:
            from carenet_graph.gaps.run import find_gaps
            from carenet_graph.locale import Locale

            overlay = find_gaps(graph, locale=Locale(lang, data.vocabulary)).introductions
        write_map(graph, output, title=title, color_by=color_by, size_by=size_by, layout=layout, lang=lang,
                  seed=seed, max_actors=max_actors, introductions=overlay, vocabulary=data.vocabulary)
    from carenet_graph.i18n import translate

    click.echo(translate("cli_map_written", lang, path=output, actors=graph.number_of_nodes(),
                         ties=graph.number_of_edges()))


@cli.command()
@_input_options
@click.option("-o", "--output", "output", required=True, type=click.Path(path_type=Path),
              help="The report: one .html file to open, print and send.")
@click.option("--lang", type=click.Choice(LANGS), default="en", show_default=True)
@click.option("--title", default=None, help="Title of the report.")
@click.option("--rules", "rules", multiple=True, type=click.Path(path_type=Path),
              help="Your own YAML rules file for the gap analysis.")
@click.option("--pseudonymize", is_flag=True, help="Replace every actor name with a stable keyed pseudonym.")
@click.option("--key", "key", type=click.Path(path_type=Path), default=None,
              help="Key file for --pseudonymize (created if missing; keep it private, use it again next year).")
@click.option("--seed", type=int, default=0, show_default=True)
def report(inputs: tuple[Path, ...], actors: tuple[Path, ...], ties: tuple[Path, ...], sep: str | None,
           actors_sheet: str | None, ties_sheet: str | None, vocabulary: tuple[Path, ...], show_values: bool,
           output: Path, lang: str, title: str | None, rules: tuple[Path, ...], pseudonymize: bool,
           key: Path | None, seed: int) -> None:
    """One self-contained HTML report: summary, map, key actors, fragility, gaps, introductions."""
    from carenet_graph.gaps.rules import load_rules
    from carenet_graph.report import write_report

    if output.suffix.lower() not in (".html", ".htm"):
        raise click.BadParameter("the report is an HTML file: end the file name in .html", param_hint="-o/--output")
    data = _read(inputs, actors, ties, sep, actors_sheet, ties_sheet, vocabulary)
    chosen = load_rules(rules, vocabulary=data.vocabulary)
    graph = _graph(data, pseudonymize, key)
    write_report(graph, output, lang=lang, title=title, rules=chosen, validation=data.report, seed=seed,
                 vocabulary=data.vocabulary)
    from carenet_graph.i18n import translate

    click.echo(translate("cli_report_written", lang, path=output))


@cli.command()
@click.argument("before", type=click.Path(path_type=Path))
@click.argument("after", type=click.Path(path_type=Path))
@click.option("-o", "--output", "output", required=True, type=click.Path(path_type=Path),
              help="Folder for tie_changes.csv, actor_changes.csv, actor_matching.csv, summary.json, compare.html.")
@click.option("--lang", type=click.Choice(LANGS), default="en", show_default=True)
@click.option("--rules", "rules", multiple=True, type=click.Path(path_type=Path), help="Your own YAML rules file.")
@click.option("--vocabulary", "vocabulary", multiple=True, type=click.Path(path_type=Path),
              help="Your own YAML vocabulary file (added to the built-in one).")
@click.option("--seed", type=int, default=0, show_default=True)
@_privacy_options
def compare(before: Path, after: Path, output: Path, lang: str, rules: tuple[Path, ...],
            vocabulary: tuple[Path, ...], seed: int, pseudonymize: bool, key: Path | None) -> None:
    """Compare two survey waves (each a workbook, a file, or a folder of that wave's files)."""
    from carenet_graph.gaps.rules import load_rules
    from carenet_graph.i18n import translate
    from carenet_graph.locale import Locale
    from carenet_graph.output.files import atomic_write_text
    from carenet_graph.report.comparison import comparison_page, narrative
    from carenet_graph.waves import compare as run_compare
    from carenet_graph.waves import write_comparison

    first = _read((before,), (), (), None, None, None, vocabulary)
    second = _read((after,), (), (), None, None, None, vocabulary)
    chosen = load_rules(rules, vocabulary=second.vocabulary)
    g_before = _graph(first, pseudonymize, key)
    g_after = _graph(second, pseudonymize, key)
    result = run_compare(g_before, g_after, rules=chosen, seed=seed, locale=Locale(lang, second.vocabulary))
    written = write_comparison(result, output)
    story = narrative(result.summary, lang)
    page = comparison_page(g_before, g_after, result.matching.pairs, result.tie_changes, story, lang=lang,
                           seed=seed, vocabulary=second.vocabulary)
    atomic_write_text(output / "compare.html", page)
    written.append(output / "compare.html")
    for line in story:
        click.echo(line)
    click.echo(translate("compare_written", lang, files=", ".join(str(p) for p in written)))


@cli.command()
@click.option("--lang", type=click.Choice(LANGS), default="en", show_default=True,
              help="Language of the headers, lists and instructions.")
@click.option("-o", "--output", "output", required=True, type=click.Path(path_type=Path),
              help="The .xlsx file to write.")
def template(lang: str, output: Path) -> None:
    """Write an empty Excel workbook to fill in: instructions, actors and ties with dropdowns."""
    from carenet_graph.output.template import write_template

    if output.suffix.lower() != ".xlsx":
        raise click.BadParameter("the template is an Excel workbook: end the file name in .xlsx",
                                 param_hint="-o/--output")
    from carenet_graph.i18n import translate

    write_template(output, lang)
    click.echo(translate("cli_template_written", lang, path=output))


@cli.command()
@click.option("-o", "--out", "out", type=click.Path(path_type=Path), default=Path("outputs"), show_default=True,
              help="Folder for the outputs.")
@click.option("--example", type=click.Choice(["lippe", "varmland", "eemland"]), default="lippe", show_default=True,
              help="Which bundled example network: Kreis Lippe (de), Region Värmland (sv) or Eemland (nl).")
@click.option("--lang", type=click.Choice(LANGS), default=None,
              help="Language of the outputs (default: the example's own language).")
def demo(out: Path, example: str, lang: str | None) -> None:
    """Run the pipeline on a bundled example network and write the results to a folder."""
    from carenet_graph.demo import run_demo

    for line in run_demo(out, example, lang):
        click.echo(line)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``carenet`` console script."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    try:
        cli.main(args=args, prog_name="carenet", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(1)
    except CarenetError as exc:
        if debug:
            raise
        click.echo(f"Error: {exc.describe()}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo("Interrupted; earlier outputs are left as they were.", err=True)
        sys.exit(130)
    except Exception as exc:
        if debug:
            raise
        click.echo(f"Internal error ({type(exc).__name__}). This is a bug in carenet-graph, not in your data. "
                   "Run the same command with --debug and report the traceback.", err=True)
        sys.exit(1)
    sys.exit(0)
