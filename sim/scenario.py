"""Scenario files: TOML in, typed and frozen objects out — or one clear line per problem.

A scenario file (DESIGN §4) describes one storm: the clock, the customer population, how new
complaints arrive (base rate with a daily and weekly profile, or an hourly forecast, plus
incidents), contagion, the channels, what customers do after a reply, the reps' shifts and the
policies::

    scenario = load_scenario("scenarios/product_recall.toml")
    bigger = scenario.with_overrides({"shifts.weekday_day.reps": 10})

Loading raises nothing but :class:`ScenarioError`. Its ``problems`` name the file, the dotted
path of the field, the offending value and what is wrong, one line each, all of them at once::

    scenarios/recall.toml: channels.twitter.patience.median_min: -3 must be > 0
    scenarios/recall.toml: channels.twitter.patiance: unknown key (did you mean 'patience'?)

Shifts and incidents are addressed by name (``shifts.weekday_day.reps``), or by position
(``shifts[2]``) when the name itself is missing or broken. Units are in the field names: times
are minutes (``_min``) or hours (``_hours``), rates are per hour, shares are fractions that sum
to 1, money is in the scenario's currency units.

Build scenarios with :func:`load_scenario`, :func:`parse_scenario` or
:meth:`StormScenario.with_overrides`: they run the checks that span several tables (shares,
channel references, the forecast file). Constructing the models directly skips those.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
import json
import math
import os
import re
import tomllib
import types
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Final, Literal, Union, get_args, get_origin
from zoneinfo import ZoneInfo, available_timezones

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    PrivateAttr,
    Tag,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from . import calibration as cal
from .vocab import PUBLIC_BY_DEFAULT, Topic

# --- Limits --------------------------------------------------------------------------------
SHARE_TOLERANCE = 1e-6  # shares must sum to 1 within this
IDENTIFIER = re.compile(r"[a-z][a-z0-9_]*")  # channel ids and shift names
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")  # TOML keys that need no quotes
# Upper bounds keep every accepted scenario runnable: no datetime overflow, no absurd arrays.
MAX_DURATION_HOURS = 87_840.0  # ten years
MAX_POPULATION = 100_000_000  # 1M customers take < 1 GiB (DESIGN §10)
MAX_REPS_PER_SHIFT = 100_000
MAX_CONCURRENCY = 1_000
MAX_SIGMA = 5.0  # lognormal spread; e^5 ≈ 150× between median and one sigma up is already wild
MAX_CSV_PROBLEMS = 20  # a broken forecast file reports its first problems, not thousands
# Arrival rates: every complaint of a run is drawn up front, so the rates bound the memory a run
# needs. Ten million an hour is ~1000× the worst storm on record for one brand; the expected
# total over the run must also stay within ``scenario.max_complaints`` (checked across tables).
MAX_RATE_PER_HOUR = 10_000_000.0
MAX_MULTIPLIER = 10_000.0
FIRST_YEAR, LAST_YEAR = 1900, 2200

WEEKDAYS: Final = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DURATION_KINDS: Final = ("exponential", "lognormal", "fixed")
# Topic mix of ordinary complaints (model assumption; the lead calibrates it per scenario).
DEFAULT_TOPICS: Final = {
    Topic.BILLING.value: 0.2,
    Topic.DELIVERY.value: 0.25,
    Topic.PRODUCT_QUALITY.value: 0.2,
    Topic.ACCOUNT_ACCESS.value: 0.15,
    Topic.SERVICE.value: 0.1,
    Topic.REFUND.value: 0.1,
}
DEFAULT_START: Final = datetime(2026, 3, 2, 8, 0)  # a Monday morning


# --- Problems ------------------------------------------------------------------------------
class _Shown(str):
    """A value already written as a person would (``80``, not ``80.0``); shown without quotes."""

    __slots__ = ()


class _NoValue:
    """Marks a problem that has no single offending value (a missing key, a sum of shares)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "NO_VALUE"


NO_VALUE: Final = _NoValue()
MAX_SHOWN = 60  # characters of an offending value shown in a problem line
_ESCAPED_CONTROLS = {i: f"\\x{i:02x}" for i in range(32)} | {9: "\\t", 10: "\\n", 13: "\\r"}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario: ``"{file}: {path}: {value} {message}"``.

    ``path`` is the dotted field path (``channels.twitter.share``) or a place in a file
    (``line 12, column 5``), empty for the file as a whole; ``value`` is :data:`NO_VALUE` when
    there is no single offending value.
    """

    file: str
    path: str
    value: Any
    message: str

    def __str__(self) -> str:
        head = f"{self.file}: {self.path}: " if self.path else f"{self.file}: "
        if self.value is NO_VALUE:
            line = head + self.message
        else:
            line = f"{head}{_show(self.value)} {self.message}"
        # One problem, one line: names written by the user (a channel id, a key) may hold
        # control characters, and a message may quote them.
        return line.translate(_ESCAPED_CONTROLS)


class ScenarioError(Exception):
    """A scenario that cannot be used; ``problems`` lists everything found, one line each."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


def _show(value: Any) -> str:
    """A short, TOML-flavoured rendering of an offending value (at most :data:`MAX_SHOWN` chars)."""
    text = _compact(value, 0)
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "…"


def _compact(value: Any, depth: int) -> str:
    if isinstance(value, _Shown):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        if value.bit_length() > 200:  # str() of a huge int is slow or refused outright
            return f"<a {int(value.bit_length() * math.log10(2)) + 1}-digit integer>"
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return repr(value if len(value) <= MAX_SHOWN else value[:MAX_SHOWN])
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Mapping):
        if depth >= 2:
            return "{…}" if value else "{}"
        items = [f"{_key(k)} = {_compact(v, depth + 1)}" for k, v in list(value.items())[:4]]
        return "{" + ", ".join(items) + (", …" if len(value) > 4 else "") + "}"
    if isinstance(value, list | tuple):
        if depth >= 2:
            return "[…]" if value else "[]"
        items = [_compact(v, depth + 1) for v in value[:6]]
        return "[" + ", ".join(items) + (", …" if len(value) > 6 else "") + "]"
    if value is None:
        return "None"
    return f"<{type(value).__name__}>"


