"""Experiments: a grid of scenario variants × seeds, run on local processes or a Dask cluster.

A **sweep** changes scenario fields by their dotted paths (``shifts.weekday_day.reps``,
``policy.routing``, ``channels.twitter.patience``…) over a grid, runs every configuration with
several seeds and streams one row per run to Parquet or CSV::

    scenario = sim.load_scenario("scenarios/holiday_rush.toml")
    grid = ["shifts.weekday_day.reps=6:14:2", "policy.routing=fifo,priority"]
    sweep = Sweep.build(scenario, grid, replications=20)
    with open_backend(workers=2) as backend:          # or open_backend(scheduler="tcp://host:8786")
        run_sweep(sweep, "results/holiday.parquet", backend)
    table = summarize("results/holiday.parquet", sweep.paths)   # means and 95% CIs

Grid values are written as in the scenario file (TOML: ``6``, ``0.5``, ``true``, ``fifo``,
``{ dist = "exponential", mean_min = 30 }``) and checked by the scenario's own validation
before anything runs; ``a:b:step`` is the inclusive range a, a+step, … ≤ b.

**Seeds.** Replication ``r`` runs with ``SeedSequence([base_seed, r]).generate_state(1)[0]``:
common random numbers — every configuration sees the same storms, so differences between
configurations are not drowned by seed noise. With ``common_random_numbers=False`` the
configuration's index joins the sequence (``[base_seed, config, r]``). Seeds never depend on
the worker count or the backend, so a sweep gives the same rows however it is run.

**Rows.** Columns: the grid's dotted paths, ``replication``, ``seed``, then every KPI of the
results contract flattened (``twitter.service_level``, ``cost``…) with ``model_version`` and
``scenario_sha256``. Rows are written in task order (configuration-major) through a bounded
window of runs in flight, so memory stays flat and files from 1 worker, 8 workers or a cluster
hold the same rows in the same order.

**Resume.** Parquet output is journalled as small part files in ``<out>.parts/`` (each written
atomically) and merged into ``<out>`` at the end; CSV is appended and flushed row by row. Run
an interrupted sweep again and it reads the finished keys (grid values + replication), checks
they were made with the same seed and scenario, and runs only what is missing.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import csv
import fcntl
import functools
import itertools
import math
import multiprocessing
import os
import re
import shutil
import time
import tomllib
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import Enum
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from scipy import stats

from . import __version__
from .scenario import ScenarioError, StormScenario, parse_path

KEY_REPLICATION = "replication"
ALL_CHANNELS = "all_channels"  # prefix of the arrival-weighted figures over every channel
PARQUET_FLUSH_ROWS = 500  # a Parquet part is written after this many rows…
PARQUET_FLUSH_SECONDS = 2.0  # …or after this long, whichever comes first
PARQUET_ROW_GROUP = 10_000  # rows per row group in the merged file
READ_BATCH = 50_000  # rows per batch when reading results back
DEFAULT_WINDOW_PER_WORKER = 16  # runs in flight per worker (ordered output, bounded memory)
CONFIDENCE = 0.95


class ExperimentError(Exception):
    """Bad experiment input, or an output or backend that cannot be used.

    ``problems`` holds one line per problem; nothing has been run or written when it is raised
    before a sweep starts.
    """

    def __init__(self, problems: str | Sequence[str]):
        self.problems = [problems] if isinstance(problems, str) else [str(p) for p in problems]
        super().__init__("\n".join(self.problems))


def scenario_problems(error: ScenarioError, context: str, path: str = "") -> list[str]:
    """A scenario's problems as lines prefixed with where they came from (``--grid …``).

    The field path is left out when it is ``path`` itself (the context already names it).
    """
    return [
        f"{context}: {p.message}" if p.path in ("", path) else f"{context}: {p.path}: {p.message}"
        for p in error.problems
    ]


# --- Grid ----------------------------------------------------------------------------------
_RANGE = re.compile(r"^\s*([-+]?[\d_.eE+-]+)\s*:\s*([-+]?[\d_.eE+-]+)\s*:\s*([-+]?[\d_.eE+-]+)\s*$")
MAX_RANGE_VALUES = 100_000


def parse_value(text: str) -> Any:
    """A grid value as TOML reads it (``6``, ``0.5``, ``true``, ``{…}``, ``"x"``), else the text."""
    text = text.strip()
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def split_values(text: str) -> list[str]:
    """Split ``a,b,{ x = 1, y = 2 }`` at the commas that are outside braces, brackets and quotes."""
    out, depth, quote, start = [], 0, "", 0
    for i, ch in enumerate(text):
        if quote:
            if ch == quote and text[i - 1] != "\\":
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        elif ch == "," and depth == 0:
            out.append(text[start:i])
            start = i + 1
    out.append(text[start:])
    return [v.strip() for v in out if v.strip()]


def expand_range(text: str) -> list[str] | None:
    """``6:14:2`` → ``["6", "8", …, "14"]`` (stop included when on the grid); None if not a range.

    Raises ValueError for a step ≤ 0 or more than ``MAX_RANGE_VALUES`` values.

    Integers stay integers; decimals are stepped exactly (``0.1:0.3:0.1`` → 0.1, 0.2, 0.3).
    """
    m = _RANGE.match(text)
    if not m:
        return None
    try:
        a, b, step = (Decimal(x.replace("_", "")) for x in m.groups())
    except InvalidOperation:
        return None
    if step <= 0:
        raise ValueError(f"range {text.strip()}: step must be > 0")
    n = int((b - a) / step) + 1 if b >= a else 0
    if n > MAX_RANGE_VALUES:
        raise ValueError(f"range {text.strip()}: {n:,} values is more than {MAX_RANGE_VALUES:,}")
    values = [a + k * step for k in range(max(n, 0))]
    integral = all(x == x.to_integral_value() for x in (a, b, step))
    return [str(int(v)) if integral else format(v.normalize(), "f") for v in values]


def value_at(document: Mapping, path: str) -> Any:
    """The value at a dotted path of a scenario's ``to_toml_dict()`` (shifts by name or index)."""
    node: Any = document
    for part in parse_path(path) or []:
        if isinstance(node, list):
            if isinstance(part, int) or str(part).isdigit():
                node = node[int(part)]
            else:
                node = next(item for item in node if item.get("name") == part)
        else:
            node = node[part]
    return node


