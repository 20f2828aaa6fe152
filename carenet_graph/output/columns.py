"""What each column of the written tables holds, for the office workbooks: its kind of value.

The CSV files and the workbooks hold the same tables. The CSV keeps the column ids and the
values as they are (for scripts); a workbook shows each column under a header in the user's
language and each value as its kind says (:mod:`carenet_graph.output.office`):

* number kinds (``integer``, ``decimal1`` … ``decimal4``, ``percent``, ``percent1``) keep the
  full value in the cell and give it an xlsx number format, so that Excel rounds for display
  and writes the user's own decimal sign;
* word kinds turn ids into words: vocabulary labels (``actor_type``, ``sector``, ``tie_type``,
  ``level``), the catalogue's words for codes (``code:<list>``, see :data:`CODE_LISTS`) and
  ``yes_no`` for booleans;
* ``text`` and ``id`` are written as they are (names, sentences already in the user's
  language, and the user's own actor ids); ``omit`` leaves a column out of the workbook (an
  English duplicate of a column that is shown in words); ``blank`` leaves a cell empty (a
  key that means nothing to a reader, chosen per row).

One table of kinds serves every table, because the same id means the same thing wherever it
appears; :data:`TABLE_KINDS` holds the few exceptions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

__all__ = [
    "CODE_LISTS",
    "COLUMN_KINDS",
    "FIGURE_KINDS",
    "NUMBER_FORMATS",
    "TABLE_KINDS",
    "column_kind",
    "figure_position",
    "figure_rows",
]

#: xlsx number format of each number kind. Excel and LibreOffice show "." and "," in these
#: formats as the reader's own decimal and grouping signs.
NUMBER_FORMATS: dict[str, str] = {
    "integer": "#,##0",
    "decimal1": "#,##0.0",
    "decimal2": "#,##0.00",
    "decimal3": "0.000",
    "decimal4": "0.0000",
    "percent": "0%",
    "percent1": "0.0%",
}

#: The codes a ``code:<list>`` column may hold; each has a word in every language
#: (``tables.value.<list>.<code>`` in ``i18n/tables_LANG.yaml``).
CODE_LISTS: dict[str, tuple[str, ...]] = {
    "severity": ("required", "expected", "recommended"),
    "scope": ("same_municipality", "same_region", "anywhere", "within_km"),
    "structural": ("isolate", "pendant", "sector_pair", "municipality_pair", "care_welfare_bridge"),
    "change": ("added", "removed", "level_up", "level_down", "type_changed", "unchanged"),
    "status": ("matched", "new", "left"),
    "match": ("ambiguous", "id_name_differs", "new", "left", "name", "id"),
    "role": ("became_broker", "no_longer_broker", "became_single_point", "no_longer_single_point"),
    "mode": ("undirected", "directed", "mutual"),
    "group_by": ("sector", "type", "municipality"),
    "direction": ("out", "in"),
}

_MEASURES = {
    "degree": "integer", "in_degree": "integer", "out_degree": "integer",
    "strength": "decimal1", "in_strength": "decimal1", "out_strength": "decimal1",
    "betweenness": "decimal3", "closeness": "decimal3", "harmonic": "decimal1", "eigenvector": "decimal3",
    "pagerank": "decimal4", "constraint": "decimal3", "effective_size": "decimal1", "hierarchy": "decimal3",
    "coordinator": "integer", "itinerant": "integer", "gatekeeper": "integer", "representative": "integer",
    "liaison": "integer", "brokerage_total": "integer", "community": "integer", "core_number": "integer",
    "articulation_point": "yes_no", "removal_impact": "percent1",
}

#: Kind of every column id of the tables analyze, gaps and compare write.
COLUMN_KINDS: dict[str, str] = {
    # actors (analyze) and the actors named in every other table
    "id": "id", "name": "text", "type": "actor_type", "sector": "sector", "municipality": "text",
    **_MEASURES,
    # groups, mixing, brokerage (analyze)
    "group": "group", "other_group": "group", "size": "integer", "internal_ties": "integer",
    "external_ties": "integer", "density_within": "decimal3", "ei_index": "decimal3", "ties": "integer",
    "density": "decimal3",
    # gaps
    "actor": "id", "rule": "text", "severity": "code:severity", "scope": "code:scope", "missing": "text",
    "have": "integer", "need": "integer", "candidates": "id", "candidate_names": "text",
    # introductions
    "rank": "integer", "partner": "id", "partner_name": "text", "score": "decimal2", "impact": "decimal2",
    "ease": "decimal2", "gaps_met": "integer", "common_partners": "integer", "km": "decimal1", "broker": "id",
    "broker_name": "text", "reason": "text",
    # scorecards
    "actors": "integer", "actors_by_sector": "sector_counts", "ties_inside": "integer", "ties_outside": "integer",
    "cross_domain_ties": "integer", "linked_to_network": "yes_no", "rule_coverage": "percent",
    "rule_instances": "integer", "expected_types_absent": "actor_types", "single_bridge_actors": "id",
    "single_bridge_names": "text",
    # structural
    "kind": "code:structural", "group_or_partner": "structural_group", "other": "structural_group",
    "observed": "integer", "expected": "decimal1", "description": "text",
    # disagreements
    "actor_a": "id", "name_a": "text", "actor_b": "id", "name_b": "text", "level_a": "level", "level_b": "level",
    "difference": "integer", "status": "text",
    # tie_changes, actor_changes, actor_matching (compare)
    "change": "code:change", "level_before": "level", "level_after": "level", "types_before": "tie_types",
    "types_after": "tie_types", "before_id": "id", "after_id": "id", "name_before": "text", "name_after": "text",
    "match": "code:match", "broker_before": "yes_no", "broker_after": "yes_no", "single_point_before": "yes_no",
    "single_point_after": "yes_no", "role_change": "omit", "role_change_keys": "code_list:role",
    # the figures sheets
    "figure": "figure", "value": "figure_value", "before": "figure_value", "after": "figure_value",
    "delta": "figure_value",
}

#: Columns whose kind differs in one table: ``{table: {column: kind}}``.
TABLE_KINDS: dict[str, dict[str, str]] = {
    "actor_changes": {"status": "code:status"},
}

#: Kind of each network figure (dotted keys of ``NetworkFigures.to_dict()``, options as
#: ``options.<name>``); figures not listed are numbers without a format.
FIGURE_KINDS: dict[str, str] = {
    "actors": "integer", "ties": "integer", "density": "decimal3", "components": "integer",
    "largest_component_share": "percent1", "average_degree": "decimal2", "degree_centralization": "decimal3",
    "betweenness_centralization": "decimal3", "transitivity": "decimal3", "average_clustering": "decimal3",
    "paths.average_path_length": "decimal2", "paths.diameter": "integer", "paths.diameter_upper_bound": "integer",
    "paths.exact": "yes_no", "paths.sampled_sources": "integer", "paths.standard_error": "decimal4",
    "reciprocity": "percent1", "articulation_points": "integer", "bridges": "integer",
    "dyads.pairs_reported": "integer", "dyads.pairs_both_reported": "integer",
    "dyads.pairs_both_with_level": "integer", "dyads.share_both_reported": "percent1",
    "dyads.share_level_agreement": "percent1", "dyads.mean_level_difference": "decimal2",
    "extra.communities": "integer", "extra.modularity": "decimal3", "extra.assortativity": "decimal3",
    "extra.ei_index": "decimal3", "extra.ei_expected": "decimal3", "extra.ei_p_value": "decimal3",
    "extra.ei_p_lower": "decimal3", "extra.ei_p_upper": "decimal3", "extra.ei_permutations": "integer",
    "approximate": "yes_no",
    "options.mode": "code:mode", "options.group_by": "code:group_by", "options.min_level": "level",
    "options.tie_types": "tie_types", "options.seed": "integer", "options.exact": "yes_no",
    "options.closeness_direction": "code:direction",
}


def column_kind(table: str, column: str) -> str | None:
    """The kind of ``column`` in ``table`` (:data:`TABLE_KINDS`, then :data:`COLUMN_KINDS`;
    ``<measure>_before``/``_after``/``_delta`` and ``<role>_expected``/``_z`` as their
    measure's number kind); None for a column the package does not know."""
    own = TABLE_KINDS.get(table, {}).get(column)
    if own is not None:
        return own
    if column in COLUMN_KINDS:
        return COLUMN_KINDS[column]
    base, _, suffix = column.rpartition("_")
    if suffix in ("before", "after", "delta") and base in _MEASURES:
        kind = _MEASURES[base]
        return "decimal3" if kind == "yes_no" else kind
    if suffix in ("expected", "z") and base in _MEASURES:
        return "decimal2"
    return None


_FIGURE_ORDER = {key: position for position, key in enumerate(FIGURE_KINDS)}


def figure_position(key: str) -> tuple[int, str]:
    """Sort key of a network figure: the reading order of :data:`FIGURE_KINDS` (size, cohesion,
    paths, fragility, reports, groups, options), figures it does not list last by name."""
    return _FIGURE_ORDER.get(key, len(_FIGURE_ORDER)), key


#: Network figures that are not shown on a figures sheet: a method description in English
#: (network.json keeps it) and the grouping, which the options rows show.
_HIDDEN_FIGURES = frozenset({"extra.ei_method", "extra.group_by"})
_OPTIONS = ("mode", "group_by", "min_level", "tie_types", "seed", "exact", "closeness_direction")


def _flat(document: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for key in sorted(document):
        value = document[key]
        if isinstance(value, Mapping):
            out.extend(_flat(value, f"{prefix}{key}."))
        else:
            out.append((f"{prefix}{key}", value))
    return out


def figure_rows(network: Mapping[str, Any], *, options: Mapping[str, Any] | None = None,
                approximations: Iterable[tuple[str, float]] = (),
                versions: Mapping[str, str] | None = None) -> list[list[Any]]:
    """``[figure key, value]`` rows of a figures sheet (columns ``figure``, ``value``).

    ``network`` is ``NetworkFigures.to_dict()`` (nested figures become dotted keys such as
    ``paths.diameter``); then whether any measure is estimated and each estimate's bound
    (``approximation.<measure>``), the options of :data:`_OPTIONS` (``options.<name>``) and the
    software versions (``versions.<package>``).
    """
    rows: list[list[Any]] = [[k, v] for k, v in sorted(_flat(network), key=lambda kv: figure_position(kv[0]))
                             if k not in _HIDDEN_FIGURES]
    approximations = list(approximations)
    if options is not None:
        rows.append(["approximate", bool(approximations)])
    rows.extend([f"approximation.{measure}", bound] for measure, bound in approximations)
    if options is not None:
        rows.extend([f"options.{name}", options.get(name)] for name in _OPTIONS)
    rows.extend([f"versions.{package}", version] for package, version in sorted((versions or {}).items()))
    return rows
