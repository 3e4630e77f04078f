"""StormModel behaviour: determinism, the safety cap, shifts, warm-up, and the trainee seat."""

from __future__ import annotations

import math

import pandas as pd
import pytest

import sim
from sim.model import ActionError, StormModel, TraineeSeat
from tests.conftest import LIBRARY, queue_document


@pytest.fixture(scope="module")
def quiet():
    return sim.load_scenario(LIBRARY / "quiet_tuesday.toml")


def test_same_seed_gives_identical_results_in_one_process(quiet):
    a, b = sim.run(quiet, seed=5), sim.run(quiet, seed=5)
    assert a.kpis == b.kpis
    pd.testing.assert_frame_equal(a.complaints, b.complaints)
    pd.testing.assert_frame_equal(a.timeseries, b.timeseries)


def test_step_by_step_equals_one_go(quiet):
    whole = sim.run(quiet, seed=2).kpis
    model = StormModel(quiet, 2)
    for t in range(0, int(model.duration) + 1, 37):
        model.run_until(t)
    model.run()
    assert model.results().kpis == whole


def test_mesa_step_advances_one_minute(quiet):
    model = StormModel(quiet, 1)
    model.step()
    model.step()
    assert model.time == pytest.approx(2.0)


def test_runaway_storm_stops_at_the_safety_cap_with_a_warning():
    doc = queue_document(arrivals_per_hour=60, aht_min=5, agents=0, hours=48, warmup_hours=0)
    doc["channels"]["phone"]["public"] = True
    doc["scenario"]["max_complaints"] = 3000
    doc["contagion"] = {"enabled": True, "branching_ratio": 1.6, "saturation": False}
    results = sim.run(sim.parse_scenario(doc), seed=1)
    assert len(results.complaints) == 3000
    assert results.kpis["warnings"] and "max_complaints" in results.kpis["warnings"][0]


def test_reps_work_only_on_their_shift():
    doc = queue_document(arrivals_per_hour=30, aht_min=5, agents=3, hours=48, warmup_hours=0)
    doc["shifts"] = [{"name": "days", "reps": 3, "start": "09:00", "end": "17:00"}]
    doc["scenario"]["start"] = "2026-03-02T00:00:00"
    results = sim.run(sim.parse_scenario(doc), seed=1)
    df = results.complaints[results.complaints.answered]
    minute_of_day = df["first_response_min"] % 1440
    assert ((minute_of_day >= 9 * 60) & (minute_of_day < 17 * 60)).all()
    ts = results.timeseries
    assert ts.loc[ts.hour_start.dt.hour.isin([10, 14]), "reps_on_shift"].eq(3).all()
    assert ts.loc[ts.hour_start.dt.hour.isin([2, 20]), "reps_on_shift"].eq(0).all()


def test_warmup_arrivals_are_not_counted():
    doc = queue_document(arrivals_per_hour=60, aht_min=1, agents=5, hours=10, warmup_hours=4)
    results = sim.run(sim.parse_scenario(doc), seed=3)
    df = results.complaints
    assert results.kpis["complaints"] == int(
        ((df.created_min >= 240) & (df.created_min < 600)).sum()
    )
    assert results.kpis["complaints"] < len(df)


def test_undefined_rates_are_none_not_nan():
    doc = queue_document(arrivals_per_hour=0, aht_min=1, agents=1, hours=5, warmup_hours=0)
    k = sim.run(sim.parse_scenario(doc), seed=1).kpis
    phone = k["channels"]["phone"]
    assert phone["arrived"] == 0
    assert phone["service_level"] is None and phone["wait_mean_min"] is None
    assert k["csat"] is None


# ----------------------------------------------------------------------------- trainee seat
def trainee_model(scenario, seed=4):
    return StormModel(
        scenario, seed, trainee=TraineeSeat(channels=("twitter", "facebook"), share=0.5)
    )


