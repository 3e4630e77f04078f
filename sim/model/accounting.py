"""Accounting: rep-minutes on shift and at work inside the KPI window, crisis time, the hourly
counters the DataCollector samples, and the baseline volume expected by the clock.

:mod:`sim.results` reads a run's occupancy and crisis time from here
(:meth:`Accounting.busy_minutes`, :attr:`Accounting.available_minutes`); the reporters below
are the hourly timeseries' columns.
"""

from __future__ import annotations

from dataclasses import dataclass

import mesa
import numpy as np

from ..arrivals import MIN_PER_HOUR, baseline_rate_edges


@dataclass
class HourCounters:
    """Per-clock-hour counters, reset by the hourly sample."""

    arrivals: list[int]
    anger_sum: float = 0.0
    answered: int = 0
    gave_up: int = 0

    @property
    def mood(self) -> float | None:
        """Mean anger of this hour's arrivals (None before the first)."""
        n = sum(self.arrivals)
        return self.anger_sum / n if n else None


class Accounting:
    """Time integrals of the staffing and the hourly samples of one model.

    ``cap`` is the number of reps present on shift now; ``integrate()`` must be called before
    it changes (and before the crisis flag changes), so each stretch is counted at its level.
    """

    def __init__(self, model):
        self.m = model
        self.warmup = model.warmup
        self.duration = model.duration
        self.cap = 0  # reps present on shift
        self.busy_area = 0.0  # finished work, rep-attention-minutes inside the KPI window
        self.cap_area = 0.0  # rep-minutes present inside the KPI window
        self.cap_area_all = 0.0  # whole run, for the hourly average
        self.cap_area_at_hour = 0.0
        self.hour_started = 0.0
        self.last_t = 0.0
        self.crisis_minutes = 0.0
        self.edges, self.baseline = baseline_rate_edges(model.spec, model.clock)
        # Expected baseline arrivals from the first edge up to each edge, so crisis mode can
        # compare the last hour's arrivals with what was expected over that same hour.
        self.baseline_cum = np.concatenate(
            ([0.0], np.cumsum(self.baseline * np.diff(self.edges) / MIN_PER_HOUR))
        )
        self.hour = HourCounters([0] * model.n_channels)
        self.hour_k = 0
        self.datacollector = mesa.DataCollector(model_reporters=REPORTERS)

    def add_busy(self, unit: float, start: float, end: float) -> None:
        """Count ``unit`` of a rep's attention busy over [start, end) inside the KPI window."""
        a = start if start > self.warmup else self.warmup
        b = end if end < self.duration else self.duration
        if b > a:
            self.busy_area += unit * (b - a)

    def integrate(self) -> None:
        """Accumulate available rep-minutes (and crisis time) up to now, inside the KPI window."""
        now = self.m.now
        last = self.last_t
        if now > last:
            self.cap_area_all += self.cap * (now - last)
        a, b = max(last, self.warmup), min(now, self.duration)
        if b > a:
            self.cap_area += self.cap * (b - a)
        if self.m.crisis and now > last:
            self.crisis_minutes += now - last
        self.last_t = now

    def busy_minutes(self) -> float:
        """Rep-attention-minutes at work inside the KPI window so far, work in hand included."""
        m = self.m
        busy = self.busy_area
        lo, hi = m.warmup, min(m.now, m.duration)
        for rep, channel, started in m.work_in_hand():
            busy += rep.unit[channel] * max(0.0, hi - max(started, lo))
        return busy

    @property
    def available_minutes(self) -> float:
        """Rep-minutes present on shift inside the KPI window, up to the last integration."""
        return self.cap_area

    def on_hour(self, k: int, _) -> None:
        """A clock hour ends: sample the reporters, start the next hour's counters."""
        self.integrate()
        self.datacollector.collect(self.m)
        self.cap_area_at_hour = self.cap_area_all
        self.hour_started = self.m.now
        self.hour = HourCounters([0] * self.m.n_channels)
        self.hour_k = k + 1

    def expected_by(self, t: float) -> float:
        """Baseline arrivals expected from the first clock-hour edge up to minute ``t``."""
        edges = self.edges
        k = min(max(int(np.searchsorted(edges, t, side="right")) - 1, 0), len(self.baseline) - 1)
        return float(self.baseline_cum[k] + self.baseline[k] * (t - edges[k]) / MIN_PER_HOUR)

    def baseline_this_hour(self) -> float:
        """Expected arrivals this clock hour without incidents or contagion (base × profile)."""
        k = min(self.hour_k, len(self.baseline) - 1)
        edges = self.edges
        span = (edges[k + 1] - edges[k]) / MIN_PER_HOUR if k + 1 < len(edges) else 1.0
        return float(self.baseline[k] * span)

    def reps_this_hour(self) -> float:
        """Reps present on shift, averaged over the hour so far."""
        span = self.m.now - self.hour_started
        return (self.cap_area_all - self.cap_area_at_hour) / span if span > 0 else float(self.cap)


REPORTERS = {
    "reps_on_shift": lambda m: m.books.reps_this_hour(),
    "queue": lambda m: m.queue_length(),
    "mood": lambda m: m.books.hour.mood,
    "crisis": lambda m: m.crisis,
    "baseline": lambda m: m.books.baseline_this_hour(),
    "answered": lambda m: m.books.hour.answered,
    "gave_up": lambda m: m.books.hour.gave_up,
    "arrivals": lambda m: sum(m.books.hour.arrivals),
    "arrivals_by_channel": lambda m: list(m.books.hour.arrivals),
}
