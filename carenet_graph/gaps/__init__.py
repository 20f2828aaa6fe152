"""Missing links, one topic per module: expected-collaboration rules (:mod:`.rules`), unmet
expectations (:mod:`.expectations`), suggested introductions (:mod:`.introductions`),
municipality scorecards (:mod:`.scorecards`), structural gaps and disagreeing reports
(:mod:`.structure`), and the whole ``carenet gaps`` run (:mod:`.run`)."""

from carenet_graph.gaps.rules import Rule, load_rules
from carenet_graph.gaps.run import GapReport, find_gaps, write_gap_report

__all__ = ["GapReport", "Rule", "find_gaps", "load_rules", "write_gap_report"]
