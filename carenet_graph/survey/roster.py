"""The roster a respondent chooses partners from, and how it is searched.

* :func:`roster_for` – the organisations one may name: the confirmed roster and the additions of
  the answering organisation itself (never another organisation's additions, never itself);
* :func:`search_roster` – every word of the query in the name, municipality or type (in the
  reader's words), case and accents ignored, names starting with the query first;
* :func:`fold` – that comparison form ("Lügde" is found by "lugde");
* :func:`usual_place`, :func:`actor_types` – the search hint's example and the types offered
  for an added organisation.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable

from carenet_graph.locale import Locale
from carenet_graph.survey.models import Organisation

__all__ = ["SEARCH_LIMIT", "actor_types", "fold", "roster_for", "search_roster", "usual_place"]

#: Most search results shown at once.
SEARCH_LIMIT = 40


def fold(text: str) -> str:
    """Lower case without accents, for searching and sorting ("Lügde" is found by "lugde")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def roster_for(organisation: Organisation) -> list[Organisation]:
    """The organisations ``organisation`` may name: the confirmed roster and those it added itself."""
    from django.db.models import Q

    return list(Organisation.objects.filter(Q(confirmed=True) | Q(added_by=organisation))
                .exclude(pk=organisation.pk).order_by("name", "actor_id"))


def search_roster(roster: Iterable[Organisation], query: str, loc: Locale,
                  limit: int = SEARCH_LIMIT) -> tuple[list[Organisation], int]:
    """Organisations whose name, municipality or type (in ``loc``'s words) hold every word of
    ``query`` (case and accents ignored); names starting with the query come first. Returns at
    most ``limit`` of them and how many matched in all."""
    words = fold(query).split()
    if not words:
        return [], 0
    found = []
    for organisation in roster:
        text = fold(" ".join((organisation.name, organisation.municipality,
                               loc.label("actor_type", organisation.type) if organisation.type else "")))
        if all(word in text for word in words):
            found.append(organisation)
    found.sort(key=lambda o: (not fold(o.name).startswith(words[0]), fold(o.name), o.actor_id))
    return found[:limit], len(found)


def usual_place(roster: list[Organisation]) -> str:
    """The municipality most organisations of the roster are in (the search hint's example)."""
    places = Counter(o.municipality for o in roster if o.municipality)
    return min(places, key=lambda p: (-places[p], p)) if places else "…"


def actor_types(loc: Locale) -> list[tuple[str, str]]:
    """Every actor type as (id, label in ``loc``'s language), sorted by label."""
    return sorted(((ident, loc.label("actor_type", ident)) for ident in loc.vocabulary.actor_types),
                  key=lambda pair: fold(pair[1]))
