"""Schedulable rosters: shifts people can work that cover a per-interval requirement at least cost.

``stormdesk staff … --shifts "length=4h-9h,every=30m,break=30m,break_after=6h,weekly=40h"``
turns the per-interval head count found by simulation (:func:`sim.staffing.find_staffing`) into
shifts — start, end, how many people, when their break is — chosen by an integer program::

    rules = parse_shift_rules("length=4h-9h,every=60m")
    roster = solve_roster(scenario, edges, requirement, rules, hourly_wage=25.0)
    roster.shifts        # one row per shift pattern used: start, end, break, count
    roster.cost, roster.lower_bound

**The integer program** (set covering, Dantzig 1954): time is cut into *slots* (the greatest
common divisor of the interval, the start-time step, the length step and the break); every
candidate shift — a start on the ``every`` grid of the local clock, a length from ``min`` to
``max`` in ``step``, and, if longer than ``break_after``, one unpaid break of ``break`` placed
at least 2 h from either end and within an hour of the middle — is a column; ``x_j`` people work
shift ``j``. Minimise Σ cost_j·x_j subject to, for every slot s inside the run,
Σ_{j working in s} x_j ≥ requirement(interval of s), x_j integer ≥ 0. A break therefore never
leaves a slot short: breaks are staggered over people. cost_j is the paid (worked) hours of the
shift *inside the run* × the template's hourly wage, so the roster's cost and the
**per-interval lower bound** Σ_k requirement_k × hours_k × wage count the same window; the gap
between them is what whole shifts cost over a head count per hour. Shifts may start before the
run or end after it (a Friday 08:00–17:00 shift when the run starts at noon). The program is
solved with HiGHS through ``scipy.optimize.milp`` (branch and bound, stopped after
``node_limit`` nodes — a deterministic limit, so the same input gives the same roster — or, as a
safety net, ``time_limit`` seconds; the gap to the solver's bound is reported).

**People.** Shifts are then given to people, earliest first, each to the person who became free
latest while leaving ``rest`` hours since their last shift and keeping their paid hours per
calendar week (Monday–Sunday, local) at most ``weekly``; a new person is added when nobody
fits. The head count is the number of people needed.

**Simulation.** :func:`roster_scenario` puts the shifts into the scenario as ``[[shifts]]``
tables with ``dates`` (a shift with a break is two tables, before and after it; the rest of the
centre keeps its shifts as in :func:`sim.staffing.roster_shifts`), so the roster can be run and
checked against the targets like any other.
"""

from __future__ import annotations

import itertools
import math
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from .arrivals import MIN_PER_HOUR, ScenarioClock
from .experiments import ExperimentError
from .scenario import ScenarioError, StormScenario

_DURATION = re.compile(r"^\s*(?:(\d+(?:\.\d+)?)h)?\s*(?:(\d+(?:\.\d+)?)m(?:in)?)?\s*$")
MAX_COLUMNS = 200_000  # candidate shifts; beyond this the program is too big to solve quickly
BREAK_EDGE_MIN = 120  # a break starts ≥ 2 h after the shift starts and ends ≥ 2 h before its end
BREAK_SPREAD_MIN = 60  # … and its middle is within an hour of the shift's middle


# --- Shift rules ------------------------------------------------------------------------------
@dataclass(frozen=True)
class ShiftRules:
    """What a workable shift looks like (all in minutes)."""

    min_len: int = 240
    max_len: int = 540
    every: int = 60  # start-time granularity on the local clock
    step: int | None = None  # length step (default: ``every``)
    break_len: int = 30  # one unpaid break in shifts longer than break_after
    break_after: int = 360
    weekly: int = 40 * 60  # paid minutes per person per calendar week
    rest: int = 11 * 60  # minutes off between two shifts of one person

    @property
    def length_step(self) -> int:
        return self.step or self.every

    def has_break(self, length: int) -> bool:
        return self.break_len > 0 and length > self.break_after

    def describe(self) -> str:
        def d(m: int) -> str:
            return f"{m // 60}h{m % 60:02d}" if m % 60 else f"{m // 60}h"

        text = (
            f"shifts {d(self.min_len)}–{d(self.max_len)} in steps of {self.length_step} min, "
            f"starting every {self.every} min"
        )
        if self.break_len:
            text += f", a {self.break_len}-min unpaid break in shifts over {d(self.break_after)}"
        return text + f"; ≤ {d(self.weekly)} a week and ≥ {d(self.rest)} rest per person"


