"""What the report's sections share: seeds, sizes, confidence intervals, running jobs."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import stats

from ..experiments import Backend, run_ordered, t_halfwidth
from ..scenario import StormScenario, load_scenario

BASE_SEED = 20_260_302  # every replication's seed derives from this
CONFIDENCE = 0.95
PNG_DPI = 90  # plots stay small: the whole report's PNGs well under 1 MB

SPEED_SCENARIO = "product_recall"  # a storm: public first replies from minutes to many hours
KEARNEY_SCENARIO = "kearney_2011"


@dataclass(frozen=True)
class ReportSize:
    """How much simulation the report runs. The defaults are the committed report's."""

    replications: int = 20  # per queue load and per branching ratio
    queue_hours: float = 60.0  # measured hours per queue replication (after the warm-up)
    cascade_hours: float = 20.0  # hours of new complaints per cascade replication
    kearney_seeds: int = 10
    speed_seeds: int = 10

    def describe(self) -> str:
        return (
            f"{self.replications} replications per queue load and branching ratio "
            f"({self.queue_hours:g} h measured per queue replication, "
            f"{self.cascade_hours:g} h of new complaints per cascade replication); "
            f"{self.kearney_seeds} seeds of `{KEARNEY_SCENARIO}`, "
            f"{self.speed_seeds} seeds of `{SPEED_SCENARIO}`"
        )


QUICK = ReportSize(replications=2, queue_hours=4.0, cascade_hours=3.0, kearney_seeds=2,
                   speed_seeds=2)  # fmt: skip


@dataclass(frozen=True)
class ReportFiles:
    """What :func:`write_validation_report` wrote."""

    markdown: Path
    plots: tuple[Path, ...]


def library_scenario(library: Path, name: str) -> StormScenario:
    """Scenario ``name`` of the library folder ``library`` (``sim.library.LIBRARY`` by default)."""
    return load_scenario(Path(library) / f"{name}.toml")


def mean_ci(values: Sequence[float]) -> tuple[float, float]:
    """Mean and 95% t half-width over replications (NaN half-width with one value)."""
    a = np.asarray(values, dtype=float)
    sd = a.std(ddof=1) if len(a) > 1 else math.nan
    return float(a.mean()), float(t_halfwidth(np.array(sd), np.array(len(a))))


def wilson(successes: int, n: int, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Wilson score interval of a binomial share (NaN, NaN when ``n`` is 0)."""
    if n == 0:
        return math.nan, math.nan
    z = stats.norm.ppf(0.5 + confidence / 2)
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def _run_all(backend: Backend, fn: Callable, jobs: list[tuple]) -> list:
    """``fn(*args)`` for every job, in order, on the backend (same results on any backend)."""
    tagged = list(enumerate(jobs))
    window = max(1, 4 * backend.workers)
    return [res for _, res in run_ordered(backend.executor, fn, tagged, window)]
