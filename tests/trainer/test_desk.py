"""The trainee's desk at the HTTP level: replies reach the complaint named or are refused with a
reason, the storm gauge shows the storm, one urgency, the knowledge panel (issue 10)."""

from __future__ import annotations

from trainer_web import engine
from trainer_web.extensions import db
from trainer_web.models import Exercise

from .conftest import jump, start
from .helpers import good_reply


def _state(client, eid):
    return client.get(f"/exercises/{eid}/state.json").get_json()


def _item(client, eid, pred, *, step=3, tries=30):
    for _ in range(tries):
        for it in _state(client, eid)["inbox"]:
            if pred(it):
                return it
        jump(client.app, eid, step)
    raise AssertionError("no such complaint reached the inbox")


def test_a_public_tweet_over_280_characters_is_refused_with_the_reason(alice, world):
    eid = start(alice, world["assignment"])
    tweet = _item(alice, eid, lambda i: i["channel"] == "twitter" and i["public"])
    assert tweet["limit"] == {"max_chars": 280, "hard": True}
    text = good_reply(tweet) + " We are checking every order in the batch today." * 6
    assert len(text) > 280
    r = alice.post_json(
        f"/exercises/{eid}/act",
        {"complaint_id": tweet["id"], "action": "reply_public", "text": text},
    )
    assert r.status_code == 422, r.get_json()
    msg = r.get_json()["message"]
    assert "cannot be posted" in msg and "280" in msg and str(len(text)) in msg
    with alice.app.app_context():
        assert db.session.get(Exercise, eid).n_actions == 0  # nothing was recorded
    ok = alice.post_json(
        f"/exercises/{eid}/act",
        {"complaint_id": tweet["id"], "action": "reply_public", "text": good_reply(tweet)},
    )
    assert ok.status_code == 200, ok.get_json()


def test_a_reply_to_a_complaint_no_longer_in_the_inbox_is_refused_clearly(alice, world):
    eid = start(alice, world["assignment"])
    item = _item(alice, eid, lambda i: True)
    first = alice.post_json(
        f"/exercises/{eid}/act",
        {"complaint_id": item["id"], "action": "reply_public", "text": good_reply(item)},
    )
    assert first.status_code == 200
    again = alice.post_json(
        f"/exercises/{eid}/act",
        {"complaint_id": item["id"], "action": "reply_public", "text": good_reply(item)},
    )
    assert again.status_code == 409
    assert "no longer in your inbox" in again.get_json()["message"]
    assert "nothing was sent" in again.get_json()["message"]


def test_the_storm_gauge_rolls_over_the_clock_hour_and_measures_against_usual(alice, world):
    eid = start(alice, world["assignment"])  # product_recall from 13:50, recall notice at 14:00
    rates = []
    for _ in range(8):
        jump(alice.app, eid, 4)
        s = _state(alice, eid)["storm"]
        rates.append((s["arrivals_this_hour"], s["arrivals_per_hour"], s["vs_usual"]))
    counts = [c for c, _, _ in rates]
    # the clock passes 14:00: a rolling count never falls back to a handful at the hour
    assert counts == sorted(counts) and counts[-1] > 20, counts
    s = _state(alice, eid)["storm"]
    assert s["usual_per_hour"] and s["usual_per_hour"] > 0
    assert s["vs_usual"] >= 3 and s["level"] == "surging", s  # ×8 recall volume
    assert 30.0 <= s["window_min"] < 35.0  # the rolling window, on the 5-minute sample grid
    assert s["queue_trend"] in ("rising", "steady", "falling") and s["queue_before"] is not None


def test_one_urgency_takes_the_earlier_of_sla_and_patience_and_safety_is_flagged(alice, world):
    eid = start(alice, world["assignment"])
    jump(alice.app, eid, 12)
    inbox = _state(alice, eid)["inbox"]
    assert inbox
    for it in inbox:
        u = it["urgency"]
        clocks = [x for x in (it["sla_left_min"], it["patience_left_min"]) if x is not None]
        if not clocks:
            assert u["minutes"] is None
            continue
        assert abs(u["minutes"] - max(0.0, min(clocks))) <= 0.1, it
        assert u["level"] == (
            "now" if u["minutes"] < 5 else "soon" if u["minutes"] < 15 else "later"
        )
        assert it["safety"] == (it["topic"] == "product safety")
    assert any(it["safety"] for it in inbox)  # the recall brings product-safety complaints


def test_told_friends_is_shown_to_the_trainee_in_words():
    from sim.text import persona

    who = persona(3, 42)
    line = engine.told_friends_line(who)
    assert who.name in line and "told friends" in line


def test_the_knowledge_panel_holds_the_recall_notice_and_what_to_say(alice, world):
    eid = start(alice, world["assignment"])
    page = alice.get(f"/exercises/{eid}").get_data(as_text=True)
    assert "Recall notice" in page and "Mon 14:00" in page and "8× the usual volume" in page
    assert "arrange a safe collection and a full refund" in page
    assert "Never tell a customer it is safe" in page
    assert "at most 280 characters (the platform refuses longer posts)" in page
    assert "currency units" in page  # the remedy has a unit


def test_earlier_contacts_of_a_customer_are_listed_with_their_complaints(app, alice, world):
    eid = start(alice, world["assignment"])
    item = _item(alice, eid, lambda i: True)
    alice.post_json(
        f"/exercises/{eid}/act",
        {"complaint_id": item["id"], "action": "reply_public", "text": good_reply(item)},
    )
    with app.app_context():
        ex = db.session.get(Exercise, eid)
        entry = engine.replay(ex, engine.sim_now(ex))
    [contact] = [c for cs in entry.contacts.values() for c in cs]
    assert contact["complaint_id"] == item["id"] and contact["channel"] == item["channel"]


def test_a_told_friends_reaction_appears_in_the_thread():
    from sim.model import InboxItem
    from sim.text import persona

    item = InboxItem(
        id=7, channel="twitter", public=True, topic="product_safety", author=42, followers=50.0,
        anger=0.8, severity=0.8, origin="new", created_min=0.0, queued_min=0.0, waited_min=3.0,
        sla_min=60.0, sla_left_min=None, patience_left_min=None, follow_ups=1, in_dm=False,
        pile_ons=0,
        thread=((0.0, "complaint", None), (2.0, "reply", 55.0),
                (2.5, "reaction:told_friends", None)),
    )  # fmt: skip
    who = persona(3, 42)
    msgs = engine.render_thread(3, item, who, [(2.0, "Sorry about that.")])
    assert [m["who"] for m in msgs] == ["customer", "you", "system"]
    assert "told friends" in msgs[-1]["text"] and who.name in msgs[-1]["text"]
