"""Rosters that meet the targets in simulation, and a roster put into a scenario."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..arrivals import MIN_PER_HOUR, ScenarioClock
from ..experiments import ExperimentError
from ..scenario import ScenarioError, StormScenario
from .rules import ShiftRules
from .solve import Roster, solve_roster


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
    from ..staffing import measure_rostered

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
    from ..staffing import team_channels

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
    from ..staffing import other_shifts, roster_template

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
