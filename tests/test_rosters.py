"""Schedulable rosters (`stormdesk staff --shifts`, sim/rosters.py; issue 12 item 7).

The integer program must cover the head count in every slot with shifts that obey the rules
(lengths, start grid, breaks), cost no less than the per-interval lower bound and exactly that
where whole shifts tile the requirement; people keep their rest and weekly hours; the shifts go
into the scenario so the model puts exactly those people on; and the command's roster meets
the targets in simulation.
"""

from __future__ import annotations

import json
from datetime import datetime

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import sim
from sim.cli_experiments import staff as staff_cmd
from sim.experiments import ExperimentError
from sim.rosters import (
    ShiftRules,
    parse_shift_rules,
    people_working,
    roster_scenario,
    solve_roster,
)
from sim.staffing import interval_edges
from tests.conftest import LIBRARY

WAGE = 25.0


@pytest.fixture(scope="module")
def quiet_tuesday():
    return sim.load_scenario(LIBRARY / "quiet_tuesday.toml")  # Tuesday 00:00, 24 hours


def test_flat_requirement_is_tiled_by_whole_shifts_at_the_lower_bound(quiet_tuesday):
    edges = interval_edges(quiet_tuesday, 60)
    rules = ShiftRules(min_len=480, max_len=480, every=60, break_len=0)
    roster = solve_roster(quiet_tuesday, edges, [3] * 24, rules, WAGE)
    assert roster.status == "optimal"
    assert roster.cost == pytest.approx(roster.lower_bound) == 3 * 24 * WAGE
    assert int(roster.shifts["count"].sum()) == 9  # three 8-hour shifts a day × 3 people
    assert (people_working(roster) == 3).all()


def test_a_lone_one_hour_bump_is_covered_by_a_whole_shift(quiet_tuesday):
    edges = interval_edges(quiet_tuesday, 60)
    need = np.array([2] * 24)
    need[14] = 5  # 14:00–15:00: three more for one hour
    rules = parse_shift_rules("length=4h-9h,every=60m,break=30m,break_after=6h")
    roster = solve_roster(quiet_tuesday, edges, need, rules, WAGE)
    working = people_working(roster)
    assert (working >= need).all()
    shifts = roster.shifts
    assert (shifts["hours"] >= 4).all() and (shifts["hours"] <= 9).all()
    # whole shifts cost more than the head count per hour, and say by how much
    assert roster.cost > roster.lower_bound == pytest.approx(need.sum() * WAGE)
    assert roster.over_lower_bound > 0
    for row in shifts.to_dict("records"):
        start = datetime.fromisoformat(row["start"])
        assert start.minute == 0  # on the hourly grid
        if row["hours"] > 6:
            b = datetime.strptime(row["break_start"], "%H:%M")
            offset = (b.hour * 60 + b.minute - start.hour * 60 - start.minute) % 1440
            assert 120 <= offset <= row["hours"] * 60 - 150  # ≥ 2 h from either end
        else:
            assert not isinstance(row["break_start"], str)


def test_breaks_are_staggered_so_no_slot_is_short(quiet_tuesday):
    edges = interval_edges(quiet_tuesday, 60)
    rules = parse_shift_rules("length=8h-8h,every=30m,break=30m,break_after=6h")
    roster = solve_roster(quiet_tuesday, edges, [2] * 24, rules, WAGE)
    # every minute of the day has two people working, breaks included
    assert (people_working(roster) >= 2).all()
    assert roster.shifts["break_start"].notna().all()
    # the unpaid break is not paid; the cost counts the paid hours inside the run
    assert (roster.people["paid_hours"] == 7.5).all()
    assert roster.cost == pytest.approx(roster.paid_hours * WAGE) and roster.paid_hours >= 48


