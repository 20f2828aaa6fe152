"""Pollack's care density, from the per-patient sums the construction returns.

For a patient with :math:`k \\ge 2` providers,

.. math:: CD_p = \\frac{\\sum_{\\{a, b\\} \\subseteq P_p} s_{ab}}{k (k - 1) / 2}

where :math:`s_{ab}` is the number of patients providers :math:`a` and :math:`b` share (under the
run's window, before any threshold), summed over the patient's pairs that share the patient.
C. E. Pollack, G. E. Weissman, K. W. Lemke, P. S. Hussey, J. P. Weiner, "Patient sharing among
physicians and costs of care: a network analytic approach to care coordination using claims
data", J Gen Intern Med 28 (2013) 459–465.

Two tables leave the run: the summary by number of providers (always, with small groups
folded), and per patient under a keyed code (only with a key: no patient id is ever written).
"""

from __future__ import annotations

import math

import pandas as pd

from carenet_graph.derive.options import DeriveOptions
from carenet_graph.privacy import record_code

__all__ = ["density_summary", "patient_density"]


def density_summary(density: pd.DataFrame, options: DeriveOptions) -> pd.DataFrame:
    """Care density by number of providers: patients, mean and quartiles; groups of fewer than
    ``suppress_below`` patients are folded into the next larger k (the last into the one before)."""
    if density.empty:
        return pd.DataFrame(columns=["providers", "patients", "mean", "p25", "median", "p75"])
    values = density[["k", "care_density"]].astype({"k": "int64", "care_density": float})
    sizes = values.groupby("k").size().sort_index()
    label, bins, run = {}, [], 0
    pending: list[int] = []
    for k, n in zip(sizes.index, sizes.to_numpy(), strict=True):
        pending.append(int(k))
        run += int(n)
        if run >= options.suppress_below:
            bins.append(pending)
            pending, run = [], 0
    if pending:
        if bins:
            bins[-1] += pending
        else:
            return pd.DataFrame(columns=["providers", "patients", "mean", "p25", "median", "p75"])
    for group in bins:
        name = str(group[0]) if len(group) == 1 else f"{group[0]}-{group[-1]}"
        for k in group:
            label[k] = name
    values["providers"] = values["k"].map(label)
    order = {name: i for i, name in enumerate(dict.fromkeys(label[k] for k in sizes.index))}
    rows = []
    for name in order:
        cd = values.loc[values["providers"] == name, "care_density"]
        # fsum is exact: the mean must not depend on the order the engine returned the patients in.
        mean = math.fsum(cd.to_list()) / cd.size
        rows.append({"providers": name, "patients": int(cd.size), "mean": round(mean, 6),
                     "p25": round(float(cd.quantile(0.25)), 6), "median": round(float(cd.median()), 6),
                     "p75": round(float(cd.quantile(0.75)), 6)})
    return pd.DataFrame(rows)


def patient_density(density: pd.DataFrame, key: bytes, digits: int = 9) -> pd.DataFrame:
    """Care density per patient, each patient by :func:`~carenet_graph.privacy.record_code` (never
    the id), sorted by that code."""
    out = pd.DataFrame({"patient": [record_code(str(p), key) for p in density["patient"]],
                        "providers": density["k"].astype("int64"),
                        "care_density": density["care_density"].astype(float).round(digits)})
    return out.sort_values("patient", kind="stable").reset_index(drop=True)