def _key(key: Any) -> str:
    """A table key as TOML writes it: bare if it can be, else quoted."""
    if isinstance(key, str) and _BARE_KEY.fullmatch(key):
        return key
    return json.dumps(key, ensure_ascii=False) if isinstance(key, str) else _compact(key, 3)


def _num(x: float) -> str:
    """A number as a person writes it: 0 rather than 0.0, 0.9 rather than 0.9000000000000001."""
    if isinstance(x, float) and x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    return f"{x:.6g}" if isinstance(x, float) else str(x)


def _fail(
    message: str, *, show: bool = True, at: str | None = None, value: Any = NO_VALUE
) -> PydanticCustomError:
    """A validation error with our own wording; ``at`` points at a field below the current one."""
    return PydanticCustomError(
        "stormdesk", "{message}", {"message": message, "show": show, "at": at, "value": value}
    )


def _suggest(word: str, candidates: Sequence[str]) -> str:
    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}?" if close else ""


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


class ScenarioInfo(_Strict):
    """The ``[scenario]`` table: name, clock and run length."""

    name: str = Field(description="Human-readable name (required).")
    description: str = Field(
        "",
        description="What the scenario teaches; its first line is listed by `stormdesk scenarios`.",
    )
    start: datetime = Field(
        DEFAULT_START,
        description="Local wall-clock start in `timezone` (weekday and hour matter for profiles "
        "and shifts). A date alone means midnight; a time with a UTC offset is converted.",
    )
    duration_hours: float = Field(
        gt=0,
        le=MAX_DURATION_HOURS,
        description="Length of the run, hours, warm-up included (required).",
    )
    warmup_hours: float = Field(
        0.0, ge=0, description="Arrivals before this many hours are not counted in the KPIs."
    )
    seed: int = Field(
        0, ge=0, lt=2**64, description="Random seed (`stormdesk run --seed` overrides it)."
    )
    timezone: str = Field(
        "UTC", description="IANA time zone of the scenario clock, e.g. Europe/Berlin."
    )
    max_complaints: int = Field(
        2_000_000,
        gt=0,
        le=1_000_000_000,
        description="Safety cap on complaints per run: a runaway storm stops here with a warning.",
    )

    @model_validator(mode="before")
    @classmethod
    def _start_as_local_datetime(cls, data: Any) -> Any:
        """A date → midnight; ISO text → datetime; a UTC offset → local time in ``timezone``."""
        if not isinstance(data, dict) or "start" not in data:
            return data
        start = data["start"]
        if isinstance(start, str):
            try:
                start = datetime.fromisoformat(start)
            except ValueError:
                return data
        elif isinstance(start, date) and not isinstance(start, datetime):
            start = datetime.combine(start, time())
        if isinstance(start, datetime) and start.tzinfo is not None:
            tz = _zone(data.get("timezone", "UTC"))
            if tz is not None:
                with suppress(OverflowError, ValueError):  # out of calendar range: reported below
                    start = start.astimezone(tz).replace(tzinfo=None)
        return {**data, "start": start}

    @field_validator("name")
    @classmethod
    def _not_blank(cls, v: str) -> str:
        if not v.strip():
            raise _fail("must not be blank")
        return v

    @field_validator("start")
    @classmethod
    def _sane_calendar(cls, v: datetime) -> datetime:
        if v.tzinfo is not None:
            raise _fail("has a UTC offset that cannot be converted to the scenario's timezone")
        if not FIRST_YEAR <= v.year <= LAST_YEAR:
            raise _fail(f"must be between the years {FIRST_YEAR} and {LAST_YEAR}")
        return v

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, v: str) -> str:
        if _zone(v) is None:
            hint = _suggest(v, sorted(_known_zones()))
            raise _fail("is not a known IANA time zone" + (f" ({hint})" if hint else ""))
        return v

    @model_validator(mode="after")
    def _warmup_inside_run(self) -> ScenarioInfo:
        if self.warmup_hours >= self.duration_hours:
            raise _fail(
                f"must be < duration_hours ({_num(self.duration_hours)})",
                at="warmup_hours",
                value=_Shown(_num(self.warmup_hours)),
            )
        return self


# --- [population] --------------------------------------------------------------------------
class Population(_Strict):
    """The ``[population]`` table: the customers complaint authors are drawn from."""

    size: int = Field(100_000, ge=1, le=MAX_POPULATION, description="Number of customers.")
    followers_median: float = Field(
        cal.FOLLOWERS_MEDIAN,
        gt=0,
        description="Median followers of a customer (Twitter studies: ≈ 61, DESIGN §6).",
    )
    followers_exponent: float = Field(
        cal.FOLLOWERS_EXPONENT,
        ge=1.01,
        le=5.0,
        description="Density exponent of the followers power law (≈ 2, DESIGN §6); must be > 1 — "
        "at least 1.01 so the law's scale stays a finite number.",
    )
    followers_max: float = Field(
        5_000_000.0,
        gt=0,
        description="Truncation of the followers power law (keeps the mean finite).",
    )
    value_median: float = Field(
        300.0, gt=0, description="Median annual value of a customer, currency units (lognormal)."
    )
    value_sigma: float = Field(
        1.0, ge=0, le=MAX_SIGMA, description="Spread (log standard deviation) of customer value."
    )
    temperament_sigma: float = Field(
        0.15,
        ge=0,
        le=1,
        description="Spread of customers' baseline anger (added to each complaint's anger, 0–1).",
    )

    @model_validator(mode="after")
    def _max_above_median(self) -> Population:
        if self.followers_max <= self.followers_median:
            raise _fail(
                f"must be > followers_median ({_num(self.followers_median)})",
                at="followers_max",
                value=_Shown(_num(self.followers_max)),
            )
        return self


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


