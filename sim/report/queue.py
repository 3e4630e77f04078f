"""Check 1, the pure queue: replication means of the model against Erlang C and A."""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .. import erlang
from ..experiments import Backend, derive_seed
from ..scenario import StormScenario, parse_scenario
from ..validation import queue_document
from .base import BASE_SEED, ReportSize, _run_all, mean_ci

# --- Pure queue (Erlang C / A) ---------------------------------------------------------------
QUEUE_AGENTS = 10
QUEUE_AHT_MIN = 2.0
QUEUE_SLA_MIN = 0.5
QUEUE_PATIENCE_MEAN_MIN = 2.0  # Erlang A: exponential patience with this mean
QUEUE_WARMUP_HOURS = 10.0  # from an empty queue; near ρ = 1 it takes hours to fill
ERLANG_C_LOADS = (0.5, 0.7, 0.8, 0.9, 0.95)  # offered load per agent, ρ = λ·AHT / c
ERLANG_A_LOADS = (0.7, 0.9, 1.0, 1.1, 1.25)  # Erlang A stays stable beyond ρ = 1
QUEUE_METRICS = ("p_wait", "wait_mean_min", "service_level", "abandon_rate")
QUEUE_LABELS = {
    "p_wait": "P(wait)",
    "wait_mean_min": "mean wait (min)",
    "service_level": f"service level ({QUEUE_SLA_MIN * 60:.0f} s)",
    "abandon_rate": "abandonment",
}


# --- 1. Pure queue ---------------------------------------------------------------------------
def queue_scenario(load: float, patience: bool, hours: float) -> StormScenario:
    """The pure queue (:func:`sim.validation.queue_document`) with ``QUEUE_AGENTS`` reps at
    offered load ``load`` per rep, measured for ``hours`` after ``QUEUE_WARMUP_HOURS``."""
    return parse_scenario(
        queue_document(
            arrivals_per_hour=load * QUEUE_AGENTS * 60.0 / QUEUE_AHT_MIN,
            aht_min=QUEUE_AHT_MIN,
            agents=QUEUE_AGENTS,
            patience_mean_min=QUEUE_PATIENCE_MEAN_MIN if patience else None,
            sla_min=QUEUE_SLA_MIN,
            hours=QUEUE_WARMUP_HOURS + hours,
            warmup_hours=QUEUE_WARMUP_HOURS,
        )
    )


def queue_replication(scenario: StormScenario, seed: int) -> tuple[float, ...]:
    """One replication's P(wait), mean wait, service level and abandonment (runs in a worker)."""
    from .. import run

    k = run(scenario, seed=seed).kpis["channels"]["phone"]
    return tuple(float(k[m]) for m in QUEUE_METRICS)


def queue_validation(size: ReportSize, backend: Backend) -> pd.DataFrame:
    """One row per (model, load, metric): Erlang's figure, the replication mean and its CI."""
    cases = [("Erlang C", rho, False) for rho in ERLANG_C_LOADS]
    cases += [("Erlang A", rho, True) for rho in ERLANG_A_LOADS]
    jobs = [
        (queue_scenario(rho, patience, size.queue_hours), derive_seed(BASE_SEED, r))
        for _, rho, patience in cases
        for r in range(size.replications)
    ]
    results = np.array(_run_all(backend, queue_replication, jobs), dtype=float)
    rows = []
    for i, (model, rho, patience) in enumerate(cases):
        reps = results[i * size.replications : (i + 1) * size.replications]
        lam = rho * QUEUE_AGENTS * 60.0 / QUEUE_AHT_MIN
        theory = erlang.metrics(
            lam,
            QUEUE_AHT_MIN,
            QUEUE_AGENTS,
            QUEUE_SLA_MIN,
            QUEUE_PATIENCE_MEAN_MIN if patience else None,
        )
        for j, metric in enumerate(QUEUE_METRICS):
            if metric == "abandon_rate" and not patience:
                continue
            mean, half = mean_ci(reps[:, j])
            se = reps[:, j].std(ddof=1) / math.sqrt(len(reps)) if len(reps) > 1 else math.nan
            expected = float(getattr(theory, metric))
            rows.append(
                {
                    "model": model,
                    "load": rho,
                    "arrivals_per_hour": lam,
                    "metric": metric,
                    "erlang": expected,
                    "simulated": mean,
                    "ci95": half,
                    "z": (mean - expected) / se if se > 0 else math.nan,
                }
            )
    return pd.DataFrame(rows)


def queue_figure(table: pd.DataFrame):
    """Erlang C (top) and Erlang A (bottom): each metric against load, formula vs simulation."""
    panels = [("Erlang C", ("p_wait", "wait_mean_min", "service_level"))]
    panels.append(("Erlang A", ("p_wait", "wait_mean_min", "abandon_rate")))
    fig, axes = plt.subplots(2, 3, figsize=(11, 6.2), constrained_layout=True)
    for row, (model, metrics) in enumerate(panels):
        loads = ERLANG_C_LOADS if model == "Erlang C" else ERLANG_A_LOADS
        grid = np.linspace(min(loads) - 0.05, max(loads) + 0.01, 80)
        for col, metric in enumerate(metrics):
            ax = axes[row, col]
            curve = [
                getattr(
                    erlang.metrics(
                        g * QUEUE_AGENTS * 60.0 / QUEUE_AHT_MIN,
                        QUEUE_AHT_MIN,
                        QUEUE_AGENTS,
                        QUEUE_SLA_MIN,
                        QUEUE_PATIENCE_MEAN_MIN if model == "Erlang A" else None,
                    ),
                    metric,
                )
                for g in grid
            ]
            ax.plot(grid, curve, color="tab:gray", lw=1.5, label=f"{model} formula")
            part = table[(table.model == model) & (table.metric == metric)]
            half = part["ci95"].fillna(0).to_numpy()
            low = np.minimum(half, 0.9 * part["simulated"].to_numpy())  # log axis: stay > 0
            ax.errorbar(
                part["load"],
                part["simulated"],
                yerr=[low if metric == "wait_mean_min" else half, half],
                fmt="o",
                ms=4,
                capsize=3,
                color="tab:red",
                label="simulation, mean ± 95% CI",
            )
            ax.set_title(f"{model}: {QUEUE_LABELS[metric]}", fontsize=10)
            ax.set_xlabel("offered load per rep ρ")
            ax.grid(alpha=0.3)
            if metric == "wait_mean_min" and model == "Erlang C":
                ax.set_yscale("log")
            elif metric != "wait_mean_min":
                ax.set_ylim(-0.02, 1.02)
        axes[row, 0].legend(fontsize=8, loc="upper left")
    fig.suptitle(
        f"M/M/{QUEUE_AGENTS} and M/M/{QUEUE_AGENTS}+M: {QUEUE_AHT_MIN:g}-minute handle time, "
        f"patience {QUEUE_PATIENCE_MEAN_MIN:g} min (Erlang A)",
        fontsize=11,
    )
    return fig
