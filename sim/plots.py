"""Plots of a run (matplotlib, no display needed)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from .results import Results


def storm_figure(results: Results, title: str | None = None):
    """Three stacked panels over clock hours: arrivals per channel, queue and reps, mood."""
    ts = results.timeseries
    fig, axes = plt.subplots(3, 1, figsize=(11, 8), sharex=True, constrained_layout=True)
    x = ts["hour_start"] if len(ts) else []
    chan_cols = [c for c in ts.columns if c.startswith("arrivals_")]
    ax = axes[0]
    if chan_cols:
        ax.stackplot(
            x,
            *[ts[c] for c in chan_cols],
            labels=[c.removeprefix("arrivals_") for c in chan_cols],
            step="post",
            alpha=0.85,
        )
        ax.legend(loc="upper right", ncols=min(len(chan_cols), 4), fontsize=8)
    if "baseline" in ts:
        ax.step(
            x,
            ts["baseline"],
            where="post",
            color="black",
            ls="--",
            lw=1,
            label="expected (no storm)",
        )
        ax.legend(loc="upper right", ncols=min(len(chan_cols) + 1, 5), fontsize=8)
    ax.set_ylabel("complaints / hour")
    ax.set_title(title or results.kpis.get("scenario", ""))
    ax = axes[1]
    ax.step(x, ts["queue"], where="post", color="tab:red", label="waiting (end of hour)")
    ax.set_ylabel("waiting")
    ax2 = ax.twinx()
    ax2.step(
        x, ts["reps_on_shift"], where="post", color="tab:gray", alpha=0.7, label="reps on shift"
    )
    ax2.set_ylabel("reps on shift")
    if "crisis" in ts and ts["crisis"].any():
        for xi, on in zip(x, ts["crisis"], strict=True):
            if on:
                ax.axvspan(
                    xi,
                    xi + (x.iloc[1] - x.iloc[0] if len(x) > 1 else 0),
                    color="orange",
                    alpha=0.15,
                    lw=0,
                )
    lines = ax.get_legend_handles_labels()[0] + ax2.get_legend_handles_labels()[0]
    if "crisis" in ts and ts["crisis"].any():
        from matplotlib.patches import Patch

        lines.append(Patch(color="orange", alpha=0.3, label="crisis mode"))
    ax.legend(lines, [h.get_label() for h in lines], loc="upper right", fontsize=8)
    ax = axes[2]
    ax.plot(x, ts["mood"], color="tab:purple")
    ax.set_ylim(0, 1)
    ax.set_ylabel("mean anger of new\ncomplaints (0–1)")
    ax.set_xlabel("local time")
    fig.autofmt_xdate()
    return fig


def save_storm_plot(results: Results, path: str | Path, title: str | None = None) -> Path:
    """Write :func:`storm_figure` to ``path`` (PNG/SVG/PDF by extension)."""
    path = Path(path)
    fig = storm_figure(results, title)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
