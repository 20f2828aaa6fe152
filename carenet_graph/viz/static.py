"""Static figures (PNG or SVG) of a care network with matplotlib, for papers and print.

Same layouts (:mod:`carenet_graph.viz.layout`), colours and sizes (:mod:`carenet_graph.viz.style`)
as the interactive map;
labels for the most central actors only (so the figure stays legible), a legend, and
deterministic output: SVG ids are salted with a fixed string and no creation date is written,
PNG carries no software/date metadata, so the same input and options give the same bytes.
"""

from __future__ import annotations

import io
import math
from pathlib import Path
from typing import Any

import networkx as nx

from carenet_graph.errors import OutputError
from carenet_graph.locale import Locale, as_locale
from carenet_graph.network import NAME, STRENGTH, collapse
from carenet_graph.output.files import atomic_write_bytes
from carenet_graph.viz.layout import positions
from carenet_graph.viz.mapdata import network_title
from carenet_graph.viz.style import COLOR_BY, SIZE_BY, UNKNOWN_COLOR, node_colors, size_measure

__all__ = ["write_figure"]


def write_figure(G: nx.MultiDiGraph, path: str | Path, *, locale: Locale | str | None = None,
                 color_by: str = "sector", size_by: str = "degree", layout: str = "auto", seed: int = 0,
                 title: str | None = None, labels: int = 15) -> Path:
    """Draw ``G`` to ``path`` (.png at 200 dpi, or .svg); returns the path written.

    The ties of ``collapse(G, mode="undirected", combine="max")`` are drawn with width
    ``0.3 + 0.35·strength``; actors with area ``30 + 400·sqrt(m / max m)`` for the measure ``m``
    named by ``size_by`` (:func:`~carenet_graph.viz.style.size_measure`), coloured by
    ``color_by`` (:func:`~carenet_graph.viz.style.node_colors`), and the ``labels`` actors
    largest by that measure named.

    Parameters
    ----------
    G:
        The lossless multigraph (:func:`carenet_graph.load`); not modified.
    path:
        A ``.png`` or ``.svg`` file.
    locale:
        Language and vocabulary of the legend (a :class:`~carenet_graph.locale.Locale`, a
        language code, or None for English and the built-in vocabulary).
    color_by, size_by, layout, seed:
        ``sector``, ``type`` or ``municipality``; one of :data:`~carenet_graph.viz.style.SIZE_BY`;
        one of :data:`~carenet_graph.viz.layout.LAYOUTS`; the seed of the force layout.
    title:
        The figure's title; when None the network's own name, else a neutral title with the
        region (:func:`~carenet_graph.viz.mapdata.network_title`; never the file name).
    labels:
        How many actors are named.

    Raises
    ------
    OutputError
        For another suffix, ``color_by="community"`` or an unknown ``color_by``/``size_by``.
    """
    import matplotlib

    matplotlib.use("Agg")  # no display needed; also keeps the output independent of the machine
    import matplotlib.pyplot as plt
    from matplotlib.collections import LineCollection
    from matplotlib.lines import Line2D

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".png", ".svg"):
        raise OutputError("a static figure is a .png or .svg file", hint="End the file name in .png or .svg.",
                          key="viz.static_format", values={})
    if color_by not in COLOR_BY or color_by == "community":
        raise OutputError(f"cannot colour a static figure by '{color_by}'", hint="Use sector, type or municipality.",
                          key="viz.static_color_by", values={"color_by": color_by})
    if size_by not in SIZE_BY:
        raise OutputError(f"cannot size by '{size_by}'", hint=f"Use one of: {', '.join(SIZE_BY)}.",
                          key="viz.static_size_by", values={"size_by": size_by, "choices": ", ".join(SIZE_BY)})
    loc = as_locale(locale)
    H = collapse(G, mode="undirected", combine="max")
    xy = positions(H, layout, seed)
    groups = {v: H.nodes[v].get(color_by) for v in H}
    colors = node_colors(groups)
    sizes = size_measure(H, size_by) if H.number_of_nodes() else {}
    top = max(sizes.values(), default=0.0) or 1.0
    matplotlib.rcParams["svg.hashsalt"] = "carenet-graph"
    fig, ax = plt.subplots(figsize=(11, 8.5))
    segments = [(xy[u], xy[v]) for u, v in H.edges()]
    widths = [0.3 + 0.35 * float(d.get(STRENGTH, 1.0)) for _, _, d in H.edges(data=True)]
    if segments:
        ax.add_collection(LineCollection(segments, linewidths=widths, colors="#888888", alpha=0.55, zorder=1))
    nodes = list(H.nodes)
    ax.scatter([xy[v][0] for v in nodes], [xy[v][1] for v in nodes],
               s=[30 + 400 * math.sqrt(max(sizes.get(v, 0.0), 0.0) / top) for v in nodes],
               c=[colors.get(str(groups[v]), UNKNOWN_COLOR) if groups[v] is not None else UNKNOWN_COLOR
                  for v in nodes], edgecolors="#333333", linewidths=0.5, zorder=2)
    ranked = sorted(nodes, key=lambda v: (-sizes.get(v, 0.0), str(v)))[:labels]
    for v in ranked:
        ax.annotate(str(H.nodes[v].get(NAME) or v), xy[v], xytext=(4, 4), textcoords="offset points", fontsize=7,
                    zorder=3)
    kind = {"sector": "sector", "type": "actor_type"}.get(color_by)
    handles = [Line2D([], [], marker="o", linestyle="", markersize=7, markerfacecolor=c, markeredgecolor="#333",
                      label=loc.label(kind, k) if kind else k) for k, c in colors.items()]
    if handles:
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=8)
    # Never the file name: the network's own name, else a neutral title (see network_title).
    heading = title or network_title(G, loc)
    ax.set_title(heading, fontsize=12)
    # Screen coordinates grow downwards (north is negative y): invert to draw north up.
    ax.invert_yaxis()
    ax.set_aspect("equal", adjustable="datalim")
    ax.axis("off")
    fig.tight_layout()
    buffer = io.BytesIO()
    metadata: dict[str, Any] = {"Date": None} if suffix == ".svg" else {"Software": None}
    fig.savefig(buffer, format=suffix[1:], dpi=200, metadata=metadata)
    plt.close(fig)
    atomic_write_bytes(path, buffer.getvalue())
    return path
