"""sim.scenario as a package: every name the one-module sim.scenario had is still there, and
no module or class of it grows past the size a reader can carry."""

from __future__ import annotations

import ast
import importlib

import pytest

import sim.scenario
from tests.conftest import ROOT

# Every top-level name of sim/scenario.py before it became a package (commit fc24e45).
NAMES = (
    "Arrivals", "Behaviour", "Channel", "ChannelIds", "ChannelIdsOrNone", "Contagion",
    "DEFAULT_START", "DEFAULT_TOPICS", "DURATION_KINDS", "Dates", "DayList", "Days", "Duration",
    "ExponentialDuration", "FIRST_YEAR", "FixedDuration", "HourlyWeights", "IDENTIFIER",
    "Incident", "LAST_YEAR", "LognormalDuration", "MAX_CONCURRENCY", "MAX_CSV_PROBLEMS",
    "MAX_DURATION_HOURS", "MAX_MULTIPLIER", "MAX_POPULATION", "MAX_RATE_PER_HOUR",
    "MAX_REPS_PER_SHIFT", "MAX_SHOWN", "MAX_SIGMA", "NO_VALUE", "Name", "NonNegative", "Patience",
    "Policy", "Population", "Problem", "Profile", "ProfileName", "ROOT_KEYS", "SHARE_TOLERANCE",
    "ScenarioError", "ScenarioInfo", "Shift", "StormScenario", "WEEKDAYS", "Weekday",
    "WeeklyWeights", "_BARE_KEY", "_CLOCK", "_Checker", "_DURATION_MEMBERS", "_ESCAPED_CONTROLS",
    "_NoValue", "_PATH_INDEX", "_PATH_KEY", "_SIMPLE_MESSAGES", "_Shown", "_Strict", "_TAG_TYPES",
    "_TOML_PLACE", "__all__", "_apply_override", "_as_tuple", "_check_channel_refs",
    "_check_expected_volume", "_clock_minutes", "_clock_text", "_compact", "_csv_number",
    "_days_tag", "_describe", "_describe_duration", "_duration_tag", "_exact_length", "_fail",
    "_iso_date", "_item_index", "_key", "_keys_at", "_known_zones", "_num", "_plain",
    "_positive_sum", "_profile_tag", "_raw_channel_shares", "_read_forecast", "_scenario_id",
    "_shares_sum_to_one", "_show", "_suggest", "_toml_problem", "_unique", "_unwrap",
    "_validate_document", "_with_public_default", "_zone", "expected_arrivals", "load_scenario",
    "parse_path", "parse_scenario", "render_path",
)  # fmt: skip
MAX_MODULE_LINES = 500
MAX_CLASS_LINES = 300
PACKAGE = ROOT / "sim" / "scenario"


@pytest.mark.parametrize("name", NAMES)
def test_every_name_is_importable_from_sim_scenario(name):
    assert hasattr(importlib.import_module("sim.scenario"), name)


def test_the_entry_points_keep_their_module():
    assert sim.scenario.load_scenario.__module__ == "sim.scenario"
    assert sim.scenario.parse_scenario.__module__ == "sim.scenario"


@pytest.mark.parametrize("path", sorted(PACKAGE.glob("*.py")), ids=lambda p: p.name)
def test_modules_and_classes_stay_small(path):
    text = path.read_text(encoding="utf-8")
    assert text.count("\n") <= MAX_MODULE_LINES
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.ClassDef):
            assert node.end_lineno - node.lineno < MAX_CLASS_LINES, node.name


def test_a_scenario_is_built_from_validated_tables_and_can_still_be_validated_whole():
    """Loading puts the validated tables together without validating them twice; validating a
    StormScenario directly (its schema built on first use) gives the same scenario."""
    sc = sim.scenario.load_scenario(ROOT / "scenarios" / "product_recall.toml")
    again = sim.scenario.StormScenario.model_validate(sc.model_dump(by_alias=True))
    assert again == sc and again.sha256 == sc.sha256
    assert sc.model_fields_set == again.model_fields_set
