"""``stormdesk sweep``: a grid of field values × seeds, one row per run."""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

import click
from rich import box
from rich.table import Table

from .common import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    PLOT_SUFFIXES,
    TABLE_SUFFIXES,
    RunProgress,
    _fmt_estimate,
    _open_backend,
    check_output,
    fail,
    load,
    out,
    write_table,
)
from .common import notes as err

if TYPE_CHECKING:
    import pandas as pd


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
    from ..experiments import ExperimentError, ResultsStore, paired_differences, parse_value

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
    from ..experiments import (
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
        from ..plots_experiments import save_sweep_plot

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


COMMANDS = (sweep,)
