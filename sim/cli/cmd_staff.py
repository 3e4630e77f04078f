"""``stormdesk staff``: the fewest reps per shift that meet service targets, by simulation."""

from __future__ import annotations

import json
import math
import sys
import time

import click
from rich import box
from rich.table import Table
from rich.text import Text

from .common import (
    EXIT_INTERRUPTED,
    PLOT_SUFFIXES,
    TABLE_SUFFIXES,
    _fmt_estimate,
    _open_backend,
    check_output,
    fail,
    load,
    out,
    write_table,
)
from .common import notes as err


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
    from ..experiments import ExperimentError
    from ..staffing import find_staffing, parse_targets

    spec = load(scenario)
    try:
        goals = parse_targets(list(targets), spec)
    except ExperimentError as e:
        fail(e.problems)
    rules = None
    if shift_rules is not None:
        from ..rosters import parse_shift_rules

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
                from ..rosters import plan_roster

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
        from ..plots_experiments import save_staffing_plot

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


COMMANDS = (staff,)
