"""carenet-graph: map and analyse collaboration between care actors.

Read spreadsheets (xlsx, ods, csv), GraphML, GEXF or node-link JSON into a plain, lossless
:class:`networkx.MultiDiGraph`, validate them with located problems, and collapse the reported
ties into a simple graph with ``strength`` (higher = closer) and ``distance = 1/strength``.

Every ``carenet`` command has a Python twin here, so a notebook can do exactly what the
command line does:

=====================  ==========================================================
``carenet validate``   :func:`validate` (or :func:`read_network` for the tables too)
``carenet convert``    :func:`load` then :func:`write_network`
``carenet analyze``    :func:`analyze` (``output=`` writes the tables)
``carenet gaps``       :func:`find_gaps` (``output=`` writes the tables)
``carenet map``        :func:`write_map` (HTML) / :func:`write_figure` (PNG, SVG)
``carenet report``     :func:`write_report`
``carenet compare``    :func:`compare_waves` (``output=`` writes tables and page)
``carenet template``   :func:`write_template`
``carenet demo``       :func:`run_demo`
``carenet derive``     :func:`derive` (needs the ``derive`` extra: DuckDB, sqlglot)
=====================  ==========================================================

Language and vocabulary are passed once, as a :class:`Locale`; ``--pseudonymize --key`` is
:func:`pseudonymize` with :func:`load_or_create_key`.

>>> import carenet_graph as cg
>>> G = cg.load(["network.xlsx"])                        # doctest: +SKIP
>>> result = cg.analyze(G, output="analysis/")            # doctest: +SKIP
>>> cg.write_report(G, "report.html", locale=cg.Locale("de"))  # doctest: +SKIP
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# Imported at once, not lazily: the function shares its name with its subpackage, and importing any
# module of carenet_graph.derive would otherwise replace the lazy name with the package. It is light
# (DuckDB, sqlglot and PySpark are imported only when a construction runs).
from carenet_graph.derive.options import DeriveOptions
from carenet_graph.derive.run import DeriveResult, derive
from carenet_graph.errors import (
    CarenetError,
    InputError,
    MissingDependencyError,
    OptionError,
    OutputError,
    ValidationFailed,
    VocabularyError,
)
from carenet_graph.locale import Locale
from carenet_graph.network import build_graph, collapse, tie_strength
from carenet_graph.privacy import load_or_create_key, mapping_table, pseudonym, pseudonymize
from carenet_graph.read import (
    Accounting,
    NetworkData,
    Problem,
    ValidationReport,
    load,
    read_network,
    to_graph,
    validate,
)
from carenet_graph.vocabulary import Vocabulary, default_vocabulary, load_vocabulary

__version__ = "0.1.0"

# The twins of analyze, gaps, map, report, compare, template and demo pull in igraph,
# matplotlib, pyvis and Jinja2: they are imported on first use, so that `import carenet_graph`
# (and every CLI command) starts fast.
_LAZY = {
    "Analysis": "carenet_graph.analysis.run",
    "analyze": "carenet_graph.analysis.run",
    "write_analysis": "carenet_graph.analysis.run",
    "GapReport": "carenet_graph.gaps.run",
    "find_gaps": "carenet_graph.gaps.run",
    "write_gap_report": "carenet_graph.gaps.run",
    "Rule": "carenet_graph.gaps.rules",
    "load_rules": "carenet_graph.gaps.rules",
    "Comparison": "carenet_graph.waves",
    "compare_waves": "carenet_graph.report.comparison",
    "write_map": "carenet_graph.viz.map",
    "to_pyvis": "carenet_graph.viz.map",
    "write_figure": "carenet_graph.viz.static",
    "write_report": "carenet_graph.report.build",
    "write_network": "carenet_graph.output.graph",
    "write_template": "carenet_graph.output.template",
    "run_demo": "carenet_graph.demo",
}

if TYPE_CHECKING:
    from carenet_graph.analysis.run import Analysis, analyze, write_analysis
    from carenet_graph.demo import run_demo
    from carenet_graph.gaps.rules import Rule, load_rules
    from carenet_graph.gaps.run import GapReport, find_gaps, write_gap_report
    from carenet_graph.output.graph import write_network
    from carenet_graph.output.template import write_template
    from carenet_graph.report.build import write_report
    from carenet_graph.report.comparison import compare_waves
    from carenet_graph.viz.map import to_pyvis, write_map
    from carenet_graph.viz.static import write_figure
    from carenet_graph.waves import Comparison


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'carenet_graph' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "Accounting",
    "Analysis",
    "CarenetError",
    "Comparison",
    "DeriveOptions",
    "DeriveResult",
    "GapReport",
    "InputError",
    "Locale",
    "MissingDependencyError",
    "NetworkData",
    "OptionError",
    "OutputError",
    "Problem",
    "Rule",
    "ValidationFailed",
    "ValidationReport",
    "Vocabulary",
    "VocabularyError",
    "__version__",
    "analyze",
    "build_graph",
    "collapse",
    "compare_waves",
    "default_vocabulary",
    "derive",
    "find_gaps",
    "load",
    "load_or_create_key",
    "load_rules",
    "load_vocabulary",
    "mapping_table",
    "pseudonym",
    "pseudonymize",
    "read_network",
    "run_demo",
    "tie_strength",
    "to_graph",
    "to_pyvis",
    "validate",
    "write_analysis",
    "write_figure",
    "write_gap_report",
    "write_map",
    "write_network",
    "write_report",
    "write_template",
]
