"""The calibration figures a scenario defaults to come from sim.calibration, unchanged."""

from __future__ import annotations

from sim import calibration as cal
from sim.scenario import Contagion, Population


def test_population_defaults_are_the_follower_studies():
    p = Population()
    assert (p.followers_median, p.followers_exponent) == (
        cal.FOLLOWERS_MEDIAN,
        cal.FOLLOWERS_EXPONENT,
    )
    assert (cal.FOLLOWERS_MEDIAN, cal.FOLLOWERS_EXPONENT) == (61.0, 2.0)


def test_contagion_defaults_are_the_seismic_kernel():
    c = Contagion()
    assert (c.kernel_flat_min, c.kernel_theta) == (cal.KERNEL_FLAT_MIN, cal.KERNEL_THETA)
    assert (cal.KERNEL_FLAT_MIN, cal.KERNEL_THETA) == (5.0, 0.23)
