"""Service targets (``twitter.service_level>=0.8``), the intervals they are met in and the
forecast volume per interval."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..arrivals import MIN_PER_DAY as _MIN_PER_DAY
from ..arrivals import MIN_PER_HOUR, ScenarioClock, rate_segments
from ..experiments import ExperimentError
from ..scenario import StormScenario

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
