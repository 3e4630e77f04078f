"""Scenario files (DESIGN §4): the library loads, and bad input gets one clear line per problem.

Every problem line reads ``file: dotted.path: value message``. Whatever document is thrown at
the loader — malformed TOML, wrong types at any level, garbage from hypothesis — it returns a
scenario or raises ScenarioError, never anything else.
"""

from __future__ import annotations

import copy
import subprocess
import sys
import textwrap
from datetime import date, datetime
from pathlib import Path
from typing import Any, get_args

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.arrivals import HOURLY_PROFILES
from sim.scenario import (
    ROOT_KEYS,
    ExponentialDuration,
    LognormalDuration,
    ProfileName,
    ScenarioError,
    StormScenario,
    load_scenario,
    parse_scenario,
    render_path,
)
from tests.conftest import LIBRARY, ROOT

FILE = "scenarios/recall.toml"
# A small valid scenario; the bad inputs below are one edit away from it.
RECALL = textwrap.dedent(
    """\
    [scenario]
    name = "Recall"
    duration_hours = 72
    seed = 7

    [arrivals]
    base_per_hour = 40
    profile = "retail"

    [[incidents]]
    name = "recall_notice"
    start_hour = 6
    duration_hours = 12
    multiplier = 8.0

    [channels.twitter]
    share = 0.5
    patience = { dist = "lognormal", median_min = 60, sigma = 1.0 }
    concurrency = 3

    [channels.email]
    share = 0.5
    patience = "none"

    [[shifts]]
    name = "weekday_day"
    reps = 8
    start = "08:00"
    end = "16:00"
    days = ["mon", "tue", "wed", "thu", "fri"]
    skills = ["twitter", "email"]

    [[shifts]]
    name = "night"
    reps = 1
    start = "22:00"
    end = "06:00"
    """
)
KNOWN = "(known: email, twitter)"
PROMISED = ("quiet_tuesday", "kearney_2011", "product_recall", "weekend_outage",
            "influencer_meltdown", "holiday_rush", "hashtag_hijack", "erlang_c_light",
            "erlang_c_heavy", "erlang_a_short_patience", "erlang_a_long_patience")  # fmt: skip
LIBRARY_FILES = sorted(LIBRARY.glob("*.toml"))


def edited(old: str, new: str) -> str:
    assert old in RECALL, old
    return RECALL.replace(old, new, 1)


def problem_lines(document: Any, source: str = FILE) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(document, source=source)
    return str(info.value).splitlines()


def recall_dict() -> dict:
    return parse_scenario(RECALL).to_toml_dict()


# --- The library -----------------------------------------------------------------------------
def test_library_ships_the_promised_scenarios():
    assert {p.stem for p in LIBRARY_FILES} >= set(PROMISED)


@pytest.mark.parametrize("path", LIBRARY_FILES, ids=[p.stem for p in LIBRARY_FILES])
def test_every_library_scenario_loads_and_round_trips(path: Path):
    scenario = load_scenario(path)
    assert scenario.id == path.stem
    assert scenario.source == str(path)
    assert scenario.info.description.strip(), "each file says what it teaches"
    assert len(scenario.sha256) == 64
    assert parse_scenario(scenario.to_toml_dict()) == scenario


@pytest.mark.parametrize("stem", [s for s in PROMISED if s.startswith("erlang_")])
def test_pure_queue_files_are_the_erlang_model(stem: str):
    s = load_scenario(LIBRARY / f"{stem}.toml")
    (channel,) = s.channels.values()
    (shift,) = s.shifts
    assert list(s.channels) == ["phone"] and not channel.public
    assert not s.contagion.enabled and not s.incidents
    assert not s.behaviour.follow_ups and not s.behaviour.escalations
    assert s.arrivals.profile == "flat" and s.arrivals.weekly is None
    assert isinstance(channel.handle_time, ExponentialDuration)
    if stem.startswith("erlang_c_"):
        assert channel.patience == "none"
    else:
        assert isinstance(channel.patience, ExponentialDuration)
    assert channel.concurrency == 1
    assert (shift.name, shift.start, shift.end, shift.days) == ("all_day", "00:00", "24:00", "all")
    assert shift.shrinkage == 0 and shift.skills is None and shift.concurrency is None
    assert s.info.warmup_hours > 0
    counted = s.arrivals.base_per_hour * (s.info.duration_hours - s.info.warmup_hours)
    assert counted >= 20_000


