"""Shift rules (``len=8h,step=30m,break=30m``) and the candidate shifts they allow."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from ..arrivals import MIN_PER_HOUR
from ..experiments import ExperimentError

_DURATION = re.compile(r"^\s*(?:(\d+(?:\.\d+)?)h)?\s*(?:(\d+(?:\.\d+)?)m(?:in)?)?\s*$")
MAX_COLUMNS = 200_000  # candidate shifts; beyond this the program is too big to solve quickly
BREAK_EDGE_MIN = 120  # a break starts ≥ 2 h after the shift starts and ends ≥ 2 h before its end
BREAK_SPREAD_MIN = 60  # … and its middle is within an hour of the shift's middle


# --- Shift rules ------------------------------------------------------------------------------
@dataclass(frozen=True)
class ShiftRules:
    """What a workable shift looks like (all in minutes)."""

    min_len: int = 240
    max_len: int = 540
    every: int = 60  # start-time granularity on the local clock
    step: int | None = None  # length step (default: ``every``)
    break_len: int = 30  # one unpaid break in shifts longer than break_after
    break_after: int = 360
    weekly: int = 40 * 60  # paid minutes per person per calendar week
    rest: int = 11 * 60  # minutes off between two shifts of one person

    @property
    def length_step(self) -> int:
        return self.step or self.every

    def has_break(self, length: int) -> bool:
        return self.break_len > 0 and length > self.break_after

    def describe(self) -> str:
        def d(m: int) -> str:
            return f"{m // 60}h{m % 60:02d}" if m % 60 else f"{m // 60}h"

        text = (
            f"shifts {d(self.min_len)}–{d(self.max_len)} in steps of {self.length_step} min, "
            f"starting every {self.every} min"
        )
        if self.break_len:
            text += f", a {self.break_len}-min unpaid break in shifts over {d(self.break_after)}"
        return text + f"; ≤ {d(self.weekly)} a week and ≥ {d(self.rest)} rest per person"


_KEYS = {
    "length": "length=MIN-MAX, e.g. 4h-9h",
    "every": "start-time granularity, e.g. 30m",
    "step": "length step, e.g. 30m (default: every)",
    "break": "unpaid break length, e.g. 30m (0 for none)",
    "break_after": "shifts longer than this get the break, e.g. 6h",
    "weekly": "most paid hours per person per week, e.g. 40h",
    "rest": "least rest between two shifts of one person, e.g. 11h",
}


def _minutes(text: str, what: str, problems: list[str]) -> int | None:
    m = _DURATION.match(text)
    if not text.strip() or not m or not (m[1] or m[2]):
        problems.append(f"--shifts {what}={text}: expected a duration such as 8h, 30m or 7h30m")
        return None
    minutes = float(m[1] or 0) * 60 + float(m[2] or 0)
    if abs(minutes - round(minutes)) > 1e-9:
        problems.append(f"--shifts {what}={text}: use whole minutes")
        return None
    return round(minutes)


def parse_shift_rules(text: str, interval_min: float | None = None) -> ShiftRules:
    """Parse ``--shifts "length=4h-9h,every=30m,break=30m,break_after=6h,weekly=40h,rest=11h"``.

    Every key is optional (defaults: :class:`ShiftRules`). Raises ExperimentError naming the
    key and the problem.
    """
    problems: list[str] = []
    values: dict[str, Any] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        key, sep, value = part.partition("=")
        key = key.strip().replace("-", "_")
        if not sep or key not in _KEYS:
            known = "; ".join(f"{k} ({v})" for k, v in _KEYS.items())
            problems.append(f"--shifts {part}: expected KEY=VALUE with KEY one of: {known}")
            continue
        if key == "length":
            lo, dash, hi = value.partition("-")
            a = _minutes(lo, key, problems)
            b = _minutes(hi, key, problems) if dash else a
            if a is not None and b is not None:
                values["min_len"], values["max_len"] = a, b
        else:
            m = _minutes(value, key, problems) if value.strip() not in ("0", "none") else 0
            if m is not None:
                values[{"break": "break_len"}.get(key, key)] = m
    if problems:
        raise ExperimentError(problems)
    rules = ShiftRules(**values)
    if not 0 < rules.min_len <= rules.max_len:
        problems.append("--shifts length: give MIN-MAX with 0 < MIN ≤ MAX, e.g. 4h-9h")
    if rules.max_len > 16 * 60:
        problems.append("--shifts length: at most 16h (a shift is worked in one go)")
    for name in ("every", "step", "weekly", "rest"):
        value = getattr(rules, name)
        if value is not None and value <= 0 and not (name == "rest" and value == 0):
            problems.append(f"--shifts {name}: must be > 0")
    if rules.every > 0 and MIN_PER_HOUR * 24 % rules.every:
        problems.append(f"--shifts every={rules.every}m: must divide a day (e.g. 15m, 30m, 1h)")
    if rules.weekly and rules.weekly < rules.min_len:
        problems.append("--shifts weekly: shorter than the shortest shift")
    if rules.has_break(rules.max_len) and rules.break_len >= rules.max_len:
        problems.append("--shifts break: as long as a shift")
    if interval_min is not None and abs(interval_min - round(interval_min)) > 1e-9:
        problems.append(f"--interval {interval_min:g}: whole minutes with --shifts")
    if problems:
        raise ExperimentError(problems)
    return rules


# --- Candidate shifts -------------------------------------------------------------------------
def _break_offsets(rules: ShiftRules, length: int, slot: int) -> list[int | None]:
    """Where a break may start, minutes after the shift's start (``[None]``: no break)."""
    if not rules.has_break(length):
        return [None]
    b = rules.break_len
    middle = (length - b) / 2
    lo = max(BREAK_EDGE_MIN, math.ceil((middle - BREAK_SPREAD_MIN) / slot) * slot)
    hi = min(length - BREAK_EDGE_MIN - b, middle + BREAK_SPREAD_MIN)
    offsets = list(range(int(lo), int(hi) + 1, slot)) if hi >= lo else []
    return offsets or [int(round(middle / slot) * slot)]


@dataclass(frozen=True)
class Candidate:
    start: int  # simulation minutes (may be < 0: started before the run)
    length: int
    break_at: int | None  # minutes after start; None: no break
    break_len: int = 0

    @property
    def end(self) -> int:
        return self.start + self.length

    @property
    def paid_min(self) -> int:
        return self.length - (self.break_len if self.break_at is not None else 0)

    def working(self) -> list[tuple[int, int]]:
        """The worked spans, simulation minutes (one, or two around the break)."""
        if self.break_at is None:
            return [(self.start, self.end)]
        b = self.start + self.break_at
        return [(self.start, b), (b + self.break_len, self.end)]


def candidates(rules: ShiftRules, duration: int, first_grid: int, slot: int) -> list[Candidate]:
    """Every shift on the rules' grid that works some time inside [0, duration)."""
    out = []
    lengths = range(rules.min_len, rules.max_len + 1, rules.length_step)
    start = first_grid - math.ceil((rules.max_len + first_grid) / rules.every) * rules.every
    while start < duration:
        for length in lengths:
            if start + length <= 0:
                continue
            for offset in _break_offsets(rules, length, slot):
                c = Candidate(start, length, offset, rules.break_len if offset is not None else 0)
                if any(min(b, duration) > max(a, 0) for a, b in c.working()):
                    out.append(c)
        start += rules.every
    return out
