"""The search: the fewest reps per interval meeting every target, by Erlang and by simulation."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import erlang
from ..arrivals import MIN_PER_HOUR
from ..experiments import Backend, ExperimentError, derive_seed, run_ordered
from ..scenario import StormScenario
from .compare import _table
from .roster import (
    RosterMeasure,
    _mean_ci,
    measure_intervals,
    roster_template,
    team_channels,
    with_roster,
)
from .targets import MAX_ERLANG_REPS, MAX_STEP, Target, forecast_arrivals, interval_edges


# --- The search ----------------------------------------------------------------------------
@dataclass
class IntervalSearch:
    """Bracket of one interval: the most reps seen failing and the fewest seen meeting."""

    failing: int | None = None
    meeting: int | None = None
    step: int = 1
    trials: dict[int, tuple[np.ndarray, np.ndarray]] = field(
        default_factory=dict
    )  # reps → (mean, ci)

    @property
    def settled(self) -> bool:
        return self.meeting is not None and (
            self.meeting == 0 or (self.failing is not None and self.meeting - self.failing <= 1)
        )

    def record(self, reps: int, ok: bool) -> None:
        if ok:
            self.meeting = reps if self.meeting is None else min(self.meeting, reps)
            if self.failing is not None and self.failing >= self.meeting:
                self.failing = self.meeting - 1  # noise or a neighbour changed: trust the latest
        else:
            self.failing = reps if self.failing is None else max(self.failing, reps)
            if self.meeting is not None and self.meeting <= self.failing:
                self.meeting = None
                self.step = 1  # search upwards again, gently

    def next_reps(self, current: int) -> int:
        if self.settled:
            return self.meeting
        if self.meeting is None:
            base = current if self.failing is None else max(self.failing, current)
            nxt = base + self.step
        elif self.failing is None:
            nxt = max(0, self.meeting - self.step)
        else:
            return (self.failing + self.meeting) // 2
        self.step = min(self.step * 2, MAX_STEP)
        return nxt


@dataclass
class StaffingPlan:
    """What :func:`find_staffing` found: the roster, Erlang's, and one row per interval."""

    scenario: StormScenario
    targets: list[Target]
    edges: np.ndarray
    reps: np.ndarray
    erlang_c: np.ndarray
    erlang_a: np.ndarray
    table: pd.DataFrame
    measure: RosterMeasure
    erlang_measures: dict[str, RosterMeasure]
    searches: list[IntervalSearch]
    simulations: int  # distinct rosters simulated
    runs: int
    converged: bool
    hourly_wage: float
    replications: int
    conservative: bool

    def cost(self, reps: np.ndarray) -> float:
        """Wage cost of a roster: reps × interval hours × the template's hourly wage."""
        hours = np.diff(self.edges) / MIN_PER_HOUR
        return float(np.sum(np.asarray(reps) * hours) * self.hourly_wage)

    def rep_hours(self, reps: np.ndarray) -> float:
        return float(np.sum(np.asarray(reps) * np.diff(self.edges)) / MIN_PER_HOUR)

    def totals(self) -> pd.DataFrame:
        """Per roster (simulation, Erlang C, Erlang A): rep-hours, cost, what it delivers."""
        rows = []
        for name, reps, measure in (
            ("simulation", self.reps, self.measure),
            ("Erlang C", self.erlang_c, self.erlang_measures.get("erlang_c")),
            ("Erlang A", self.erlang_a, self.erlang_measures.get("erlang_a")),
        ):
            row = {"roster": name, "rep_hours": self.rep_hours(reps), "cost": self.cost(reps)}
            if measure is not None:
                ok = measure.meets(self.targets, self.conservative)
                row["intervals_missing_targets"] = int((~ok).sum())
                for j, t in enumerate(self.targets):
                    row[t.column] = measure.overall_mean[j]
                    row[f"{t.column}_ci95"] = measure.overall_ci95[j]
            rows.append(row)
        return pd.DataFrame(rows)


