"""Shared fixtures and scenario builders for the tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.library import library_dir

ROOT = Path(__file__).resolve().parent.parent
LIBRARY = library_dir()  # the one rule (sim.library): ROOT / "scenarios" in a checkout


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


@pytest.fixture
def library() -> Path:
    return LIBRARY
