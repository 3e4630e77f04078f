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

The package (each module under ~500 lines): :mod:`.limits` (bounds and defaults),
:mod:`.problems` (problem lines), :mod:`.fields` (strict models, shares, durations, clock),
:mod:`.tables` and :mod:`.shifts` (the tables), :mod:`.storm` (:class:`StormScenario`),
:mod:`.paths` (dotted paths, overrides), :mod:`.forecast_csv`, :mod:`.checker` (pydantic errors
→ problem lines) and :mod:`.document` (a whole document, the checks across tables). Every name
is importable from ``sim.scenario`` as before.
"""

# Every name sim.scenario had as one module stays importable from it: the imports below re-export.
# ruff: noqa: F401
from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .checker import (
    _SIMPLE_MESSAGES,
    _TAG_TYPES,
    ROOT_KEYS,
    _Checker,
    _describe,
    _describe_duration,
    _keys_at,
    _unwrap,
)
from .document import (
    _check_channel_refs,
    _check_expected_volume,
    _validate_document,
    expected_arrivals,
)
from .fields import (
    _CLOCK,
    _DURATION_MEMBERS,
    ChannelIds,
    ChannelIdsOrNone,
    Dates,
    DayList,
    Days,
    Duration,
    ExponentialDuration,
    FixedDuration,
    HourlyWeights,
    LognormalDuration,
    Name,
    NonNegative,
    Patience,
    Profile,
    ProfileName,
    Weekday,
    WeeklyWeights,
    _as_tuple,
    _clock_minutes,
    _clock_text,
    _days_tag,
    _duration_tag,
    _exact_length,
    _iso_date,
    _known_zones,
    _positive_sum,
    _profile_tag,
    _raw_channel_shares,
    _shares_sum_to_one,
    _Strict,
    _unique,
    _zone,
)
from .forecast_csv import (
    _csv_number,
    _read_forecast,
)
from .limits import (
    _BARE_KEY,
    DEFAULT_START,
    DEFAULT_TOPICS,
    DURATION_KINDS,
    FIRST_YEAR,
    IDENTIFIER,
    LAST_YEAR,
    MAX_CONCURRENCY,
    MAX_CSV_PROBLEMS,
    MAX_DURATION_HOURS,
    MAX_MULTIPLIER,
    MAX_POPULATION,
    MAX_RATE_PER_HOUR,
    MAX_REPS_PER_SHIFT,
    MAX_SIGMA,
    SHARE_TOLERANCE,
    WEEKDAYS,
)
from .paths import (
    _PATH_INDEX,
    _PATH_KEY,
    _apply_override,
    _item_index,
    parse_path,
    render_path,
)
from .problems import (
    _ESCAPED_CONTROLS,
    MAX_SHOWN,
    NO_VALUE,
    Problem,
    ScenarioError,
    _compact,
    _fail,
    _key,
    _NoValue,
    _num,
    _show,
    _Shown,
    _suggest,
)
from .shifts import (
    Policy,
    Shift,
)
from .storm import (
    StormScenario,
    _plain,
)
from .tables import (
    Arrivals,
    Behaviour,
    Channel,
    Contagion,
    Incident,
    Population,
    ScenarioInfo,
    _with_public_default,
)

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