def test_holiday_rush_reads_its_forecast_and_holiday_shifts():
    s = load_scenario(LIBRARY / "holiday_rush.toml")
    assert s.arrivals.forecast is not None
    assert len(s.arrivals.forecast) >= s.info.duration_hours
    assert all(v >= 0 for v in s.arrivals.forecast)
    assert Path(s.arrivals.forecast_csv).is_absolute()
    holidays = {sh.name: sh.dates for sh in s.shifts if sh.dates}
    assert holidays["christmas_day"] == (date(2026, 12, 25),)


def test_profile_names_are_the_arrival_models_profiles():
    assert set(get_args(ProfileName)) == set(HOURLY_PROFILES)


# --- Defaults ----------------------------------------------------------------------------------
def test_a_small_file_gets_the_documented_defaults():
    s = parse_scenario(RECALL)
    assert s.id == "<string>" and s.source == "<string>"
    assert s.info.start == datetime(2026, 3, 2, 8, 0)
    assert (s.info.warmup_hours, s.info.timezone, s.info.max_complaints) == (0, "UTC", 2_000_000)
    assert s.population.size == 100_000 and s.population.followers_median == 61
    assert s.contagion.enabled is False
    assert s.behaviour.follow_ups and s.behaviour.escalations
    assert s.policy.routing == "fifo" and s.policy.crisis_pull_from == ("email",)
    assert abs(sum(s.arrivals.topics.values()) - 1) < 1e-9
    assert s.channels["email"].handle_time == LognormalDuration(median_min=5, sigma=0.5)
    assert s.incidents[0].topic == "outage" and s.incidents[0].channels is None
    assert s.shifts[1].days == "all" and s.shifts[1].skills is None


def test_public_defaults_by_channel_id():
    s = parse_scenario(RECALL)
    assert s.channels["twitter"].public is True
    assert s.channels["email"].public is False


def test_crisis_pull_from_default_keeps_only_existing_channels():
    doc = recall_dict()
    doc["channels"] = {"twitter": doc["channels"]["twitter"] | {"share": 1.0}}
    for shift in doc["shifts"]:
        shift.pop("skills", None)
    del doc["policy"]  # not written: the default ["email"] applies
    assert parse_scenario(doc).policy.crisis_pull_from == ()
    doc["policy"] = {"crisis_pull_from": ["email"]}
    assert problem_lines(doc) == [
        f"{FILE}: policy.crisis_pull_from: 'email' is not a channel of this scenario "
        "(known: twitter)"
    ]


def test_durations_know_their_mean():
    assert ExponentialDuration(mean_min=6).mean_min == 6
    lognormal = LognormalDuration(median_min=60, sigma=1.0)
    assert lognormal.mean_min == pytest.approx(60 * 1.6487, rel=1e-4)


# --- Bad input: one line per problem, naming file, path, value and problem ----------------------
def test_malformed_toml_names_line_and_column():
    assert problem_lines(edited("[arrivals]", "[arrivals")) == [
        f"{FILE}: line 6, column 10: invalid TOML: Expected ']' at the end of a table declaration"
    ]


def test_unknown_key_is_named_with_a_suggestion():
    lines = problem_lines(edited("patience = {", "patiance = {"))
    assert lines == [f"{FILE}: channels.twitter.patiance: unknown key (did you mean 'patience'?)"]


def test_unknown_table_is_named_with_a_suggestion():
    lines = problem_lines(edited("[arrivals]", "[arivals]"))
    assert lines == [
        f"{FILE}: arivals: unknown key (did you mean 'arrivals'?)",
        f"{FILE}: arrivals: missing (required: a [arrivals] table)",
    ]


