"""The language and vocabulary of one run, passed once as a :class:`Locale`.

Tables and JSON keep vocabulary ids; words appear only where text is rendered (pages, the
terminal, office workbooks), and every renderer takes its words from the one ``Locale`` it is
given, so that a user's own vocabulary (``--vocabulary``) reaches every step.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from carenet_graph.i18n import catalog, check_language, translate
from carenet_graph.i18n.formatting import number, percent
from carenet_graph.vocabulary import Vocabulary, default_vocabulary


@dataclass(frozen=True)
class Locale:
    """A language (one of :data:`carenet_graph.i18n.LANGUAGES`, checked here) and a vocabulary.

    >>> Locale("de").t("summary_none")  # doctest: +SKIP
    """

    lang: str = "en"
    vocabulary: Vocabulary = field(default_factory=default_vocabulary, repr=False, compare=False)

    def __post_init__(self) -> None:
        check_language(self.lang)

    def t(self, key: str, **values: Any) -> str:
        """The message ``key`` in this language with its placeholders filled."""
        return translate(key, self.lang, **values)

    @property
    def messages(self) -> dict[str, str]:
        """Every message of this language (for templates)."""
        return catalog(self.lang)

    def number(self, value: float | int | None, digits: int | None = None) -> str:
        """``value`` with this language's decimal sign and digit grouping (see
        :func:`carenet_graph.i18n.formatting.number`); "–" for a missing value (None or NaN)."""
        if value is None or value != value:
            return "–"
        return number(value, self.lang, digits)

    def percent(self, share: float | None, digits: int = 0) -> str:
        """``share`` (0.25 for a quarter) as this language writes a percentage; "–" when missing."""
        if share is None or share != share:
            return "–"
        return percent(share, self.lang, digits)

    def label(self, kind: str, ident: str | int) -> str:
        """The vocabulary's label of an actor type, sector, tie type or level in this language."""
        return self.vocabulary.label(kind, ident, self.lang)


def as_locale(locale: Locale | str | None) -> Locale:
    """A :class:`Locale` from a Locale, a language code or None (English, built-in vocabulary)."""
    if isinstance(locale, Locale):
        return locale
    return Locale(locale or "en")
