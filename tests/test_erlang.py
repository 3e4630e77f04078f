"""Specification of ``sim.erlang``: the analytic references of the pure-queue limit (DESIGN §3).

- Erlang B and C reproduce published tables and worked examples, to the precision printed.
- Erlang A agrees with an independent numerical solution of the same Markov chain: the
  truncated birth–death generator solved by linear algebra for the stationary law, and the
  tagged customer's absorbing chain (matrix exponential) for the service level and answered
  wait. Both are exact up to truncation and rounding, so the tolerance is tight.
- Hundreds and thousands of agents give finite figures with no overflow or warnings.
- Properties (hypothesis): figures are shares, more agents never hurt, staffing is minimal.
- Bad arguments raise ValueError naming the argument.
"""

from __future__ import annotations

import json
import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.linalg import expm
from scipy.special import gammainc, gammaln
from scipy.stats import poisson

from sim import erlang, special

SEC_PER_MIN = 60.0
MIN_PER_HOUR = 60.0
PROBABILITY_FIELDS = ("p_wait", "service_level", "abandon_rate", "occupancy")


# --- Erlang B: published tables --------------------------------------------------------------

# Classic table value B(10 lines, 5 erlangs) = 0.01838, printed to 4 significant digits.
ERLANG_B_10_5 = 0.01838
ERLANG_B_10_5_HALF_UNIT = 0.000005


def test_erlang_b_matches_classic_table_value():
    assert erlang.erlang_b(10, 5.0) == pytest.approx(ERLANG_B_10_5, abs=ERLANG_B_10_5_HALF_UNIT)


# Capacity tables print, for a number of lines and a blocking target, the offered load in
# erlangs rounded to 3 decimals; so B(lines, printed load) must equal the target within the
# change of B over half a unit of the last decimal, |dB/da| × 0.0005 with
# dB/da = B·(c/a − 1 + B).
# - Lucent Technologies "Erlang-B capacity table, 2% blocking" (WirelessU training module, as
#   mirrored on garywagoner.tripod.com/traffic/ERLANG.HTML). The mirror's rows for 45 and 61
#   channels (35.507, 50.389) disagree with every other Erlang B table by more than rounding —
#   transcription slips — and are left out.
# - Westbay Engineers, Erlang calculator manual ("How much traffic can a trunk group handle"):
#   15 lines at 1% blocking carry 8.108 erlangs.
PRINTED_LOAD_HALF_UNIT = 0.0005
CAPACITY_TABLE = [  # lines, printed offered load (erlangs), blocking target
    (3, 0.602, 0.02),
    (5, 1.657, 0.02),
    (7, 2.935, 0.02),
    (9, 4.345, 0.02),
    (11, 5.842, 0.02),
    (15, 9.010, 0.02),
    (31, 22.827, 0.02),
    (89, 77.342, 0.02),
    (15, 8.108, 0.01),
]


@pytest.mark.parametrize(("lines", "load", "blocking"), CAPACITY_TABLE)
def test_erlang_b_reproduces_published_capacity_tables(lines, load, blocking):
    b = erlang.erlang_b(lines, load)
    slope = b * (lines / load - 1.0 + b)
    assert abs(b - blocking) <= slope * PRINTED_LOAD_HALF_UNIT


def test_erlang_b_exact_small_cases():
    assert erlang.erlang_b(0, 3.0) == 1.0
    assert erlang.erlang_b(4, 0.0) == 0.0
    assert erlang.erlang_b(1, 2.5) == pytest.approx(2.5 / 3.5, rel=1e-15)


# --- Erlang C: published worked examples -----------------------------------------------------

# Call Centre Helper, "Erlang C Formula – Made Simple With an Easy Worked Example": 100 calls
# per half hour, AHT 180 s, target 80% answered in 20 s, maximum occupancy 85% (A = 10 erlangs).
# Figures as printed in the README of the R package ErlangC 0.1.0 (Damonsoul, 2024) and of the
# Python package pyworkforce 0.1.0, which both work this example: at 11 agents P(wait)
# 0.6821182 and service level 0.3896138; at 14 agents P(wait) 0.1741319 (pyworkforce:
# 0.1741319335950498), service level 0.88835 (0.8883500191794669), ASA 7.83593701177724 s,
# occupancy 0.7142857; 14 agents are needed.
CCH_ARRIVALS_PER_HOUR = 200.0
CCH_AHT_MIN = 3.0
CCH_SLA_MIN = 20.0 / SEC_PER_MIN
CCH_TARGET = 0.80
CCH_MAX_OCCUPANCY = 0.85


