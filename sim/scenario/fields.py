"""Building blocks of the scenario tables: strict models, shares, durations, clock and days."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Mapping
from datetime import date, datetime, time
from functools import cache
from typing import Annotated, Any, Literal, Union
from zoneinfo import ZoneInfo, available_timezones

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
)

from .limits import DURATION_KINDS, MAX_SIGMA, SHARE_TOLERANCE
from .problems import _fail, _num, _show


# --- Building blocks -----------------------------------------------------------------------
class _Strict(BaseModel):
    """Shared settings: unknown keys are errors, numbers are numbers (no bools, no strings;
    ints are fine where floats are expected), no inf/NaN, and instances are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


def _as_tuple(value: Any) -> Any:
    """TOML arrays arrive as lists; stored as tuples so the objects stay immutable."""
    return tuple(value) if isinstance(value, list) else value


def _unique(kind: str, *, allow_empty: bool = False) -> Callable[[tuple], tuple]:
    def check(values: tuple) -> tuple:
        if not values and not allow_empty:
            raise _fail(f"must list at least one {kind}")
        repeated = [v for v, n in Counter(values).items() if n > 1]
        if repeated:
            raise _fail(f"lists {_show(repeated[0])} more than once", show=False)
        return values

    return check


def _positive_sum(values: tuple[float, ...]) -> tuple[float, ...]:
    if sum(values) <= 0:
        raise _fail("weights sum to 0; at least one must be positive", show=False)
    return values


def _exact_length(n: int, what: str) -> Callable[[tuple], tuple]:
    def check(values: tuple) -> tuple:
        if len(values) != n:
            raise _fail(f"must have exactly {n} {what}, not {len(values)}", show=False)
        return values

    return check


def _raw_channel_shares(doc: Any) -> dict[str, float] | None:
    """Channel shares straight from the file when every one is a number ≥ 0, else None."""
    chans = doc.get("channels") if isinstance(doc, Mapping) else None
    if not isinstance(chans, Mapping) or not chans:
        return None
    out: dict[str, float] = {}
    for cid, raw in chans.items():
        share = raw.get("share") if isinstance(raw, Mapping) else None
        if isinstance(share, bool) or not isinstance(share, int | float) or not share >= 0:
            return None
        out[str(cid)] = float(share)
    return out


def _shares_sum_to_one(shares: Mapping[str, float]) -> str | None:
    """None if ``shares`` sum to 1, else the problem in words."""
    total = math.fsum(shares.values())
    if abs(total - 1.0) <= SHARE_TOLERANCE:
        return None
    listed = ", ".join(f"{k} {_num(v)}" for k, v in shares.items())
    hint = "; written as percents? 10% is 0.10" if abs(total - 100) < 1 else ""
    return f"shares sum to {_num(total)}, must sum to 1 ({listed}){hint}"


NonNegative = Annotated[float, Field(ge=0)]
Name = Annotated[str, Field(min_length=1)]
ChannelIds = Annotated[
    tuple[str, ...], BeforeValidator(_as_tuple), AfterValidator(_unique("channel"))
]
ChannelIdsOrNone = Annotated[
    tuple[str, ...],
    BeforeValidator(_as_tuple),
    AfterValidator(_unique("channel", allow_empty=True)),
]


# --- Durations -----------------------------------------------------------------------------
class ExponentialDuration(_Strict):
    """An exponentially distributed duration (memoryless — what the Erlang formulas assume)."""

    dist: Literal["exponential"] = Field("exponential", description="Distribution name.")
    mean_min: float = Field(gt=0, description="Mean duration, minutes.")


class LognormalDuration(_Strict):
    """A lognormal duration: half of all draws are below ``median_min``; ``sigma`` sets the tail."""

    dist: Literal["lognormal"] = Field("lognormal", description="Distribution name.")
    median_min: float = Field(gt=0, description="Median duration, minutes.")
    sigma: float = Field(
        ge=0,
        le=MAX_SIGMA,
        description="Standard deviation of the duration's logarithm (0 = fixed).",
    )

    @property
    def mean_min(self) -> float:
        """Mean duration, minutes: median × exp(σ²/2)."""
        return self.median_min * math.exp(self.sigma**2 / 2)


