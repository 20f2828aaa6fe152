"""Expected-collaboration rules: who should work with whom, where, and how closely.

A rule says that every *subject* actor (by type or sector) should have at least ``min_ties``
ties of an accepted type and at least ``min_level`` with an *object* actor (by type or
sector) within a scope:

* ``same_municipality`` – the object is in the subject's municipality;
* ``same_region`` – in the subject's region (actors without a region count as one region);
* ``anywhere`` – anywhere in the network;
* ``within_km`` – within ``km`` kilometres (great-circle) when both have coordinates, else
  falls back to the same municipality.

Ties without a type count for every rule and ties without a level for every minimum level
(the data do not say otherwise). ``severity`` is ``required`` (statutory or contractual),
``expected`` (explicit guidance) or ``recommended`` (good practice). ``countries`` limits a
rule to actors in those countries (actors without a country are always included).

``title`` and ``rationale`` are text (in the user's language) or a mapping by language
(``{en: ..., de: ...}``); :mod:`carenet_graph.gaps.texts` shows them, falling back to the
catalogue's title of a package rule and to the vocabulary's labels, never to the id.

The package rules are the ``expected_collaboration_rules`` researched in the vocabulary
(with their rationale and sources); a user file (``--rules FILE``) with a ``rules:`` list in
the same shape replaces rules of the same id and adds new ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from carenet_graph.errors import VocabularyError
from carenet_graph.i18n.formatting import english_plural
from carenet_graph.vocabulary import Vocabulary, default_vocabulary, load_yaml_file

# Country names as spreadsheets write them (en, de, nl, sv) → ISO 3166 codes used in rules.
COUNTRY_CODES = {
    "de": "DE", "deu": "DE", "germany": "DE", "deutschland": "DE", "duitsland": "DE", "tyskland": "DE",
    "nl": "NL", "nld": "NL", "netherlands": "NL", "the netherlands": "NL", "nederland": "NL", "niederlande": "NL",
    "holland": "NL", "nederländerna": "NL",
    "se": "SE", "swe": "SE", "sweden": "SE", "sverige": "SE", "schweden": "SE", "zweden": "SE",
}


def country_code(value: Any) -> str | None:
    """ISO code of a country name or code in any of the four languages (None if unknown)."""
    if value is None:
        return None
    return COUNTRY_CODES.get(" ".join(str(value).casefold().split()))


PACKAGE_SOURCE = "carenet_graph/vocabulary/vocabulary.yaml"
SCOPES = ("same_municipality", "same_region", "anywhere", "within_km")
SEVERITIES = ("required", "expected", "recommended")
SEVERITY_ORDER = {s: i for i, s in enumerate(SEVERITIES)}


@dataclass(frozen=True)
class Rule:
    """One expected collaboration (see the module docstring)."""

    id: str
    subject_types: frozenset[str]
    subject_sectors: frozenset[str]
    object_types: frozenset[str]
    object_sectors: frozenset[str]
    scope: str
    km: float | None
    tie_types: frozenset[str] | None
    min_ties: int
    min_level: int | None
    severity: str
    countries: frozenset[str]
    rationale: str
    sources: tuple[str, ...]
    #: The rule's own titles and rationales as (language, text) pairs; language "" for plain text.
    titles: tuple[tuple[str, str], ...] = ()
    rationales: tuple[tuple[str, str], ...] = ()
    #: Whether the rule is one of the vocabulary's (its catalogue texts apply), not a user's.
    builtin: bool = False

    def applies_to(self, actor: Mapping[str, Any]) -> bool:
        """Whether ``actor`` (node attributes) is a subject of this rule."""
        code = country_code(actor.get("country"))
        if self.countries and code is not None and code not in self.countries:
            return False
        return actor.get("type") in self.subject_types or actor.get("sector") in self.subject_sectors

    def is_object(self, actor: Mapping[str, Any]) -> bool:
        return actor.get("type") in self.object_types or actor.get("sector") in self.object_sectors


def _strings(value: Any, rid: str, field: str, source: str) -> frozenset[str]:
    """The names in rule ``rid``'s entry ``field`` (one name or a list of names)."""
    if value is None:
        return frozenset()
    if isinstance(value, str):
        return frozenset({value})
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return frozenset(value)
    where = f"rule '{rid}' {field}"
    raise VocabularyError(f"'{where}' must be a list of names", file=source,
                          hint=f"Write e.g. {where}: [general_practitioner, pharmacy]",
                          key="rules.not_a_list_of_names", values={"rule": rid, "field": field})