def test_call_centre_helper_example_with_11_agents():
    m = erlang.erlang_c_metrics(CCH_ARRIVALS_PER_HOUR, CCH_AHT_MIN, 11, CCH_SLA_MIN)
    assert m.offered_load == pytest.approx(10.0, rel=1e-12)
    assert m.p_wait == pytest.approx(0.6821182, abs=5e-8)
    assert m.service_level == pytest.approx(0.3896138, abs=5e-8)


def test_call_centre_helper_example_with_14_agents():
    m = erlang.erlang_c_metrics(CCH_ARRIVALS_PER_HOUR, CCH_AHT_MIN, 14, CCH_SLA_MIN)
    assert m.p_wait == pytest.approx(0.1741319335950498, rel=1e-12)
    assert m.service_level == pytest.approx(0.8883500191794669, rel=1e-12)
    assert m.asa_min * SEC_PER_MIN == pytest.approx(7.83593701177724, rel=1e-12)
    assert m.wait_mean_min == m.asa_min  # nobody abandons in Erlang C
    assert m.occupancy == pytest.approx(0.7142857, abs=5e-8)


def test_call_centre_helper_staffing_is_14_agents():
    m = erlang.agents_needed(
        CCH_ARRIVALS_PER_HOUR, CCH_AHT_MIN, CCH_SLA_MIN, CCH_TARGET, max_occupancy=CCH_MAX_OCCUPANCY
    )
    assert m.agents == 14
    assert m.model == erlang.ERLANG_C


# Mitan Ltd, "The Erlang-C formula" (mitan.co.uk/erlang/elgcmath.htm, archived 2018): 360 calls
# per half hour, average call 240 s, 55 agents, 15 s target. Figures as printed in the README
# of github.com/AntonioGallego/pyErlang, which works the same example: probability of waiting
# 23.87%, ASA 8.2 s, 84.59% answered within 15 s, 53 agents to reach 70% within 15 s.
MITAN_ARRIVALS_PER_HOUR = 720.0
MITAN_AHT_MIN = 4.0
MITAN_SLA_MIN = 15.0 / SEC_PER_MIN


def test_mitan_worked_example():
    m = erlang.erlang_c_metrics(MITAN_ARRIVALS_PER_HOUR, MITAN_AHT_MIN, 55, MITAN_SLA_MIN)
    assert m.offered_load == pytest.approx(48.0, rel=1e-12)
    assert m.p_wait == pytest.approx(0.2387, abs=0.00005)
    assert m.asa_min * SEC_PER_MIN == pytest.approx(8.2, abs=0.05)
    assert m.service_level == pytest.approx(0.8459, abs=0.00005)


def test_mitan_staffing_for_70_percent_in_15_seconds():
    m = erlang.agents_needed(MITAN_ARRIVALS_PER_HOUR, MITAN_AHT_MIN, MITAN_SLA_MIN, 0.70)
    assert m.agents == 53


def test_erlang_c_exact_small_case():
    # C(3, 2) = (8/6 · 3) / (1 + 2 + 2 + 8/6 · 3) = 4/9
    assert erlang.erlang_c(3, 2.0) == pytest.approx(4.0 / 9.0, rel=1e-14)


def test_unstable_erlang_c_is_flagged_and_serialises_infinities_as_null():
    m = erlang.erlang_c_metrics(600.0, 2.0, 20, 1.0)  # 20 erlangs on 20 agents
    assert not m.stable
    assert (m.p_wait, m.service_level, m.occupancy) == (1.0, 0.0, 1.0)
    assert math.isinf(m.wait_mean_min) and math.isinf(m.queue_mean)
    document = json.loads(json.dumps(m.as_dict(), allow_nan=False))
    assert document["wait_mean_min"] is None
    assert document["stable"] is False


