"""The ``stormdesk`` command: run scenarios, list and validate the library.

Other packages add command groups through the ``stormdesk.commands`` entry point (the trainer
adds ``stormdesk trainer``), so ``sim`` never imports them.
"""

from __future__ import annotations

import json
import sys
import time
from importlib.metadata import entry_points
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from . import __version__

if TYPE_CHECKING:
    from .scenario import ScenarioError

# sim.scenario (pydantic, its models built on import) loads in the commands that read a
# scenario, so `stormdesk --help` and `stormdesk erlang` start without it.

EXIT_BAD_INPUT = 2
LIBRARY = Path(__file__).resolve().parent.parent / "scenarios"

err = Console(stderr=True)
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
    from .scenario import ScenarioError, load_scenario

    try:
        return load_scenario(path)
    except ScenarioError as e:
        fail_bad_input(e)


def apply_settings(spec, settings: tuple[str, ...]):
    """``spec`` with ``--set PATH=VALUE`` changes, checked as a whole; exit 2 on a bad one."""
    if not settings:
        return spec
    from .experiments import parse_value

    overrides = {}
    for item in settings:
        path, sep, value = item.partition("=")
        if not sep or not path.strip():
            click.echo(f"--set {item}: expected PATH=VALUE, e.g. shifts.night.reps=4", err=True)
            sys.exit(EXIT_BAD_INPUT)
        overrides[path.strip()] = parse_value(value)
    from .scenario import ScenarioError

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

    from .intervals import combine_channels

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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="stormdesk")
def main() -> None:
    """Stormdesk: simulate social-media complaint storms, train reps, plan staffing.

    \b
    Quick start:
      stormdesk scenarios                                  # the scenario library
      stormdesk run product_recall --seed 3                # KPIs per channel
      stormdesk run scenarios/product_recall.toml --json   # one JSON object on stdout
      stormdesk run product_recall --plot recall.png       # volume, queue and mood over time
      stormdesk validate scenarios/*.toml                  # check scenario files

    A SCENARIO is a path to a .toml file or the id of a library scenario (its file stem).
    Bad input exits with status 2 and one line per problem: file, field, value, problem.
    """


@main.command("run")
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
    from . import run

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
        from .plots import save_storm_plot

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


@main.command("scenarios")
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, exists=True),
    default=None,
    help="Folder of scenario files (default: the library that ships with Stormdesk).",
)
def scenarios_cmd(directory: str | None) -> None:
    """List the scenario library: id (file stem), name and what it teaches."""
    from .scenario import ScenarioError, load_scenario

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


@main.command("validate")
@click.argument("files", nargs=-1, required=True)
@click.option(
    "--json", "as_json", is_flag=True,
    help="Print one JSON list on stdout: file, ok, problems, warnings per file.",
)  # fmt: skip
def validate_cmd(files: tuple[str, ...], as_json: bool) -> None:
    """Check scenario FILES; print 'ok' or one line per problem. Exit 2 if any is broken.

    Settings that are legal but probably wrong print a warning line (exit status 0).
    """
    from .checks import scenario_warnings
    from .scenario import ScenarioError, load_scenario

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


def _load_plugins() -> None:
    """Add command groups that other packages register under ``stormdesk.commands``."""
    for ep in entry_points(group="stormdesk.commands"):
        try:
            command = ep.load()
        except Exception as e:  # a broken plugin must not take the core CLI down
            err.print(f"[yellow]warning:[/] could not load command {ep.name!r}: {e}")
            continue
        main.add_command(command, ep.name)


_load_plugins()

from .cli_experiments import COMMANDS  # noqa: E402 — the planner's commands (sweep, staff, erlang)

for c in COMMANDS:
    main.add_command(c)

from .cli_report import COMMANDS as REPORT_COMMANDS  # noqa: E402 — stormdesk report

for c in REPORT_COMMANDS:
    main.add_command(c)

from .cli_score import COMMANDS as SCORE_COMMANDS  # noqa: E402 — stormdesk score

for c in SCORE_COMMANDS:
    main.add_command(c)