class Arrivals(_Strict):
    """The ``[arrivals]`` table: how many new complaints arrive, when, and about what.

    The hourly rate is ``base_per_hour × hourly profile × weekly profile`` (both shapes
    normalised to mean 1), or the volumes of ``forecast_csv``; incidents multiply it.
    """

    base_per_hour: float = Field(
        ge=0,
        le=MAX_RATE_PER_HOUR,
        description="Average new complaints per hour over a week, all channels (required; not "
        "used when forecast_csv is given).",
    )
    profile: Profile = Field(
        "flat",
        description='Intraday shape: "flat", "retail", "office", "evening" or 24 weights for local '
        "hours 0–23.",
    )
    weekly: WeeklyWeights | None = Field(
        None, description="Weekly shape, 7 weights Mon..Sun (default: the named profile's own)."
    )
    forecast_csv: str | None = Field(
        None,
        min_length=1,
        description="CSV of hourly volumes (columns hour, per_hour; hours 0, 1, 2… from the start, "
        "covering the run), or a WFM export (interval_start, channel, volume, aht_s or aht_min; "
        "15/30/60-minute intervals), relative to the scenario file's folder. Replaces base × "
        "profile (a WFM export also the channel shares).",
    )
    topics: dict[Name, NonNegative] = Field(
        default_factory=lambda: dict(DEFAULT_TOPICS),
        description="Share of new complaints per topic; shares sum to 1.",
    )
    severity_mean: float = Field(
        0.3, ge=0, le=1, description="Mean severity (0–1) of ordinary complaints."
    )
    _forecast: tuple[float, ...] | None = PrivateAttr(None)
    _forecast_by_channel: tuple[Any, Any] | None = PrivateAttr(None)

    @property
    def forecast(self) -> tuple[float, ...] | None:
        """Arrivals per hour read from ``forecast_csv``, indexed by hours since the start."""
        return self._forecast

    @property
    def forecast_by_channel(self) -> tuple[Any, Any] | None:
        """A WFM ``forecast_csv`` (columns interval_start, channel, volume, AHT; see
        :mod:`sim.forecasts`): interval edges in simulation minutes and the arrival rate per
        minute per channel (intervals × channels, the scenario's order); else None."""
        return self._forecast_by_channel

    @field_validator("topics")
    @classmethod
    def _topic_shares(cls, v: dict[str, float]) -> dict[str, float]:
        if not v:
            raise _fail("must list at least one topic", show=False)
        problem = _shares_sum_to_one(v)
        if problem:
            raise _fail(problem, show=False)
        return v


# --- [[incidents]] -------------------------------------------------------------------------
class Incident(_Strict):
    """One ``[[incidents]]`` entry: for a while, extra complaints about one topic arrive."""

    name: Name = Field(description="Name of the incident, used in field paths (required).")
    start_hour: float = Field(ge=0, description="Start, hours after the scenario start (required).")
    duration_hours: float = Field(gt=0, description="How long it lasts, hours (required).")
    multiplier: float = Field(
        ge=0,
        le=MAX_MULTIPLIER,
        description="Arrival rate during the incident = baseline × multiplier (required; < 1 "
        "damps the baseline).",
    )
    topic: Name = Field(Topic.OUTAGE.value, description="Topic of the extra complaints.")
    severity: float = Field(0.7, ge=0, le=1, description="Severity (0–1) of the extra complaints.")
    channels: dict[str, NonNegative] | None = Field(
        None,
        description="Channel shares of the extra complaints, summing to 1 (default: the "
        "scenario's channel shares).",
    )

    @field_validator("channels")
    @classmethod
    def _channel_shares(cls, v: dict[str, float] | None) -> dict[str, float] | None:
        if v is not None:
            problem = _shares_sum_to_one(v) if v else "must list at least one channel"
            if problem:
                raise _fail(problem, show=False)
        return v


# --- [contagion] ---------------------------------------------------------------------------
class Contagion(_Strict):
    """The ``[contagion]`` table: public complaints draw pile-ons from other customers.

    A Hawkes process with the SEISMIC kernel (Zhao et al. 2015): flat for ``kernel_flat_min``,
    then decaying as s^−(1+θ), cut at ``horizon_hours``.
    """

    enabled: bool = Field(False, description="Whether public complaints draw pile-ons.")
    branching_ratio: float = Field(
        0.5,
        ge=0,
        description="Mean pile-ons of an average author's unanswered public complaint (0.3–0.9 "
        "ordinary; ≥ 1 is a storm only the response stops).",
    )
    kernel_flat_min: float = Field(
        cal.KERNEL_FLAT_MIN, gt=0, description="Flat start of the kernel, minutes (≈ 5)."
    )
    kernel_theta: float = Field(
        cal.KERNEL_THETA, gt=0, description="Power-law exponent θ of the kernel (≈ 0.23)."
    )
    horizon_hours: float = Field(
        24.0, gt=0, description="A post draws no pile-ons after this, hours."
    )
    reach_weight: float = Field(
        0.5,
        ge=0,
        description="Exponent on the author's followers relative to the population mean.",
    )
    anger_weight: float = Field(
        1.0, ge=0, description="How much the author's anger adds to spread."
    )
    reply_effect: bool = Field(
        True, description="The brand's reply changes how the thread spreads."
    )
    saturation: bool = Field(
        True, description="A finite population runs out of customers who have not piled on yet."
    )


# --- [channels.<id>] -----------------------------------------------------------------------
class Channel(_Strict):
    """One ``[channels.<id>]`` table: where complaints are made and how they are worked."""

    public: bool = Field(
        False,
        description="Anyone can see (and pile on). Default: true for twitter, x, facebook, "
        "instagram, reviews, tiktok, youtube and forum, false otherwise.",
    )
    share: float = Field(
        ge=0, description="Share of new complaints; shares of all channels sum to 1 (required)."
    )
    patience: Patience = Field(
        LognormalDuration(median_min=60.0, sigma=1.0),
        description='How long a customer waits before giving up: a duration, or "none" (never).',
    )
    handle_time: Duration = Field(
        LognormalDuration(median_min=5.0, sigma=0.5),
        description="Rep time to answer one complaint.",
    )
    concurrency: int = Field(
        1,
        ge=1,
        le=MAX_CONCURRENCY,
        description="How many of this channel's complaints a rep works at once.",
    )
    sla_min: float = Field(
        60.0, gt=0, description="Service-level target: first response within, minutes."
    )


