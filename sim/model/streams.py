"""Random streams: numpy blocks for the up-front draws, counter-based keyed streams per complaint.

Random draws are common random numbers: the population, the exogenous arrivals and the
staffing come from their own ``numpy.random.SeedSequence.spawn`` streams, drawn up front; every
complaint then draws from streams of its own (:class:`KeyedStream`), keyed by a *stable* key — a
new complaint by its arrival index, a pile-on or re-post by its parent's key and its number
among the parent's children — never by the order events happen to fire in. So a run with a
trainee and the same run with bots in the seat share every draw the trainee did not cause.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import ndtri

STREAMS = (
    "population",
    "arrivals",
    "contagion",
    "service",
    "outcomes",
    "staffing",
    "trainee",
    "trainee_routing",
    "complaints",  # the base of every complaint's own key
)
DRAW_BLOCK = 4096


class Draws:
    """One random stream served from numpy blocks (cheap scalar draws, deterministic order)."""

    def __init__(self, seed_seq: np.random.SeedSequence):
        self.gen = np.random.default_rng(seed_seq)
        self._u: list[float] = []
        self._n: list[float] = []
        self._e: list[float] = []

    def random(self) -> float:
        if not self._u:
            self._u = self.gen.random(DRAW_BLOCK).tolist()
        return self._u.pop()

    def normal(self) -> float:
        if not self._n:
            self._n = self.gen.standard_normal(DRAW_BLOCK).tolist()
        return self._n.pop()

    def exponential(self) -> float:
        if not self._e:
            self._e = self.gen.standard_exponential(DRAW_BLOCK).tolist()
        return self._e.pop()


_M64 = 0xFFFFFFFFFFFFFFFF
_GOLDEN = 0x9E3779B97F4A7C15
_TO_UNIT = 2.0**-53
_TO_UNIT32 = 2.0**-32
_TWO_PI = 2.0 * math.pi
# Tags that separate a complaint's streams and its children's keys (random odd constants).
TAG_SERVICE = 0x6A09E667F3BCC909  # bot replies to it: score, apology, canned
TAG_OUTCOMES = 0xBB67AE8584CAA73B  # its customer's reactions, follow-ups, escalations
TAG_CONTAGION = 0x3C6EF372FE94F82B  # when its pile-ons come
TAG_ROUTING = 0xA54FF53A5F1D36F1  # whether it lands in the trainee's seat
TAG_PILE_ON = 0x510E527FADE682D1  # key of its k-th pile-on attempt
TAG_REPOST = 0x9B05688C2B3E6C1F  # key of its k-th re-post or channel switch
TAG_SEAT = 0x1F83D9ABFB41BD6B  # the seat's replication salt


def mix64(x: int) -> int:
    """SplitMix64's finaliser: a bijection on 64-bit integers with full avalanche."""
    z = x & _M64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _M64
    return z ^ (z >> 31)


def child_key(key: int, tag: int, k: int) -> int:
    """The stable key of the ``k``-th child of kind ``tag`` of the complaint keyed ``key``."""
    return mix64((key ^ tag) + (k + 1) * _GOLDEN)


class KeyedStream:
    """A counter-based stream: draw ``n`` is SplitMix64 of ``key + n·φ`` (pure Python, cheap).

    Its draws depend only on the key and how many were taken from it, never on what other
    streams did, so a complaint's draws survive anything that happens elsewhere in the run.
    Same interface as :class:`Draws`.
    """

    __slots__ = ("key", "n")

    def __init__(self, key: int):
        self.key = key
        self.n = 0

    def random(self) -> float:
        """Uniform in [0, 1)."""
        n = self.n
        self.n = n + 1
        z = (self.key + n * _GOLDEN) & _M64
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _M64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _M64
        return ((z ^ (z >> 31)) >> 11) * _TO_UNIT

    def normal(self) -> float:
        """Standard normal (Box–Muller on the two halves of one 64-bit draw; |z| ≤ 6.66)."""
        n = self.n
        self.n = n + 1
        z = (self.key + n * _GOLDEN) & _M64
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _M64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _M64
        return normal_of(z ^ (z >> 31))

    def exponential(self) -> float:
        """Standard exponential."""
        return -math.log1p(-self.random())


