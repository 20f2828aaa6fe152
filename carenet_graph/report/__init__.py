"""The shareable HTML report (:func:`build.build_report`, :func:`build.write_report`)."""

from carenet_graph.report.build import build_report, write_report

__all__ = ["build_report", "write_report"]
