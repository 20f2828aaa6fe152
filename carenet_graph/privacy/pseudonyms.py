"""Pseudonymised copies of a care network: keyed pseudonyms, allow-listed attributes, small cells.

A practice name identifies a physician, so a network that leaves the coordinator's desk carries
no names. :func:`pseudonymize` returns a new graph in which

* every actor's id and name are **keyed pseudonyms** (:func:`pseudonym`): HMAC-SHA256 under a
  secret key the coordinator keeps (:func:`~carenet_graph.privacy.key.load_or_create_key`), over the
  normalised name. The
  same key gives the same pseudonym in next year's wave, so waves can still be compared; without
  the key nobody can test a guessed name against a pseudonym (a plain hash would allow that:
  the list of practices in a district is short and public);
* only **allow-listed** attributes survive (:data:`DEFAULT_KEEP`, :data:`DEFAULT_EDGE_KEEP`):
  free-text notes, postcodes, addresses, phone numbers and any other column are dropped, and
  coordinates are rounded to about a kilometre;
* optionally, **small cells are suppressed**: an actor of a type that is rare in its
  municipality loses its municipality (generalised to the region) and its coordinates.

:func:`mapping_table` gives the coordinator the key to the pseudonyms (original id and name next
to each pseudonym). That table, like the key file, must never be shared.

Everything here is a pure transform (graph and key in, new graph out); reading and creating
the key file is :mod:`carenet_graph.privacy.key`.

This module is longer than the ~400 lines aimed at (about 520, a third of them docstrings):
it is one transform, and its helpers (codes, labels, allow-lists, suppression, scrubbing names
out of file names) only make sense together; split up, they would be private helpers imported
across modules.

References
----------
.. [1] H. Krawczyk, M. Bellare, R. Canetti, "HMAC: Keyed-Hashing for Message Authentication",
   RFC 2104, 1997; NIST FIPS 198-1, 2008.
.. [2] European Data Protection Board / ENISA, "Pseudonymisation techniques and best practices",
   ENISA, 2019, section 5.2 (keyed hash functions).
.. [3] L. Sweeney, "k-anonymity: a model for protecting privacy", International Journal of
   Uncertainty, Fuzziness and Knowledge-Based Systems 10(5), 557-570, 2002.
.. [4] D. Crockford, "Base 32", https://www.crockford.com/base32.html.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Iterator
from typing import Any

import networkx as nx
import pandas as pd

from carenet_graph.network import (
    COUNTRY,
    EDGE_ATTRIBUTES,
    LAT,
    LON,
    MUNICIPALITY,
    NAME,
    POSTCODE,
    REGION,
    REPORTED_BY,
    ROW,
    SECTOR,
    TABLE,
    TYPE,
    add_edges,
    bulk_allocation,
)
from carenet_graph.privacy.key import check_key
from carenet_graph.vocabulary import text_key

__all__ = [
    "DEFAULT_EDGE_KEEP",
    "DEFAULT_KEEP",
    "DEFAULT_PREFIX",
    "PSEUDONYM_BITS",
    "mapping_table",
    "pseudonym",
    "pseudonymize",
]

#: Node attributes that reach a pseudonymised graph (``name`` is always the pseudonym).
DEFAULT_KEEP: tuple[str, ...] = (TYPE, SECTOR, MUNICIPALITY, REGION, COUNTRY, LAT, LON, TABLE, ROW)
#: Edge attributes that reach a pseudonymised graph; ``strength``, ``distance``, ``reports`` and
#: ``types`` are the numbers and tie-type lists of :func:`carenet_graph.collapse`, kept so that a
#: collapsed graph can be pseudonymised too. ``reported_by`` is pseudonymised.
DEFAULT_EDGE_KEEP: tuple[str, ...] = (*EDGE_ATTRIBUTES, "strength", "distance", "reports", "types")
#: Prefix of every pseudonymous id (and of names when the actor has no type).
DEFAULT_PREFIX = "Actor"
#: Bits of the HMAC shown in an ordinary pseudonym.
PSEUDONYM_BITS = 40
#: Decimals kept of latitude and longitude: 0.01° is 1.1 km north-south (0.7 km east-west at 52° N).
COORDINATE_DECIMALS = 2

# Free text can hold anything (diagnoses, names of staff); it never leaves the input.
_NEVER_KEPT = frozenset({NAME, "id", "notes", "note", "comment", "comments"})
# Graph-level attributes that describe the run, not the actors (anything else is dropped).
_GRAPH_KEEP = ("name", "vocabulary_version", "collapsed")
# Domain separation: the same key used for another purpose never yields the same tags. Changing
# this text changes every pseudonym, so it is fixed for good.
_CONTEXT = b"carenet-graph actor pseudonym v1\x00"
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# Names and ids shorter than this are not searched for in file names (they would match anything).
_MIN_SCRUB = 3
# Byte lengths tried when pseudonyms of different names collide (multiples of 5: whole base32 digits).
_LONGER = (10, 15, 20, 30)


# -- pseudonyms -----------------------------------------------------------------------------
def _digest(key: bytes, basis: str) -> bytes:
    return hmac.digest(key, _CONTEXT + basis.encode("utf-8"), hashlib.sha256)


def _code(digest: bytes, nbytes: int = PSEUDONYM_BITS // 8) -> str:
    """The first ``nbytes`` of ``digest`` as Crockford base32, in groups of four characters."""
    value = int.from_bytes(digest[:nbytes], "big")
    chars = nbytes * 8 // 5
    text = "".join(_CROCKFORD[(value >> (5 * i)) & 31] for i in reversed(range(chars)))
    return "-".join(text[i:i + 4] for i in range(0, chars, 4))


def pseudonym(name: str, key: bytes, prefix: str = DEFAULT_PREFIX) -> str:
    """Stable keyed pseudonym of a name, e.g. ``"Actor 7K3Q-9XPA"``.

    ``code = base32(first 40 bits of HMAC-SHA256(K, c ‖ key(name)))``

    where ``key(name)`` is :func:`carenet_graph.vocabulary.text_key` (Unicode NFKC, case folded,
    ``_ - / .`` as spaces, whitespace collapsed), so that spelling variants of one name in two
    waves get one pseudonym, and ``c`` is a fixed context string. HMAC [1]_ is the keyed hash
    ENISA recommends for pseudonyms [2]_: without the key, a guessed name cannot be checked.
    The 40 bits are written in Crockford's base32 [3]_ (no I, L, O, U: easy to read aloud).

    Parameters
    ----------
    name:
        The actor's name (or any text, e.g. a ``reported_by`` value).
    key:
        The secret key (:func:`~carenet_graph.privacy.key.load_or_create_key`).
    prefix:
        Text before the code; empty for the bare code.

    Returns
    -------
    str
        ``"{prefix} XXXX-XXXX"``. The same key and name give the same pseudonym in every wave.

    Notes
    -----
    Collisions: for ``n`` distinct names the chance that any two share a 40-bit code is about
    :math:`1 - e^{-n(n-1)/2^{41}}`: 5·10⁻⁷ for 1,000 names, 5·10⁻⁵ for 10,000, 0.5 % for 100,000,
    37 % for 10⁶.
    :func:`pseudonymize` resolves collisions in a graph by lengthening the colliding codes.

    References
    ----------
    .. [1] H. Krawczyk, M. Bellare, R. Canetti, "HMAC: Keyed-Hashing for Message
       Authentication", RFC 2104, 1997.
    .. [2] ENISA, "Pseudonymisation techniques and best practices", 2019, section 5.2.
    .. [3] D. Crockford, "Base 32", https://www.crockford.com/base32.html.

    Examples
    --------
    >>> key = bytes(range(32))
    >>> pseudonym("Hausarztpraxis  Dr. Müller", key) == pseudonym("hausarztpraxis dr. müller", key)
    True
    >>> len(pseudonym("Hospiz Lemgo", key, prefix=""))
    9
    """
    check_key(key)
    code = _code(_digest(bytes(key), text_key(str(name))))
    return f"{prefix} {code}" if prefix else code


def _name_keys(G: nx.Graph) -> dict[Hashable, str]:
    """Normalised name (:func:`text_key`) of every node, computed once per run."""
    return {n: text_key(_name_text(n, data)) for n, data in G.nodes(data=True)}


def _node_codes(name_keys: dict[Hashable, str], key: bytes) -> dict[Hashable, str]:
    """Distinct pseudonym codes for all nodes; a node with a unique name gets its name's code.

    Actors sharing one normalised name (two branches "Pflegedienst Müller") are told apart by
    hashing the name together with their id. Codes of different names that collide are
    lengthened (80 bits and more) for exactly those nodes; nothing depends on node order.
    """
    basis = dict(name_keys)
    shared = Counter(basis.values())
    for n, b in basis.items():
        if shared[b] > 1:
            basis[n] = f"{b}\x1f{n}"
    digests = {n: _digest(key, b) for n, b in basis.items()}
    codes = {n: _code(d) for n, d in digests.items()}
    for nbytes in _LONGER:
        counts = Counter(codes.values())
        clashing = [n for n, c in codes.items() if counts[c] > 1]
        if not clashing:
            return codes
        for n in clashing:
            codes[n] = _code(digests[n], nbytes)
    # Only ids that differ but print alike (1 and "1") reach this point: number them in node order.
    seen: Counter[str] = Counter()
    for n, c in codes.items():
        seen[c] += 1
        if seen[c] > 1:
            codes[n] = f"{c}-{seen[c]}"
    return codes


def _name_text(node: Hashable, data: dict[str, Any]) -> str:
    # Actors known only from ties have no name; their id is the text the respondent wrote.
    name = data.get(NAME)
    return str(name) if name is not None and str(name).strip() else str(node)


def _labels(G: nx.Graph, codes: dict[Hashable, str], prefix_by_type: bool) -> dict[Hashable, str]:
    labels = {}
    for n, data in G.nodes(data=True):
        kind = data.get(TYPE) if prefix_by_type else None
        labels[n] = f"{kind if kind is not None and str(kind).strip() else DEFAULT_PREFIX} {codes[n]}"
    return labels


# -- the pseudonymised graph ----------------------------------------------------------------
def pseudonymize(
    G: nx.MultiDiGraph,
    key: bytes,
    *,
    prefix_by_type: bool = True,
    keep: Iterable[str] = DEFAULT_KEEP,
    keep_edges: Iterable[str] = DEFAULT_EDGE_KEEP,
    suppress_below: int | None = None,
) -> tuple[nx.MultiDiGraph, dict[Hashable, str]]:
    """A copy of ``G`` with pseudonyms for actors and only allow-listed attributes.

    Parameters
    ----------
    G:
        The network (:func:`carenet_graph.load`); not modified. Simple graphs work too.
    key:
        The secret key (:func:`~carenet_graph.privacy.key.load_or_create_key`); never stored in the result.
    prefix_by_type:
        Names read ``"general_practitioner 7K3Q-9XPA"`` (the actor type, else ``"Actor"``);
        otherwise ``"Actor 7K3Q-9XPA"``. Ids are always ``"Actor 7K3Q-9XPA"``, so that they stay
        the same across waves even when an actor's type is corrected.
    keep:
        Node attributes to keep (an allow-list; everything else is dropped). ``lat`` and ``lon``
        are rounded to 2 decimals (about 1 km). ``name``, ``id`` and notes cannot be kept.
    keep_edges:
        Edge attributes to keep. ``reported_by`` is replaced by the reporter's pseudonym.
    suppress_below:
        Small-cell suppression threshold ``k``: an actor whose (type, municipality) combination
        occurs fewer than ``k`` times in ``G`` gets its region as municipality (none if the
        region is unknown) and loses its coordinates (and postcode, if kept), since a unique type
        in a small municipality singles out a practice. ``None`` suppresses nothing.

    Returns
    -------
    networkx.MultiDiGraph
        Same class as ``G``. Node ids and names are pseudonyms (:func:`pseudonym`; actors sharing
        a name, and the rare colliding codes, get longer codes); edges join the pseudonymous ids
        in the original order, with keys 0, 1, ... per pair; ``reported_by`` naming an actor (by
        id, or by a name or id that matches exactly one actor ignoring case and spacing) becomes
        that actor's pseudonymous id (so ``collapse(mode="mutual")`` still works), other
        reporters the :func:`pseudonym` of their text. ``G.graph`` keeps ``name``,
        ``vocabulary_version`` and ``collapsed``; ``sources`` and ``tables`` keep file names
        without folders (paths contain user names) and any of them containing an actor's name
        or id becomes "input file N" / "table N". ``pseudonymized`` is True and
        ``pseudonymization`` describes what was done, for the methods section.
    dict
        Original node id → pseudonymous id. Like :func:`mapping_table`, keep it private.

    Notes
    -----
    This is pseudonymisation, not anonymisation: with the key and the original list the
    coordinator can re-identify every actor, and the network's structure itself can single out
    an actor (the only hospice has ties of its own pattern). Suppression is one generalisation
    step in the spirit of k-anonymity [3]_, not a k-anonymity guarantee.

    Stability across waves holds for every actor whose normalised name is unique in both waves
    and whose 40-bit code collides with no other actor's (probability about n / 2^40 per actor
    for n actors). Actors sharing a name are told apart through their ids, which the
    next wave must then keep.

    References
    ----------
    .. [3] L. Sweeney, "k-anonymity: a model for protecting privacy", International Journal of
       Uncertainty, Fuzziness and Knowledge-Based Systems 10(5), 557-570, 2002.
    """
    check_key(key)
    key = bytes(key)
    node_keep = _allow_list(keep, "keep")
    edge_keep = _allow_list(keep_edges, "keep_edges")
    if suppress_below is not None and (isinstance(suppress_below, bool) or not isinstance(suppress_below, int)
                                       or suppress_below < 1):
        raise ValueError(f"suppress_below must be a positive integer or None, not {suppress_below!r}")
    name_keys = _name_keys(G)
    codes = _node_codes(name_keys, key)
    new_id = {n: f"{DEFAULT_PREFIX} {c}" for n, c in codes.items()}
    labels = _labels(G, codes, prefix_by_type)
    small = _small_cells(G, suppress_below)

    H = G.__class__()
    dropped_node: set[str] = set()
    for n, data in G.nodes(data=True):
        attrs: dict[str, Any] = {NAME: labels[n]}
        for k, value in data.items():
            if k == NAME:
                continue
            if k not in node_keep:
                dropped_node.add(str(k))
                continue
            if value is None:  # the graph schema leaves out attributes without a value
                continue
            if k in (LAT, LON):
                value = _rounded(value)
                if value is None:
                    continue
            attrs[k] = value
        if n in small:
            _suppress(attrs, data)
        H.add_node(new_id[n], **attrs)

    reporter = _reporter_lookup(name_keys, new_id, key)
    dropped_edge: set[str] = set()
    reporters: set[Any] = set()
    ties = 0

    def edges() -> Iterator[tuple[str, str, dict[str, Any]]]:
        nonlocal ties
        for u, v, data in G.edges(data=True):
            ties += 1
            attrs = {}
            for k, value in data.items():
                if k not in edge_keep:
                    dropped_edge.add(str(k))
                    continue
                if value is None:
                    continue
                if k == REPORTED_BY:
                    reporters.add(value)
                    value = reporter(value)
                attrs[k] = value
            yield new_id[u], new_id[v], attrs

    # New keys 0, 1, ... per pair: original keys may be texts chosen by whoever built the graph.
    # One dict per tie and no cycles: the cyclic collector would only cost time (see bulk_allocation).
    with bulk_allocation():
        add_edges(H, edges())
    sensitive = _sensitive_keys(name_keys, reporters)
    H.graph.update(_graph_attributes(G, sensitive))
    H.graph["pseudonymized"] = True
    H.graph["pseudonymization"] = {
        "method": "HMAC-SHA256 keyed pseudonyms of normalised actor names (RFC 2104; ENISA 2019)",
        "normalisation": "Unicode NFKC, case folded, _ - / . as spaces, whitespace collapsed",
        "pseudonym_bits": PSEUDONYM_BITS,
        "encoding": "Crockford base32",
        "name_prefix": "actor type" if prefix_by_type else DEFAULT_PREFIX,
        "actors": G.number_of_nodes(),
        "ties": ties,
        "node_attributes_kept": sorted(node_keep),
        "edge_attributes_kept": sorted(edge_keep),
        # Column headers are listed only when they cannot be an actor's name (wide survey layouts).
        "node_attributes_dropped": sorted(k for k in dropped_node if not _contains_any(k, sensitive)),
        "edge_attributes_dropped": sorted(k for k in dropped_edge if not _contains_any(k, sensitive)),
        "coordinate_decimals": COORDINATE_DECIMALS if {LAT, LON} & node_keep else None,
        "suppress_below": suppress_below,
        "suppressed_actors": len(small),
        "suppression": "municipality replaced by region; coordinates and postcode removed" if suppress_below else None,
    }
    return H, new_id


def _allow_list(names: Iterable[str], label: str) -> frozenset[str]:
    # One name given as a string would otherwise be read as a set of letters.
    wanted = frozenset({names} if isinstance(names, str) else names)
    refused = sorted(wanted & _NEVER_KEPT)
    if refused:
        raise ValueError(f"{label} cannot include {', '.join(refused)}: names are always replaced by pseudonyms "
                         "and free-text notes never reach a pseudonymised output")
    return wanted


def _rounded(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return round(number, COORDINATE_DECIMALS) if math.isfinite(number) else None


def _small_cells(G: nx.Graph, k: int | None) -> set[Hashable]:
    """Actors whose (type, municipality) combination occurs fewer than ``k`` times in ``G``."""
    if k is None:
        return set()
    cell = {n: (data.get(TYPE), data.get(MUNICIPALITY)) for n, data in G.nodes(data=True)}
    counts = Counter(cell.values())
    return {n for n, c in cell.items() if counts[c] < k}


def _suppress(attrs: dict[str, Any], original: dict[str, Any]) -> None:
    # One step up the place hierarchy: the region is shared by many actors of every type.
    if MUNICIPALITY in attrs:
        region = original.get(REGION)
        if region is not None:
            attrs[MUNICIPALITY] = region
        else:
            del attrs[MUNICIPALITY]
    for k in (LAT, LON, POSTCODE):
        attrs.pop(k, None)


def _reporter_lookup(name_keys: dict[Hashable, str], new_id: dict[Hashable, str],
                     key: bytes) -> Callable[[Any], str]:
    """Function: a ``reported_by`` value → the reporter's pseudonymous id, or its text's pseudonym."""
    by_name: dict[str, list[Hashable]] = {}
    by_id: dict[str, list[Hashable]] = {}
    cache: dict[Any, str] = {}

    def lookup(value: Any) -> str:
        found = cache.get(value)
        if found is not None:
            return found
        if value in new_id:
            found = new_id[value]
        else:
            if not by_name:  # built on first need: loaded graphs name reporters by exact id
                for n, name in name_keys.items():
                    by_name.setdefault(name, []).append(n)
                    by_id.setdefault(text_key(str(n)), []).append(n)
            text = text_key(str(value))
            for table in (by_id, by_name):
                nodes = table.get(text, [])
                if len(nodes) == 1:
                    found = new_id[nodes[0]]
                    break
            else:
                found = pseudonym(str(value), key)
        cache[value] = found
        return found

    return lookup


def _sensitive_keys(name_keys: dict[Hashable, str], reporters: set[Any]) -> frozenset[str]:
    """Keys of every name, id and reporter text: none of them may show in a file or table name."""
    keys = set(name_keys.values())
    keys.update(text_key(str(n)) for n in name_keys)
    keys.update(text_key(str(r)) for r in reporters)
    return frozenset(k for k in keys if len(k) >= _MIN_SCRUB)


def _contains_any(text: str, sensitive: frozenset[str]) -> bool:
    """Whether the key of ``text`` contains an actor's name or id key (of 3 or more characters)."""
    found = text_key(text)
    # Look up every substring of the (short) text instead of scanning 10^6 names.
    return any(found[i:j] in sensitive for i in range(len(found))
               for j in range(i + _MIN_SCRUB, len(found) + 1))


