"""``carenet demo``: the pipeline on a bundled example network, written to a folder.

The examples live in the repository's ``data/`` folder, which the wheel ships as
``carenet_graph/_data`` (see pyproject.toml), so the demo works from a source checkout and
from an installed package alike.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from carenet_graph.analysis.run import analyze
from carenet_graph.errors import InputError
from carenet_graph.gaps.run import find_gaps
from carenet_graph.i18n import translate
from carenet_graph.locale import Locale
from carenet_graph.output.atomic import write_now
from carenet_graph.output.files import atomic_write_text
from carenet_graph.output.graph import write_network
from carenet_graph.read import read_network, to_graph
from carenet_graph.report import write_report
from carenet_graph.viz.map import write_map

EXAMPLES = {"lippe": ("lippe", "netzwerk_lippe.xlsx"), "varmland": ("varmland", "natverk_varmland.xlsx"),
            "eemland": ("eemland", "netwerk_eemland.xlsx")}
EXAMPLE_LANGUAGE = {"lippe": "de", "varmland": "sv", "eemland": "nl"}
EXAMPLE_TITLE = {"lippe": "Palliativnetz Lippe (fiktives Beispiel)",
                 "varmland": "Palliativ vård i Värmland (fiktivt exempel)",
                 "eemland": "Netwerk Palliatieve Zorg Eemland (fictief voorbeeld)"}


def example_path(name: str) -> Path:
    """Path of a bundled example workbook (installed package first, then the source tree)."""
    folder, filename = EXAMPLES[name]
    installed = Path(str(resources.files("carenet_graph"))) / "_data" / folder / filename
    if installed.is_file():
        return installed
    source_tree = Path(__file__).resolve().parent.parent / "data" / folder / filename
    if source_tree.is_file():
        return source_tree
    raise InputError(f"the bundled example '{name}' is missing from this installation",
                     hint="Reinstall carenet-graph (pip install --force-reinstall carenet-graph).",
                     key="demo.example_missing", values={"name": name})


def run_demo(out: Path, example: str = "lippe", lang: str | None = None) -> list[str]:
    """Validate, convert, analyse and look for gaps in the example, writing into ``out``;
    returns the lines to show the user.

    The example workbook is first copied into ``out`` (to open and see how a network is filled
    in) and read from there, so that the outputs name the same file wherever carenet-graph is
    installed: same example and options, same bytes.
    """
    source = example_path(example)
    out.mkdir(parents=True, exist_ok=True)
    copy = out / source.name
    write_now(copy, source.read_bytes())  # read back below: in place at once, not at the end of the set
    data = read_network([copy])
    report = data.report
    written: list[Path] = [copy]
    lang = lang or EXAMPLE_LANGUAGE.get(example, "en")
    for name, text in (("validation.txt", report.summary(max_problems=200, lang=lang) + "\n"),
                       ("validation.json", report.to_json() + "\n")):
        atomic_write_text(out / name, text)
        written.append(out / name)
    graph = to_graph(data, name=f"example {example}")
    for suffix in (".xlsx", ".graphml", ".gexf", ".json"):
        written += write_network(graph, out / f"{example}{suffix}")
    locale = Locale(lang, data.vocabulary)
    written += analyze(graph, seed=0).write(out / "analysis", locale=locale)
    gaps = find_gaps(graph, locale=locale, output=out / "gaps")
    written += gaps.written
    written.append(write_map(graph, out / "map.html", locale=locale, title=EXAMPLE_TITLE.get(example),
                             introductions=gaps.introductions))
    written.append(write_report(graph, out / "report.html", locale=locale, title=EXAMPLE_TITLE.get(example),
                                validation=report))
    acc = report.accounting
    counts = report.counts()
    lines = [
        translate("demo_example", lang, file=source.name),
        translate("demo_read", lang, rows=acc.rows_read, actors=acc.actors, ties=acc.ties, errors=counts["error"],
                  warnings=counts["warning"]),
        translate("demo_wrote", lang),
        *(f"  {path}" for path in written),
        translate("demo_open", lang, report=out / "report.html", map=out / "map.html", gaps=out / "gaps" / "gaps.xlsx",
                  analysis=out / "analysis" / "analysis.xlsx", validation=out / "validation.txt",
                  graphml=out / f"{example}.graphml"),
    ]
    return lines