def column_value(value: Any, text: str) -> bool | int | float | str:
    """What a grid value looks like in a results column: scalars as they are, else the text."""
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, bool | int | float | str):
        return value
    return text.strip()


@dataclass(frozen=True)
class GridAxis:
    """One dimension of a sweep: a scenario field (dotted path) and the values it takes.

    ``values`` are what the scenario file would hold (TOML values); ``columns`` what the results
    table shows for each (the validated value when it is a scalar, else the text as given).
    """

    path: str
    values: tuple[Any, ...]
    columns: tuple[bool | int | float | str, ...]

    @classmethod
    def parse(cls, spec: str, scenario: StormScenario) -> GridAxis:
        """``path=a:b:step`` or ``path=v1,v2,…``, each value checked against ``scenario``."""
        path, sep, rest = spec.partition("=")
        path = path.strip()
        if not sep or not path:
            raise ExperimentError(
                f"--grid {spec}: expected PATH=VALUES, e.g. shifts.weekday_day.reps=6:14:2"
            )
        if parse_path(path) is None:
            raise ExperimentError(
                f"--grid {spec}: {path!r} is not a dotted path such as shifts.weekday_day.reps"
            )
        try:
            texts = expand_range(rest)
        except ValueError as e:
            raise ExperimentError(f"--grid {spec}: {e}") from None
        if texts is None:
            texts = split_values(rest)
        if not texts:
            raise ExperimentError(
                f"--grid {spec}: no values (write {path}=a:b:step or {path}=v1,v2)"
            )
        if len(set(texts)) != len(texts):
            raise ExperimentError(f"--grid {spec}: a value is listed more than once")
        values, columns, problems, seen = [], [], [], set()
        for text in texts:
            value = parse_value(text)
            try:
                variant = scenario.with_overrides({path: value})
            except ScenarioError as e:
                for p in e.problems:  # one line per distinct problem, not one per value
                    if (p.path, p.message) not in seen:
                        seen.add((p.path, p.message))
                        problems += scenario_problems(
                            ScenarioError([p]), f"--grid {path}={text}", path
                        )
                continue
            values.append(value)
            columns.append(column_value(value_at(variant.to_toml_dict(), path), text))
        if problems:
            raise ExperimentError(problems)
        return cls(path, tuple(values), tuple(columns))


@dataclass(frozen=True)
class Configuration:
    """One point of the grid: its index (grid order, last axis fastest) and field values."""

    index: int
    overrides: dict[str, Any]
    columns: dict[str, bool | int | float | str]

    @property
    def key(self) -> tuple[str, ...]:
        return tuple(str(v) for v in self.columns.values())


@dataclass(frozen=True)
class RunTask:
    """One simulation of a sweep: configuration × replication, with its derived seed."""

    config: Configuration
    replication: int
    seed: int

    @property
    def key(self) -> tuple[str, ...]:
        return (*self.config.key, str(self.replication))


@functools.lru_cache(maxsize=1 << 16)
def derive_seed(base_seed: int, replication: int, config_index: int | None = None) -> int:
    """The seed of a run: ``SeedSequence([base_seed, (config,) replication])`` → one uint32."""
    entropy = (
        [base_seed, replication] if config_index is None else [base_seed, config_index, replication]
    )
    return int(np.random.SeedSequence(entropy).generate_state(1)[0])


