"""carenet-graph: map and analyse collaboration between care actors.

Read spreadsheets (xlsx, ods, csv), GraphML, GEXF or node-link JSON into a plain, lossless
:class:`networkx.MultiDiGraph`, validate them with located problems, and collapse the reported
ties into a simple graph with ``strength`` (higher = closer) and ``distance = 1/strength``.

>>> import carenet_graph as cg
>>> G = cg.load(["network.xlsx"])              # doctest: +SKIP
>>> H = cg.collapse(G, mode="undirected")      # doctest: +SKIP
"""

from carenet_graph.errors import (
    CarenetError,
    InputError,
    MissingDependencyError,
    OutputError,
    ValidationFailed,
    VocabularyError,
)
from carenet_graph.network import build_graph, collapse, tie_strength
from carenet_graph.privacy import load_or_create_key, mapping_table, pseudonym, pseudonymize
from carenet_graph.read.load import NetworkData, load, read_network, to_graph, validate
from carenet_graph.read.problems import Accounting, Problem, ValidationReport
from carenet_graph.vocabulary import Vocabulary, default_vocabulary, load_vocabulary

__version__ = "0.1.0"

__all__ = [
    "Accounting",
    "CarenetError",
    "InputError",
    "MissingDependencyError",
    "NetworkData",
    "OutputError",
    "Problem",
    "ValidationFailed",
    "ValidationReport",
    "Vocabulary",
    "VocabularyError",
    "__version__",
    "build_graph",
    "collapse",
    "default_vocabulary",
    "load",
    "load_or_create_key",
    "load_vocabulary",
    "mapping_table",
    "pseudonym",
    "pseudonymize",
    "read_network",
    "tie_strength",
    "to_graph",
    "validate",
]
