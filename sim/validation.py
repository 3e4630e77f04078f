"""The validation cases: pure-queue and cascade scenarios whose answers theory knows (Erlang C/A,
1/(1−n) cascade sizes). One definition, used by the validation report (``sim.report``) and by the
tests (``tests/conftest.py``, ``tests/test_cascades.py``).
"""

from __future__ import annotations


def queue_document(
    *,
    arrivals_per_hour: float,
    aht_min: float,
    agents: int,
    patience_mean_min: float | None = None,
    sla_min: float = 1.0,
    hours: float = 200.0,
    warmup_hours: float = 10.0,
    seed: int = 1,
) -> dict:
    """A pure-queue scenario document: M/M/c (patience None) or M/M/c+M (DESIGN §3)."""
    patience = (
        "none"
        if patience_mean_min is None
        else {"dist": "exponential", "mean_min": patience_mean_min}
    )
    return {
        "scenario": {
            "name": f"M/M/{agents}{'' if patience_mean_min is None else '+M'}",
            "duration_hours": hours,
            "warmup_hours": warmup_hours,
            "seed": seed,
        },
        "arrivals": {"base_per_hour": arrivals_per_hour, "profile": "flat"},
        "channels": {
            "phone": {
                "public": False,
                "share": 1.0,
                "patience": patience,
                "handle_time": {"dist": "exponential", "mean_min": aht_min},
                "concurrency": 1,
                "sla_min": sla_min,
            }
        },
        "behaviour": {"follow_ups": False, "escalations": False},
        "shifts": [
            {"name": "all_day", "reps": agents, "start": "00:00", "end": "24:00", "days": "all"}
        ],
    }


def cascade_document(
    n: float,
    *,
    hours: float,
    tail_hours: float,
    horizon_hours: float = 2.0,
    arrivals_per_hour: float = 100.0,
    agents: int = 60,
    seed: int = 1,
) -> dict:
    """One public channel with a constant branching ratio ``n`` and no reply effect; new
    complaints only in the first ``hours``, then ``tail_hours`` without, so every cascade
    (a complaint and all the pile-ons it triggers) finishes inside the run."""
    doc = queue_document(
        arrivals_per_hour=arrivals_per_hour, aht_min=2.0, agents=agents,
        hours=hours + tail_hours, warmup_hours=0.0, seed=seed,
    )  # fmt: skip
    doc["channels"]["phone"]["public"] = True
    doc["contagion"] = {
        "enabled": True,
        "branching_ratio": n,
        "horizon_hours": horizon_hours,
        "reach_weight": 0.0,
        "anger_weight": 0.0,
        "reply_effect": False,
        "saturation": False,
    }
    doc["incidents"] = [
        {"name": "quiet", "start_hour": hours, "duration_hours": tail_hours, "multiplier": 0.0}
    ]
    return doc
