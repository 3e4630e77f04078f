"""Relative effects as notebook 03 plots them (issue 12, item 5): an interval that cannot pass
−100%, and axis labels that do not round 2.5% steps to `+2% +8%`."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
from scipy import stats

from sim.experiments import paired_ratio
from sim.plots_experiments import SignedPercentFormatter


def test_a_large_drop_keeps_its_interval_above_minus_100_percent():
    control = np.array([120.0, 80.0, 100.0])
    treatment = np.array([2.0, 30.0, 5.0])
    d = treatment - control
    naive_low = (d.mean() - stats.t.ppf(0.975, 2) * d.std(ddof=1) / np.sqrt(3)) / control.mean()
    assert naive_low < -1  # the interval the notebook drew
    relative, low, high = paired_ratio(control, treatment)
    assert relative == pytest.approx(treatment.mean() / control.mean() - 1)
    assert -1 < low < relative < high


def test_small_effects_agree_with_the_paired_difference():
    rng = np.random.default_rng(4)
    control = rng.normal(1000, 100, 20)
    treatment = control * rng.normal(1.05, 0.01, 20)
    _, low, high = paired_ratio(control, treatment)
    d = treatment - control
    half = stats.t.ppf(0.975, 19) * d.std(ddof=1) / np.sqrt(20) / control.mean()
    assert (high - low) / 2 == pytest.approx(half, rel=0.15)  # both first-order
    assert low < 0.05 < high


def test_the_interval_covers_the_true_ratio_95_percent_of_the_time():
    rng = np.random.default_rng(12)
    true_ratio, hits, trials = 0.3, 0, 2000
    for _ in range(trials):
        storm = rng.lognormal(5, 0.5, 20)  # paired: the same storm in both arms
        control = rng.poisson(storm)
        treatment = rng.poisson(storm * true_ratio)
        _, low, high = paired_ratio(control, treatment)
        hits += low <= true_ratio - 1 <= high
    assert 0.92 < hits / trials < 0.975


def test_edge_cases():
    assert paired_ratio([3.0, 5.0], [0.0, 0.0]) == (-1.0, -1.0, -1.0)
    assert all(np.isnan(paired_ratio([0.0, 0.0], [1.0, 2.0])))
    relative, low, high = paired_ratio([2.0], [3.0])
    assert relative == pytest.approx(0.5) and np.isnan(low) and np.isnan(high)
    with pytest.raises(ValueError):
        paired_ratio([1.0, 2.0], [1.0])


@pytest.mark.parametrize(
    ("ticks", "labels"),
    [
        ([-0.025, 0.0, 0.025, 0.05, 0.075], ["−2.5%", "0%", "+2.5%", "+5.0%", "+7.5%"]),
        ([-0.2, 0.0, 0.2, 0.4], ["−20%", "0%", "+20%", "+40%"]),
        ([-0.01, -0.005, 0.0, 0.005], ["−1.0%", "−0.5%", "0%", "+0.5%"]),
    ],
)
def test_percent_labels_show_each_tick_exactly(ticks, labels):
    fig, ax = plt.subplots()
    try:
        ax.set_xlim(ticks[0], ticks[-1])
        ax.set_xticks(ticks)
        ax.xaxis.set_major_formatter(SignedPercentFormatter())
        fig.canvas.draw()
        assert [t.get_text() for t in ax.get_xticklabels()] == labels
    finally:
        plt.close(fig)
