"""``stormdesk erlang``: Erlang C/A staffing for one interval or a WFM forecast, no simulation."""

from __future__ import annotations

import json
import math

import click
from rich import box
from rich.table import Table

from .cmd_staff import _records, _short_stamp
from .common import (
    TABLE_SUFFIXES,
    check_output,
    fail,
    out,
    write_table,
)
from .common import notes as err


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
    from .. import erlang_plan

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
    from ..erlang_plan import interval_table
    from ..forecasts import ForecastError, read_wfm_forecast

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


COMMANDS = (erlang_cmd,)
