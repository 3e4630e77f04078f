"""The trainee's exercise: inbox, replies with scores and reactions, clock, debrief, transcript."""

from __future__ import annotations

from trainer_web.extensions import db
from trainer_web.models import Action, Exercise

from .conftest import jump, start
from .helpers import first_item, good_reply, poor_reply


def test_trainee_sees_the_assignments_of_their_cohort(alice, world):
    page = alice.get("/exercises/").get_data(as_text=True)
    assert "Recall drill" in page and "Other drill" not in page


def test_starting_an_exercise_opens_the_live_page(alice, world):
    eid = start(alice, world["assignment"])
    page = alice.get(f"/exercises/{eid}").get_data(as_text=True)
    assert "exercise.js" in page and f"/exercises/{eid}/state.json" in page
    assert start(alice, world["assignment"]) == eid  # starting again continues the same one


def test_the_inbox_shows_live_complaints_with_reach_mood_and_sla(alice, world):
    eid = start(alice, world["assignment"])
    jump(alice.app, eid, 10)
    state = alice.get(f"/exercises/{eid}/state.json").get_json()
    assert state["state"] == "running" and state["now_min"] >= 10
    item = first_item(alice, eid)  # the seat may be empty at a given minute
    state = alice.get(f"/exercises/{eid}/state.json").get_json()
    for key in ("channel", "author", "handle", "followers", "reach", "mood", "sla_left_min"):
        assert key in item
    assert item["thread"][0]["who"] == "customer" and item["thread"][0]["text"]
    assert set(state["storm"]) >= {"waiting", "arrivals_this_hour", "mood", "trend", "crisis"}


def test_a_good_reply_scores_well_with_feedback_for_every_criterion(alice, world):
    eid = start(alice, world["assignment"])
    jump(alice.app, eid, 5)
    item = first_item(alice, eid)
    r = alice.post_json(
        f"/exercises/{eid}/act",
        {"complaint_id": item["id"], "action": "reply_public", "text": good_reply(item)},
    )
    assert r.status_code == 200, r.get_json()
    out = r.get_json()
    assert out["score"]["total"] >= 70 and out["score"]["passed"]
    keys = {c["key"] for c in out["score"]["criteria"]}
    assert keys == {
        "resolution",
        "empathy",
        "personalization",
        "ownership",
        "channel_fit",
        "basics",
    }
    assert all(c["feedback"] for c in out["score"]["criteria"])
    assert out["reaction"]


def test_an_unedited_macro_scores_below_the_pass_mark_with_a_better_example(alice, world):
    eid = start(alice, world["assignment"])
    jump(alice.app, eid, 5)
    item = first_item(alice, eid)
    out = alice.post_json(
        f"/exercises/{eid}/act",
        {"complaint_id": item["id"], "action": "reply_public", "text": poor_reply()},
    ).get_json()
    assert out["score"]["total"] < 70 and not out["score"]["passed"]
    assert any(c["example"] for c in out["score"]["criteria"])


def test_every_accepted_reply_is_stored_before_it_is_acknowledged(app, alice, world):
    eid = start(alice, world["assignment"])
    jump(app, eid, 5)
    item = first_item(alice, eid)
    out = alice.post_json(
        f"/exercises/{eid}/act",
        {"complaint_id": item["id"], "action": "move_to_dm", "text": good_reply(item)},
    ).get_json()
    with app.app_context():
        rows = db.session.execute(db.select(Action).filter_by(exercise_id=eid)).scalars().all()
        assert len(rows) == 1
        a = rows[0]
        assert (a.complaint_id, a.action, a.reaction) == (item["id"], "move_to_dm", out["reaction"])
        assert round(a.score, 2) == out["score"]["total"]
        assert db.session.get(Exercise, eid).n_actions == 1


def test_the_answered_complaint_leaves_the_inbox_and_the_reply_joins_its_thread(alice, world):
    eid = start(alice, world["assignment"])
    jump(alice.app, eid, 5)
    item = first_item(alice, eid)
    alice.post_json(
        f"/exercises/{eid}/act",
        {"complaint_id": item["id"], "action": "reply_public", "text": good_reply(item)},
    )
    state = alice.get(f"/exercises/{eid}/state.json").get_json()
    assert state["you"]["replies"] == 1
    again = [i for i in state["inbox"] if i["id"] == item["id"]]
    if again:  # the customer wrote back: the thread shows the reply and the reaction
        whos = [m["who"] for m in again[0]["thread"]]
        assert "you" in whos


