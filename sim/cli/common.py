"""What every ``stormdesk`` command shares: exit codes, consoles, the scenario library and
the helpers that turn bad input into one line per problem and exit status 2.

Light on purpose (click and rich only): ``stormdesk --help`` and ``stormdesk erlang`` import it.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.console import Console

from ..library import LIBRARY

if TYPE_CHECKING:
    import pandas as pd

    from ..scenario import ScenarioError

__all__ = [
    "EXIT_BAD_INPUT", "EXIT_FAILED", "EXIT_INTERRUPTED", "LIBRARY", "PLOT_SUFFIXES",
    "TABLE_SUFFIXES", "DelayedProgress", "RunProgress", "apply_settings", "check_output", "err",
    "fail", "fail_bad_input", "load", "load_or_exit", "notes", "out", "resolve_scenario_path",
    "write_table",
]  # fmt: skip

EXIT_FAILED = 1  # a run or a worker failed
EXIT_BAD_INPUT = 2  # a scenario, an option or a file is wrong: one line per problem on stderr
EXIT_INTERRUPTED = 130  # Ctrl-C

# sim.scenario (pydantic, its models built on import) loads in the commands that read a
# scenario, so `stormdesk --help` and `stormdesk erlang` start without it.

err = Console(stderr=True)
notes = Console(stderr=True, soft_wrap=True)  # notes stay one line each, even in logs
# Tables fit the terminal; piped or captured output is 80 columns (or $COLUMNS).
out = Console()


def resolve_scenario_path(name: str) -> Path:
    """A path as given, or a library id such as ``product_recall``."""
    p = Path(name)
    if p.exists() or p.suffix == ".toml":
        return p
    candidate = LIBRARY / f"{name}.toml"
    return candidate if candidate.exists() else p


def fail_bad_input(error: ScenarioError) -> None:
    """Print one line per problem on stderr and exit 2 (no traceback)."""
    for problem in error.problems:
        click.echo(str(problem), err=True)
    sys.exit(EXIT_BAD_INPUT)


def load_or_exit(name: str):
    path = resolve_scenario_path(name)
    if not path.exists() and path.suffix != ".toml" and len(path.parts) == 1:
        import difflib

        ids = sorted(p.stem for p in LIBRARY.glob("*.toml"))
        close = difflib.get_close_matches(name, ids, n=1, cutoff=0.6)
        hint = f"did you mean {close[0]!r}? " if close else ""
        click.echo(
            f"{name}: no such file or library scenario ({hint}`stormdesk scenarios` lists them)",
            err=True,
        )
        sys.exit(EXIT_BAD_INPUT)
    from ..scenario import ScenarioError, load_scenario

    try:
        return load_scenario(path)
    except ScenarioError as e:
        fail_bad_input(e)


def apply_settings(spec, settings: tuple[str, ...]):
    """``spec`` with ``--set PATH=VALUE`` changes, checked as a whole; exit 2 on a bad one."""
    if not settings:
        return spec
    from ..experiments import parse_value

    overrides = {}
    for item in settings:
        path, sep, value = item.partition("=")
        if not sep or not path.strip():
            click.echo(f"--set {item}: expected PATH=VALUE, e.g. shifts.night.reps=4", err=True)
            sys.exit(EXIT_BAD_INPUT)
        overrides[path.strip()] = parse_value(value)
    from ..scenario import ScenarioError

    try:
        return spec.with_overrides(overrides)
    except ScenarioError as e:
        fail_bad_input(e)


class DelayedProgress:
    """A progress bar on stderr that appears only once a run has taken more than a second."""

    def __init__(self, label: str, enabled: bool = True, delay_s: float = 1.0):
        self.label = label
        self.enabled = enabled and err.is_terminal
        self.delay_s = delay_s
        self.t0 = time.perf_counter()
        self._progress = None
        self._task = None

    def __call__(self, done: float, total: float) -> None:
        if not self.enabled:
            return
        if self._progress is None:
            if time.perf_counter() - self.t0 < self.delay_s:
                return
            from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

            self._progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                TextColumn("{task.percentage:>3.0f}%"),
                TimeRemainingColumn(),
                console=err,
                transient=True,
            )
            self._progress.start()
            self._task = self._progress.add_task(self.label, total=total)
        self._progress.update(self._task, completed=done)

    def close(self) -> None:
        if self._progress is not None:
            self._progress.stop()


def fail(problems: Sequence[str], status: int = EXIT_BAD_INPUT) -> None:
    """One line per problem on stderr, then exit (2: bad input)."""
    for problem in problems:
        click.echo(str(problem), err=True)
    sys.exit(status)


def load(name: str):
    """The scenario at a path or library id; exit 2 with its problems if it is broken."""
    return load_or_exit(name)


def check_output(path: str | None, what: str, suffixes: Sequence[str]) -> Path | None:
    """Exit 2 unless ``path`` has one of ``suffixes`` and can be written (creates nothing)."""
    if path is None:
        return None
    from ..experiments import ExperimentError, check_writable

    p = Path(path)
    if p.suffix.lower() not in suffixes:
        fail([f"{what} {p}: use a file name ending in {' or '.join(suffixes)}"])
    try:
        check_writable(p, what)
    except ExperimentError as e:
        fail(e.problems)
    return p


PLOT_SUFFIXES = (".png", ".svg", ".pdf")
TABLE_SUFFIXES = (".csv", ".parquet")


def write_table(frame: pd.DataFrame, path: Path) -> None:
    """CSV or Parquet by the file's extension (parent folders are created)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".parquet":
        frame.to_parquet(path, index=False)
    else:
        frame.to_csv(path, index=False)


