"""Finding the municipality a user means: ``--municipality karlstads kommun`` is Karlstad.

Names are compared by :func:`carenet_graph.vocabulary.text_key` (case, spacing, separators)
without the words for "municipality", "town" or "city" in the four languages, and a Swedish
genitive "-s" before "kommun" is allowed for ("Karlstads kommun").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import networkx as nx

from carenet_graph.errors import OptionError
from carenet_graph.network import MUNICIPALITY
from carenet_graph.vocabulary import text_key

#: Words that name the kind of place rather than the place (en, de, nl, sv).
PLACE_WORDS = ("municipality of", "city of", "town of", "municipality", "city", "town", "gemeinde", "stadt",
               "hansestadt", "gemeente", "stad", "kommun", "kommune")
# Longest first, so that "municipality of" is taken whole rather than leaving "of".
_PLACE_WORDS = re.compile(r"\b(" + "|".join(re.escape(w) for w in sorted(PLACE_WORDS, key=len, reverse=True))
                          + r")\b")


def place_key(name: str) -> str:
    """The comparable form of a place name: text key without the words for municipality."""
    return " ".join(_PLACE_WORDS.sub(" ", text_key(name)).split())


def municipality_names(G: nx.Graph) -> list[str]:
    """The municipalities of ``G``'s actors, sorted."""
    return sorted({str(d[MUNICIPALITY]) for _, d in G.nodes(data=True) if d.get(MUNICIPALITY) is not None})


def find_municipality(text: str, names: Iterable[str]) -> str:
    """The one name in ``names`` that ``text`` means (see the module docstring).

    Raises
    ------
    OptionError
        When none matches (the hint lists the names), or several do.
    """
    known = list(names)
    wanted = place_key(text)
    genitive = "kommun" in text_key(text) and wanted.endswith("s")
    found = sorted({name for name in known
                    if place_key(name) == wanted or (genitive and place_key(name) == wanted[:-1])})
    if len(found) == 1:
        return found[0]
    if not found and not known:
        raise OptionError("no actor is in that municipality", hint="Use one of: (no actor has a municipality).",
                          key="municipality.none_in_network", values={})
    if not found:
        raise OptionError("no actor is in that municipality", hint=f"Use one of: {', '.join(known)}.",
                          key="municipality.not_found", values={"names": ", ".join(known)})
    raise OptionError("that name fits several municipalities", hint=f"Write it as one of: {', '.join(found)}.",
                      key="municipality.ambiguous", values={"names": ", ".join(found)})
