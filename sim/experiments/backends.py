"""Running one simulation in a worker, and the backends that run many: local processes or Dask."""

from __future__ import annotations

import concurrent.futures as cf
import itertools
import multiprocessing
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from .. import __version__
from ..scenario import StormScenario
from .base import ALL_CHANNELS, ExperimentError
from .summaries import channels_of


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
    from .. import run

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
