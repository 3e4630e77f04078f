"""Interval forecasts from a workforce-management (WFM) export: volume and AHT per channel.

A WFM tool (NICE, Genesys, Assembled, a spreadsheet) exports one row per interval and channel::

    interval_start,channel,volume,aht_s
    2026-03-06 12:00,phone,41,362
    2026-03-06 12:00,chat,18,540
    2026-03-06 12:15,phone,44,358

``interval_start`` is the local start of the interval (ISO date and time), ``volume`` the
contacts offered in the interval, and the handle time is ``aht_s`` (seconds, what WFM tools
export; ``aht`` means seconds too) or ``aht_min`` (minutes). Intervals are 15, 30 or 60 minutes
(found from the starts; every channel uses the same length) and rows may come in any order; a
channel may skip intervals with no volume. Other columns are ignored.

:func:`read_wfm_forecast` returns a :class:`WfmForecast` (volumes and AHT as intervals ×
channels) or raises :class:`ForecastError` whose problems each name the file, the line and the
field. ``stormdesk erlang --intervals FILE`` sizes every interval from it.
"""

from __future__ import annotations

import csv
import io
import itertools
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd
INTERVAL_LENGTHS = (15, 30, 60)  # minutes
MAX_PROBLEMS = 20
START_COLUMNS = ("interval_start", "interval", "start")
VOLUME_COLUMNS = ("volume", "offered", "contacts")
AHT_COLUMNS = {"aht_s": 1 / 60, "aht_sec": 1 / 60, "aht": 1 / 60, "aht_min": 1.0}


class ForecastError(ValueError):
    """A WFM forecast that cannot be used; ``problems`` are one line each."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class WfmForecast:
    """Volumes (contacts per interval) and AHT (minutes) as intervals × channels."""

    file: str
    interval_min: int
    starts: list[datetime]  # local starts, every interval from the first to the last
    channels: list[str]
    volume: np.ndarray
    aht_min: np.ndarray  # NaN where a channel has no row for the interval

    def frame(self) -> pd.DataFrame:
        """Tidy rows: interval_start, channel, volume, aht_min (rows the file gave)."""
        import pandas as pd  # only here: the calculator stays light

        rows = []
        for i, start in enumerate(self.starts):
            for j, channel in enumerate(self.channels):
                if not math.isnan(self.aht_min[i, j]):
                    rows.append(
                        {
                            "interval_start": start,
                            "channel": channel,
                            "volume": float(self.volume[i, j]),
                            "aht_min": float(self.aht_min[i, j]),
                        }
                    )
        return pd.DataFrame(rows, columns=["interval_start", "channel", "volume", "aht_min"])

    def per_hour(self) -> np.ndarray:
        """Arrival rates per hour (intervals × channels)."""
        return self.volume * (60.0 / self.interval_min)


def _pick(columns: list[str], names) -> str | None:
    return next((c for c in names if c in columns), None)


def parse_wfm_forecast(text: str, file: str) -> WfmForecast:
    """Parse the CSV text of a WFM export (see the module docstring); ``file`` names it."""
    problems: list[str] = []
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None:
        raise ForecastError([f"{file}, line 1: empty file (expected a header row)"])
    columns = [h.strip().lower() for h in header]
    start_col = _pick(columns, START_COLUMNS)
    volume_col = _pick(columns, VOLUME_COLUMNS)
    aht_col = _pick(columns, AHT_COLUMNS)
    missing = []
    if start_col is None:
        missing.append("interval_start")
    if "channel" not in columns:
        missing.append("channel")
    if volume_col is None:
        missing.append("volume")
    if aht_col is None:
        missing.append("aht_s or aht_min")
    if missing:
        raise ForecastError(
            [
                f"{file}, line 1: missing column {name} (header has {', '.join(columns) or 'nothing'})"  # noqa: E501
                for name in missing
            ]
        )
    idx = {name: columns.index(name) for name in (start_col, "channel", volume_col, aht_col)}
    scale = AHT_COLUMNS[aht_col]
    rows: list[tuple[int, datetime, str, float, float]] = []
    seen: dict[tuple[datetime, str], int] = {}
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        line = reader.line_num

        def cell(name: str, row=row) -> str:
            i = idx[name]
            return row[i].strip() if i < len(row) else ""

        bad = len(problems)
        try:
            start = datetime.fromisoformat(cell(start_col).replace("T", " "))
        except ValueError:
            problems.append(
                f"{file}, line {line}, field {start_col}: {cell(start_col)!r} is not a date and "
                "time (e.g. 2026-03-06 12:15)"
            )
            start = None
        channel = cell("channel").lower()
        if not channel:
            problems.append(f"{file}, line {line}, field channel: empty")
        numbers = {}
        for name in (volume_col, aht_col):
            try:
                value = float(cell(name))
                if not math.isfinite(value):
                    raise ValueError
            except ValueError:
                problems.append(
                    f"{file}, line {line}, field {name}: {cell(name)!r} is not a number"
                )
                continue
            if value < 0 or (name == aht_col and value == 0 and numbers.get(volume_col, 0) > 0):
                problems.append(
                    f"{file}, line {line}, field {name}: {cell(name)} must be "
                    + ("≥ 0" if name == volume_col else "> 0 when there is volume")
                )
                continue
            numbers[name] = value
        if start is not None and start.second:
            problems.append(f"{file}, line {line}, field {start_col}: whole minutes only")
        if start is not None and channel and (start, channel) in seen:
            problems.append(
                f"{file}, line {line}: {channel} at {start:%Y-%m-%d %H:%M} again "
                f"(first on line {seen[start, channel]})"
            )
        if len(problems) == bad:
            seen[start, channel] = line
            rows.append((line, start, channel, numbers[volume_col], numbers[aht_col] * scale))
        if len(problems) >= MAX_PROBLEMS:
            problems.append(f"{file}: stopped after {MAX_PROBLEMS} problems")
            break
    if not problems and not rows:
        problems.append(f"{file}, line 2: no rows (expected one row per interval and channel)")
    if problems:
        raise ForecastError(problems)
    starts = sorted({r[1] for r in rows})
    steps = {int((b - a).total_seconds() // 60) for a, b in itertools.pairwise(starts)}
    length = min(steps) if steps else 60
    if length not in INTERVAL_LENGTHS:
        raise ForecastError(
            [
                f"{file}: intervals of {length} minutes (from the interval_start column); "
                f"use {', '.join(map(str, INTERVAL_LENGTHS))}-minute intervals"
            ]
        )
    first = starts[0]
    for line, start, *_ in rows:
        offset = (start - first).total_seconds() / 60
        if offset % length:
            problems.append(
                f"{file}, line {line}, field {start_col}: {start:%Y-%m-%d %H:%M} is not on the "
                f"{length}-minute grid starting {first:%Y-%m-%d %H:%M}"
            )
    if problems:
        raise ForecastError(problems[:MAX_PROBLEMS])
    n = int((starts[-1] - first).total_seconds() // 60 // length) + 1
    channels = list(dict.fromkeys(r[2] for r in rows))
    volume = np.zeros((n, len(channels)))
    aht = np.full((n, len(channels)), np.nan)
    for _, start, channel, v, a in rows:
        i = int((start - first).total_seconds() // 60 // length)
        j = channels.index(channel)
        volume[i, j], aht[i, j] = v, a
    full = [first + timedelta(minutes=length * i) for i in range(n)]
    return WfmForecast(file, length, full, channels, volume, aht)


def read_wfm_forecast(path: str | Path) -> WfmForecast:
    """Read a WFM export (see :func:`parse_wfm_forecast`); a missing file is a ForecastError."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ForecastError([f"{p}: file not found"]) from None
    except (OSError, UnicodeDecodeError) as e:
        raise ForecastError([f"{p}: cannot be read ({type(e).__name__})"]) from None
    return parse_wfm_forecast(text, str(p))


