"""The hourly forecast CSV (columns hour, per_hour) of ``[arrivals] forecast_csv``."""

from __future__ import annotations

import csv
import io
import math
from typing import Any

from .limits import MAX_CSV_PROBLEMS, MAX_RATE_PER_HOUR
from .problems import NO_VALUE, Problem, _num, _suggest


def _read_forecast(text: str, file: str) -> tuple[tuple[float, ...] | None, list[Problem]]:
    """Parse a forecast CSV: a header with ``hour`` and ``per_hour``, one row per hour.

    Hours must run 0, 1, 2… without gaps or repeats (other columns are ignored). Returns the
    volumes per hour, or None and the problems (at most :data:`MAX_CSV_PROBLEMS` and a count).
    """
    problems: list[Problem] = []
    reader = csv.reader(io.StringIO(text))
    values: list[float] = []
    try:
        header = next(reader, None)
        if header is None:
            return None, [
                Problem(file, "line 1", NO_VALUE, "empty file: expected a header 'hour,per_hour'")
            ]
        columns = [h.strip() for h in header]
        index = {}
        for name in ("hour", "per_hour"):
            if name not in columns:
                hint = _suggest(name, [c for c in columns if c not in ("hour", "per_hour")])
                found = ", ".join(columns) or "nothing"
                problems.append(
                    Problem(
                        file,
                        "line 1",
                        NO_VALUE,
                        f"missing column {name!r} (header has {found}"
                        + (f"; {hint})" if hint else ")"),
                    )
                )
            else:
                index[name] = columns.index(name)
        if problems:
            return None, problems
        expected_hour = 0
        extra = 0
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            where = f"line {reader.line_num}"
            row_problems: list[Problem] = []
            cells = {name: row[i].strip() if i < len(row) else None for name, i in index.items()}
            hour = _csv_number(cells["hour"], int, file, where, "hour", row_problems)
            if hour is not None and hour != expected_hour:
                row_problems.append(
                    Problem(
                        file, f"{where}: hour", hour,
                        f"expected {expected_hour}: hours must run 0, 1, 2… from the start "
                        "without gaps or repeats",
                    )
                )  # fmt: skip
            expected_hour = (hour if hour is not None else expected_hour) + 1
            volume = _csv_number(cells["per_hour"], float, file, where, "per_hour", row_problems)
            if volume is not None and not 0 <= volume <= MAX_RATE_PER_HOUR:
                row_problems.append(
                    Problem(
                        file, f"{where}: per_hour", volume,
                        f"must be between 0 and {_num(MAX_RATE_PER_HOUR)} complaints an hour",
                    )
                )  # fmt: skip
            elif volume is not None:
                values.append(volume)
            if len(problems) + len(row_problems) > MAX_CSV_PROBLEMS:
                extra += len(row_problems)
            else:
                problems.extend(row_problems)
    except csv.Error as e:
        problems.append(Problem(file, f"line {reader.line_num}", NO_VALUE, f"invalid CSV: {e}"))
    if extra:
        problems.append(Problem(file, "", NO_VALUE, f"{extra} more problems not shown"))
    if not problems and not values:
        problems.append(
            Problem(file, "line 2", NO_VALUE, "no data rows: expected one row per hour")
        )
    return (None, problems) if problems else (tuple(values), [])


def _csv_number(
    cell: str | None, kind: type, file: str, where: str, column: str, out: list[Problem]
) -> Any:
    if cell is None or cell == "":
        out.append(Problem(file, f"{where}: {column}", NO_VALUE, "missing"))
        return None
    try:
        value = kind(cell)
    except ValueError:
        out.append(
            Problem(
                file,
                f"{where}: {column}",
                cell,
                "is not a whole number" if kind is int else "is not a number",
            )
        )
        return None
    if kind is float and not math.isfinite(value):
        out.append(Problem(file, f"{where}: {column}", cell, "is not a finite number"))
        return None
    if value < 0:
        out.append(Problem(file, f"{where}: {column}", value, "must be >= 0"))
        return None
    return value