# A good reply names the customer's issue and what happens next (sim.scoring reads both).
GOOD = (
    "Hi {name}, I'm so sorry about {issue} — that's really frustrating. I've sent you a DM so I "
    "can {step}; you'll hear from me within the hour."
)


def first_waiting(model):
    for _ in range(600):
        model.run_until(model.now + 1)
        items = model.inbox()
        if items:
            return items[0]
    raise AssertionError("no complaint reached the trainee's inbox")


def test_trainee_reply_is_scored_and_the_customer_reacts(quiet):
    from sim.scoring import topic_guide
    from sim.text import persona

    model = trainee_model(quiet)
    item = first_waiting(model)
    name = persona(model.seed, item.author).name.split()[0]
    guide = topic_guide(item.topic)
    reply = GOOD.format(name=name, issue=guide.issue, step=guide.next_step)
    outcome = model.act(item.id, "reply_public", reply)
    assert outcome.score.total >= 70
    assert outcome.reaction in {
        "thanks",
        "follow_up",
        "unsatisfied",
        "repost_angrier",
        "switched_channel",
        "churn",
        "told_friends",
    }
    assert item.id not in {i.id for i in model.inbox()}


def test_trainee_cannot_answer_twice_or_a_forged_id(quiet):
    model = trainee_model(quiet)
    item = first_waiting(model)
    model.act(item.id, "reply_public", "Sorry Sam, I'll check this today and DM you.")
    with pytest.raises(ActionError):
        model.act(item.id, "reply_public", "again")
    with pytest.raises(ActionError):
        model.act(10**9, "reply_public", "hello")


def test_bad_trainee_actions_change_nothing(quiet):
    model = trainee_model(quiet)
    item = first_waiting(model)
    before = model.inbox()
    for args, kwargs in [
        ((item.id, "reply_public", "   "), {}),
        ((item.id, "shout", "hi"), {}),
        ((item.id, "offer_remedy", "Have a voucher"), {"remedy": 10_000}),
    ]:
        with pytest.raises(ActionError):
            model.act(*args, **kwargs)
    assert model.inbox() == before


def test_replaying_the_same_actions_rebuilds_the_same_exercise(quiet):
    def play():
        model = trainee_model(quiet, seed=9)
        log = []
        for _ in range(3):
            item = first_waiting(model)
            out = model.act(
                item.id, "move_to_dm", "Sorry about this, please DM us and I'll sort it today."
            )
            log.append((model.now, item.id, out.score.total, out.reaction))
        model.run_until(model.now + 120)
        return log, model.results().kpis

    assert play() == play()


def test_patience_none_means_nobody_gives_up():
    doc = queue_document(arrivals_per_hour=120, aht_min=5, agents=5, hours=20, warmup_hours=0)
    k = sim.run(sim.parse_scenario(doc), seed=1).kpis["channels"]["phone"]
    assert k["gave_up"] == 0 and k["abandon_rate"] == 0.0
    assert not math.isnan(k["wait_mean_min"])


# --- Common random numbers: what the trainee did not touch is the same in every run ------------
def _uncongested(quiet):
    """quiet_tuesday with bots to spare (nobody waits for a free rep) and no global couplings
    (saturation, crisis mode), so a reply can reach other customers only through its thread."""
    overrides = {f"shifts.{s.name}.reps": s.reps * 10 for s in quiet.shifts}
    overrides.update(
        {
            "scenario.duration_hours": 14,
            "contagion.saturation": False,
            "policy.crisis_threshold": 0,
        }
    )
    return quiet.with_overrides(overrides)


def _descendants(table: pd.DataFrame, cid: int) -> set[int]:
    parent = dict(zip(table["id"], table["parent"], strict=True))
    out = set()
    for c in table["id"]:
        x = c
        while x != -1:
            if x == cid:
                out.add(c)
                break
            x = parent.get(x, -1)
    return out


