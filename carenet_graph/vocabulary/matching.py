"""Matching free text against a controlled list: keys, synonyms, contained words, keywords,
diacritic folding and close-match suggestions (:class:`Matcher`, :func:`text_key`)."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

_SEPARATORS = re.compile(r"[_\-/.·]+")
_SPACES = re.compile(r"\s+")
_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_LEGAL_FORMS = re.compile(
    r"\b(e ?v|ggmbh|gmbh|mbh|gaör|aör|ug|kg|stiftung|stichting|b ?v|vzw|ab|ideell förening|"
    r"ek ?för|eg|gbr|mvz gmbh)\b"
)
# A hyphen between two letters joins a compound ("Hospiz-Verein" is "Hospizverein").
_WORD_HYPHEN = re.compile(r"(?<=[^\W\d_])[-\u2010\u2011](?=[^\W\d_])")
_FOLD = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "å": "a", "é": "e", "è": "e", "ß": "ss"})
_FOLD_E = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "å": "a", "é": "e", "è": "e", "ß": "ss"})


def text_key(value: str) -> str:
    """Normalised matching key: NFKC, casefold, separators as spaces, single spaces, stripped.

    >>> text_key("  Ambulanter_Pflege-Dienst ")
    'ambulanter pflege dienst'
    """
    value = unicodedata.normalize("NFKC", value).casefold()
    value = _SEPARATORS.sub(" ", value)
    return _SPACES.sub(" ", value).strip()


#: Words that name the kind of place rather than the place (en, de, nl, sv).
PLACE_WORDS = ("municipality of", "city of", "town of", "municipality", "city", "town", "gemeinde", "stadt",
               "hansestadt", "gemeente", "stad", "kommun", "kommune")
# Longest first, so that "municipality of" is taken whole rather than leaving "of".
_PLACE_WORDS = re.compile(r"\b(" + "|".join(re.escape(w) for w in sorted(PLACE_WORDS, key=len, reverse=True))
                          + r")\b")


def place_key(name: str) -> str:
    """The comparable form of a place name: text key without the words for municipality."""
    return " ".join(_PLACE_WORDS.sub(" ", text_key(name)).split())


def _folded(key: str) -> tuple[str, str]:
    return key.translate(_FOLD), key.translate(_FOLD_E)


@dataclass(frozen=True)
class TypeMatch:
    """Result of matching free text against a controlled list.

    ``how`` is one of ``"id"``, ``"synonym"`` (exact synonym or label), ``"contains"`` (a
    synonym occurs in the text at word boundaries; the longest wins), ``"keyword"`` (ordered
    keyword rules), ``"folded"`` (after diacritic folding) or ``"unmatched"`` (fallback id,
    with ``suggestions`` naming the closest known ids).
    """

    id: str
    how: str
    suggestions: tuple[str, ...] = ()

    @property
    def matched(self) -> bool:
        return self.how != "unmatched"

    @property
    def exact(self) -> bool:
        return self.how in ("id", "synonym")


@dataclass(frozen=True)
class Matcher:
    """Synonym matcher for one controlled list (actor types or tie types)."""

    ids: frozenset[str]
    exact: Mapping[str, str]
    folded: Mapping[str, str]
    contained: tuple[tuple[str, str], ...]  # (padded synonym key, id), longest first
    keywords: tuple[tuple[str, str, bool], ...]
    fallback: str

    @classmethod
    def build(
        cls,
        entries: Iterable[Mapping[str, Any]],
        fallback: str,
        keyword_rules: Iterable[Mapping[str, Any]] = (),
    ) -> Matcher:
        exact: dict[str, str] = {}
        ids: set[str] = set()
        for entry in entries:
            tid = str(entry["id"])
            ids.add(tid)
            names = [tid, *label_variants(entry.get("labels", {}))]
            for syns in (entry.get("synonyms") or {}).values():
                names.extend(str(s) for s in syns or ())
            for name in names:
                key = text_key(name)
                if key:
                    exact.setdefault(key, tid)
        folded: dict[str, str] = {}
        for key, tid in exact.items():
            for f in _folded(key):
                folded.setdefault(f, tid)
        contained = tuple(
            sorted(((f" {k} ", t) for k, t in exact.items() if len(k) >= 3), key=lambda x: -len(x[0]))
        )
        keywords = tuple(
            (text_key(str(r["pattern"])) if r.get("whole_word") else str(r["pattern"]).casefold(),
             str(r["type"]), bool(r.get("whole_word", False)))
            for r in keyword_rules
        )
        return cls(frozenset(ids), exact, folded, contained, keywords, fallback)

    def match(self, text: str) -> TypeMatch:
        key = text_key(text)
        if key.replace(" ", "_") in self.ids:
            return TypeMatch(key.replace(" ", "_"), "id")
        # text_key reads a hyphen as a space, which splits hyphenated compounds
        # ("Pflege-Dienst", "Hospiz-Verein"); the joined spelling is tried alongside.
        lowered = unicodedata.normalize("NFKC", text).casefold()
        joined_lowered = _WORD_HYPHEN.sub("", lowered)
        keys = (key,) if joined_lowered == lowered else (key, text_key(joined_lowered))
        for k in keys:
            if k in self.exact:
                return TypeMatch(self.exact[k], "synonym")
        for k in keys:
            stripped = text_key(_LEGAL_FORMS.sub(" ", _BRACKETS.sub(" ", k)))
            if stripped and stripped in self.exact:
                return TypeMatch(self.exact[stripped], "synonym")
        padded = [f" {k} " for k in keys]
        # Longest synonym first, over both spellings: "hospizverein" beats "hospiz".
        for syn, tid in self.contained:
            if any(syn in p for p in padded):
                return TypeMatch(tid, "contains")
        for pattern, tid, whole in self.keywords:
            if (whole and any(f" {pattern} " in p for p in padded)) or (
                not whole and (pattern in lowered or pattern in joined_lowered)
            ):
                return TypeMatch(tid, "keyword")
        for f in _folded(key):
            if f in self.folded:
                return TypeMatch(self.folded[f], "folded")
        close = difflib.get_close_matches(key, list(self.exact), n=8, cutoff=0.6)
        suggestions = tuple(dict.fromkeys(self.exact[c] for c in close))[:3]
        return TypeMatch(self.fallback, "unmatched", suggestions)


def label_variants(labels: Mapping[str, str]) -> list[str]:
    """Every spelling of a label worth matching: the label, its " / " parts, and without brackets."""
    out: list[str] = []
    for label in labels.values():
        label = str(label)
        out.append(label)
        out.extend(part for part in label.split(" / ") if part.strip())
        without = _BRACKETS.sub(" ", label)
        if without != label:
            out.append(without)
    return out