WRONG_TYPES = {
    "string_int": ("concurrency = 3", 'concurrency = "four"',
                   "channels.twitter.concurrency: 'four' must be a whole number"),
    "float_int": ("concurrency = 3", "concurrency = 3.0",
                  "channels.twitter.concurrency: 3.0 must be a whole number"),
    "string_float": ("base_per_hour = 40", 'base_per_hour = "40"',
                     "arrivals.base_per_hour: '40' must be a number"),
    "bool_float": ("share = 0.5\npatience = {", "share = true\npatience = {",
                   "channels.twitter.share: true must be a number"),
    "float_seed": ("seed = 7", "seed = 7.5", "scenario.seed: 7.5 must be a whole number"),
    "int_profile": ('profile = "retail"', "profile = 3",
                    'arrivals.profile: 3 must be "flat", "retail", "office", "evening" or a list '
                    "of 24 hourly weights"),
    "unknown_profile": ('profile = "retail"', 'profile = "sunday"',
                        "arrivals.profile: 'sunday' must be one of 'flat', 'retail', 'office' or "
                        "'evening'"),
    "list_int": ("reps = 8", "reps = [8]", "shifts.weekday_day.reps: [8] must be a whole number"),
    "table_bool": ("[channels.email]", "[channels.email.public]",
                   "channels.email.public: {share = 0.5, patience = 'none'} must be true or false"),
}  # fmt: skip


@pytest.mark.parametrize(("old", "new", "line"), WRONG_TYPES.values(), ids=WRONG_TYPES.keys())
def test_wrong_type_is_named_with_its_value(old: str, new: str, line: str):
    assert f"{FILE}: {line}" in problem_lines(edited(old, new))


def test_ints_are_accepted_where_floats_are_expected():
    s = parse_scenario(edited("multiplier = 8.0", "multiplier = 8"))
    assert s.incidents[0].multiplier == 8.0 and isinstance(s.incidents[0].multiplier, float)


def test_negative_rate_is_named():
    lines = problem_lines(edited("base_per_hour = 40", "base_per_hour = -40"))
    assert lines == [f"{FILE}: arrivals.base_per_hour: -40 must be >= 0"]


def test_nonpositive_duration_is_named():
    lines = problem_lines(edited("median_min = 60", "median_min = -3"))
    assert lines == [f"{FILE}: channels.twitter.patience.median_min: -3 must be > 0"]


def test_infinite_numbers_are_rejected():
    lines = problem_lines(edited("base_per_hour = 40", "base_per_hour = inf"))
    assert lines == [f"{FILE}: arrivals.base_per_hour: inf must be a finite number"]


def test_channel_shares_must_sum_to_one():
    lines = problem_lines(
        edited('share = 0.5\npatience = "none"', 'share = 0.4\npatience = "none"')
    )
    assert lines == [f"{FILE}: channels: shares sum to 0.9, must sum to 1 (twitter 0.5, email 0.4)"]


def test_topic_and_incident_shares_must_sum_to_one():
    doc = recall_dict()
    doc["arrivals"]["topics"] = {"billing": 0.5, "delivery": 0.4}
    doc["incidents"][0]["channels"] = {"twitter": 0.7}
    assert problem_lines(doc) == [
        f"{FILE}: arrivals.topics: shares sum to 0.9, must sum to 1 (billing 0.5, delivery 0.4)",
        f"{FILE}: incidents.recall_notice.channels: shares sum to 0.7, must sum to 1 (twitter 0.7)",
    ]


def test_shift_skill_must_name_a_channel_of_the_scenario():
    lines = problem_lines(edited('skills = ["twitter", "email"]', 'skills = ["tiktok", "twiter"]'))
    assert lines == [
        f"{FILE}: shifts.weekday_day.skills: 'tiktok' is not a channel of this scenario {KNOWN}",
        f"{FILE}: shifts.weekday_day.skills: 'twiter' is not a channel of this scenario "
        "(did you mean 'twitter'? known: email, twitter)",
    ]


def test_other_channel_references_must_name_channels():
    doc = recall_dict()
    doc["shifts"][1]["concurrency"] = {"chat": 2}
    doc["incidents"][0]["channels"] = {"tiktok": 1.0}
    doc["policy"]["crisis_pull_from"] = ["phone"]
    assert problem_lines(doc) == [
        f"{FILE}: shifts.night.concurrency: 'chat' is not a channel of this scenario {KNOWN}",
        f"{FILE}: incidents.recall_notice.channels: 'tiktok' is not a channel of this scenario "
        f"{KNOWN}",
        f"{FILE}: policy.crisis_pull_from: 'phone' is not a channel of this scenario {KNOWN}",
    ]


