"""The model's calibration anchor: with contagion off it is M/M/c (Erlang C) or M/M/c+M (Erlang A).

Each case runs independent replications and compares the replication mean of P(wait), mean
wait, abandonment and service level with ``sim.erlang``. The tolerance is Z standard errors of
that mean (estimated from the replications themselves) plus nothing else: a model that is off
by more than sampling error fails.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import sim
from sim import erlang
from tests.conftest import queue_document

Z = 4.0  # |mean − theory| ≤ Z · SE: a correct model fails about 1 case in 15,000
REPLICATIONS = 8

CASES = [
    # id, λ per hour, AHT, agents, patience mean (None = Erlang C), SLA min, hours per replication
    ("erlang_c_light", 300.0, 2.0, 14, None, 0.5, 80.0),
    ("erlang_c_heavy", 570.0, 2.0, 20, None, 1.0, 160.0),
    ("erlang_c_two_agents", 24.0, 4.0, 2, None, 2.0, 400.0),
    ("erlang_a_short_patience_overloaded", 330.0, 2.0, 10, 1.0, 0.5, 60.0),
    ("erlang_a_long_patience", 570.0, 2.0, 20, 20.0, 1.0, 120.0),
    ("erlang_a_light", 200.0, 3.0, 12, 5.0, 0.5, 80.0),
]


def replicate(doc_kwargs: dict, n: int) -> dict[str, np.ndarray]:
    rows = []
    for seed in range(n):
        scenario = sim.parse_scenario(queue_document(seed=seed, **doc_kwargs))
        k = sim.run(scenario, seed=1000 + seed).kpis["channels"]["phone"]
        rows.append((k["p_wait"], k["wait_mean_min"], k["abandon_rate"], k["service_level"]))
    arr = np.array(rows, dtype=float)
    return {
        name: arr[:, i]
        for i, name in enumerate(("p_wait", "wait_mean_min", "abandon_rate", "service_level"))
    }


@pytest.mark.parametrize(
    ("case", "lam", "aht", "agents", "patience", "sla", "hours"), CASES, ids=[c[0] for c in CASES]
)
def test_pure_queue_matches_erlang(case, lam, aht, agents, patience, sla, hours):
    theory = erlang.metrics(lam, aht, agents, sla, patience_mean_min=patience)
    sims = replicate(
        dict(
            arrivals_per_hour=lam,
            aht_min=aht,
            agents=agents,
            patience_mean_min=patience,
            sla_min=sla,
            hours=hours,
            warmup_hours=5.0,
        ),
        REPLICATIONS,
    )
    for name, values in sims.items():
        expected = getattr(theory, name)
        mean = values.mean()
        se = values.std(ddof=1) / math.sqrt(len(values))
        if patience is None and name == "abandon_rate":
            assert mean == 0.0
            continue
        assert abs(mean - expected) <= Z * se + 1e-12, (
            f"{case}: {name} simulated {mean:.4f} ± {se:.4f} (SE), Erlang {expected:.4f}"
        )
