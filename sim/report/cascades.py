"""Check 2, cascades: mean size against 1/(1-n), the size distribution against Borel."""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..experiments import Backend, derive_seed
from ..scenario import StormScenario, parse_scenario
from ..validation import cascade_document
from .base import BASE_SEED, ReportSize, _run_all, mean_ci

# --- Cascades --------------------------------------------------------------------------------
BRANCHING_RATIOS = (0.2, 0.4, 0.6, 0.8, 0.9)
CASCADE_ARRIVALS_PER_HOUR = 100.0
CASCADE_HORIZON_HOURS = 2.0  # a post draws no pile-ons after this
CASCADE_TAIL_HOURS = 40.0  # no new complaints for this long at the end: cascades finish
CASCADE_SIZES_SHOWN = (0.6, 0.8)  # size distributions plotted against Borel
MAX_SIZE_BIN = 2_000


# --- 2. Cascades -----------------------------------------------------------------------------
def cascade_scenario(n: float, hours: float) -> StormScenario:
    """The cascade case (:func:`sim.validation.cascade_document`): branching ratio ``n``, new
    complaints only in the first ``hours`` so every cascade finishes inside the run."""
    return parse_scenario(
        cascade_document(
            n,
            hours=hours,
            tail_hours=CASCADE_TAIL_HOURS,
            horizon_hours=CASCADE_HORIZON_HOURS,
            arrivals_per_hour=CASCADE_ARRIVALS_PER_HOUR,
        )
    )


def cascade_replication(scenario: StormScenario, seed: int) -> np.ndarray:
    """Counts of cascade sizes (index = size) of one replication (runs in a worker)."""
    from .. import run

    df = run(scenario, seed=seed).complaints
    roots = df.loc[df.origin == "new", "id"]
    sizes = df.groupby("root").size().reindex(roots).fillna(0).astype(int).to_numpy()
    return np.bincount(np.minimum(sizes, MAX_SIZE_BIN), minlength=MAX_SIZE_BIN + 1)


def borel_pmf(n: float, k: np.ndarray) -> np.ndarray:
    """Total progeny of a Galton–Watson process with Poisson(n) offspring (Borel)."""
    k = np.asarray(k, dtype=float)
    from scipy.special import gammaln

    return np.exp(-n * k + (k - 1) * np.log(n * k) - gammaln(k + 1))


def cascade_validation(size: ReportSize, backend: Backend) -> tuple[pd.DataFrame, dict]:
    """Per branching ratio: mean cascade size (replication mean ± CI) vs 1/(1−n)."""
    jobs = [
        (cascade_scenario(n, size.cascade_hours), derive_seed(BASE_SEED, r))
        for n in BRANCHING_RATIOS
        for r in range(size.replications)
    ]
    counts = _run_all(backend, cascade_replication, jobs)
    rows, pooled = [], {}
    sizes = np.arange(MAX_SIZE_BIN + 1)
    for i, n in enumerate(BRANCHING_RATIOS):
        reps = counts[i * size.replications : (i + 1) * size.replications]
        means = [float((c * sizes).sum() / c.sum()) for c in reps]
        total = np.sum(reps, axis=0)
        pooled[n] = total
        mean, half = mean_ci(means)
        rows.append(
            {
                "n": n,
                "theory": 1.0 / (1.0 - n),
                "simulated": mean,
                "ci95": half,
                "cascades": int(total.sum()),
                "largest": int(np.flatnonzero(total).max()),
                "p1_theory": math.exp(-n),
                "p1_simulated": float(total[1] / total.sum()),
            }
        )
    return pd.DataFrame(rows), pooled


def cascade_figure(table: pd.DataFrame, pooled: dict):
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(11, 4.2), constrained_layout=True)
    grid = np.linspace(0, 0.92, 100)
    ax.plot(grid, 1 / (1 - grid), color="tab:gray", label="1/(1−n)")
    ax.errorbar(
        table["n"],
        table["simulated"],
        yerr=table["ci95"].fillna(0),
        fmt="o",
        ms=4,
        capsize=3,
        color="tab:red",
        label="simulation, mean ± 95% CI",
    )
    ax.set_xlabel("branching ratio n")
    ax.set_ylabel("mean cascade size (complaints)")
    ax.set_title("Mean cascade size", fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    k = np.arange(1, 200)
    for n, color in zip(CASCADE_SIZES_SHOWN, ("tab:blue", "tab:orange"), strict=True):
        if n not in pooled:
            continue
        total = pooled[n]
        ccdf = total[::-1].cumsum()[::-1] / total.sum()
        shown = np.flatnonzero(ccdf[1:200] > 0) + 1
        ax2.step(shown, ccdf[shown], where="post", color=color, label=f"simulation n = {n:g}")
        pmf = borel_pmf(n, k)
        theory = 1.0 - np.concatenate([[0.0], np.cumsum(pmf)[:-1]])
        ax2.plot(k, theory, ls="--", color=color, alpha=0.8, label=f"Borel n = {n:g}")
    ax2.set_xscale("log")
    ax2.set_yscale("log")
    ax2.set_ylim(1e-5, 1.5)
    ax2.set_xlabel("cascade size k")
    ax2.set_ylabel("P(size ≥ k)")
    ax2.set_title("Size distribution", fontsize=10)
    ax2.grid(alpha=0.3)
    ax2.legend(fontsize=8)
    return fig