def test_missing_required_field_is_named():
    lines = problem_lines(edited("base_per_hour = 40\n", ""))
    assert lines == [f"{FILE}: arrivals.base_per_hour: missing (required)"]


def test_missing_channels_and_shifts_are_named():
    doc = recall_dict()
    del doc["channels"], doc["shifts"]
    assert problem_lines(doc) == [
        f"{FILE}: channels: missing (required: at least one [channels.<id>] table)",
        f"{FILE}: shifts: missing (required: at least one [[shifts]] table)",
    ]
    doc.update(channels={}, shifts=[])
    assert problem_lines(doc) == [
        f"{FILE}: channels: must have at least one channel",
        f"{FILE}: shifts: must have at least one shift",
    ]


def test_missing_file_is_one_line():
    with pytest.raises(ScenarioError) as info:
        load_scenario("missing.toml")
    assert str(info.value) == "missing.toml: file not found"


def test_unknown_duration_dist_lists_the_known_ones():
    lines = problem_lines(edited('dist = "lognormal"', 'dist = "gamma"'))
    assert lines == [
        f"{FILE}: channels.twitter.patience.dist: 'gamma' is not a known distribution "
        "(known: exponential, lognormal, fixed)"
    ]


def test_duration_needs_its_own_parameters():
    lines = problem_lines(edited("median_min = 60, sigma = 1.0", "mean_min = 60"))
    assert lines == [
        f"{FILE}: channels.twitter.patience.median_min: missing (required)",
        f"{FILE}: channels.twitter.patience.sigma: missing (required)",
        f"{FILE}: channels.twitter.patience.mean_min: unknown key (did you mean 'median_min'?)",
    ]


def test_none_is_a_patience_but_not_a_handle_time():
    doc = recall_dict()
    doc["channels"]["email"]["handle_time"] = "none"
    assert problem_lines(doc) == [
        f"{FILE}: channels.email.handle_time: 'none' is not allowed here: every complaint "
        "takes some work"
    ]


def test_every_problem_is_reported_once_in_document_order():
    text = edited("base_per_hour = 40", "base_per_hour = -1")
    text = text.replace("reps = 8", "reps = -8").replace("concurrency = 3", "concurrency = 0")
    text = text.replace('name = "Recall"', 'name = "Recall"\nsede = 3')
    lines = problem_lines(text)
    assert lines == [
        f"{FILE}: scenario.sede: unknown key (did you mean 'seed'?)",
        f"{FILE}: arrivals.base_per_hour: -1 must be >= 0",
        f"{FILE}: channels.twitter.concurrency: 0 must be >= 1",
        f"{FILE}: shifts.weekday_day.reps: -8 must be >= 0",
    ]
    assert lines == problem_lines(text), "stable order"


def test_shift_paths_fall_back_to_the_index_when_the_name_is_broken():
    doc = recall_dict()
    doc["shifts"][0]["name"] = "Weekday Day"
    doc["shifts"][0]["reps"] = -1
    del doc["shifts"][1]["name"]
    assert problem_lines(doc) == [
        f"{FILE}: shifts[0].name: 'Weekday Day' must be an identifier: a lowercase letter, then "
        "lowercase letters, digits or _",
        f"{FILE}: shifts[0].reps: -1 must be >= 0",
        f"{FILE}: shifts[1].name: missing (required)",
    ]


def test_shift_names_must_be_unique():
    doc = recall_dict()
    doc["shifts"][1]["name"] = "weekday_day"
    assert problem_lines(doc) == [
        f"{FILE}: shifts[1].name: 'weekday_day' is used by more than one shift; names must "
        "be unique"
    ]


def test_incident_paths_use_the_incident_name():
    lines = problem_lines(edited("multiplier = 8.0", "multiplier = -8"))
    assert lines == [f"{FILE}: incidents.recall_notice.multiplier: -8 must be >= 0"]
    doc = recall_dict()
    doc["incidents"][0].update(name="recall notice", severity=2)
    assert problem_lines(doc) == [f'{FILE}: incidents."recall notice".severity: 2 must be <= 1']


def test_warmup_must_end_before_the_run():
    lines = problem_lines(edited("seed = 7", "warmup_hours = 80"))
    assert lines == [f"{FILE}: scenario.warmup_hours: 80 must be < duration_hours (72)"]