def test_no_agents_is_unstable_for_erlang_c():
    m = erlang.erlang_c_metrics(60.0, 2.0, 0, 1.0)
    assert not m.stable
    assert (m.p_wait, m.service_level, m.served_per_hour) == (1.0, 0.0, 0.0)


def test_no_agents_in_erlang_a_means_everyone_gives_up():
    patience = 7.0
    m = erlang.erlang_a_metrics(60.0, 2.0, 0, patience, 1.0)
    assert m.stable
    assert (m.abandon_rate, m.service_level, m.p_wait) == (1.0, 0.0, 1.0)
    assert m.wait_mean_min == patience
    assert m.asa_min is None


# --- Erlang A against an independent solution of the Markov chain ----------------------------

# (λ per hour, AHT min, agents, mean patience min, SLA min): the Erlang A cases of
# tests/test_queue_validation.py, plus a single agent with very short patience and a heavily
# overloaded small team.
ERLANG_A_CASES = [
    (330.0, 2.0, 10, 1.0, 0.5),
    (570.0, 2.0, 20, 20.0, 1.0),
    (200.0, 3.0, 12, 5.0, 0.5),
    (60.0, 2.0, 1, 0.01, 0.5),
    (600.0, 2.0, 3, 10.0, 2.0),
]
QUEUE_CAP = 400  # the chain is truncated at this many waiting customers …
TRUNCATED_MASS = 1e-15  # … and the probability of reaching the cap is checked to be below this
CHAIN_TOLERANCE = 1e-9  # linear solves are good to ~1e-12; truncation error < TRUNCATED_MASS


def birth_death_stationary(lam: float, mu: float, theta: float, agents: int) -> np.ndarray:
    """π of M/M/c+M truncated at ``agents + QUEUE_CAP`` customers, from πQ = 0, Σπ = 1."""
    n = agents + QUEUE_CAP + 1
    generator = np.zeros((n, n))
    for k in range(n):
        if k + 1 < n:
            generator[k, k + 1] = lam
        if k > 0:
            generator[k, k - 1] = min(k, agents) * mu + max(k - agents, 0) * theta
        generator[k, k] = -generator[k].sum()
    system = generator.T.copy()
    system[-1] = 1.0  # replace one balance equation by the normalisation
    rhs = np.zeros(n)
    rhs[-1] = 1.0
    return np.linalg.solve(system, rhs)


def tagged_customer_chain(mu: float, theta: float, agents: int) -> np.ndarray:
    """Sub-generator of a waiting customer with k = 0..QUEUE_CAP−1 ahead, plus two absorbing
    states (served, gave up): ahead → k−1 at rate cμ + kθ, served from k = 0 at rate cμ, and
    the customer's own patience runs out at rate θ."""
    served, gave_up = QUEUE_CAP, QUEUE_CAP + 1
    chain = np.zeros((QUEUE_CAP + 2, QUEUE_CAP + 2))
    for k in range(QUEUE_CAP):
        if k == 0:
            chain[k, served] = agents * mu
        else:
            chain[k, k - 1] = agents * mu + k * theta
        chain[k, gave_up] = theta
        chain[k, k] = -chain[k].sum()
    return chain


