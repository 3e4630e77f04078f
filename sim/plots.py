"""Plots of a run (matplotlib, no display needed)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.patches import Patch

from .results import Results

LEGEND = {"loc": "upper left", "bbox_to_anchor": (1.08, 1.0), "fontsize": 8, "frameon": False}


def _with_end(ts: pd.DataFrame) -> tuple[list, pd.DataFrame]:
    """Hour starts plus the end of the last hour, and the rows with the last one repeated, so a
    step drawn ``where="post"`` gives the last hour its full width."""
    x = list(ts["hour_start"])
    if not x:
        return x, ts
    return [*x, x[-1] + timedelta(hours=1)], pd.concat([ts, ts.iloc[[-1]]], ignore_index=True)


def _spans(x: list, flags) -> list[tuple]:
    """Runs of consecutive flagged hours as (start, end) pairs: one band per crisis, not one
    sliver per hour."""
    spans, start = [], None
    for i, on in enumerate(flags):
        if on and start is None:
            start = x[i]
        elif not on and start is not None:
            spans.append((start, x[i]))
            start = None
    if start is not None:
        spans.append((start, x[len(flags)]))
    return spans


def storm_figure(results: Results, title: str | None = None):
    """Three stacked panels over clock hours: arrivals per channel, queue and reps, mood."""
    ts = results.timeseries
    fig, axes = plt.subplots(3, 1, figsize=(11, 8), sharex=True, constrained_layout=True)
    x, tx = _with_end(ts)
    n = len(ts)
    chan_cols = [c for c in ts.columns if c.startswith("arrivals_")]
    shade = []
    if n and results.warmup_hours > 0:
        end = x[0] + timedelta(hours=results.warmup_hours)
        for ax in axes:
            ax.axvspan(x[0], end, color="0.85", alpha=0.6, lw=0)
        shade.append(Patch(color="0.85", alpha=0.6, label="warm-up (not counted)"))
    if n and "crisis" in ts and ts["crisis"].any():
        for a, b in _spans(x, list(ts["crisis"])):
            for ax in axes:
                ax.axvspan(a, b, color="orange", alpha=0.2, lw=0)
        shade.append(Patch(color="orange", alpha=0.3, label="crisis mode"))

    ax = axes[0]
    if chan_cols and n:
        ax.stackplot(
            x,
            *[tx[c] for c in chan_cols],
            labels=[c.removeprefix("arrivals_") for c in chan_cols],
            step="post",
            alpha=0.85,
        )
    if "baseline" in ts and n:
        ax.step(x, tx["baseline"], where="post", color="black", ls="--", lw=1,
                label="expected (no storm)")  # fmt: skip
    ax.set_ylim(bottom=0)
    ax.set_ylabel("complaints / hour")
    ax.set_title(title or results.kpis.get("scenario", ""))
    handles, labels = ax.get_legend_handles_labels()
    ax.legend(handles[::-1], labels[::-1], **LEGEND)

    ax = axes[1]
    if n:
        ax.step(x, tx["queue"], where="post", color="tab:red", label="waiting (end of hour)")
    ax.set_ylim(bottom=0)
    ax.set_ylabel("waiting")
    ax2 = ax.twinx()
    if n:
        ax2.step(x, tx["reps_on_shift"], where="post", color="tab:gray", alpha=0.8,
                 label="reps on shift")  # fmt: skip
    ax2.set_ylim(bottom=0)
    ax2.set_ylabel("reps on shift")
    lines = ax.get_legend_handles_labels()[0] + ax2.get_legend_handles_labels()[0] + shade
    ax.legend(lines, [h.get_label() for h in lines], **LEGEND)

    ax = axes[2]
    if n:
        ax.step(x, tx["mood"], where="post", color="tab:purple")
    ax.set_ylim(0, 1)
    ax.set_ylabel("mean anger of new\ncomplaints (0–1)")
    ax.set_xlabel("local time")
    if n:
        ax.set_xlim(x[0], x[-1])
        locator = mdates.AutoDateLocator(minticks=4, maxticks=10)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    return fig


def save_storm_plot(results: Results, path: str | Path, title: str | None = None) -> Path:
    """Write :func:`storm_figure` to ``path`` (PNG/SVG/PDF by extension)."""
    path = Path(path)
    fig = storm_figure(results, title)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