def test_people_get_their_rest_and_at_most_the_weekly_hours():
    outage = sim.load_scenario(LIBRARY / "weekend_outage.toml")  # 72 hours from Friday noon
    edges = interval_edges(outage, 60)
    need = np.array([3 + (k % 24 > 8) * 2 for k in range(72)])
    rules = parse_shift_rules("length=6h-9h,every=60m,break=30m,break_after=6h,weekly=16h,rest=11h")
    roster = solve_roster(outage, edges, need, rules, WAGE)
    people = roster.people
    assert len(people) == int(roster.shifts["count"].sum())
    for _, mine in people.groupby("person"):
        starts = pd.to_datetime(mine["start"]).tolist()
        ends = pd.to_datetime(mine["end"]).tolist()
        for end, nxt in zip(ends[:-1], starts[1:], strict=True):
            assert (nxt - end).total_seconds() >= 11 * 3600
        weeks = pd.to_datetime(mine["start"]).dt.isocalendar().week
        assert mine.groupby(weeks.to_numpy())["paid_hours"].sum().max() <= 16
    assert roster.head_count > people.groupby("person").size().max()


def test_the_model_puts_the_roster_people_on(quiet_tuesday):
    edges = interval_edges(quiet_tuesday, 60)
    need = [1, 1, 1, 1, 1, 1, 2, 2, 4, 4, 4, 4, 5, 5, 4, 4, 4, 3, 3, 2, 2, 2, 1, 1]
    rules = parse_shift_rules("length=4h-9h,every=30m,break=30m,break_after=6h")
    roster = solve_roster(quiet_tuesday, edges, need, rules, WAGE)
    channels = ["twitter", "facebook"]
    rostered = roster_scenario(quiet_tuesday, roster, channels)
    team = [s for s in rostered.shifts if s.name.startswith("roster_shift_")]
    assert team and all(s.skills == tuple(channels) for s in team)
    assert not any("twitter" in (s.skills or ()) for s in rostered.shifts if s not in team)
    empty = roster_scenario(
        quiet_tuesday, solve_roster(quiet_tuesday, edges, [0] * 24, rules, WAGE), channels
    )
    model, others = sim.StormModel(rostered, seed=1), sim.StormModel(empty, seed=1)
    minute = np.arange(0, 1440, 15) + 7.5
    want = np.zeros(len(minute), dtype=int)
    for row in roster.shifts.to_dict("records"):
        spans = [(row["start_min"], row["end_min"])]
        if isinstance(row["break_start"], str):
            spans = [(row["start_min"], row["break_min"]), (row["break_min"] + 30, row["end_min"])]
        for a, b in spans:
            want += ((minute >= a) & (minute < b)) * int(row["count"])
    for t, n in zip(minute, want, strict=True):
        model.run_until(t)
        others.run_until(t)
        assert model.status()["reps_on_shift"] - others.status()["reps_on_shift"] == n, t


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("length=9h-4h", "0 < MIN ≤ MAX"),
        ("length=4x", "expected a duration"),
        ("lenght=4h-9h", "KEY one of"),
        ("every=7m", "must divide a day"),
        ("length=4h-20h", "at most 16h"),
        ("weekly=2h", "shorter than the shortest shift"),
    ],
)
def test_bad_shift_rules_are_clear_errors(text, expected):
    with pytest.raises(ExperimentError) as e:
        parse_shift_rules(text)
    assert any(expected in p and "--shifts" in p for p in e.value.problems), e.value.problems