def test_unknown_time_zone_gets_a_suggestion():
    lines = problem_lines(edited("seed = 7", 'timezone = "Europe/Berln"'))
    assert lines == [
        f"{FILE}: scenario.timezone: 'Europe/Berln' is not a known IANA time zone "
        "(did you mean 'Europe/Berlin'?)"
    ]


def test_a_document_that_is_not_a_table():
    assert problem_lines([1, 2]) == [f"{FILE}: expected TOML text or a table, got list"]


def test_long_values_are_shown_short():
    doc = recall_dict()
    doc["scenario"]["seed"] = "x" * 500
    doc["arrivals"]["base_per_hour"] = 10**5000
    lines = problem_lines(doc)
    assert all(len(line) < 160 for line in lines), lines
    assert f"{FILE}: arrivals.base_per_hour: <a 5001-digit integer> is too large" in lines


# --- The clock and shifts ---------------------------------------------------------------------
def test_start_with_a_utc_offset_becomes_local_wall_clock_time():
    text = edited("seed = 7", 'start = 2026-03-02T08:00:00Z\ntimezone = "Europe/Berlin"')
    assert parse_scenario(text).info.start == datetime(2026, 3, 2, 9, 0)


def test_a_date_alone_starts_at_midnight():
    s = parse_scenario(edited("seed = 7", "start = 2026-03-03"))
    assert s.info.start == datetime(2026, 3, 3)


CLOCK_TIMES = [("08:00", "16:00", 480, 960), ("22:00", "06:00", 1320, 360),
               ("00:00", "24:00", 0, 1440), ("6:30", "24:00", 390, 1440)]  # fmt: skip


@pytest.mark.parametrize(("start", "end", "start_min", "end_min"), CLOCK_TIMES)
def test_shift_clock_times(start: str, end: str, start_min: int, end_min: int):
    doc = recall_dict()
    doc["shifts"][1].update(start=start, end=end)
    shift = parse_scenario(doc).shifts[1]
    assert (shift.start_min, shift.end_min) == (start_min, end_min)


HH_MM = 'must be a time "HH:MM" between "00:00" and "24:00"'
BAD_CLOCK_TIMES = [
    ("08:00", "08:00", "shifts.night.end: '08:00' equals start; for a 24-hour shift write "
                       'start = "00:00", end = "24:00"'),
    ("24:00", "06:00", "shifts.night.start: '24:00' cannot be \"24:00\" (write \"00:00\")"),
    ("25:00", "06:00", f"shifts.night.start: '25:00' {HH_MM}"),
    ("8", "06:00", f"shifts.night.start: '8' {HH_MM}"),
]  # fmt: skip


@pytest.mark.parametrize(("start", "end", "line"), BAD_CLOCK_TIMES)
def test_bad_shift_clock_times(start: str, end: str, line: str):
    doc = recall_dict()
    doc["shifts"][1].update(start=start, end=end)
    assert problem_lines(doc) == [f"{FILE}: {line}"]


def test_shift_days_and_dates():
    s = parse_scenario(RECALL)
    assert s.shifts[0].day_set == frozenset(range(5))
    assert s.shifts[1].day_set == frozenset(range(7))
    doc = recall_dict()
    doc["shifts"][1]["days"] = ["sat", "sat"]
    assert problem_lines(doc) == [f"{FILE}: shifts.night.days: lists 'sat' more than once"]
    doc["shifts"][1]["days"] = "weekends"
    assert problem_lines(doc) == [
        f"{FILE}: shifts.night.days: 'weekends' must be \"all\" or a list of days such as "
        '["mon", "tue"]'
    ]
    doc["shifts"][1]["days"] = ["sat"]
    doc["shifts"][1]["dates"] = [date(2026, 12, 25)]
    assert problem_lines(doc) == [
        f"{FILE}: shifts.night.dates: give days or dates, not both (a shift with dates runs only "
        'on them; leave days at "all")'
    ]
    doc["shifts"][1]["days"] = "all"
    assert parse_scenario(doc).shifts[1].dates == (date(2026, 12, 25),)


