"""Plots of sweeps and staffing plans (matplotlib, no display needed).

- :func:`save_sweep_plot`: each KPI against the first numeric grid field, one line per
  combination of the other fields, with 95% confidence bands; beside them the cost vs
  service-level frontier of every configuration.
- :func:`save_staffing_plot`: reps per interval by simulation, Erlang C and Erlang A; the team's
  arrivals (forecast vs simulated, with pile-ons and re-posts); each target per interval for the
  simulated roster and for Erlang A's.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import Formatter, MaxNLocator

from .experiments import ALL_CHANNELS

RATE_KPIS = ("service_level", "abandon_rate", "p_wait", "same_day_rate", "occupancy", "csat")
MAX_KPI_PANELS = 4
BESIDE = {"loc": "upper left", "bbox_to_anchor": (1.01, 1.0), "fontsize": 8, "frameon": False}
FRONTIER_SERVICE = f"{ALL_CHANNELS}.service_level"


def _is_rate(kpi: str) -> bool:
    return kpi.rsplit(".", 1)[-1] in RATE_KPIS


def _label(kpi: str) -> str:
    name = kpi.replace(f"{ALL_CHANNELS}.", "all channels: ").replace("_", " ")
    return f"{name} (%)" if _is_rate(kpi) else name


def _scale(kpi: str) -> float:
    return 100.0 if _is_rate(kpi) else 1.0


def _numeric(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


class SignedPercentFormatter(Formatter):
    """Axis labels for relative effects (fractions): ``−2.5%``, ``0%``, ``+7.5%``. The decimals
    are the fewest that show every tick exactly, so ticks at 2.5% steps are not rounded to
    ``+2% +8%``."""

    ticks: tuple[float, ...] = ()

    def set_locs(self, locs) -> None:
        self.ticks = tuple(float(v) for v in locs)

    def _decimals(self) -> int:
        for d in range(4):
            if all(abs(round(v * 100, d) - v * 100) < 1e-6 for v in self.ticks):
                return d
        return 3

    def __call__(self, x, pos=None) -> str:
        d = self._decimals()
        if abs(x * 100) < 0.5 * 10**-d:
            return "0%"
        return f"{x * 100:+.{d}f}%".replace("-", "\N{MINUS SIGN}")


def pareto_front(cost: np.ndarray, service: np.ndarray) -> np.ndarray:
    """Indices of configurations no other beats on both cost (lower) and service (higher)."""
    order = np.lexsort((-service, cost))  # by cost, then best service first
    front, best = [], -np.inf
    for i in order:
        if np.isfinite(service[i]) and service[i] > best:
            front.append(i)
            best = service[i]
    return np.array(front, dtype=int)


def sweep_figure(
    summary: pd.DataFrame, paths: Sequence[str], kpis: Sequence[str], title: str | None = None
):
    """KPI panels against the first numeric grid field (CI bands), then the cost frontier."""
    kpis = [k for k in kpis if k != "cost"][:MAX_KPI_PANELS]
    frontier = "cost" in summary and FRONTIER_SERVICE in summary
    fig, axes = _panel_grid(len(kpis), frontier)
    x_path = next((p for p in paths if _numeric(summary[p])), None)
    for ax, kpi in zip(axes, kpis, strict=False):
        if x_path is None:
            _bars(ax, summary, paths, kpi)
        else:
            _lines(ax, summary, paths, x_path, kpi)
        ax.set_title(_label(kpi), fontsize=10)
        ax.grid(alpha=0.3)
    if frontier:
        ax = axes[-1]
        cost = summary["cost"].to_numpy(dtype=float)
        service = summary[FRONTIER_SERVICE].to_numpy(dtype=float) * 100
        ax.errorbar(
            cost,
            service,
            xerr=np.nan_to_num(summary["cost_ci95"].to_numpy(dtype=float)),
            yerr=np.nan_to_num(summary[f"{FRONTIER_SERVICE}_ci95"].to_numpy(dtype=float)) * 100,
            fmt="o",
            ms=4,
            color="tab:gray",
            alpha=0.7,
            elinewidth=0.8,
            label="configuration",
        )
        front = pareto_front(cost, service)
        if len(front):
            ax.plot(cost[front], service[front], "-o", color="tab:red", ms=5, label="frontier")
            middle = (np.nanmin(cost) + np.nanmax(cost)) / 2
            for i in front:
                text = ", ".join(f"{summary[p].iloc[i]}" for p in paths)
                right_half = cost[i] > middle  # label inwards, never past the panel's edge
                ax.annotate(
                    text,
                    (cost[i], service[i]),
                    textcoords="offset points",
                    xytext=(-4 if right_half else 4, -10),
                    ha="right" if right_half else "left",
                    fontsize=7,
                )
        ax.set_xlabel("staff cost")
        ax.set_ylabel("service level, all channels (%)")
        ax.set_title("cost vs service level (95% CI)", fontsize=10)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, loc="lower right")
    if title:
        fig.suptitle(title)
    return fig


def _panel_grid(n_kpis: int, frontier: bool) -> tuple:
    """The figure and its axes (KPI panels, then the frontier), with no empty cell: 1–3 panels
    in a row, 4 as 2 × 2, 4 KPIs and the frontier as 2 × 2 beside a frontier two rows high."""
    n = max(n_kpis + int(frontier), 1)
    names = [f"k{i}" for i in range(n_kpis)] + (["frontier"] if frontier else [])
    names = names or ["k0"]
    if n <= 3:
        mosaic = [names]
    elif n == 4:
        mosaic = [names[:2], names[2:]]
    else:  # 4 KPIs and the frontier
        mosaic = [[names[0], names[1], names[4]], [names[2], names[3], names[4]]]
    rows, cols = len(mosaic), len(mosaic[0])
    fig, by_name = plt.subplot_mosaic(
        mosaic, figsize=(5.2 * cols, 4.0 * rows), constrained_layout=True
    )
    return fig, [by_name[name] for name in names]


def _lines(ax, summary: pd.DataFrame, paths: Sequence[str], x_path: str, kpi: str) -> None:
    """KPI against a numeric grid field, one line (and 95% CI band) per other combination."""
    series_paths = [p for p in paths if p != x_path]
    groups = list(summary.groupby(series_paths, sort=False)) if series_paths else [((), summary)]
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    scale = _scale(kpi)
    for (key, group), color in zip(groups, itertools.cycle(colors), strict=False):
        key = key if isinstance(key, tuple) else (key,)
        label = ", ".join(
            f"{p.rsplit('.', 1)[-1]}={v}" for p, v in zip(series_paths, key, strict=True)
        )
        g = group.sort_values(x_path)
        x = g[x_path].to_numpy(dtype=float)
        mean = g[kpi].to_numpy(dtype=float) * scale
        ci = np.nan_to_num(g[f"{kpi}_ci95"].to_numpy(dtype=float)) * scale
        ax.plot(x, mean, marker="o", ms=3.5, color=color, label=label or None)
        ax.fill_between(x, mean - ci, mean + ci, color=color, alpha=0.18, lw=0)
    ax.set_xlabel(x_path)
    values = summary[x_path].to_numpy(dtype=float)
    if np.all(values == np.round(values)):  # reps, hours: no tick at 2.5 reps
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    if len(groups) > 1:
        ax.legend(fontsize=7)


def _bars(ax, summary: pd.DataFrame, paths: Sequence[str], kpi: str) -> None:
    """KPI per configuration when no grid field is numeric: bars with 95% CI error bars."""
    scale = _scale(kpi)
    x = np.arange(len(summary))
    ci = np.nan_to_num(summary[f"{kpi}_ci95"].to_numpy(dtype=float)) * scale
    ax.bar(
        x,
        summary[kpi].to_numpy(dtype=float) * scale,
        yerr=ci,
        capsize=3,
        color="tab:blue",
        alpha=0.75,
    )
    labels = [
        ", ".join(str(v) for v in row) for row in summary[list(paths)].itertuples(index=False)
    ]
    ax.set_xticks(x)
    ax.set_xticklabels(labels or [""] * len(x), rotation=30, ha="right", fontsize=7)
    ax.set_xlabel(", ".join(p.rsplit(".", 1)[-1] for p in paths) or "configuration")


def save_sweep_plot(
    summary: pd.DataFrame,
    paths: Sequence[str],
    kpis: Sequence[str],
    path: str | Path,
    title: str | None = None,
) -> Path:
    """Write :func:`sweep_figure` to ``path`` (PNG/SVG/PDF by extension)."""
    path = Path(path)
    fig = sweep_figure(summary, paths, kpis, title)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def staffing_figure(plan):
    """Reps per interval (simulation vs Erlang), the team's volume, and the targets met."""
    from .arrivals import ScenarioClock

    sc = plan.scenario
    clock = ScenarioClock(sc.info.start, sc.info.timezone, float(plan.edges[-1]))
    times = [clock.local(t) for t in plan.edges]
    table = plan.table
    names = list(sc.channels)
    team = [names.index(c) for c in dict.fromkeys(t.channel for t in plan.targets)]
    hours = np.diff(plan.edges) / 60.0
    n_targets = min(len(plan.targets), 2)
    fig, axes = plt.subplots(
        2 + n_targets, 1, figsize=(12, 3.2 * (2 + n_targets)), sharex=True, constrained_layout=True
    )

    def steps(values) -> np.ndarray:
        v = np.asarray(values, dtype=float)
        return np.append(v, v[-1])

    warmup_min = min(sc.info.warmup_hours * 60.0, float(plan.edges[-1]))
    if warmup_min > 0:  # not counted: the targets are not checked there
        for ax in axes:
            ax.axvspan(times[0], clock.local(warmup_min), color="0.85", alpha=0.6, lw=0)

    ax = axes[0]
    sim, c, a = steps(table["reps"]), steps(table["erlang_c_reps"]), steps(table["erlang_a_reps"])
    ax.step(times, sim, where="post", color="tab:blue", lw=2.2, label="simulation (meets targets)")
    ax.step(times, c, where="post", color="tab:orange", lw=1.3, ls="--", label="Erlang C")
    ax.step(times, a, where="post", color="tab:green", lw=1.3, ls=":", label="Erlang A")
    ax.fill_between(
        times,
        a,
        sim,
        where=sim > a,
        step="post",
        color="tab:red",
        alpha=0.15,
        label="Erlang A short of simulation",
    )
    ax.fill_between(
        times,
        a,
        sim,
        where=sim < a,
        step="post",
        color="tab:green",
        alpha=0.12,
        label="Erlang A above simulation",
    )
    if warmup_min > 0:
        ax.fill_between([], [], color="0.85", alpha=0.6, lw=0, label="warm-up (not counted)")
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel("reps on the team")
    rep_hours = plan.totals().set_index("roster")["rep_hours"]
    ax.set_title(
        f"{sc.info.name}: reps per interval — simulation {rep_hours['simulation']:,.0f} rep-h, "
        f"Erlang A {rep_hours['Erlang A']:,.0f}, Erlang C {rep_hours['Erlang C']:,.0f}",
        fontsize=10,
    )
    ax.legend(**BESIDE)
    ax.grid(alpha=0.3)

    ax = axes[1]
    m = plan.measure
    new = steps(m.new[:, team].sum(axis=1) / hours)
    piles = steps(m.pile_ons[:, team].sum(axis=1) / hours)
    other = steps((m.arrivals - m.new - m.pile_ons)[:, team].sum(axis=1) / hours)
    ax.stackplot(
        times,
        new,
        other,
        piles,
        step="post",
        alpha=0.75,
        colors=["tab:blue", "tab:purple", "tab:red"],
        labels=["new complaints", "re-posts and channel switches", "pile-ons (contagion)"],
    )
    ax.step(
        times,
        steps(table["forecast_per_hour"]),
        where="post",
        color="black",
        lw=1.4,
        ls="--",
        label="forecast (what Erlang sees)",
    )
    ax.set_ylabel("team arrivals / hour")
    ax.legend(**BESIDE)
    ax.grid(alpha=0.3)

    erlang_a = plan.erlang_measures["erlang_a"]
    for j, target in enumerate(plan.targets[:n_targets]):
        ax = axes[2 + j]
        scale = 100.0 if target.kpi in RATE_KPIS else 1.0
        mean = steps(m.mean[j]) * scale
        ci = np.nan_to_num(steps(m.ci95[j])) * scale
        low, high = mean - ci, mean + ci
        if target.kpi in RATE_KPIS:  # a share: its interval ends at 0% and 100%
            low, high = np.clip(low, 0, 100), np.clip(high, 0, 100)
        ax.step(times, mean, where="post", color="tab:blue", lw=1.8, label="simulated roster")
        ax.fill_between(times, low, high, step="post", color="tab:blue", alpha=0.15, label="95% CI")
        ax.step(
            times,
            steps(erlang_a.mean[j]) * scale,
            where="post",
            color="tab:green",
            ls=":",
            lw=1.5,
            label="Erlang A roster, simulated",
        )
        ax.axhline(
            target.value * scale, color="tab:red", lw=1, ls="--", label=f"target {target.label}"
        )
        ax.set_ylabel(_label(target.column) if scale == 100 else target.column)
        ax.legend(**BESIDE)
        ax.grid(alpha=0.3)
    axes[-1].set_xlabel("local time (interval start)")
    axes[-1].set_xlim(times[0], times[-1])  # the last interval has its width, no margins
    fig.autofmt_xdate()
    return fig


def save_staffing_plot(plan, path: str | Path) -> Path:
    """Write :func:`staffing_figure` to ``path`` (PNG/SVG/PDF by extension)."""
    path = Path(path)
    fig = staffing_figure(plan)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


__all__ = [
    "SignedPercentFormatter",
    "pareto_front",
    "save_staffing_plot",
    "save_sweep_plot",
    "staffing_figure",
    "sweep_figure",
]
