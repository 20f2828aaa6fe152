"""Network measures: pure functions, a graph in and a DataFrame or frozen dataclass out.

One topic per module — :mod:`.centrality`, :mod:`.holes` (Burt), :mod:`.brokerage`
(Gould–Fernandez), :mod:`.groups` (mixing, E-I, assortativity), :mod:`.cohesion` (network
figures), :mod:`.fragility` — heavy algorithms through one seam, :mod:`.engine`; the
``carenet analyze`` pipeline is :mod:`.run`.
"""

from carenet_graph.analysis.run import Analysis, analyze, write_analysis

__all__ = ["Analysis", "analyze", "write_analysis"]
