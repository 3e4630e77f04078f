"""Simulation-based staffing: the fewest reps per interval that meet service targets.

``stormdesk staff`` answers "how many reps do I need each hour?" by searching over simulations
of the scenario, with Erlang C and Erlang A beside it to show where the formulas go wrong::

    scenario = sim.load_scenario("scenarios/weekend_outage.toml")
    targets = parse_targets(["twitter.service_level>=0.8", "twitter.abandon_rate<=0.05"], scenario)
    with open_backend(workers=2) as backend:
        plan = find_staffing(scenario, targets, interval_min=60, backend=backend)
    plan.table            # one row per interval: reps by simulation, Erlang C, Erlang A, why

**Targets** are ``<channel>.<kpi><op><value>`` (``*`` for every channel), measured per interval
on the complaints that *arrive* in it: ``service_level>=`` (service started within the
channel's ``sla_min``; those who gave up are misses), ``abandon_rate<=``, ``p_wait<=``,
``wait_mean_min<=``, ``frt_pNN_min<=`` (the NN-th percentile of first-response time over
answered complaints, minutes). Complaints still waiting at the end of the run count only when
they have already missed (censoring). Only counted arrivals (after the warm-up) are measured.

**Roster.** The roster is a team working the channels that have targets (``*`` targets: every
channel); the rest of the scenario's shifts stay, minus those channels (a tier-1 shift left
with none goes), so the rest of the centre works as the scenario says. The team has
``reps[k]`` reps in interval ``k``, laid out in levels — rep ``j`` works every interval with at
least ``j`` reps, as one shift per day — so nobody hands over work at an interval boundary where
the count does not change. Team reps copy quality, wage, shrinkage and concurrency from the
first tier-1 shift that works one of the team's channels (or ``template=``).

**Search.** All intervals are searched at once, each simulation of the whole scenario running
``replications`` seeds (common random numbers: every roster sees the same storms). A roster
*meets* an interval's targets when the replication mean does (``conservative=True``: when the
whole 95% confidence interval does). Per interval the count gallops (±1, 2, 4…) from the Erlang
answer until a failing and a meeting count bracket it, then bisects; when every interval is
bracketed to one rep the roster is simulated again as a whole, and intervals that now fail
(more backlog from a leaner neighbour) search upwards again. The result meets every target;
each interval's count is one more than a count that failed during the search.

**Erlang.** For each interval and targeted channel the forecast arrival rate (base × profile ×
incidents; no contagion, no re-posts — what a planner feeds the formulas) gives the reps Erlang
C (nobody gives up) and Erlang A (exponential patience with the channel's mean) need for the
same targets. A rep with concurrency ``c`` counts as ``c`` agents, channels are staffed
separately (no pooling), and the total is grossed up for the template's shrinkage (breaks and
absence: ``Shift.total_shrinkage``; breaks are spread evenly as the gross-up assumes, absence
days are burstier and cost more than the gross-up buys — docs/scenario-format.md). Both Erlang
rosters are then simulated too, so the table says what they would really deliver.
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd

from . import erlang
from .arrivals import MIN_PER_DAY as _MIN_PER_DAY
from .arrivals import MIN_PER_HOUR, ScenarioClock, rate_segments
from .experiments import Backend, ExperimentError, derive_seed, run_ordered, t_halfwidth
from .scenario import ScenarioError, StormScenario

MIN_PER_DAY = int(_MIN_PER_DAY)  # whole minutes: roster windows are "HH:MM"
TARGET_KPIS = ("service_level", "abandon_rate", "p_wait", "wait_mean_min")
_FRT = re.compile(r"frt_p(\d{1,2}(?:\.\d+)?)_min")
_TARGET = re.compile(
    r"^\s*(?P<channel>\*|[a-z][a-z0-9_]*)\.(?P<kpi>[a-z0-9_.]+?)\s*(?P<op><=|>=)\s*(?P<value>\S+)\s*$"
)
REASON_SHARE = 0.05  # a volume effect (pile-ons, re-posts) is named when it adds ≥ 5% arrivals
MAX_STEP = 64  # largest gallop step, reps
MAX_ERLANG_REPS = 100_000


# --- Targets -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Target:
    """A per-interval service target on one channel: ``twitter.service_level>=0.8``.

    ``threshold_min`` is the time the KPI is measured against: the channel's ``sla_min`` for
    ``service_level``, the bound itself for ``frt_pNN_min`` and ``wait_mean_min``.
    """

    channel: str
    kpi: str
    op: str  # ">=" or "<="
    value: float
    sla_min: float

    @property
    def label(self) -> str:
        return f"{self.channel}.{self.kpi}{self.op}{self.value:g}"

    @property
    def column(self) -> str:
        return f"{self.channel}.{self.kpi}"

    @property
    def percentile(self) -> float | None:
        m = _FRT.fullmatch(self.kpi)
        return float(m[1]) if m else None

    def met(self, measured: float) -> bool:
        """Whether a measured value meets the target (no arrivals to measure: met)."""
        if measured is None or math.isnan(measured):
            return True
        return measured >= self.value - 1e-12 if self.op == ">=" else measured <= self.value + 1e-12

    def met_with_confidence(self, mean: float, halfwidth: float) -> bool:
        """Whether the whole confidence interval meets the target (conservative staffing)."""
        if halfwidth is None or math.isnan(halfwidth):
            return self.met(mean)
        return self.met(mean - halfwidth if self.op == ">=" else mean + halfwidth)


def parse_targets(texts: Sequence[str], scenario: StormScenario) -> list[Target]:
    """Parse ``--target`` texts; ``*`` expands to every channel. Raises ExperimentError."""
    if not texts:
        raise ExperimentError('no --target given: e.g. --target "twitter.service_level>=0.8"')
    out: list[Target] = []
    problems: list[str] = []
    for text in texts:
        m = _TARGET.match(text)
        if not m:
            problems.append(
                f"--target {text}: expected CHANNEL.KPI>=VALUE or <=VALUE, "
                'e.g. "twitter.service_level>=0.8"'
            )
            continue
        channel, kpi, op = m["channel"], m["kpi"], m["op"]
        try:
            value = float(m["value"])
        except ValueError:
            problems.append(f"--target {text}: {m['value']!r} is not a number")
            continue
        channels = list(scenario.channels) if channel == "*" else [channel]
        if channel != "*" and channel not in scenario.channels:
            problems.append(
                f"--target {text}: {channel!r} is not a channel of this scenario "
                f"(known: {', '.join(scenario.channels)})"
            )
            continue
        if kpi not in TARGET_KPIS and not _FRT.fullmatch(kpi):
            problems.append(
                f"--target {text}: {kpi!r} cannot be staffed for (use service_level, "
                "abandon_rate, p_wait, wait_mean_min or frt_pNN_min, e.g. frt_p90_min)"
            )
            continue
        want = ">=" if kpi == "service_level" else "<="
        if op != want:
            problems.append(
                f"--target {text}: more reps make {kpi} {'rise' if want == '>=' else 'fall'}; "
                f"write {kpi}{want}…"
            )
            continue
        if kpi in ("service_level", "abandon_rate", "p_wait") and not 0 <= value <= 1:
            problems.append(f"--target {text}: {kpi} is a fraction, 0–1")
            continue
        if (kpi == "wait_mean_min" or _FRT.fullmatch(kpi)) and value <= 0:
            problems.append(f"--target {text}: a time bound must be > 0 minutes")
            continue
        pct = _FRT.fullmatch(kpi)
        if pct and not 0 < float(pct[1]) < 100:
            problems.append(f"--target {text}: the percentile must be between 0 and 100")
            continue
        for ch in channels:
            sla = scenario.channels[ch].sla_min if kpi == "service_level" else value
            out.append(Target(ch, kpi, op, value, sla))
    if problems:
        raise ExperimentError(problems)
    return out


# --- Intervals and the forecast --------------------------------------------------------------
def interval_edges(scenario: StormScenario, interval_min: float) -> np.ndarray:
    """Interval boundaries in simulation minutes: 0, Δ, 2Δ, … up to the end of the run."""
    if interval_min <= 0:
        raise ExperimentError(f"--interval {interval_min:g}: must be > 0 minutes")
    duration = scenario.info.duration_hours * MIN_PER_HOUR
    n = math.ceil(duration / interval_min - 1e-9)
    if n > 10_000:
        raise ExperimentError(
            f"--interval {interval_min:g}: {n:,} intervals is too many; use longer ones"
        )
    return np.minimum(np.arange(n + 1) * float(interval_min), duration)


def forecast_arrivals(scenario: StormScenario, edges: np.ndarray) -> np.ndarray:
    """Expected new complaints per interval and channel (shape intervals × channels).

    The exogenous rate of :func:`sim.arrivals.exogenous_arrivals` — base × profile (or the
    forecast) and incidents — integrated exactly; no contagion, re-posts or channel switches.
    """
    info = scenario.info
    clock = ScenarioClock(info.start, info.timezone, info.duration_hours * MIN_PER_HOUR)
    out = np.zeros((len(edges) - 1, len(scenario.channels)))
    for a, b, comps in rate_segments(scenario, clock, extra_cuts=edges.tolist()):
        j = min(int(np.searchsorted(edges, a, side="right")) - 1, len(edges) - 2)
        for comp in comps:
            out[j] += comp.rate_per_min * (b - a) * comp.channel_p
    return out


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
    from . import run

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


# --- The comparison table --------------------------------------------------------------------
def _table(
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
    wage,
    conservative,
) -> pd.DataFrame:
    clock = ScenarioClock(scenario.info.start, scenario.info.timezone, float(edges[-1]))
    hours = np.diff(edges) / MIN_PER_HOUR
    ok = measure.meets(targets, conservative)
    ok_a = erlang_measures["erlang_a"].meets(targets, conservative)
    ok_c = erlang_measures["erlang_c"].meets(targets, conservative)
    names = list(scenario.channels)
    team = [names.index(c) for c in team_channels(scenario, targets)]  # volumes: the team's
    rows = []
    for i in range(len(hours)):
        arrived = measure.arrivals[i, team].sum()
        row = {
            "interval": i,
            "start_min": float(edges[i]),
            "end_min": float(edges[i + 1]),
            "local_start": clock.local(edges[i]).isoformat(timespec="minutes"),
            "reps": int(reps[i]),
            "erlang_c_reps": int(reps_c[i]),
            "erlang_a_reps": int(reps_a[i]),
            "erlang_a_on_simulated_volume": int(reps_sim_volume[i]),
            "forecast_per_hour": float(forecast[i, team].sum() / hours[i]),
            "simulated_per_hour": float(arrived / hours[i]),
            "pile_on_share": float(measure.pile_ons[i, team].sum() / arrived) if arrived else 0.0,
            "escalation_share": (
                float(measure.escalations[i, team].sum() / arrived) if arrived else 0.0
            ),
        }
        for j, t in enumerate(targets):
            row[t.column] = measure.mean[j, i]
            row[f"{t.column}_ci95"] = measure.ci95[j, i]
            row[f"{t.column}_erlang_a_roster"] = erlang_measures["erlang_a"].mean[j, i]
        row["meets_targets"] = bool(ok[i])
        row["erlang_a_roster_meets"] = bool(ok_a[i])
        row["erlang_c_roster_meets"] = bool(ok_c[i])
        row["cost"] = float(reps[i] * hours[i] * wage)
        row["why"] = explain(scenario, targets, row, measure, i)
        rows.append(row)
    return pd.DataFrame(rows)


def explain(
    scenario: StormScenario, targets: Sequence[Target], row: dict, measure: RosterMeasure, i: int
) -> str:
    """Why simulation and Erlang disagree in one interval, in a planner's words.

    The Erlang A answer is split in two: the volume it was not told about (forecast →
    simulated arrivals: contagion, re-posts, channel switches) and what the formula's queue
    leaves out at the simulated volume (pooling of multi-skilled reps, concurrency shared across
    channels, non-exponential patience, backlog carried between intervals).
    """
    sim, a, c = row["reps"], row["erlang_a_reps"], row["erlang_c_reps"]
    a_sim = row["erlang_a_on_simulated_volume"]
    reasons = []
    if c > a:
        reasons.append(f"Erlang C ignores abandonment ({c - a:+d} vs Erlang A)")
    if sim == a:
        return "; ".join(reasons)
    forecast, simulated = row["forecast_per_hour"], row["simulated_per_hour"]
    extra = simulated / forecast - 1 if forecast > 0 else 0.0
    volume = f"{extra:+.0%} volume vs forecast, {a_sim - a:+d} reps by Erlang A"
    if row["pile_on_share"] >= REASON_SHARE and extra > 0:
        reasons.append(f"contagion: pile-ons are {row['pile_on_share']:.0%} of arrivals ({volume})")
    if row["escalation_share"] >= REASON_SHARE and extra > 0:
        reasons.append(
            f"escalations: re-posts and channel switches are {row['escalation_share']:.0%} "
            "of arrivals"
        )
    if extra < -REASON_SHARE:
        reasons.append(volume)
    structure = sim - a_sim
    names = list(scenario.channels)
    team = team_channels(scenario, targets)
    busy = [ch for ch in team if measure.arrivals[i][names.index(ch)] > 0]
    if structure < 0 and len(busy) > 1:
        reasons.append(
            f"pooling: multi-skilled reps share {len(busy)} channels "
            f"({structure:+d} vs separate queues)"
        )
    if structure > 0:
        shared = [ch for ch in busy if scenario.channels[ch].concurrency > 1]
        if shared and len(busy) > 1:
            reasons.append(
                f"concurrency: {', '.join(shared)} slots share a rep's attention "
                "with other channels"
            )
        team_idx = [names.index(ch) for ch in team]
        before, now = measure.arrivals[i - 1, team_idx].sum(), measure.arrivals[i, team_idx].sum()
        if i > 0 and before > 1.2 * now:
            reasons.append("backlog carried in from a busier previous interval")
    patience = {ch: scenario.channels[ch].patience for ch in team}
    shapes = [ch for ch, p in patience.items() if p != "none" and p.dist != "exponential"]
    if shapes:
        reasons.append(f"patience on {', '.join(shapes)} is not exponential (Erlang A assumes so)")
    if not reasons:
        reasons.append("queue dynamics (backlog between intervals, shift changes) or sampling")
    return "; ".join(reasons)


__all__ = [
    "IntervalSearch",
    "RosterMeasure",
    "StaffingPlan",
    "Target",
    "erlang_reps",
    "erlang_roster",
    "find_staffing",
    "forecast_arrivals",
    "interval_edges",
    "measure_intervals",
    "parse_targets",
    "roster_shifts",
    "with_roster",
]
