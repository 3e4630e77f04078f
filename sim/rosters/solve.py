"""The integer program: the cheapest set of candidate shifts covering a requirement per slot."""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from ..arrivals import MIN_PER_HOUR, ScenarioClock
from ..experiments import ExperimentError
from ..scenario import StormScenario
from .rules import MAX_COLUMNS, Candidate, ShiftRules, candidates


# --- The integer program ----------------------------------------------------------------------
@dataclass
class Roster:
    """A solved roster: the shifts used, their cost beside the per-interval lower bound."""

    rules: ShiftRules
    edges: np.ndarray
    requirement: np.ndarray  # per interval
    coverage: np.ndarray  # per interval: the fewest people working at any moment of it
    shifts: pd.DataFrame  # one row per shift pattern used
    people: pd.DataFrame  # one row per shift worked, with the person who works it
    cost: float
    lower_bound: float
    paid_hours: float
    status: str
    gap: float  # relative gap between the roster's cost and the solver's best bound
    seconds: float
    columns: int
    hourly_wage: float

    @property
    def head_count(self) -> int:
        return int(self.people["person"].nunique()) if len(self.people) else 0

    @property
    def over_lower_bound(self) -> float:
        return self.cost / self.lower_bound - 1 if self.lower_bound > 0 else 0.0

    def summary(self) -> dict[str, Any]:
        return {
            "cost": self.cost,
            "lower_bound": self.lower_bound,
            "over_lower_bound": self.over_lower_bound,
            "paid_hours": self.paid_hours,
            "shifts": int(self.shifts["count"].sum()) if len(self.shifts) else 0,
            "head_count": self.head_count,
            "status": self.status,
            "gap": self.gap,
            "solver_seconds": self.seconds,
            "candidate_shifts": self.columns,
            "rules": self.rules.describe(),
        }


