"""Interactive single-file network map: offline, private, safe, deterministic.

pyvis builds the nodes, edges and vis-network options (:func:`to_pyvis`); the page is then
rendered through carenet-graph's own template (:func:`write_map`) with vis-network inlined
from the copy pyvis ships. The page loads nothing from outside (no CDN, fonts or Bootstrap),
carries a Content-Security-Policy that allows only its own scripts (by SHA-256 hash), and
puts every user string in a JSON data block (``<``, ``>``, ``&``, U+2028 and U+2029 escaped)
that the page's script only ever sets as text. Only allow-listed attributes reach the page;
free-text notes never do.

This module is the only one that imports pyvis. pyvis 0.3.2's ``add_edge`` scans all edges
for duplicates (quadratic) and ``from_nx`` mutates its input, so both are bypassed: nodes and
edges are appended to the pyvis ``Network`` directly.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
from collections.abc import Hashable, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
import networkx as nx
import pandas as pd

from carenet_graph.errors import MissingDependencyError, OutputError
from carenet_graph.i18n import LANGUAGES, catalog, translate
from carenet_graph.network import (
    LEVEL,
    MUNICIPALITY,
    NAME,
    REPORTED_BY,
    SECTOR,
    STRENGTH,
    TYPE,
    TYPES,
    collapse,
    reporter_of,
)
from carenet_graph.output.files import atomic_write_text
from carenet_graph.viz.layout import LAYOUTS, positions
from carenet_graph.vocabulary import Vocabulary, default_vocabulary

#: Okabe & Ito (2008) colour-blind-safe palette, then Tol's muted scheme for more groups.
PALETTE = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000",
           "#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77", "#CC6677", "#882255", "#AA4499")
UNKNOWN_COLOR = "#BBBBBB"
SUGGESTED_COLOR = "#D55E00"
COLOR_BY = ("sector", "type", "community", "municipality")
SIZE_BY = ("degree", "strength", "betweenness", "pagerank", "eigenvector", "closeness", "harmonic", "none")
DEFAULT_MAX_ACTORS = 2000


def _vis_assets() -> tuple[str, str]:
    try:
        import pyvis
    except ImportError:  # pragma: no cover - pyvis is a declared dependency
        raise MissingDependencyError("pyvis is not installed", hint="pip install pyvis") from None
    folder = Path(pyvis.__file__).parent / "lib" / "vis-9.1.2"
    return (folder / "vis-network.min.js").read_text(encoding="utf-8"), (folder / "vis-network.css").read_text(
        encoding="utf-8")


def _asset(name: str) -> str:
    return resources.files("carenet_graph.viz").joinpath("templates", name).read_text(encoding="utf-8")


def safe_json(value: Any) -> str:
    """JSON that cannot end its ``<script>`` block or open an HTML comment."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _text(value: Any) -> str | None:
    """A user value as text, or None when missing.

    Graphs built by hand or from pandas carry NaN for missing values: as a facet it would
    make the JSON invalid (``allow_nan=False`` raises) and as text it would read "nan".
    """
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return None
    text = str(value)
    return text if text.strip() else None


def _colors(labels: Mapping[Hashable, Any]) -> dict[str, str]:
    names = sorted({str(v) for v in labels.values() if v is not None and v == v})
    return {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(names)}


def _measure(H: nx.Graph, size_by: str) -> dict[Hashable, float]:
    if size_by == "none":
        return dict.fromkeys(H, 1.0)
    if size_by == "degree":
        return {v: float(H.degree(v)) for v in H}
    if size_by == "strength":
        return {v: float(H.degree(v, weight=STRENGTH)) for v in H}
    from carenet_graph.analysis.centrality import centrality_table

    table, _ = centrality_table(H, exact=H.number_of_nodes() <= 20000)
    return {v: float(x) for v, x in table[size_by].items()}


def _one_sided(G: nx.MultiDiGraph) -> set[frozenset[Hashable]]:
    """Pairs reported by one side only, when the data say who reported (else no pair)."""
    if not any(d.get(REPORTED_BY) is not None for _, _, d in G.edges(data=True)):
        return set()
    by: dict[frozenset[Hashable], set[Hashable]] = {}
    for u, v, d in G.edges(data=True):
        if u != v and d.get(LEVEL) != 0:
            by.setdefault(frozenset((u, v)), set()).add(reporter_of(u, d))
    return {pair for pair, who in by.items() if not pair <= who}


