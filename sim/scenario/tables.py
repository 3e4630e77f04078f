"""The tables of a scenario file but shifts and policy: [scenario], [population], [arrivals],
[[incidents]], [contagion], [channels.<id>] and [behaviour]."""

from __future__ import annotations

from contextlib import suppress
from datetime import date, datetime, time
from typing import Any

from pydantic import Field, PrivateAttr, field_validator, model_validator

from .. import calibration as cal
from ..vocab import PUBLIC_BY_DEFAULT, Topic
from .fields import (
    Duration,
    LognormalDuration,
    Name,
    NonNegative,
    Patience,
    Profile,
    WeeklyWeights,
    _known_zones,
    _shares_sum_to_one,
    _Strict,
    _zone,
)
from .limits import (
    DEFAULT_START,
    DEFAULT_TOPICS,
    FIRST_YEAR,
    LAST_YEAR,
    MAX_CONCURRENCY,
    MAX_DURATION_HOURS,
    MAX_MULTIPLIER,
    MAX_POPULATION,
    MAX_RATE_PER_HOUR,
    MAX_SIGMA,
)
from .problems import _fail, _num, _Shown, _suggest


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
