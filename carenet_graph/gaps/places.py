"""Finding the municipality a user means: ``--municipality karlstads kommun`` is Karlstad.

Names are compared by :func:`carenet_graph.vocabulary.text_key` (case, spacing, separators)
without the words for "municipality", "town" or "city" in the four languages, and a Swedish
genitive "-s" before "kommun" is allowed for ("Karlstads kommun").
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx

from carenet_graph.errors import OptionError
from carenet_graph.network import MUNICIPALITY
from carenet_graph.vocabulary import text_key
from carenet_graph.vocabulary.matching import place_key


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
