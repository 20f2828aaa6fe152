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
* only **allow-listed values** survive in them (:mod:`carenet_graph.privacy.allowlist`): a
  cell can hold a person's name under any header, so every value an output may carry is one of

  - a keyed pseudonym (actor ids and names, reporters; a place not in the reference list
    becomes a keyed code such as ``"Place 7K3Q-9XPA"``),
  - a vocabulary id (actor type, sector, tie type, direction; other text becomes the
    catch-all id ``other_organisation`` / ``other``),
  - a municipality, region or country name from the package's reference list
    (``privacy/places.csv``), written as listed there,
  - a number or boolean (levels, weights, strengths, rounded coordinates, table and row
    indexes), an ISO date (``since``, ``until``), a postcode of digits only when the caller
    keeps ``postcode``,
  - the tool's own words: the graph is named ``"care network"``, its inputs ``"file 1"`` and
    ``"file 1 › sheet 2"`` (file, folder and sheet names can name a practice or a person),
    and ``pseudonymization`` describes the method with counts only (no column headers);
* optionally, **small cells are suppressed**: an actor of a type that is rare in its
  municipality loses its municipality (generalised to the region) and its coordinates.

:func:`mapping_table` gives the coordinator the key to the pseudonyms (original id and name next
to each pseudonym). That table, like the key file, must never be shared.

Everything here is a pure transform (graph and key in, new graph out); reading and creating
the key file is :mod:`carenet_graph.privacy.key`.