def chain_figures(lam_h: float, aht: float, agents: int, patience: float, sla: float) -> dict:
    lam, mu, theta = lam_h / MIN_PER_HOUR, 1.0 / aht, 1.0 / patience
    pi = birth_death_stationary(lam, mu, theta, agents)
    assert pi[-1] < TRUNCATED_MASS
    queue = np.clip(np.arange(pi.size) - agents, 0, None)
    p_idle = pi[:agents].sum()
    ahead = pi[agents : agents + QUEUE_CAP]  # an arrival finds k waiting ahead of it (PASTA)
    chain = tagged_customer_chain(mu, theta, agents)
    transient = chain[:QUEUE_CAP, :QUEUE_CAP]
    exit_served = chain[:QUEUE_CAP, QUEUE_CAP]
    p_served_from = np.linalg.solve(-transient, exit_served)
    answered_wait_from = np.linalg.solve(-transient, p_served_from)  # E[T·1{served}] = (−T)⁻²r
    served_by_sla = expm(chain * sla)[:QUEUE_CAP, QUEUE_CAP]
    mean_queue = float(queue @ pi)
    p_served = p_idle + ahead @ p_served_from
    return {
        "p_wait": 1.0 - p_idle,
        "abandon_rate": theta * mean_queue / lam,  # abandonment flow θ·E[Q] over arrivals
        "wait_mean_min": mean_queue / lam,  # Little's law on the waiting room
        "wait_mean_given_wait_min": mean_queue / lam / (1.0 - p_idle),
        "queue_mean": mean_queue,
        "service_level": p_idle + ahead @ served_by_sla,
        "asa_min": (ahead @ answered_wait_from) / p_served,
        "occupancy": float(np.minimum(np.arange(pi.size), agents) @ pi) / agents,
        "served_per_hour": lam_h * p_served,
    }


@pytest.mark.parametrize(("lam_h", "aht", "agents", "patience", "sla"), ERLANG_A_CASES)
def test_erlang_a_matches_numerical_markov_chain(lam_h, aht, agents, patience, sla):
    expected = chain_figures(lam_h, aht, agents, patience, sla)
    m = erlang.erlang_a_metrics(lam_h, aht, agents, patience, sla)
    for name, value in expected.items():
        scale = max(1.0, abs(value))
        assert getattr(m, name) == pytest.approx(value, abs=CHAIN_TOLERANCE * scale), name


@pytest.mark.parametrize(("lam_h", "aht", "agents", "patience", "sla"), ERLANG_A_CASES)
def test_erlang_a_p_wait_matches_incomplete_gamma_closed_form(lam_h, aht, agents, patience, sla):
    # Mandelbaum & Zeltyn (2007): P(W > 0) = A·B / (1 + (A − 1)·B), B = Erlang B(c, a),
    # A = A(x, y) = (x e^y / y^x) γ(x, y), x = cμ/θ, y = λ/θ, γ the lower incomplete gamma.
    x, y = agents * patience / aht, lam_h / MIN_PER_HOUR * patience
    a_xy = math.exp(math.log(x) + y - x * math.log(y) + gammaln(x) + math.log(gammainc(x, y)))
    b = erlang.erlang_b(agents, lam_h / MIN_PER_HOUR * aht)
    closed_form = a_xy * b / (1.0 + (a_xy - 1.0) * b)
    m = erlang.erlang_a_metrics(lam_h, aht, agents, patience, sla)
    assert m.p_wait == pytest.approx(closed_form, rel=1e-10)


def test_wait_over_all_arrivals_is_abandonment_over_patience_rate():
    patience = 4.0
    m = erlang.erlang_a_metrics(300.0, 2.0, 9, patience, 0.5)
    assert m.wait_mean_min == pytest.approx(m.abandon_rate * patience, rel=1e-14)


LONG_PATIENCE_MIN = 1e7  # θ = 1e−7 per minute: Erlang A differs from C by O(θ)
LIMIT_TOLERANCE = 1e-4


ERLANG_C_CASES = [(570.0, 2.0, 20, 1.0), (300.0, 2.0, 14, 0.5), (24.0, 4.0, 2, 2.0)]


@pytest.mark.parametrize(("lam_h", "aht", "agents", "sla"), ERLANG_C_CASES)
def test_erlang_a_tends_to_erlang_c_as_patience_grows(lam_h, aht, agents, sla):
    c = erlang.erlang_c_metrics(lam_h, aht, agents, sla)
    a = erlang.erlang_a_metrics(lam_h, aht, agents, LONG_PATIENCE_MIN, sla)
    for name in ("p_wait", "wait_mean_min", "service_level", "occupancy", "asa_min"):
        assert getattr(a, name) == pytest.approx(getattr(c, name), rel=LIMIT_TOLERANCE), name
    assert a.abandon_rate < LIMIT_TOLERANCE