def _with_public_default(channel_id: str, raw: Any) -> Any:
    if isinstance(raw, dict) and "public" not in raw:
        return {"public": channel_id in PUBLIC_BY_DEFAULT, **raw}
    return raw


# --- [behaviour] ---------------------------------------------------------------------------
class Behaviour(_Strict):
    """The ``[behaviour]`` table: what customers do after a reply or after giving up."""

    follow_ups: bool = Field(True, description="Replies get answers, thanks, further questions.")
    escalations: bool = Field(
        True, description="Ignored or unhappy customers re-post in public, switch channel, churn…"
    )


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


# --- The scenario --------------------------------------------------------------------------
class StormScenario(_Strict):
    """A validated scenario: everything a run needs, frozen.

    ``id`` is the file stem (``product_recall``), ``source`` the path as given and ``sha256`` a
    fingerprint of the validated content (same content → same hash, in any process).
    """

    info: ScenarioInfo = Field(alias="scenario", description="The [scenario] table.")
    population: Population = Field(
        default_factory=Population, description="The [population] table."
    )
    arrivals: Arrivals = Field(description="The [arrivals] table.")
    incidents: tuple[Incident, ...] = Field((), description="The [[incidents]] tables.")
    contagion: Contagion = Field(default_factory=Contagion, description="The [contagion] table.")
    channels: dict[str, Channel] = Field(description="The [channels.<id>] tables, in file order.")
    behaviour: Behaviour = Field(default_factory=Behaviour, description="The [behaviour] table.")
    shifts: tuple[Shift, ...] = Field(description="The [[shifts]] tables (at least one).")
    policy: Policy = Field(default_factory=Policy, description="The [policy] table.")

    _id: str = PrivateAttr("<string>")
    _source: str = PrivateAttr("<string>")
    _base_dir: Path | None = PrivateAttr(None)

    @property
    def id(self) -> str:
        """The file stem (``product_recall``), or ``"<string>"``."""
        return self._id

    @property
    def source(self) -> str:
        """Where the scenario came from: the path as given, or ``"<string>"``."""
        return self._source

    @property
    def sha256(self) -> str:
        """SHA-256 of a canonical JSON dump of the validated content.

        Defaults are included, so the hash pins what a run used; the forecast counts by its
        volumes, not by where its file lives. Channel and topic order matter to a run, so the
        dump keeps them.
        """
        data = self.model_dump(mode="json", by_alias=True)
        data["arrivals"]["forecast_csv"] = None
        forecast = self.arrivals.forecast
        data["arrivals"]["forecast"] = list(forecast) if forecast is not None else None
        by_channel = self.arrivals.forecast_by_channel
        if by_channel is not None:  # per channel and interval: the shares count too
            data["arrivals"]["forecast_by_channel"] = [
                by_channel[0].tolist(),
                by_channel[1].tolist(),
            ]
        text = json.dumps(data, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def __eq__(self, other: object) -> bool:
        """Same content (``id`` and ``source`` are where it came from, not what it is)."""
        if not isinstance(other, StormScenario):
            return NotImplemented
        return self.__dict__ == other.__dict__

    def __hash__(self) -> int:
        return hash(self.sha256)

    def to_toml_dict(self) -> dict[str, Any]:
        """Plain data (dicts, lists, str, numbers, dates) with every field written out.

        ``parse_scenario(s.to_toml_dict()) == s``. A forecast file is referred to by its
        absolute path.
        """
        return _plain(self.model_dump(mode="python", by_alias=True, exclude_none=True))

    def with_overrides(self, overrides: Mapping[str, Any]) -> StormScenario:
        """A copy with some fields changed, re-validated as a whole.

        Keys are dotted paths as in problem lines — ``"shifts.weekday_day.reps"``,
        ``"channels.twitter.patience.median_min"``, ``"incidents[0].multiplier"`` — values are
        what the TOML file would hold. Bad paths or values raise :class:`ScenarioError` with
        problems from ``"override"``.
        """
        doc = self.to_toml_dict()
        problems: list[Problem] = []
        for key, value in overrides.items():
            parts = parse_path(key) if isinstance(key, str) else None
            if parts and len(parts) == 3 and parts[0] == "shifts" and parts[2] == "shrinkage":
                key = render_path([*parts[:2], "absence_share"])  # the older name of it
            try:
                message = _apply_override(doc, key, _plain(value))
            except RecursionError:
                message = "is nested too deeply"
            if message:
                parts = parse_path(key) if isinstance(key, str) else None
                shown = render_path(parts) if parts else json.dumps(str(key), ensure_ascii=False)
                problems.append(Problem("override", shown, NO_VALUE, message))
        if problems:
            raise ScenarioError(problems)
        return _validate_document(
            doc, "override", self._base_dir, scenario_id=self._id, source=self._source
        )

    def window(self, start_min: float, duration_min: float) -> StormScenario:
        """The part of this storm from ``start_min`` on, ``duration_min`` long, as a scenario.

        The window starts later on the clock (so shifts and profiles follow the time of day);
        its incidents move earlier by the same amount, an incident already under way at the
        start is cut to what is left of it and one over before the window opens is switched off
        (multiplier 0). The window has no warm-up: it counts from its own minute 0. This is
        what a trainee plays in the trainer (``trainer_web.engine.exercise_scenario``).
        """
        offset_h = start_min / 60.0
        overrides: dict[str, Any] = {
            "scenario.duration_hours": duration_min / 60.0,
            "scenario.warmup_hours": 0,
            "scenario.start": self.info.start + timedelta(minutes=start_min),
        }
        for i, incident in enumerate(self.incidents):
            begins = incident.start_hour - offset_h
            ends = begins + incident.duration_hours
            if ends <= 0:  # over before the window opens
                overrides[f"incidents[{i}].multiplier"] = 0.0
            elif begins < 0:
                overrides[f"incidents[{i}].start_hour"] = 0.0
                overrides[f"incidents[{i}].duration_hours"] = ends
            else:
                overrides[f"incidents[{i}].start_hour"] = begins
        return self.with_overrides(overrides)


def _plain(value: Any) -> Any:
    """Tuples → lists, numpy scalars → Python numbers, recursively."""
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if type(value).__module__ == "numpy" and hasattr(value, "item"):
        return value.item()
    return value


# --- Field paths ---------------------------------------------------------------------------
_PATH_KEY = re.compile(r'[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"')
_PATH_INDEX = re.compile(r"\[(\d+)\]")


def render_path(parts: Sequence[str | int]) -> str:
    """``("shifts", "day", "skills", 0)`` → ``shifts.day.skills[0]``; odd keys are quoted."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
            continue
        key = part if _BARE_KEY.fullmatch(part) else json.dumps(part, ensure_ascii=False)
        out += f".{key}" if out else key
    return out


def parse_path(text: str) -> list[str | int] | None:
    """The inverse of :func:`render_path`; None if ``text`` is not a path."""
    parts: list[str | int] = []
    pos = 0
    while pos < len(text):
        m = _PATH_INDEX.match(text, pos)
        if m and parts:
            parts.append(int(m[1]))
            pos = m.end()
            continue
        if parts:
            if text[pos] != ".":
                return None
            pos += 1
        m = _PATH_KEY.match(text, pos)
        if not m:
            return None
        # strict=False: a quoted key may hold control characters; they are escaped when shown.
        parts.append(json.loads(m[0], strict=False) if m[0].startswith('"') else m[0])
        pos = m.end()
    return parts or None


def _apply_override(doc: dict, key: Any, value: Any) -> str | None:
    """Set ``key`` (a dotted path) in ``doc``; the problem in words if it cannot be set."""
    parts = parse_path(key) if isinstance(key, str) else None
    if parts is None:
        return "is not a dotted path such as shifts.weekday_day.reps"
    node: Any = doc
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        where = render_path(parts[:i]) or "the scenario"
        if isinstance(node, list):
            if last and part == len(node) and isinstance(value, dict):
                node.append(value)  # incidents[<count>] = { … } adds one
                return None
            index = _item_index(node, part, what=str(parts[i - 1]).removesuffix("s"))
            if isinstance(index, str):
                return index
            if last:
                node[index] = value
                return None
            node = node[index]
        elif isinstance(node, dict):
            if not isinstance(part, str):
                return f"{where} is a table, not a list"
            if last:
                node[part] = value
                return None
            node = node.setdefault(part, [] if isinstance(parts[i + 1], int) else {})
        else:
            return f"{where} is {_show(node)}, not a table"
    return None


def _item_index(items: list, part: str | int, *, what: str) -> int | str:
    """Position of a shift or incident given by name or index; else the problem in words."""
    if isinstance(part, int) or re.fullmatch(r"[0-9]+", part):
        index = int(part)
        if index < len(items):
            return index
        return f"there is no {what} [{index}] (there are {len(items)})"
    names = [item.get("name") for item in items if isinstance(item, dict)]
    if part in names:
        return names.index(part)
    hint = _suggest(part, [n for n in names if isinstance(n, str)])
    known = ", ".join(str(n) for n in names)
    return f"no {what} named {part!r} ({hint + ' ' if hint else ''}known: {known})"


# --- Validation ----------------------------------------------------------------------------
_TAG_TYPES: dict[str, Any] = {
    "<exponential>": ExponentialDuration,
    "<lognormal>": LognormalDuration,
    "<fixed>": FixedDuration,
    "<none>": None,
    "<name>": None,
    "<weights>": None,
    "<all>": None,
    "<days>": None,
}
ROOT_KEYS: Final = (
    "scenario",
    "population",
    "arrivals",
    "incidents",
    "contagion",
    "channels",
    "behaviour",
    "shifts",
    "policy",
)


def _unwrap(tp: Any) -> Any:
    """Strip ``Annotated`` and ``X | None`` down to what holds the next key."""
    while True:
        origin = get_origin(tp)
        if origin is Annotated:
            tp = get_args(tp)[0]
        elif origin in (Union, types.UnionType):
            members = [a for a in get_args(tp) if a is not type(None)]
            if len(members) != 1:
                return tp
            tp = members[0]
        else:
            return tp


def _keys_at(model: type[BaseModel], loc: Sequence[Any]) -> list[str]:
    """The keys a table at ``loc`` (below ``model``) may have — for "did you mean" hints."""
    tp: Any = model
    for part in loc:
        if isinstance(part, str) and part in _TAG_TYPES:
            tp = _TAG_TYPES[part]
            continue
        tp = _unwrap(tp)
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            fields = {(f.alias or name): f for name, f in tp.model_fields.items()}
            if part not in fields:
                return []
            tp = fields[part].annotation
        elif get_origin(tp) in (dict, tuple):
            tp = get_args(tp)[-1 if get_origin(tp) is dict else 0]
        else:
            return []
    tp = _unwrap(tp)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return [f.alias or name for name, f in tp.model_fields.items()]
    return []


_SIMPLE_MESSAGES: Final = {
    "bool_type": "must be true or false",
    "string_type": "must be a string",
    "string_too_short": "must not be empty",
    "dict_type": "must be a table",
    "model_type": "must be a table",
    "model_attributes_type": "must be a table",
    "list_type": "must be a list",
    "tuple_type": "must be a list",
    "finite_number": "must be a finite number",
    "datetime_type": "must be a date and time, e.g. 2026-03-02T08:00:00",
    "date_type": "must be a date, e.g. 2026-12-25",
    "int_type": "must be a whole number",
    "invalid_key": "keys must be strings",
}


def _describe(error: Mapping[str, Any]) -> tuple[list[Any], Any, str]:
    """A pydantic error → (extra path parts, value to show or NO_VALUE, message)."""
    kind = error["type"]
    ctx = error.get("ctx") or {}
    value = error.get("input", NO_VALUE)
    if kind == "stormdesk":
        if ctx.get("at"):  # about one field of the table that was checked as a whole
            return [ctx["at"]], ctx.get("value", NO_VALUE), ctx["message"]
        return [], value if ctx.get("show", True) else NO_VALUE, ctx["message"]
    if kind == "missing":
        return [], NO_VALUE, "missing (required)"
    if kind in ("duration", "patience"):
        return _describe_duration(value, kind == "patience")
    if kind == "profile":
        return (
            [],
            value,
            'must be "flat", "retail", "office", "evening" or a list of 24 hourly weights',
        )
    if kind == "days":
        return [], value, 'must be "all" or a list of days such as ["mon", "tue"]'
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        op, bound = {
            "greater_than": (">", "gt"),
            "greater_than_equal": (">=", "ge"),
            "less_than": ("<", "lt"),
            "less_than_equal": ("<=", "le"),
        }[kind]
        return [], value, f"must be {op} {_num(ctx[bound])}"
    if kind == "float_type":
        too_big = isinstance(value, int) and not isinstance(value, bool)
        return [], value, "is too large" if too_big else "must be a number"
    if kind == "literal_error":
        return [], value, f"must be one of {ctx['expected']}"
    if kind == "string_pattern_mismatch":
        return (
            [],
            value,
            "must be an identifier: a lowercase letter, then lowercase letters, digits or _",
        )
    if kind in _SIMPLE_MESSAGES:
        return [], value, _SIMPLE_MESSAGES[kind]
    message = str(error.get("msg", kind))
    return [], value, message[:1].lower() + message[1:]


def _describe_duration(value: Any, patience: bool) -> tuple[list[Any], Any, str]:
    known = ", ".join(DURATION_KINDS)
    if isinstance(value, Mapping):
        if "dist" not in value:
            return ["dist"], NO_VALUE, f"missing (required: one of {known})"
        return ["dist"], value["dist"], f"is not a known distribution (known: {known})"
    if value == "none" and not patience:
        return [], value, "is not allowed here: every complaint takes some work"
    example = '{ dist = "lognormal", median_min = 60, sigma = 1.0 }'
    return [], value, f"must be a duration such as {example}" + (' or "none"' if patience else "")


class _Checker:
    """Collects problems for one document: per-table validation, then the cross-table checks."""

    def __init__(self, file: str, base_dir: Path | None):
        self.file = file
        self.base_dir = base_dir
        self.problems: list[Problem] = []
        self._seen: set[str] = set()

    def add(self, parts: Sequence[str | int], value: Any, message: str) -> None:
        problem = Problem(self.file, render_path(parts), value, message)
        self.add_problem(problem)

    def add_problem(self, problem: Problem) -> None:
        key = str(problem)
        if key not in self._seen:
            self._seen.add(key)
            self.problems.append(problem)

    def validate(self, model: type[BaseModel], raw: Any, prefix: Sequence[str | int]) -> Any:
        """``model`` from ``raw``, or None after recording every problem under ``prefix``."""
        try:
            return model.model_validate(raw)
        except ValidationError as e:
            for error in e.errors():
                loc = error["loc"]
                extra, value, message = _describe(error)
                if error["type"] == "extra_forbidden":
                    hint = _suggest(str(loc[-1]), _keys_at(model, loc[:-1]))
                    value, message = NO_VALUE, "unknown key" + (f" ({hint})" if hint else "")
                if len(loc) >= 2 and loc[-1] == "[key]":  # a bad key of a table: name the table
                    value, message, loc = loc[-2], f"is not a valid key: {message}", loc[:-2]
                parts = [p for p in loc if not (isinstance(p, str) and p in _TAG_TYPES)]
                self.add([*prefix, *parts, *extra], value, message)
            return None
        except RecursionError:
            self.add(prefix, NO_VALUE, "is nested too deeply")
            return None

    def section(
        self, doc: Mapping, key: str, model: type[BaseModel], *, required: bool = False
    ) -> Any:
        if key not in doc:
            if required:
                self.add([key], NO_VALUE, f"missing (required: a [{key}] table)")
                return None
            return model()
        return self.validate(model, doc[key], [key])

    def items(
        self, doc: Mapping, key: str, model: type[BaseModel], *, required: bool, what: str
    ) -> list[tuple[list[str | int], Any]]:
        """Validate an array of tables whose entries are addressed by name.

        Returns the valid entries with their path prefixes; problems with the others are recorded.
        """
        raw = doc.get(key)
        if raw is None:
            if required:
                self.add([key], NO_VALUE, f"missing (required: at least one [[{key}]] table)")
            return []
        if not isinstance(raw, list | tuple):
            self.add([key], raw, f"must be an array of tables ([[{key}]])")
            return []
        if required and not raw:
            self.add([key], NO_VALUE, f"must have at least one {what}")
            return []
        names = [item.get("name") if isinstance(item, dict) else None for item in raw]
        counts = Counter(n for n in names if isinstance(n, str))
        valid: list[tuple[list[str | int], Any]] = []
        for i, (item, name) in enumerate(zip(raw, names, strict=True)):
            prefix: list[str | int] = [key, name if self._addressable(key, name, counts) else i]
            if isinstance(name, str) and counts[name] > 1 and names.index(name) != i:
                message = f"is used by more than one {what}; names must be unique"
                self.add([key, i, "name"], name, message)
            if not isinstance(item, dict):
                self.add(prefix, item, f"must be a table ([[{key}]] entry)")
                continue
            value = self.validate(model, item, prefix)
            if value is not None:
                valid.append((prefix, value))
        return valid

    @staticmethod
    def _addressable(key: str, name: Any, counts: Counter) -> bool:
        """Whether a shift's or incident's name can stand for it in a field path."""
        if not isinstance(name, str) or counts[name] != 1:
            return False
        if key == "shifts":
            return IDENTIFIER.fullmatch(name) is not None
        return bool(name.strip())

    def channels(self, doc: Mapping) -> tuple[dict[str, Channel] | None, list[str]]:
        """Validated channels (None if any is broken) and every channel id written."""
        raw = doc.get("channels")
        if raw is None:
            self.add(
                ["channels"], NO_VALUE, "missing (required: at least one [channels.<id>] table)"
            )
            return None, []
        if not isinstance(raw, dict):
            self.add(["channels"], raw, "must be a table of channels ([channels.<id>])")
            return None, []
        if not raw:
            self.add(["channels"], NO_VALUE, "must have at least one channel")
            return None, []
        ids = [str(k) for k in raw]
        out: dict[str, Channel] | None = {}
        for key, value in raw.items():
            cid = str(key)
            if not isinstance(key, str) or IDENTIFIER.fullmatch(key) is None:
                self.add(
                    ["channels", cid],
                    NO_VALUE,
                    "is not a valid channel id: use a lowercase letter, then lowercase "
                    "letters, digits or _",
                )
                out = None
            if not isinstance(value, dict):
                self.add(["channels", cid], value, "must be a table ([channels.<id>])")
                out = None
                continue
            channel = self.validate(Channel, _with_public_default(cid, value), ["channels", cid])
            if channel is None or out is None:
                out = None
            else:
                out[cid] = channel
        return out, ids

    def forecast(self, raw_path: str) -> tuple[float, ...] | None:
        """Volumes from ``forecast_csv``; problems name the CSV file, its line and column."""
        base = self.base_dir if self.base_dir is not None else Path()
        try:
            shown = base / raw_path
            text = shown.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            self.add(["arrivals", "forecast_csv"], raw_path, f"file not found (looked for {shown})")
            return None
        except (OSError, ValueError) as e:
            reason = "not UTF-8 text" if isinstance(e, UnicodeDecodeError) else "cannot be read"
            self.add(["arrivals", "forecast_csv"], raw_path, f"{reason} ({type(e).__name__})")
            return None
        header = text.split("\n", 1)[0].lower()
        if "channel" in [h.strip() for h in header.split(",")]:  # a WFM export
            from .forecasts import ForecastError, parse_wfm_forecast

            try:
                return parse_wfm_forecast(text, str(shown))
            except ForecastError as e:
                for message in e.problems:
                    self.add_problem(Problem(str(shown), "", NO_VALUE, message.split(": ", 1)[-1]
                                             if message.startswith(str(shown) + ": ") else
                                             message.removeprefix(str(shown) + ", ")))  # fmt: skip
                return None
        values, problems = _read_forecast(text, str(shown))
        for problem in problems:
            self.add_problem(problem)
        return values


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


def _check_channel_refs(
    check: _Checker, parts: list, ids: Sequence[str], known: Sequence[str]
) -> None:
    for cid in ids:
        if cid not in known:
            hint = _suggest(cid, known)
            listing = ", ".join(sorted(known))
            check.add(
                parts,
                cid,
                f"is not a channel of this scenario ({hint + ' ' if hint else ''}known: {listing})",
            )


def expected_arrivals(info, arrivals, incidents) -> float:
    """Roughly how many new complaints a run draws (before pile-ons): the profiles average 1
    over a week, so the baseline brings ``base × hours``; an incident adds ``base × (m − 1) ×
    its hours`` at its peak hour at most (the busiest profile hour is < 4× the mean)."""
    hours = info.duration_hours
    if arrivals.forecast is not None:
        baseline = math.fsum(arrivals.forecast[: math.ceil(hours)])
        base = max(arrivals.forecast[: math.ceil(hours)], default=0.0)
    else:
        baseline = arrivals.base_per_hour * hours
        base = arrivals.base_per_hour * 4
    extra = math.fsum(
        base * (inc.multiplier - 1.0) * max(0.0, min(inc.duration_hours, hours - inc.start_hour))
        for inc in incidents
        if inc.multiplier > 1.0
    )
    return baseline + extra


def _check_expected_volume(check, info, arrivals, incidents) -> None:
    """Refuse, before anything is allocated, a run whose arrivals alone pass max_complaints."""
    if info is None or arrivals is None:
        return
    expected = expected_arrivals(info, arrivals, incidents)
    cap = info.max_complaints
    if expected <= cap:
        return
    field = ["arrivals", "forecast_csv" if arrivals.forecast is not None else "base_per_hour"]
    value = arrivals.forecast_csv if arrivals.forecast is not None else arrivals.base_per_hour
    check.add(
        field,
        value,
        f"would draw about {expected:.3g} complaints in {_num(info.duration_hours)} hours, more "
        f"than scenario.max_complaints = {cap:_} (the cap on complaints per run; at most "
        "1_000_000_000): lower the rate or the incidents' multipliers, or raise max_complaints",
    )


def _validate_document(
    doc: Any, file: str, base_dir: Path | None, *, scenario_id: str, source: str
) -> StormScenario:
    check = _Checker(file, base_dir)
    if not isinstance(doc, Mapping):
        check.add([], doc, "must be a table of scenario settings")
        raise ScenarioError(check.problems)
    for key in doc:
        if key not in ROOT_KEYS:
            hint = _suggest(str(key), ROOT_KEYS)
            check.add([str(key)], NO_VALUE, "unknown key" + (f" ({hint})" if hint else ""))

    info = check.section(doc, "scenario", ScenarioInfo, required=True)
    population = check.section(doc, "population", Population)
    arrivals = check.section(doc, "arrivals", Arrivals, required=True)
    incidents = check.items(doc, "incidents", Incident, required=False, what="incident")
    contagion = check.section(doc, "contagion", Contagion)
    channels, channel_ids = check.channels(doc)
    behaviour = check.section(doc, "behaviour", Behaviour)
    shifts = check.items(doc, "shifts", Shift, required=True, what="shift")
    policy = check.section(doc, "policy", Policy)

    # Checks across tables, each as soon as the tables it needs are valid.
    shares = (
        {cid: ch.share for cid, ch in channels.items()}
        if channels is not None
        else _raw_channel_shares(doc)  # other channel fields are wrong: still check the sum
    )
    if shares:
        problem = _shares_sum_to_one(shares)
        if problem:
            check.add(["channels"], NO_VALUE, problem)
    if channel_ids:
        for prefix, shift in shifts:
            _check_channel_refs(check, [*prefix, "skills"], shift.skills or (), channel_ids)
            conc = list(shift.concurrency or {})
            _check_channel_refs(check, [*prefix, "concurrency"], conc, channel_ids)
        for prefix, incident in incidents:
            conc = list(incident.channels or {})
            _check_channel_refs(check, [*prefix, "channels"], conc, channel_ids)
        if policy is not None:
            _check_channel_refs(check, ["policy", "reserve_for"], policy.reserve_for, channel_ids)
        if policy is not None and "crisis_pull_from" in policy.model_fields_set:
            _check_channel_refs(
                check, ["policy", "crisis_pull_from"], policy.crisis_pull_from, channel_ids
            )
    if arrivals is not None and arrivals.forecast_csv is not None:
        forecast = check.forecast(arrivals.forecast_csv)
        by_channel = None
        if forecast is not None and not isinstance(forecast, tuple):  # a WFM export
            problems: list[str] = []
            if info is not None:
                from .forecasts import on_timeline

                forecast, by_channel, problems = on_timeline(
                    forecast, info.start, info.timezone, info.duration_hours * 60.0, channel_ids
                )
            else:
                forecast = None
            for message in problems:
                check.add(["arrivals", "forecast_csv"], arrivals.forecast_csv, message)
        if forecast is not None and info is not None and len(forecast) < info.duration_hours:
            check.add(
                ["arrivals", "forecast_csv"],
                arrivals.forecast_csv,
                f"covers {len(forecast)} hours, fewer than duration_hours "
                f"({_num(info.duration_hours)}); add rows (per_hour = 0 for a quiet end)",
            )
        elif forecast is not None:
            resolved = str(((base_dir or Path()) / arrivals.forecast_csv).resolve())
            arrivals = arrivals.model_copy(update={"forecast_csv": resolved})
            arrivals._forecast = forecast
            arrivals._forecast_by_channel = by_channel
    if not check.problems:
        _check_expected_volume(check, info, arrivals, [inc for _, inc in incidents])
    if check.problems:
        raise ScenarioError(check.problems)

    if "crisis_pull_from" not in policy.model_fields_set:
        pulled = tuple(c for c in policy.crisis_pull_from if c in channels)
        policy = policy.model_copy(update={"crisis_pull_from": pulled})
    scenario = StormScenario.model_validate(
        {
            "scenario": info,
            "population": population,
            "arrivals": arrivals,
            "incidents": tuple(incident for _, incident in incidents),
            "contagion": contagion,
            "channels": channels,
            "behaviour": behaviour,
            "shifts": tuple(shift for _, shift in shifts),
            "policy": policy,
        }
    )
    scenario._id = scenario_id
    scenario._source = source
    scenario._base_dir = base_dir
    return scenario


# --- Entry points --------------------------------------------------------------------------
_TOML_PLACE = re.compile(
    r"^(?P<message>.*?)\s*\(at (?:line (?P<line>\d+), column (?P<column>\d+)|end of document)\)$"
)


def _toml_problem(file: str, error: Exception) -> Problem:
    text = str(error) if isinstance(error, tomllib.TOMLDecodeError) else ""
    m = _TOML_PLACE.match(text)
    if isinstance(error, RecursionError):
        return Problem(file, "", NO_VALUE, "invalid TOML: nested too deeply")
    if not isinstance(error, tomllib.TOMLDecodeError):
        return Problem(file, "", NO_VALUE, f"invalid TOML: {str(error)[:120]}")
    if m is None:
        return Problem(file, "", NO_VALUE, f"invalid TOML: {text}")
    place = f"line {m['line']}, column {m['column']}" if m["line"] else "end of file"
    return Problem(file, place, NO_VALUE, f"invalid TOML: {m['message']}")


def _scenario_id(source: str) -> str:
    return source if source.startswith("<") else Path(source).stem


def parse_scenario(
    text_or_dict: str | Mapping[str, Any], *, source: str = "<string>", base_dir: Path | None = None
) -> StormScenario:
    """Validate a scenario given as TOML text or as an already-parsed table.

    ``source`` names it in problem lines and sets ``id``/``source``; ``base_dir`` is where
    ``forecast_csv`` is looked for (default: the current directory). Raises
    :class:`ScenarioError`, never anything else, for any bad input.
    """
    if isinstance(text_or_dict, str):
        try:
            doc: Any = tomllib.loads(text_or_dict)
        except (ValueError, RecursionError) as e:  # TOMLDecodeError is a ValueError
            raise ScenarioError([_toml_problem(source, e)]) from None
    elif isinstance(text_or_dict, Mapping):
        doc = dict(text_or_dict)
    else:
        kind = type(text_or_dict).__name__
        raise ScenarioError(
            [Problem(source, "", NO_VALUE, f"expected TOML text or a table, got {kind}")]
        )
    return _validate_document(
        doc, source, base_dir, scenario_id=_scenario_id(source), source=source
    )


def load_scenario(path: str | os.PathLike[str]) -> StormScenario:
    """Read and validate a scenario file; its ``id`` is the file stem.

    Raises :class:`ScenarioError` (file not found, invalid TOML, invalid settings…), never
    anything else.
    """
    file = os.fspath(path)
    p = Path(file)
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise ScenarioError([Problem(file, "", NO_VALUE, "file not found")]) from None
    except IsADirectoryError:
        raise ScenarioError(
            [Problem(file, "", NO_VALUE, "is a folder, not a scenario file")]
        ) from None
    except (OSError, ValueError) as e:
        raise ScenarioError(
            [Problem(file, "", NO_VALUE, f"cannot be read ({type(e).__name__})")]
        ) from None
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as e:
        raise ScenarioError(
            [Problem(file, "", NO_VALUE, f"is not UTF-8 text (byte {e.start})")]
        ) from None
    return parse_scenario(text, source=file, base_dir=p.parent)


__all__ = [
    "Arrivals",
    "Behaviour",
    "Channel",
    "Contagion",
    "Duration",
    "ExponentialDuration",
    "FixedDuration",
    "Incident",
    "LognormalDuration",
    "Patience",
    "Policy",
    "Population",
    "Problem",
    "ScenarioError",
    "ScenarioInfo",
    "Shift",
    "StormScenario",
    "load_scenario",
    "parse_scenario",
]