# --- Forecast files -------------------------------------------------------------------------
def write_recall_with_forecast(folder: Path, csv_text: str) -> Path:
    (folder / "scenarios" / "forecasts").mkdir(parents=True)
    (folder / "scenarios" / "forecasts" / "holiday.csv").write_text(csv_text)
    text = edited("duration_hours = 72", "duration_hours = 6")
    text = text.replace('profile = "retail"', 'forecast_csv = "forecasts/holiday.csv"')
    text = text.replace("start_hour = 6", "start_hour = 1")
    path = folder / "scenarios" / "recall.toml"
    path.write_text(text)
    return path


def test_forecast_csv_gives_volumes_per_hour(tmp_path: Path):
    csv_text = "hour,per_hour\n0,10\n1,12\n2,9.5\n3,0\n4,20\n5,7\n"
    path = write_recall_with_forecast(tmp_path, csv_text)
    assert load_scenario(path).arrivals.forecast == (10.0, 12.0, 9.5, 0.0, 20.0, 7.0)


def test_bad_forecast_csv_names_its_file_line_and_column(tmp_path: Path, monkeypatch):
    write_recall_with_forecast(tmp_path, "hour,per_hour\n0,10\n1,10\n2,10\n3,10\n4,10\n5,abc\n")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ScenarioError) as info:
        load_scenario(FILE)
    expected = "scenarios/forecasts/holiday.csv: line 7: per_hour: 'abc' is not a number"
    assert str(info.value) == expected


BAD_FORECASTS = {
    "no_column": ("hour,volume\n0,1\n",
                  "line 1: missing column 'per_hour' (header has hour, volume)"),
    "empty": ("", "line 1: empty file: expected a header 'hour,per_hour'"),
    "gap": ("hour,per_hour\n0,1\n2,1\n3,1\n4,1\n5,1\n6,1\n",
            "line 3: hour: 2 expected 1: hours must run 0, 1, 2… from the start without gaps or "
            "repeats"),
    "negative": ("hour,per_hour\n0,1\n1,-1\n2,1\n3,1\n4,1\n5,1\n",
                 "line 3: per_hour: -1.0 must be >= 0"),
    "not_int": ("hour,per_hour\n0,1\nx,1\n", "line 3: hour: 'x' is not a whole number"),
}  # fmt: skip


@pytest.mark.parametrize(("csv_text", "line"), BAD_FORECASTS.values(), ids=BAD_FORECASTS.keys())
def test_forecast_csv_problems(tmp_path: Path, csv_text: str, line: str):
    path = write_recall_with_forecast(tmp_path, csv_text)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    csv_path = tmp_path / "scenarios" / "forecasts" / "holiday.csv"
    assert f"{csv_path}: {line}" in str(info.value).splitlines()


def test_forecast_must_cover_the_run(tmp_path: Path):
    path = write_recall_with_forecast(tmp_path, "hour,per_hour\n0,10\n1,10\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert str(info.value) == (
        f"{path}: arrivals.forecast_csv: 'forecasts/holiday.csv' covers 2 hours, fewer than "
        "duration_hours (6); add rows (per_hour = 0 for a quiet end)"
    )


def test_missing_forecast_file_is_named(tmp_path: Path):
    path = tmp_path / "recall.toml"
    path.write_text(edited('profile = "retail"', 'forecast_csv = "nowhere.csv"'))
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert str(info.value) == (
        f"{path}: arrivals.forecast_csv: 'nowhere.csv' file not found "
        f"(looked for {tmp_path / 'nowhere.csv'})"
    )


# --- Overrides ------------------------------------------------------------------------------
def test_with_overrides_changes_the_named_fields():
    s = parse_scenario(RECALL)
    t = s.with_overrides(
        {
            "shifts.weekday_day.reps": 10,
            "policy.routing": "priority",
            "arrivals.base_per_hour": 50,
            "channels.twitter.patience.median_min": 30,
            "contagion.enabled": True,
            "incidents[0].multiplier": 2,
            "shifts.night.concurrency.twitter": 4,
        }
    )
    assert t.shifts[0].reps == 10 and t.policy.routing == "priority"
    assert t.arrivals.base_per_hour == 50 and t.channels["twitter"].patience.median_min == 30
    assert t.contagion.enabled and t.incidents[0].multiplier == 2
    assert t.shifts[1].concurrency == {"twitter": 4}
    assert s.shifts[0].reps == 8 and not s.contagion.enabled, "the original is untouched"
    assert (t.id, t.source) == (s.id, s.source)
    assert t.sha256 != s.sha256