@dataclass
class Sweep:
    """A grid of scenario variants × ``replications`` seeds (see the module docstring)."""

    scenario: StormScenario
    axes: tuple[GridAxis, ...]
    replications: int
    base_seed: int
    common_random_numbers: bool = True
    _sha: dict[int, str] = field(default_factory=dict, repr=False)

    @classmethod
    def build(
        cls,
        scenario: StormScenario,
        grid: Sequence[str],
        replications: int,
        base_seed: int | None = None,
        *,
        common_random_numbers: bool = True,
    ) -> Sweep:
        """Parse ``--grid`` specs, check every combination; raises :class:`ExperimentError`."""
        if replications < 1:
            raise ExperimentError(f"--seeds {replications}: must be at least 1")
        axes = tuple(GridAxis.parse(spec, scenario) for spec in grid)
        paths = [a.path for a in axes]
        repeated = sorted({p for p in paths if paths.count(p) > 1})
        if repeated:
            raise ExperimentError(
                f"--grid {repeated[0]}: given more than once; list its values in one --grid"
            )
        sweep = cls(
            scenario,
            axes,
            replications,
            scenario.info.seed if base_seed is None else base_seed,
            common_random_numbers,
        )
        sweep.validate()
        return sweep

    @property
    def paths(self) -> list[str]:
        return [a.path for a in self.axes]

    @property
    def key_columns(self) -> list[str]:
        return [*self.paths, KEY_REPLICATION]

    @property
    def n_configurations(self) -> int:
        return math.prod(len(a.values) for a in self.axes)

    @property
    def n_runs(self) -> int:
        return self.n_configurations * self.replications

    def configurations(self) -> Iterator[Configuration]:
        ranges = [range(len(a.values)) for a in self.axes]
        for index, picks in enumerate(itertools.product(*ranges)):
            yield Configuration(
                index,
                {a.path: a.values[i] for a, i in zip(self.axes, picks, strict=True)},
                {a.path: a.columns[i] for a, i in zip(self.axes, picks, strict=True)},
            )

    def scenario_for(self, config: Configuration) -> StormScenario:
        return self.scenario.with_overrides(config.overrides) if config.overrides else self.scenario

    def validate(self) -> None:
        """Build every combination once (values may clash jointly, e.g. shares); keep its hash."""
        problems: list[str] = []
        for config in self.configurations():
            try:
                self._sha[config.index] = self.scenario_for(config).sha256
            except ScenarioError as e:
                where = ", ".join(f"{p}={v}" for p, v in config.columns.items())
                problems += scenario_problems(e, f"--grid combination {where}")
                if len(problems) >= 10:
                    break
        if problems:
            raise ExperimentError(problems)

    def seed(self, config: Configuration, replication: int) -> int:
        return derive_seed(
            self.base_seed, replication, None if self.common_random_numbers else config.index
        )

    def tasks(self) -> Iterator[RunTask]:
        """Every run, configuration-major."""
        for config in self.configurations():
            for r in range(self.replications):
                yield RunTask(config, r, self.seed(config, r))

    def expected(self) -> dict[tuple[str, ...], tuple[int, str]]:
        """Key → (seed, scenario_sha256) of every run (to check rows found on resume)."""
        return {t.key: (t.seed, self._sha[t.config.index]) for t in self.tasks()}


# --- Running one simulation (in a worker) --------------------------------------------------
def flatten_kpis(kpis: Mapping[str, Any]) -> dict[str, Any]:
    """The KPI dict as one flat row: ``channels.twitter.service_level`` → ``twitter.service_level``.

    Lists (run warnings) become one ``"; "``-joined string.
    """
    row: dict[str, Any] = {}
    for key, value in kpis.items():
        if key == "channels":
            for channel, figures in value.items():
                for name, v in figures.items():
                    row[f"{channel}.{name}"] = v
        elif isinstance(value, Mapping):
            for name, v in flatten_kpis(value).items():
                row[f"{key}.{name}"] = v
        elif isinstance(value, list | tuple):
            row[key] = "; ".join(str(v) for v in value)
        else:
            row[key] = value
    return row


def simulate_row(scenario: StormScenario, seed: int) -> dict[str, Any]:
    """Run ``scenario`` with ``seed`` and return its flattened KPIs (runs in a worker)."""
    from . import run

    return flatten_kpis(run(scenario, seed=seed).kpis)


