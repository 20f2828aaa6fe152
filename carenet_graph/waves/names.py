"""Do two names written for the same actor id name the same organisation? (:func:`names_agree`)

Used by :func:`carenet_graph.waves.match_actors` to catch a later wave that numbers its actors
differently: matched by id, "Ambulanter Pflegedienst Kastanienhof Detmold" would become
"Ambulanter Hospizdienst Bad Salzuflen". The test is deliberately lenient with the ways one
organisation's name drifts between two spreadsheets, and strict about the word that tells two
organisations of the same kind apart (the place, the street, the person):

1. Both names are reduced to words (:func:`name_words`): Unicode NFKC, case folded, diacritics
   dropped (``ß`` → ``ss``; ``ae``/``oe``/``ue`` read as ``a``/``o``/``u``, so *Müller* is
   *Mueller*), bracketed parts, punctuation, legal forms (e. V., gGmbH, Stiftung, B.V., AB, ...)
   and linking words (und, en, och, der, de, i, ...) removed.
2. They agree when the words run together are equal ("Caritas-Verband" is "Caritasverband"), or
   when every word of one name has a counterpart in the other, in any order: the same word, or a
   word of at least :data:`MIN_FUZZY_LETTERS` letters whose :class:`difflib.SequenceMatcher` ratio
   with it is at least :data:`WORD_SIMILARITY` (one wrong letter in a word of 7 or more letters,
   one letter dropped or added in a word of 4 or more: a typo). A name that only adds words
   (a department, the town, "Ambulanter") is therefore taken as the same organisation.
3. A missing or empty name says nothing: it agrees with any name.

Why these values: among the 36 897 pairs of different actors of the three bundled example
networks the test lets 68 (0.2 %) "agree", each because one name is the other plus words (a unit
and its parent, "PKD Lippe-Nord" and "Koordinationsbüro PKD Lippe-Nord"; "Gemeente Soest" and
"Kerkelijke gemeente De Ark, Soest"), and ids shifted by one, two or five rows pair 94–100 % of
the actors with a disagreeing name. A plain character similarity cannot do this: the
closest different actors ("Hausarztpraxis am Rathaus Lage" / "… Lügde", "Huisartsenpraktijk De
Brink" / "… De Bron") score 0.95–0.96, above any typo threshold one could defend.
"""

from __future__ import annotations

import difflib
import re
import unicodedata

#: Minimum :class:`difflib.SequenceMatcher` ratio of two different words read as one word misspelt.
WORD_SIMILARITY = 0.85
#: Shorter words must be equal (numbers, "Nord"/"Süd", "Lage"/"Horn" differ by a letter or two).
MIN_FUZZY_LETTERS = 4

_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_NON_WORD = re.compile(r"[\W_]+")
# Legal forms after punctuation became spaces ("e.V." is "e v"); de, nl, sv, en.
_LEGAL_FORMS = re.compile(
    r"\b(e v|ev|ggmbh|gmbh|mbh|gaor|aor|ug|kg|ohg|gbr|stiftung|stichting|b v|bv|n v|nv|vzw|vof|ab|hb|"
    r"ek for|ekonomisk forening|ideell forening|eg|ltd|inc)\b"
)
_LINKING_WORDS = frozenset({"und", "and", "en", "och", "the", "der", "die", "das", "de", "het", "den", "det", "von",
                            "van", "of", "af", "fur", "for", "voor", "i", "im", "in", "am", "an", "zu", "zum", "zur",
                            "te", "op"})
_LETTERS = str.maketrans({"ß": "ss", "æ": "ae", "ø": "o", "œ": "oe", "đ": "d", "ł": "l"})


def name_words(name: str) -> tuple[str, ...]:
    """The words of a name as :func:`names_agree` compares them.

    >>> name_words("Caritas-Verband Lippe e.V. (Geschäftsstelle)")
    ('caritas', 'verband', 'lippe')
    >>> name_words("Pflegedienst Müller & Söhne GmbH")
    ('pflegedienst', 'muller', 'sohne')
    """
    text = unicodedata.normalize("NFKC", name).casefold().translate(_LETTERS)
    text = _BRACKETS.sub(" ", text)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = _LEGAL_FORMS.sub(" ", _NON_WORD.sub(" ", text))
    return tuple(w.replace("ae", "a").replace("oe", "o").replace("ue", "u")
                 for w in text.split() if w not in _LINKING_WORDS)


def _same_word(a: str, b: str) -> bool:
    if a == b:
        return True
    if min(len(a), len(b)) < MIN_FUZZY_LETTERS:
        return False
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() >= WORD_SIMILARITY


def _covered(words: tuple[str, ...], other: tuple[str, ...]) -> bool:
    return all(any(_same_word(w, o) for o in other) for w in words)


def names_agree(a: object, b: object) -> bool:
    """Whether two names can name the same organisation (see the module docstring).

    >>> names_agree("Ambulanter Pflegedienst Lindenhof GmbH, Detmold", "Pflegedienst Lindenhof Detmold")
    True
    >>> names_agree("Hausarztpraxis Dr. Mueller", "Hausarztpraxis Dr. Müller")
    True
    >>> names_agree("Ambulanter Pflegedienst Kastanienhof Detmold", "Ambulanter Hospizdienst Bad Salzuflen")
    False
    >>> names_agree("Hausarztpraxis am Rathaus Lage", "Hausarztpraxis am Rathaus Lügde")
    False
    """
    if a is None or b is None:
        return True
    words_a, words_b = name_words(str(a)), name_words(str(b))
    if not words_a or not words_b:
        return True  # nothing left to compare is no evidence of a different organisation
    if "".join(words_a) == "".join(words_b):
        return True
    return _covered(words_a, words_b) or _covered(words_b, words_a)