def test_with_overrides_accepts_numpy_numbers():
    np = pytest.importorskip("numpy")
    t = parse_scenario(RECALL).with_overrides({"shifts.weekday_day.reps": np.int64(3)})
    assert t.shifts[0].reps == 3


BAD_OVERRIDES = {
    "unknown_shift": ({"shifts.weekday_nite.reps": 3},
                      "override: shifts.weekday_nite.reps: no shift named 'weekday_nite' "
                      "(did you mean 'weekday_day'? known: weekday_day, night)"),
    "unknown_key": ({"policy.routng": "fifo"},
                    "override: policy.routng: unknown key (did you mean 'routing'?)"),
    "bad_index": ({"shifts[5].reps": 3},
                  "override: shifts[5].reps: there is no shift [5] (there are 2)"),
    "not_a_table": ({"channels.email.patience.mean_min": 3},
                    "override: channels.email.patience.mean_min: channels.email.patience is "
                    "'none', not a table"),
    "not_a_path": ({"shifts..reps": 3},
                   'override: "shifts..reps": is not a dotted path such as '
                   "shifts.weekday_day.reps"),
    "negative": ({"arrivals.base_per_hour": -1},
                 "override: arrivals.base_per_hour: -1 must be >= 0"),
    "bad_choice": ({"policy.routing": "random"},
                   "override: policy.routing: 'random' must be one of 'fifo', 'priority' or "
                   "'skills'"),
    "string_number": ({"shifts.weekday_day.reps": "10"},
                      "override: shifts.weekday_day.reps: '10' must be a whole number"),
}  # fmt: skip


@pytest.mark.parametrize(("overrides", "line"), BAD_OVERRIDES.values(), ids=BAD_OVERRIDES.keys())
def test_with_overrides_rejects_bad_paths_and_values(overrides: dict, line: str):
    with pytest.raises(ScenarioError) as info:
        parse_scenario(RECALL).with_overrides(overrides)
    assert line in str(info.value).splitlines()


# --- Fingerprint and round trip ---------------------------------------------------------------
def test_sha256_is_the_same_in_another_process():
    path = LIBRARY / "product_recall.toml"
    code = f"from sim.scenario import load_scenario; print(load_scenario({str(path)!r}).sha256)"
    other = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert other.stdout.strip() == load_scenario(path).sha256


def test_sha256_follows_content_not_spelling():
    s = parse_scenario(RECALL)
    respelled = edited("base_per_hour = 40", "base_per_hour = 40.0  # the same number")
    assert parse_scenario(respelled).sha256 == s.sha256
    assert parse_scenario(edited("base_per_hour = 40", "base_per_hour = 41")).sha256 != s.sha256
    assert parse_scenario(edited("seed = 7", "seed = 8")).sha256 != s.sha256


def test_to_toml_dict_round_trips_and_is_plain_data():
    s = parse_scenario(RECALL)
    doc = s.to_toml_dict()
    assert parse_scenario(doc) == s
    assert doc["shifts"][0]["days"] == ["mon", "tue", "wed", "thu", "fri"]
    patience = {"dist": "lognormal", "median_min": 60.0, "sigma": 1.0}
    assert doc["channels"]["twitter"]["patience"] == patience
    assert doc["channels"]["email"]["patience"] == "none"
    assert "weekly" not in doc["arrivals"], "no None values: TOML has no null"


def test_scenarios_are_frozen_and_hashable():
    s = parse_scenario(RECALL)
    with pytest.raises(Exception, match="frozen"):
        s.shifts[0].reps = 3  # type: ignore[misc]
    assert hash(s) == hash(parse_scenario(RECALL))


# --- Nothing but ScenarioError escapes ------------------------------------------------------------
SOURCE = "fuzz.toml"


def parses_or_explains(document: Any) -> None:
    """The loader's promise: a StormScenario, or ScenarioError with well-formed lines."""
    try:
        result = parse_scenario(document, source=SOURCE)
    except ScenarioError as e:
        lines = [str(p) for p in e.problems]
        assert lines, "a ScenarioError lists at least one problem"
        assert len(lines) == len(set(lines)), "no duplicates"
        for line in lines:
            assert line.startswith(f"{SOURCE}: ") and "\n" not in line, line
        return
    assert isinstance(result, StormScenario)


