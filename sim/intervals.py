"""Interval reports: what a workforce planner reads per 15, 30 or 60 minutes, and per origin.

Computed from a run's complaints table, so they agree with the KPIs by construction: an
interval's arrivals are the complaints created in it (after the warm-up), and their answers,
abandonments, waits and service level are theirs, however late they came. ``waiting_at_end``
is the number of complaints (of any age) waiting for a first answer at the interval's end (the
hourly timeseries' ``queue`` also counts answered customers back in the queue with a follow-up).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

INTERVALS = (15, 30, 60)  # the choices `stormdesk run --interval` offers
ORIGINS = ("new", "pile_on", "repost", "switch")
ORIGIN_LABELS = {
    "new": "new complaints",
    "pile_on": "pile-ons (contagion)",
    "repost": "re-posts in public",
    "switch": "channel switches",
}


def _waiting_at(created: np.ndarray, wait: np.ndarray, times: np.ndarray) -> np.ndarray:
    """How many of the complaints (created, waited ``wait`` min) are waiting at each time."""
    starts = np.sort(created)
    ends = np.sort(created + wait)
    return np.searchsorted(starts, times, side="right") - np.searchsorted(ends, times, side="right")


def interval_table(results, minutes: float = 30) -> pd.DataFrame:
    """One row per (interval, channel): ``interval_start`` (local time), ``channel``,
    ``arrivals``, ``answered``, ``abandoned``, ``service_level`` (answered within the
    channel's SLA / arrivals; None with no arrivals), ``mean_wait_min`` and ``waiting_at_end``.
    """
    if not minutes > 0:
        raise ValueError(f"interval must be > 0 minutes, got {minutes}")
    df = results.complaints
    start = results.warmup_hours * 60.0
    end = results.duration_hours * 60.0
    edges = np.arange(start, end, float(minutes))
    if len(edges) == 0:
        edges = np.array([start])
    bounds = np.append(edges, end)
    rows = []
    for channel, sla in results.sla_min.items():
        c = df[df["channel"] == channel]
        created = c["created_min"].to_numpy(float)
        wait = c["wait_min"].to_numpy(float)
        answered = c["answered"].to_numpy(bool)
        gave_up = c["gave_up"].to_numpy(bool)
        # Still waiting at the end of the run: their wait has no end yet.
        wait_end = np.where(answered | gave_up, wait, np.inf)
        waiting = _waiting_at(created, wait_end, bounds[1:])
        slot = np.searchsorted(bounds, created, side="right") - 1
        inside = (created >= start) & (created < end)
        for k, t0 in enumerate(edges):
            m = inside & (slot == k)
            n = int(m.sum())
            rows.append(
                {
                    "interval_start": results.clock.local(t0),
                    "channel": channel,
                    "arrivals": n,
                    "answered": int((m & answered).sum()),
                    "abandoned": int((m & gave_up).sum()),
                    "service_level": (
                        float((m & answered & (wait <= sla)).sum() / n) if n else None
                    ),
                    "mean_wait_min": float(wait[m].mean()) if n else None,
                    "waiting_at_end": int(waiting[k]),
                }
            )
    return pd.DataFrame(rows)


def combine_channels(table: pd.DataFrame) -> pd.DataFrame:
    """The interval table over all channels: sums, and the arrival-weighted service level and
    mean wait."""
    t = table.copy()
    t["_in_sla"] = t["service_level"].fillna(0) * t["arrivals"]
    t["_wait"] = t["mean_wait_min"].fillna(0) * t["arrivals"]
    g = t.groupby("interval_start", sort=True)
    out = g[["arrivals", "answered", "abandoned", "waiting_at_end", "_in_sla", "_wait"]].sum()
    n = out["arrivals"].where(out["arrivals"] > 0)
    out["service_level"] = out.pop("_in_sla") / n
    out["mean_wait_min"] = out.pop("_wait") / n
    return out.reset_index()


def origin_table(results) -> pd.DataFrame:
    """KPIs per complaint origin (new, pile-on, re-post, switch) over the counted complaints:
    ``arrived``, ``answered_rate``, ``abandon_rate``, ``service_level``, ``mean_wait_min``,
    ``escalated_public``, ``churned``, ``pile_ons_caused``."""
    df = results.complaints
    df = df[df["counted"]]
    sla = df["channel"].map(results.sla_min).astype(float)
    within = df["answered"] & (df["wait_min"] <= sla)
    rows = []
    for origin in ORIGINS:
        m = (df["origin"] == origin).to_numpy()
        n = int(m.sum())

        def rate(flags, m=m, n=n):
            return float(flags[m].sum() / n) if n else None

        rows.append(
            {
                "origin": origin,
                "arrived": n,
                "answered_rate": rate(df["answered"].to_numpy(bool)),
                "abandon_rate": rate(df["gave_up"].to_numpy(bool)),
                "service_level": rate(within.to_numpy(bool)),
                "mean_wait_min": float(df["wait_min"][m].mean()) if n else None,
                "escalated_public": int(df["escalated_public"][m].sum()),
                "churned": int(df["churned"][m].sum()),
                "pile_ons_caused": int(df["pile_ons"][m].sum()),
            }
        )
    return pd.DataFrame(rows)
