"""An independent, pure-Python reference of the shared-patient construction of ``carenet derive``.

Written from the documented definitions (the docstrings of :mod:`carenet_graph.derive.options`
and :func:`carenet_graph.derive.run.derive`), not from the SQL, with exact arithmetic
(:class:`fractions.Fraction`), so that a test comparing the two can fail on either side. Used
only by the tests.

Readings taken where the documentation leaves room (each is said again where it is used):

* **Cap.** ``max_providers`` counts a patient's *distinct* providers over all their records.
  ``drop`` leaves such a patient out entirely; ``sample`` keeps the ``max_providers`` providers
  whose ``md5(f"{patient}|{provider}|{seed}")`` hex digest is smallest (the documented, engine-neutral
  rule). Everything after the cap (k, n, episodes) sees only the kept contacts.
* **Windows.** A day window of ``w`` days: two providers share a patient when some contact with
  one and some contact with the other are at most ``w`` days apart. ``year``: both seen in one
  calendar year. ``episode``: a patient's contact days (all providers, after the cap) sorted; a
  difference of ``episode_gap`` days or more between consecutive contact days starts a new episode
  ("gaps shorter than episode_gap days" join contacts; the gap is the difference of the two dates).
* **Sequence.** A → B when the patient saw A first and B later, the same day counting both ways.
  In a day window: a contact with A on day ``d`` and with B on a day in ``[d, d + w]``. In a year or
  an episode: A's *first* contact in that year/episode is on or before B's first contact there
  (who was seen first, not whether A was seen again after B).
* **k and n.** k (Newman's weight, care density) is the patient's number of distinct providers
  over all kept records, whatever the window; n (Jaccard) the provider's number of distinct
  patients over all kept records.
* **Jaccard in sequence.** ``shared`` is the directed count (patients who saw A, then B); n_a and
  n_b stay the providers' patients over all kept records.
* **Care density** (Pollack 2013) of a patient: the sum, over the unordered pairs of the
  patient's providers that share this patient under the window, of that pair's (undirected)
  shared-patient count, divided by k(k−1)/2. Pairs that do not share the patient under the
  window add nothing; patients without any such pair have no care density. The count is taken
  before any threshold (care density describes patients, not the written ties).
* **Levels.** ``ceil(5 × (ties with weight ≤ w) / ties)``, clipped to 1–5, among the kept ties.
* **Care density summary** by k: groups of fewer than ``suppress_below`` patients are joined with
  the next larger k until the group reaches ``suppress_below`` (a remainder at the end joins the
  last group; no group at all → no rows); a group is labelled by its smallest and largest k
  (``"3"`` or ``"2-4"``). Mean and quartiles (linear interpolation, as pandas and R's type 7)
  rounded to 6 decimals.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations, permutations

from carenet_graph.derive.options import DeriveOptions

#: One record: patient id, provider id, date of the contact.
Record = tuple[str, str, dt.date]


@dataclass(frozen=True)
class Tie:
    """One kept tie: shared patients, Newman's and Jaccard's weights (exact), the chosen weight and its level."""

    source: str
    target: str
    shared: int
    newman: Fraction
    jaccard: Fraction
    weight: Fraction
    level: int


@dataclass(frozen=True)
class Network:
    """What the construction gives for a set of records.

    ``patients`` is each provider's number of distinct patients (unsuppressed), ``ties`` the kept
    ties by (source, target), ``density`` each patient's (k, care density), ``summary`` the rows of
    ``care_density.csv`` and ``counts`` the patient counts of ``derive.json`` (before suppression).
    """

    patients: dict[str, int]
    ties: dict[tuple[str, str], Tie]
    density: dict[str, tuple[int, Fraction]]
    summary: list[dict[str, object]]
    counts: dict[str, int]


def md5_rank(patient: str, provider: str, seed: int) -> str:
    """The documented sampling order of a patient's providers: the hex MD5 of ``patient|provider|seed``."""
    return hashlib.md5(f"{patient}|{provider}|{seed}".encode()).hexdigest()


def _capped(records: Sequence[Record], options: DeriveOptions) -> list[Record]:
    providers: dict[str, set[str]] = defaultdict(set)
    for patient, provider, _ in records:
        providers[patient].add(provider)
    cap = options.max_providers
    if cap is None:
        return list(records)
    keep: dict[str, set[str]] = {}
    for patient, theirs in providers.items():
        if len(theirs) <= cap:
            keep[patient] = theirs
        elif options.over_cap == "sample":
            ranks = {provider: md5_rank(patient, provider, options.seed) for provider in theirs}
            keep[patient] = set(sorted(theirs, key=ranks.__getitem__)[:cap])
        # over_cap == "drop": the patient is left out.
    return [r for r in records if r[1] in keep.get(r[0], set())]


def _units(contacts: Sequence[tuple[str, dt.date]], options: DeriveOptions) -> list[dict[str, list[dt.date]]]:
    """One patient's contacts grouped into co-occurrence units (year, episode), each provider → its days.
    For a day window, one unit holding everything (the window is checked on the days themselves)."""
    if options.window == "year":
        by_year: dict[int, dict[str, list[dt.date]]] = defaultdict(lambda: defaultdict(list))
        for provider, day in contacts:
            by_year[day.year][provider].append(day)
        return list(by_year.values())
    if options.window == "episode":
        days = sorted({day for _, day in contacts})
        episode_of: dict[dt.date, int] = {}
        episode = 0
        for before, day in zip([None, *days[:-1]], days, strict=True):
            if before is not None and (day - before).days >= options.episode_gap:
                episode += 1
            episode_of[day] = episode
        by_episode: dict[int, dict[str, list[dt.date]]] = defaultdict(lambda: defaultdict(list))
        for provider, day in contacts:
            by_episode[episode_of[day]][provider].append(day)
        return list(by_episode.values())
    unit: dict[str, list[dt.date]] = defaultdict(list)
    for provider, day in contacts:
        unit[provider].append(day)
    return [unit]


