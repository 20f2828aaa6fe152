"""The construction choices of a shared-patient network, each with its source.

Reviews of patient-sharing studies find the choices made silently and differently in nearly
every paper (about two thirds of studies kept every pair with one shared patient);
:class:`DeriveOptions` makes each one an explicit, checked value that
``derive.json`` records with the counts it produced.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from carenet_graph.errors import OptionError

WINDOWS = ("30", "60", "90", "180", "year", "episode")
WEIGHTS = ("count", "newman", "jaccard")
DIRECTIONS = ("none", "sequence")
ENGINES = ("duckdb", "spark")
OVER_CAP = ("sample", "drop")

Window = Literal["30", "60", "90", "180", "year", "episode"]
Weight = Literal["count", "newman", "jaccard"]
Direction = Literal["none", "sequence"]
Engine = Literal["duckdb", "spark"]

#: Why each choice is what it is: written into ``derive.json`` beside the value.
SOURCES = {
    "min_shared": "CMS Physician Shared Patient Patterns publish pairs with at least 11 shared beneficiaries; "
                  "Barnett et al. 2011 (Health Serv Res 46:1592) found 9+ shared patients to identify 82 % of "
                  "physician-reported relationships.",
    "window": "CMS Shared Patient Patterns use 30/60/90/180-day windows after a visit; Barnett et al. 2011 and "
              "Landon et al. 2012 (JAMA 308:265) use one calendar year of claims; 'episode' joins a patient's "
              "contacts with gaps shorter than episode_gap days (a care episode).",
    "direction": "CMS Shared Patient Patterns count a pair in visit order (NPI1 seen first, then NPI2 within the "
                 "window): 'sequence' gives referral-like directed ties; 'none' an undirected tie.",
    "weight": "count: distinct shared patients (Barnett 2011); newman: sum over shared patients of 1/(k-1), k the "
              "patient's number of providers (Newman 2001, Phys Rev E 64:016132); jaccard: shared / (patients of "
              "A + patients of B - shared) (overlap).",
    "max_providers": "A patient with k providers adds k(k-1)/2 pairs; a cap keeps outliers (data errors, very long "
                     "stays) from dominating; 'sample' keeps a seeded random subset of max_providers providers, "
                     "'drop' leaves the patient out.",
    "suppress_below": "Small-cell suppression: CMS and most statistics offices publish no count below 11.",
    "care_density": "Pollack et al. 2013 (J Gen Intern Med 28:459): care density of a patient = sum over pairs of "
                    "the patient's providers of their shared-patient count / (k(k-1)/2).",
    "levels": "level = quintile of the weight among the kept ties (ceil(5 x cumulative share), 1 = lowest fifth, "
              "5 = highest); the analysis uses it as strength; the raw weight is kept. Not a Frey survey rating.",
}


@dataclass(frozen=True)
class DeriveOptions:
    """How records become a provider network.

    Attributes
    ----------
    min_shared:
        Keep a tie only when the providers share at least this many distinct patients (default
        11, as CMS).
    window:
        When two contacts of one patient count as shared: ``"30"``, ``"60"``, ``"90"``,
        ``"180"`` days apart at most; ``"year"`` (default) in the same calendar year;
        ``"episode"`` in the same episode (contacts with gaps shorter than ``episode_gap`` days).
    episode_gap:
        Days without a contact that end an episode (``window="episode"``).
    direction:
        ``"none"`` (default) undirected ties; ``"sequence"`` a tie A → B when a patient saw A
        first and B later (the same day counts both ways).
    weight:
        The ``weight`` column: ``"count"`` (default), ``"newman"`` or ``"jaccard"``; all three
        are written as extra columns.
    max_providers, over_cap:
        Patients with more distinct providers than ``max_providers`` are sampled down to that
        many (``"sample"``, seeded) or left out (``"drop"``). ``None`` (default): no cap.
    seed:
        Seed of the sample.
    suppress_below:
        No count below this reaches an output (default 11): ties with fewer shared patients are
        not written (whatever ``min_shared``), and smaller patient counts are left empty.
    care_density:
        Also compute Pollack's care density (``derive/care_density.csv``).
    engine:
        ``"duckdb"`` (default, embedded) or ``"spark"`` (PySpark; a cluster or ``local[*]``).
    memory_limit, spill_dir, threads:
        The memory the run may use in all ("4GB"; DuckDB's buffers get 70 % of it, the rest is for
        Python and the result), the folder for data that does not fit, and DuckDB's threads.
    spark_master:
        Spark master URL for ``engine="spark"`` (default ``local[2]``).
    """

    min_shared: int = 11
    window: Window = "year"
    episode_gap: int = 30
    direction: Direction = "none"
    weight: Weight = "count"
    max_providers: int | None = None
    over_cap: Literal["sample", "drop"] = "sample"
    seed: int = 0
    suppress_below: int = 11
    care_density: bool = False
    engine: Engine = "duckdb"
    memory_limit: str = "4GB"
    spill_dir: Path | None = None
    threads: int | None = None
    spark_master: str = "local[2]"

    def __post_init__(self) -> None:
        for name, value, allowed in (("window", self.window, WINDOWS), ("weight", self.weight, WEIGHTS),
                                     ("direction", self.direction, DIRECTIONS), ("engine", self.engine, ENGINES),
                                     ("over_cap", self.over_cap, OVER_CAP)):
            if value not in allowed:
                raise OptionError(f"{name} must be one of {', '.join(allowed)}", key="derive.option_choice",
                                  hint=f"Choose one of: {', '.join(allowed)}.",
                                  values={"option": name, "choices": ", ".join(allowed)})
        for name, number, least in (("min_shared", self.min_shared, 1), ("episode_gap", self.episode_gap, 1),
                                    ("suppress_below", self.suppress_below, 1),
                                    ("max_providers", self.max_providers, 2), ("threads", self.threads, 1)):
            if number is not None and (isinstance(number, bool) or not isinstance(number, int) or number < least):
                raise OptionError(f"{name} must be a whole number of at least {least}", key="derive.option_number",
                                  hint=f"Give {name} as a whole number, {least} or more.",
                                  values={"option": name, "least": least})

    @property
    def threshold(self) -> int:
        """The shared-patient count a written tie needs: the larger of ``min_shared`` and
        ``suppress_below``."""
        return max(self.min_shared, self.suppress_below)

    @property
    def window_days(self) -> int | None:
        """The window in days, or None for ``year`` and ``episode``."""
        return int(self.window) if self.window.isdigit() else None

    def record(self) -> dict[str, Any]:
        """The choices as JSON-ready data for ``derive.json``, each with its source; the engine's
        tuning (memory, spill folder, threads) is left out: it does not change the result."""
        data = asdict(self)
        for key in ("memory_limit", "spill_dir", "threads", "spark_master"):
            data.pop(key)
        data["threshold"] = self.threshold
        return {"choices": data, "sources": dict(SOURCES)}