def _levels(G: nx.MultiDiGraph) -> dict[frozenset[Hashable], int | None]:
    out: dict[frozenset[Hashable], int | None] = {}
    for u, v, d in G.edges(data=True):
        level = d.get(LEVEL)
        pair = frozenset((u, v))
        if level is not None and level > 0:
            out[pair] = max(out.get(pair) or 0, int(level))
        else:
            out.setdefault(pair, None)
    return out


def to_pyvis(G: nx.MultiDiGraph, *, color_by: str = "sector", size_by: str = "degree", layout: str = "auto",
             lang: str = "en", seed: int = 0, max_actors: int = DEFAULT_MAX_ACTORS,
             introductions: pd.DataFrame | None = None, vocabulary: Vocabulary | None = None) -> Any:
    """A pyvis ``Network`` with positioned, coloured, sized nodes and styled edges.

    ``G`` is not modified. Above ``max_actors`` actors the network is drawn grouped by
    municipality (or by sector when municipalities are missing); ``net.carenet`` then holds
    the notice shown on the page. Colours: Okabe–Ito, then Tol's muted palette, by the sorted
    values of ``color_by``; sizes 10–40 by ``size_by``; tie width by level (1–5), dashed for
    one-sided reports; suggested introductions as dashed orange edges.
    """
    from pyvis.network import Network

    if color_by not in COLOR_BY:
        raise OutputError(f"cannot colour by '{color_by}'", hint=f"Use one of: {', '.join(COLOR_BY)}.")
    if size_by not in SIZE_BY:
        raise OutputError(f"cannot size by '{size_by}'", hint=f"Use one of: {', '.join(SIZE_BY)}.")
    if lang not in LANGUAGES:
        raise OutputError(f"unknown language '{lang}'", hint=f"Use one of: {', '.join(LANGUAGES)}.")
    if layout not in LAYOUTS:
        raise OutputError(f"unknown layout '{layout}'", hint=f"Use one of: {', '.join(LAYOUTS)}.")
    vocab = vocabulary or default_vocabulary()
    H = collapse(G, mode="undirected", combine="max")
    net = Network(height="100%", width="100%", directed=False, cdn_resources="in_line")
    net.carenet = {"notice": None, "actors": H.number_of_nodes(), "one_sided": False, "has_introductions": False}
    if H.number_of_nodes() > max_actors:
        by = (MUNICIPALITY if sum(1 for _, d in H.nodes(data=True) if _text(d.get(MUNICIPALITY))) >= 0.5 * len(H)
              else SECTOR)
        _grouped(net, H, by, lang, seed, vocab)
        label = translate("map_grouped_municipality" if by == MUNICIPALITY else "map_grouped_sector", lang)
        net.carenet["notice"] = translate("map_reduced", lang, actors=H.number_of_nodes(), by=label)
        return net
    if color_by == "community":
        from carenet_graph.analysis import engine

        view = engine.to_igraph(H, weights=(STRENGTH,))
        groups: dict[Hashable, Any] = dict(zip(view.nodes, engine.communities(view, seed=seed), strict=True))
    else:
        groups = {v: _text(H.nodes[v].get(color_by)) for v in H}
    colors = _colors(groups)
    sizes = _measure(H, size_by)
    top = max(sizes.values(), default=0.0) or 1.0
    xy = positions(H, layout, seed)
    for v, data in H.nodes(data=True):
        group = groups.get(v)
        key = None if group is None or group != group else str(group)
        kind = _text(data.get(TYPE))
        name = _text(data.get(NAME)) or str(v)
        place = _text(data.get(MUNICIPALITY))
        tip = [name, vocab.label("actor_type", kind, lang) if kind else "", place or "",
               f"{translate('map_degree', lang)}: {H.degree(v)}"]
        if size_by in ("betweenness", "pagerank"):
            tip.append(f"{translate('map_' + size_by, lang)}: {sizes.get(v, 0.0):.3f}")
        node = {
            "id": str(v), "label": name, "x": xy[v][0], "y": xy[v][1],
            "color": colors.get(key, UNKNOWN_COLOR) if key is not None else UNKNOWN_COLOR,
            "size": round(10 + 30 * math.sqrt(max(sizes.get(v, 0.0), 0.0) / top), 2), "shape": "dot",
            "tip": [t for t in tip if t],
            "facets": {"sector": _text(data.get(SECTOR)), "type": kind, "municipality": place},
        }
        net.nodes.append(node)
        net.node_ids.append(str(v))
        net.node_map[str(v)] = node
    one_sided = _one_sided(G)
    levels = _levels(G)
    net.carenet["one_sided"] = bool(one_sided)
    for u, v, data in H.edges(data=True):
        pair = frozenset((u, v))
        level = levels.get(pair)
        types = [t for t in str(data.get(TYPES) or "").split(";") if t]
        tip = [f"{_text(H.nodes[u].get(NAME)) or u} – {_text(H.nodes[v].get(NAME)) or v}"]
        tip += [", ".join(vocab.label("tie_type", t, lang) for t in types)] if types else []
        tip += [f"{translate('map_level', lang)} {level}"] if level is not None else []
        net.edges.append({"from": str(u), "to": str(v), "width": 1 + (level or 1) * 0.8, "level": level,
                          "dashes": pair in one_sided, "types": types, "tip": tip,
                          "color": {"color": "#777777", "opacity": 0.7}})
    if introductions is not None and len(introductions):
        present = {str(v) for v in H}
        for row in introductions.itertuples(index=False):
            a, b = str(row.actor), str(row.partner)
            if a in present and b in present:
                net.edges.append({"from": a, "to": b, "dashes": [8, 6], "width": 2.5, "suggested": True,
                                  "color": {"color": SUGGESTED_COLOR}, "level": None, "types": [],
                                  "tip": [translate("map_suggested", lang), str(row.reason)]})
        net.carenet["has_introductions"] = True
    legend_labels = {key: (vocab.label("sector" if color_by == "sector" else "actor_type", key, lang)
                           if color_by in ("sector", "type") else key) for key in colors}
    net.carenet["legend"] = [{"color": c, "label": legend_labels[k]} for k, c in colors.items()]
    return net


