"""Missing links, one topic per module: expected-collaboration rules (:mod:`.rules`) and their
titles and rationales in the reader's language (:mod:`.texts`), unmet expectations
(:mod:`.expectations`) grouped by rule (:mod:`.groups`), the one definition of "linked to the
palliative network" (:mod:`.linked`), suggested introductions ranked by what they achieve
(:mod:`.introductions`), municipality scorecards (:mod:`.scorecards`), structural gaps, actors
working alone and disagreeing reports (:mod:`.structure`), and the whole ``carenet gaps`` run
(:mod:`.run`)."""

from carenet_graph.gaps.groups import expectation_groups
from carenet_graph.gaps.linked import network_links
from carenet_graph.gaps.rules import Rule, load_rules
from carenet_graph.gaps.run import GapReport, find_gaps, write_gap_report
from carenet_graph.gaps.structure import isolated_actors
from carenet_graph.gaps.texts import rule_rationale, rule_title

__all__ = ["GapReport", "Rule", "expectation_groups", "find_gaps", "isolated_actors", "load_rules", "network_links",
           "rule_rationale", "rule_title", "write_gap_report"]