The value allow-list, the reference places and the graph-level attributes are
:mod:`carenet_graph.privacy.allowlist`; this module is the transform that applies them. It is
longer than the ~400 lines aimed at (about 500, over half of them docstrings with the formula,
the collision bounds and the method's limits): pseudonyms, their collision handling, labels,
suppression and the mapping table must give the same codes, and split up they would be
private helpers imported across modules.

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
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from typing import Any

import networkx as nx
import pandas as pd

from carenet_graph.locale import Locale
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
from carenet_graph.privacy.allowlist import (
    COORDINATE_DECIMALS,
    NEUTRAL_NAME,
    OTHER_ACTOR_TYPE,
    PLACE_PREFIXES,
    ValueFilter,
    base32_code,
    graph_attributes,
)
from carenet_graph.privacy.key import check_key
from carenet_graph.vocabulary import Vocabulary, default_vocabulary, text_key

__all__ = [
    "DEFAULT_EDGE_KEEP",
    "DEFAULT_KEEP",
    "DEFAULT_PREFIX",
    "PSEUDONYM_BITS",
    "distinct_pseudonyms",
    "mapping_table",
    "pseudonym",
    "pseudonymize",
    "record_code",
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

# Free text can hold anything (diagnoses, names of staff); it never leaves the input.
_NEVER_KEPT = frozenset({NAME, "id", "notes", "note", "comment", "comments"})
# Domain separation: the same key used for another purpose never yields the same tags. Changing
# this text changes every pseudonym, so it is fixed for good.
_CONTEXT = b"carenet-graph actor pseudonym v1\x00"
# Record-level ids (patients) get their own context: their codes never equal an actor's.
_RECORD_CONTEXT = b"carenet-graph record pseudonym v1\x00"
#: Bits of a record code: 80, so that 10^8 patients collide with probability below 10^-8.
RECORD_BITS = 80
# Byte lengths tried when pseudonyms of different names collide (multiples of 5: whole base32 digits).
_LONGER = (10, 15, 20, 30)


# -- pseudonyms -----------------------------------------------------------------------------
def _digest(key: bytes, basis: str) -> bytes:
    return hmac.digest(key, _CONTEXT + basis.encode("utf-8"), hashlib.sha256)


def _code(digest: bytes, nbytes: int = PSEUDONYM_BITS // 8) -> str:
    """The first ``nbytes`` of ``digest`` as Crockford base32, in groups of four characters."""
    return base32_code(digest, nbytes)


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


def record_code(value: str, key: bytes) -> str:
    """Keyed code of a record-level id, such as a patient's: ``base32(first 80 bits of
    HMAC-SHA256(K, c' ‖ value))`` with a context ``c'`` of its own (so no code equals an actor's
    pseudonym), the value taken exactly as written. Whoever holds the key can compute the code of
    their own ids and link a table back; nobody else can.

    >>> key = bytes(range(32))
    >>> len(record_code("patient 17", key)), record_code("patient 17", key) == record_code("patient 17", key)
    (19, True)
    """
    check_key(key)
    return _code(hmac.digest(bytes(key), _RECORD_CONTEXT + value.encode("utf-8"), hashlib.sha256), RECORD_BITS // 8)


def distinct_pseudonyms(names: Mapping[Hashable, str], key: bytes,
                        prefix: str = DEFAULT_PREFIX) -> dict[Hashable, str]:
    """Keyed pseudonyms for many names at once (id → name), all different.

    Each is :func:`pseudonym` of its name, except that names shared by several ids are told apart
    by their id and colliding codes are lengthened, as :func:`pseudonymize` does for a graph;
    nothing depends on the order of ``names``. For tables too large to make a graph of (a
    national provider list).

    >>> key = bytes(range(32))
    >>> codes = distinct_pseudonyms({"1": "1234567890", "2": "2234567890"}, key, prefix="")
    >>> codes["1"] == pseudonym("1234567890", key, prefix="") and len(set(codes.values())) == 2
    True
    """
    check_key(key)
    codes = _node_codes({n: text_key(str(v)) for n, v in names.items()}, bytes(key))
    return {n: f"{prefix} {c}" if prefix else c for n, c in codes.items()}


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


def _labels(G: nx.Graph, codes: dict[Hashable, str], prefix_by_type: bool,
            vocabulary: Vocabulary | None, locale: Locale | None = None) -> dict[Hashable, str]:
    # The type before the code is a vocabulary id, like the ``type`` attribute: a type cell can
    # hold anything ("Frau Kowalski"), and the label reaches every output. With a locale, the
    # vocabulary's word for that id in the reader's language ("Ambulanter Pflegedienst 7K3Q-9XPA").
    known = frozenset((vocabulary if vocabulary is not None else default_vocabulary()).actor_types)
    labels = {}
    for n, data in G.nodes(data=True):
        kind = data.get(TYPE) if prefix_by_type else None
        if kind is None or not str(kind).strip():
            word = locale.t("pseudonym_actor") if locale is not None else DEFAULT_PREFIX
        else:
            kind = kind if kind in known else OTHER_ACTOR_TYPE
            word = locale.label("actor_type", kind) if locale is not None else kind
        labels[n] = f"{word} {codes[n]}"
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
    vocabulary: Vocabulary | None = None,
    locale: Locale | None = None,
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
        are rounded to 2 decimals (about 1 km). ``name``, ``id`` and notes cannot be kept. The
        values kept are allow-listed too (:mod:`~carenet_graph.privacy.allowlist`): a
        municipality, region or country not in the reference list becomes a keyed code
        (``"Place 7K3Q-9XPA"``), a type that is no vocabulary id the catch-all id, and of an
        extra column only numbers and ISO dates are kept, never text.
    keep_edges:
        Edge attributes to keep. ``reported_by`` is replaced by the reporter's pseudonym.
    suppress_below:
        Small-cell suppression threshold ``k``: an actor whose (type, municipality) combination
        occurs fewer than ``k`` times in ``G`` gets its region as municipality (none if the
        region is unknown) and loses its coordinates (and postcode, if kept), since a unique type
        in a small municipality singles out a practice. ``None`` suppresses nothing.
    vocabulary:
        Whose ids count as actor types, sectors and tie types (the package vocabulary when None).
    locale:
        With a :class:`~carenet_graph.locale.Locale`, names read in its language
        ("Ambulanter Pflegedienst 7K3Q-9XPA", "Akteur 7K3Q-9XPA"): the vocabulary's label of the
        type instead of its id. Ids are unchanged.

    Returns
    -------
    networkx.MultiDiGraph
        Same class as ``G``. Node ids and names are pseudonyms (:func:`pseudonym`; actors sharing
        a name, and the rare colliding codes, get longer codes); edges join the pseudonymous ids
        in the original order, with keys 0, 1, ... per pair; ``reported_by`` naming an actor (by
        id, or by a name or id that matches exactly one actor ignoring case and spacing) becomes
        that actor's pseudonymous id (so ``collapse(mode="mutual")`` still works), other
        reporters the :func:`pseudonym` of their text. ``G.graph`` is
        :func:`~carenet_graph.privacy.allowlist.graph_attributes`: ``name`` is "care network",
        ``sources`` read "file 1", "file 2"... and ``tables`` "file 1 › sheet 2" (file, folder
        and sheet names can name a practice or a person), ``vocabulary_version`` and
        ``collapsed`` are kept. ``pseudonymized`` is True and ``pseudonymization`` describes
        what was done, for the methods section, in counts (never a dropped column's header).
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
    labels = _labels(G, codes, prefix_by_type, vocabulary, locale)
    small = _small_cells(G, suppress_below)
    values = ValueFilter(key, vocabulary)

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
            value = values.node(k, value)
            if value is not None:
                attrs[k] = value
        if n in small:
            _suppress(attrs, data, values)
        H.add_node(new_id[n], **attrs)

    reporter = _reporter_lookup(name_keys, new_id, key)
    dropped_edge: set[str] = set()
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
                value = reporter(value) if k == REPORTED_BY else values.edge(k, value)
                if value is not None:
                    attrs[k] = value
            yield new_id[u], new_id[v], attrs

    # New keys 0, 1, ... per pair: original keys may be texts chosen by whoever built the graph.
    # One dict per tie and no cycles: the cyclic collector would only cost time (see bulk_allocation).
    with bulk_allocation():
        add_edges(H, edges())
    H.graph.update(graph_attributes(G.graph, values))
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
        # Counts only: a column header can be a person's name ("Ansprechperson Frau Weber").
        "node_attributes_dropped": len(dropped_node),
        "edge_attributes_dropped": len(dropped_edge),
        "values_replaced": dict(sorted(values.replaced.items())),
        "places": "kept when in the reference list, else a keyed code (" +
                  ", ".join(f"{p} XXXX-XXXX" for p in PLACE_PREFIXES.values()) + ")",
        "places_coded": values.places_coded,
        "graph_name": NEUTRAL_NAME,
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


def _small_cells(G: nx.Graph, k: int | None) -> set[Hashable]:
    """Actors whose (type, municipality) combination occurs fewer than ``k`` times in ``G``."""
    if k is None:
        return set()
    cell = {n: (data.get(TYPE), data.get(MUNICIPALITY)) for n, data in G.nodes(data=True)}
    counts = Counter(cell.values())
    return {n for n, c in cell.items() if counts[c] < k}


def _suppress(attrs: dict[str, Any], original: dict[str, Any], values: ValueFilter) -> None:
    # One step up the place hierarchy: the region is shared by many actors of every type. The
    # region goes through the allow-list like any value (a reference name, else its keyed code).
    if MUNICIPALITY in attrs:
        region = values.place(REGION, original[REGION]) if original.get(REGION) is not None else None
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


# -- the coordinator's private key to the pseudonyms ----------------------------------------
def mapping_table(G: nx.Graph, key: bytes, *, prefix_by_type: bool = True,
                  vocabulary: Vocabulary | None = None, locale: Locale | None = None) -> pd.DataFrame:
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
    prefix_by_type, vocabulary, locale:
        As for :func:`pseudonymize` (decide the ``label`` column).

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
    labels = _labels(G, codes, prefix_by_type, vocabulary, locale)
    rows = [(data.get(NAME), f"{DEFAULT_PREFIX} {codes[n]}", labels[n]) for n, data in G.nodes(data=True)]
    frame = pd.DataFrame(rows, columns=["name", "pseudonym", "label"], dtype=object)
    frame.index = pd.Index(list(G.nodes), name="id", dtype=object)
    return frame
