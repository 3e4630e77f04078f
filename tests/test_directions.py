"""Direction tests: the model moves the way practitioners and research say (several seeds each).

Runs are shortened with overrides so the suite stays quick; each comparison uses the same seeds
on both sides (common random numbers for the exogenous arrivals)."""

from __future__ import annotations

import numpy as np

import sim
from tests.conftest import LIBRARY

SEEDS = range(4)


def _mean(scenario, metric) -> float:
    return float(np.mean([metric(sim.run(scenario, seed=s)) for s in SEEDS]))


def _frt_mean(results) -> float:
    df = results.complaints
    return float(df.loc[df.counted & df.answered, "wait_min"].mean())


def _storm_hours(results) -> int:
    """Clock hours in which arrivals ran above twice the expected (no-incident) volume."""
    ts = results.timeseries
    return int((ts["arrivals"] > 2 * ts["baseline"].clip(lower=1.0)).sum())


def _recall(**overrides):
    base = sim.load_scenario(LIBRARY / "product_recall.toml")
    return base.with_overrides({"scenario.duration_hours": 36, **overrides})


def test_more_reps_never_raise_mean_first_response_time():
    base = _recall()
    frts = []
    for factor in (1.0, 1.5, 2.0):
        staffed = base.with_overrides(
            {f"shifts.{s.name}.reps": round(s.reps * factor) for s in base.shifts}
        )
        frts.append(_mean(staffed, _frt_mean))
    assert frts[0] > frts[1] > frts[2], frts


def test_crisis_mode_shortens_a_storm():
    with_crisis = _mean(_recall(), _storm_hours)
    without = _mean(_recall(**{"policy.crisis_threshold": 0.0}), _storm_hours)
    assert with_crisis < without, (with_crisis, without)


def _storm(social_reps: int, quality: float) -> sim.StormScenario:
    """A 12-hour storm: Twitter (public, contagion n = 0.6) and email, a social team of
    ``social_reps`` reps of reply ``quality``, an email team, a 3-hour surge at hour 2."""
    return sim.parse_scenario({
        "scenario": {"name": "direction storm", "duration_hours": 12, "seed": 1},
        "arrivals": {"base_per_hour": 40, "profile": "flat"},
        "incidents": [{"name": "surge", "start_hour": 2, "duration_hours": 3, "multiplier": 4.0}],
        "contagion": {"enabled": True, "branching_ratio": 0.6},
        "channels": {
            "twitter": {"share": 0.5, "sla_min": 60, "concurrency": 3},
            "email": {"share": 0.5, "sla_min": 240},
        },
        "shifts": [
            {"name": "social", "reps": social_reps, "start": "00:00", "end": "24:00",
             "skills": ["twitter"], "quality": quality},
            {"name": "back_office", "reps": 4, "start": "00:00", "end": "24:00",
             "skills": ["email"]},
        ],
        "policy": {"crisis_threshold": 0.0},
    })  # fmt: skip


IGNORED = _storm(social_reps=0, quality=0.7)
FAST_GOOD = _storm(social_reps=12, quality=0.95)
POOR = _storm(social_reps=12, quality=0.0)


def test_ignoring_public_complaints_raises_public_escalations_and_the_peak():
    for kpi in ("escalated_public", "peak_per_hour"):
        ignored = _mean(IGNORED, lambda r, k=kpi: r.kpis[k])
        answered = _mean(FAST_GOOD, lambda r, k=kpi: r.kpis[k])
        assert ignored > answered, (kpi, ignored, answered)


def test_poor_replies_do_worse_than_no_reply_on_escalations():
    for kpi in ("escalated_public", "churned"):
        poor = _mean(POOR, lambda r, k=kpi: r.kpis[k])
        ignored = _mean(IGNORED, lambda r, k=kpi: r.kpis[k])
        assert poor > ignored, (kpi, poor, ignored)
