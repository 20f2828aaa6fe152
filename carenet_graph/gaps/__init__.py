"""Missing links: expected-collaboration rules (:mod:`.rules`), unmet expectations
(:mod:`.expectations`), suggested introductions, municipality scorecards and structural gaps
(:mod:`.scorecards`), and the whole ``carenet gaps`` run (:mod:`.run`)."""

from carenet_graph.gaps.run import GapReport, gap_report, write_gap_report

__all__ = ["GapReport", "gap_report", "write_gap_report"]