def _shares(unit: dict[str, list[dt.date]], a: str, b: str, options: DeriveOptions, directed: bool) -> bool:
    """Whether providers ``a`` and ``b`` of one unit share the patient (``directed``: a first, then b)."""
    if options.window in ("year", "episode"):
        return not directed or min(unit[a]) <= min(unit[b])
    w = int(options.window)
    for da in unit[a]:
        for db in unit[b]:
            gap = (db - da).days
            if (0 <= gap <= w) if directed else (abs(gap) <= w):
                return True
    return False


def _level(weight: Fraction, weights: Sequence[Fraction]) -> int:
    share = Fraction(sum(1 for w in weights if w <= weight), len(weights))
    return min(5, max(1, math.ceil(5 * share)))


def _quantile(values: Sequence[Fraction], q: Fraction) -> Fraction:
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low = math.floor(position)
    if low + 1 >= len(ordered):
        return ordered[low]
    return ordered[low] + (position - low) * (ordered[low + 1] - ordered[low])


def density_summary(density: dict[str, tuple[int, Fraction]], suppress_below: int) -> list[dict[str, object]]:
    """The rows of ``care_density.csv``: patients, mean and quartiles of care density by k (see the
    module docstring for how small groups are joined)."""
    by_k: dict[int, list[Fraction]] = defaultdict(list)
    for k, value in density.values():
        by_k[k].append(value)
    groups: list[list[int]] = []
    pending: list[int] = []
    for k in sorted(by_k):
        pending.append(k)
        if sum(len(by_k[j]) for j in pending) >= suppress_below:
            groups.append(pending)
            pending = []
    if pending:
        if not groups:
            return []
        groups[-1] += pending
    rows: list[dict[str, object]] = []
    for group in groups:
        values = [v for k in group for v in by_k[k]]
        rows.append({
            "providers": str(group[0]) if len(group) == 1 else f"{group[0]}-{group[-1]}",
            "patients": len(values),
            "mean": round(float(Fraction(sum(values), len(values))), 6),
            "p25": round(float(_quantile(values, Fraction(1, 4))), 6),
            "median": round(float(_quantile(values, Fraction(1, 2))), 6),
            "p75": round(float(_quantile(values, Fraction(3, 4))), 6),
        })
    return rows


def construct(records: Iterable[Record], options: DeriveOptions) -> Network:
    """The provider network of ``records`` under ``options``, computed directly from the definitions."""
    raw = list(records)
    raw_k: dict[str, set[str]] = defaultdict(set)
    for patient, provider, _ in raw:
        raw_k[patient].add(provider)
    kept = _capped(raw, options)

    contacts: dict[str, list[tuple[str, dt.date]]] = defaultdict(list)
    patients_of: dict[str, set[str]] = defaultdict(set)
    for patient, provider, day in kept:
        contacts[patient].append((provider, day))
        patients_of[provider].add(patient)
    k = {patient: len({p for p, _ in theirs}) for patient, theirs in contacts.items()}
    n = {provider: len(theirs) for provider, theirs in patients_of.items()}

    directed = options.direction == "sequence"
    shared_by: dict[tuple[str, str], set[str]] = defaultdict(set)  # the ties' pairs (ordered if directed)
    undirected_by: dict[tuple[str, str], set[str]] = defaultdict(set)  # for care density
    for patient, theirs in contacts.items():
        for unit in _units(theirs, options):
            for a, b in combinations(sorted(unit), 2):
                if _shares(unit, a, b, options, directed=False):
                    undirected_by[(a, b)].add(patient)
                    if not directed:
                        shared_by[(a, b)].add(patient)
            if directed:
                for a, b in permutations(sorted(unit), 2):
                    if _shares(unit, a, b, options, directed=True):
                        shared_by[(a, b)].add(patient)

    threshold = max(options.min_shared, options.suppress_below)
    found: dict[tuple[str, str], tuple[int, Fraction, Fraction]] = {}
    for (a, b), patients in shared_by.items():
        s = len(patients)
        if s < threshold:
            continue
        newman = sum((Fraction(1, k[p] - 1) for p in patients), Fraction(0))
        found[(a, b)] = (s, newman, Fraction(s, n[a] + n[b] - s))
    pick = {"count": 0, "newman": 1, "jaccard": 2}[options.weight]
    weights = [Fraction(values[pick]) for values in found.values()]
    ties = {pair: Tie(pair[0], pair[1], s, newman, jaccard, Fraction((s, newman, jaccard)[pick]),
                      _level(Fraction((s, newman, jaccard)[pick]), weights))
            for pair, (s, newman, jaccard) in found.items()}

    pair_sum: dict[str, int] = defaultdict(int)
    for patients in undirected_by.values():
        for patient in patients:
            pair_sum[patient] += len(patients)
    density = {patient: (k[patient], Fraction(total, k[patient] * (k[patient] - 1) // 2))
               for patient, total in pair_sum.items()}

    ks = [len(theirs) for theirs in raw_k.values()]
    counts = {"patients": len(ks), "patients_with_two_or_more_providers": sum(1 for x in ks if x >= 2),
              "patients_over_cap": (sum(1 for x in ks if x > options.max_providers)
                                    if options.max_providers is not None else 0),
              "patient_pairs_at_most": sum(x * (x - 1) // 2 for x in ks)}
    return Network(n, ties, density, density_summary(density, options.suppress_below), counts)
