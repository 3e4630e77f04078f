"""The trainee's poll answered in front of Flask (trainer_web/pollpath.py, issue 13): the same
answer as the Flask route, and nothing it would refuse is ever answered — a revoked cookie,
another trainee's exercise, no session — on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from trainer_web.extensions import db
from trainer_web.models import Action, Exercise, User, utcnow

from .conftest import PASSWORD, Client, jump, make_app, signed_in, start
from .helpers import first_item, good_reply


def served(app) -> int:
    return app.extensions["stormdesk.fast_poll"].served


def poll(client: Client, eid: int, **kw):
    return client.get(f"/exercises/{eid}/state.json", **kw)


def flask_poll(client: Client, eid: int, **kw):
    """The same poll through the Flask route (the fast path switched off for it)."""
    app = client.app
    app.config["FAST_POLL"] = False
    try:
        return poll(client, eid, **kw)
    finally:
        app.config["FAST_POLL"] = True


def copy_cookies(app, client: Client) -> Client:
    """Another browser holding copies of ``client``'s cookies (as a thief would)."""
    other = Client(app)
    for name in ("session", "remember_token"):
        c = client.http.get_cookie(name)
        if c is not None:
            other.http.set_cookie(name, c.value)
    return other


def started(app, client: Client, assignment: int) -> int:
    """An exercise started, its model built by a first poll (through Flask: a cold cache)."""
    eid = start(client, assignment)
    before = served(app)
    assert poll(client, eid).status_code == 200
    assert served(app) == before  # no live model in this process yet: Flask built it
    return eid


def test_a_poll_of_a_live_model_is_answered_in_front_of_flask(app, alice, world):
    eid = started(app, alice, world["assignment"])
    jump(app, eid, 5)
    before = served(app)
    r = poll(alice, eid)
    assert r.status_code == 200 and served(app) == before + 1
    assert "Set-Cookie" not in r.headers
    s = r.get_json()
    assert s["exercise"] == eid and s["state"] == "running" and s["now_min"] >= 5
    assert set(s) >= {"clock", "storm", "you", "inbox", "duration_min", "speed"}


def test_the_fast_answer_is_the_flask_answer_byte_for_byte(app, alice, world):
    eid = started(app, alice, world["assignment"])
    item = first_item(alice, eid)
    r = alice.post_json(f"/exercises/{eid}/act", {"complaint_id": item["id"], "text": "Sorry!"})
    assert r.status_code == 200
    jump(app, eid, 3)
    first_item(alice, eid)  # the model caught up with the reply
    assert alice.post_json(f"/exercises/{eid}/pause").status_code == 200  # the clock stands
    assert poll(alice, eid).status_code == 200  # the model rewound to the paused minute
    before = served(app)
    fast, slow = poll(alice, eid), flask_poll(alice, eid)
    assert served(app) == before + 1
    assert fast.status_code == slow.status_code == 200
    assert fast.get_data() == slow.get_data()
    assert fast.get_json()["you"]["replies"] == 1
    assert sorted(fast.headers.items()) == sorted(slow.headers.items())


@pytest.mark.parametrize("how", ["sign-out", "everywhere", "password", "reset"])
def test_a_cookie_copied_before_its_session_ended_is_refused_on_the_poll(
    app, database_url, tmp_path, world, how
):
    alice = signed_in(app, "alice")
    eid = started(app, alice, world["assignment"])
    thief = copy_cookies(app, alice)
    before = served(app)
    assert poll(thief, eid).status_code == 200 and served(app) == before + 1
    # A second server process on the same database, with the model warm in its cache too.
    other = make_app(database_url, tmp_path / "instance2")
    thief2 = copy_cookies(other, alice)
    assert poll(thief2, eid).status_code == 200
    assert poll(thief2, eid).status_code == 200 and served(other) == 1

    if how == "sign-out":
        assert alice.post("/logout").status_code == 302
    elif how == "everywhere":
        assert alice.post("/account/sign-out-everywhere").status_code == 302
    elif how == "password":
        new = "a-brand-new-passphrase-7"
        form = {"current": PASSWORD, "new": new, "confirm": new}
        assert alice.post("/account", data=form).status_code == 302
    else:
        with app.app_context():
            user = db.session.execute(db.select(User).filter_by(username="alice")).scalar_one()
            user.set_password("another-passphrase-81")
            db.session.commit()

    for server, copy in ((app, thief), (other, thief2)):
        n = served(server)
        r = poll(copy, eid)
        assert r.status_code == 302 and "/login" in r.location, how
        assert served(server) == n
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


def test_another_trainees_exercise_stays_a_404(app, alice, world):
    eid = started(app, alice, world["assignment"])
    assert poll(alice, eid).status_code == 200  # alice's model is warm in the cache
    bob = signed_in(app, "bob")
    before = served(app)
    r = poll(bob, eid)
    assert r.status_code == 404 and served(app) == before
    assert r.get_json() == flask_poll(bob, eid).get_json()
    coach = signed_in(app, "coach")  # their instructor may watch, not play: a 404 too
    assert poll(coach, eid).status_code == 404 and served(app) == before
    assert poll(bob, eid + 1000).status_code == 404


