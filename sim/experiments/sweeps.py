"""Running a sweep (resumable, ordered rows), batches of runs, paired comparisons."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import __version__
from ..scenario import StormScenario
from .backends import Backend, InlineExecutor, open_backend, run_ordered, simulate_row
from .base import CONFIDENCE, DEFAULT_WINDOW_PER_WORKER, KEY_REPLICATION, ExperimentError
from .grid import RunTask, Sweep
from .stores import ResultsStore, check_writable
from .summaries import add_all_channels, channels_of, t_halfwidth


# --- Running a sweep -----------------------------------------------------------------------
@dataclass
class SweepOutcome:
    """What :func:`run_sweep` did: runs in the sweep, found already done, run now."""

    path: Path
    total: int
    skipped: int
    ran: int
    seconds: float
    ignored_rows: int = 0  # rows on disk that are not part of this sweep's grid


def prepare_output(sweep: Sweep, out: str | Path) -> tuple[ResultsStore, set[tuple[str, ...]], int]:
    """Check the output and what it already holds; returns (store, finished keys, foreign rows).

    Raises :class:`ExperimentError` if the file cannot be written or holds runs made with
    another seed, scenario or model version. Writes nothing.
    """
    store = ResultsStore.for_path(out, sweep.key_columns)
    check_writable(store.path)
    found = store.finished()
    expected = sweep.expected()
    done: set[tuple[str, ...]] = set()
    foreign = 0
    for key, (seed, sha, version) in found.items():
        want = expected.get(key)
        if want is None:
            foreign += 1
            continue
        if version != __version__:
            raise ExperimentError(
                f"--out {store.path}: holds runs of model {version}, this is {__version__}; "
                "choose another --out to keep both"
            )
        if (seed, sha) != want:
            what = "seed" if seed != want[0] else "scenario"
            raise ExperimentError(
                f"--out {store.path}: holds run {dict(zip(sweep.key_columns, key, strict=True))} "
                f"made with another {what}; choose another --out or delete it"
            )
        done.add(key)
    return store, done, foreign


def run_sweep(
    sweep: Sweep,
    out: str | Path,
    backend: Backend,
    *,
    progress: Callable[[int, int], None] | None = None,
    window: int | None = None,
    prepared: tuple[ResultsStore, set, int] | None = None,
) -> SweepOutcome:
    """Run the runs of ``sweep`` that ``out`` does not hold yet, streaming rows to it.

    ``progress(done, total)`` is called after each row (``done`` counts rows found on disk).
    Interrupted (exception, Ctrl-C), the rows finished so far stay on disk and a second call
    resumes.
    """
    t0 = time.perf_counter()
    store, done, foreign = prepared if prepared is not None else prepare_output(sweep, out)
    total = sweep.n_runs
    skipped = len(done)
    todo = (t for t in sweep.tasks() if t.key not in done)
    if isinstance(backend.executor, InlineExecutor):
        window = 1  # runs happen at submit: write each row as soon as it exists
    window = window or max(4, DEFAULT_WINDOW_PER_WORKER * backend.workers)
    ran = 0
    try:
        store.open()
    except OSError as e:
        raise ExperimentError(f"--out {store.path}: cannot write ({e.strerror or e})") from None
    if progress:
        progress(skipped, total)
    current: tuple[int, StormScenario] | None = None

    def jobs() -> Iterator[tuple[RunTask, tuple]]:
        nonlocal current
        for task in todo:
            if current is None or current[0] != task.config.index:
                current = (task.config.index, sweep.scenario_for(task.config))
            yield task, (current[1], task.seed)

    try:
        for task, kpis in run_ordered(backend.executor, simulate_row, jobs(), window):
            row = {**task.config.columns, KEY_REPLICATION: task.replication, "seed": task.seed}
            row.update((k, v) for k, v in kpis.items() if k != "seed")
            store.append(row)
            ran += 1
            if progress:
                progress(skipped + ran, total)
    except BaseException:
        store.flush()
        store.release()
        raise
    store.finish()
    return SweepOutcome(store.path, total, skipped, ran, time.perf_counter() - t0, foreign)


def batch_run(
    scenario: StormScenario,
    grid: Sequence[str] | Mapping[str, Sequence[Any]] = (),
    replications: int = 10,
    *,
    base_seed: int | None = None,
    workers: int | None = 1,
    common_random_numbers: bool = True,
) -> pd.DataFrame:
    """Run a sweep in memory and return its rows as a DataFrame (like Mesa's ``batch_run``).

    ``grid`` is a list of ``--grid`` specs (``"shifts.night.reps=2:6:2"``) or a mapping of
    dotted path → values. The rows are those ``stormdesk sweep`` writes: the grid fields,
    ``replication``, ``seed`` and every KPI flattened — the same numbers on any number of
    ``workers``. For sweeps too large to hold in memory, use :func:`run_sweep` with a file.
    """
    if isinstance(grid, Mapping):
        grid = [f"{p}={','.join(_toml_text(v) for v in values)}" for p, values in grid.items()]
    plan = Sweep.build(
        scenario, list(grid), replications, base_seed, common_random_numbers=common_random_numbers
    )
    tasks = list(plan.tasks())
    scenarios: dict[int, StormScenario] = {}

    def jobs() -> Iterator[tuple[RunTask, tuple]]:
        for task in tasks:
            if task.config.index not in scenarios:
                scenarios.clear()
                scenarios[task.config.index] = plan.scenario_for(task.config)
            yield task, (scenarios[task.config.index], task.seed)

    rows = []
    with open_backend(workers=workers) as backend:
        inline = isinstance(backend.executor, InlineExecutor)
        window = 1 if inline else max(4, DEFAULT_WINDOW_PER_WORKER * backend.workers)
        for task, kpis in run_ordered(backend.executor, simulate_row, jobs(), window):
            row = {**task.config.columns, KEY_REPLICATION: task.replication, "seed": task.seed}
            row.update((k, v) for k, v in kpis.items() if k != "seed")
            rows.append(row)
    return pd.DataFrame(rows)


def _toml_text(value: Any) -> str:
    """A Python value as a grid value: strings quoted, everything else as TOML writes it."""
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def paired_differences(
    frame: pd.DataFrame,
    paths: Sequence[str],
    kpis: Sequence[str],
    baseline: Mapping[str, Any],
    confidence: float = CONFIDENCE,
) -> pd.DataFrame:
    """Each configuration minus ``baseline``, replication by replication (common random numbers
    make these pairs: the same storms), as the mean difference and its CI half-width per KPI.

    ``frame`` holds sweep rows (``batch_run`` or a results file); ``baseline`` maps each grid
    path to its value in the baseline configuration. Columns: the grid paths, ``pairs``, and
    per KPI ``<kpi>_diff`` and ``<kpi>_diff_ci95``.
    """
    missing = [p for p in paths if p not in baseline]
    if missing:
        raise ExperimentError(f"baseline: give a value for {', '.join(missing)}")
    channels = channels_of(frame.columns)
    frame = add_all_channels(frame.copy(), channels) if channels else frame
    unknown = [k for k in kpis if k not in frame.columns]
    if unknown:
        raise ExperimentError(f"--kpi {unknown[0]}: not a column of the sweep")
    mask = np.ones(len(frame), dtype=bool)
    for p in paths:
        mask &= (frame[p] == baseline[p]).to_numpy()
    base = frame[mask].set_index(KEY_REPLICATION)
    if base.empty:
        shown = ", ".join(f"{p}={baseline[p]}" for p in paths)
        raise ExperimentError(f"baseline {shown}: no such configuration in the sweep")
    out = []
    groups = frame.groupby(list(paths), sort=False) if paths else [((), frame)]
    for key, part in groups:
        key = key if isinstance(key, tuple) else (key,)
        part = part.set_index(KEY_REPLICATION)
        common = part.index.intersection(base.index)
        row: dict[str, Any] = dict(zip(paths, key, strict=True))
        row["pairs"] = len(common)
        for k in kpis:
            d = (
                pd.to_numeric(part.loc[common, k], errors="coerce")
                - pd.to_numeric(base.loc[common, k], errors="coerce")
            ).dropna()
            row[f"{k}_diff"] = float(d.mean()) if len(d) else None
            row[f"{k}_diff_ci95"] = (
                float(t_halfwidth(np.array([d.std(ddof=1)]), np.array([len(d)]), confidence)[0])
                if len(d) > 1
                else None
            )
        out.append(row)
    return pd.DataFrame(out)


def paired_ratio(
    control: Sequence[float], treatment: Sequence[float], confidence: float = CONFIDENCE
) -> tuple[float, float, float]:
    """Relative effect of a treatment on a non-negative KPI, from paired runs (same seeds):
    mean(treatment) / mean(control) − 1, with its confidence interval.

    The interval is a t interval on the log of the ratio of means (delta method, using the
    pairs' covariance), mapped back: it is asymmetric and never reaches −100%, where
    ``effect ± half-width`` divided by the control's mean can. Every treatment value 0 gives
    exactly (−1, −1, −1); NaN where the ratio or its interval is undefined (control mean 0,
    negative values; the interval with fewer than 2 pairs).
    """
    a = np.asarray(control, dtype=float)
    b = np.asarray(treatment, dtype=float)
    if a.shape != b.shape:
        raise ValueError(f"paired_ratio: {a.size} control and {b.size} treatment values")
    n = a.size
    mean_a, mean_b = (a.mean(), b.mean()) if n else (np.nan, np.nan)
    if n < 1 or not mean_a > 0 or (a < 0).any() or (b < 0).any():
        return (np.nan, np.nan, np.nan)
    relative = float(mean_b / mean_a - 1.0)
    if mean_b == 0:  # every treatment value is 0: the effect is exactly −100%
        return (relative, -1.0, -1.0)
    if n < 2:
        return (relative, np.nan, np.nan)
    z = b / mean_b - a / mean_a  # linearised log ratio, per pair
    half = float(t_halfwidth(np.array([z.std(ddof=1)]), np.array([n]), confidence)[0])
    log_ratio = math.log(mean_b) - math.log(mean_a)
    return (relative, math.expm1(log_ratio - half), math.expm1(log_ratio + half))