_KEYS = {
    "length": "length=MIN-MAX, e.g. 4h-9h",
    "every": "start-time granularity, e.g. 30m",
    "step": "length step, e.g. 30m (default: every)",
    "break": "unpaid break length, e.g. 30m (0 for none)",
    "break_after": "shifts longer than this get the break, e.g. 6h",
    "weekly": "most paid hours per person per week, e.g. 40h",
    "rest": "least rest between two shifts of one person, e.g. 11h",
}


def _minutes(text: str, what: str, problems: list[str]) -> int | None:
    m = _DURATION.match(text)
    if not text.strip() or not m or not (m[1] or m[2]):
        problems.append(f"--shifts {what}={text}: expected a duration such as 8h, 30m or 7h30m")
        return None
    minutes = float(m[1] or 0) * 60 + float(m[2] or 0)
    if abs(minutes - round(minutes)) > 1e-9:
        problems.append(f"--shifts {what}={text}: use whole minutes")
        return None
    return round(minutes)


def parse_shift_rules(text: str, interval_min: float | None = None) -> ShiftRules:
    """Parse ``--shifts "length=4h-9h,every=30m,break=30m,break_after=6h,weekly=40h,rest=11h"``.

    Every key is optional (defaults: :class:`ShiftRules`). Raises ExperimentError naming the
    key and the problem.
    """
    problems: list[str] = []
    values: dict[str, Any] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        key, sep, value = part.partition("=")
        key = key.strip().replace("-", "_")
        if not sep or key not in _KEYS:
            known = "; ".join(f"{k} ({v})" for k, v in _KEYS.items())
            problems.append(f"--shifts {part}: expected KEY=VALUE with KEY one of: {known}")
            continue
        if key == "length":
            lo, dash, hi = value.partition("-")
            a = _minutes(lo, key, problems)
            b = _minutes(hi, key, problems) if dash else a
            if a is not None and b is not None:
                values["min_len"], values["max_len"] = a, b
        else:
            m = _minutes(value, key, problems) if value.strip() not in ("0", "none") else 0
            if m is not None:
                values[{"break": "break_len"}.get(key, key)] = m
    if problems:
        raise ExperimentError(problems)
    rules = ShiftRules(**values)
    if not 0 < rules.min_len <= rules.max_len:
        problems.append("--shifts length: give MIN-MAX with 0 < MIN ≤ MAX, e.g. 4h-9h")
    if rules.max_len > 16 * 60:
        problems.append("--shifts length: at most 16h (a shift is worked in one go)")
    for name in ("every", "step", "weekly", "rest"):
        value = getattr(rules, name)
        if value is not None and value <= 0 and not (name == "rest" and value == 0):
            problems.append(f"--shifts {name}: must be > 0")
    if rules.every > 0 and MIN_PER_HOUR * 24 % rules.every:
        problems.append(f"--shifts every={rules.every}m: must divide a day (e.g. 15m, 30m, 1h)")
    if rules.weekly and rules.weekly < rules.min_len:
        problems.append("--shifts weekly: shorter than the shortest shift")
    if rules.has_break(rules.max_len) and rules.break_len >= rules.max_len:
        problems.append("--shifts break: as long as a shift")
    if interval_min is not None and abs(interval_min - round(interval_min)) > 1e-9:
        problems.append(f"--interval {interval_min:g}: whole minutes with --shifts")
    if problems:
        raise ExperimentError(problems)
    return rules