def _simulate(
    backend: Backend,
    scenario: StormScenario,
    edges,
    reps,
    targets,
    replications,
    base_seed,
    template,
) -> RosterMeasure:
    rostered = with_roster(scenario, edges, reps, team_channels(scenario, targets), template)
    return measure_rostered(backend, rostered, edges, targets, replications, base_seed, reps)


def measure_rostered(
    backend: Backend, rostered, edges, targets, replications, base_seed, reps
) -> RosterMeasure:
    """Run a scenario that already carries its roster with ``replications`` seeds; the targets
    per interval and over the whole run (``reps``: the head count per interval, for the record)."""
    jobs = (
        (r, (rostered, derive_seed(base_seed, r), edges, tuple(targets)))
        for r in range(replications)
    )
    parts = [res for _, res in run_ordered(backend.executor, measure_intervals, jobs, replications)]
    mean, ci = _mean_ci(np.stack([p["values"] for p in parts]))
    overall_mean, overall_ci = _mean_ci(np.stack([p["overall"] for p in parts]))

    def avg(key):
        return np.mean(np.stack([p[key] for p in parts]), axis=0)

    return RosterMeasure(
        np.asarray(reps),
        mean,
        ci,
        overall_mean,
        overall_ci,
        avg("arrivals"),
        avg("new"),
        avg("pile_ons"),
        avg("escalations"),
        float(avg("cost")[0]),
    )


def erlang_reps(
    lam_per_hour: float, channel, targets: Sequence[Target], *, with_patience: bool
) -> int:
    """Fewest reps for one channel by Erlang C (``with_patience=False``) or Erlang A.

    A rep with concurrency ``c`` is ``c`` agents. Erlang C needs more agents than the offered
    load; in Erlang A abandonment keeps any queue finite, so only the targets decide.
    """
    if lam_per_hour <= 0:
        return 0
    aht = channel.handle_time.mean_min
    conc = channel.concurrency
    patience = None
    if with_patience and channel.patience != "none":
        patience = channel.patience.mean_min
    load = lam_per_hour * aht / MIN_PER_HOUR

    def meets(reps: int) -> bool:
        agents = reps * conc
        if agents <= load and patience is None:
            return False  # Erlang C cannot keep up: the queue grows without end
        for t in targets:
            m = erlang.metrics(lam_per_hour, aht, agents, t.sla_min, patience)
            if t.percentile is not None:  # FRT percentile over answered: P(wait ≤ T | served) ≥ q
                served = 1.0 - m.abandon_rate
                if served <= 0 or m.service_level / served < t.percentile / 100:
                    return False
            elif not t.met(getattr(m, t.kpi)):
                return False
        return True

    failing, passing = 0, max(1, math.floor(load / conc))
    step = 1
    while not meets(passing):
        if passing > MAX_ERLANG_REPS:
            raise ExperimentError(
                f"Erlang: no staffing up to {MAX_ERLANG_REPS:,} reps meets "
                f"{', '.join(t.label for t in targets)}"
            )
        failing, passing = passing, passing + step
        step *= 2
    while passing - failing > 1:
        middle = (failing + passing) // 2
        if meets(middle):
            passing = middle
        else:
            failing = middle
    return passing


def erlang_roster(
    scenario: StormScenario,
    rates_per_hour: np.ndarray,
    targets: Sequence[Target],
    *,
    with_patience: bool,
    shrinkage: float,
) -> np.ndarray:
    """Per interval: Σ over the targeted channels of Erlang reps, grossed up for shrinkage."""
    names = list(scenario.channels)
    out = np.zeros(len(rates_per_hour), dtype=int)
    for i, row in enumerate(rates_per_hour):
        total = 0
        for c, name in enumerate(names):
            mine = [t for t in targets if t.channel == name]
            if not mine:
                continue
            total += erlang_reps(
                float(row[c]), scenario.channels[name], mine, with_patience=with_patience
            )
        out[i] = math.ceil(total / (1.0 - shrinkage) - 1e-9)
    return out


