"""Reading: everything from the bytes of a file to :class:`NetworkData`.

The way through, one module a step:

* :mod:`.opening` – a file opened once: size checked, pipes spooled, devices refused, all
  within :mod:`.limits`;
* :mod:`.sniff` – what a file is (by content) and its delimiter; :mod:`.encodings` its
  encoding, stray bytes located;
* :mod:`.files` – files and workbook sheets as rows of text cells (formula errors and merged
  cells put back); :mod:`.textfiles` streams delimited text within the limits;
* :mod:`.workbooks` – xlsx, xls and ods sheets read within the limits, which :mod:`.bounds` and
  :mod:`.sheetscan` check before the reader allocates (sizes, sheets, each sheet's used area),
  an xls first opened in a child process (:mod:`.isolation`);
* :mod:`.headers` – the header row found, columns named, the table's role recognised
  (actors, ties, matrix, survey; sheet names in four languages);
* :mod:`.records` – typed columns of actors and ties tables, with :mod:`.cells` (one cell's
  cleaning and conversion);
* :mod:`.layouts` – survey and matrix layouts melted into ties;
* :mod:`.resolve` – actor ids, tie ends, duplicates;
* :mod:`.load` – the whole run and the row accounting.

:mod:`.graphformats` reads GraphML, GEXF and node-link JSON into the same tables as
:mod:`.headers`. Every problem is located in the :class:`~.problems.ValidationReport`;
:mod:`.problems` also holds the :class:`~.problems.Collector` every step reports into.
"""

from carenet_graph.read.load import NetworkData, load, read_network, to_graph, validate
from carenet_graph.read.problems import Accounting, Problem, ValidationReport

__all__ = ["Accounting", "NetworkData", "Problem", "ValidationReport", "load", "read_network", "to_graph",
           "validate"]