def _grouped(net: Any, H: nx.Graph, by: str, lang: str, seed: int, vocab: Vocabulary) -> None:
    """Reduced view: one node per group (size ~ actors), one edge per group pair (width ~ ties)."""
    group_of = {v: _text(H.nodes[v].get(by)) or "?" for v in H}
    members: dict[str, int] = {}
    for g in group_of.values():
        members[g] = members.get(g, 0) + 1
    R = nx.Graph()
    for g, count in sorted(members.items()):
        R.add_node(g, name=g, count=count)
    for u, v in H.edges():
        a, b = group_of[u], group_of[v]
        if a != b:
            weight = R[a][b]["strength"] + 1 if R.has_edge(a, b) else 1
            R.add_edge(a, b, strength=weight)
    xy = positions(R, "force", seed)
    colors = _colors({g: g for g in R}) if by == SECTOR else {}
    top = max(members.values())
    for g, data in R.nodes(data=True):
        label = vocab.label("sector", g, lang) if by == SECTOR else g
        node = {"id": g, "label": label, "x": xy[g][0], "y": xy[g][1], "shape": "dot",
                "size": round(10 + 40 * math.sqrt(data["count"] / top), 2), "color": colors.get(g, "#56B4E9"),
                "tip": [label, translate("map_group_actors", lang, count=data["count"])],
                "facets": {"sector": None, "type": None, "municipality": None}}
        net.nodes.append(node)
        net.node_ids.append(g)
        net.node_map[g] = node
    top_edge = max((d["strength"] for _, _, d in R.edges(data=True)), default=1)
    for a, b, data in R.edges(data=True):
        net.edges.append({"from": a, "to": b, "width": 1 + 9 * data["strength"] / top_edge, "level": None,
                          "types": [], "tip": [f"{a} – {b}: {data['strength']}"],
                          "color": {"color": "#777777", "opacity": 0.6}})
    net.carenet["legend"] = []