# --- Candidate shifts -------------------------------------------------------------------------
def _break_offsets(rules: ShiftRules, length: int, slot: int) -> list[int | None]:
    """Where a break may start, minutes after the shift's start (``[None]``: no break)."""
    if not rules.has_break(length):
        return [None]
    b = rules.break_len
    middle = (length - b) / 2
    lo = max(BREAK_EDGE_MIN, math.ceil((middle - BREAK_SPREAD_MIN) / slot) * slot)
    hi = min(length - BREAK_EDGE_MIN - b, middle + BREAK_SPREAD_MIN)
    offsets = list(range(int(lo), int(hi) + 1, slot)) if hi >= lo else []
    return offsets or [int(round(middle / slot) * slot)]


@dataclass(frozen=True)
class Candidate:
    start: int  # simulation minutes (may be < 0: started before the run)
    length: int
    break_at: int | None  # minutes after start; None: no break
    break_len: int = 0

    @property
    def end(self) -> int:
        return self.start + self.length

    @property
    def paid_min(self) -> int:
        return self.length - (self.break_len if self.break_at is not None else 0)

    def working(self) -> list[tuple[int, int]]:
        """The worked spans, simulation minutes (one, or two around the break)."""
        if self.break_at is None:
            return [(self.start, self.end)]
        b = self.start + self.break_at
        return [(self.start, b), (b + self.break_len, self.end)]


def candidates(rules: ShiftRules, duration: int, first_grid: int, slot: int) -> list[Candidate]:
    """Every shift on the rules' grid that works some time inside [0, duration)."""
    out = []
    lengths = range(rules.min_len, rules.max_len + 1, rules.length_step)
    start = first_grid - math.ceil((rules.max_len + first_grid) / rules.every) * rules.every
    while start < duration:
        for length in lengths:
            if start + length <= 0:
                continue
            for offset in _break_offsets(rules, length, slot):
                c = Candidate(start, length, offset, rules.break_len if offset is not None else 0)
                if any(min(b, duration) > max(a, 0) for a, b in c.working()):
                    out.append(c)
        start += rules.every
    return out


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


# --- Rosters that meet the targets in simulation -----------------------------------------
@dataclass
class RosterPlan:
    """A roster of shifts for a :class:`sim.staffing.StaffingPlan`, checked by simulation."""

    roster: Roster
    measure: Any  # sim.staffing.RosterMeasure of the roster's shifts
    lower_bound: float  # per-interval lower bound of the simulation's head count
    rounds: int  # programs solved (a round adds a person where an interval missed)
    meets: np.ndarray  # per interval

    @property
    def intervals_missing(self) -> int:
        return int((~self.meets).sum())

    @property
    def over_lower_bound(self) -> float:
        return self.roster.cost / self.lower_bound - 1 if self.lower_bound > 0 else 0.0


def simulate_scenario(backend, rostered, edges, targets, replications, base_seed, reps):
    """Run ``rostered`` with ``replications`` seeds; targets per interval (a RosterMeasure)."""
    from .staffing import measure_rostered

    return measure_rostered(backend, rostered, edges, targets, replications, base_seed, reps)


def plan_roster(
    plan,
    rules: ShiftRules,
    backend,
    *,
    template: str | None = None,
    base_seed: int | None = None,
    max_rounds: int = 4,
    node_limit: int = 200,
    time_limit: float = 600.0,
    progress=None,
) -> RosterPlan:
    """Shifts covering ``plan.reps``; simulated, and where an interval misses its targets
    (people leaving mid-interval, breaks, handovers) one more person is required there and the
    program solved again, up to ``max_rounds`` programs."""
    from .staffing import team_channels

    scenario = plan.scenario
    targets = plan.targets
    channels = team_channels(scenario, targets)
    seed = scenario.info.seed if base_seed is None else base_seed
    hours = np.diff(plan.edges) / MIN_PER_HOUR
    lower = float(np.sum(np.asarray(plan.reps) * hours) * plan.hourly_wage)
    warmup = scenario.info.warmup_hours * MIN_PER_HOUR
    measured = plan.edges[1:] > warmup
    requirement = np.asarray(plan.reps, dtype=int).copy()
    for round_ in range(1, max_rounds + 1):
        roster = solve_roster(
            scenario,
            plan.edges,
            requirement,
            rules,
            plan.hourly_wage,
            node_limit=node_limit,
            time_limit=time_limit,
        )
        if progress:
            progress(
                f"roster {round_}: {int(roster.shifts['count'].sum())} shifts, cost "
                f"{roster.cost:,.0f} ({roster.status}, {roster.seconds:.1f} s); simulating"
            )
        rostered = roster_scenario(scenario, roster, channels, template)
        measure = simulate_scenario(
            backend, rostered, plan.edges, targets, plan.replications, seed, people_working(roster)
        )
        ok = measure.meets(targets, plan.conservative) | ~measured
        if ok.all() or round_ == max_rounds:
            break
        requirement[~ok] += 1
    return RosterPlan(roster, measure, lower, round_, ok)


