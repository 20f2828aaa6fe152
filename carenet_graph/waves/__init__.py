"""Change over time between two waves of the same network: matching actors (:mod:`.matching`),
tie and actor changes (:mod:`.changes`), and the whole comparison (:mod:`.compare`).

Conventions: ties are compared on ``collapse(G, mode="undirected", combine="max")`` of each wave
(reports of level 0 are no ties); every delta is *after − before*; actors are keyed by their id
in the later wave, and actors that left by their id in the earlier wave.
"""

from carenet_graph.waves.changes import MEASURES, ROLE_PHRASES, actor_changes, broker_flags, tie_changes
from carenet_graph.waves.compare import Comparison, compare, write_comparison
from carenet_graph.waves.matching import Matching, match_actors

__all__ = ["MEASURES", "ROLE_PHRASES", "Comparison", "Matching", "actor_changes", "broker_flags", "compare",
           "match_actors", "tie_changes", "write_comparison"]