KEYS = sorted(
    {*ROOT_KEYS, "name", "share", "reps", "dist", "patience", "days", "skills", "twitter", "start",
     "end", "median_min", "profile", "channels", "topics"}
)  # fmt: skip
scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.just(10**400)
    | st.floats()
    | st.text(max_size=12)
    | st.sampled_from(["none", "all", "lognormal", "exponential", "fixed", "mon", "08:00", "24:00"])
    | st.datetimes()
    | st.dates()
    | st.times()
)
keys = st.sampled_from(KEYS) | st.text(max_size=8)
documents = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=5),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(keys, documents, max_size=8) | documents)
def test_random_documents_give_a_scenario_or_a_scenario_error(document: Any):
    parses_or_explains(document)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200) | st.sampled_from([RECALL[:n] for n in range(0, len(RECALL), 7)]))
def test_random_text_gives_a_scenario_or_a_scenario_error(text: str):
    parses_or_explains(text)


def all_paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    paths = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            paths += all_paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            paths += all_paths(v, (*prefix, i))
    return paths


VALID = load_scenario(LIBRARY / "product_recall.toml").to_toml_dict()
VALID_PATHS = all_paths(VALID)[1:]


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_mutated_valid_documents_give_a_scenario_or_a_scenario_error(data):
    """Drop a key, change a value's type or add junk keys, up to three times."""
    doc = copy.deepcopy(VALID)
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(all_paths(doc)[1:] or VALID_PATHS))
        *head, last = path
        parent = doc
        try:
            for part in head:
                parent = parent[part]
            action = data.draw(st.sampled_from(["drop", "retype", "junk"]))
            if action == "drop":
                del parent[last]
            elif action == "junk" and isinstance(parent[last], dict):
                parent[last][data.draw(keys)] = data.draw(documents)
            else:
                parent[last] = data.draw(documents)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed or replaced this path
    parses_or_explains(doc)


OVERRIDE_PATHS = [render_path(p) for p in VALID_PATHS]


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.sampled_from(OVERRIDE_PATHS) | keys, documents, min_size=1, max_size=3))
def test_random_overrides_give_a_scenario_or_a_scenario_error(overrides: dict):
    scenario = load_scenario(LIBRARY / "product_recall.toml")
    try:
        result = scenario.with_overrides(overrides)
    except ScenarioError as e:
        assert e.problems and all("\n" not in str(p) for p in e.problems)
        return
    assert isinstance(result, StormScenario)


def test_deeply_nested_input_is_a_scenario_error():
    deep: Any = 1
    for _ in range(5_000):
        deep = {"a": [deep]}
    doc = recall_dict()
    doc["arrivals"]["topics"] = deep
    parses_or_explains(doc)
    parses_or_explains(deep)
    parses_or_explains("a = " + "[" * 5_000 + "]" * 5_000)
    with pytest.raises(ScenarioError):
        parse_scenario(RECALL).with_overrides({"arrivals.topics": deep})


def test_huge_integers_are_a_scenario_error():
    parses_or_explains(f"[scenario]\nseed = {'9' * 5000}\n")
    doc = recall_dict()
    doc["scenario"]["seed"] = 10**5000
    doc["population"]["size"] = 10**30
    doc["channels"]["twitter"]["concurrency"] = -(10**400)
    parses_or_explains(doc)


@pytest.mark.parametrize(
    "override",
    [{"channels": {"\n": {"share": 0.1}}}, {'channels."\n"': {"share": 0.1}}],
    ids=["nested", "quoted_path"],
)
def test_a_channel_id_with_a_newline_still_gives_one_line_per_problem(override):
    """Found by hypothesis: a channel named "\\n" was quoted raw in another problem's message,
    and a quoted path holding a raw newline crashed the path parser."""
    base = load_scenario(LIBRARY / "product_recall.toml")
    with pytest.raises(ScenarioError) as err:
        base.with_overrides(override)
    assert err.value.problems
    for problem in err.value.problems:
        assert "\n" not in str(problem)
