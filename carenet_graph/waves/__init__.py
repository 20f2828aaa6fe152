"""Change over time between two waves of the same network: matching actors (:mod:`.matching`,
with the name check of :mod:`.names`), tie and actor changes (:mod:`.changes`), and the whole
comparison (:mod:`.compare`).

Conventions: ties are compared on ``collapse(G, mode="undirected", combine="max")`` of each wave
(reports of level 0 are no ties); every delta is *after − before*; actors are keyed by their id
in the later wave, and actors that left by their id in the earlier wave.
"""

from carenet_graph.waves.changes import MEASURES, ROLE_PHRASES, actor_changes, broker_flags, tie_changes
from carenet_graph.waves.compare import Comparison, compare, write_comparison
from carenet_graph.waves.matching import MATCH_MODES, Matching, WaveMatchWarning, check_matching, match_actors
from carenet_graph.waves.names import names_agree

__all__ = ["MATCH_MODES", "MEASURES", "ROLE_PHRASES", "Comparison", "Matching", "WaveMatchWarning", "actor_changes",
           "broker_flags", "check_matching", "compare", "match_actors", "names_agree", "tie_changes",
           "write_comparison"]