def kpi_columns(scenario: StormScenario) -> list[str]:
    """The KPI columns a sweep of ``scenario`` writes, and the ``all_channels.*`` figures the
    summary derives — from a run of its first minutes, so a misspelled ``--kpi`` is refused
    before the sweep starts."""
    short = scenario.with_overrides(
        {
            "scenario.duration_hours": 1 / 60,
            "scenario.warmup_hours": 0,
            "scenario.max_complaints": 1,
        }
    )
    columns = list(simulate_row(short, 0))
    channels = channels_of(columns)
    derived = [
        f"{ALL_CHANNELS}.{k}"
        for k in ("service_level", "abandon_rate", "p_wait", "same_day_rate", "wait_mean_min")
    ]
    return columns + (derived if channels else [])


def check_kpis(kpis: Sequence[str], columns: Sequence[str]) -> None:
    """Raise :class:`ExperimentError` naming the first KPI that is not a column, with a
    did-you-mean."""
    import difflib

    for k in kpis:
        if k not in columns:
            close = difflib.get_close_matches(k, columns, n=1, cutoff=0.6)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise ExperimentError(
                f"--kpi {k}: not a KPI column ({hint}e.g. cost, churned, "
                f"all_channels.service_level, twitter.service_level)"
            )


def worker_model_version() -> str:
    """The model version a worker runs (checked against ours before a Dask sweep)."""
    return __version__


# --- Backends ------------------------------------------------------------------------------
class InlineExecutor(cf.Executor):
    """Runs each call in the calling process at submit time (the 1-worker backend)."""

    def submit(self, fn, /, *args, **kwargs):
        future: cf.Future = cf.Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as e:  # delivered through the future, like a process pool
            future.set_exception(e)
        return future


def exit_with_sweep(sweep_pid: int, poll_s: float = 1.0) -> None:
    """In a worker: exit when the sweep process that started the pool is gone.

    A sweep killed with -9 cannot shut its pool down, and forkserver workers are children of
    the fork server (which they keep alive), so they watch the sweep's process id instead.
    """
    import threading

    def watch() -> None:
        while True:
            time.sleep(poll_s)
            try:
                os.kill(sweep_pid, 0)
            except (ProcessLookupError, PermissionError):  # gone, or the id was reused
                os._exit(1)

    threading.Thread(target=watch, name="exit-with-sweep", daemon=True).start()


def _process_context():
    """forkserver where available (no fork of a threaded parent), else spawn; ``sim`` preloaded."""
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["sim.experiments"])
        return ctx
    return multiprocessing.get_context("spawn")