# --- Into the scenario ------------------------------------------------------------------------
def roster_scenario(
    scenario: StormScenario,
    roster: Roster,
    channels: Sequence[str],
    template: str | None = None,
) -> StormScenario:
    """``scenario`` with the roster's shifts as the team on ``channels`` (see the docstring)."""
    from .staffing import other_shifts, roster_template

    base = roster_template(scenario, channels, template)
    clock = ScenarioClock(scenario.info.start, scenario.info.timezone, float(roster.edges[-1]))
    doc = base.model_dump(mode="python", exclude_none=True)
    for key in ("name", "reps", "start", "end", "days", "dates", "skills"):
        doc.pop(key, None)
    doc["tier"] = 1
    shifts: list[dict[str, Any]] = []
    for i, row in enumerate(roster.shifts.to_dict("records")):
        _start, _end = int(row["start_min"]), int(row["end_min"])
        spans = _spans(row, roster.rules.break_len)
        for part, (a, z) in enumerate(spans):
            la, lz = clock.local(a), clock.local(z)
            s = la.hour * 60 + la.minute
            e = lz.hour * 60 + lz.minute
            if e == 0 and lz.date() > la.date():
                e = 24 * 60
            shifts.append(
                {
                    "name": f"roster_shift_{i:04d}{'ab'[part] if len(spans) > 1 else ''}",
                    "reps": int(row["count"]),
                    "start": f"{s // 60:02d}:{s % 60:02d}",
                    "end": f"{e // 60:02d}:{e % 60:02d}",
                    "dates": [la.date()],
                    "skills": list(channels),
                    **doc,
                }
            )
    shifts.extend(other_shifts(scenario, channels))
    if not shifts:
        shifts.append({"name": "roster_none", "reps": 0, "start": "00:00", "end": "24:00", **doc})
    try:
        return scenario.with_overrides({"shifts": shifts})
    except ScenarioError as e:
        raise ExperimentError([f"roster shifts: {p}" for p in e.problems]) from None


def _spans(row: dict, break_len: int) -> list[tuple[int, int]]:
    """The worked spans of a row of :attr:`Roster.shifts`, simulation minutes."""
    start, end = int(row["start_min"]), int(row["end_min"])
    b = row.get("break_min")
    if b is None or (isinstance(b, float) and math.isnan(b)):
        return [(start, end)]
    return [(start, int(b)), (int(b) + break_len, end)]


def people_working(roster: Roster) -> np.ndarray:
    """Per interval, the fewest roster people working at any minute of it (from the shifts)."""
    edges = roster.edges
    out = np.zeros(len(edges) - 1, dtype=int)
    rows = roster.shifts.to_dict("records")
    for k in range(len(out)):
        a, b = int(edges[k]), math.ceil(edges[k + 1])
        minute = np.zeros(max(b - a, 1), dtype=int)
        for row in rows:
            for s, e in _spans(row, roster.rules.break_len):
                lo, hi = max(s, a), min(e, b)
                if hi > lo:
                    minute[lo - a : hi - a] += int(row["count"])
        out[k] = int(minute.min())
    return out


__all__ = [
    "Roster",
    "ShiftRules",
    "assign_people",
    "candidates",
    "parse_shift_rules",
    "people_working",
    "plan_roster",
    "roster_scenario",
    "solve_roster",
]
