"""Simulation-based staffing (`stormdesk staff`): rosters, targets, the search, Erlang beside it.

The pure-queue cases (DESIGN §3: contagion off, one channel, exponential times, flat arrivals)
must give Erlang's agent count — exactly, or one off where the simulated target at the
boundary count is within its 95% confidence interval of the target (the search cannot tell
them apart there). Checked cases, one interval over a whole 48-hour run, 8 seeds per roster:

- ``erlang_c_light``: 300/h, AHT 2 min, nobody gives up; service level (0.5 min) ≥ 80% — Erlang C.
- ``erlang_a_short_patience``: 330/h, AHT 2 min, mean patience 1 min; service level (0.5 min)
  ≥ 80% and abandonment ≤ 5% — Erlang A.
- ``erlang_c_heavy``: 570/h, AHT 2 min; 90th percentile of first response ≤ 1 min — Erlang C.

With contagion on, pile-ons add arrivals the forecast does not know about, so the simulation
must staff more than Erlang, and Erlang's roster must miss targets in simulation.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import sim
from sim import erlang
from sim.cli_experiments import staff as staff_cmd
from sim.experiments import ExperimentError, open_backend
from sim.staffing import (
    erlang_reps,
    find_staffing,
    forecast_arrivals,
    interval_edges,
    parse_targets,
    with_roster,
)
from tests.conftest import LIBRARY

MIDNIGHT = "2026-03-02T00:00:00"  # whole days: the roster is one shift with no handovers
REPLICATIONS = 8


@pytest.fixture(scope="module")
def backend():
    with open_backend(workers=2) as b:
        yield b


def pure_queue(name: str, hours: float = 48.0):
    """A library pure-queue scenario over whole days from midnight, one hour of warm-up."""
    overrides = {
        "scenario.start": MIDNIGHT,
        "scenario.duration_hours": hours,
        "scenario.warmup_hours": 1,
    }
    return sim.load_scenario(LIBRARY / f"{name}.toml").with_overrides(overrides)


PURE_QUEUE_CASES = [
    ("erlang_c_light", ["phone.service_level>=0.8"], "erlang_c"),
    (
        "erlang_a_short_patience",
        ["phone.service_level>=0.8", "phone.abandon_rate<=0.05"],
        "erlang_a",
    ),
    ("erlang_c_heavy", ["phone.frt_p90_min<=1"], "erlang_c"),
]


@pytest.mark.parametrize(
    ("name", "texts", "formula"), PURE_QUEUE_CASES, ids=[c[0] for c in PURE_QUEUE_CASES]
)
def test_pure_queue_staffing_matches_erlang(backend, name, texts, formula):
    scenario = pure_queue(name)
    targets = parse_targets(texts, scenario)
    duration = scenario.info.duration_hours * 60
    plan = find_staffing(scenario, targets, duration, backend, replications=REPLICATIONS)
    assert plan.converged
    simulated = int(plan.reps[0])
    formula_reps = int(getattr(plan, formula)[0])
    if simulated != formula_reps:
        assert abs(simulated - formula_reps) == 1, (simulated, formula_reps)
        boundary = min(simulated, formula_reps)
        means, halfwidths = plan.searches[0].trials[boundary]
        assert any(
            abs(m - t.value) <= h for m, h, t in zip(means, halfwidths, targets, strict=True)
        ), f"{name}: {simulated} reps, {formula} {formula_reps}; no target in the CI at {boundary}"


def test_erlang_column_is_the_textbook_answer():
    scenario = pure_queue("erlang_c_light")
    targets = parse_targets(["phone.service_level>=0.8"], scenario)
    phone = scenario.channels["phone"]
    textbook = erlang.agents_needed(300, 2, 0.5, 0.8).agents
    assert erlang_reps(300, phone, targets, with_patience=False) == textbook
    a_targets = parse_targets(["phone.service_level>=0.8"], pure_queue("erlang_a_short_patience"))
    patient = pure_queue("erlang_a_short_patience").channels["phone"]
    assert (
        erlang_reps(330, patient, a_targets, with_patience=True)
        == erlang.agents_needed(330, 2, 0.5, 0.8, patience_mean_min=1.0).agents
    )


def test_a_rep_with_concurrency_counts_as_several_agents(quiet_tuesday):
    twitter = quiet_tuesday.channels["twitter"]  # concurrency 3
    targets = parse_targets(["twitter.service_level>=0.8"], quiet_tuesday)
    agents = erlang.agents_needed(400, twitter.handle_time.mean_min, twitter.sla_min, 0.8).agents
    assert erlang_reps(400, twitter, targets, with_patience=False) == -(-agents // 3)


@pytest.fixture(scope="module")
def quiet_tuesday():
    return sim.load_scenario(LIBRARY / "quiet_tuesday.toml")


def storm_document(branching_ratio: float) -> dict:
    """One public channel, flat arrivals, exponential times; contagion on or off."""
    return {
        "scenario": {"name": "flat storm", "start": MIDNIGHT, "duration_hours": 12, "seed": 5},
        "arrivals": {"base_per_hour": 60, "profile": "flat"},
        "contagion": {"enabled": branching_ratio > 0, "branching_ratio": branching_ratio},
        "channels": {
            "twitter": {
                "public": True,
                "share": 1.0,
                "concurrency": 1,
                "sla_min": 15,
                "patience": {"dist": "exponential", "mean_min": 60},
                "handle_time": {"dist": "exponential", "mean_min": 4},
            }
        },
        "behaviour": {"follow_ups": False, "escalations": False},
        "shifts": [{"name": "all_day", "reps": 6, "start": "00:00", "end": "24:00"}],
    }


def test_with_contagion_simulation_staffs_more_than_erlang(backend, tmp_path):
    storm = sim.parse_scenario(storm_document(0.6))
    targets = parse_targets(["twitter.service_level>=0.8"], storm)
    plan = find_staffing(storm, targets, 240, backend, replications=6)
    table = plan.table
    # the direction the model predicts: pile-ons the forecast never saw…
    assert (table["simulated_per_hour"] > 1.1 * table["forecast_per_hour"]).all()
    assert (table["pile_on_share"] > 0.05).all()
    # …so more reps than Erlang, whose own roster misses the target in simulation
    assert plan.reps.sum() > plan.erlang_a.sum()
    assert (plan.reps >= plan.erlang_a).all()
    assert not table["erlang_a_roster_meets"].all()
    assert table["why"].str.contains("contagion").any()
    from sim.plots_experiments import save_staffing_plot

    path = save_staffing_plot(plan, tmp_path / "storm.png")
    assert path.stat().st_size > 30_000


def test_without_contagion_the_same_storm_staffs_like_erlang(backend):
    calm = sim.parse_scenario(storm_document(0.0))
    targets = parse_targets(["twitter.service_level>=0.8"], calm)
    plan = find_staffing(calm, targets, 240, backend, replications=6)
    assert np.abs(plan.reps - plan.erlang_a).max() <= 1
    assert (plan.table["pile_on_share"] == 0).all()


def test_roster_puts_the_asked_reps_on_in_each_interval(quiet_tuesday):
    # 2-hour intervals from Tuesday 00:00; the team changes size across intervals
    edges = interval_edges(quiet_tuesday, 120)
    reps = [2, 5, 0, 3, 3, 3, 1, 4, 4, 0, 2, 6]
    rostered = with_roster(quiet_tuesday, edges, reps, ["twitter", "facebook"])
    team = [s for s in rostered.shifts if s.name.startswith("roster_")]
    assert all(s.skills == ("twitter", "facebook") for s in team)
    others = [s for s in rostered.shifts if not s.name.startswith("roster_")]
    assert all("twitter" not in (s.skills or ()) for s in others)
    model = sim.StormModel(rostered, seed=1)
    other_reps = sim.StormModel(
        with_roster(quiet_tuesday, edges, [0] * 12, ["twitter", "facebook"]), seed=1
    )
    for k, want in enumerate(reps):
        middle = (edges[k] + edges[k + 1]) / 2
        model.run_until(middle)
        other_reps.run_until(middle)
        assert model.status()["reps_on_shift"] - other_reps.status()["reps_on_shift"] == want, k


def test_roster_keeps_a_rep_on_across_midnight_as_one_shift(quiet_tuesday):
    long_run = quiet_tuesday.with_overrides({"scenario.duration_hours": 72})
    edges = interval_edges(long_run, 60)
    rostered = with_roster(long_run, edges, [1] * 72, ["twitter"])
    team = [s for s in rostered.shifts if s.name.startswith("roster_")]
    assert len(team) == 1 and team[0].reps == 1 and len(team[0].dates) == 3


def test_forecast_is_the_expected_number_of_new_complaints():
    outage = sim.load_scenario(LIBRARY / "weekend_outage.toml")
    edges = interval_edges(outage, 360)
    forecast = forecast_arrivals(outage, edges)
    runs = [sim.run(outage, seed=s).complaints for s in range(4)]
    new = np.array([(c["origin"] == "new").sum() for c in runs], dtype=float)
    expected = forecast.sum()
    assert abs(new.mean() - expected) <= 4 * np.sqrt(expected / len(runs))  # Poisson, 4 SE
    twitter = np.mean([((c["origin"] == "new") & (c["channel"] == "twitter")).sum() for c in runs])
    assert abs(twitter - forecast[:, 0].sum()) <= 4 * np.sqrt(forecast[:, 0].sum() / len(runs))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("twiter.service_level>=0.8", "'twiter' is not a channel"),
        ("twitter.service_level<=0.8", "more reps make service_level rise"),
        ("twitter.abandon_rate>=0.05", "more reps make abandon_rate fall"),
        ("twitter.csat>=0.8", "cannot be staffed for"),
        ("twitter.service_level>=80", "is a fraction"),
        ("twitter.service_level=0.8", "expected CHANNEL.KPI>=VALUE"),
        ("twitter.frt_p90_min<=0", "must be > 0 minutes"),
    ],
)
def test_bad_targets_are_clear_errors(quiet_tuesday, text, expected):
    with pytest.raises(ExperimentError) as e:
        parse_targets([text], quiet_tuesday)
    assert e.value.problems[0].startswith(f"--target {text}") and expected in e.value.problems[0]


def test_star_target_covers_every_channel(quiet_tuesday):
    targets = parse_targets(["*.service_level>=0.8", "twitter.frt_p90_min<=30"], quiet_tuesday)
    assert [t.channel for t in targets[:5]] == list(quiet_tuesday.channels)
    assert targets[0].sla_min == quiet_tuesday.channels["twitter"].sla_min
    assert targets[-1].percentile == 90 and targets[-1].sla_min == 30


def test_staff_command_writes_roster_and_plot(tmp_path):
    out = tmp_path / "roster.csv"
    result = CliRunner().invoke(
        staff_cmd,
        [
            str(LIBRARY / "quiet_tuesday.toml"),
            "--target",
            "twitter.service_level>=0.8",
            "--interval",
            "240",
            "--replications",
            "3",
            "--workers",
            "2",
            "--out",
            str(out),
        ],
        env={"COLUMNS": "80"},
    )
    assert result.exit_code == 0, result.stderr
    assert "Erlang A" in result.stdout and "rep-hours" in result.stdout
    # Issue 12: at 80 columns the "why" column was cut to 7 characters; it goes under the table.
    assert max(len(line.rstrip()) for line in result.stdout.splitlines()) <= 80, result.stdout
    roster = pd.read_csv(out)
    differ = roster[roster["reps"] != roster["erlang_a_reps"]]
    if len(differ):
        assert "why the simulation and Erlang A differ" in result.stdout
        assert differ["why"].iloc[0].split()[0] in result.stdout
    assert len(roster) == 6
    for column in (
        "local_start",
        "reps",
        "erlang_c_reps",
        "erlang_a_reps",
        "twitter.service_level",
        "twitter.service_level_ci95",
        "cost",
        "why",
    ):
        assert column in roster
    assert roster["meets_targets"].all()
    assert (tmp_path / "roster.png").stat().st_size > 30_000


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--target", "twiter.service_level>=0.8"], "'twiter' is not a channel"),
        (["--target", "twitter.service_level>=0.8", "--out", "{tmp}/roster.txt"], "--out"),
        (["--target", "twitter.service_level>=0.8", "--template", "nobody"], "--template nobody"),
    ],
)
def test_staff_bad_input_is_one_line_exit_2(tmp_path, args, expected):
    args = [a.format(tmp=tmp_path) for a in args]
    result = CliRunner().invoke(
        staff_cmd, [str(LIBRARY / "quiet_tuesday.toml"), "--workers", "1", *args]
    )
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0], lines
    assert list(tmp_path.iterdir()) == []