def test_pause_stops_the_clock_and_refuses_replies(alice, world):
    eid = start(alice, world["assignment"])
    jump(alice.app, eid, 5)
    item = first_item(alice, eid)
    r = alice.post_json(f"/exercises/{eid}/pause")
    assert r.get_json()["state"] == "paused"
    t1 = alice.get(f"/exercises/{eid}/state.json").get_json()["now_min"]
    t2 = alice.get(f"/exercises/{eid}/state.json").get_json()["now_min"]
    assert t1 == t2
    r = alice.post_json(
        f"/exercises/{eid}/act", {"complaint_id": item["id"], "text": good_reply(item)}
    )
    assert r.status_code == 409 and "paused" in r.get_json()["message"]
    assert alice.post_json(f"/exercises/{eid}/resume").get_json()["state"] == "running"


def test_finishing_leads_to_a_debrief_with_plot_and_bot_baseline(alice, world):
    eid = start(alice, world["assignment"])
    jump(alice.app, eid, 5)
    item = first_item(alice, eid)
    alice.post_json(f"/exercises/{eid}/act", {"complaint_id": item["id"], "text": good_reply(item)})
    r = alice.post(f"/exercises/{eid}/finish")
    assert r.status_code == 302 and r.location.endswith(f"/exercises/{eid}/debrief")
    page = alice.get(f"/exercises/{eid}/debrief").get_data(as_text=True)
    assert "You against bots in your seat" in page and "First responses" in page
    assert f"/exercises/{eid}/debrief.svg" in page
    svg = alice.get(f"/exercises/{eid}/debrief.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml" and b"<svg" in svg.data
    assert alice.get(f"/exercises/{eid}/state.json").get_json()["state"] == "finished"


def test_a_finished_exercise_refuses_replies(alice, world):
    eid = start(alice, world["assignment"])
    jump(alice.app, eid, 5)
    item = first_item(alice, eid)
    alice.post_json(f"/exercises/{eid}/finish")
    r = alice.post_json(f"/exercises/{eid}/act", {"complaint_id": item["id"], "text": "Hi there"})
    assert r.status_code == 409


def test_the_clock_runs_out_into_the_debrief(alice, world):
    eid = start(alice, world["assignment"])
    jump(alice.app, eid, 1000)
    assert alice.get(f"/exercises/{eid}/state.json").get_json()["state"] == "finished"


def test_past_exercises_keep_their_transcript(alice, world):
    eid = start(alice, world["assignment"])
    jump(alice.app, eid, 5)
    item = first_item(alice, eid)
    alice.post_json(f"/exercises/{eid}/act", {"complaint_id": item["id"], "text": good_reply(item)})
    alice.post_json(f"/exercises/{eid}/finish")
    assert f"/exercises/{eid}/transcript" in alice.get("/exercises/").get_data(as_text=True)
    page = alice.get(f"/exercises/{eid}/transcript").get_data(as_text=True)
    assert item["author"] in page and ("Try:" in page or "A better reply" in page)


def test_a_stale_running_exercise_resumes_paused_at_the_last_acknowledged_minute(app, alice, world):
    from datetime import timedelta

    from trainer_web import engine

    eid = start(alice, world["assignment"])
    jump(app, eid, 7)
    shown = alice.get(f"/exercises/{eid}/state.json").get_json()["now_min"]
    with app.app_context():  # nobody polled for a minute: the server was down
        ex = db.session.get(Exercise, eid)
        ex.acked_sim_min = shown
        ex.acked_at -= timedelta(seconds=engine.STALE_AFTER_S + 30)
        ex.clock_wall_at -= timedelta(seconds=engine.STALE_AFTER_S + 30)
        db.session.commit()
    state = alice.get(f"/exercises/{eid}/state.json").get_json()
    assert state["state"] == "paused" and state["now_min"] == shown