class RunProgress:
    """Progress of many runs on stderr: a bar with ETA on a terminal, else a line per 10%."""

    def __init__(self, label: str, enabled: bool = True):
        self.label = label
        self.enabled = enabled
        self._bar = None
        self._task = None
        self._t0 = time.perf_counter()
        self._start_done: int | None = None
        self._next_tenth = 1

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        if self._start_done is None:
            self._start_done = done
        if notes.is_terminal:
            if self._bar is None:
                from rich.progress import (
                    BarColumn,
                    MofNCompleteColumn,
                    Progress,
                    TextColumn,
                    TimeElapsedColumn,
                    TimeRemainingColumn,
                )

                self._bar = Progress(
                    TextColumn("{task.description}"),
                    BarColumn(),
                    MofNCompleteColumn(),
                    TextColumn("runs"),
                    TimeElapsedColumn(),
                    TextColumn("ETA"),
                    TimeRemainingColumn(),
                    console=notes,
                )
                self._bar.start()
                self._task = self._bar.add_task(self.label, total=total, completed=done)
            self._bar.update(self._task, completed=done)
            return
        if total and done * 10 >= self._next_tenth * total:
            ran = done - self._start_done
            elapsed = time.perf_counter() - self._t0
            eta = elapsed / ran * (total - done) if ran else math.nan
            click.echo(
                f"{self.label}: {done:,}/{total:,} runs ({100 * done / total:.0f}%), "
                f"{elapsed:.0f} s, ETA {eta:.0f} s",
                err=True,
            )
            self._next_tenth = math.floor(done * 10 / total) + 1

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


def _open_backend(workers: int | None, scheduler: str | None, timeout: float):
    from ..experiments import ExperimentError, open_backend

    try:
        return open_backend(workers, scheduler, connect_timeout_s=timeout)
    except ExperimentError as e:
        fail(e.problems)


def _fmt_estimate(mean, ci, kpi: str) -> str:
    if mean is None or (isinstance(mean, float) and math.isnan(mean)):
        return "—"
    rate = kpi.rsplit(".", 1)[-1] in (
        "service_level",
        "abandon_rate",
        "p_wait",
        "same_day_rate",
        "occupancy",
        "csat",
    )
    ci_ok = ci is not None and not (isinstance(ci, float) and math.isnan(ci))
    if rate:
        text = f"{100 * mean:.1f}%"
        return text + (f" ± {100 * ci:.1f}" if ci_ok else "")
    digits = 0 if abs(mean) >= 100 else 2
    text = f"{mean:,.{digits}f}"
    return text + (f" ± {ci:,.{digits}f}" if ci_ok else "")