OPTIONS = {
    "physics": {"enabled": False},
    "interaction": {"hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": True, "navigationButtons": False},
    "nodes": {"font": {"size": 14, "face": "system-ui, sans-serif"}, "borderWidth": 1},
    "edges": {"smooth": False, "selectionWidth": 2},
    "layout": {"improvedLayout": False},
}


def content_security_policy(scripts: Sequence[str], frames: bool = False) -> str:
    """A CSP that lets only these exact inline scripts run (SHA-256 hashes), loads nothing from
    outside, and (with ``frames``) allows an embedded ``srcdoc`` page such as the report's map."""
    hashes = " ".join(f"'sha256-{base64.b64encode(hashlib.sha256(s.encode('utf-8')).digest()).decode()}'"
                      for s in scripts)
    frame = "frame-src 'self' about: data:; child-src 'self' about: data:; " if frames else ""
    return (f"default-src 'none'; script-src {hashes}; style-src 'unsafe-inline'; img-src data:; "
            f"font-src 'none'; connect-src 'none'; {frame}base-uri 'none'; form-action 'none'")


def render_map(net: Any, *, title: str, lang: str = "en") -> str:
    """The HTML page for a network built by :func:`to_pyvis`."""
    vis_js, vis_css = _vis_assets()
    app_js = _asset("map.js")
    filters = [{"key": key, "label": translate(f"map_{key}", lang)}
               for key in ("sector", "type", "municipality", "tie_type")]
    vocab = default_vocabulary()
    options: dict[str, list[dict[str, str]]] = {"sector": [], "type": [], "municipality": [], "tie_type": []}
    for key in ("sector", "type", "municipality"):
        values = sorted({str(n["facets"][key]) for n in net.nodes if n["facets"].get(key) is not None})
        kind = {"sector": "sector", "type": "actor_type"}.get(key)
        options[key] = [{"value": v, "label": vocab.label(kind, v, lang) if kind else v} for v in values]
    tie_types = sorted({t for e in net.edges for t in e.get("types", [])})
    options["tie_type"] = [{"value": t, "label": vocab.label("tie_type", t, lang)} for t in tie_types]
    # Raw texts: placeholders such as {shown} are filled by the page's script.
    ui = {key.removeprefix("map_"): catalog(lang)[key] for key in (
        "map_search", "map_search_placeholder", "map_filters", "map_min_level", "map_legend", "map_introductions",
        "map_all", "map_shown", "map_one_sided", "map_suggested")}
    data = {
        "nodes": net.nodes, "edges": net.edges, "options": OPTIONS, "ui": ui,
        "legend": net.carenet.get("legend", []),
        "filters": [{"key": f["key"], "options": options[f["key"]]} for f in filters],
    }
    env = jinja2.Environment(autoescape=True, keep_trailing_newline=True, undefined=jinja2.StrictUndefined)
    template = env.from_string(_asset("map.html"))
    return template.render(
        lang=lang, title=title, csp=content_security_policy([vis_js, app_js]),
        vis_css=jinja2.utils.markupsafe.Markup(vis_css),
        page_css=jinja2.utils.markupsafe.Markup(_asset("map.css")), notice=net.carenet.get("notice"), ui=ui,
        filters=filters, has_introductions=net.carenet.get("has_introductions", False),
        one_sided=net.carenet.get("one_sided", False),
        data_json=jinja2.utils.markupsafe.Markup(safe_json(data)),
        vis_js=jinja2.utils.markupsafe.Markup(vis_js), app_js=jinja2.utils.markupsafe.Markup(app_js),
    )


def write_map(G: nx.MultiDiGraph, path: str | Path, *, title: str | None = None, color_by: str = "sector",
              size_by: str = "degree", layout: str = "auto", lang: str = "en", seed: int = 0,
              max_actors: int = DEFAULT_MAX_ACTORS, introductions: pd.DataFrame | None = None,
              vocabulary: Vocabulary | None = None) -> Path:
    """Write the interactive map of ``G`` as one self-contained HTML file (atomically, UTF-8)."""
    net = to_pyvis(G, color_by=color_by, size_by=size_by, layout=layout, lang=lang, seed=seed,
                   max_actors=max_actors, introductions=introductions, vocabulary=vocabulary)
    page = render_map(net, title=title or str(G.graph.get("name") or "care network"), lang=lang)
    path = Path(path)
    atomic_write_text(path, page)
    return path
