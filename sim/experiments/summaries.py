"""Summaries of a results file: means and t confidence intervals per configuration."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from .base import ALL_CHANNELS, CONFIDENCE, ExperimentError
from .stores import ResultsStore


# --- Summaries -----------------------------------------------------------------------------
def add_all_channels(frame: pd.DataFrame, channels: Sequence[str]) -> pd.DataFrame:
    """Arrival-weighted figures over every channel: ``all_channels.service_level`` etc."""
    arrived = sum(frame[f"{c}.arrived"].fillna(0) for c in channels)
    for kpi in ("service_level", "abandon_rate", "p_wait", "same_day_rate", "wait_mean_min"):
        cols = [f"{c}.{kpi}" for c in channels]
        if all(col in frame for col in cols):
            weighted = sum(
                frame[col].fillna(0) * frame[f"{c}.arrived"].fillna(0)
                for c, col in zip(channels, cols, strict=True)
            )
            frame[f"{ALL_CHANNELS}.{kpi}"] = (weighted / arrived).where(arrived > 0)
    return frame


def channels_of(columns: Iterable[str]) -> list[str]:
    """Channel names in a results table (those with an ``<channel>.arrived`` column)."""
    return [
        c.removesuffix(".arrived")
        for c in columns
        if c.endswith(".arrived") and not c.startswith(f"{ALL_CHANNELS}.")
    ]


def default_kpis(columns: Sequence[str]) -> list[str]:
    """KPIs summarised when none are asked for: service and abandonment, cost, customer harm."""
    channels = channels_of(columns)
    kpis = [f"{ALL_CHANNELS}.service_level", f"{ALL_CHANNELS}.abandon_rate"]
    if len(channels) <= 3:
        kpis += [f"{c}.service_level" for c in channels if len(channels) > 1]
    kpis += ["escalated_public", "churned", "cost"]
    return kpis


def t_halfwidth(sd: np.ndarray, n: np.ndarray, confidence: float = CONFIDENCE) -> np.ndarray:
    """Half-width of the t confidence interval of a mean (NaN with fewer than 2 values)."""
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        q = stats.t.ppf(0.5 + confidence / 2, np.where(n > 1, n - 1, np.nan))
        return q * np.asarray(sd, dtype=float) / np.sqrt(n)


def summarize(
    path: str | Path, paths: Sequence[str], kpis: Sequence[str] | None = None
) -> pd.DataFrame:
    """Mean and 95% CI (t-distribution over replications) of ``kpis`` per configuration.

    Reads ``path`` in batches (never the whole file at once; a sweep still running or
    interrupted is summarised from the rows it has). Columns: the grid paths, ``runs``, and
    for each KPI ``<kpi>`` (mean) and ``<kpi>_ci95`` (half-width). ``all_channels.<kpi>`` are
    arrival-weighted over every channel, computed per run.
    """
    store = ResultsStore.for_path(path, paths)
    if not store.exists():
        raise ExperimentError(f"{path}: no results yet")
    columns = store.columns()
    channels = channels_of(columns)
    kpis = list(kpis) if kpis else default_kpis(columns)
    derived = {k for k in kpis if k.startswith(f"{ALL_CHANNELS}.")}
    unknown = [k for k in kpis if k not in columns and k not in derived]
    if unknown:
        raise ExperimentError(
            f"--kpi {unknown[0]}: not a column of {path} (e.g. {', '.join(columns[-6:])})"
        )
    needed = set(paths) | {k for k in kpis if k not in derived}
    if derived:
        needed |= {f"{c}.{k.split('.', 1)[1]}" for c in channels for k in derived} | {
            f"{c}.arrived" for c in channels
        }
    needed = [c for c in columns if c in needed]
    # Chan et al.'s pairwise update of (n, mean, M2) per configuration and KPI, batch by batch.
    state: dict[str, Any] | None = None
    for frame in store.read(needed):
        frame = add_all_channels(frame, channels) if derived else frame
        values = frame[kpis].apply(pd.to_numeric, errors="coerce").astype(float)
        keys = [frame[p] for p in paths] if paths else [pd.Series(0, index=frame.index, name="_")]
        grouped = values.groupby(keys, sort=False, dropna=False)
        n = grouped.count()
        part = {
            "runs": grouped.size(),
            "n": n,
            "mean": grouped.mean(),
            "m2": grouped.var(ddof=0) * n,
        }
        state = part if state is None else _combine(state, part)
    if state is None:
        raise ExperimentError(f"{path}: no results yet")
    n = state["n"]
    out = pd.DataFrame({"runs": state["runs"].astype(int)}, index=state["runs"].index)
    sd = np.sqrt(state["m2"] / (n - 1).where(n > 1))
    for k in kpis:
        out[k] = state["mean"][k].where(n[k] > 0)
        out[f"{k}_ci95"] = t_halfwidth(sd[k].to_numpy(), n[k].to_numpy())
    out = out.reset_index()
    if paths:
        return out.sort_values(list(paths), kind="stable").reset_index(drop=True)
    return out.drop(columns=["_"])


def _combine(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """Merge two partial (runs, n, mean, M2) summaries (Chan, Golub & LeVeque 1979)."""
    idx = a["runs"].index.union(b["runs"].index, sort=False)
    a = {k: v.reindex(idx) for k, v in a.items()}
    b = {k: v.reindex(idx) for k, v in b.items()}
    na, nb = a["n"].fillna(0), b["n"].fillna(0)
    ma, mb = a["mean"].fillna(0), b["mean"].fillna(0)
    n = na + nb
    delta = mb - ma
    safe_n = n.where(n > 0)
    return {
        "runs": a["runs"].fillna(0) + b["runs"].fillna(0),
        "n": n,
        "mean": ma + delta * nb / safe_n,
        "m2": a["m2"].fillna(0) + b["m2"].fillna(0) + delta**2 * na * nb / safe_n,
    }
