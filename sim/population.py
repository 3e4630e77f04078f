"""The customer population: N customers as numpy arrays, not agents.

A week of 100k customers stepped every minute would take ~20 minutes; only the complaints they
make are agents (DESIGN §3). Customers carry what the model needs to know about an author:
followers (reach), annual value (what churn puts at risk), temperament (baseline anger) and a
preferred channel (where they go when they switch).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Population:
    """Customer attributes, one entry per customer (index = customer id)."""

    followers: np.ndarray  # float32, heavy-tailed
    value: np.ndarray  # float32, annual value in currency units
    temperament: np.ndarray  # float32, additive anger offset
    preferred_channel: np.ndarray  # int8, channel index
    complained: np.ndarray  # bool, took part in a pile-on (saturation)
    churned: np.ndarray  # bool

    @property
    def size(self) -> int:
        return len(self.followers)


def draw_followers(
    rng: np.random.Generator, n: int, median: float, exponent: float, maximum: float
) -> np.ndarray:
    """Follower counts from a power law with density ∝ x^−exponent, truncated at ``maximum``.

    Twitter studies: density exponent ≈ 2 and a median active account of ≈ 61 followers
    (DESIGN §6). The lower bound x_min is set so the untruncated median is ``median``
    (median = x_min · 2^(1/(exponent−1))); truncation keeps the mean finite.
    """
    a = exponent - 1.0
    x_min = median / 2.0 ** (1.0 / a)
    u = rng.random(n)
    tail = (x_min / maximum) ** a  # P(X > maximum) before truncation
    return (x_min * (1.0 - u * (1.0 - tail)) ** (-1.0 / a)).astype(np.float32)


def build_population(spec, n_channels: int, channel_p: np.ndarray, rng) -> Population:
    """Draw the population described by a scenario's ``[population]`` table."""
    n = spec.size
    followers = draw_followers(
        rng, n, spec.followers_median, spec.followers_exponent, spec.followers_max
    )
    value = (spec.value_median * np.exp(spec.value_sigma * rng.standard_normal(n))).astype(
        np.float32
    )
    temperament = (spec.temperament_sigma * rng.standard_normal(n)).astype(np.float32)
    preferred = rng.choice(n_channels, size=n, p=channel_p / channel_p.sum()).astype(np.int8)
    return Population(
        followers=followers,
        value=value,
        temperament=temperament,
        preferred_channel=preferred,
        complained=np.zeros(n, dtype=bool),
        churned=np.zeros(n, dtype=bool),
    )
