"""Reading: everything from the bytes of a file to :class:`NetworkData`.

The way through, one module a step: :mod:`.sniff` (what a file is, its encoding and
delimiter) → :mod:`.tables` (files and workbook sheets as rows of text cells; header and
table-role recognition) → :mod:`.records` and :mod:`.layouts` (typed columns; survey and
matrix layouts melted into ties) with :mod:`.cells` (one cell's conversion) →
:mod:`.resolve` (actor ids, tie ends, duplicates) → :mod:`.load` (the whole run and the
row accounting). :mod:`.graphformats` reads GraphML, GEXF and node-link JSON into the same
tables. Every problem is located in the :class:`~.problems.ValidationReport`.
"""

from carenet_graph.read.load import NetworkData, load, read_network, to_graph, validate
from carenet_graph.read.problems import Accounting, Problem, ValidationReport

__all__ = ["Accounting", "NetworkData", "Problem", "ValidationReport", "load", "read_network", "to_graph",
           "validate"]