class FixedDuration(_Strict):
    """A duration that is always the same."""

    dist: Literal["fixed"] = Field("fixed", description="Distribution name.")
    value_min: float = Field(gt=0, description="The duration, minutes.")

    @property
    def mean_min(self) -> float:
        """Mean duration, minutes (the fixed value)."""
        return self.value_min


def _duration_tag(value: Any) -> str | None:
    if isinstance(value, str) and value == "none":
        return "<none>"
    dist = value.get("dist") if isinstance(value, Mapping) else getattr(value, "dist", None)
    return f"<{dist}>" if isinstance(dist, str) and dist in DURATION_KINDS else None


_DURATION_MEMBERS = (
    Annotated[ExponentialDuration, Tag("<exponential>")],
    Annotated[LognormalDuration, Tag("<lognormal>")],
    Annotated[FixedDuration, Tag("<fixed>")],
)
Duration = Annotated[
    Union[_DURATION_MEMBERS],  # noqa: UP007 — a tuple of members needs the subscript form
    Discriminator(_duration_tag, custom_error_type="duration", custom_error_message="bad duration"),
]
Patience = Annotated[
    Union[(*_DURATION_MEMBERS, Annotated[Literal["none"], Tag("<none>")])],
    Discriminator(_duration_tag, custom_error_type="patience", custom_error_message="bad patience"),
]


# --- [scenario] ----------------------------------------------------------------------------
@cache
def _known_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def _zone(name: Any) -> ZoneInfo | None:
    """The time zone called ``name``, or None (never raises, whatever ``name`` is)."""
    if not isinstance(name, str):
        return None
    if name in _known_zones() or name == "UTC":
        try:
            return ZoneInfo(name)
        except Exception:  # a broken tz database: report the name as unknown
            return None
    return None


# --- [arrivals] ----------------------------------------------------------------------------
ProfileName = Literal["flat", "retail", "office", "evening"]  # shapes in sim.arrivals
HourlyWeights = Annotated[
    tuple[NonNegative, ...],
    BeforeValidator(_as_tuple),
    AfterValidator(_exact_length(24, "hourly weights (hours 0–23)")),
    AfterValidator(_positive_sum),
]
WeeklyWeights = Annotated[
    tuple[NonNegative, ...],
    BeforeValidator(_as_tuple),
    AfterValidator(_exact_length(7, "daily weights (Mon..Sun)")),
    AfterValidator(_positive_sum),
]


def _profile_tag(value: Any) -> str | None:
    if isinstance(value, str):
        return "<name>"
    return "<weights>" if isinstance(value, list | tuple) else None


Profile = Annotated[
    Union[Annotated[ProfileName, Tag("<name>")], Annotated[HourlyWeights, Tag("<weights>")]],  # noqa: UP007
    Discriminator(_profile_tag, custom_error_type="profile", custom_error_message="bad profile"),
]


# --- [[shifts]] ----------------------------------------------------------------------------
_CLOCK = re.compile(r"(\d{1,2}):(\d{2})")


def _clock_text(value: Any) -> Any:
    """TOML local times (``08:00:00``) are accepted as well as "08:00"."""
    if (
        isinstance(value, time)
        and value.tzinfo is None
        and not value.second
        and not value.microsecond
    ):
        return f"{value.hour:02d}:{value.minute:02d}"
    return value


def _clock_minutes(text: str) -> int:
    h, m = (int(x) for x in text.split(":"))
    return h * 60 + m


def _iso_date(value: Any) -> Any:
    if isinstance(value, datetime):
        raise _fail("must be a date (e.g. 2026-12-25), not a date and time")
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    return value


Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
DayList = Annotated[tuple[Weekday, ...], BeforeValidator(_as_tuple), AfterValidator(_unique("day"))]


def _days_tag(value: Any) -> str | None:
    if isinstance(value, str) and value == "all":
        return "<all>"
    return "<days>" if isinstance(value, list | tuple) else None


Days = Annotated[
    Union[Annotated[Literal["all"], Tag("<all>")], Annotated[DayList, Tag("<days>")]],  # noqa: UP007
    Discriminator(_days_tag, custom_error_type="days", custom_error_message="bad days"),
]
Dates = Annotated[
    tuple[Annotated[date, BeforeValidator(_iso_date)], ...],
    BeforeValidator(_as_tuple),
    AfterValidator(_unique("date")),
]
