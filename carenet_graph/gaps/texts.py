"""What a rule is called and why it matters, in the reader's language.

:func:`rule_title` and :func:`rule_rationale` are the one place a rule becomes words: pages,
terminal summaries and office workbooks show these, never the rule id (ids stay in the CSV
and JSON columns for machines). The text is, in this order:

1. the rule's own text in the reader's language (a ``title:`` or ``rationale:`` mapping by
   language in a user's rules file);
2. for a package rule, the catalogue's ``rule_title.<id>`` / ``rule_why.<id>``
   (``carenet_graph/i18n/gaps_LANG.yaml``, written for a board member, not a lawyer);
3. the rule's own plain text (a user's rules file with ``title: some text``);
4. a title built from the vocabulary's labels ("Home nursing service ↔ Palliative consultation
   service"), and no rationale.

A user's rule that replaces a package rule of the same id has its own meaning, so the
catalogue's texts for that id do not apply to it (:attr:`Rule.builtin` is False).
"""

from __future__ import annotations

from carenet_graph.gaps.rules import Rule
from carenet_graph.locale import Locale, as_locale

__all__ = ["objects_label", "rule_rationale", "rule_title", "subjects_label"]


def _labels(types: frozenset[str], sectors: frozenset[str], locale: Locale) -> str:
    names = [locale.label("actor_type", t) for t in sorted(types)]
    names += [locale.label("sector", s) for s in sorted(sectors)]
    return " / ".join(names)


def subjects_label(rule: Rule, locale: Locale | str | None = None) -> str:
    """The rule's subject types and sectors by their vocabulary labels, joined by " / "."""
    return _labels(rule.subject_types, rule.subject_sectors, as_locale(locale))


def objects_label(rule: Rule, locale: Locale | str | None = None) -> str:
    """The rule's object types and sectors by their vocabulary labels, joined by " / "."""
    return _labels(rule.object_types, rule.object_sectors, as_locale(locale))


def _own(pairs: tuple[tuple[str, str], ...], lang: str) -> tuple[str | None, str | None]:
    """The rule's own text in ``lang`` and its plain (language-less) text."""
    texts = dict(pairs)
    return texts.get(lang), texts.get("")


def rule_title(rule: Rule, locale: Locale | str | None = None) -> str:
    """A short title of ``rule`` in the locale's language (see the module docstring for the order).

    Examples
    --------
    >>> from carenet_graph.gaps.rules import load_rules
    >>> rule = {r.id: r for r in load_rules()}["gp_linked_to_palliative_consult_service"]
    >>> rule_title(rule, "de")
    'Jede Hausarztpraxis arbeitet mit einem Palliativdienst zusammen'
    """
    loc = as_locale(locale)
    return _text(rule, rule.titles, "rule_title", loc) or f"{subjects_label(rule, loc)} ↔ {objects_label(rule, loc)}"


def rule_rationale(rule: Rule, locale: Locale | str | None = None) -> str:
    """Why ``rule`` matters, in one or two sentences in the locale's language; "" when the rule
    gives no reason (a user's rule without ``rationale``)."""
    return _text(rule, rule.rationales, "rule_why", as_locale(locale))


def _text(rule: Rule, given: tuple[tuple[str, str], ...], prefix: str, loc: Locale) -> str:
    """The rule's own text in the reader's language, else the catalogue's (package rules only: a
    user's rule of the same id means something else), else the rule's plain text, else ""."""
    own, plain = _own(given, loc.lang)
    key = f"{prefix}.{rule.id}"
    if own:
        return own
    if rule.builtin and key in loc.messages:
        return loc.t(key)
    return plain or ""