def test_staff_shifts_meet_the_targets_in_simulation_with_cost_beside_the_bound(tmp_path):
    args = [
        str(LIBRARY / "quiet_tuesday.toml"),
        "--target",
        "twitter.service_level>=0.8",
        "--interval",
        "120",
        "--replications",
        "3",
        "--workers",
        "2",
        "--shifts",
        "length=4h-8h,every=60m,break=30m,break_after=6h",
    ]
    result = CliRunner().invoke(staff_cmd, [*args, "--json"])
    assert result.exit_code == 0, result.stderr
    record = json.loads(result.stdout)  # one object on stdout, nothing else
    shifts = record["shifts"]
    assert shifts["intervals_missing_targets"] == 0
    assert shifts["cost"] >= shifts["lower_bound"] > 0
    head_count = [row["reps"] for row in record["intervals"]]
    assert all(w >= h for w, h in zip(shifts["people_per_interval"], head_count, strict=True))
    assert all(4 <= p["hours"] <= 8 for p in shifts["patterns"])
    assert {r["roster"] for r in record["totals"]} == {"simulation", "Erlang C", "Erlang A"}
    assert record["shifts"]["whole_run"]["twitter.service_level"] >= 0.8

    out = tmp_path / "shifts.csv"
    result = CliRunner().invoke(staff_cmd, [*args, "--shifts-out", str(out)], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.stderr
    assert "lower bound" in result.stdout and "people" in result.stdout
    assert max(len(line.rstrip()) for line in result.stdout.splitlines()) <= 80, result.stdout
    people = pd.read_csv(out)
    assert list(people.columns[:3]) == ["person", "start", "end"]
    assert len(people) == sum(p["count"] for p in shifts["patterns"])


def test_staff_json_without_shifts_is_one_object():
    result = CliRunner().invoke(
        staff_cmd,
        [
            str(LIBRARY / "quiet_tuesday.toml"),
            "--target",
            "twitter.service_level>=0.8",
            "--interval",
            "480",
            "--replications",
            "2",
            "--workers",
            "2",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["shifts"] is None and len(record["intervals"]) == 3
    assert record["intervals"][0]["reps"] >= 0 and "why" in record["intervals"][0]


def test_shifts_out_without_shifts_is_refused(tmp_path):
    result = CliRunner().invoke(
        staff_cmd,
        [
            str(LIBRARY / "quiet_tuesday.toml"),
            "--target",
            "twitter.service_level>=0.8",
            "--shifts-out",
            str(tmp_path / "s.csv"),
        ],
    )
    assert result.exit_code == 2 and "--shifts-out needs --shifts" in result.stderr


def test_the_node_limit_gives_the_same_roster_every_time():
    outage = sim.load_scenario(LIBRARY / "weekend_outage.toml")
    edges = interval_edges(outage, 60)
    need = np.array([2] * 6 + [5, 6, 7, 8, 8, 7, 6, 5, 4, 4, 3, 3, 3, 2, 2, 2, 2, 2] + [1] * 48)
    rules = parse_shift_rules("length=8h-9h,every=60m,break=30m,break_after=6h")
    first = solve_roster(outage, edges, need, rules, WAGE, node_limit=20)
    again = solve_roster(outage, edges, need, rules, WAGE, node_limit=20)
    assert first.status in ("optimal", "best found in 20 nodes")
    pd.testing.assert_frame_equal(first.shifts, again.shifts)
    assert (people_working(first) >= need).all()


def test_weekend_outage_shifts_meet_the_targets_in_simulation():
    """Issue 12, done when: `staff weekend_outage … --shifts …` gives workable shifts that meet
    the targets in simulation, with the cost beside the per-interval lower bound."""
    result = CliRunner().invoke(
        staff_cmd,
        [
            str(LIBRARY / "weekend_outage.toml"),
            "--target",
            "twitter.service_level>=0.8",
            "--target",
            "twitter.abandon_rate<=0.05",
            "--interval",
            "120",
            "--replications",
            "3",
            "--workers",
            "2",
            "--shifts",
            "length=6h-9h,every=60m,break=30m,break_after=6h",
            "--solver-nodes",
            "50",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.stderr
    record = json.loads(result.stdout)
    shifts = record["shifts"]
    assert shifts["intervals_missing_targets"] == 0
    assert shifts["whole_run"]["twitter.service_level"] >= 0.8
    assert shifts["whole_run"]["twitter.abandon_rate"] <= 0.05
    assert shifts["cost"] >= shifts["lower_bound"] > 0
    assert all(6 <= p["hours"] <= 9 for p in shifts["patterns"])
    assert all(isinstance(p["break_start"], str) for p in shifts["patterns"] if p["hours"] > 6)
    assert shifts["head_count"] >= 1 and len(shifts["people"]) == sum(
        p["count"] for p in shifts["patterns"]
    )
