"""Contagion against branching-process theory: with a constant branching ratio n < 1 and no
reply effect, a public complaint's cascade (itself plus all pile-ons it triggers, generation
after generation) has mean size 1/(1−n) (Galton–Watson; SEISMIC kernel normalised to mass 1)."""

from __future__ import annotations

import math

import numpy as np
import pytest

import sim
from sim import validation
from sim.arrivals import SeismicKernel

Z = 4.0


def cascade_document(n: float, seed: int) -> dict:
    """New complaints for 20 hours, then 20 quiet hours in which every cascade finishes."""
    return validation.cascade_document(n, hours=20.0, tail_hours=20.0, seed=seed)


@pytest.mark.parametrize("n", [0.3, 0.6, 0.8])
def test_mean_cascade_size_is_one_over_one_minus_n(n):
    sizes = []
    for seed in range(3):
        df = sim.run(sim.parse_scenario(cascade_document(n, seed)), seed=seed).complaints
        roots = df.loc[df.origin == "new", "id"]
        sizes.extend(df.groupby("root").size().reindex(roots).fillna(0).tolist())
    sizes = np.asarray(sizes)
    se = sizes.std(ddof=1) / math.sqrt(len(sizes))
    expected = 1.0 / (1.0 - n)
    assert abs(sizes.mean() - expected) <= Z * se, (sizes.mean(), se, expected)


def test_reach_weighting_keeps_the_mean_branching_ratio():
    """Reach is normalised over the population, so the average author still has ratio n."""
    n = 0.5
    sizes = []
    for seed in range(3):
        doc = cascade_document(n, seed)
        doc["contagion"]["reach_weight"] = 0.5
        df = sim.run(sim.parse_scenario(doc), seed=seed).complaints
        children = df[df.origin == "pile_on"].groupby("parent").size()
        parents = df.loc[df.public, "id"]
        sizes.extend(children.reindex(parents).fillna(0).tolist())
    sizes = np.asarray(sizes)
    se = sizes.std(ddof=1) / math.sqrt(len(sizes))
    assert abs(sizes.mean() - n) <= Z * se, (sizes.mean(), se)


@pytest.mark.parametrize(
    ("flat", "theta", "horizon"), [(5.0, 0.23, 1440.0), (5.0, 0.5, 120.0), (10.0, 0.1, 5.0)]
)
def test_seismic_kernel_is_a_normalised_density_with_an_exact_inverse(flat, theta, horizon):
    k = SeismicKernel(flat, theta, horizon)
    grid = np.linspace(0, horizon, 200_001)
    density = np.array([k.density(s) for s in grid])
    assert abs(np.trapezoid(density, grid) - 1.0) < 2e-3
    for u in (0.0, 0.1, 0.5, 0.9, 0.999):
        assert k.cumulative(k.inverse(u)) == pytest.approx(u, abs=1e-9)
    assert k.density(min(flat, horizon) / 2) == pytest.approx(k.c)
