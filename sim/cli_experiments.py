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
    """
    from .experiments import ExperimentError
    from .staffing import find_staffing, parse_targets

    spec = load(scenario)
    try:
        goals = parse_targets(list(targets), spec)
    except ExperimentError as e:
        fail(e.problems)
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
    except ExperimentError as e:
        fail(e.problems)
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(EXIT_INTERRUPTED)
    note(f"done: {plan.simulations} rosters × {replications} seeds = {plan.runs} runs")
    for table in staffing_tables(plan, out.width):
        out.print(table)
    out.print(staffing_verdict(plan))
    if out_file is not None:
        write_table(plan.table, out_file)
        err.print(f"roster written to {out_file}")
    if plot is not None:
        from .plots_experiments import save_staffing_plot

        plot.parent.mkdir(parents=True, exist_ok=True)
        save_staffing_plot(plan, plot)
        err.print(f"plot written to {plot}")


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
@click.option("--arrivals-per-hour", type=float, required=True, help="Arrival rate, per hour.")
@click.option("--aht-min", type=float, required=True, help="Mean handle time, minutes.")
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
    "--json", "as_json", is_flag=True, help="Print one JSON object (the chosen staffing) on stdout."
)
@click.option(
    "--out",
    "out_path",
    default=None,
    metavar="FILE",
    help="Write the table of figures against agents, .csv or .parquet.",
)
def erlang_cmd(
    arrivals_per_hour: float,
    aht_min: float,
    sla_s: float | None,
    sla_min: float | None,
    target: float,
    patience_min: float | None,
    max_abandon: float | None,
    max_occupancy: float | None,
    agents: int | None,
    as_json: bool,
    out_path: str | None,
) -> None:
    """Erlang C / Erlang A: waits, service level, abandonment and agents needed for a target.

    \b
    Example: 720 contacts an hour, 4-minute handle time, 80% answered within 20 seconds
      stormdesk erlang --arrivals-per-hour 720 --aht-min 4 --sla-s 20 --target 0.8
      stormdesk erlang --arrivals-per-hour 720 --aht-min 4 --sla-s 20 --target 0.8 --patience-min 2
      stormdesk erlang ... --json          # one object: agents, p_wait, wait_mean_min, …

    Erlang C (M/M/c) assumes nobody hangs up; with --patience-min it is Erlang A (M/M/c+M,
    exponential patience), where abandonment absorbs overload. The table shows the figures
    around the answer: P(wait), mean wait over all arrivals, service level (those who give up
    count as misses), abandonment and occupancy.
    """
    from . import erlang

    if sla_s is not None and sla_min is not None:
        fail(["give --sla-s or --sla-min, not both"])
    threshold = sla_min if sla_min is not None else (sla_s if sla_s is not None else 20.0) / 60.0
    out_file = check_output(out_path, "--out", TABLE_SUFFIXES)
    try:
        if agents is None:
            chosen = erlang.agents_needed(
                arrivals_per_hour,
                aht_min,
                threshold,
                target,
                patience_min,
                max_abandon,
                max_occupancy,
            )
        else:
            chosen = erlang.metrics(arrivals_per_hour, aht_min, agents, threshold, patience_min)
        low = max(math.floor(chosen.offered_load), chosen.agents - 5, 0)
        rows = [
            erlang.metrics(arrivals_per_hour, aht_min, n, threshold, patience_min)
            for n in range(low, chosen.agents + 4)
        ]
    except (ValueError, ArithmeticError) as e:
        fail([_erlang_problem(str(e))])
    if as_json:
        record = chosen.as_dict()
        record["target_service_level"] = target
        click.echo(json.dumps(record))
    else:
        out.print(erlang_table(rows, chosen, target, agents is None))
    if out_file is not None:
        import pandas as pd

        write_table(pd.DataFrame([m.as_dict() for m in rows]), out_file)
        err.print(f"table written to {out_file}")


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
    """Figures for a few staffing levels around the answer, the answer in bold."""
    kind = "Erlang A (M/M/c+M)" if chosen.patience_mean_min is not None else "Erlang C (M/M/c)"
    sla = chosen.sla_min
    sla_text = f"{sla * 60:g} s" if sla < 1 else f"{sla:g} min"
    patience = (
        f", mean patience {chosen.patience_mean_min:g} min" if chosen.patience_mean_min else ""
    )
    t = Table(
        title=f"{kind}: {chosen.arrivals_per_hour:g}/h × {chosen.aht_min:g} min = "
        f"{chosen.offered_load:.1f} erlangs{patience}",
        caption=f"◀ fewest agents with ≥ {target:.0%} answered within {sla_text} (those who give "
        "up count as misses)"
        if searched
        else None,
        caption_justify="left",
        title_justify="left",
        box=box.SIMPLE_HEAD,
    )
    for col in (
        "agents",
        "P(wait)",
        "mean wait",
        f"within {sla_text}",
        "abandoned",
        "occupancy",
        "",
    ):
        t.add_column(col, justify="right" if col else "left", no_wrap=not col)
    for m in rows:
        if not math.isfinite(m.wait_mean_min):
            wait = "∞"
        elif m.wait_mean_min < 1:
            wait = f"{m.wait_mean_min * 60:.1f} s"
        else:
            wait = f"{m.wait_mean_min:.2f} min"
        mark = "unstable" if not m.stable else ""
        if m.agents == chosen.agents:
            mark = "◀ fewest" if searched else "◀ evaluated"
        t.add_row(
            str(m.agents),
            f"{m.p_wait:.1%}",
            wait,
            f"{m.service_level:.1%}",
            f"{m.abandon_rate:.1%}",
            f"{m.occupancy:.1%}",
            mark,
            style="bold" if m.agents == chosen.agents else None,
        )
    return t


COMMANDS = [sweep, staff, erlang_cmd]

__all__ = ["COMMANDS", "erlang_cmd", "staff", "sweep"]
