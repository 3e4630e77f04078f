"""Analytic references for the pure-queue limit: Erlang C (M/M/c) and Erlang A (M/M/c+M).

With contagion off, one channel, exponential handle time and patience, a flat arrival rate,
concurrency 1 and reps on 24/7, the model is Palm's M/M/c+M queue (Erlang A); with no patience
limit it is M/M/c (Erlang C). DESIGN §3 makes these formulas the model's calibration anchor, so
every figure here is defined exactly as the simulation measures it (DESIGN §5):

- *wait*: time from arrival until a rep starts service, or until the customer gives up;
- ``wait_mean_min``: the mean wait over **all** arrivals (those who never wait count as 0,
  those who give up count with the time they waited);
- ``p_wait``: share of arrivals who find every rep busy (they wait at all);
- ``abandon_rate``: share of arrivals who give up before service starts;
- ``service_level``: share of arrivals whose service **starts** within ``sla_min``; customers
  who give up count as misses;
- ``occupancy``: busy reps / reps = served rate × AHT / reps.

Units: arrival rates are per hour in the public API; every time is in minutes.

Sources and method
------------------
Stationary distribution. Write λ (per minute), μ = 1/AHT, θ = 1/mean patience, c reps,
a = λ/μ (offered load, erlangs). The number of customers N in M/M/c+M is a birth–death chain
(Palm 1943) with

    π_n ∝ a^n / n!                              (n ≤ c)
    π_{c+j} = π_c · Π_{k=1..j} λ / (cμ + kθ)    (j ≥ 0)

Let R = Σ_{n<c} π_n / π_c (so Erlang B is B = 1/(1+R), Erlang 1917) and
A = Σ_{j≥0} π_{c+j} / π_c. Mandelbaum & Zeltyn (2007) write A with the incomplete gamma
function, A = A(cμ/θ, λ/θ) = (x e^y / y^x) γ(x, y); here it is summed directly in log space
over the queue lengths that carry probability, which also gives the queue-length distribution
needed for the service level. Then P(wait) = A/(R + A). Erlang C (θ = 0, a < c) has
A = 1/(1 − a/c), hence the familiar C = 1/(1 + R(1 − a/c)) (Erlang 1917).

R is never built from factorials or powers: R_c = Σ_{k<c} Π_{i=k+1..c} (i/a) is a log-sum-exp
of a reversed cumulative sum of log(i/a) — Erlang B's recursion B_k = aB_{k−1}/(k + aB_{k−1})
unrolled — so hundreds or thousands of reps neither overflow nor lose precision.

Waiting times (Erlang A). An arrival that finds j customers queued ahead (FCFS) would start
service after its *virtual wait* V_j, a sum of exponential stages with rates cμ + kθ,
k = j, …, 0 (a rep frees up or someone ahead gives up). With x = cμ/θ the transform
E[e^{−sV_j}] = Π_k (x+k)/(x+k+s/θ) shows that U = e^{−θV_j} ~ Beta(x, j+1). Patience τ is
Exp(θ), independent of V_j, so

    P(served | j)            = E[e^{−θV_j}]                 = x/(x+j+1)
    P(V_j ≤ t, V_j ≤ τ | j)  = E[U · 1{U ≥ e^{−θt}}]        = x/(x+j+1) · I_{1−e^{−θt}}(j+1, x+1)
    E[V_j · 1{V_j ≤ τ} | j]  = x/(x+j+1) · (ψ(x+j+2) − ψ(x+1)) / θ

(I the regularized incomplete beta function, ψ the digamma function), which are the
Mandelbaum & Zeltyn (2007) service-level and answered-wait results in mixture form. By Little's
law on the abandonment flow, the mean wait over all arrivals is P(abandon)/θ.

References: A.K. Erlang (1917), "Solution of some problems in the theory of probabilities of
significance in automatic telephone exchanges"; C. Palm (1943), "Intensitätsschwankungen im
Fernsprechverkehr", Ericsson Technics 44; A. Mandelbaum & S. Zeltyn (2007), "Service
engineering in action: the Palm/Erlang-A queue, with applications to call centers", in
Advances in Services Innovations, Springer; O. Garnett, A. Mandelbaum & M. Reiman (2002),
"Designing a call center with impatient customers", MSOM 4(3).
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, fields

import numpy as np

from .special import betainc_int, digamma

# No scipy.special (~0.35 s to import): the three special functions Erlang A needs (log Γ
# differences, ψ differences, the incomplete beta at integer first argument) are computed here
# (math.lgamma) and in sim.special, so `stormdesk erlang` starts light with --patience-min too.

MIN_PER_HOUR = 60.0

# Queue lengths whose probabilities sum to less than e^−TAIL_LOG (≈ 1e−20) of the total are
# left out of the Erlang A sums: far below double precision of any reported figure.
TAIL_LOG = 46.0
# First guess for the window of queue lengths that matter: the conditional queue length is a
# Poisson(λ/θ) law shifted by cμ/θ, so ±TAIL_SIGMAS standard deviations (plus TAIL_SIGMAS² for
# the skew of small means) usually suffice; the window widens until the tail bound holds.
TAIL_SIGMAS = 10.0
MAX_WIDENINGS = 64

ERLANG_C = "erlang_c"
ERLANG_A = "erlang_a"


@dataclass(frozen=True)
class QueueMetrics:
    """Steady-state figures of one M/M/c (``erlang_c``) or M/M/c+M (``erlang_a``) queue.

    Rates are per hour, times in minutes, probabilities and shares are fractions in [0, 1].
    An unstable Erlang C queue (offered load ≥ agents, including agents = 0) has
    ``stable=False``, ``p_wait=1``, infinite waits and queue, ``service_level=0`` and
    ``occupancy=1`` (0 when there are no agents); Erlang A is always stable because waiting
    customers give up. Figures are per arrival, so with no arrivals they are the limit of a
    vanishing arrival rate. ``as_dict`` turns infinities into ``None`` for JSON.
    """

    model: str  # "erlang_c" or "erlang_a"
    agents: int
    arrivals_per_hour: float
    aht_min: float  # mean handle time, minutes
    patience_mean_min: float | None  # None for Erlang C (nobody gives up)
    sla_min: float  # service-level threshold, minutes
    offered_load: float  # erlangs: λ × AHT
    p_wait: float  # P(all agents busy on arrival)
    wait_mean_min: float  # mean wait over all arrivals (to service start or giving up)
    service_level: float  # share whose service starts within sla_min; abandoners are misses
    abandon_rate: float  # share of arrivals who give up before service
    occupancy: float  # busy agents / agents
    stable: bool
    wait_mean_given_wait_min: float  # mean wait of the arrivals who wait at all
    asa_min: float | None  # average speed of answer: mean wait of served arrivals (None: none)
    queue_mean: float  # mean number of customers waiting
    served_per_hour: float  # throughput: arrivals whose service starts, per hour

    def as_dict(self) -> dict[str, object]:
        """The figures as a JSON-friendly dict: non-finite numbers become ``None``."""
        out: dict[str, object] = {}
        for field in fields(self):
            value = getattr(self, field.name)
            if isinstance(value, float) and not math.isfinite(value):
                value = None
            out[field.name] = value
        return out


# --- Argument checks ------------------------------------------------------------------------


def _real(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a number, got {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return number


def _non_negative(name: str, value: object) -> float:
    number = _real(name, value)
    if number < 0:
        raise ValueError(f"{name} must be >= 0, got {value!r}")
    return number


def _positive(name: str, value: object) -> float:
    number = _real(name, value)
    if number <= 0:
        raise ValueError(f"{name} must be > 0, got {value!r}")
    return number


def _share(name: str, value: object) -> float:
    number = _real(name, value)
    if not 0.0 < number < 1.0:
        raise ValueError(f"{name} must be strictly between 0 and 1, got {value!r}")
    return number


def _agents(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"agents must be an integer, got {value!r}")
    if value < 0:
        raise ValueError(f"agents must be >= 0, got {value!r}")
    return int(value)


# --- Erlang B and C -------------------------------------------------------------------------


def _logsumexp(values: np.ndarray) -> float:
    """log Σ exp(v) of a 1-D array of finite floats, computed exactly as ``scipy.special.logsumexp``
    does (the largest terms taken out of the sum, then log1p), so results are bit-identical."""
    top = values.max()
    at_top = values == top
    m = np.sum(at_top, dtype=float)
    s = np.sum(np.exp(np.where(at_top, -np.inf, values) - top))
    s = s if s == 0 else s / m
    return float(np.log1p(s) + np.log(m) + top)


def _log_idle_ratio(agents: int, offered_load: float) -> float:
    """log R, R = Σ_{n<c} π_n / π_c = Σ_{k<c} Π_{i=k+1..c} (i/a); −inf for c = 0, a > 0."""
    if agents == 0:
        return -math.inf
    steps = np.log(np.arange(1, agents + 1, dtype=float)) - math.log(offered_load)
    return _logsumexp(np.cumsum(steps[::-1]))


def erlang_b(agents: int, offered_load: float) -> float:
    """Erlang's loss formula B(c, a) (Erlang 1917): P(all c agents busy) in M/M/c/c.

    ``offered_load`` a is in erlangs (arrival rate × mean handle time). Computed as 1/(1 + R)
    with R = Σ_{n<c} π_n/π_c summed in log space (Erlang B recursion unrolled), so it is exact
    to rounding for thousands of agents. B(0, a) = 1; B(c, 0) = 0 for c ≥ 1.
    """
    c = _agents(agents)
    a = _non_negative("offered_load", offered_load)
    if c == 0:
        return 1.0
    if a == 0.0:
        return 0.0
    return math.exp(-np.logaddexp(0.0, _log_idle_ratio(c, a)))


def erlang_c(agents: int, offered_load: float) -> float:
    """Erlang's delay formula C(c, a) (Erlang 1917): P(an arrival waits) in M/M/c.

    ``offered_load`` a is in erlangs. C = 1/(1 + R(1 − a/c)) with R as in :func:`erlang_b`
    (equivalently C = B/(1 − (a/c)(1 − B))). The queue is unstable when a ≥ c (including
    c = 0): every arrival then waits, and 1.0 is returned. C(c, 0) = 0 for c ≥ 1.
    """
    c = _agents(agents)
    a = _non_negative("offered_load", offered_load)
    if a >= c:
        return 1.0
    if a == 0.0:
        return 0.0
    return math.exp(-np.logaddexp(0.0, _log_idle_ratio(c, a) + math.log1p(-a / c)))


def erlang_c_metrics(
    arrivals_per_hour: float, aht_min: float, agents: int, sla_min: float
) -> QueueMetrics:
    """Steady-state figures of M/M/c (Erlang C, Erlang 1917): nobody gives up.

    ``arrivals_per_hour`` is the Poisson arrival rate per hour, ``aht_min`` the mean
    (exponential) handle time in minutes, ``sla_min`` the service-level threshold in minutes.
    With offered load a = λ·AHT and C the Erlang C probability:
    mean wait = C·AHT/(c − a), service level = 1 − C·e^{−(c − a)·t/AHT}, occupancy = a/c.
    When a ≥ c the queue grows without bound: ``stable`` is False, ``p_wait`` 1, waits and
    queue infinite, ``service_level`` 0 and ``occupancy`` 1 (0 with no agents).
    """
    lam_h = _non_negative("arrivals_per_hour", arrivals_per_hour)
    aht = _positive("aht_min", aht_min)
    c = _agents(agents)
    sla = _non_negative("sla_min", sla_min)
    load = lam_h / MIN_PER_HOUR * aht
    common = dict(
        model=ERLANG_C,
        agents=c,
        arrivals_per_hour=lam_h,
        aht_min=aht,
        patience_mean_min=None,
        sla_min=sla,
        offered_load=load,
        abandon_rate=0.0,
    )
    if load >= c:
        return QueueMetrics(
            **common,
            p_wait=1.0,
            wait_mean_min=math.inf,
            service_level=0.0,
            occupancy=1.0 if c else 0.0,
            stable=False,
            wait_mean_given_wait_min=math.inf,
            asa_min=math.inf if c else None,
            queue_mean=math.inf,
            served_per_hour=c * MIN_PER_HOUR / aht,
        )
    p_wait = erlang_c(c, load)
    wait_given_wait = aht / (c - load)  # the wait of a delayed arrival is Exp(cμ − λ)
    wait_mean = p_wait * wait_given_wait
    return QueueMetrics(
        **common,
        p_wait=p_wait,
        wait_mean_min=wait_mean,
        service_level=1.0 - p_wait * math.exp(-sla / wait_given_wait),
        occupancy=load / c,
        stable=True,
        wait_mean_given_wait_min=wait_given_wait,
        asa_min=wait_mean,
        queue_mean=p_wait * load / (c - load),
        served_per_hour=lam_h,
    )


# --- Erlang A -------------------------------------------------------------------------------


def _queue_ahead(x: float, y: float) -> tuple[np.ndarray, np.ndarray, float]:
    """Law of the queue length j met by an arrival that has to wait, and log A.

    With t_j = Π_{k=1..j} y/(x+k) = π_{c+j}/π_c (x = cμ/θ ≥ 0, y = λ/θ > 0), returns the
    queue lengths j of the window that carries the probability, P(j ahead | wait) = t_j / A
    on it, and log A = log Σ_j t_j. Terms left out on either side of the window are bounded
    by geometric series and sum to < e^−TAIL_LOG of the window's total. The terms are kept
    relative to the window's first one so that huge A (deep overload) loses no precision.
    """
    log_y = math.log(y)
    mode = max(0, math.floor(y - x))  # t_j grows while x + j ≤ y
    width = math.ceil(TAIL_SIGMAS * math.sqrt(y) + TAIL_SIGMAS**2)
    lo, hi = max(0, mode - width), mode + width
    log_first_ratio = log_y - math.log(x + 1)
    if mode == 0 and log_first_ratio < 0.0:  # geometric decay from the start: often shorter
        hi = min(hi, math.ceil(TAIL_LOG / -log_first_ratio) + 1)
    for _ in range(MAX_WIDENINGS):
        j = np.arange(lo, hi + 1, dtype=float)
        log_rel = np.concatenate(([0.0], np.cumsum(log_y - np.log(x + j[1:]))))  # log t_j/t_lo
        log_total = _logsumexp(log_rel)
        limit = log_total - TAIL_LOG
        # Beyond the window the ratios between neighbouring terms only shrink, so each side's
        # remainder is at most its edge term × r/(1 − r), r the ratio at the edge.
        log_up = log_y - math.log(x + hi + 1)
        upper_ok = log_up < 0.0 and log_rel[-1] + log_up - math.log(-math.expm1(log_up)) <= limit
        log_down = math.log(x + lo) - log_y if lo > 0 else -math.inf
        lower_ok = lo == 0 or (
            log_down < 0.0 and log_rel[0] + log_down - math.log(-math.expm1(log_down)) <= limit
        )
        if upper_ok and lower_ok:
            log_t_lo = (
                0.0 if lo == 0 else lo * log_y - (math.lgamma(x + lo + 1) - math.lgamma(x + 1))
            )
            return j, np.exp(log_rel - log_total), log_t_lo + log_total
        if not upper_ok:
            hi = mode + 2 * (hi - mode) + 1
        if not lower_ok:
            lo = max(0, mode - 2 * (mode - lo) - 1)
    raise ArithmeticError(f"Erlang A queue-length window did not converge (x={x}, y={y})")


def erlang_a_metrics(
    arrivals_per_hour: float,
    aht_min: float,
    agents: int,
    patience_mean_min: float,
    sla_min: float,
) -> QueueMetrics:
    """Steady-state figures of M/M/c+M (Erlang A: Palm 1943; Mandelbaum & Zeltyn 2007).

    ``arrivals_per_hour`` is the Poisson arrival rate per hour, ``aht_min`` the mean
    (exponential) handle time in minutes, ``patience_mean_min`` the mean (exponential) time a
    waiting customer waits before giving up, in minutes, ``sla_min`` the service-level
    threshold in minutes. The queue is always stable. With no agents everyone gives up:
    ``abandon_rate`` 1, ``service_level`` 0, ``wait_mean_min`` = mean patience, no ASA.
    See the module docstring for the formulas.
    """
    lam_h = _non_negative("arrivals_per_hour", arrivals_per_hour)
    aht = _positive("aht_min", aht_min)
    c = _agents(agents)
    patience = _positive("patience_mean_min", patience_mean_min)
    sla = _non_negative("sla_min", sla_min)
    lam = lam_h / MIN_PER_HOUR
    load = lam * aht
    common = dict(
        model=ERLANG_A,
        agents=c,
        arrivals_per_hour=lam_h,
        aht_min=aht,
        patience_mean_min=patience,
        sla_min=sla,
        offered_load=load,
        stable=True,
    )
    if c == 0:  # nobody is ever served: every arrival waits out its patience
        return QueueMetrics(
            **common,
            p_wait=1.0,
            wait_mean_min=patience,
            service_level=0.0,
            abandon_rate=1.0,
            occupancy=0.0,
            wait_mean_given_wait_min=patience,
            asa_min=None,
            queue_mean=lam * patience,
            served_per_hour=0.0,
        )
    x = c * patience / aht  # cμ/θ
    y = lam * patience  # λ/θ
    if load == 0.0 or y == 0.0:  # a vanishing arrival rate: the first arrival finds reps idle
        return QueueMetrics(
            **common,
            p_wait=0.0,
            wait_mean_min=0.0,
            service_level=1.0,
            abandon_rate=0.0,
            occupancy=0.0,
            wait_mean_given_wait_min=1.0 / (c / aht + 1.0 / patience),
            asa_min=0.0,
            queue_mean=0.0,
            served_per_hour=0.0,
        )

    j, given_queue, log_a = _queue_ahead(x, y)  # given_queue: P(j ahead | wait)
    log_r = _log_idle_ratio(c, load)
    p_wait = math.exp(-np.logaddexp(0.0, log_r - log_a))  # A / (R + A)
    p_no_wait = math.exp(-np.logaddexp(0.0, log_a - log_r))  # R / (R + A)
    p_queue = p_wait * given_queue  # π_{c+j}: an arrival finds j waiting ahead (PASTA)
    served_given = x / (x + j + 1)  # P(served | j ahead)
    abandon_given = (j + 1) / (x + j + 1)  # P(gives up | j ahead)
    sla_quantile = -math.expm1(-sla / patience)  # 1 − e^{−θt}
    on_time_given = served_given * betainc_int(j + 1, x + 1, sla_quantile)

    abandon = float(np.sum(p_queue * abandon_given))
    p_served = p_no_wait + float(np.sum(p_queue * served_given))
    service_level = p_no_wait + float(np.sum(p_queue * on_time_given))
    # Σ_{k=1..j+1} 1/(x+k) = ψ(x+j+2) − ψ(x+1), summed directly for accuracy at large x
    head = 0.0 if j[0] == 0 else digamma(x + j[0] + 1) - digamma(x + 1)
    stage_sum = head + np.cumsum(1.0 / (x + j + 1))
    answered_wait = float(np.sum(p_queue * served_given * stage_sum)) * patience
    return QueueMetrics(
        **common,
        p_wait=p_wait,
        wait_mean_min=abandon * patience,  # Little's law on the abandonment flow: E[W] = P(ab)/θ
        service_level=min(service_level, 1.0),
        abandon_rate=min(abandon, 1.0),
        occupancy=min(load * p_served / c, 1.0),
        wait_mean_given_wait_min=float(np.sum(given_queue * abandon_given)) * patience,
        asa_min=answered_wait / p_served,
        queue_mean=lam * abandon * patience,
        served_per_hour=lam_h * p_served,
    )


# --- Dispatch and staffing ------------------------------------------------------------------


def metrics(
    arrivals_per_hour: float,
    aht_min: float,
    agents: int,
    sla_min: float,
    patience_mean_min: float | None = None,
) -> QueueMetrics:
    """Erlang C figures when ``patience_mean_min`` is None, else Erlang A (units as there)."""
    if patience_mean_min is None:
        return erlang_c_metrics(arrivals_per_hour, aht_min, agents, sla_min)
    return erlang_a_metrics(arrivals_per_hour, aht_min, agents, patience_mean_min, sla_min)


def agents_needed(
    arrivals_per_hour: float,
    aht_min: float,
    sla_min: float,
    target_service_level: float,
    patience_mean_min: float | None = None,
    max_abandon_rate: float | None = None,
    max_occupancy: float | None = None,
) -> QueueMetrics:
    """The fewest agents meeting every given target, and the figures at that staffing.

    Targets: ``service_level >= target_service_level`` (service started within ``sla_min``
    minutes; abandoners are misses), and when given ``abandon_rate <= max_abandon_rate`` and
    ``occupancy <= max_occupancy`` (shares strictly between 0 and 1). Erlang C when
    ``patience_mean_min`` is None, else Erlang A; arrivals per hour, times in minutes.
    Service level rises and abandonment and occupancy fall as agents are added, so the least
    staffing is found by doubling steps then bisection. With no arrivals one agent is needed,
    since zero agents never serve anyone.
    """
    target = _share("target_service_level", target_service_level)
    max_ab = None if max_abandon_rate is None else _share("max_abandon_rate", max_abandon_rate)
    max_occ = None if max_occupancy is None else _share("max_occupancy", max_occupancy)
    lam_h = _non_negative("arrivals_per_hour", arrivals_per_hour)
    aht = _positive("aht_min", aht_min)

    def evaluate(agents: int) -> QueueMetrics:
        return metrics(lam_h, aht, agents, sla_min, patience_mean_min)

    def meets(m: QueueMetrics) -> bool:
        return (
            m.service_level >= target
            and (max_ab is None or m.abandon_rate <= max_ab)
            and (max_occ is None or m.occupancy <= max_occ)
        )

    # Zero agents never meets a positive service-level target, so `failing` starts at 0.
    failing, passing = 0, max(1, math.ceil(lam_h / MIN_PER_HOUR * aht))
    best = evaluate(passing)
    step = 1
    while not meets(best):
        failing, passing = passing, passing + step
        step *= 2
        best = evaluate(passing)
    while passing - failing > 1:
        middle = (failing + passing) // 2
        candidate = evaluate(middle)
        if meets(candidate):
            passing, best = middle, candidate
        else:
            failing = middle
    return best
