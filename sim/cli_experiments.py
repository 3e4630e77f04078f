"""``stormdesk sweep``, ``stormdesk staff`` and ``stormdesk erlang``: the planner's commands.

Tables go to stdout, progress and notes to stderr; bad input is one line per problem on stderr
and exit status 2, before anything is run or written. ``sim.cli`` adds these commands with
``for c in COMMANDS: main.add_command(c)``. The experiment modules are imported when a command
runs, so ``stormdesk run`` does not pay for them.
"""

from __future__ import annotations

import json
import math
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    import pandas as pd

EXIT_BAD_INPUT = 2
EXIT_FAILED = 1
EXIT_INTERRUPTED = 130

err = Console(stderr=True, soft_wrap=True)  # notes stay one line each, even in logs
out = Console()


def fail(problems: Sequence[str], status: int = EXIT_BAD_INPUT) -> None:
    """One line per problem on stderr, then exit (2: bad input)."""
    for problem in problems:
        click.echo(str(problem), err=True)
    sys.exit(status)


def load(name: str):
    """The scenario at a path or library id; exit 2 with its problems if it is broken."""
    from .cli import load_or_exit

    return load_or_exit(name)


def check_output(path: str | None, what: str, suffixes: Sequence[str]) -> Path | None:
    """Exit 2 unless ``path`` has one of ``suffixes`` and can be written (creates nothing)."""
    if path is None:
        return None
    from .experiments import ExperimentError, check_writable

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
        if err.is_terminal:
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
                    console=err,
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
    from .experiments import ExperimentError, open_backend

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


