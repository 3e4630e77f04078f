"""The [[shifts]] and [policy] tables: who works when, and how work is routed."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from .fields import (
    _CLOCK,
    ChannelIds,
    ChannelIdsOrNone,
    Dates,
    Days,
    _clock_minutes,
    _clock_text,
    _Strict,
)
from .limits import IDENTIFIER, MAX_CONCURRENCY, MAX_REPS_PER_SHIFT, WEEKDAYS
from .problems import _fail, _num


class Shift(_Strict):
    """One ``[[shifts]]`` entry: a group of identical reps on the same working hours.

    ``start``/``end`` are local clock times; an ``end`` before ``start`` wraps past midnight
    (22:00–06:00), and 00:00–24:00 is all day. The shift runs on ``days``, or only on ``dates``
    (holidays) — a shift with ``dates`` must leave ``days`` at "all".
    """

    name: str = Field(
        pattern=f"^{IDENTIFIER.pattern}$",
        description="Identifier ([a-z][a-z0-9_]*), unique across shifts, used in field paths "
        "(required).",
    )
    reps: int = Field(ge=0, le=MAX_REPS_PER_SHIFT, description="Reps on this shift (required).")
    start: str = Field(description='Start, local time "HH:MM" (required).')
    end: str = Field(description='End, local time "HH:MM" or "24:00" (required).')
    days: Days = Field("all", description='"all" or a list of "mon".."sun".')
    dates: Dates | None = Field(None, description="If given, the shift runs only on these dates.")
    skills: ChannelIds | None = Field(None, description="Channels these reps work (default: all).")
    quality: float = Field(0.7, ge=0, le=1, description="Reply quality of the reps (0–1).")
    tier: int = Field(1, description="1 = front line, 2 = takes escalations.")
    empowered: bool = Field(False, description="May offer a remedy without approval.")
    remedy_limit: float = Field(
        50.0, ge=0, description="Largest remedy an empowered rep offers alone, currency units."
    )
    hourly_wage: float = Field(
        25.0, ge=0, description="Paid per rep-hour on shift, currency units."
    )
    break_share: float = Field(
        0.0,
        ge=0,
        lt=1,
        description="Share of on-shift time each rep spends on breaks (and other time off the "
        "queues within the shift: meetings, coaching), taken as `break_min` breaks at a fixed "
        "rhythm, staggered across the shift's reps so about this share of them is off at any "
        "moment — the even loss an Erlang gross-up assumes.",
    )
    break_min: float = Field(
        15.0, gt=0, description="Length of one break, minutes (with `break_share` > 0)."
    )
    absence_share: float = Field(
        0.0,
        ge=0,
        lt=1,
        description="Chance that a rep misses a whole shift occurrence (sickness, leave, "
        "no-show), drawn per rep and occurrence — on a 24/7 shift a whole day. Burstier than "
        "breaks: some days several reps are missing at once, so it costs more waiting than the "
        "same average loss spread through the shift.",
    )
    shrinkage: float = Field(
        0.0,
        ge=0,
        lt=1,
        exclude=True,
        description="The older name for `absence_share` (whole shift occurrences missed, not "
        "breaks); files that use it run as before. Give one or the other.",
    )
    concurrency: dict[str, Annotated[int, Field(ge=1, le=MAX_CONCURRENCY)]] | None = Field(
        None, description="Per-channel override of the channel's concurrency for these reps."
    )

    @field_validator("start", "end", mode="before")
    @classmethod
    def _time_of_day_text(cls, v: Any) -> Any:
        return _clock_text(v)

    @model_validator(mode="after")
    def _one_absence_name(self) -> Shift:
        # shrinkage is the older name of absence_share; the attribute is kept equal to it.
        given = self.model_fields_set
        if "shrinkage" in given and "absence_share" in given:
            if self.shrinkage != self.absence_share:
                raise _fail(
                    f"and absence_share ({_num(self.absence_share)}) are one setting "
                    "(shrinkage is its older name); give one of them",
                    at="shrinkage",
                    value=self.shrinkage,
                )
        elif "shrinkage" in given:
            self.__dict__["absence_share"] = self.shrinkage
        else:
            self.__dict__["shrinkage"] = self.absence_share
        return self

    @property
    def total_shrinkage(self) -> float:
        """Share of scheduled rep time off the queues: 1 − (1 − absence_share)(1 − break_share).

        What an Erlang gross-up divides by (reps = agents / (1 − total_shrinkage)).
        """
        a, b = self.absence_share, self.break_share
        return a + b - a * b

    @field_validator("start", "end")
    @classmethod
    def _time_of_day(cls, v: str, info: ValidationInfo) -> str:
        m = _CLOCK.fullmatch(v)
        ok = (
            m is not None and int(m[2]) < 60 and (int(m[1]) < 24 or (m[1] == "24" and m[2] == "00"))
        )
        if not ok:
            raise _fail('must be a time "HH:MM" between "00:00" and "24:00"')
        if info.field_name == "start" and int(m[1]) == 24:
            raise _fail('cannot be "24:00" (write "00:00")')
        return f"{int(m[1]):02d}:{m[2]}"

    @field_validator("tier")
    @classmethod
    def _tier(cls, v: int) -> int:
        if v not in (1, 2):
            raise _fail("must be 1 or 2")
        return v

    @model_validator(mode="after")
    def _calendar(self) -> Shift:
        if self.start_min == self.end_min:
            raise _fail(
                'equals start; for a 24-hour shift write start = "00:00", end = "24:00"',
                at="end",
                value=self.end,
            )
        if self.dates is not None and self.days != "all":
            raise _fail(
                "give days or dates, not both (a shift with dates runs only on them; "
                'leave days at "all")',
                at="dates",
                show=False,
            )
        return self

    @property
    def start_min(self) -> int:
        """Start, minutes after local midnight."""
        return _clock_minutes(self.start)

    @property
    def end_min(self) -> int:
        """End, minutes after local midnight (1440 for "24:00"); ≤ start_min wraps past midnight."""
        return _clock_minutes(self.end)

    @property
    def day_set(self) -> frozenset[int]:
        """Weekdays the shift starts on (0 = Monday)."""
        days = WEEKDAYS if self.days == "all" else self.days
        return frozenset(WEEKDAYS.index(d) for d in days)


# --- [policy] ------------------------------------------------------------------------------
class Policy(_Strict):
    """The ``[policy]`` table: routing, crisis mode and escalation rules."""

    routing: Literal["fifo", "priority", "skills"] = Field(
        "fifo",
        description="fifo (longest waiting first, across the channels a rep works); priority "
        "(public before private, then reach in orders of magnitude of followers — 0–9, 10–99, "
        "100–999… — then anger; a strict order, no score); or skills (each rep works its "
        "channels in its skills order, oldest first within one).",
    )
    reserve_for: ChannelIdsOrNone = Field(
        (),
        description="Channels that get reps' attention first — for voice beside multitasked "
        "channels: a rep holding any chat or post cannot fit a call (concurrency 1), so under "
        "any routing calls wait for a rep with nothing in hand. With phone here, a waiting call "
        "goes to the next rep it fits before any other work, and while calls wait as many reps "
        "as there are waiting calls take no new work of other channels until they can take one. "
        "Default: none.",
    )
    reserve_reps: int = Field(
        0,
        ge=0,
        le=MAX_REPS_PER_SHIFT,
        description="With `reserve_for`: idle reps kept free for those channels — a rep with "
        "nothing in hand who works one takes other work only while at least this many others "
        "are idle.",
    )
    auto_acknowledge: bool = Field(
        False, description="Send an instant automatic acknowledgement (cheap; lowers satisfaction)."
    )
    crisis_threshold: float = Field(
        0.0,
        ge=0,
        description="Crisis mode when the last hour's new complaints and pile-ons reach this × "
        "the baseline volume expected over that same hour (0 = off).",
    )
    crisis_pull_from: ChannelIdsOrNone = Field(
        ("email",),
        description="Channels whose reps move to public channels in crisis mode (default: email, "
        "if the scenario has it).",
    )
    holding_statement: bool = Field(
        True, description="Post a public holding statement in crisis mode."
    )
    escalation_severity: float = Field(
        0.8, ge=0, le=1, description="Complaints at least this severe go to tier 2 (if any)."
    )
    dm_handoff: bool = Field(
        True, description="Move public complaints that need personal details to private messages."
    )