def _by_identity(table: pd.DataFrame) -> pd.DataFrame:
    cols = ["origin", "channel", "author", "created_min"]
    return table.assign(origin=table["origin"].astype(str)).set_index(cols).sort_index()


def test_one_reply_changes_only_its_own_thread(quiet):
    scenario = _uncongested(quiet)
    tables = []
    for text in (
        GOOD.format(name="Sam", issue="the delay", step="sort this out"),
        "whatever. read the FAQ",
    ):
        model = trainee_model(scenario, seed=11)
        item = first_waiting(model)
        model.act(item.id, "reply_public", text)
        model.run()
        table = model.results().complaints
        tables.append((item.id, table))
    (cid_a, a), (cid_b, b) = tables
    assert cid_a == cid_b
    touched_a, touched_b = _descendants(a, cid_a), _descendants(b, cid_b)
    a_rest = _by_identity(a[~a["id"].isin(touched_a)])
    b_rest = _by_identity(b[~b["id"].isin(touched_b)])
    assert len(a_rest) > 100
    same = ["outcome", "score", "satisfied", "first_response_min", "closed_min", "pile_ons"]
    pd.testing.assert_frame_equal(a_rest[same], b_rest[same])
    # …while the thread itself did change.
    assert a.loc[a["id"] == cid_a, "score"].item() != b.loc[b["id"] == cid_b, "score"].item()


def test_a_bot_in_the_seat_shares_every_draw_outside_it(quiet):
    scenario = _uncongested(quiet)
    # An inbox that never fills: a full inbox sends complaints to the bots (a real effect).
    seat = TraineeSeat(channels=("twitter", "facebook"), share=0.5, max_open=10_000)
    idle = StormModel(scenario, 11, trainee=seat).run().results().complaints
    bots = StormModel(scenario, 11, trainee=seat, seat_bot=True).run().results().complaints
    # New complaints are the same customers at the same minutes in both runs.
    new_a, new_b = (t[t["origin"] == "new"] for t in (idle, bots))
    cols = ["channel", "author", "created_min", "trainee"]
    pd.testing.assert_frame_equal(
        new_a[cols].reset_index(drop=True), new_b[cols].reset_index(drop=True)
    )
    # Outside the seat (and its descendants), every story is the same.
    seat_ids_a = set().union(*(_descendants(idle, c) for c in idle.loc[idle.trainee, "id"]))
    seat_ids_b = set().union(*(_descendants(bots, c) for c in bots.loc[bots.trainee, "id"]))
    rest_a = _by_identity(idle[~idle["id"].isin(seat_ids_a)])
    rest_b = _by_identity(bots[~bots["id"].isin(seat_ids_b)])
    same = ["outcome", "score", "satisfied", "first_response_min"]
    pd.testing.assert_frame_equal(rest_a[same], rest_b[same])
    # In the seat, the idle trainee lets everyone wait; the bot answers.
    assert idle.loc[idle.trainee, "answered"].sum() == 0
    assert bots.loc[bots.trainee, "answered"].mean() > 0.8


def test_seat_replications_redraw_only_the_seats_work(quiet):
    scenario = _uncongested(quiet)
    seat = TraineeSeat(channels=("twitter", "facebook"), share=0.5)
    r0, r1 = (
        StormModel(scenario, 11, trainee=seat, seat_bot=True, seat_replication=r)
        .run()
        .results()
        .complaints
        for r in (0, 1)
    )
    s0, s1 = (t[t.trainee & (t.origin == "new")].reset_index(drop=True) for t in (r0, r1))
    pd.testing.assert_frame_equal(s0[["created_min", "author"]], s1[["created_min", "author"]])
    assert not s0["score"].equals(s1["score"])  # the bot's replies were re-drawn
    again = StormModel(scenario, 11, trainee=seat, seat_bot=True, seat_replication=1).run()
    pd.testing.assert_frame_equal(again.results().complaints, r1)  # and deterministically
