"""The map as a static picture: an inline SVG of the same layout, for print and for pages that embed it.

:func:`map_svg` draws a :class:`~carenet_graph.viz.mapdata.MapData` as the interactive page
shows it before any interaction: the same positions, colours, circle sizes and line styles, the
municipalities' discs and names, the names of the most important actors (and of every ``pinned``
one) where they do not collide, and the legend below the drawing. It is made of ``svg``, ``g``,
``title``, ``circle``, ``line`` and ``text`` elements only, every text XML-escaped, every number
written with one decimal, so the same map gives the same bytes.
"""

from __future__ import annotations

import math
from html import escape

from carenet_graph.viz.mapdata import MapData, MapNode
from carenet_graph.viz.maptexts import legend_lines

__all__ = ["map_svg"]

#: Width of the drawing at which the fonts below are meant (about 18 cm on paper).
BASE_WIDTH = 800.0
LABEL_FONT, PLACE_FONT, LEGEND_FONT = 11.0, 12.0, 12.0
PLACE_FILL, PLACE_STROKE, TEXT = "#F1F1F1", "#D4D4D4", "#1B1B1B"


def _n(value: float) -> str:
    text = f"{value:.1f}"
    return "0.0" if text == "-0.0" else text


def _text_width(text: str, size: float) -> float:
    # A sans-serif letter is about 0.55 em wide on average: enough to keep labels apart.
    return 0.55 * size * len(text)


def _overlaps(box: tuple[float, float, float, float], taken: list[tuple[float, float, float, float]]) -> bool:
    x0, y0, x1, y1 = box
    return any(x0 < b[2] and b[0] < x1 and y0 < b[3] and b[1] < y1 for b in taken)


Box = tuple[float, float, float, float]


def _labelled(nodes: tuple[MapNode, ...], size: float, limit: int, taken: list[Box]) -> list[tuple[MapNode, Box]]:
    """The nodes to name whose label below the circle collides with no other: the pinned ones
    alone when there are any (the comparison's changed actors), else the first ``limit`` by rank."""
    out: list[tuple[MapNode, Box]] = []
    pinned = any(n.get("pinned", False) for n in nodes)
    for node in sorted(nodes, key=lambda n: (not n.get("pinned", False), n["rank"], n["id"])):
        if (pinned and not node.get("pinned", False)) or (not pinned and len(out) >= limit):
            break
        width = _text_width(node["label"], size)
        top = node["y"] + node["size"] + 1
        box = (node["x"] - width / 2, top, node["x"] + width / 2, top + 1.2 * size)
        if not _overlaps(box, taken):
            taken.append(box)
            out.append((node, box))
    return out


def _wrap(text: str, width: float, size: float) -> list[str]:
    per_line = max(12, int(width / (0.55 * size)))
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= per_line:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def map_svg(data: MapData, *, labels: int = 30) -> str:
    """An SVG picture of the map (its layout, colours, sizes, municipality names, the names of the
    ``labels`` most important actors that fit, and the legend), for print.

    Parameters
    ----------
    data:
        The map (:func:`~carenet_graph.viz.map.map_data`); its locale gives the legend's words.
    labels:
        How many actors are named at most, by rank; when some actors are ``pinned``, those are
        named instead (where they fit).

    Returns
    -------
    str
        One ``<svg>`` element (no XML declaration) with a ``viewBox`` and no fixed size, to be
        placed in a page and sized by its style; ``class="carenet-map-figure"``.
    """
    nodes = data.nodes
    xs = [n["x"] - n["size"] for n in nodes] + [p["x"] - p["r"] for p in data.places]
    xe = [n["x"] + n["size"] for n in nodes] + [p["x"] + p["r"] for p in data.places]
    ys = [n["y"] - n["size"] for n in nodes] + [p["y"] - p["r"] for p in data.places]
    ye = [n["y"] + n["size"] for n in nodes] + [p["y"] + p["r"] for p in data.places]
    x0, x1 = (min(xs), max(xe)) if xs else (0.0, 1.0)
    y0, y1 = (min(ys), max(ye)) if ys else (0.0, 1.0)
    k = max(x1 - x0, y1 - y0, 1.0) / BASE_WIDTH  # fonts grow with the drawing, so they print alike
    label_size, place_size, legend_size = LABEL_FONT * k, PLACE_FONT * k, LEGEND_FONT * k
    parts: list[str] = []
    taken: list[Box] = []
    halo = f'stroke="#FFFFFF" stroke-width="{_n(3 * k)}" paint-order="stroke" stroke-linejoin="round"'
    places: list[str] = []
    for place in data.places:
        parts.append(f'<circle cx="{_n(place["x"])}" cy="{_n(place["y"])}" r="{_n(place["r"])}" fill="{PLACE_FILL}" '
                     f'stroke="{PLACE_STROKE}" stroke-width="{_n(k)}"/>')
    # Municipalities' names first, the larger ones before, each only where it covers no other.
    for place in sorted(data.places, key=lambda p: (-p["r"], p["label"])):
        baseline = place["y"] - place["r"] - 0.4 * place_size
        half = _text_width(place["label"], place_size) / 2
        box = (place["x"] - half, baseline - place_size, place["x"] + half, baseline + 0.2 * place_size)
        if _overlaps(box, taken):
            continue
        taken.append(box)
        places.append(f'<text x="{_n(place["x"])}" y="{_n(baseline)}" text-anchor="middle" font-weight="bold" '
                      f'fill="#505050" {halo}>{escape(place["label"])}</text>')
    where = {n["id"]: n for n in nodes}
    # Pale ties first, bold and suggested ones last (on top), as the page draws them.
    ordered = sorted(data.edges, key=lambda e: (bool(e.get("suggested")), e["color"].get("opacity", 1.0) >= 0.5,
                                                e["width"] > 3))
    for edge in ordered:
        a, b = where.get(edge["from"]), where.get(edge["to"])
        if a is None or b is None:
            continue
        dashes = edge.get("dashes")
        dash = (f' stroke-dasharray="{" ".join(_n(d * k / 2) for d in dashes)}"' if isinstance(dashes, list)
                else f' stroke-dasharray="{_n(5 * k)} {_n(4 * k)}"' if dashes else "")
        opacity = edge["color"].get("opacity", 1.0)
        parts.append(f'<line x1="{_n(a["x"])}" y1="{_n(a["y"])}" x2="{_n(b["x"])}" y2="{_n(b["y"])}" '
                     f'stroke="{escape(str(edge["color"].get("color", "#777777")))}" stroke-opacity="{opacity:.2f}" '
                     f'stroke-width="{_n(max(edge["width"], 0.5) * 0.6 * max(k, 0.6))}"{dash}/>')
    for node in sorted(nodes, key=lambda n: (bool(n.get("pinned")), -n["rank"])):
        parts.append(f'<circle cx="{_n(node["x"])}" cy="{_n(node["y"])}" r="{_n(node["size"])}" '
                     f'fill="{escape(node["color"])}" stroke="#333333" stroke-width="{_n(0.6 * k)}"/>')
    parts += places
    for node, box in _labelled(nodes, label_size, labels, taken):
        parts.append(f'<text x="{_n(node["x"])}" y="{_n(box[3] - 0.3 * label_size)}" text-anchor="middle" '
                     f'fill="{TEXT}" {halo}>{escape(node["label"])}</text>')
    # The picture holds every name drawn, also one that reaches past the outermost circle.
    if taken:
        x0, y0 = min(x0, *(b[0] for b in taken)), min(y0, *(b[1] for b in taken))
        x1, y1 = max(x1, *(b[2] for b in taken)), max(y1, *(b[3] for b in taken))
    margin = place_size
    x0, y0, x1, y1 = x0 - margin, y0 - margin, x1 + margin, y1 + margin
    width = x1 - x0
    legend, y = _legend(data, x0, y1 + legend_size, width, legend_size)
    title = escape(data.title)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="carenet-map-figure" role="img" aria-label="{title}" '
            f'viewBox="{_n(x0)} {_n(y0)} {_n(width)} {_n(y - y0)}" font-family="system-ui, sans-serif" '
            f'font-size="{_n(label_size)}"><title>{title}</title><g>{"".join(parts)}</g>'
            f'<g font-size="{_n(legend_size)}" fill="{TEXT}">{"".join(legend)}</g></svg>')


