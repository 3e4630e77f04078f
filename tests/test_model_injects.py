"""Decisions and injects from outside a running storm (StormModel.set_crisis, holding_statement,
inject_complaint, add_incident, add_reps): they change the storm, replay identically, and leave
every draw the run would have taken without them untouched."""

from __future__ import annotations

import numpy as np
import pytest

import sim
from sim import calibration as cal
from sim.agents import Origin
from sim.model import StormModel, TraineeSeat
from tests.conftest import LIBRARY

RECALL = LIBRARY / "product_recall.toml"


@pytest.fixture(scope="module")
def recall():
    return sim.load_scenario(RECALL)


def seated(scenario, seed=3):
    return StormModel(scenario, seed, trainee=TraineeSeat(channels=tuple(scenario.channels)))


def with_injects(scenario, seed=3, until=240.0):
    m = seated(scenario, seed)
    m.run_until(30)
    viral = m.inject_complaint(None, "recall", followers=250_000, anger=0.9)
    m.run_until(60)
    m.add_incident(3.0, 60.0, "outage")
    m.add_reps(2)
    m.run_until(90)
    m.inject_complaint("email", "refund", followers=40, public=False)
    m.run_until(until)
    return m, viral


def columns_equal(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(np.array_equal(a[k], b[k], equal_nan=True) for k in a)


def test_crisis_switch_and_holding_statement(recall):
    m = seated(recall)
    m.run_until(20)
    assert not m.crisis and m.spread_global == 1.0
    m.set_crisis(True)
    assert m.crisis and m.spread_global == cal.HOLDING_STATEMENT_SPREAD
    assert m.status()["crisis"] is True
    m.set_crisis(False)
    assert not m.crisis and m.spread_global == 1.0  # crisis mode's statement goes with it
    m.holding_statement()
    m.set_crisis(True)
    m.set_crisis(False)
    assert m.spread_global == cal.HOLDING_STATEMENT_SPREAD  # a posted statement stands


def test_the_holding_statement_thins_pile_ons(recall):
    plain, held = seated(recall), seated(recall)
    held.run_until(10)
    held.holding_statement()
    for m in (plain, held):
        m.run_until(240)
    pile = int(Origin.PILE_ON)

    def n(m):
        return int(np.sum(m.complaint_columns()["origin"] == pile))

    assert n(held) < n(plain)


def test_an_injected_complaint_lands_in_the_inbox_with_its_reach_and_spreads(recall):
    m = seated(recall)
    m.run_until(30)
    cid = m.inject_complaint(None, "recall", followers=250_000, anger=0.9)
    item = next(i for i in m.inbox() if i.id == cid)
    assert (item.channel, item.public, item.topic) == ("twitter", True, "recall")
    assert item.followers == 250_000 and item.created_min == 30.0 and item.origin == "new"
    m.run_until(120)
    cols = m.complaint_columns()
    children = int(np.sum((cols["parent"] == cid) & (cols["origin"] == int(Origin.PILE_ON))))
    assert children >= 5, "a 250,000-follower post spreads by the model's contagion"


def test_same_injects_at_same_minutes_replay_identically(recall):
    a, va = with_injects(recall)
    b, vb = with_injects(recall)
    assert va == vb
    assert columns_equal(a.complaint_columns(), b.complaint_columns())
    assert [i.id for i in a.inbox()] == [i.id for i in b.inbox()]


def test_injects_leave_the_runs_own_draws_alone(recall):
    """The exogenous arrivals (times, channels, authors, topics) and each one's first answer
    draws come from keyed streams: injects add complaints but shift none of the others."""
    plain = seated(recall)
    plain.run_until(240)
    injected, _ = with_injects(recall)
    p, q = plain.complaint_columns(), injected.complaint_columns()
    new = int(Origin.NEW)

    def exo(c, before=None):
        keep = (c["origin"] == new) & (c["topic"] != injected.topic_index["outage"])
        keep &= c["followers"] != 250_000
        keep &= ~((c["channel"] == plain.channel_index["email"]) & (c["followers"] == 40))
        if before is not None:
            keep &= c["created"] < before
        return sorted(zip(c["created"][keep], c["author"][keep], c["channel"][keep], strict=True))

    assert exo(p) == exo(q)
    # Before the first inject the two runs are the same run.
    early = p["created"] < 30
    early_q = q["created"] < 30
    assert np.array_equal(p["cid"][early], q["cid"][early_q])
    assert np.array_equal(p["author"][early], q["author"][early_q])


def test_an_added_incident_brings_extra_arrivals_of_its_topic(recall):
    m = seated(recall)
    m.run_until(60)
    expected = 2.0 * (m.expected_by(120) - m.expected_by(60))
    m.add_incident(3.0, 60.0, "outage")
    m.run_until(180)
    cols = m.complaint_columns()
    outage = (cols["topic"] == m.topic_index["outage"]) & (cols["origin"] == int(Origin.NEW))
    assert outage.sum() > 0.5 * expected > 10
    assert cols["created"][outage].min() >= 60 and cols["created"][outage].max() < 120
    assert set(cols["channel"][outage].tolist()) > {m.channel_index["twitter"]}  # by share
    assert "outage" in m.results().complaints["topic"].tolist()


def test_extra_reps_lower_the_queue(recall):
    """Three reps on the public channels (the default) from the start of a recall storm: the
    public queues' waits fall; reps on shift go up by three."""
    plain, staffed = StormModel(recall, 3), StormModel(recall, 3)
    assert staffed.add_reps(3) == [26, 27, 28]
    for m in (plain, staffed):
        m.run_until(600)
    assert staffed.status()["reps_on_shift"] == plain.status()["reps_on_shift"] + 3
    before, after = (m.results().kpis["channels"] for m in (plain, staffed))
    for ch in ("twitter", "facebook"):
        assert after[ch]["wait_mean_min"] < 0.5 * before[ch]["wait_mean_min"], ch


def test_bad_injects_are_refused_clearly(recall):
    m = seated(recall)
    with pytest.raises(ValueError, match="unknown channel 'fax'"):
        m.inject_complaint("fax", "recall", followers=10)
    with pytest.raises(ValueError, match="'email' is private"):
        m.inject_complaint("email", "recall", followers=10, public=True)
    with pytest.raises(ValueError, match="multiplier"):
        m.add_incident(0.5, 60)
    with pytest.raises(ValueError, match="n must be"):
        m.add_reps(0)
    with pytest.raises(ValueError, match="followers"):
        m.inject_complaint(None, "recall")
    assert m.injects.n == 0  # a refused inject takes no key: the next ones replay the same
    queue = sim.load_scenario(LIBRARY / "erlang_c_light.toml")
    fast = StormModel(queue, 1)
    assert fast.path is not None
    with pytest.raises(ValueError, match="fast path"):
        fast.add_reps(1)