def test_erlang_a_tends_to_erlang_b_as_patience_vanishes():
    # With no patience an arrival that finds everyone busy leaves at once: the loss system.
    lam_h, aht, agents = 300.0, 2.0, 8
    b = erlang.erlang_b(agents, lam_h / MIN_PER_HOUR * aht)
    m = erlang.erlang_a_metrics(lam_h, aht, agents, 1e-9, 0.5)
    assert m.p_wait == pytest.approx(b, rel=1e-6)
    assert m.abandon_rate == pytest.approx(b, rel=1e-6)
    assert m.service_level == pytest.approx(1.0 - b, rel=1e-6)


# --- Stability at scale ----------------------------------------------------------------------

HIGH_LOAD = 0.95


@pytest.mark.parametrize("agents", [500, 2000])
@pytest.mark.parametrize("patience", [None, 5.0])
def test_large_teams_give_finite_figures_without_warnings(agents, patience):
    aht = 4.0
    arrivals_per_hour = HIGH_LOAD * agents / aht * MIN_PER_HOUR
    with warnings.catch_warnings(), np.errstate(over="raise", divide="raise", invalid="raise"):
        warnings.simplefilter("error")
        m = erlang.metrics(arrivals_per_hour, aht, agents, 0.5, patience_mean_min=patience)
    assert m.stable
    for name in PROBABILITY_FIELDS:
        assert 0.0 <= getattr(m, name) <= 1.0, name
    assert 0.0 < m.p_wait < 1.0
    for name in ("wait_mean_min", "asa_min", "queue_mean", "wait_mean_given_wait_min"):
        assert math.isfinite(getattr(m, name)), name


@pytest.mark.parametrize("agents", [500, 2000])
def test_large_team_erlang_c_matches_poisson_route(agents):
    # Independent route: B = P(N = c)/P(N ≤ c) for N ~ Poisson(a) (scipy's log pmf and cdf).
    load = HIGH_LOAD * agents
    b = math.exp(poisson.logpmf(agents, load) - poisson.logcdf(agents, load))
    rho = load / agents
    assert erlang.erlang_b(agents, load) == pytest.approx(b, rel=1e-9)
    assert erlang.erlang_c(agents, load) == pytest.approx(b / (1 - rho * (1 - b)), rel=1e-9)


# --- Properties ------------------------------------------------------------------------------

ROUNDING = 1e-9  # sums over thousands of terms: allow this much relative rounding noise

arrivals = st.floats(min_value=0.0, max_value=3000.0)
handle_times = st.floats(min_value=0.5, max_value=30.0)
team_sizes = st.integers(min_value=0, max_value=150)
patiences = st.one_of(st.none(), st.floats(min_value=0.01, max_value=1e4))
slas = st.floats(min_value=0.0, max_value=60.0)


@settings(max_examples=200, deadline=None)
@given(arrivals, handle_times, team_sizes, patiences, slas)
def test_figures_are_shares_and_waits_are_non_negative(lam_h, aht, agents, patience, sla):
    m = erlang.metrics(lam_h, aht, agents, sla, patience_mean_min=patience)
    for name in PROBABILITY_FIELDS:
        assert 0.0 <= getattr(m, name) <= 1.0, name
    assert m.wait_mean_min >= 0.0 and m.queue_mean >= 0.0
    if patience is not None:
        assert m.stable and math.isfinite(m.wait_mean_min)


def no_worse(fewer: float, more: float) -> bool:
    """``more`` agents' figure is at most ``fewer`` agents' (lower is better), up to rounding."""
    return more <= fewer + ROUNDING * max(1.0, abs(fewer)) or fewer == more


@settings(max_examples=200, deadline=None)
@given(arrivals, handle_times, team_sizes, patiences, slas)
def test_an_extra_agent_never_makes_service_worse(lam_h, aht, agents, patience, sla):
    fewer = erlang.metrics(lam_h, aht, agents, sla, patience_mean_min=patience)
    more = erlang.metrics(lam_h, aht, agents + 1, sla, patience_mean_min=patience)
    assert no_worse(fewer.p_wait, more.p_wait)
    assert no_worse(fewer.wait_mean_min, more.wait_mean_min)
    assert no_worse(fewer.abandon_rate, more.abandon_rate)
    assert no_worse(-fewer.service_level, -more.service_level)
    if agents >= 1:  # occupancy of an empty team is reported as 0
        assert no_worse(fewer.occupancy, more.occupancy)