def normal_of(h: int) -> float:
    """The standard normal of a 64-bit draw (Box–Muller on its two halves)."""
    r = math.sqrt(-2.0 * math.log(((h >> 32) + 1) * _TO_UNIT32))
    return r * math.cos(_TWO_PI * (h & 0xFFFFFFFF) * _TO_UNIT32)


def mix64_array(x: np.ndarray) -> np.ndarray:
    """:func:`mix64` on a ``uint64`` array (wrapping arithmetic, bit-identical to the scalar)."""
    z = x ^ (x >> np.uint64(30))
    z *= np.uint64(0xBF58476D1CE4E5B9)
    z ^= z >> np.uint64(27)
    z *= np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def exo_first_draw_arrays(key_base: int, start: int, n: int) -> tuple[np.ndarray, ...]:
    """Keys of new complaints ``start…start+n-1`` and the first draws of their streams.

    Complaint ``i``'s key is ``mix64(base + (i+1)·φ)``. Its bot reply and its customer's first
    reaction are the hot path of every run, so the first draws of its streams — service draws
    0, 1, 2 (normal, uniform, uniform) and outcome draw 0 (uniform) of :class:`KeyedStream` —
    are computed here, a block at a time, as float arrays ``(keys, z, u_apology, u_canned,
    u_outcome)``. The uniforms are bit-identical to the stream's; the normal is too but for
    numpy's log/cos against the C library's (last bit), so callers draw in the same blocks.
    """
    g = np.uint64(_GOLDEN)
    idx = np.arange(start + 1, start + n + 1, dtype=np.uint64)
    keys = mix64_array(np.uint64(key_base) + idx * g)
    srv = keys ^ np.uint64(TAG_SERVICE)

    def unit(h: np.ndarray) -> np.ndarray:
        return (h >> np.uint64(11)).astype(np.float64) * _TO_UNIT

    h = mix64_array(srv)
    hi = (h >> np.uint64(32)).astype(np.float64)
    lo = (h & np.uint64(0xFFFFFFFF)).astype(np.float64)
    z = np.sqrt(-2.0 * np.log((hi + 1.0) * _TO_UNIT32)) * np.cos(_TWO_PI * lo * _TO_UNIT32)
    return (
        keys,
        z,
        unit(mix64_array(srv + g)),
        unit(mix64_array(srv + np.uint64(2 * _GOLDEN % (1 << 64)))),
        unit(mix64_array(keys ^ np.uint64(TAG_OUTCOMES))),
    )


def exo_keys_and_first_draws(key_base: int, start: int, n: int) -> tuple[list, list]:
    """:func:`exo_first_draw_arrays` as Python lists: the keys, and one tuple
    ``(z, u_apology, u_canned, u_outcome)`` per complaint."""
    keys, z, ua, uc, uo = exo_first_draw_arrays(key_base, start, n)
    first = zip(z.tolist(), ua.tolist(), uc.tolist(), uo.tolist(), strict=True)
    return keys.tolist(), list(first)


def duration_from_uniform(spec, u: np.ndarray) -> np.ndarray:
    """Vectorised draw of a scenario duration (minutes) from uniforms; ``"none"`` → inf."""
    if spec == "none":
        return np.full(len(u), math.inf)
    if spec.dist == "exponential":
        return -spec.mean_min * np.log1p(-u)
    if spec.dist == "lognormal":
        return spec.median_min * np.exp(spec.sigma * ndtri(u))
    return np.full(len(u), float(spec.value_min))


def duration_draw(spec, draws: Draws) -> float:
    """One draw of a scenario duration (minutes); ``"none"`` → inf."""
    if spec == "none":
        return math.inf
    if spec.dist == "exponential":
        return spec.mean_min * draws.exponential()
    if spec.dist == "lognormal":
        return spec.median_min * math.exp(spec.sigma * draws.normal())
    return float(spec.value_min)


def seat_salt(replication: int) -> int:
    """The salt that re-draws a trainee seat's own work in bot replication ``replication``
    (0: none, the seat shares every draw with the run it replicates)."""
    return mix64(TAG_SEAT + replication * _GOLDEN) if replication else 0