def solve_roster(
    scenario: StormScenario,
    edges: np.ndarray,
    requirement: Sequence[int],
    rules: ShiftRules,
    hourly_wage: float,
    *,
    node_limit: int = 200,
    time_limit: float = 600.0,
) -> Roster:
    """The cheapest set of workable shifts covering ``requirement[k]`` people in interval k."""
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import csc_array

    req = np.asarray(requirement, dtype=int)
    duration = math.ceil(float(edges[-1]))
    edges_i = [round(float(e)) for e in edges]
    interval_steps = [b - a for a, b in itertools.pairwise(edges_i)]
    slot = math.gcd(rules.every, rules.length_step, rules.break_len, *interval_steps)
    slot = max(slot, 1)
    n_slots = math.ceil(duration / slot)
    slot_start = np.arange(n_slots) * slot
    slot_interval = np.clip(np.searchsorted(edges, slot_start, side="right") - 1, 0, len(req) - 1)
    need = req[slot_interval].astype(float)
    clock = ScenarioClock(scenario.info.start, scenario.info.timezone, float(duration))
    local0 = clock.local(0)
    first_grid = (-(local0.hour * 60 + local0.minute)) % rules.every
    cols = candidates(rules, duration, first_grid, slot)
    if len(cols) > MAX_COLUMNS:
        raise ExperimentError(
            f"--shifts: {len(cols):,} candidate shifts is too many; use a coarser every= or step="
        )
    rows, col_idx, cost = [], [], np.empty(len(cols))
    for j, c in enumerate(cols):
        paid = 0
        for a, b in c.working():
            a, b = max(a, 0), min(b, duration)
            if b <= a:
                continue
            paid += b - a
            first, last = a // slot, math.ceil(b / slot)
            rows.extend(range(first, last))
            col_idx.extend([j] * (last - first))
        cost[j] = paid / MIN_PER_HOUR * hourly_wage
    matrix = csc_array(
        (np.ones(len(rows)), (np.asarray(rows), np.asarray(col_idx))), shape=(n_slots, len(cols))
    )
    # The objective is paid slots × M plus a tie-break of one per shift and one per slot it
    # lies outside the run (fewer shifts, inside the run, among rosters of equal cost). M is
    # larger than any roster's tie-breaks, and every coefficient is a whole number, so HiGHS
    # can round its bound up, which proves optimality far sooner than with wages.
    paid_slots = np.array([_paid(c, duration) // slot for c in cols], dtype=float)
    tie = np.array([1 + (c.length - _paid(c, duration)) // slot for c in cols], dtype=float)
    scale = 1.0 + tie.max(initial=1) * n_slots * max(int(req.max(initial=0)), 1)
    t0 = time.perf_counter()
    res = milp(
        paid_slots * scale + tie,
        constraints=LinearConstraint(matrix, lb=need, ub=np.inf),
        integrality=np.ones(len(cols)),
        bounds=Bounds(0, max(int(req.max(initial=0)), 0)),
        options={
            "time_limit": time_limit,
            "node_limit": node_limit,
            "mip_rel_gap": 1e-3,
            "presolve": True,
        },
    )
    seconds = time.perf_counter() - t0
    if res.x is None:
        raise ExperimentError(f"--shifts: the roster program found no solution ({res.message})")
    x = np.round(res.x).astype(int)
    if res.status == 0:
        status = "optimal"
    elif res.status == 1:
        status = "best found in the time limit"
    else:  # HiGHS stopped at the node limit (scipy does not name that status)
        status = f"best found in {node_limit:,} nodes"
    bound = getattr(res, "mip_dual_bound", None)
    total = float(cost @ x)
    gap = (
        max(0.0, (float(res.fun) - bound) / max(float(res.fun), 1e-9))
        if bound is not None and np.isfinite(bound)
        else 0.0
    )
    covered = matrix @ x
    coverage = np.array(
        [
            int(covered[(slot_interval == k) & (slot_start < duration)].min(initial=0))
            for k in range(len(req))
        ]
    )
    hours = np.diff(edges) / MIN_PER_HOUR
    lower = float(np.sum(req * hours) * hourly_wage)
    used = [(cols[j], int(x[j])) for j in np.flatnonzero(x)]
    used.sort(key=lambda u: (u[0].start, u[0].length, u[0].break_at or 0))
    shifts = _shift_table(clock, used, cost, cols)
    people = assign_people(clock, used, rules)
    return Roster(
        rules,
        np.asarray(edges, dtype=float),
        req,
        coverage,
        shifts,
        people,
        total,
        lower,
        float(sum(_paid(c, duration) * n for c, n in used) / MIN_PER_HOUR),
        status,
        gap,
        seconds,
        len(cols),
        hourly_wage,
    )


def _paid(c: Candidate, duration: int) -> int:
    return sum(max(0, min(b, duration) - max(a, 0)) for a, b in c.working())


def _hhmm(moment: datetime) -> str:
    return moment.strftime("%H:%M")


def _shift_table(clock: ScenarioClock, used, cost, cols) -> pd.DataFrame:
    rows = []
    index = {id(c): j for j, c in enumerate(cols)}
    for c, n in used:
        start, end = clock.local(c.start), clock.local(c.end)
        row = {
            "start": start.isoformat(sep=" ", timespec="minutes"),
            "end": end.isoformat(sep=" ", timespec="minutes"),
            "hours": c.length / MIN_PER_HOUR,
            "break_start": None,
            "break_end": None,
            "count": n,
            "start_min": c.start,
            "end_min": c.end,
            "break_min": c.start + c.break_at if c.break_at is not None else None,
            "cost": float(cost[index[id(c)]] * n),
        }
        if c.break_at is not None:
            row["break_start"] = _hhmm(clock.local(c.start + c.break_at))
            row["break_end"] = _hhmm(clock.local(c.start + c.break_at + c.break_len))
        rows.append(row)
    return pd.DataFrame(
        rows,
        columns=[
            "start",
            "end",
            "hours",
            "break_start",
            "break_end",
            "count",
            "start_min",
            "end_min",
            "break_min",
            "cost",
        ],
    )


def assign_people(clock: ScenarioClock, used, rules: ShiftRules) -> pd.DataFrame:
    """Give each shift to a person (see the module docstring): one row per shift worked."""
    instances = sorted(
        (c for c, n in used for _ in range(n)), key=lambda c: (c.start, c.length, c.break_at or 0)
    )
    free_at: list[int] = []  # per person: the end of their last shift
    weekly: list[dict[tuple[int, int], int]] = []  # per person: paid minutes per ISO week
    rows = []
    for c in instances:
        week = clock.local(c.start).isocalendar()[:2]
        paid = c.paid_min
        best = None
        for p, end in enumerate(free_at):
            fits = end + rules.rest <= c.start and weekly[p].get(week, 0) + paid <= rules.weekly
            if fits and (best is None or end > free_at[best]):
                best = p
        if best is None:
            free_at.append(c.end)
            weekly.append({})
            best = len(free_at) - 1
        free_at[best] = c.end
        weekly[best][week] = weekly[best].get(week, 0) + paid
        rows.append(
            {
                "person": f"P{best + 1:03d}",
                "start": clock.local(c.start).isoformat(sep=" ", timespec="minutes"),
                "end": clock.local(c.end).isoformat(sep=" ", timespec="minutes"),
                "break_start": (
                    _hhmm(clock.local(c.start + c.break_at)) if c.break_at is not None else None
                ),
                "break_end": (
                    _hhmm(clock.local(c.start + c.break_at + c.break_len))
                    if c.break_at is not None
                    else None
                ),
                "paid_hours": paid / MIN_PER_HOUR,
            }
        )
    return pd.DataFrame(
        rows, columns=["person", "start", "end", "break_start", "break_end", "paid_hours"]
    )