def _file_name(path: str) -> str:
    # Both separators: a graph read on Linux may carry Windows paths, and the reverse.
    return re.split(r"[\\/]", path)[-1]


def _graph_attributes(G: nx.Graph, sensitive: frozenset[str]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for k in _GRAPH_KEEP:
        if G.graph.get(k) is not None:
            result[k] = G.graph[k]
    if "name" in result and _contains_any(str(result["name"]), sensitive):
        result["name"] = "care network"
    sources = [_file_name(str(s)) for s in G.graph.get("sources", ())]
    result["sources"] = [s if not _contains_any(s, sensitive) else f"input file {i}"
                         for i, s in enumerate(sources, start=1)]
    tables = []
    for i, entry in enumerate(G.graph.get("tables", ()), start=1):
        file, sep, sheet = str(entry).partition(" › ")
        short = _file_name(file) + sep + sheet
        tables.append(short if not _contains_any(short, sensitive) else f"table {i}")
    result["tables"] = tables
    if isinstance(result.get("collapsed"), dict):
        result["collapsed"] = dict(result["collapsed"])  # not shared with G
    return result


# -- the coordinator's private key to the pseudonyms ----------------------------------------
def mapping_table(G: nx.Graph, key: bytes, *, prefix_by_type: bool = True) -> pd.DataFrame:
    """Original id and name next to each pseudonym: the coordinator's private lookup table.

    **This table re-identifies every actor. Never share it, never put it next to the outputs;**
    store it like the key file (it is the key and the name list in one). It lets the coordinator
    answer "who is Actor 7K3Q-9XPA?" when a reader of the report asks.

    Parameters
    ----------
    G:
        The original network (as given to :func:`pseudonymize`).
    key:
        The same key.
    prefix_by_type:
        As for :func:`pseudonymize` (decides the ``label`` column).

    Returns
    -------
    pandas.DataFrame
        Indexed by the original ``id``, in node order, with columns ``name`` (original, or
        empty for actors known only from ties), ``pseudonym`` (the pseudonymous id) and
        ``label`` (the pseudonymous name shown in outputs). Exactly the values
        :func:`pseudonymize` gives for the same ``G`` and key.
    """
    check_key(key)
    codes = _node_codes(_name_keys(G), bytes(key))
    labels = _labels(G, codes, prefix_by_type)
    rows = [(data.get(NAME), f"{DEFAULT_PREFIX} {codes[n]}", labels[n]) for n, data in G.nodes(data=True)]
    frame = pd.DataFrame(rows, columns=["name", "pseudonym", "label"], dtype=object)
    frame.index = pd.Index(list(G.nodes), name="id", dtype=object)
    return frame
