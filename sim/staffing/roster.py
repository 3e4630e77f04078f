"""The rostered team a staffing search varies: its template, its shifts per interval, the
scenario with them, and measuring one roster by simulation (in a worker)."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd

from ..arrivals import ScenarioClock
from ..experiments import ExperimentError, t_halfwidth
from ..scenario import ScenarioError, StormScenario
from .targets import MIN_PER_DAY, Target


# --- Rosters -------------------------------------------------------------------------------
def team_channels(scenario: StormScenario, targets: Sequence[Target]) -> tuple[str, ...]:
    """The channels the roster's team works: those with a target, in the scenario's order."""
    named = {t.channel for t in targets}
    return tuple(c for c in scenario.channels if c in named)


def roster_template(scenario: StormScenario, channels: Sequence[str], template: str | None = None):
    """The shift whose reps the roster copies: ``template``, or the first tier-1 shift working
    one of ``channels`` (else the first tier-1 shift)."""
    if template is not None:
        named = [s for s in scenario.shifts if s.name == template]
        if not named:
            known = ", ".join(s.name for s in scenario.shifts)
            raise ExperimentError(f"--template {template}: no shift of that name (known: {known})")
        return named[0]
    tier1 = [s for s in scenario.shifts if s.tier == 1]
    working = [s for s in tier1 if s.skills is None or set(s.skills) & set(channels)]
    if not (working or tier1):
        raise ExperimentError("the scenario has no tier-1 shift to copy the roster's reps from")
    return (working or tier1)[0]


def roster_shifts(
    scenario: StormScenario,
    edges: np.ndarray,
    reps: Sequence[int],
    channels: Sequence[str],
    template: str | None = None,
) -> list[dict[str, Any]]:
    """``[[shifts]]`` tables: a team of ``reps[k]`` reps on ``channels`` in interval ``k``.

    The rest of the scenario's shifts stay, minus ``channels`` (a tier-1 shift left with no
    channel goes); tier-2 shifts stay as they are. Rep ``j`` of the team works every run of
    consecutive intervals with at least ``j`` reps, cut at local midnights into shifts with
    ``dates``; identical windows share a table.
    """
    base = roster_template(scenario, channels, template)
    clock = ScenarioClock(scenario.info.start, scenario.info.timezone, float(edges[-1]))
    windows: dict[tuple[str, str, tuple], int] = {}
    reps = [int(r) for r in reps]
    for level in range(1, max(reps, default=0) + 1):
        k = 0
        while k < len(reps):
            if reps[k] < level:
                k += 1
                continue
            first = k
            while k < len(reps) and reps[k] >= level:
                k += 1
            for window in _daily_windows(clock, float(edges[first]), float(edges[k])):
                windows[window] = windows.get(window, 0) + 1  # same window, same dates: one table
    template_doc = base.model_dump(mode="python", exclude_none=True)
    for key in ("name", "reps", "start", "end", "days", "dates", "skills"):
        template_doc.pop(key, None)
    template_doc["tier"] = 1
    shifts = []
    ordered = sorted(windows.items(), key=lambda w: (w[0][2], w[0][0]))
    for i, ((start, end, dates), count) in enumerate(ordered):
        shifts.append(
            {
                "name": f"roster_{i:04d}",
                "reps": count,
                "start": start,
                "end": end,
                "dates": list(dates),
                "skills": list(channels),
                **template_doc,
            }
        )
    shifts.extend(other_shifts(scenario, channels))
    if not shifts:  # a roster of nobody still needs one (empty) shift table
        shifts.append(
            {"name": "roster_none", "reps": 0, "start": "00:00", "end": "24:00", **template_doc}
        )
    return shifts


def _daily_windows(clock: ScenarioClock, a: float, b: float) -> list[tuple[str, str, tuple]]:
    """Cut simulation minutes [a, b) at local midnights into (start, end, dates) windows.

    The whole days in between form one 00:00–24:00 window over all their dates, so a rep on
    for days on end is one rep (the model joins a shift's touching occurrences).
    """
    out = []
    whole_days = []
    start = clock.local(a).replace(second=0, microsecond=0)
    end = clock.local(b).replace(second=0, microsecond=0)
    while start < end:
        midnight = datetime(start.year, start.month, start.day) + timedelta(days=1)
        stop = min(end, midnight)
        s = start.hour * 60 + start.minute
        e = MIN_PER_DAY if stop == midnight else stop.hour * 60 + stop.minute
        if s == 0 and e == MIN_PER_DAY:
            whole_days.append(start.date())
        elif e > s:
            out.append(
                (f"{s // 60:02d}:{s % 60:02d}", f"{e // 60:02d}:{e % 60:02d}", (start.date(),))
            )
        start = stop
    if whole_days:
        out.append(("00:00", "24:00", tuple(whole_days)))
    return out


def other_shifts(scenario: StormScenario, channels) -> list[dict]:
    """The scenario's own shifts that a roster for ``channels`` keeps: tier-1 shifts lose those
    channels (the roster covers them) and go if nothing is left; tier-2 shifts stay as they are."""
    kept = []
    for s in scenario.shifts:
        doc = s.model_dump(mode="python", exclude_none=True)
        if s.tier == 1:
            rest = [c for c in (s.skills or scenario.channels) if c not in channels]
            if not rest:
                continue
            doc["skills"] = rest
        kept.append(doc)
    return kept


def with_roster(
    scenario: StormScenario,
    edges: np.ndarray,
    reps: Sequence[int],
    channels: Sequence[str],
    template: str | None = None,
) -> StormScenario:
    """``scenario`` with a team of ``reps[k]`` reps on ``channels`` (see :func:`roster_shifts`)."""
    shifts = roster_shifts(scenario, edges, reps, channels, template)
    try:
        return scenario.with_overrides({"shifts": shifts})
    except ScenarioError as e:  # a bug here, not bad input: say what the roster was
        raise ExperimentError([f"roster {list(reps)}: {p}" for p in e.problems]) from None


# --- Measuring a roster (in a worker) --------------------------------------------------------
def measure_intervals(
    scenario: StormScenario, seed: int, edges: np.ndarray, targets: Sequence[Target]
) -> dict[str, np.ndarray]:
    """Run once; per interval, each target's measured value and the arrivals by origin.

    Returns ``values`` (targets × intervals, NaN where nothing arrived), ``overall``
    (targets: the whole run), ``arrivals``, ``new``, ``pile_ons``, ``escalations`` (intervals ×
    channels) and ``cost``.
    """
    from .. import run

    results = run(scenario, seed=seed)
    df = results.complaints
    names = list(scenario.channels)
    created = df["created_min"].to_numpy()
    k = np.clip(np.searchsorted(edges, created, side="right") - 1, 0, len(edges) - 2)
    channel = pd.Categorical(df["channel"], categories=names).codes
    n_int, n_ch = len(edges) - 1, len(names)

    def per_interval(mask: np.ndarray) -> np.ndarray:
        counts = np.bincount(k[mask] * n_ch + channel[mask], minlength=n_int * n_ch)
        return counts.reshape(n_int, n_ch)

    origin = df["origin"].astype(str).to_numpy()
    out = {  # volumes over the whole run, warm-up included
        "arrivals": per_interval(np.ones(len(df), dtype=bool)),
        "new": per_interval(origin == "new"),
        "pile_ons": per_interval(origin == "pile_on"),
        "escalations": per_interval((origin == "repost") | (origin == "switch")),
        "cost": np.array([results.kpis["cost"]]),
    }
    counted = df["counted"].to_numpy()  # targets: counted arrivals only
    df, k, channel = df[counted], k[counted], channel[counted]
    wait = df["wait_min"].to_numpy()
    answered = df["answered"].to_numpy()
    gave_up = df["gave_up"].to_numpy()
    values = np.full((len(targets), n_int), np.nan)
    overall = np.full(len(targets), np.nan)
    for j, t in enumerate(targets):
        on = channel == names.index(t.channel)
        kk = k[on]
        w, ans, gu = wait[on], answered[on], gave_up[on]
        resolved = ans | gu  # the customer's first wait is over
        if t.kpi == "service_level":
            include = resolved | (w > t.sla_min)  # still waiting but already late: a miss
            hit = ans & (w <= t.sla_min)
            num, den = hit[include], include
        elif t.kpi == "abandon_rate":
            num, den = gu[resolved], resolved
        elif t.kpi == "p_wait":
            num, den = (w > 0)[resolved | (w > 0)], resolved | (w > 0)
        elif t.kpi == "wait_mean_min":
            num, den = w[resolved], resolved
        else:  # FRT percentile over answered complaints
            q = t.percentile
            for i in range(n_int):
                sel = ans & (kk == i)
                if sel.any():
                    values[j, i] = np.percentile(w[sel], q)
            if ans.any():
                overall[j] = np.percentile(w[ans], q)
            continue
        count = np.bincount(kk[den], minlength=n_int)
        total = np.bincount(kk[den], weights=num.astype(float), minlength=n_int)
        with np.errstate(invalid="ignore", divide="ignore"):
            values[j] = np.where(count > 0, total / count, np.nan)
        overall[j] = num.mean() if len(num) else np.nan
    out["values"] = values
    out["overall"] = overall
    return out


@dataclass
class RosterMeasure:
    """A roster simulated with R replications: means and 95% CI half-widths per interval."""

    reps: np.ndarray  # per interval
    mean: np.ndarray  # targets × intervals
    ci95: np.ndarray
    overall_mean: np.ndarray  # targets
    overall_ci95: np.ndarray
    arrivals: np.ndarray  # intervals × channels, mean per replication
    new: np.ndarray
    pile_ons: np.ndarray
    escalations: np.ndarray
    cost: float

    def meets(self, targets: Sequence[Target], conservative: bool) -> np.ndarray:
        """Per interval: every target met (by the mean, or by the whole CI)."""
        ok = np.ones(self.mean.shape[1], dtype=bool)
        for j, t in enumerate(targets):
            for i in range(len(ok)):
                m, h = self.mean[j, i], self.ci95[j, i]
                ok[i] &= t.met_with_confidence(m, h) if conservative else t.met(m)
        return ok


def _mean_ci(stack: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean over replications (axis 0, NaN ignored) and the 95% CI half-width."""
    n = np.sum(~np.isnan(stack), axis=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN slices: NaN is the answer
        mean = np.where(n > 0, np.nanmean(stack, axis=0), np.nan)
        sd = np.where(n > 1, np.nanstd(stack, axis=0, ddof=1), np.nan)
    return mean, t_halfwidth(sd, n)