def find_staffing(
    scenario: StormScenario,
    targets: Sequence[Target],
    interval_min: float,
    backend: Backend,
    *,
    replications: int = 10,
    conservative: bool = False,
    template: str | None = None,
    base_seed: int | None = None,
    max_iterations: int = 30,
    progress: Callable[[str], None] | None = None,
) -> StaffingPlan:
    """The fewest reps per interval meeting ``targets`` by simulation, beside Erlang C and A.

    See the module docstring for the method. ``progress(text)`` is told about each step.
    """
    if replications < 2:
        raise ExperimentError(
            f"--replications {replications}: at least 2 (confidence intervals need them)"
        )
    targets = list(targets)
    edges = interval_edges(scenario, interval_min)
    base_seed = scenario.info.seed if base_seed is None else base_seed
    tmpl = roster_template(scenario, team_channels(scenario, targets), template)
    hours = np.diff(edges) / MIN_PER_HOUR
    forecast = forecast_arrivals(scenario, edges)
    rates = forecast / hours[:, None]
    reps_c = erlang_roster(
        scenario, rates, targets, with_patience=False, shrinkage=tmpl.total_shrinkage
    )
    reps_a = erlang_roster(
        scenario, rates, targets, with_patience=True, shrinkage=tmpl.total_shrinkage
    )
    warmup = scenario.info.warmup_hours * MIN_PER_HOUR
    measured = edges[1:] > warmup  # intervals with counted arrivals
    first = int(np.argmax(measured))
    searches = [IntervalSearch() for _ in range(len(hours))]
    simulated: dict[tuple[int, ...], RosterMeasure] = {}

    def simulate(roster: np.ndarray, what: str) -> RosterMeasure:
        key = tuple(int(r) for r in roster)
        if key not in simulated:
            if progress:
                progress(f"{what}: {int(roster.sum()):,} rep-intervals × {replications} seeds")
            simulated[key] = _simulate(
                backend, scenario, edges, roster, targets, replications, base_seed, template
            )
        return simulated[key]

    reps = reps_a.copy()
    converged = False
    for iteration in range(1, max_iterations + 1):
        reps[~measured] = reps[first]
        searching = sum(not searches[i].settled for i in np.flatnonzero(measured))
        measure = simulate(reps, f"search {iteration}, {searching} intervals open")
        ok = measure.meets(targets, conservative)
        for i in np.flatnonzero(measured):
            searches[i].trials[int(reps[i])] = (
                measure.mean[:, i].copy(),
                measure.ci95[:, i].copy(),
            )
            searches[i].record(int(reps[i]), bool(ok[i]))
        if all(searches[i].settled for i in np.flatnonzero(measured)):
            final = np.array([s.meeting if s.meeting is not None else 0 for s in searches])
            final[~measured] = final[first]
            if np.array_equal(final, reps) and ok[measured].all():
                converged = True
                break
            reps = final  # check the settled roster as a whole (neighbours changed)
            continue
        reps = np.array(
            [searches[i].next_reps(int(r)) if measured[i] else r for i, r in enumerate(reps)]
        )
    if not converged and progress:
        progress(f"stopped after {max_iterations} simulations without settling every interval")

    erlang_measures = {
        "erlang_c": simulate(reps_c, "the Erlang C roster"),
        "erlang_a": simulate(reps_a, "the Erlang A roster"),
    }
    sim_rates = measure.arrivals / hours[:, None]
    with_patience = any(ch.patience != "none" for ch in scenario.channels.values())
    reps_sim_volume = erlang_roster(
        scenario, sim_rates, targets, with_patience=with_patience, shrinkage=tmpl.total_shrinkage
    )
    table = _table(
        scenario,
        targets,
        edges,
        reps,
        reps_c,
        reps_a,
        reps_sim_volume,
        forecast,
        measure,
        erlang_measures,
        tmpl.hourly_wage,
        conservative,
    )
    return StaffingPlan(
        scenario,
        targets,
        edges,
        reps,
        reps_c,
        reps_a,
        table,
        measure,
        erlang_measures,
        searches,
        len(simulated),
        len(simulated) * replications,
        converged,
        tmpl.hourly_wage,
        replications,
        conservative,
    )