def on_timeline(
    forecast: WfmForecast, start: datetime, timezone: str, duration_min: float, channels
) -> tuple[tuple[float, ...] | None, tuple[np.ndarray, np.ndarray] | None, list[str]]:
    """The forecast on a scenario's clock, for ``arrivals.forecast_csv``.

    Returns the arrivals per hour since the start (all channels: the baseline crisis mode
    compares against), the interval edges in simulation minutes with the arrival rate per
    minute per scenario channel (intervals × ``channels``), and problems (a channel the scenario
    does not have, a run the forecast does not cover).
    """
    from .arrivals import ScenarioClock

    channels = list(channels)
    problems = [
        f"{forecast.file}: channel {c!r} is not a channel of the scenario "
        f"(known: {', '.join(channels)})"
        for c in forecast.channels
        if c not in channels
    ]
    clock = ScenarioClock(start, timezone, duration_min)
    edges = np.array(
        [clock.minutes_at(t) for t in forecast.starts]
        + [clock.minutes_at(forecast.starts[-1] + timedelta(minutes=forecast.interval_min))]
    )
    if edges[0] > 1e-9 or edges[-1] < duration_min - 1e-9:
        end = start + timedelta(minutes=duration_min)
        problems.append(
            f"{forecast.file}: covers {forecast.starts[0]:%Y-%m-%d %H:%M} to "
            f"{forecast.starts[-1] + timedelta(minutes=forecast.interval_min):%Y-%m-%d %H:%M}, "
            f"not the whole run ({start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M}); add rows "
            "(volume 0 for quiet intervals)"
        )
    if problems:
        return None, None, problems
    rates = np.zeros((len(forecast.starts), len(channels)))
    for j, c in enumerate(forecast.channels):
        rates[:, channels.index(c)] = forecast.volume[:, j]
    rates /= np.diff(edges)[:, None]  # per minute (a DST interval is longer or shorter)
    hours = math.ceil(duration_min / 60 - 1e-9)
    per_hour = []
    for h in range(hours):
        a, b = 60.0 * h, 60.0 * (h + 1)
        overlap = np.clip(np.minimum(edges[1:], b) - np.maximum(edges[:-1], a), 0, None)
        per_hour.append(float(overlap @ rates.sum(axis=1)))
    return tuple(per_hour), (edges, rates), []


__all__ = [
    "ForecastError",
    "WfmForecast",
    "on_timeline",
    "parse_wfm_forecast",
    "read_wfm_forecast",
]
