"""The shareable HTML report (:mod:`.build`) and the comparison of two waves (:mod:`.comparison`)."""

from carenet_graph.report.build import build_report, write_report
from carenet_graph.report.comparison import compare_waves

__all__ = ["build_report", "compare_waves", "write_report"]
