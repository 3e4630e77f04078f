"""Model semantics a planner relies on (issue 12, 3b): shrinkage, priority order, voice and chat.

- **Breaks and absence.** ``break_share`` takes reps off the queues in short staggered breaks,
  the even loss an Erlang gross-up assumes: at the same average staffing it must match Erlang C
  for the reps actually present (Z standard errors of the replication mean, as in
  test_queue_validation). ``absence_share`` (older name ``shrinkage``) removes whole shift
  occurrences: the same average, but some days several reps short at once — burstier, and
  measurably worse.
- **Priority routing** is lexicographic: public, then reach tier (orders of magnitude of
  followers), then anger — checked pairwise on every service start of a real run.
- **Voice and multitasked channels.** A rep holding any chat cannot take a call, so under fifo
  calls wait far longer than chats; ``policy.reserve_for = ["phone"]`` (with ``reserve_reps``)
  gives calls the next free rep and cuts their wait.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import sim
from sim import erlang
from sim.model import StormModel, priority_key, reach_tier
from sim.scenario import ScenarioError
from tests.conftest import LIBRARY, queue_document

Z = 4.0
REPLICATIONS = 8
# M/M/10 at ρ = 0.85, staffed by 12 reps who each spend 1/6 of the shift on breaks.
LAM, AHT, PRESENT, ROSTERED, SLA = 255.0, 2.0, 10, 12, 0.5


def _queue_runs(shift_extra: dict, reps: int, n: int = REPLICATIONS, hours: float = 100.0):
    rows = []
    for seed in range(n):
        doc = queue_document(
            arrivals_per_hour=LAM,
            aht_min=AHT,
            agents=reps,
            sla_min=SLA,
            hours=hours,
            warmup_hours=4.0,
            seed=seed,
        )
        doc["shifts"][0].update(shift_extra)
        res = sim.run(sim.parse_scenario(doc), seed=2000 + seed)
        k = res.kpis["channels"]["phone"]
        counted = res.timeseries.iloc[4:]  # hours after the warm-up
        rows.append(
            (
                k["p_wait"],
                k["wait_mean_min"],
                k["service_level"],
                counted["reps_on_shift"].mean(),
                counted["reps_on_shift"].std(),
            )
        )
    return np.array(rows)


@pytest.fixture(scope="module")
def breaks():
    return _queue_runs({"break_share": 1 / 6}, ROSTERED)


@pytest.fixture(scope="module")
def absence():
    return _queue_runs({"absence_share": 1 / 6}, ROSTERED)


def test_spread_breaks_match_erlang_for_the_reps_present(breaks):
    theory = erlang.metrics(LAM, AHT, PRESENT, SLA)
    for i, name in enumerate(("p_wait", "wait_mean_min", "service_level")):
        mean = breaks[:, i].mean()
        se = breaks[:, i].std(ddof=1) / math.sqrt(len(breaks))
        expected = getattr(theory, name)
        assert abs(mean - expected) <= Z * se, f"{name}: {mean:.4f} ± {se:.4f}, M/M/10 {expected}"
    # 12 reps with 1/6 on break: 10 present on average, and steadily so hour by hour.
    assert breaks[:, 3].mean() == pytest.approx(PRESENT, abs=0.05)
    assert breaks[:, 4].mean() < 0.2


def test_absence_days_are_burstier_than_breaks_at_the_same_average(breaks, absence):
    # Same average staffing (12 reps, 1/6 lost) ...
    assert absence[:, 3].mean() == pytest.approx(PRESENT, abs=0.7)
    # ... but whole days short: the hourly count of reps present swings (breaks: ±0.06) ...
    assert absence[:, 4].mean() > 0.3 > 4 * breaks[:, 4].mean()
    # ... and the days two or three reps short cost far more waiting than spread-out breaks
    # (measured: 8.7 min against 0.69 over these 8 seeds; breaks match M/M/10's 0.71).
    assert absence[:, 1].mean() > 2 * breaks[:, 1].mean()


def test_breaks_are_deterministic():
    doc = queue_document(arrivals_per_hour=LAM, aht_min=AHT, agents=ROSTERED, hours=12.0)
    doc["shifts"][0].update(break_share=0.1, break_min=10)
    scenario = sim.parse_scenario(doc)
    a, b = sim.run(scenario, seed=4), sim.run(scenario, seed=4)
    assert a.kpis == b.kpis
    assert (
        a.kpis
        != sim.run(
            sim.parse_scenario(
                queue_document(arrivals_per_hour=LAM, aht_min=AHT, agents=ROSTERED, hours=12.0)
            ),
            seed=4,
        ).kpis
    )


def test_shrinkage_is_the_older_name_of_absence_share():
    doc = queue_document(arrivals_per_hour=60, aht_min=2, agents=3, hours=48.0)
    old, new = dict(doc), dict(doc)
    old["shifts"] = [{**doc["shifts"][0], "shrinkage": 0.15}]
    new["shifts"] = [{**doc["shifts"][0], "absence_share": 0.15}]
    a, b = sim.parse_scenario(old), sim.parse_scenario(new)
    assert a.shifts[0].absence_share == a.shifts[0].shrinkage == 0.15
    assert a == b and a.sha256 == b.sha256
    assert sim.run(a, seed=1).kpis == sim.run(b, seed=1).kpis
    # --set / --grid on the old name changes the same setting.
    c = b.with_overrides({"shifts.all_day.shrinkage": 0.3})
    assert c.shifts[0].absence_share == 0.3
    both = dict(doc)
    both["shifts"] = [{**doc["shifts"][0], "shrinkage": 0.1, "absence_share": 0.2}]
    with pytest.raises(ScenarioError, match=r"shifts\.all_day\.shrinkage: 0\.1 and absence_share"):
        sim.parse_scenario(both)


def test_total_shrinkage_combines_breaks_and_absence():
    doc = queue_document(arrivals_per_hour=60, aht_min=2, agents=3)
    doc["shifts"][0].update(break_share=0.1, absence_share=0.1)
    assert sim.parse_scenario(doc).shifts[0].total_shrinkage == pytest.approx(0.19)


# --- Priority routing ------------------------------------------------------------------------
def _lexicographic(c) -> tuple:
    return (not c.public, -reach_tier(c.followers), -c.anger)


def _additive(c) -> float:  # the score priority routing used before: anger outweighed reach
    return -(2.0 * c.public + 0.25 * math.log10(c.followers + 1.0) + c.anger)


def test_reach_tier_is_orders_of_magnitude():
    assert [reach_tier(f) for f in (0, 9, 10, 99, 100, 999, 1000, 10**6)] == [
        0,
        0,
        1,
        1,
        2,
        2,
        3,
        6,
    ]
    rng = np.random.default_rng(3)
    for _ in range(2000):
        a = (bool(rng.integers(2)), int(rng.integers(0, 10**7)), float(rng.random()))
        b = (bool(rng.integers(2)), int(rng.integers(0, 10**7)), float(rng.random()))
        ka = (not a[0], -reach_tier(a[1]), -a[2])
        kb = (not b[0], -reach_tier(b[1]), -b[2])
        assert (priority_key(*a) < priority_key(*b)) == (ka < kb)


def test_priority_routing_serves_public_then_reach_then_anger_pairwise():
    scenario = sim.load_scenario(LIBRARY / "quiet_tuesday.toml").with_overrides(
        {"shifts.weekday_day.reps": 2, "scenario.duration_hours": 14}
    )
    assert scenario.policy.routing == "priority"
    model = StormModel(scenario, seed=5)
    checked = disagree = 0
    start = model.desk.start

    def watched(rep, c):
        nonlocal checked, disagree
        if rep.is_bot and not c.tier2 and model.crisis is False:
            for ch in rep.skills:
                if not rep.fits(ch):
                    continue
                for entry in model.queues[ch]:
                    w = entry[2]
                    if (
                        w is c
                        or w.version != entry[3]
                        or w.state != sim.agents.ComplaintState.WAITING
                    ):
                        continue
                    checked += 1
                    assert _lexicographic(c) <= _lexicographic(w), (c.cid, w.cid)
                    disagree += _additive(w) < _additive(c)
        start(rep, c)

    model.desk.start = watched
    model.run()
    assert checked > 1000
    assert disagree > 0.05 * checked  # the old additive score would have failed this test


# --- Voice beside multitasked chat -----------------------------------------------------------
def _mixed(seed: int, **policy) -> dict:
    return {
        "scenario": {
            "name": "phone and chat",
            "duration_hours": 40,
            "warmup_hours": 4,
            "seed": seed,
        },
        "arrivals": {"base_per_hour": 240, "profile": "flat"},
        "channels": {
            "phone": {
                "public": False,
                "share": 0.4,
                "patience": "none",
                "handle_time": {"dist": "exponential", "mean_min": 4},
                "concurrency": 1,
                "sla_min": 0.5,
            },
            "chat": {
                "public": False,
                "share": 0.6,
                "patience": "none",
                "handle_time": {"dist": "exponential", "mean_min": 6},
                "concurrency": 3,
                "sla_min": 1,
            },
        },
        "behaviour": {"follow_ups": False, "escalations": False},
        "shifts": [{"name": "all_day", "reps": 14, "start": "00:00", "end": "24:00"}],
        "policy": {"routing": "fifo", **policy},
    }


def _waits(**policy) -> np.ndarray:
    rows = []
    for seed in range(3):
        k = sim.run(sim.parse_scenario(_mixed(seed, **policy)), seed=seed).kpis
        rows.append([k["channels"][c]["wait_mean_min"] for c in ("phone", "chat")])
    return np.array(rows)


def test_reserving_reps_for_voice_cuts_the_phone_wait():
    fifo = _waits()
    # The rule as it is: a rep holding any chat cannot take a call, so at 80% occupancy calls
    # wait many times longer than chats under "fifo".
    assert (fifo[:, 0] > 5 * fifo[:, 1]).all()
    reserved = _waits(reserve_for=["phone"], reserve_reps=2)
    assert (reserved[:, 0] < 0.8 * fifo[:, 0]).all()
    assert (reserved[:, 1] > fifo[:, 1]).all()  # the price: chats wait longer


def test_reserve_for_names_channels_of_the_scenario():
    with pytest.raises(ScenarioError, match=r"policy\.reserve_for: 'phon' is not a channel"):
        sim.parse_scenario(_mixed(1, reserve_for=["phon"]))


def test_staff_grosses_erlang_up_for_breaks_and_absence():
    from sim.experiments import open_backend
    from sim.staffing import find_staffing, parse_targets

    scenario = sim.load_scenario(LIBRARY / "erlang_c_light.toml").with_overrides(
        {
            "scenario.start": "2026-03-02T00:00:00",
            "scenario.duration_hours": 6,
            "scenario.warmup_hours": 1,
            "shifts.all_day.break_share": 0.1,
            "shifts.all_day.absence_share": 0.1,
        }
    )
    targets = parse_targets(["phone.service_level>=0.8"], scenario)
    agents = erlang.agents_needed(300, 2, 0.5, 0.8).agents
    with open_backend(workers=1) as backend:
        plan = find_staffing(scenario, targets, 360, backend, replications=2, max_iterations=1)
    assert int(plan.erlang_c[0]) == math.ceil(agents / (0.9 * 0.9))


@pytest.mark.parametrize("key", ["shrinkage", "absence_share"])
def test_a_total_shrinkage_written_as_absence_gets_a_warning(key):
    from sim.checks import scenario_warnings

    doc = queue_document(arrivals_per_hour=60, aht_min=2, agents=3)
    doc["shifts"][0][key] = 0.3
    (w,) = scenario_warnings(sim.parse_scenario(doc))
    assert w.path == f"shifts.all_day.{key}"
    assert "whole shift occurrences missed" in str(w) and "break_share" in str(w)
    doc["shifts"][0].update({key: 0.05, "break_share": 0.25})  # breaks within the shift: fine
    assert scenario_warnings(sim.parse_scenario(doc)) == []


def test_breaks_and_reserved_calls_together_are_deterministic_and_keep_staffing():
    doc = _mixed(7, reserve_for=["phone"], reserve_reps=1)
    doc["scenario"]["duration_hours"] = 20
    doc["shifts"][0].update(break_share=0.125, break_min=15)  # 14 reps: 1.75 on break on average
    scenario = sim.parse_scenario(doc)
    a, b = sim.run(scenario, seed=7), sim.run(scenario, seed=7)
    assert a.kpis == b.kpis
    present = a.timeseries["reps_on_shift"].iloc[4:]
    assert present.mean() == pytest.approx(14 * 0.875, abs=0.15)
    assert present.max() <= 14 - 1 and present.min() >= 14 - 3