def _texts(value: Any) -> tuple[tuple[str, str], ...]:
    """(language, text) pairs of a ``title`` or ``rationale``: plain text is language "" (the
    user's own words, shown in every language); a mapping gives one text per language code."""
    if isinstance(value, Mapping):
        pairs = ((str(lang).strip().casefold(), " ".join(str(text).split())) for lang, text in value.items())
        return tuple(sorted((lang, text) for lang, text in pairs if text))
    text = " ".join(str(value).split()) if value is not None else ""
    return (("", text),) if text else ()


def parse_rule(entry: Mapping[str, Any], vocab: Vocabulary, source: str) -> Rule:
    """Check one rule mapping against the vocabulary and build a :class:`Rule`."""
    if not isinstance(entry, Mapping) or "id" not in entry:
        raise VocabularyError("a rule has no 'id'", file=source, hint="Start every rule with '- id: some_name'.",
                              key="rules.no_id", values={})
    rid = str(entry["id"])
    where = f"rule '{rid}'"
    subject_types = _strings(entry.get("subject_types"), rid, "subject_types", source)
    subject_sectors = _strings(entry.get("subject_sectors"), rid, "subject_sectors", source)
    object_types = _strings(entry.get("object_types"), rid, "object_types", source)
    object_sectors = _strings(entry.get("object_sectors"), rid, "object_sectors", source)
    unknown = sorted((subject_types | object_types) - set(vocab.actor_types))
    if unknown:
        examples = ", ".join(sorted(vocab.actor_types)[:4])
        what = english_plural(len(unknown), "actor type", with_count=False)
        raise VocabularyError(f"{where} names the unknown {what} "
                              f"{', '.join(unknown)}", file=source,
                              hint=f"Use actor type ids from the vocabulary, e.g. {examples}.",
                              key="rules.unknown_actor_types",
                              values={"rule": rid, "names": ", ".join(unknown), "examples": examples})
    unknown = sorted((subject_sectors | object_sectors) - set(vocab.sectors))
    if unknown:
        examples = ", ".join(sorted(vocab.sectors)[:4])
        what = english_plural(len(unknown), "sector", with_count=False)
        raise VocabularyError(f"{where} names the unknown {what} "
                              f"{', '.join(unknown)}", file=source,
                              hint=f"Use sector ids from the vocabulary, e.g. {examples}.",
                              key="rules.unknown_sectors",
                              values={"rule": rid, "names": ", ".join(unknown), "examples": examples})
    if not (subject_types or subject_sectors) or not (object_types or object_sectors):
        raise VocabularyError(f"{where} needs subject_types or subject_sectors and object_types or object_sectors",
                              file=source, hint="Say whose ties are expected, and with whom.",
                              key="rules.subject_or_object_missing", values={"rule": rid})
    scope = str(entry.get("scope", "same_region"))
    if scope not in SCOPES:
        raise VocabularyError(f"{where} has the unknown scope '{scope}'", file=source,
                              hint=f"Use one of: {', '.join(SCOPES)}.", key="rules.unknown_scope",
                              values={"rule": rid, "scope": scope, "choices": ", ".join(SCOPES)})
    km = entry.get("km")
    if scope == "within_km" and not (isinstance(km, (int, float)) and km > 0):
        raise VocabularyError(f"{where} has scope within_km but no positive 'km'", file=source,
                              hint="Add e.g. 'km: 15'.", key="rules.within_km_without_km", values={"rule": rid})
    tie_types = entry.get("accepted_tie_types", entry.get("tie_types"))
    accepted = _strings(tie_types, rid, "accepted_tie_types", source) if tie_types is not None else None
    if accepted is not None:
        unknown = sorted(accepted - set(vocab.tie_types))
        if unknown:
            what = english_plural(len(unknown), "tie type", with_count=False)
            raise VocabularyError(f"{where} names the unknown {what} "
                              f"{', '.join(unknown)}", file=source,
                                  hint="Use tie type ids from the vocabulary, e.g. referral, consultation.",
                                  key="rules.unknown_tie_types", values={"rule": rid, "names": ", ".join(unknown)})
    min_level = entry.get("min_level", entry.get("min_intensity"))
    if min_level is not None and not (isinstance(min_level, int) and 0 <= min_level <= 5):
        raise VocabularyError(f"{where}: min_level must be a whole number 0–5", file=source,
                              hint="Use the collaboration scale: 1 networking … 5 collaboration.",
                              key="rules.min_level_invalid", values={"rule": rid})
    min_ties = entry.get("min_ties", 1)
    if not (isinstance(min_ties, int) and min_ties >= 1):
        raise VocabularyError(f"{where}: min_ties must be a whole number of at least 1", file=source,
                              hint="Write e.g. 'min_ties: 1'.", key="rules.min_ties_invalid", values={"rule": rid})
    severity = str(entry.get("severity", "expected"))
    if severity not in SEVERITIES:
        raise VocabularyError(f"{where} has the unknown severity '{severity}'", file=source,
                              hint=f"Use one of: {', '.join(SEVERITIES)}.", key="rules.unknown_severity",
                              values={"rule": rid, "severity": severity, "choices": ", ".join(SEVERITIES)})
    sources = entry.get("sources") or ([entry["source"]] if entry.get("source") else [])
    rationales = _texts(entry.get("rationale"))
    plain = dict(rationales)
    return Rule(
        id=rid, subject_types=subject_types, subject_sectors=subject_sectors, object_types=object_types,
        object_sectors=object_sectors, scope=scope, km=float(km) if km is not None else None,
        tie_types=accepted, min_ties=min_ties, min_level=min_level, severity=severity,
        countries=frozenset(str(c).upper() for c in entry.get("countries") or ()),
        rationale=plain.get("", plain.get("en", next(iter(plain.values()), ""))),
        sources=tuple(str(s) for s in sources), titles=_texts(entry.get("title")), rationales=rationales,
    )