def meets(m: erlang.QueueMetrics, target: float, max_ab: float | None, max_occ: float | None):
    return (
        m.service_level >= target
        and (max_ab is None or m.abandon_rate <= max_ab)
        and (max_occ is None or m.occupancy <= max_occ)
    )


@settings(max_examples=150, deadline=None)
@given(
    arrivals,
    handle_times,
    patiences,
    slas,
    st.floats(min_value=0.05, max_value=0.99),
    st.one_of(st.none(), st.floats(min_value=0.01, max_value=0.5)),
    st.one_of(st.none(), st.floats(min_value=0.5, max_value=0.99)),
)
def test_agents_needed_is_the_fewest_meeting_every_target(
    lam_h, aht, patience, sla, target, max_ab, max_occ
):
    best = erlang.agents_needed(
        lam_h,
        aht,
        sla,
        target,
        patience_mean_min=patience,
        max_abandon_rate=max_ab,
        max_occupancy=max_occ,
    )
    assert best == erlang.metrics(lam_h, aht, best.agents, sla, patience_mean_min=patience)
    assert meets(best, target, max_ab, max_occ)
    one_fewer = erlang.metrics(lam_h, aht, best.agents - 1, sla, patience_mean_min=patience)
    assert not meets(one_fewer, target, max_ab, max_occ)


# --- Argument checks -------------------------------------------------------------------------

OK = dict(arrivals_per_hour=120.0, aht_min=3.0, agents=8, sla_min=1.0)
NEED = dict(arrivals_per_hour=120.0, aht_min=3.0, sla_min=1.0, target_service_level=0.8)
BAD_ARGUMENTS = [
    (erlang.erlang_b, dict(agents=-1, offered_load=2.0), "agents"),
    (erlang.erlang_b, dict(agents=2.5, offered_load=2.0), "agents"),
    (erlang.erlang_c, dict(agents=True, offered_load=2.0), "agents"),
    (erlang.erlang_c, dict(agents=3, offered_load=-0.1), "offered_load"),
    (erlang.erlang_c, dict(agents=3, offered_load=math.nan), "offered_load"),
    (erlang.metrics, {**OK, "arrivals_per_hour": -5.0}, "arrivals_per_hour"),
    (erlang.metrics, {**OK, "arrivals_per_hour": "120"}, "arrivals_per_hour"),
    (erlang.metrics, {**OK, "aht_min": 0.0}, "aht_min"),
    (erlang.metrics, {**OK, "agents": 8.0}, "agents"),
    (erlang.metrics, {**OK, "agents": -2}, "agents"),
    (erlang.metrics, {**OK, "sla_min": -1.0}, "sla_min"),
    (erlang.metrics, {**OK, "sla_min": math.inf}, "sla_min"),
    (erlang.metrics, {**OK, "patience_mean_min": 0.0}, "patience_mean_min"),
    (erlang.metrics, {**OK, "patience_mean_min": math.inf}, "patience_mean_min"),
    (erlang.erlang_a_metrics, {**OK, "patience_mean_min": -3.0}, "patience_mean_min"),
    (erlang.erlang_c_metrics, {**OK, "aht_min": -1.0}, "aht_min"),
    (erlang.agents_needed, {**NEED, "target_service_level": 1.0}, "target_service_level"),
    (erlang.agents_needed, {**NEED, "target_service_level": 0.0}, "target_service_level"),
    (erlang.agents_needed, {**NEED, "max_abandon_rate": 1.5}, "max_abandon_rate"),
    (erlang.agents_needed, {**NEED, "max_occupancy": 0.0}, "max_occupancy"),
    (erlang.agents_needed, {**NEED, "arrivals_per_hour": -1.0}, "arrivals_per_hour"),
]


@pytest.mark.parametrize(("function", "kwargs", "name"), BAD_ARGUMENTS)
def test_bad_arguments_raise_value_error_naming_the_argument(function, kwargs, name):
    with pytest.raises(ValueError, match=rf"^{name} "):
        function(**kwargs)


