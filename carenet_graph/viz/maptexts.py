"""The words of a map page, in the map's language: the page's own (labels, buttons, the legend's
explanations) and those its script fills in itself (counts, "no match").

The script's messages keep their ``{placeholders}``; a message with a plural block is handed over
as its ``one`` and ``other`` branches (en, de, nl and sv know no other categories), which the
script chooses with the browser's ``Intl.PluralRules`` for the page's language, so "1 of 1 actor
shown" is as right as "3 of 8 actors shown" without a request or a library.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from carenet_graph.i18n.formatting import choose_plurals, plural_fields
from carenet_graph.viz.mapdata import MapData
from carenet_graph.viz.style import SUGGESTED_COLOR

__all__ = ["LegendLine", "PageTexts", "legend_lines", "page_texts", "script_message"]

#: Catalogue keys of the words in the page's markup, by the template's field name.
PAGE_KEYS = {"search": "map_search", "search_placeholder": "map_search_placeholder", "filters": "map_filters",
             "min_level": "map_min_level", "legend": "map_legend", "introductions": "map_introductions",
             "all": "map_all", "fit": "map.fit", "panel_toggle": "map.panel_toggle",
             "print_caption": "map.print_caption"}
#: Catalogue keys of the messages the page's script fills in, by the script's name for them.
SCRIPT_KEYS = {"shown": "map.shown", "shown_partners": "map.shown_partners", "no_match": "map.no_match"}


@dataclass(frozen=True)
class LegendLine:
    """One explanation in the legend: ``kind`` says how its swatch is drawn (``size``, ``solid``,
    ``width``, ``dashed``, ``suggested``, ``places`` or ``text`` for none)."""

    kind: str
    text: str
    color: str = "#777777"


@dataclass(frozen=True)
class PageTexts:
    """The words of one map page: ``page`` for its markup, ``script`` for its script, ``legend``
    for the legend's explanations below its colours."""

    page: dict[str, str]
    script: dict[str, Any]
    legend: tuple[LegendLine, ...]


def script_message(text: str, lang: str) -> str | dict[str, str]:
    """A catalogue message for the page's script: the text itself, or for a message with one
    plural block ``{"count": variable, "one": branch, "other": branch}`` with the placeholders
    left in (the script fills them).

    >>> script_message("{n, plural, one {{n} actor} other {{n} actors}}", "en")
    {'count': 'n', 'one': '{n} actor', 'other': '{n} actors'}
    """
    fields = sorted(plural_fields(text))
    if not fields:
        return text
    if len(fields) > 1 or "#" in text:
        raise ValueError(f"a message for the page's script has one plural block and no '#': {text!r}")
    name = fields[0]
    # 1 is "one" and 2 "other" in every language of the package (CLDR cardinal rules).
    return {"count": name, "one": choose_plurals(text, lang, {name: 1}),
            "other": choose_plurals(text, lang, {name: 2})}


def legend_lines(data: MapData) -> tuple[LegendLine, ...]:
    """What the legend explains besides its colours: circle size, line width and styles, the
    suggested introductions, the municipalities' discs and which actors are named."""
    t = data.locale.t
    lines = [LegendLine("size", t(f"map.size_{data.size_by}"))]
    if data.grouped_by is None:
        lines.append(LegendLine("width", t("map.legend_width")))
        if data.one_sided:
            lines += [LegendLine("solid", t("map.legend_solid")), LegendLine("dashed", t("map.legend_dashed"))]
        if data.has_introductions:
            lines.append(LegendLine("suggested", t("map.legend_suggested"), SUGGESTED_COLOR))
        if data.places:
            lines.append(LegendLine("places", t("map.legend_places")))
    lines += [LegendLine("text", note) for note in data.legend_notes]
    if data.grouped_by is None:
        lines.append(LegendLine("text", t("map.legend_labels")))
    return tuple(lines)


def page_texts(data: MapData) -> PageTexts:
    """The words of the page of ``data`` in its language (:class:`PageTexts`)."""
    messages = data.locale.messages
    lang = data.locale.lang
    script: dict[str, Any] = {name: script_message(messages[key], lang) for name, key in SCRIPT_KEYS.items()}
    if data.shown is not None:
        script["shown_fixed"] = data.shown  # a grouped map says what its circles are; filters do not apply
    return PageTexts({name: messages[key] for name, key in PAGE_KEYS.items()}, script, legend_lines(data))