def load_rules(paths: Iterable[str | Path] = (), vocabulary: Vocabulary | None = None,
               include_defaults: bool = True) -> tuple[Rule, ...]:
    """The package rules (unless ``include_defaults`` is False) updated by the user's files."""
    vocab = vocabulary or default_vocabulary()
    entries: dict[str, tuple[Mapping[str, Any], str]] = {}
    if include_defaults:
        for entry in vocab.data.get("expected_collaboration_rules", []):
            entries[str(entry["id"])] = (entry, PACKAGE_SOURCE)
    for path in paths:
        path = Path(path)
        # Size-bounded, no YAML aliases (a "billion laughs" file), bounded nesting: see yaml_safe.
        data = load_yaml_file(path, what="rules", option="--rules")
        items = data.get("rules") if isinstance(data, dict) else data
        if not isinstance(items, list):
            raise VocabularyError("a rules file must hold a list of rules under 'rules:'", file=str(path),
                                  hint="Start the file with 'rules:' and list each rule with '- id: ...'.",
                                  key="rules.file_not_a_list", values={})
        for entry in items:
            rid = str(entry.get("id")) if isinstance(entry, Mapping) else "?"
            entries[rid] = (entry, str(path))
    rules = (parse_rule(entry, vocab, source) for entry, source in entries.values())
    return tuple(replace(rule, builtin=True) if entries[rule.id][1] == PACKAGE_SOURCE else rule for rule in rules)
