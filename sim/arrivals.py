"""Where complaints come from: the scenario clock, arrival profiles, incidents, SEISMIC kernel.

New complaints arrive as a non-homogeneous Poisson process whose rate is
``base_per_hour × profile(weekday, hour) × incident multipliers`` (or an hourly forecast in
place of base × profile). The rate is piecewise constant between clock hours and incident
boundaries, so the whole exogenous stream is drawn up front in numpy blocks: it never depends
on what reps or trainees do, which keeps unrelated draws stable (DESIGN §3, determinism).

Contagion — pile-ons from other customers — is a Hawkes process whose kernel is
:class:`SeismicKernel` (Zhao et al. 2015): flat for the first minutes, then a power law.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np

MIN_PER_HOUR = 60.0
MIN_PER_DAY = 1440.0

# Named intraday shapes (24 weights, local clock hours 0..23) and weekly shapes (Mon..Sun).
# Each is normalised to mean 1, so ``base_per_hour`` is the average hourly rate over a week.
# Shapes follow the usual contact-centre curves: retail peaks at lunch and in the evening and
# is busier at weekends; office traffic is weekday business hours; social "evening" peaks late.
# fmt: off
HOURLY_PROFILES: dict[str, tuple[float, ...]] = {
    "flat": (1.0,) * 24,
    "retail": (0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.4, 0.7, 1.0, 1.3, 1.5, 1.6,
               1.8, 1.7, 1.5, 1.4, 1.4, 1.5, 1.6, 1.8, 1.8, 1.5, 1.0, 0.5),
    "office": (0.1, 0.05, 0.05, 0.05, 0.05, 0.1, 0.3, 0.8, 1.6, 2.2, 2.3, 2.2,
               1.9, 2.1, 2.2, 2.1, 1.9, 1.4, 0.9, 0.6, 0.4, 0.3, 0.2, 0.15),
    "evening": (0.6, 0.4, 0.2, 0.1, 0.1, 0.1, 0.2, 0.4, 0.6, 0.8, 0.9, 1.0,
                1.1, 1.1, 1.0, 1.0, 1.1, 1.2, 1.5, 1.8, 2.1, 2.2, 1.9, 1.2),
}
# fmt: on
WEEKLY_PROFILES: dict[str, tuple[float, ...]] = {
    "flat": (1.0,) * 7,
    "retail": (0.9, 0.9, 0.9, 0.95, 1.05, 1.2, 1.1),
    "office": (1.2, 1.2, 1.15, 1.15, 1.1, 0.6, 0.5),
    "evening": (0.95, 0.95, 0.95, 1.0, 1.05, 1.05, 1.05),
}


def _normalised(weights) -> np.ndarray:
    w = np.asarray(weights, dtype=float)
    return w / w.mean()


class ScenarioClock:
    """Maps simulation minutes to the scenario's local wall clock (its time zone, DST included).

    Simulation time ``t`` is minutes since ``start``; ``start`` is a naive local datetime in
    ``timezone``.
    """

    def __init__(self, start: datetime, timezone: str, duration_min: float):
        self.tz = ZoneInfo(timezone)
        self.start = start
        self.duration_min = duration_min
        self._start_utc = start.replace(tzinfo=self.tz).astimezone(UTC)

    def local(self, t_min: float) -> datetime:
        """Naive local datetime at simulation minute ``t_min``."""
        moment = self._start_utc + timedelta(minutes=float(t_min))
        return moment.astimezone(self.tz).replace(tzinfo=None)

    def minutes_at(self, local: datetime) -> float:
        """Simulation minute of a naive local datetime (may be negative or past the end)."""
        moment = local.replace(tzinfo=self.tz).astimezone(UTC)
        return (moment - self._start_utc).total_seconds() / 60.0

    def local_dates(self) -> list:
        """Every local calendar date touched by the run, plus the day before (night shifts)."""
        first = self.start.date() - timedelta(days=1)
        last = self.local(self.duration_min).date()
        return [first + timedelta(days=i) for i in range((last - first).days + 1)]

    def midnights(self) -> np.ndarray:
        """Simulation minutes of each local midnight after the start (for same-day answers)."""
        dates = [d + timedelta(days=1) for d in self.local_dates()]
        mins = [self.minutes_at(datetime(d.year, d.month, d.day)) for d in dates]
        mins.append(self.minutes_at(datetime.combine(dates[-1], datetime.min.time())) + 1440)
        return np.array(sorted(m for m in mins if m > 0), dtype=float)

    def clock_hour_edges(self) -> np.ndarray:
        """Simulation minutes of local clock-hour boundaries covering the run."""
        first = self.start.replace(minute=0, second=0, microsecond=0)
        edges = []
        k = 0
        while True:
            m = self.minutes_at(first + timedelta(hours=k))
            edges.append(m)
            if m >= self.duration_min:
                break
            k += 1
        return np.array(edges, dtype=float)

    def hour_shape(self, hourly: np.ndarray, weekly: np.ndarray, edges: np.ndarray) -> np.ndarray:
        """Profile weight of each clock hour between consecutive ``edges``."""
        out = np.empty(len(edges) - 1)
        for i, e in enumerate(edges[:-1]):
            loc = self.local(e + 1e-6)
            out[i] = hourly[loc.hour] * weekly[loc.weekday()]
        return out


@dataclass(frozen=True)
class ArrivalComponent:
    """One stream of new complaints within a time segment: its rate and what it is about."""

    rate_per_min: float
    channel_p: np.ndarray  # channel shares, summing to 1
    incident: object | None  # the incident behind these complaints; None: ordinary complaints


@dataclass
class ExogenousArrivals:
    """All new (non-contagion) complaints of a run, sorted by time, as parallel arrays."""

    time: np.ndarray
    channel: np.ndarray
    topic: np.ndarray
    severity: np.ndarray
    author: np.ndarray
    # Uniforms and normals the model turns into per-channel durations and anger (it then drops
    # them: None once spent).
    u_patience: np.ndarray | None
    u_handle: np.ndarray | None
    z_anger: np.ndarray | None

    def __len__(self) -> int:
        return len(self.time)


def baseline_rate_edges(scenario, clock: ScenarioClock) -> tuple[np.ndarray, np.ndarray]:
    """Clock-hour edges (minutes) and the baseline arrivals per hour in each clock hour.

    Baseline = base × profile, or the forecast; incidents are not included (crisis mode
    compares live volume against this baseline).
    """
    arr = scenario.arrivals
    edges = clock.clock_hour_edges()
    if arr.forecast_csv is not None:
        # The forecast gives arrivals per hour for each hour since the start; hours past its
        # end get none. A clock hour takes the forecast of the simulation hour at its middle.
        values = np.asarray(arr.forecast, dtype=float)
        idx = (((edges[:-1] + edges[1:]) / 2) // MIN_PER_HOUR).astype(int)
        inside = (idx >= 0) & (idx < len(values))
        rate = np.zeros(len(idx))
        rate[inside] = values[idx[inside]]
        return edges, rate
    if isinstance(arr.profile, str):
        hourly = _normalised(HOURLY_PROFILES[arr.profile])
        weekly_default = WEEKLY_PROFILES[arr.profile]
    else:
        hourly = _normalised(arr.profile)
        weekly_default = WEEKLY_PROFILES["flat"]
    weekly = _normalised(arr.weekly if arr.weekly is not None else weekly_default)
    return edges, arr.base_per_hour * clock.hour_shape(hourly, weekly, edges)


def rate_segments(
    scenario, clock: ScenarioClock, extra_cuts=()
) -> Iterator[tuple[float, float, list[ArrivalComponent]]]:
    """The exogenous arrival rate as constant pieces: ``(start, end, components)`` in minutes.

    Pieces break at clock hours, incident starts and ends, and ``extra_cuts``. Within a piece,
    ordinary complaints arrive at baseline × (damping by incidents with multiplier < 1) with
    the scenario's channel shares, and each incident with multiplier > 1 adds baseline ×
    (multiplier − 1) with its own channel shares. The arrival draws and the staffing forecast
    both read the rate from here.
    """
    duration = clock.duration_min
    edges, base_per_hour = baseline_rate_edges(scenario, clock)
    cuts = set(np.clip(edges, 0, duration).tolist()) | {0.0, duration}
    cuts |= {float(c) for c in extra_cuts if 0 < c < duration}
    # A WFM forecast (per channel, 15/30/60 minutes) sets the rate and the channel shares of
    # each of its intervals; the clock-hour baseline above stays for crisis mode.
    by_channel = getattr(scenario.arrivals, "forecast_by_channel", None)
    if by_channel is not None:
        cuts |= {float(c) for c in by_channel[0] if 0 < c < duration}
    for inc in scenario.incidents:
        for h in (inc.start_hour, inc.start_hour + inc.duration_hours):
            m = h * MIN_PER_HOUR
            if 0 < m < duration:
                cuts.add(m)
    names = list(scenario.channels)
    base_p = np.array([scenario.channels[c].share for c in names], dtype=float)
    base_p = base_p / base_p.sum()
    shares = base_p
    for a, b in itertools.pairwise(sorted(cuts)):
        if b <= a:
            continue
        k = min(max(int(np.searchsorted(edges, a, side="right")) - 1, 0), len(base_per_hour) - 1)
        base = base_per_hour[k] / MIN_PER_HOUR
        if by_channel is not None:
            f_edges, f_rates = by_channel
            kf = int(np.searchsorted(f_edges, a, side="right")) - 1
            rates = f_rates[kf] if 0 <= kf < len(f_rates) else np.zeros(len(names))
            base = float(rates.sum())
            shares = rates / base if base > 0 else base_p
        mid_h = (a + b) / 2 / MIN_PER_HOUR
        active = [i for i in scenario.incidents
                  if i.start_hour <= mid_h < i.start_hour + i.duration_hours]  # fmt: skip
        damp = 1.0 + sum(i.multiplier - 1.0 for i in active if i.multiplier < 1.0)
        comps = [ArrivalComponent(base * max(damp, 0.0), shares, None)]
        for inc in active:
            if inc.multiplier > 1.0:
                p = shares
                if inc.channels is not None:
                    p = np.array([inc.channels.get(c, 0.0) for c in names], dtype=float)
                    p = p / p.sum()
                comps.append(ArrivalComponent(base * (inc.multiplier - 1.0), p, inc))
        yield a, b, comps


def exogenous_arrivals(
    scenario,
    clock: ScenarioClock,
    rng: np.random.Generator,
    channel_index: dict[str, int],
    topic_index: dict[str, int],
) -> ExogenousArrivals:
    """Draw every new complaint of the run (time, channel, topic, severity, author…)."""
    n_channels = len(channel_index)
    times, chans, topics, sevs = [], [], [], []
    for a, b, comps in rate_segments(scenario, clock):
        for comp in comps:
            topic, severity = -1, -1.0  # drawn below from the scenario's mix
            if comp.incident is not None:
                topic = topic_index.setdefault(comp.incident.topic, len(topic_index))
                severity = comp.incident.severity
            n = int(rng.poisson(comp.rate_per_min * (b - a))) if comp.rate_per_min > 0 else 0
            if n == 0:
                continue
            times.append(rng.uniform(a, b, n))
            chans.append(rng.choice(n_channels, size=n, p=comp.channel_p))
            topics.append(np.full(n, topic, dtype=np.int64))
            sevs.append(np.full(n, severity))
    if times:
        t = np.concatenate(times)
        order = np.argsort(t, kind="stable")
        t = t[order]
        ch = np.concatenate(chans)[order]
        tp = np.concatenate(topics)[order]
        sv = np.concatenate(sevs)[order]
    else:
        t = np.empty(0)
        ch = tp = np.empty(0, dtype=np.int64)
        sv = np.empty(0)
    n = len(t)
    mix = scenario.arrivals.topics
    mix_idx = np.array([topic_index.setdefault(name, len(topic_index)) for name in mix])
    mix_p = np.array(list(mix.values()), dtype=float)
    drawn = mix_idx[rng.choice(len(mix_idx), size=n, p=mix_p / mix_p.sum())] if n else tp
    tp = np.where(tp < 0, drawn, tp)
    base_sev = np.clip(rng.beta(2.0, 2.0, n) * 2 * scenario.arrivals.severity_mean, 0.0, 1.0)
    sv = np.where(sv < 0, base_sev, sv)
    return ExogenousArrivals(
        time=t,
        channel=ch.astype(np.int16),  # small ints: a million arrivals in 2 MB, not 8
        topic=tp.astype(np.int16),
        severity=sv,
        author=rng.integers(0, scenario.population.size, n),
        u_patience=rng.random(n),
        u_handle=rng.random(n),
        z_anger=rng.standard_normal(n),
    )


class SeismicKernel:
    """Normalised memory kernel of a pile-on: φ(s) = c for s < s0, c·(s/s0)^−(1+θ) up to H.

    ``s`` is the age of the parent post in minutes, ``s0`` the flat period (≈ 5 min), ``θ`` the
    power-law exponent (≈ 0.23) and ``H`` the horizon after which a post draws no more pile-ons
    (Zhao et al. 2015, SEISMIC). ``c`` makes the kernel integrate to 1 over [0, H], so a post's
    expected number of offspring is exactly its branching ratio.
    """

    def __init__(self, flat_min: float, theta: float, horizon_min: float):
        self.s0 = min(flat_min, horizon_min)
        self.theta = theta
        self.horizon = horizon_min
        tail = 0.0
        if horizon_min > self.s0:
            tail = self.s0 / theta * (1.0 - (horizon_min / self.s0) ** (-theta))
        self.c = 1.0 / (self.s0 + tail)
        self.flat_mass = self.c * self.s0

    def density(self, s: float) -> float:
        """φ(s), per minute."""
        if s < 0 or s > self.horizon:
            return 0.0
        if s < self.s0:
            return self.c
        return self.c * (s / self.s0) ** (-(1.0 + self.theta))

    def cumulative(self, s: float) -> float:
        """Φ(s) = ∫₀ˢ φ, in [0, 1]."""
        if s <= 0:
            return 0.0
        if s >= self.horizon:
            return 1.0
        if s <= self.s0:
            return self.c * s
        return self.flat_mass + self.c * self.s0 / self.theta * (1.0 - (s / self.s0) ** -self.theta)

    def inverse(self, u: float) -> float:
        """The age s with Φ(s) = u (u in [0, 1])."""
        if u <= self.flat_mass:
            return u / self.c
        if u >= 1.0:
            return self.horizon
        x = 1.0 - (u - self.flat_mass) * self.theta / (self.c * self.s0)
        return min(self.s0 * x ** (-1.0 / self.theta), self.horizon)


def mean_of_truncated_power_law(x_min: float, x_max: float, exponent: float) -> float:
    """Mean of a power law with density ∝ x^−exponent on [x_min, x_max]."""
    a = exponent
    if math.isclose(a, 1.0):
        return (x_max - x_min) / math.log(x_max / x_min)
    if math.isclose(a, 2.0):
        return x_min * x_max * math.log(x_max / x_min) / (x_max - x_min)
    num = (x_max ** (2 - a) - x_min ** (2 - a)) / (2 - a)
    den = (x_max ** (1 - a) - x_min ** (1 - a)) / (1 - a)
    return num / den