def summary_tables(
    summary: pd.DataFrame,
    paths: Sequence[str],
    kpis: Sequence[str],
    title: str,
    width: int = 80,
    count: str = "runs",
) -> list[Table]:
    """Rich tables: one row per configuration, each KPI as mean ± 95% CI half-width; the KPIs
    are split over several tables so each fits ``width`` columns (grid fields repeat)."""
    heads = [p.rsplit(".", 2)[-2] + "." + p.rsplit(".", 1)[-1] if p.count(".") else p
             for p in paths]  # fmt: skip
    rows = summary.to_dict("records")  # iterrows would turn int columns into floats
    cells = {k: [_fmt_estimate(r[k], r.get(f"{k}_ci95"), k) for r in rows] for k in kpis}
    key_width = (
        sum(
            max(len(h), *(len(str(r[p])) for r in rows)) + 3
            for h, p in zip(heads, paths, strict=True)
        )
        + len(count)
        + 3
    )

    def col_width(k: str) -> int:
        label = k.replace("all_channels.", "all ")
        return max(min(len(label), 14), *(len(c) for c in cells[k])) + 3

    chunks: list[list[str]] = [[]]
    used = key_width
    for k in kpis:
        w = col_width(k)
        if chunks[-1] and used + w > width:
            chunks.append([])
            used = key_width
        chunks[-1].append(k)
        used += w
    tables = []
    for i, chunk in enumerate(chunks):
        part = f" ({i + 1}/{len(chunks)})" if len(chunks) > 1 else ""
        t = Table(title=title + part, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
        for h in heads:
            t.add_column(h, no_wrap=True)
        t.add_column(count, justify="right", no_wrap=True)
        for k in chunk:
            t.add_column(k.replace("all_channels.", "all "), justify="right", overflow="fold")
        for j, r in enumerate(rows):
            t.add_row(
                *[str(r[p]) for p in paths], f"{int(r[count])}", *[cells[k][j] for k in chunk]
            )
        tables.append(t)
    return tables


def _print_differences(path, plan, kpis: list[str], baseline: tuple[str, ...], as_json: bool):
    """The paired differences of every configuration against ``--baseline``."""
    from .experiments import ExperimentError, ResultsStore, paired_differences, parse_value

    base = {}
    for item in baseline:
        key, sep, value = item.partition("=")
        if not sep or key.strip() not in plan.paths:
            fail([f"--baseline {item}: give PATH=VALUE for a grid field ({', '.join(plan.paths)})"])
        base[key.strip()] = parse_value(value)
    import pandas as pd

    frame = pd.concat(list(ResultsStore.for_path(path, plan.paths).read()), ignore_index=True)
    try:
        diffs = paired_differences(frame, plan.paths, kpis, base)
    except ExperimentError as e:
        fail(e.problems)
    if as_json:
        click.echo(diffs.to_json(orient="records"))
        return
    renamed = diffs.rename(
        columns={f"{k}_diff{s}": f"Δ {k}{s}" for k in kpis for s in ("", "_ci95")}
    )
    shown = ", ".join(f"{p}={v}" for p, v in base.items())
    title = f"difference from {shown}, same storms (paired; rates in points): mean ± 95% CI"
    for table in summary_tables(
        renamed, plan.paths, [f"Δ {k}" for k in kpis], title, out.width, count="pairs"
    ):
        out.print(table)


# --- stormdesk sweep -----------------------------------------------------------------------
@click.command("sweep")
@click.argument("scenario")
@click.option(
    "--grid",
    "grid",
    multiple=True,
    metavar="PATH=VALUES",
    help="A scenario field by dotted path and its values: a:b:step (inclusive) or v1,v2,… "
    "as in the scenario file. Repeat for more dimensions.",
)
@click.option(
    "--replications",
    "--seeds",
    "seeds",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help="Replications (seeds) per configuration; --seeds is the same option.",
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print the summary (means and CI half-widths per configuration) as JSON on stdout.",
)
@click.option(
    "--baseline",
    multiple=True,
    metavar="PATH=VALUE",
    help="Also print each configuration's difference from this one (one --baseline per grid "
    "field), replication by replication: the same storms, so the CI is narrow.",
)
@click.option(
    "--base-seed",
    type=int,
    default=None,
    help="Seed the replications derive from (default: the scenario's seed).",
)
@click.option(
    "--independent-seeds",
    is_flag=True,
    help="Give each configuration its own seeds "
    "(default: common random numbers, the same storms for every configuration).",
)
@click.option(
    "--out",
    "out_path",
    required=True,
    metavar="FILE",
    help="Results, one row per run: .parquet or .csv. Re-running resumes.",
)
@click.option(
    "--workers", type=int, default=None, help="Local worker processes (default: one per CPU)."
)
@click.option(
    "--scheduler",
    default=None,
    metavar="ADDRESS",
    help="Run on a Dask cluster instead, e.g. tcp://scheduler-host:8786.",
)
@click.option(
    "--connect-timeout",
    type=float,
    default=10.0,
    show_default=True,
    help="Seconds to wait for the Dask scheduler.",
)
@click.option(
    "--kpi",
    "kpis",
    multiple=True,
    help="KPI columns for the summary and plot, e.g. "
    "twitter.service_level, cost, all_channels.abandon_rate (default: a standard set).",
)
@click.option(
    "--plot",
    "plot_path",
    default=None,
    metavar="FILE",
    help="Plot KPIs against the first numeric grid field with 95% CI bands, and the cost "
    "vs service-level frontier (.png/.svg/.pdf).",
)
@click.option(
    "--summary",
    "summary_path",
    default=None,
    metavar="FILE",
    help="Also write the summary table (means and CI half-widths), .csv or .parquet.",
)
@click.option("--quiet", is_flag=True, help="No progress bar.")
def sweep(
    scenario: str,
    grid: tuple[str, ...],
    seeds: int,
    as_json: bool,
    baseline: tuple[str, ...],
    base_seed: int | None,
    independent_seeds: bool,
    out_path: str,
    workers: int | None,
    scheduler: str | None,
    connect_timeout: float,
    kpis: tuple[str, ...],
    plot_path: str | None,
    summary_path: str | None,
    quiet: bool,
) -> None:
    """Run SCENARIO over a grid of field values × seeds; stream one row per run to --out.

    \b
    Example: staffing and routing for the holiday week, 20 seeds each
      stormdesk sweep scenarios/holiday_rush.toml \\
          --grid shifts.weekday_day.reps=6:14:2 --grid policy.routing=fifo,priority \\
          --seeds 20 --out results/holiday.parquet --plot holiday.png
      stormdesk sweep ... --scheduler tcp://scheduler-host:8786   # the same on a Dask cluster

    Any scenario field is addressable by its dotted path (shifts and incidents by name);
    values are checked by the scenario's own validation before anything runs. Rows hold the
    grid fields, replication, seed and every KPI flattened (twitter.service_level, cost…);
    the same sweep gives the same rows on any number of workers or machines. Interrupted,
    run the same command again: finished runs are kept and skipped. Prints means with 95%
    confidence intervals per configuration.
    """
    from .experiments import (
        ALL_CHANNELS,
        ExperimentError,
        Sweep,
        check_kpis,
        kpi_columns,
        prepare_output,
        run_sweep,
        summarize,
    )

    spec = load(scenario)
    try:
        plan = Sweep.build(
            spec, list(grid), seeds, base_seed, common_random_numbers=not independent_seeds
        )
    except ExperimentError as e:
        fail(e.problems)
    plot = check_output(plot_path, "--plot", PLOT_SUFFIXES)
    summary_out = check_output(summary_path, "--summary", TABLE_SUFFIXES)
    if kpis:
        try:
            check_kpis(kpis, kpi_columns(spec))
        except ExperimentError as e:
            fail(e.problems)
    try:
        prepared = prepare_output(plan, out_path)
    except ExperimentError as e:
        fail(e.problems)
    backend = _open_backend(workers, scheduler, connect_timeout)
    store, done, foreign = prepared
    todo = plan.n_runs - len(done)
    err.print(
        f"sweep {spec.info.name}: {plan.n_configurations:,} configurations × {seeds} seeds = "
        f"{plan.n_runs:,} runs on {backend.description} → {store.path}"
        + (f" ({len(done):,} done, {todo:,} to run)" if done else "")
    )
    if foreign:
        err.print(
            f"[yellow]note:[/] {store.path} also holds {foreign:,} rows outside this grid; kept"
        )
    progress = RunProgress("sweep", enabled=not quiet)
    try:
        outcome = run_sweep(plan, out_path, backend, progress=progress, prepared=prepared)
    except KeyboardInterrupt:
        progress.close()
        backend.close()
        err.print(
            f"interrupted: finished runs are saved in {store.path}; run the same command to resume"
        )
        sys.exit(EXIT_INTERRUPTED)
    except ExperimentError as e:
        progress.close()
        backend.close()
        fail(e.problems)
    except Exception as e:  # a run failed in a worker: the rows so far are kept
        progress.close()
        backend.close()
        fail(
            [f"a run failed ({type(e).__name__}: {e}); finished runs are saved in {store.path}"],
            EXIT_FAILED,
        )
    progress.close()
    backend.close()
    rate = outcome.ran / outcome.seconds if outcome.seconds > 0 else math.nan
    err.print(
        f"{outcome.ran:,} runs in {outcome.seconds:.1f} s ({rate:.1f} runs/s)"
        + (f", {outcome.skipped:,} already done" if outcome.skipped else "")
        + f"; rows in {outcome.path}"
    )
    try:
        summary = summarize(outcome.path, plan.paths, list(kpis) or None)
    except ExperimentError as e:
        fail(e.problems)
    shown = [
        c for c in summary.columns if c not in (*plan.paths, "runs") and not c.endswith("_ci95")
    ]
    if as_json:
        click.echo(summary.to_json(orient="records"))
    else:
        title = f"{spec.info.name}: mean ± 95% CI over {seeds} seeds"
        for table in summary_tables(summary, plan.paths, shown, title, out.width):
            out.print(table)
    if baseline:
        _print_differences(outcome.path, plan, shown, baseline, as_json)
    if summary_out is not None:
        write_table(summary, summary_out)
        err.print(f"summary written to {summary_out}")
    if plot is not None:
        from .plots_experiments import save_sweep_plot

        plot_kpis = list(dict.fromkeys([*shown, f"{ALL_CHANNELS}.service_level", "cost"]))
        full = summarize(outcome.path, plan.paths, plot_kpis)
        plot.parent.mkdir(parents=True, exist_ok=True)
        save_sweep_plot(
            full,
            plan.paths,
            shown,
            plot,
            title=f"{spec.info.name} — {seeds} seeds per configuration",
        )
        err.print(f"plot written to {plot}")


# --- stormdesk staff -----------------------------------------------------------------------
@click.command("staff")
@click.argument("scenario")
@click.option(
    "--target",
    "targets",
    multiple=True,
    required=True,
    metavar="CHANNEL.KPI>=X",
    help="A per-interval target: service_level>=, abandon_rate<=, p_wait<=, "
    "wait_mean_min<=, frt_pNN_min<= (e.g. twitter.frt_p90_min<=30); '*' is every "
    "channel. Repeat for more.",
)
@click.option(
    "--interval",
    "interval_min",
    type=float,
    default=60.0,
    show_default=True,
    help="Interval length, minutes.",
)
@click.option(
    "--replications",
    "--seeds",
    "replications",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help="Seeds per roster simulated; --seeds is the same option.",
)
@click.option(
    "--conservative",
    is_flag=True,
    help="Meet each target with the whole 95% CI, not just the mean.",
)
@click.option(
    "--template",
    default=None,
    metavar="SHIFT",
    help="Shift whose reps the roster copies (wage, quality, shrinkage…).",
)
@click.option("--base-seed", type=int, default=None, help="Seed the replications derive from.")
@click.option(
    "--max-simulations",
    type=int,
    default=30,
    show_default=True,
    help="Give up searching after this many rosters.",
)
@click.option(
    "--out",
    "out_path",
    default=None,
    metavar="FILE",
    help="Roster with the Erlang comparison, one row per interval (.csv or .parquet).",
)
@click.option(
    "--plot",
    "plot_path",
    default=None,
    metavar="FILE",
    help="Roster plot (default with --out: the same name, .png).",
)
@click.option(
    "--workers", type=int, default=None, help="Local worker processes (default: one per CPU)."
)
@click.option("--scheduler", default=None, metavar="ADDRESS", help="Run on a Dask cluster instead.")
@click.option(
    "--connect-timeout",
    type=float,
    default=10.0,
    show_default=True,
    help="Seconds to wait for the Dask scheduler.",
)
@click.option(
    "--shifts",
    "shift_rules",
    default=None,
    metavar="RULES",
    help="Also build a roster of workable shifts covering the simulated head count at least "
    'cost, e.g. "length=4h-9h,every=30m,break=30m,break_after=6h,weekly=40h,rest=11h" '
    "(every key optional), and check it in simulation.",
)
@click.option(
    "--shifts-out",
    "shifts_path",
    default=None,
    metavar="FILE",
    help="With --shifts: the shifts, one row per person and shift (.csv or .parquet).",
)
@click.option(
    "--solver-nodes",
    type=click.IntRange(min=1),
    default=200,
    show_default=True,
    help="With --shifts: branch-and-bound nodes per solve (more: closer to optimal, slower; "
    "the same input always gives the same roster).",
)
@click.option(
    "--solver-time-limit",
    type=click.FloatRange(min=1),
    default=600.0,
    show_default=True,
    help="With --shifts: seconds per solve at most (a safety net; a roster stopped by it may "
    "differ between runs).",
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print one JSON object on stdout: the intervals, the rosters' totals and, with "
    "--shifts, the shifts.",
)
@click.option("--quiet", is_flag=True, help="No progress notes.")
def staff(
    scenario: str,
    targets: tuple[str, ...],
    interval_min: float,
    replications: int,
    conservative: bool,
    template: str | None,
    base_seed: int | None,
    max_simulations: int,
    out_path: str | None,
    plot_path: str | None,
    workers: int | None,
    scheduler: str | None,
    connect_timeout: float,
    shift_rules: str | None,
    shifts_path: str | None,
    solver_nodes: int,
    solver_time_limit: float,
    as_json: bool,
    quiet: bool,
) -> None:
    """Fewest reps per interval meeting service targets, by simulation — beside Erlang C and A.

    \b
    Example: the weekend outage, Twitter answered within its SLA, few giving up
      stormdesk staff scenarios/weekend_outage.toml \\
          --target "twitter.service_level>=0.8" --target "twitter.abandon_rate<=0.05" \\
          --interval 60 --out roster.csv

    The roster is a team on the channels with targets; the rest of the scenario's shifts
    keep the other channels. Each roster is simulated with --replications seeds; an interval
    meets its targets when the mean does (--conservative: the whole 95% CI). Erlang C and
    Erlang A staff the same targets from the forecast; both rosters are simulated too, and
    the "why" column says where and why they differ (contagion, re-posts, pooling,
    concurrency, abandonment, patience).

    With --shifts the head count per interval becomes shifts people can work, chosen by an
    integer program (HiGHS) at least cost, simulated with the same seeds, and printed with its
    cost beside the per-interval lower bound:

    \b
      stormdesk staff weekend_outage --target "twitter.service_level>=0.8" \\
          --shifts "length=8h-9h,every=60m,break=30m,break_after=6h" --shifts-out shifts.csv
    """
    from .experiments import ExperimentError
    from .staffing import find_staffing, parse_targets

    spec = load(scenario)
    try:
        goals = parse_targets(list(targets), spec)
    except ExperimentError as e:
        fail(e.problems)
    rules = None
    if shift_rules is not None:
        from .rosters import parse_shift_rules

        try:
            rules = parse_shift_rules(shift_rules, interval_min)
        except ExperimentError as e:
            fail(e.problems)
    elif shifts_path is not None:
        fail(["--shifts-out needs --shifts (the rules of a workable shift)"])
    shifts_file = check_output(shifts_path, "--shifts-out", TABLE_SUFFIXES)
    out_file = check_output(out_path, "--out", TABLE_SUFFIXES)
    if plot_path is None and out_file is not None:
        plot_path = str(out_file.with_suffix(".png"))
    plot = check_output(plot_path, "--plot", PLOT_SUFFIXES)
    if interval_min <= 0 or replications < 2 or max_simulations < 1:
        fail(["--interval must be > 0, --replications at least 2, --max-simulations at least 1"])
    backend = _open_backend(workers, scheduler, connect_timeout)
    t0 = time.perf_counter()

    def note(text: str) -> None:
        if not quiet:
            err.print(f"[dim]{time.perf_counter() - t0:6.1f} s[/] {text}")

    try:
        with backend:
            plan = find_staffing(
                spec,
                goals,
                interval_min,
                backend,
                replications=replications,
                conservative=conservative,
                template=template,
                base_seed=base_seed,
                max_iterations=max_simulations,
                progress=note,
            )
            shifts = None
            if rules is not None:
                from .rosters import plan_roster

                shifts = plan_roster(
                    plan,
                    rules,
                    backend,
                    template=template,
                    base_seed=base_seed,
                    node_limit=solver_nodes,
                    time_limit=solver_time_limit,
                    progress=note,
                )
    except ExperimentError as e:
        fail(e.problems)
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(EXIT_INTERRUPTED)
    note(f"done: {plan.simulations} rosters × {replications} seeds = {plan.runs} runs")
    if as_json:
        click.echo(json.dumps(staffing_json(plan, shifts), allow_nan=False))
    else:
        for table in staffing_tables(plan, out.width):
            out.print(table)
        out.print(staffing_verdict(plan))
        if shifts is not None:
            for item in shift_tables(plan, shifts, out.width):
                out.print(item)
    if shifts_file is not None:
        write_table(shifts.roster.people, shifts_file)
        err.print(f"shifts written to {shifts_file}")
    if out_file is not None:
        write_table(plan.table, out_file)
        err.print(f"roster written to {out_file}")
    if plot is not None:
        from .plots_experiments import save_staffing_plot

        plot.parent.mkdir(parents=True, exist_ok=True)
        save_staffing_plot(plan, plot)
        err.print(f"plot written to {plot}")


def _records(frame) -> list[dict]:
    """A DataFrame as JSON-ready records (NaN → null, numpy scalars → Python)."""
    return json.loads(frame.to_json(orient="records"))


def staffing_json(plan, shifts=None) -> dict:
    """``staff --json``: the intervals, the three rosters' totals and the shift roster."""
    record = {
        "scenario": plan.scenario.info.name,
        "targets": [t.label for t in plan.targets],
        "interval_min": float(plan.edges[1] - plan.edges[0]) if len(plan.edges) > 1 else None,
        "replications": plan.replications,
        "conservative": plan.conservative,
        "converged": plan.converged,
        "simulations": plan.simulations,
        "runs": plan.runs,
        "intervals": _records(plan.table),
        "totals": _records(plan.totals()),
        "shifts": None,
    }
    if shifts is not None:
        roster = shifts.roster
        overall = {}
        for j, t in enumerate(plan.targets):
            overall[t.column] = _finite(shifts.measure.overall_mean[j])
            overall[f"{t.column}_ci95"] = _finite(shifts.measure.overall_ci95[j])
        record["shifts"] = {
            **roster.summary(),
            "lower_bound": shifts.lower_bound,
            "over_lower_bound": shifts.over_lower_bound,
            "rounds": shifts.rounds,
            "intervals_missing_targets": shifts.intervals_missing,
            "people_per_interval": [int(x) for x in shifts.measure.reps],
            "whole_run": overall,
            "patterns": _records(roster.shifts),
            "people": _records(roster.people),
        }
    return record


def _finite(x) -> float | None:
    x = float(x)
    return x if math.isfinite(x) else None


def shift_tables(plan, shifts, width: int = 80) -> list:
    """The shift roster: one row per shift pattern, then its cost beside the lower bound and
    what it delivers in simulation."""
    roster = shifts.roster
    t = Table(
        title=f"the shift roster: {roster.rules.describe()}",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    for col in ("start", "end", "hours", "break", "people", "cost"):
        t.add_column(col, justify="left" if col in ("start", "end", "break") else "right")
    for row in roster.shifts.to_dict("records"):
        brk = (
            f"{row['break_start']}–{row['break_end']}"
            if isinstance(row["break_start"], str)
            else ""
        )
        t.add_row(
            _short_stamp(row["start"]),
            _short_stamp(row["end"]),
            f"{row['hours']:g}",
            brk,
            str(int(row["count"])),
            f"{row['cost']:,.0f}",
        )
    missing = shifts.intervals_missing
    n = len(plan.table)
    whole = ", ".join(
        f"{tg.column} {_fmt_estimate(shifts.measure.overall_mean[j], shifts.measure.overall_ci95[j], tg.kpi)}"  # noqa: E501
        for j, tg in enumerate(plan.targets)
    )
    text = (
        f"Shift roster: {int(roster.shifts['count'].sum())} shifts worked by "
        f"{roster.head_count} people, {roster.paid_hours:,.0f} paid hours, cost "
        f"{roster.cost:,.0f} beside the per-interval lower bound {shifts.lower_bound:,.0f} "
        f"({shifts.over_lower_bound:+.1%}; HiGHS {roster.status}, gap {roster.gap:.2%}, "
        f"{roster.columns:,} candidate shifts, {roster.seconds:.1f} s"
        + (f", {shifts.rounds} programs" if shifts.rounds > 1 else "")
        + f"). Simulated with {plan.replications} seeds: {missing} of {n} intervals miss the "
        f"targets ({whole} over the run)."
    )
    if missing:
        text = f"[yellow]{text}[/]"
    return [t, Text.from_markup(text, overflow="fold")]


WHY_INLINE_WIDTH = 140  # narrower terminals get "why they differ" as notes under the table


def staffing_tables(plan, width: int = 80) -> list:
    """The roster per interval beside Erlang (with why they differ: a column on a wide
    terminal, notes under the table on a narrow one), and the totals per roster."""
    inline = width >= WHY_INLINE_WIDTH
    names = list(plan.scenario.channels)
    team = [t.channel for t in plan.targets]
    t = Table(
        title=f"{plan.scenario.info.name}: reps per {_interval_label(plan)} — simulation vs "
        f"Erlang (team: {', '.join(dict.fromkeys(c for c in names if c in team))}); "
        "fcst/h and sim/h: arrivals per hour forecast and simulated",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    for col, justify in (
        ("from", "left"),
        ("sim", "right"),
        ("Erl C", "right"),
        ("Erl A", "right"),
        ("fcst/h", "right"),
        ("sim/h", "right"),
        ("pile-ons", "right"),
    ):
        t.add_column(col, justify=justify, no_wrap=True)
    for target in plan.targets:
        t.add_column(target.label.replace(".", " ", 1), justify="right", overflow="fold")
    starts = [str(r).replace("T", " ") for r in plan.table["local_start"]]
    one_day = len({x[:10] for x in starts}) == 1
    if inline:
        t.add_column("why they differ", overflow="fold", ratio=1, min_width=30)
    notes = []
    for row in plan.table.to_dict("records"):
        start = row["local_start"].replace("T", " ")
        cells = [
            start[11:16] if one_day else _short_stamp(start),
            str(row["reps"]),
            str(row["erlang_c_reps"]),
            str(row["erlang_a_reps"]),
            f"{row['forecast_per_hour']:.0f}",
            f"{row['simulated_per_hour']:.0f}",
            f"{100 * row['pile_on_share']:.0f}%",
        ]
        for target in plan.targets:
            v, ci = row[target.column], row[f"{target.column}_ci95"]
            cell = _fmt_estimate(v, ci, target.kpi)
            cells.append(cell if target.met(v) else f"[red]{cell}[/]")
        differ = row["reps"] != row["erlang_a_reps"]
        style = "bold" if differ else None
        if inline:
            t.add_row(*cells, row["why"], style=style)
        else:
            t.add_row(*cells, style=style)
            if differ and row["why"]:
                notes.append(f"[bold]{cells[0]}[/]: {row['why']}")
    totals = plan.totals()
    s = Table(
        title="the three rosters, simulated", title_justify="left", box=box.SIMPLE_HEAD,
        pad_edge=False,
    )  # fmt: skip
    for col in ("roster", "rep-hours", "cost", "intervals missing targets"):
        s.add_column(col, justify="left" if col == "roster" else "right")
    for target in plan.targets:
        s.add_column(f"{target.column.replace('.', ' ', 1)} (whole run)", justify="right")
    for row in totals.to_dict("records"):
        cells = [
            row["roster"],
            f"{row['rep_hours']:,.0f}",
            f"{row['cost']:,.0f}",
            f"{int(row['intervals_missing_targets'])} of {len(plan.table)}",
        ]
        cells += [
            _fmt_estimate(row[tg.column], row[f"{tg.column}_ci95"], tg.kpi) for tg in plan.targets
        ]
        s.add_row(*cells)
    if notes:
        why = Text.from_markup(
            "why the simulation and Erlang A differ (bold rows):\n" + "\n".join(notes) + "\n"
        )
        return [t, why, s]
    return [t, s]


def _short_stamp(text: str) -> str:
    """'2026-12-21 08:00' → 'Mon 08:00' (the weekday is what a roster is read by)."""
    from datetime import datetime

    try:
        return datetime.fromisoformat(text).strftime("%a %d %H:%M")
    except ValueError:
        return text


def _interval_label(plan) -> str:
    minutes = float(plan.edges[1] - plan.edges[0]) if len(plan.edges) > 1 else 0.0
    return f"{minutes / 60:g} h" if minutes % 60 == 0 else f"{minutes:g} min"


def staffing_verdict(plan) -> str:
    """One paragraph a planner can forward."""
    totals = plan.totals().set_index("roster")
    n = len(plan.table)
    hours = {name: totals.loc[name, "rep_hours"] for name in ("simulation", "Erlang C", "Erlang A")}
    text = (
        f"Simulation needs {hours['simulation']:,.0f} rep-hours (cost "
        f"{totals.loc['simulation', 'cost']:,.0f}); Erlang A plans {hours['Erlang A']:,.0f} and "
        f"Erlang C {hours['Erlang C']:,.0f}."
    )
    for name in ("Erlang A", "Erlang C"):
        missing = int(totals.loc[name, "intervals_missing_targets"])
        first = plan.targets[0]
        whole = _fmt_estimate(
            totals.loc[name, first.column], totals.loc[name, f"{first.column}_ci95"], first.kpi
        )
        text += (
            f" Staffed by {name}, {missing} of {n} intervals miss the targets in simulation "
            f"({first.column} over the run: {whole})."
        )
    if not plan.converged:
        text += " [yellow]The search stopped before every interval settled (--max-simulations).[/]"
    return text


# --- stormdesk erlang ----------------------------------------------------------------------
@click.command("erlang")
@click.option("--arrivals-per-hour", type=float, default=None, help="Arrival rate, per hour.")
@click.option("--aht-min", type=float, default=None, help="Mean handle time, minutes.")
@click.option(
    "--sla-s", type=float, default=None, help="Service-level threshold, seconds (default 20)."
)
@click.option("--sla-min", type=float, default=None, help="Service-level threshold, minutes.")
@click.option(
    "--target",
    type=float,
    default=0.8,
    show_default=True,
    help="Target service level: share answered within the threshold.",
)
@click.option(
    "--patience-min",
    type=float,
    default=None,
    help="Mean patience, minutes: Erlang A (callers give up). Without it: Erlang C.",
)
@click.option(
    "--max-abandon", type=float, default=None, help="Also keep abandonment at or below this share."
)
@click.option(
    "--max-occupancy", type=float, default=None, help="Also keep occupancy at or below this share."
)
@click.option(
    "--agents", type=int, default=None, help="Evaluate this many agents instead of searching."
)
@click.option(
    "--shrinkage",
    type=float,
    default=0.0,
    show_default=True,
    help="Share of paid time off the contacts (breaks, training, absence): agents to schedule "
    "= agents / (1 − shrinkage), rounded up.",
)
@click.option(
    "--concurrency",
    "concurrency_texts",
    multiple=True,
    metavar="N|CHANNEL=N",
    help="Contacts an agent handles at once (chat), each taking --aht-min; with --intervals "
    "CHANNEL=N for one channel (repeat).",
)
@click.option(
    "--intervals",
    "intervals_path",
    default=None,
    metavar="FILE",
    help="A WFM forecast CSV (interval_start, channel, volume, aht_s or aht_min; 15/30/60-minute "
    "intervals): agents for every interval and channel instead of one queue.",
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print one JSON object (the chosen staffing; with --intervals, every interval) on stdout.",
)
@click.option(
    "--out",
    "out_path",
    default=None,
    metavar="FILE",
    help="Write the table (figures against agents; with --intervals, one row per interval and "
    "channel), .csv or .parquet.",
)
def erlang_cmd(
    arrivals_per_hour: float | None,
    aht_min: float | None,
    sla_s: float | None,
    sla_min: float | None,
    target: float,
    patience_min: float | None,
    max_abandon: float | None,
    max_occupancy: float | None,
    agents: int | None,
    shrinkage: float,
    concurrency_texts: tuple[str, ...],
    intervals_path: str | None,
    as_json: bool,
    out_path: str | None,
) -> None:
    """Erlang C / Erlang A: waits, service level, abandonment and agents needed for a target.

    \b
    Example: 720 contacts an hour, 4-minute handle time, 80% answered within 20 seconds
      stormdesk erlang --arrivals-per-hour 720 --aht-min 4 --sla-s 20 --target 0.8
      stormdesk erlang --arrivals-per-hour 720 --aht-min 4 --sla-s 20 --target 0.8 --patience-min 2
      stormdesk erlang ... --shrinkage 0.3 --concurrency 2   # chat, 30% shrinkage
      stormdesk erlang ... --json          # one object: agents, p_wait, wait_mean_min, …
      stormdesk erlang --intervals forecast.csv --sla-s 20 --concurrency chat=2 --out agents.csv

    Erlang C (M/M/c) assumes nobody hangs up; with --patience-min it is Erlang A (M/M/c+M,
    exponential patience), where abandonment absorbs overload. The table shows the figures
    around the answer: P(wait), mean wait over all arrivals, service level (those who give up
    count as misses), abandonment and occupancy.
    """
    from . import erlang_plan

    if sla_s is not None and sla_min is not None:
        fail(["give --sla-s or --sla-min, not both"])
    threshold = sla_min if sla_min is not None else (sla_s if sla_s is not None else 20.0) / 60.0
    out_file = check_output(out_path, "--out", TABLE_SUFFIXES)
    concurrency, per_channel = _parse_concurrency(concurrency_texts, intervals_path is not None)
    if not 0 <= shrinkage < 1:
        fail([f"--shrinkage {shrinkage:g}: a share of paid time, at least 0 and below 1"])
    if intervals_path is not None:
        if arrivals_per_hour is not None or aht_min is not None or agents is not None:
            fail(["--intervals takes volumes and AHT from the file: leave out "
                  "--arrivals-per-hour, --aht-min and --agents"])  # fmt: skip
        _erlang_intervals(
            intervals_path, threshold, target, patience_min, max_abandon, max_occupancy,
            per_channel if per_channel else concurrency, shrinkage, as_json, out_file,
        )  # fmt: skip
        return
    if arrivals_per_hour is None or aht_min is None:
        fail(["give --arrivals-per-hour and --aht-min (one queue), or --intervals FILE"])
    try:
        if agents is None:
            chosen = erlang_plan.agents_needed(
                arrivals_per_hour,
                aht_min,
                threshold,
                target,
                patience_min,
                max_abandon,
                max_occupancy,
                concurrency,
                shrinkage,
            )
        else:
            chosen = erlang_plan.evaluate(
                arrivals_per_hour, aht_min, agents, threshold, patience_min, concurrency, shrinkage
            )
        load_agents = chosen.metrics.offered_load / concurrency
        low = max(math.floor(load_agents), chosen.agents - 5, 0)
        rows = [
            erlang_plan.evaluate(
                arrivals_per_hour, aht_min, n, threshold, patience_min, concurrency, shrinkage
            )
            for n in range(low, chosen.agents + 4)
        ]
    except (ValueError, ArithmeticError) as e:
        fail([_erlang_problem(str(e))])
    plain = concurrency == 1 and shrinkage == 0
    if as_json:
        record = chosen.metrics.as_dict() if plain else chosen.as_dict()
        record["target_service_level"] = target
        click.echo(json.dumps(record))
    else:
        out.print(erlang_table(rows, chosen, target, agents is None))
    if out_file is not None:
        import pandas as pd

        write_table(
            pd.DataFrame([(r.metrics.as_dict() if plain else r.as_dict()) for r in rows]), out_file
        )
        err.print(f"table written to {out_file}")


def _parse_concurrency(texts: tuple[str, ...], intervals: bool) -> tuple[int, dict[str, int]]:
    """``--concurrency 2`` (every queue) or, with --intervals, ``--concurrency chat=2``."""
    single, per_channel, problems = 1, {}, []
    for text in texts:
        name, sep, value = text.rpartition("=")
        try:
            number = int(value)
            if number < 1:
                raise ValueError
        except ValueError:
            problems.append(f"--concurrency {text}: a whole number ≥ 1 (or CHANNEL=N)")
            continue
        if sep:
            if not intervals:
                problems.append(f"--concurrency {text}: CHANNEL=N needs --intervals; give N")
            per_channel[name.strip().lower()] = number
        else:
            single = number
    if per_channel and single != 1:
        problems.append("--concurrency: give N for every channel or CHANNEL=N, not both")
    if problems:
        fail(problems)
    return single, per_channel


def _erlang_intervals(
    path, threshold, target, patience, max_abandon, max_occupancy, concurrency, shrinkage,
    as_json, out_file,
) -> None:  # fmt: skip
    """``erlang --intervals``: agents per interval and channel from a WFM forecast."""
    from .erlang_plan import interval_table
    from .forecasts import ForecastError, read_wfm_forecast

    try:
        forecast = read_wfm_forecast(path)
    except ForecastError as e:
        fail(e.problems)
    if isinstance(concurrency, dict):
        unknown = sorted(set(concurrency) - set(forecast.channels))
        if unknown:
            fail([f"--concurrency {c}=…: no channel {c!r} in {path} "
                  f"(it has {', '.join(forecast.channels)})" for c in unknown])  # fmt: skip
    try:
        table = interval_table(
            forecast, threshold, target, patience, max_abandon, max_occupancy, concurrency,
            shrinkage,
        )  # fmt: skip
    except (ValueError, ArithmeticError) as e:
        fail([_erlang_problem(str(e))])
    if as_json:
        click.echo(
            json.dumps(
                {
                    "file": str(path),
                    "interval_min": forecast.interval_min,
                    "channels": forecast.channels,
                    "sla_min": threshold,
                    "target_service_level": target,
                    "shrinkage": shrinkage,
                    "intervals": _records(table),
                },
                allow_nan=False,
            )
        )
    else:
        out.print(interval_erlang_table(table, forecast, threshold, target, shrinkage))
    if out_file is not None:
        write_table(table, out_file)
        err.print(f"table written to {out_file}")


def interval_erlang_table(table, forecast, sla: float, target: float, shrinkage: float) -> Table:
    """Agents per interval, one column pair per channel (on contacts / to schedule)."""
    sla_text = f"{sla * 60:g} s" if sla < 1 else f"{sla:g} min"
    t = Table(
        title=f"agents per {forecast.interval_min} min for ≥ {target:.0%} within {sla_text}"
        + (f", shrinkage {shrinkage:.0%}" if shrinkage else "")
        + f" ({forecast.file})",
        caption="vol: contacts in the interval; agents: on the contacts (scheduled); "
        "SL: service level",
        caption_justify="left",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    t.add_column("start", no_wrap=True)
    for col in ("channel", "vol", "AHT", "agents", "SL", "occ"):
        t.add_column(col, justify="left" if col == "channel" else "right", no_wrap=True)
    previous_day = None
    for row in table.to_dict("records"):
        day, clock = row["interval_start"][:10], row["interval_start"][11:16]
        start = _short_stamp(row["interval_start"]) if day != previous_day else clock
        previous_day = day
        agents = str(row["agents"])
        if shrinkage:
            agents += f" ({row['scheduled_agents']})"
        sl = row["service_level"]
        occ = row["occupancy"]
        t.add_row(
            start,
            row["channel"] + (f" ×{row['concurrency']}" if row["concurrency"] > 1 else ""),
            f"{row['volume']:g}",
            f"{row['aht_min'] * 60:.0f} s",
            agents,
            "—" if sl is None or sl != sl else f"{sl:.1%}",
            "—" if occ is None or occ != occ else f"{occ:.0%}",
        )
    return t


def _erlang_problem(message: str) -> str:
    """The calculator's own wording, with our option names."""
    names = {
        "arrivals_per_hour": "--arrivals-per-hour",
        "aht_min": "--aht-min",
        "sla_min": "--sla-s/--sla-min",
        "target_service_level": "--target",
        "patience_mean_min": "--patience-min",
        "max_abandon_rate": "--max-abandon",
        "max_occupancy": "--max-occupancy",
        "agents": "--agents",
    }
    for name, option in names.items():
        if message.startswith(name + " "):
            return option + message[len(name) :]
    return message


def erlang_table(rows, chosen, target: float, searched: bool) -> Table:
    """Figures for a few staffing levels around the answer, the answer in bold.

    ``rows`` and ``chosen`` are :class:`sim.erlang_plan.Staffing`; with concurrency or
    shrinkage the title says so and a column gives the agents to schedule.
    """
    m0 = chosen.metrics
    kind = "Erlang A (M/M/c+M)" if m0.patience_mean_min is not None else "Erlang C (M/M/c)"
    sla = m0.sla_min
    sla_text = f"{sla * 60:g} s" if sla < 1 else f"{sla:g} min"
    patience = f", mean patience {m0.patience_mean_min:g} min" if m0.patience_mean_min else ""
    extra = ""
    if chosen.concurrency > 1:
        extra += f"; {chosen.concurrency} contacts at once per agent"
    if chosen.shrinkage:
        extra += f"; shrinkage {chosen.shrinkage:.0%}"
    t = Table(
        title=f"{kind}: {m0.arrivals_per_hour:g}/h × {m0.aht_min:g} min = "
        f"{m0.offered_load:.1f} erlangs{patience}{extra}",
        caption=f"◀ fewest agents with ≥ {target:.0%} answered within {sla_text} (those who give "
        "up count as misses)"
        if searched
        else None,
        caption_justify="left",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        collapse_padding=True,
        show_edge=False,
    )
    columns = ["agents"]
    if chosen.shrinkage:
        columns.append("sched")  # short: the table still fits 80 columns
    columns += ["P(wait)", "mean wait", f"within {sla_text}", "abandoned", "occupancy", ""]
    for col in columns:
        t.add_column(col, justify="right" if col else "left", no_wrap=True)
    for s in rows:
        m = s.metrics
        if not math.isfinite(m.wait_mean_min):
            wait = "∞"
        elif m.wait_mean_min < 1:
            wait = f"{m.wait_mean_min * 60:.1f} s"
        else:
            wait = f"{m.wait_mean_min:.2f} min"
        mark = "unstable" if not m.stable else ""
        if s.agents == chosen.agents:
            mark = "◀ fewest" if searched else "◀ evaluated"
        cells = [str(s.agents)]
        if chosen.shrinkage:
            cells.append(str(s.scheduled))
        cells += [
            f"{m.p_wait:.1%}",
            wait,
            f"{m.service_level:.1%}",
            f"{m.abandon_rate:.1%}",
            f"{m.occupancy:.1%}",
            mark,
        ]
        t.add_row(*cells, style="bold" if s.agents == chosen.agents else None)
    return t


COMMANDS = [sweep, staff, erlang_cmd]

__all__ = ["COMMANDS", "erlang_cmd", "staff", "sweep"]