def _legend(data: MapData, left: float, top: float, width: float, size: float) -> tuple[list[str], float]:
    """The legend's elements below the drawing, and the y where it ends."""
    out: list[str] = []
    row = 1.6 * size
    columns = max(1, min(3, int(width // (18 * size))))
    column = width / columns
    y = top
    for i, item in enumerate(data.legend):
        x = left + (i % columns) * column
        if i and i % columns == 0:
            y += row
        if item.get("line"):
            dash = f' stroke-dasharray="{_n(size / 2)} {_n(size / 3)}"' if item.get("dashed") else ""
            out.append(f'<line x1="{_n(x)}" y1="{_n(y)}" x2="{_n(x + 1.6 * size)}" y2="{_n(y)}" '
                       f'stroke="{escape(item["color"])}" stroke-width="{_n(size / 4)}"{dash}/>')
        else:
            out.append(f'<circle cx="{_n(x + 0.8 * size)}" cy="{_n(y)}" r="{_n(size / 2.2)}" '
                       f'fill="{escape(item["color"])}" stroke="#333333" stroke-width="{_n(size / 16)}"/>')
        out.append(f'<text x="{_n(x + 2.2 * size)}" y="{_n(y + size / 3)}">{escape(item["label"])}</text>')
    if data.legend:
        y += row
    for line in legend_lines(data):
        swatch = {"solid": "", "width": "", "dashed": f' stroke-dasharray="{_n(size / 2)} {_n(size / 3)}"',
                  "suggested": f' stroke-dasharray="{_n(size / 2)} {_n(size / 3)}"'}
        if line.kind in swatch:
            out.append(f'<line x1="{_n(left)}" y1="{_n(y)}" x2="{_n(left + 1.6 * size)}" y2="{_n(y)}" '
                       f'stroke="{escape(line.color)}" stroke-width="{_n(size / (3 if line.kind == "width" else 5))}"'
                       f'{swatch[line.kind]}/>')
        elif line.kind in ("size", "places"):
            fill = "#F1F1F1" if line.kind == "places" else "#FFFFFF"
            r = size / (2 if line.kind == "places" else 2.6)
            out.append(f'<circle cx="{_n(left + 0.8 * size)}" cy="{_n(y)}" r="{_n(r)}" '
                       f'fill="{fill}" stroke="#777777" stroke-width="{_n(size / 12)}"/>')
        for j, text in enumerate(_wrap(line.text, width - 2.2 * size, size)):
            baseline = y + size / 3 + j * 1.25 * size
            out.append(f'<text x="{_n(left + 2.2 * size)}" y="{_n(baseline)}">{escape(text)}</text>')
            if j:
                y += 1.25 * size
        y += row
    return out, y + math.floor(size / 2)