class Backend:
    """Where runs execute, behind one :class:`concurrent.futures.Executor`.

    ``open_backend(workers=N)``: local processes (``N = 1`` runs in this process);
    ``open_backend(scheduler="tcp://host:8786")``: a Dask ``distributed`` cluster through
    ``Client.get_executor`` — the sweep code does not know which.
    """

    def __init__(
        self,
        executor: cf.Executor,
        workers: int,
        description: str,
        close: Callable[[], None] | None = None,
    ):
        self.executor = executor
        self.workers = workers
        self.description = description
        self._close = close

    def close(self) -> None:
        if isinstance(self.executor, cf.ProcessPoolExecutor):
            self.executor.shutdown(wait=False, cancel_futures=True)
        else:
            self.executor.shutdown(wait=False)
        if self._close is not None:
            self._close()

    def __enter__(self) -> Backend:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def default_workers() -> int:
    """Local workers by default: the CPUs this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def open_backend(
    workers: int | None = None, scheduler: str | None = None, *, connect_timeout_s: float = 10.0
) -> Backend:
    """Local processes (default: one per CPU) or the Dask scheduler at ``scheduler``.

    Raises :class:`ExperimentError` if the scheduler cannot be reached in ``connect_timeout_s``
    or its workers run another model version.
    """
    if scheduler:
        return _dask_backend(scheduler, connect_timeout_s)
    n = default_workers() if workers is None else workers
    if n < 1:
        raise ExperimentError(f"--workers {n}: must be at least 1")
    if n == 1:
        return Backend(InlineExecutor(), 1, "1 local process")
    pool = cf.ProcessPoolExecutor(
        max_workers=n,
        mp_context=_process_context(),
        initializer=exit_with_sweep,
        initargs=(os.getpid(),),
    )
    return Backend(pool, n, f"{n} local processes")


def _dask_backend(address: str, timeout_s: float) -> Backend:
    import logging

    from distributed import Client

    # distributed logs each failed connection attempt; our one-line error says it all.
    logging.getLogger("distributed").setLevel(logging.CRITICAL)
    try:
        client = Client(address, timeout=timeout_s, set_as_default=False)
    except (OSError, ValueError, TypeError) as e:
        reason = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise ExperimentError(
            f"--scheduler {address}: cannot reach the Dask scheduler ({reason})"
        ) from None
    logging.getLogger("distributed").setLevel(logging.WARNING)
    try:
        versions = client.run(worker_model_version)
    except Exception as e:  # a worker without stormdesk installed cannot unpickle the call
        client.close()
        raise ExperimentError(
            f"--scheduler {address}: workers cannot run stormdesk ({type(e).__name__}: {e})"
            "; install it on every worker machine"
        ) from None
    if not versions:
        client.close()
        raise ExperimentError(
            f"--scheduler {address}: the scheduler has no workers; start some with "
            f"`dask worker {address}`"
        )
    other = sorted({v for v in versions.values() if v != __version__})
    if other:
        client.close()
        raise ExperimentError(
            f"--scheduler {address}: workers run stormdesk {', '.join(other)}, "
            f"this machine {__version__}; install the same version everywhere"
        )
    threads = sum(client.nthreads().values())
    return Backend(
        client.get_executor(pure=False),
        threads,
        f"Dask at {address} ({len(versions)} workers, {threads} threads)",
        client.close,
    )


def run_ordered(
    executor: cf.Executor, fn: Callable, jobs: Iterable[tuple[Any, tuple]], window: int
) -> Iterator[tuple[Any, Any]]:
    """Run ``fn(*args)`` for each ``(tag, args)`` of ``jobs``; yield ``(tag, result)`` in order.

    At most ``window`` calls are in flight, so a long sweep holds a bounded number of results;
    the output order is the input order whatever the backend and worker count. On error or
    interruption the calls still pending are cancelled.
    """
    pending: deque[tuple[Any, cf.Future]] = deque()
    jobs = iter(jobs)
    try:
        for tag, args in itertools.islice(jobs, window):
            pending.append((tag, executor.submit(fn, *args)))
        while pending:
            tag, future = pending.popleft()
            result = future.result()
            for next_tag, args in itertools.islice(jobs, 1):
                pending.append((next_tag, executor.submit(fn, *args)))
            yield tag, result
    finally:
        for _, future in pending:
            future.cancel()


# --- Results files -------------------------------------------------------------------------
def check_writable(path: Path, what: str = "--out") -> None:
    """Raise :class:`ExperimentError` unless ``path`` can be created (creates nothing)."""
    if path.is_dir():
        raise ExperimentError(f"{what} {path}: is a folder, not a file")
    parent = path.parent
    ancestor = parent
    while not ancestor.exists():
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise ExperimentError(f"{what} {path}: {ancestor} is not a folder")
    if not os.access(ancestor, os.W_OK | os.X_OK) or (
        path.exists() and not os.access(path, os.W_OK)
    ):
        raise ExperimentError(f"{what} {path}: not writable (permission denied)")


def _keys(table: pa.Table) -> set[tuple[str, ...]]:
    return set(table.to_pandas().astype(str).itertuples(index=False, name=None))


def _arrow_type(value: Any) -> pa.DataType:
    if isinstance(value, bool):
        return pa.bool_()
    if isinstance(value, int):
        return pa.int64()
    if isinstance(value, str):
        return pa.string()
    return pa.float64()  # floats, and None (every nullable KPI is a float)


class ResultsStore:
    """Rows of a sweep on disk: resume bookkeeping, appends, and reading back in batches."""

    def __init__(self, path: Path, key_columns: Sequence[str]):
        self.path = path
        self.key_columns = list(key_columns)
        self._lock_file = None

    @staticmethod
    def for_path(path: str | Path, key_columns: Sequence[str]) -> ResultsStore:
        p = Path(path)
        if p.suffix == ".parquet":
            return ParquetStore(p, key_columns)
        if p.suffix == ".csv":
            return CsvStore(p, key_columns)
        raise ExperimentError(f"--out {p}: use a .parquet or .csv file name")

    # Subclasses add open(), append(row), flush() and finish().
    def exists(self) -> bool:
        raise NotImplementedError

    def read(self, columns: Sequence[str] | None = None) -> Iterator[pd.DataFrame]:
        raise NotImplementedError

    def columns(self) -> list[str]:
        raise NotImplementedError

    def finished(self) -> dict[tuple[str, ...], tuple[int, str, str]]:
        """Key → (seed, scenario_sha256, model_version) of every row on disk."""
        if not self.exists():
            return {}
        have = self.columns()
        need = [*self.key_columns, "seed", "scenario_sha256", "model_version"]
        missing = [c for c in need if c not in have]
        if missing:
            raise ExperimentError(
                f"--out {self.path}: exists but holds another kind of table (no column "
                f"{missing[0]!r}); choose another --out or delete it"
            )
        out: dict[tuple[str, ...], tuple[int, str, str]] = {}
        for frame in self.read(need):
            keys = frame[self.key_columns].astype(str).itertuples(index=False, name=None)
            info = zip(
                frame["seed"].astype("int64"),
                frame["scenario_sha256"],
                frame["model_version"],
                strict=True,
            )
            for key, (seed, sha, version) in zip(keys, info, strict=True):
                if key in out:
                    raise ExperimentError(
                        f"--out {self.path}: holds the run {key} twice; it was written "
                        "by two sweeps at once — delete it and run again"
                    )
                out[key] = (int(seed), str(sha), str(version))
        return out

    def lock(self) -> None:
        """Refuse a second sweep writing the same file at the same time (released on exit)."""
        lock_path = self.path.with_name(f".{self.path.name}.lock")
        self._lock_file = open(lock_path, "w")  # noqa: SIM115 — held until finish()/release()
        try:
            fcntl.flock(self._lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._lock_file.close()
            self._lock_file = None
            raise ExperimentError(
                f"--out {self.path}: another sweep is writing it right now"
            ) from None

    def release(self) -> None:
        if self._lock_file is not None:
            self._lock_file.close()
            self._lock_file = None
            with contextlib.suppress(FileNotFoundError):
                self.path.with_name(f".{self.path.name}.lock").unlink()


class CsvStore(ResultsStore):
    """CSV rows appended and flushed one by one; a half-written last line is cut on resume."""

    _file = None
    _writer = None

    def exists(self) -> bool:
        return self.path.exists() and self.path.stat().st_size > 0

    def columns(self) -> list[str]:
        with open(self.path, newline="") as f:
            return next(csv.reader(f), [])

    def read(self, columns=None) -> Iterator[pd.DataFrame]:
        if not self.exists():
            return
        usecols = list(columns) if columns is not None else None
        yield from pd.read_csv(
            self.path, usecols=usecols, chunksize=READ_BATCH, keep_default_na=True, na_values=[""]
        )

    def _cut_partial_line(self) -> None:
        with open(self.path, "rb+") as f:
            f.seek(0, os.SEEK_END)
            size = f.tell()
            if size == 0:
                return
            f.seek(size - 1)
            if f.read(1) == b"\n":
                return
            # Walk back to the last newline: everything after it is a row cut off by a kill.
            pos = size
            while pos > 0:
                step = min(65536, pos)
                f.seek(pos - step)
                chunk = f.read(step)
                nl = chunk.rfind(b"\n")
                if nl >= 0:
                    f.truncate(pos - step + nl + 1)
                    return
                pos -= step
            f.truncate(0)

    def finished(self):
        if self.exists():
            self._cut_partial_line()
        return super().finished()

    def open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.lock()
        self._header = self.columns() if self.exists() else None
        self._file = open(self.path, "a", newline="")  # noqa: SIM115 — closed in finish()

    def append(self, row: Mapping[str, Any]) -> None:
        if self._writer is None:
            if self._header is None:
                self._header = list(row)
                self._writer = csv.DictWriter(self._file, fieldnames=self._header)
                self._writer.writeheader()
            else:
                self._writer = csv.DictWriter(self._file, fieldnames=self._header)
        extra = [k for k in row if k not in self._header]
        if extra:
            raise ExperimentError(
                f"--out {self.path}: its columns differ from this sweep's ({extra[0]!r} "
                "is new); choose another --out"
            )
        self._writer.writerow(row)
        self._file.flush()

    def flush(self) -> None:
        if self._file is not None:
            self._file.flush()

    def finish(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        self.release()


class ParquetStore(ResultsStore):
    """Parquet: rows journalled as atomic part files in ``<out>.parts/``, merged at the end."""

    def __init__(self, path: Path, key_columns: Sequence[str]):
        super().__init__(path, key_columns)
        self.parts_dir = path.with_name(path.name + ".parts")
        self._buffer: list[dict] = []
        self._schema: pa.Schema | None = None
        self._last_flush = time.monotonic()
        self._next_part = 0

    def sources(self) -> list[Path]:
        """The merged file (if any), then the parts in the order they were written."""
        found = [self.path] if self.path.exists() else []
        if self.parts_dir.is_dir():
            found += sorted(self.parts_dir.glob("part-*.parquet"))
        return found

    def exists(self) -> bool:
        return bool(self.sources())

    def columns(self) -> list[str]:
        source = self.sources()[0]
        try:
            return list(pq.read_schema(source).names)
        except (pa.ArrowInvalid, OSError) as e:
            raise ExperimentError(
                f"--out {self.path}: {source.name} is not readable Parquet ({e})"
            ) from None

    def read(self, columns=None) -> Iterator[pd.DataFrame]:
        for source in self.sources():
            try:
                pf = pq.ParquetFile(source)
            except (pa.ArrowInvalid, OSError) as e:
                raise ExperimentError(
                    f"--out {self.path}: {source.name} is not readable Parquet ({e})"
                ) from None
            for batch in pf.iter_batches(
                batch_size=READ_BATCH, columns=list(columns) if columns else None
            ):
                yield batch.to_pandas()

    def finished(self):
        self._drop_stale_parts()
        return super().finished()

    def _drop_stale_parts(self) -> None:
        """Remove temp files, and parts already inside the merged file (a merge interrupted
        between replacing ``<out>`` and removing the parts leaves them behind)."""
        if not self.parts_dir.is_dir():
            return
        for tmp in self.parts_dir.glob("*.tmp"):
            tmp.unlink()
        if not self.path.exists():
            return
        columns = [c for c in self.key_columns if c in pq.read_schema(self.path).names]
        if len(columns) != len(self.key_columns):
            return  # another kind of table: finished() says so
        merged = _keys(pq.read_table(self.path, columns=columns))
        for part in sorted(self.parts_dir.glob("part-*.parquet")):
            if _keys(pq.read_table(part, columns=columns)) <= merged:
                part.unlink()

    def open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.lock()
        self.parts_dir.mkdir(exist_ok=True)
        sources = self.sources()
        if sources:
            self._schema = pq.read_schema(sources[0])
        numbers = [int(p.stem.split("-")[1]) for p in self.parts_dir.glob("part-*.parquet")]
        self._next_part = max(numbers, default=-1) + 1

    def append(self, row: Mapping[str, Any]) -> None:
        if self._schema is None:
            self._schema = pa.schema([(k, _arrow_type(v)) for k, v in row.items()])
        extra = [k for k in row if k not in self._schema.names]
        if extra:
            raise ExperimentError(
                f"--out {self.path}: its columns differ from this sweep's ({extra[0]!r} "
                "is new); choose another --out"
            )
        self._buffer.append(dict(row))
        if (
            len(self._buffer) >= PARQUET_FLUSH_ROWS
            or time.monotonic() - self._last_flush >= PARQUET_FLUSH_SECONDS
        ):
            self.flush()

    def flush(self) -> None:
        """Write the buffered rows as one part file, atomically (a kill leaves no half part)."""
        self._last_flush = time.monotonic()
        if not self._buffer:
            return
        table = pa.Table.from_pylist(self._buffer, schema=self._schema)
        final = self.parts_dir / f"part-{self._next_part:06d}.parquet"
        tmp = final.with_suffix(".tmp")
        pq.write_table(table, tmp)
        os.replace(tmp, final)
        self._next_part += 1
        self._buffer.clear()

    def finish(self) -> None:
        """Flush, merge the merged file and the parts into ``<out>``, remove the parts."""
        self.flush()
        sources = self.sources()
        if sources and (len(sources) > 1 or sources[0] != self.path):
            tmp = self.path.with_name(f".{self.path.name}.merging")
            schema = self._schema or pq.read_schema(sources[0])
            with pq.ParquetWriter(tmp, schema) as writer:
                pending: list[pa.RecordBatch] = []
                rows = 0
                for source in sources:
                    for batch in pq.ParquetFile(source).iter_batches(batch_size=PARQUET_ROW_GROUP):
                        pending.append(
                            pa.Table.from_batches([batch]).cast(schema).to_batches()[0]
                            if batch.schema != schema
                            else batch
                        )
                        rows += batch.num_rows
                        if rows >= PARQUET_ROW_GROUP:
                            writer.write_table(pa.Table.from_batches(pending, schema=schema))
                            pending, rows = [], 0
                if pending:
                    writer.write_table(pa.Table.from_batches(pending, schema=schema))
            os.replace(tmp, self.path)
        if self.parts_dir.is_dir():
            shutil.rmtree(self.parts_dir)
        self.release()


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


# --- Summaries -----------------------------------------------------------------------------
def add_all_channels(frame: pd.DataFrame, channels: Sequence[str]) -> pd.DataFrame:
    """Arrival-weighted figures over every channel: ``all_channels.service_level`` etc."""
    arrived = sum(frame[f"{c}.arrived"].fillna(0) for c in channels)
    for kpi in ("service_level", "abandon_rate", "p_wait", "same_day_rate", "wait_mean_min"):
        cols = [f"{c}.{kpi}" for c in channels]
        if all(col in frame for col in cols):
            weighted = sum(
                frame[col].fillna(0) * frame[f"{c}.arrived"].fillna(0)
                for c, col in zip(channels, cols, strict=True)
            )
            frame[f"{ALL_CHANNELS}.{kpi}"] = (weighted / arrived).where(arrived > 0)
    return frame


def channels_of(columns: Iterable[str]) -> list[str]:
    """Channel names in a results table (those with an ``<channel>.arrived`` column)."""
    return [
        c.removesuffix(".arrived")
        for c in columns
        if c.endswith(".arrived") and not c.startswith(f"{ALL_CHANNELS}.")
    ]


def default_kpis(columns: Sequence[str]) -> list[str]:
    """KPIs summarised when none are asked for: service and abandonment, cost, customer harm."""
    channels = channels_of(columns)
    kpis = [f"{ALL_CHANNELS}.service_level", f"{ALL_CHANNELS}.abandon_rate"]
    if len(channels) <= 3:
        kpis += [f"{c}.service_level" for c in channels if len(channels) > 1]
    kpis += ["escalated_public", "churned", "cost"]
    return kpis


def t_halfwidth(sd: np.ndarray, n: np.ndarray, confidence: float = CONFIDENCE) -> np.ndarray:
    """Half-width of the t confidence interval of a mean (NaN with fewer than 2 values)."""
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        q = stats.t.ppf(0.5 + confidence / 2, np.where(n > 1, n - 1, np.nan))
        return q * np.asarray(sd, dtype=float) / np.sqrt(n)


def summarize(
    path: str | Path, paths: Sequence[str], kpis: Sequence[str] | None = None
) -> pd.DataFrame:
    """Mean and 95% CI (t-distribution over replications) of ``kpis`` per configuration.

    Reads ``path`` in batches (never the whole file at once; a sweep still running or
    interrupted is summarised from the rows it has). Columns: the grid paths, ``runs``, and
    for each KPI ``<kpi>`` (mean) and ``<kpi>_ci95`` (half-width). ``all_channels.<kpi>`` are
    arrival-weighted over every channel, computed per run.
    """
    store = ResultsStore.for_path(path, paths)
    if not store.exists():
        raise ExperimentError(f"{path}: no results yet")
    columns = store.columns()
    channels = channels_of(columns)
    kpis = list(kpis) if kpis else default_kpis(columns)
    derived = {k for k in kpis if k.startswith(f"{ALL_CHANNELS}.")}
    unknown = [k for k in kpis if k not in columns and k not in derived]
    if unknown:
        raise ExperimentError(
            f"--kpi {unknown[0]}: not a column of {path} (e.g. {', '.join(columns[-6:])})"
        )
    needed = set(paths) | {k for k in kpis if k not in derived}
    if derived:
        needed |= {f"{c}.{k.split('.', 1)[1]}" for c in channels for k in derived} | {
            f"{c}.arrived" for c in channels
        }
    needed = [c for c in columns if c in needed]
    # Chan et al.'s pairwise update of (n, mean, M2) per configuration and KPI, batch by batch.
    state: dict[str, Any] | None = None
    for frame in store.read(needed):
        frame = add_all_channels(frame, channels) if derived else frame
        values = frame[kpis].apply(pd.to_numeric, errors="coerce").astype(float)
        keys = [frame[p] for p in paths] if paths else [pd.Series(0, index=frame.index, name="_")]
        grouped = values.groupby(keys, sort=False, dropna=False)
        n = grouped.count()
        part = {
            "runs": grouped.size(),
            "n": n,
            "mean": grouped.mean(),
            "m2": grouped.var(ddof=0) * n,
        }
        state = part if state is None else _combine(state, part)
    if state is None:
        raise ExperimentError(f"{path}: no results yet")
    n = state["n"]
    out = pd.DataFrame({"runs": state["runs"].astype(int)}, index=state["runs"].index)
    sd = np.sqrt(state["m2"] / (n - 1).where(n > 1))
    for k in kpis:
        out[k] = state["mean"][k].where(n[k] > 0)
        out[f"{k}_ci95"] = t_halfwidth(sd[k].to_numpy(), n[k].to_numpy())
    out = out.reset_index()
    if paths:
        return out.sort_values(list(paths), kind="stable").reset_index(drop=True)
    return out.drop(columns=["_"])


def _combine(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """Merge two partial (runs, n, mean, M2) summaries (Chan, Golub & LeVeque 1979)."""
    idx = a["runs"].index.union(b["runs"].index, sort=False)
    a = {k: v.reindex(idx) for k, v in a.items()}
    b = {k: v.reindex(idx) for k, v in b.items()}
    na, nb = a["n"].fillna(0), b["n"].fillna(0)
    ma, mb = a["mean"].fillna(0), b["mean"].fillna(0)
    n = na + nb
    delta = mb - ma
    safe_n = n.where(n > 0)
    return {
        "runs": a["runs"].fillna(0) + b["runs"].fillna(0),
        "n": n,
        "mean": ma + delta * nb / safe_n,
        "m2": a["m2"].fillna(0) + b["m2"].fillna(0) + delta**2 * na * nb / safe_n,
    }


__all__ = [
    "Backend",
    "Configuration",
    "ExperimentError",
    "GridAxis",
    "ResultsStore",
    "RunTask",
    "Sweep",
    "SweepOutcome",
    "derive_seed",
    "flatten_kpis",
    "open_backend",
    "paired_ratio",
    "prepare_output",
    "run_ordered",
    "run_sweep",
    "simulate_row",
    "summarize",
]
