"""Controlled vocabulary: actor types, sectors, tie types, the Frey scale and header aliases.

The lists live in ``vocabulary.yaml`` (package data, four languages: en, de, nl, sv). Users add
their own synonyms, types and header aliases with a YAML file of the same shape
(``load_vocabulary(extra=[path])`` / ``--vocabulary FILE``): lists of entries with an ``id``
are merged by id (synonyms are added), other lists are extended, mappings merged.

Matching of free text (actor types, tie types, levels, headers) compares *keys*:
Unicode NFKC, case folded, ``_ - / .`` read as spaces, whitespace collapsed (:func:`text_key`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from carenet_graph.errors import VocabularyError
from carenet_graph.i18n import LANGUAGES as LANGUAGES
from carenet_graph.vocabulary.matching import Matcher, TypeMatch, label_variants, text_key
from carenet_graph.vocabulary.yaml_safe import load_yaml_file

__all__ = ["LANGUAGES", "TypeMatch", "Vocabulary", "default_vocabulary", "load_vocabulary", "load_yaml_file",
           "text_key"]

@dataclass(frozen=True)
class Vocabulary:
    """The controlled lists in use for one run (package defaults plus user additions).

    Attributes
    ----------
    data:
        The merged YAML content.
    sources:
        Files merged into it, in order (the package file first).
    """

    data: Mapping[str, Any]
    sources: tuple[str, ...]
    _cache: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    # -- plain lookups -------------------------------------------------------------------
    @property
    def version(self) -> str:
        return str(self.data.get("meta", {}).get("vocabulary_version", "unknown"))

    @property
    def actor_types(self) -> dict[str, Mapping[str, Any]]:
        key = "list:actor_types"
        if key not in self._cache:
            self._cache[key] = {str(t["id"]): t for t in self.data["actor_types"]}
        table: dict[str, Mapping[str, Any]] = self._cache[key]
        return table

    @property
    def sectors(self) -> dict[str, Mapping[str, Any]]:
        key = "list:sectors"
        if key not in self._cache:
            self._cache[key] = {str(s["id"]): s for s in self.data["sectors"]}
        table: dict[str, Mapping[str, Any]] = self._cache[key]
        return table

    @property
    def tie_types(self) -> dict[str, Mapping[str, Any]]:
        key = "list:tie_types"
        if key not in self._cache:
            self._cache[key] = {str(t["id"]): t for t in self.data["tie_types"]}
        table: dict[str, Mapping[str, Any]] = self._cache[key]
        return table

    @property
    def levels(self) -> dict[int, Mapping[str, Any]]:
        scale = self.data["scales"]["collaboration_intensity"]
        return {int(level["value"]): level for level in scale["levels"]}

    def sector_of(self, actor_type: str) -> str:
        entry = self.actor_types.get(actor_type)
        return str(entry["sector"]) if entry else "other"

    def tie_type_directed(self, tie_type: str) -> bool:
        entry = self.tie_types.get(tie_type)
        return bool(entry and entry.get("direction") == "directed")

    def label(self, kind: str, ident: str | int, lang: str = "en") -> str:
        """Label of an actor type, sector, tie type or level (``kind`` names the list)."""
        tables: dict[str, Mapping[Any, Mapping[str, Any]]] = {
            "actor_type": self.actor_types,
            "sector": self.sectors,
            "tie_type": self.tie_types,
            "level": self.levels,
        }
        table = tables[kind]
        entry = table.get(ident)
        if entry is None:
            return str(ident)
        labels = entry.get("labels", {})
        return str(labels.get(lang) or labels.get("en") or ident)

    # -- matching ------------------------------------------------------------------------
    def _matcher(self, name: str) -> Matcher:
        if name not in self._cache:
            if name == "actor":
                self._cache[name] = Matcher.build(
                    self.data["actor_types"], "other_organisation", self.data.get("keyword_rules", ())
                )
            else:
                self._cache[name] = Matcher.build(self.data["tie_types"], "other")
        matcher: Matcher = self._cache[name]
        return matcher

    def match_actor_type(self, text: str) -> TypeMatch:
        """Match free text (any of the four languages) to an actor-type id."""
        return self._matcher("actor").match(text)

    def match_tie_type(self, text: str) -> TypeMatch:
        """Match free text to a tie-type id (fallback ``other``)."""
        return self._matcher("tie").match(text)

    def level_aliases(self) -> dict[str, int]:
        """Normalised text → Frey level, from ids, labels and text aliases of the scale."""
        if "levels" not in self._cache:
            scale = self.data["scales"]["collaboration_intensity"]
            out: dict[str, int] = {}
            for level in scale["levels"]:
                value = int(level["value"])
                for name in [level["id"], *label_variants(level.get("labels", {}))]:
                    out.setdefault(text_key(str(name)), value)
            for value, names in (scale.get("text_aliases") or {}).items():
                for name in names:
                    out.setdefault(text_key(str(name)), int(value))
            for name, value in (scale.get("crosswalks", {}).get("partner_tool_levels") or {}).items():
                out.setdefault(text_key(str(name)), int(value))
            self._cache["levels"] = out
        aliases: dict[str, int] = self._cache["levels"]
        return aliases

    def header_aliases(self, role: str) -> dict[str, str]:
        """Normalised header text → canonical column name for ``role`` ('actors' or 'ties').

        The data-model names (``level`` for the Frey scale) are canonical; the reference
        vocabulary calls the level ``intensity`` and that alias is kept.
        """
        cache_key = f"headers:{role}"
        if cache_key not in self._cache:
            out: dict[str, str] = {}
            for canonical, aliases in self.data["columns"][role].items():
                name = _CANONICAL_RENAMES.get(str(canonical), str(canonical))
                for alias in [name, canonical, *aliases]:
                    out.setdefault(text_key(str(alias)), name)
            self._cache[cache_key] = out
        aliases_out: dict[str, str] = self._cache[cache_key]
        return aliases_out

    @property
    def missing_values(self) -> frozenset[str]:
        return frozenset(text_key(str(v)) for v in self.data["normalisation"]["missing_values"])

    @property
    def booleans(self) -> dict[str, bool]:
        out: dict[str, bool] = {}
        for truth, names in self.data["normalisation"]["boolean_values"].items():
            for name in names:
                out[text_key(str(name))] = str(truth) == "true"
        return out

    def direction_aliases(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for value, names in self.data["scales"]["direction"]["values"].items():
            for name in names:
                out[str(name).strip().casefold()] = str(value)
                out[text_key(str(name))] = str(value)
        out.pop("", None)
        return out


_CANONICAL_RENAMES = {"intensity": "level"}
_SAME_SHAPE = "Use the same shape as the package vocabulary (see README, 'Your own vocabulary')."


def _merge(base: Any, extra: Any, where: str) -> Any:
    if isinstance(base, dict) and isinstance(extra, dict):
        merged = dict(base)
        for key, value in extra.items():
            merged[key] = _merge(base[key], value, f"{where}.{key}") if key in base else value
        return merged
    if isinstance(base, list) and isinstance(extra, list):
        if all(isinstance(e, dict) and "id" in e for e in base + extra):
            by_id = {e["id"]: dict(e) for e in base}
            for e in extra:
                by_id[e["id"]] = _merge(by_id[e["id"]], e, f"{where}[{e['id']}]") if e["id"] in by_id else e
            return list(by_id.values())
        return base + [e for e in extra if e not in base]
    if isinstance(base, dict) and not isinstance(extra, dict):
        raise VocabularyError(f"'{where}' must be a mapping", hint=_SAME_SHAPE, key="vocabulary.must_be_mapping",
                              values={"where": where})
    if isinstance(base, list) and not isinstance(extra, list):
        raise VocabularyError(f"'{where}' must be a list", hint=_SAME_SHAPE, key="vocabulary.must_be_list",
                              values={"where": where})
    return extra


def _check(data: Mapping[str, Any], source: str) -> None:
    sectors = {str(s.get("id")) for s in data.get("sectors", [])}
    for entry in data.get("actor_types", []):
        if "id" not in entry:
            raise VocabularyError("an actor type has no 'id'", file=source, hint="Give every entry an id.",
                                  key="vocabulary.actor_type_without_id", values={})
        if str(entry.get("sector")) not in sectors:
            choices = ", ".join(sorted(sectors))
            raise VocabularyError(
                f"actor type '{entry['id']}' names sector '{entry.get('sector')}', which is not defined",
                file=source,
                hint=f"Use one of: {choices}, or add the sector under 'sectors'.",
                key="vocabulary.undefined_sector",
                values={"actor_type": entry["id"], "sector": entry.get("sector"), "choices": choices},
            )
    for entry in data.get("tie_types", []):
        if entry.get("direction") not in ("directed", "undirected"):
            raise VocabularyError(
                f"tie type '{entry.get('id')}' needs 'direction: directed' or 'direction: undirected'",
                file=source,
                hint="Add a direction line to the tie type.",
                key="vocabulary.tie_type_without_direction", values={"tie_type": entry.get("id")},
            )


@lru_cache(maxsize=1)
def _package_data() -> Mapping[str, Any]:
    text = resources.files(__package__).joinpath("vocabulary.yaml").read_text(encoding="utf-8")
    data: Mapping[str, Any] = yaml.safe_load(text)
    return data


def load_vocabulary(extra: Iterable[str | Path] = (), *, max_bytes: int = 5_000_000) -> Vocabulary:
    """The package vocabulary, extended by the user's YAML files in ``extra`` (in order).

    ``max_bytes`` bounds each user file (see :class:`carenet_graph.read.limits.Limits`), checked
    before it is read; YAML aliases and deep nesting are refused (:mod:`.yaml_safe`), so that
    a "billion laughs" file ends in a :class:`VocabularyError` at once.
    """
    data: Any = _package_data()
    sources = ["carenet_graph/vocabulary/vocabulary.yaml"]
    for path in extra:
        path = Path(path)
        user = load_yaml_file(path, what="vocabulary", option="--vocabulary", max_bytes=max_bytes)
        if user is None:
            continue
        if not isinstance(user, dict):
            raise VocabularyError(
                "a vocabulary file must be a mapping (keys such as actor_types, columns)",
                file=str(path),
                hint="Start the file with e.g. 'actor_types:'.",
                key="vocabulary.file_not_a_mapping", values={},
            )
        try:
            data = _merge(data, user, "vocabulary")
            _check(data, str(path))
            _use(Vocabulary(data=data, sources=()))
        except VocabularyError as exc:
            exc.file = str(path)
            raise
        except (TypeError, KeyError, ValueError, AttributeError, RecursionError):
            # An entry of the wrong shape (a number where a mapping belongs, a level without a
            # value ...): said now, not as an internal error when the entry is first used.
            raise VocabularyError("the vocabulary file has an entry of the wrong shape", file=str(path),
                                  hint="Use the same shape as the package vocabulary (see README, 'Your own "
                                       "vocabulary'): lists of entries with an id, mappings of words.",
                                  key="vocabulary.wrong_shape", values={}) from None
        sources.append(str(path))
    return Vocabulary(data=data, sources=tuple(sources))


def _use(vocab: Vocabulary) -> None:
    """Build every lookup once, so that a malformed entry fails while loading."""
    for kind in ("actor_types", "sectors", "tie_types", "levels", "missing_values", "booleans"):
        getattr(vocab, kind)
    vocab.level_aliases()
    vocab.direction_aliases()
    vocab.header_aliases("actors")
    vocab.header_aliases("ties")
    vocab.match_actor_type("x")
    vocab.match_tie_type("x")


@lru_cache(maxsize=1)
def default_vocabulary() -> Vocabulary:
    """The package vocabulary without user additions (cached)."""
    return load_vocabulary()
