"""StormScenario.window: the part of a storm a trainee plays, as a scenario of its own."""

from __future__ import annotations

from datetime import timedelta

import pytest

import sim
from sim.scenario import ScenarioError
from tests.conftest import LIBRARY

RECALL = """
[scenario]
name = "Window"
duration_hours = 48
warmup_hours = 2
start = 2026-03-02T08:00:00

[arrivals]
base_per_hour = 30

[[incidents]]
name = "early"
start_hour = 1
duration_hours = 2
multiplier = 3

[[incidents]]
name = "under_way"
start_hour = 5
duration_hours = 10
multiplier = 4

[[incidents]]
name = "later"
start_hour = 20
duration_hours = 3
multiplier = 2

[channels.twitter]
share = 1.0

[[shifts]]
name = "all_day"
reps = 3
start = "00:00"
end = "24:00"
"""


def test_a_window_moves_the_clock_and_the_incidents():
    full = sim.parse_scenario(RECALL)
    w = full.window(8 * 60.0, 90.0)
    assert w.info.start == full.info.start + timedelta(hours=8)
    assert w.info.duration_hours == 1.5 and w.info.warmup_hours == 0
    early, under_way, later = w.incidents
    assert early.multiplier == 0.0  # over before the window opens
    assert (early.start_hour, early.duration_hours) == (1.0, 2.0)
    assert (under_way.start_hour, under_way.duration_hours) == (0.0, 7.0)  # what is left of it
    assert under_way.multiplier == 4.0
    assert (later.start_hour, later.duration_hours, later.multiplier) == (12.0, 3.0, 2.0)
    # everything else is the storm's own
    assert w.channels == full.channels and w.shifts == full.shifts and w.arrivals == full.arrivals
    assert (w.id, w.source) == (full.id, full.source)


def test_a_window_from_the_start_is_the_storm_cut_short():
    full = sim.parse_scenario(RECALL)
    w = full.window(0.0, 48 * 60.0)
    assert w.incidents == full.incidents and w.info.start == full.info.start
    assert w.with_overrides({"scenario.warmup_hours": 2}) == full


def test_a_bad_window_is_a_scenario_error():
    with pytest.raises(
        ScenarioError, match=r"^override: scenario.duration_hours: -1.0 must be > 0$"
    ):
        sim.parse_scenario(RECALL).window(0.0, -60.0)


def test_the_trainer_plays_the_window_of_the_library_file():
    """trainer_web.engine cuts exercises with StormScenario.window: same scenario, same hash."""
    from trainer_web import engine

    start, duration = engine.suggested_start_min("product_recall"), 60.0
    played = engine.exercise_scenario("product_recall", start, duration)
    cut = sim.load_scenario(LIBRARY / "product_recall.toml").window(start, duration)
    assert played == cut and played.sha256 == cut.sha256
    assert played.info.duration_hours == 1.0
