"""Bad input gets a clear 4xx message and changes nothing."""

from __future__ import annotations

import pytest

from trainer_web.extensions import db
from trainer_web.models import Action, Exercise

from .conftest import jump, signed_in, start
from .helpers import first_item, good_reply


@pytest.fixture
def live(app, alice, world):
    eid = start(alice, world["assignment"])
    jump(app, eid, 5)
    return eid, first_item(alice, eid)


def n_actions(app, eid: int) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count(Action.id)).filter_by(exercise_id=eid))


def test_an_empty_reply_is_refused(app, alice, live):
    eid, item = live
    for text in ("", "   \n\t"):
        r = alice.post_json(f"/exercises/{eid}/act", {"complaint_id": item["id"], "text": text})
        assert r.status_code == 400 and "empty" in r.get_json()["message"]
    assert n_actions(app, eid) == 0


def test_a_ten_megabyte_reply_is_refused_before_it_is_read(app, alice, live):
    eid, item = live
    r = alice.post_json(
        f"/exercises/{eid}/act", {"complaint_id": item["id"], "text": "x" * (10 * 1024 * 1024)}
    )
    assert r.status_code == 413 and "too large" in r.get_json()["message"]
    assert n_actions(app, eid) == 0


def test_a_reply_longer_than_any_channel_allows_is_refused(app, alice, live):
    eid, item = live
    r = alice.post_json(f"/exercises/{eid}/act", {"complaint_id": item["id"], "text": "y" * 6000})
    assert r.status_code == 400 and "too long" in r.get_json()["message"]


def test_a_reply_to_a_closed_complaint_is_refused(app, alice, live):
    eid, item = live
    body = {"complaint_id": item["id"], "action": "escalate", "text": good_reply(item)}
    assert alice.post_json(f"/exercises/{eid}/act", body).status_code == 200
    r = alice.post_json(f"/exercises/{eid}/act", body)
    assert r.status_code == 409 and "not waiting for your reply" in r.get_json()["message"]
    assert n_actions(app, eid) == 1


def test_a_complaint_of_another_exercise_is_refused(app, alice, world, live):
    eid, _ = live
    bob = signed_in(app, "bob")
    other = start(bob, world["assignment"])
    jump(app, other, 30)
    theirs = {i["id"] for i in bob.get(f"/exercises/{other}/state.json").get_json()["inbox"]}
    mine = {i["id"] for i in alice.get(f"/exercises/{eid}/state.json").get_json()["inbox"]}
    foreign = next(iter(theirs - mine))
    r = alice.post_json(f"/exercises/{eid}/act", {"complaint_id": foreign, "text": "Hello there"})
    assert r.status_code == 409
    assert n_actions(app, eid) == 0


def test_another_trainees_exercise_cannot_be_played(app, alice, world):
    bob = signed_in(app, "bob")
    other = start(bob, world["assignment"])
    jump(app, other, 5)
    item = first_item(bob, other)
    r = alice.post_json(f"/exercises/{other}/act", {"complaint_id": item["id"], "text": "Hi"})
    assert r.status_code == 404
    assert alice.get(f"/exercises/{other}/state.json").status_code == 404
    assert n_actions(app, other) == 0


@pytest.mark.parametrize("cid", ["abc", -1, 10**12, None, 1.5, True, [], {"id": 1}, 999_999])
def test_a_forged_complaint_id_is_refused(app, alice, live, cid):
    eid, _ = live
    r = alice.post_json(f"/exercises/{eid}/act", {"complaint_id": cid, "text": "Hello there"})
    assert r.status_code in (400, 409)
    assert r.get_json()["message"]
    assert n_actions(app, eid) == 0


def test_an_unknown_action_or_bad_remedy_is_refused(app, alice, live):
    eid, item = live
    bad = [
        {"action": "delete_everything"},
        {"action": "offer_remedy", "remedy": "lots"},
        {"action": "offer_remedy", "remedy": float("nan")},
        {"action": "offer_remedy", "remedy": -5},
    ]
    for extra in bad:
        body = {"complaint_id": item["id"], "text": good_reply(item), **extra}
        r = alice.http.post(
            f"/exercises/{eid}/act",
            data=__import__("json").dumps(body, allow_nan=True),
            content_type="application/json",
            headers={"X-CSRFToken": alice.csrf()},
        )
        assert r.status_code == 400, extra
    body = {"complaint_id": item["id"], "text": good_reply(item), "action": "offer_remedy"}
    r = alice.post_json(f"/exercises/{eid}/act", {**body, "remedy": 5000})
    assert r.status_code == 409 and "remedy" in r.get_json()["message"]
    assert n_actions(app, eid) == 0


def test_a_reply_without_its_csrf_token_is_refused(app, alice, live):
    eid, item = live
    r = alice.post_json(
        f"/exercises/{eid}/act", {"complaint_id": item["id"], "text": good_reply(item)}, token=False
    )
    assert r.status_code == 400 and "CSRF" in r.get_json()["message"]
    assert n_actions(app, eid) == 0


def test_a_malformed_json_body_is_refused(app, alice, live):
    eid, _ = live
    for body in ("{not json", "[1, 2", '"just a string"', "null"):
        r = alice.http.post(
            f"/exercises/{eid}/act",
            data=body,
            content_type="application/json",
            headers={"X-CSRFToken": alice.csrf()},
        )
        assert r.status_code == 400, body
        assert r.get_json()["message"]
    assert n_actions(app, eid) == 0


def test_trainee_text_is_never_rendered_as_html(app, alice, coach, live):
    eid, item = live
    evil = "<script>alert('x')</script> Hi, I'm sorry <b>really</b>, I will DM you today."
    assert (
        alice.post_json(
            f"/exercises/{eid}/act", {"complaint_id": item["id"], "text": evil}
        ).status_code
        == 200
    )
    for client in (alice, coach):
        page = client.get(f"/exercises/{eid}/transcript").get_data(as_text=True)
        assert "<script>alert" not in page and "&lt;script&gt;alert" in page


def test_exercise_ids_that_do_not_exist_are_404(alice, world):
    assert alice.get("/exercises/99999/state.json").status_code == 404
    assert (
        alice.post_json("/exercises/99999/act", {"complaint_id": 1, "text": "x"}).status_code == 404
    )


def test_an_exercise_of_a_paused_clock_still_rejects_bad_input_first(app, alice, live):
    eid, item = live
    with app.app_context():
        assert db.session.get(Exercise, eid).state == "running"
    r = alice.post_json(f"/exercises/{eid}/act", {"complaint_id": item["id"], "text": ""})
    assert r.status_code == 400