def test_own_logsumexp_is_bit_identical_to_scipys():
    """Erlang C avoids importing scipy.special (start-up, issue 12 item 6) with its own
    logsumexp; it must give exactly scipy's figures, ties at the maximum included."""
    from scipy.special import logsumexp

    rng = np.random.default_rng(12)
    for n in (1, 2, 3, 50, 1000, 5000):
        for k in range(60):
            v = rng.normal(0.0, rng.uniform(0.1, 300.0), n)
            if k % 3 == 0:  # the shape Erlang B/C sums: cumulative log ratios
                v = np.cumsum(np.log(np.arange(1, n + 1)) - math.log(rng.uniform(0.5, 2 * n)))
            if k % 5 == 0 and n > 1:
                v[rng.integers(n)] = v.max()
            assert erlang._logsumexp(v) == float(logsumexp(v)), (n, k)


# --- Erlang A without scipy.special (start-up, issue 11) -------------------------------------
def test_special_functions_match_scipy():
    """ψ and the incomplete beta at integer first argument, as Erlang A uses them, against
    scipy.special (which `stormdesk erlang --patience-min` no longer imports)."""
    from scipy.special import betainc, digamma

    for z in (1e-3, 0.5, 1.0, 3.7, 9.99, 10.0, 42.5, 1e3, 2.5e5):
        assert special.digamma(z) == pytest.approx(float(digamma(z)), rel=1e-14, abs=1e-14)
    for b in (1.0001, 2.0, 11.5, 240.0, 2401.0, 2e5):
        for q in (1e-9, 0.01, 0.22, 0.5, 0.9, 0.999):
            mode = int((b - 1) * q / (1 - q))  # of the negative binomial law summed
            # Erlang A's queue-length windows reach thousands, not millions, of terms
            for lo in {0, 1000, *((max(0, mode - 40), mode + 5) if mode < 50_000 else ())}:
                n = np.arange(lo + 1, lo + 60, dtype=float)
                got, want = special.betainc_int(n, b, q), betainc(n, b, q)
                assert np.max(np.abs(got - want)) <= 1e-12, (b, q, lo)


@pytest.mark.parametrize("lam_h", [10.0, 300.0, 3000.0, 20000.0])
@pytest.mark.parametrize("patience", [0.5, 2.0, 60.0, 600.0])
def test_erlang_a_figures_match_the_scipy_formulas(lam_h, patience):
    """The service level and ASA (the figures that used betainc and digamma) agree to 1e-12
    with the same formulas evaluated by scipy.special, over loads below and above 1."""
    from scipy.special import betainc, digamma

    for aht in (0.5, 4.0, 30.0):
        load = lam_h / 60 * aht
        for agents in sorted({1, max(1, int(0.8 * load)), int(load) + 1, int(1.2 * load) + 2}):
            for sla in (0.0, 0.5, 5.0, 240.0):
                m = erlang.erlang_a_metrics(lam_h, aht, agents, patience, sla)
                x, y = agents * patience / aht, lam_h / 60 * patience
                j, given, log_a = erlang._queue_ahead(x, y)
                log_r = erlang._log_idle_ratio(agents, load)
                p_wait = math.exp(-np.logaddexp(0.0, log_r - log_a))
                p_no = math.exp(-np.logaddexp(0.0, log_a - log_r))
                served = x / (x + j + 1)
                q = -math.expm1(-sla / patience)
                sl = p_no + float(np.sum(p_wait * given * served * betainc(j + 1, x + 1, q)))
                assert m.service_level == pytest.approx(min(sl, 1.0), abs=1e-12)
                head = 0.0 if j[0] == 0 else float(digamma(x + j[0] + 1) - digamma(x + 1))
                stages = head + np.cumsum(1.0 / (x + j + 1))
                p_served = p_no + float(np.sum(p_wait * given * served))
                asa = float(np.sum(p_wait * given * served * stages)) * patience / p_served
                assert m.asa_min == pytest.approx(asa, rel=1e-12)
