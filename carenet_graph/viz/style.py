"""How actors look, the same on the interactive map and on a static figure: colours and sizes.

Colours follow Okabe & Ito's colour-blind-safe palette, then Tol's muted scheme when there are
more groups; groups get colours in the sorted order of their values, so the same data give the
same colours. Sizes come from one measure of the collapsed graph (:func:`size_measure`).

Okabe M., Ito K. (2008) Color Universal Design (CUD): how to make figures and presentations
that are friendly to colorblind people. https://jfly.uni-koeln.de/color/
Tol P. (2021) Colour Schemes. SRON/EPS/TN/09-002, issue 3.2.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any

import networkx as nx

from carenet_graph.network import STRENGTH

__all__ = ["COLOR_BY", "PALETTE", "SIZE_BY", "SUGGESTED_COLOR", "UNKNOWN_COLOR", "node_colors", "size_measure"]

#: Okabe & Ito (2008) colour-blind-safe palette, then Tol's muted scheme for more groups.
PALETTE = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000",
           "#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77", "#CC6677", "#882255", "#AA4499")
#: Colour of the suggested introductions' dashed lines: a magenta-purple outside the palette's first
#: nine colours (the old choice, vermillion, read as the care sector's orange); darker than its pink
#: and much lighter than its indigo, and blue where vermillion has none, so that colour-blind
#: readers (who see the blue–yellow difference) tell them apart too.
SUGGESTED_COLOR = "#D63CC8"
#: Colour of actors whose group is missing.
UNKNOWN_COLOR = "#BBBBBB"
#: What actors can be coloured by (``community``: Leiden communities, interactive map only).
COLOR_BY = ("sector", "type", "community", "municipality")
#: What actors can be sized by (``none``: all the same size).
SIZE_BY = ("degree", "strength", "betweenness", "pagerank", "eigenvector", "closeness", "harmonic", "none")


def node_colors(groups: Mapping[Hashable, Any]) -> dict[str, str]:
    """One colour per group value: the palette in the sorted order of the values (as text).

    Parameters
    ----------
    groups:
        Actor → group value; missing values (None or NaN) get no colour (draw them in
        :data:`UNKNOWN_COLOR`).

    Returns
    -------
    dict
        Group value as text → colour, in sorted order; the palette repeats after 17 groups.

    Examples
    --------
    >>> node_colors({"a": "medical", "b": "hospice", "c": None, "d": "medical"})
    {'hospice': '#E69F00', 'medical': '#56B4E9'}
    """
    # v == v is False for NaN, pandas' missing value.
    names = sorted({str(v) for v in groups.values() if v is not None and v == v})
    return {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(names)}


def size_measure(H: nx.Graph, size_by: str) -> dict[Hashable, float]:
    """The value of the measure ``size_by`` for every actor of the collapsed graph ``H``.

    ``degree`` counts partners; ``strength`` sums the ``strength`` of an actor's ties (higher =
    closer); ``none`` is 1 for everyone. The path-based measures (``betweenness``, ``pagerank``,
    ``eigenvector``, ``closeness``, ``harmonic``) come from
    :func:`carenet_graph.analysis.centrality.centrality_table` (paths over ``distance =
    1/strength``), exact up to 20,000 actors and estimated with a stated bound above.

    Parameters
    ----------
    H:
        A collapsed graph (:func:`carenet_graph.network.collapse`).
    size_by:
        One of :data:`SIZE_BY`.

    Returns
    -------
    dict
        Actor → value (a float).

    Examples
    --------
    >>> size_measure(nx.path_graph(3), "degree")
    {0: 1.0, 1: 2.0, 2: 1.0}
    """
    if size_by == "none":
        return dict.fromkeys(H, 1.0)
    if size_by == "degree":
        return {v: float(H.degree(v)) for v in H}
    if size_by == "strength":
        return {v: float(H.degree(v, weight=STRENGTH)) for v in H}
    from carenet_graph.analysis.centrality import centrality_table

    table, _ = centrality_table(H, exact=H.number_of_nodes() <= 20000)
    return {v: float(x) for v, x in table[size_by].items()}