def test_an_unauthenticated_poll_is_answered_as_before(app, alice, world):
    eid = started(app, alice, world["assignment"])
    stranger = Client(app)
    before = served(app)
    fast, slow = poll(stranger, eid), flask_poll(Client(app), eid)
    assert served(app) == before
    assert fast.status_code == slow.status_code == 302
    assert fast.location == slow.location and "/login" in fast.location
    forged = Client(app)
    forged.http.set_cookie("session", alice.http.get_cookie("session").value[:-4] + "AAAA")
    r = poll(forged, eid)
    assert r.status_code == 302 and served(app) == before


def test_a_remember_me_cookie_alone_signs_the_poll_in_through_flask(app, world):
    alice = Client(app)
    r = alice.post("/login", data={"username": "alice", "password": PASSWORD, "remember": "y"})
    assert r.status_code == 302
    alice.token = None
    eid = started(app, alice, world["assignment"])
    only = Client(app)
    only.http.set_cookie("remember_token", alice.http.get_cookie("remember_token").value)
    before = served(app)
    r = poll(only, eid)
    assert r.status_code == 200 and served(app) == before  # Flask signed it in (a new session)
    assert "session=" in r.headers.get("Set-Cookie", "")
    assert poll(only, eid).status_code == 200 and served(app) == before + 1


def test_another_browser_on_the_copied_cookie_gets_what_flask_gives(app, alice, world):
    """Flask-Login's session protection: a cookie used from another browser is marked
    non-fresh once (a new cookie, from Flask), then served as usual."""
    eid = started(app, alice, world["assignment"])
    other = copy_cookies(app, alice)
    ua = {"User-Agent": "another browser"}
    before = served(app)
    r = poll(other, eid, headers=ua)
    assert r.status_code == 200 and "Set-Cookie" in r.headers and served(app) == before
    r = poll(other, eid, headers=ua)
    assert r.status_code == 200 and "Set-Cookie" not in r.headers and served(app) == before + 1


def test_the_fast_poll_acknowledges_durably_and_a_restart_resumes_there(
    app, database_url, tmp_path, alice, world
):
    from trainer_web.engine import pause_running_exercises

    eid = started(app, alice, world["assignment"])
    jump(app, eid, 4)
    with app.app_context():
        ex = db.session.get(Exercise, eid)
        ex.acked_at = utcnow() - timedelta(seconds=5)  # the last acknowledgement is due again
        db.session.commit()
    before = served(app)
    shown = poll(alice, eid).get_json()
    assert served(app) == before + 1
    with app.app_context():
        ex = db.session.get(Exercise, eid)
        assert ex.acked_sim_min == pytest.approx(shown["now_min"], abs=0.01)
        assert (utcnow() - ex.acked_at).total_seconds() < 5
    # A restarted server: the exercise resumes paused where the trainee last saw it.
    restarted = make_app(database_url, tmp_path / "instance2")
    with restarted.app_context():
        assert pause_running_exercises() == 1
        ex = db.session.get(Exercise, eid)
        assert ex.state == "paused"
        assert ex.clock_sim_min == pytest.approx(shown["now_min"], abs=0.01)
        db.session.remove()
        db.engine.dispose()


def test_a_stale_clock_and_a_reply_from_another_process_go_through_flask(
    app, database_url, tmp_path, alice, world
):
    eid = started(app, alice, world["assignment"])
    with app.app_context():
        ex = db.session.get(Exercise, eid)
        ex.acked_at = utcnow() - timedelta(seconds=60)  # nobody polled for a minute
        db.session.commit()
    before = served(app)
    r = poll(alice, eid)
    assert r.status_code == 200 and r.get_json()["state"] == "paused" and served(app) == before
    assert alice.post_json(f"/exercises/{eid}/resume").status_code == 200
    item = first_item(alice, eid)
    # The reply is recorded by another server process: this one's model is one reply behind.
    other = make_app(database_url, tmp_path / "instance2")
    there = copy_cookies(other, alice)
    there.token = None
    r = there.post_json(f"/exercises/{eid}/act", {"complaint_id": item["id"], "text": "Sorry!"})
    assert r.status_code == 200, r.get_data(as_text=True)
    n = served(app)
    r = poll(alice, eid)
    assert r.status_code == 200 and r.get_json()["you"]["replies"] == 1 and served(app) == n
    assert poll(alice, eid).get_json()["you"]["replies"] == 1 and served(app) == n + 1
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


def test_a_read_only_exercise_answers_as_before(app, database_url, tmp_path, alice, world):
    eid = started(app, alice, world["assignment"])
    item = first_item(alice, eid)
    r = alice.post_json(
        f"/exercises/{eid}/act", {"complaint_id": item["id"], "text": good_reply(item)}
    )
    assert r.status_code == 200
    with app.app_context():  # the stored reply no longer matches what the model scores
        a = db.session.execute(db.select(Action).filter_by(exercise_id=eid)).scalar_one()
        a.score = a.score + 7
        a.criteria = {}
        db.session.commit()
    other = make_app(database_url, tmp_path / "instance2")  # a process that must replay it
    thief = copy_cookies(other, alice)
    fast = poll(thief, eid)
    slow = flask_poll(thief, eid)
    assert fast.status_code == slow.status_code == 200
    assert fast.get_json()["read_only"] is True
    assert fast.get_json() == slow.get_json()
    assert served(other) == 0
    with other.app_context():
        db.session.remove()
        db.engine.dispose()
