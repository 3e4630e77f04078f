"""``stormdesk run``, ``stormdesk scenarios`` and ``stormdesk validate``: one scenario at a time."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich import box
from rich.table import Table
from rich.text import Text

from .common import (
    EXIT_BAD_INPUT,
    LIBRARY,
    DelayedProgress,
    apply_settings,
    err,
    load_or_exit,
    out,
    resolve_scenario_path,
)


def _fmt(v, kind: str = "num") -> str:
    if v is None:
        return "—"
    if kind == "pct":
        return f"{100 * v:.1f}%"
    if kind == "min":
        return f"{v:.1f}"
    if isinstance(v, float):
        return f"{v:,.1f}"
    return f"{v:,}"


# Per-channel measures, one row each (channels are the columns, so any number of channels fits
# an 80-column terminal): (label, key, format).
CHANNEL_ROWS = (
    ("arrived", "arrived", "num"),
    ("answered", "answered", "num"),
    ("gave up before an answer", "gave_up", "num"),
    ("still waiting at the end", "waiting", "num"),
    ("answered, still open", "in_service", "num"),
    ("mean wait, min", "wait_mean_min", "min"),
    ("first response median, min", "frt_median_min", "min"),
    ("first response p90, min", "frt_p90_min", "min"),
    ("service level (within SLA)", "service_level", "pct"),
    ("abandoned", "abandon_rate", "pct"),
    ("answered the same day", "same_day_rate", "pct"),
    ("went public", "escalated_public", "num"),
)
KPI_NOTES = (
    "first response = time from the complaint to the first answer (FRT); service level = "
    "share of arrivals answered within the channel's sla_min; went public = private "
    "complaints the customer took to a public post; money is in the scenario's currency."
)
LABEL_WIDTH = max(len(label) for label, _, _ in CHANNEL_ROWS)
VALUE_WIDTH = 8  # "100.0%", "12,345", "1,234.5"


def _channel_chunks(names: list[str], width: int) -> list[list[str]]:
    """Split channel columns into groups whose table fits ``width`` columns."""
    room = max(width - LABEL_WIDTH - 3, VALUE_WIDTH + 2)
    chunks: list[list[str]] = [[]]
    used = 0
    for name in names:
        w = max(len(name), VALUE_WIDTH) + 2  # the column and its padding
        if chunks[-1] and used + w > room:
            chunks.append([])
            used = 0
        chunks[-1].append(name)
        used += w
    return chunks


def kpi_tables(kpis: dict, width: int = 80) -> list[Table]:
    """Rich tables for a KPI dict: measures × channels (split to fit ``width``), then the
    storm-level figures."""
    tables = []
    chunks = _channel_chunks(list(kpis["channels"]), width)
    for i, chunk in enumerate(chunks):
        title = f"{kpis['scenario']} — seed {kpis['seed']}"
        if len(chunks) > 1:
            title += f" ({i + 1}/{len(chunks)})"
        t = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
        t.add_column("per channel", justify="left", no_wrap=True)
        for name in chunk:
            t.add_column(name, justify="right", no_wrap=True)
        for label, key, kind in CHANNEL_ROWS:
            t.add_row(label, *(_fmt(kpis["channels"][c].get(key), kind) for c in chunk))
        tables.append(t)
    s = Table(show_header=False, box=None, padding=(0, 2))
    s.add_column(justify="left")
    s.add_column(justify="right")
    rows = [
        ("complaints", _fmt(kpis["complaints"])),
        ("peak per hour", _fmt(kpis["peak_per_hour"])),
        ("pile-ons (contagion)", _fmt(kpis.get("pile_ons"))),
        ("escalated to public", _fmt(kpis["escalated_public"])),
        ("impressions of negative posts", f"{kpis['impressions']:,.0f}"),
        ("customers churned", _fmt(kpis["churned"])),
        ("revenue at risk (a year of their value)", f"{kpis['revenue_at_risk']:,.0f}"),
        ("CSAT (answered customers satisfied)", _fmt(kpis["csat"], "pct")),
        ("rep occupancy", _fmt(kpis["occupancy"], "pct")),
        ("paid rep hours", _fmt(kpis.get("paid_rep_hours"))),
        ("staff cost", f"{kpis['cost']:,.0f}"),
        ("hours in crisis mode", _fmt(kpis.get("crisis_hours"))),
    ]
    for label, value in rows:
        s.add_row(label, value)
    tables.append(s)
    return tables


def interval_tables(results, table, minutes: int) -> list[Table]:
    """The interval table over all channels, and the KPIs per complaint origin."""
    import pandas as pd

    from ..intervals import combine_channels

    both = combine_channels(table)
    multi_day = len({ts.date() for ts in both["interval_start"]}) > 1
    t = Table(
        title=f"every {minutes} minutes, all channels (per channel: --intervals-out)",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    for name in ("from", "arrived", "answered", "gave up", "in SLA", "mean wait", "waiting"):
        t.add_column(name, justify="left" if name == "from" else "right", no_wrap=True)
    for row in both.itertuples():
        t.add_row(
            row.interval_start.strftime("%a %d %H:%M" if multi_day else "%H:%M"),
            _fmt(int(row.arrivals)),
            _fmt(int(row.answered)),
            _fmt(int(row.abandoned)),
            _fmt(None if pd.isna(row.service_level) else row.service_level, "pct"),
            _fmt(None if pd.isna(row.mean_wait_min) else row.mean_wait_min, "min"),
            _fmt(int(row.waiting_at_end)),
        )
    o = Table(
        title="by origin: new complaints, pile-ons (contagion), re-posts in public, switches",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    for name in ("origin", "arrived", "answered", "gave up", "in SLA", "mean wait", "→ public"):
        o.add_column(name, justify="left" if name == "origin" else "right", no_wrap=True)
    for row in results.by_origin().itertuples():
        o.add_row(
            row.origin.replace("_", "-"),
            _fmt(row.arrived),
            _fmt(row.answered_rate, "pct"),
            _fmt(row.abandon_rate, "pct"),
            _fmt(row.service_level, "pct"),
            _fmt(row.mean_wait_min, "min"),
            _fmt(row.escalated_public),
        )
    return [t, o]


@click.command("run")
@click.argument("scenario")
@click.option(
    "--seed", type=int, default=None, help="Random seed (default: the file's [scenario] seed)."
)
@click.option(
    "--json", "as_json", is_flag=True, help="Print the KPIs as one JSON object on stdout."
)
@click.option(
    "--plot",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="Write a plot of volume per channel, queue and mood over time (PNG/SVG/PDF).",
)
@click.option(
    "--complaints",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="Write the complaints table (one row per complaint) to CSV or Parquet.",
)
@click.option(
    "--set",
    "settings",
    multiple=True,
    metavar="PATH=VALUE",
    help="What if: change one field before running (repeatable), with the dotted paths and "
    "TOML values of sweep --grid: shifts.weekday_day.reps=12, policy.routing=priority, "
    "channels.twitter.sla_min=30. incidents[N]={…} with N = the number of incidents adds one.",
)
@click.option(
    "--interval",
    type=click.Choice(["15", "30", "60"]),
    default=None,
    help="Also print arrivals, answers, abandonment, service level, mean wait and the queue "
    "per 15, 30 or 60 minutes (all channels), and the KPIs per complaint origin.",
)
@click.option(
    "--intervals-out",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="With --interval: write the per-channel interval table to CSV or Parquet.",
)
@click.option("--quiet", is_flag=True, help="No progress bar.")
def run_cmd(
    scenario: str,
    seed: int | None,
    as_json: bool,
    plot: str | None,
    complaints: str | None,
    settings: tuple[str, ...],
    interval: str | None,
    intervals_out: str | None,
    quiet: bool,
) -> None:
    """Run SCENARIO once and print its KPIs.

    Same scenario and seed give byte-identical --json output, in any process.

    \b
    What if a storm hits on Wednesday at 10:00? (quiet_tuesday starts on Tuesday at
  00:00; start_hour counts from the scenario's start.)
      stormdesk run quiet_tuesday --set 'scenario.duration_hours=48' \\
        --set 'incidents[0]={ name = "storm", start_hour = 34, duration_hours = 6,
               multiplier = 5 }'
    """
    from .. import run

    if intervals_out and not interval:
        click.echo("--intervals-out needs --interval 15, 30 or 60", err=True)
        sys.exit(EXIT_BAD_INPUT)
    interval = int(interval) if interval else None
    spec = apply_settings(load_or_exit(scenario), settings)
    progress = DelayedProgress(f"simulating {spec.info.name}", enabled=not quiet)
    try:
        results = run(spec, seed=seed, progress=progress)
    finally:
        progress.close()
    for w in results.warnings:
        click.echo(f"warning: {w.message}", err=True)
    if as_json:
        click.echo(json.dumps(results.kpis))
    else:
        for table in kpi_tables(results.kpis, out.width):
            out.print(table)
        out.print(Text(KPI_NOTES, style="dim"))
    if plot:
        from ..plots import save_storm_plot

        path = save_storm_plot(results, plot)
        err.print(f"plot written to {path}")
    if complaints:
        path = Path(complaints)
        if path.suffix == ".parquet":
            results.complaints.to_parquet(path, index=False)
        else:
            results.complaints.to_csv(path, index=False)
        err.print(f"complaints table written to {path}")
    if interval:
        table = results.intervals(interval)
        if not as_json:
            for t in interval_tables(results, table, interval):
                out.print(t)
        if intervals_out:
            path = Path(intervals_out)
            if path.suffix == ".parquet":
                table.to_parquet(path, index=False)
            else:
                table.to_csv(path, index=False)
            err.print(f"interval table written to {path}")


@click.command("scenarios")
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, exists=True),
    default=None,
    help="Folder of scenario files (default: the library that ships with Stormdesk).",
)
def scenarios_cmd(directory: str | None) -> None:
    """List the scenario library: id (file stem), name and what it teaches."""
    from ..scenario import ScenarioError, load_scenario

    folder = Path(directory) if directory else LIBRARY
    t = Table(title=f"scenarios in {folder}", title_justify="left")
    t.add_column("id", style="bold")
    t.add_column("name")
    t.add_column("description")
    bad = 0
    for path in sorted(folder.glob("*.toml")):
        try:
            s = load_scenario(path)
        except ScenarioError as e:
            bad += 1
            t.add_row(
                path.stem,
                "[red]invalid[/]",
                f"{len(e.problems)} problem(s): stormdesk validate {path}",
            )
            continue
        t.add_row(
            path.stem,
            s.info.name,
            s.info.description.strip().splitlines()[0] if s.info.description else "",
        )
    out.print(t)
    if bad:
        sys.exit(EXIT_BAD_INPUT)


@click.command("validate")
@click.argument("files", nargs=-1, required=True)
@click.option(
    "--json", "as_json", is_flag=True,
    help="Print one JSON list on stdout: file, ok, problems, warnings per file.",
)  # fmt: skip
def validate_cmd(files: tuple[str, ...], as_json: bool) -> None:
    """Check scenario FILES; print 'ok' or one line per problem. Exit 2 if any is broken.

    Settings that are legal but probably wrong print a warning line (exit status 0).
    """
    from ..checks import scenario_warnings
    from ..scenario import ScenarioError, load_scenario

    broken = 0
    records = []
    for name in files:
        try:
            spec = load_scenario(resolve_scenario_path(name))
        except ScenarioError as e:
            broken += 1
            records.append({"file": name, "ok": False, "problems": [str(p) for p in e.problems],
                            "warnings": []})  # fmt: skip
            if not as_json:
                for problem in e.problems:
                    click.echo(str(problem), err=True)
            continue
        warnings = [str(p) for p in scenario_warnings(spec)]
        records.append({"file": name, "ok": True, "problems": [], "warnings": warnings})
        if not as_json:
            click.echo(f"{name}: ok")
            for line in warnings:
                click.echo(f"warning: {line}", err=True)  # one line each, like problems
    if as_json:
        click.echo(json.dumps(records, ensure_ascii=False))
    if broken:
        sys.exit(EXIT_BAD_INPUT)


COMMANDS = (run_cmd, scenarios_cmd, validate_cmd)
