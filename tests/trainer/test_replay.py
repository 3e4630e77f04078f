"""Event sourcing: a new app (or a killed and restarted server) rebuilds an identical exercise."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pandas.testing as pdt
import pytest

from trainer_web import engine
from trainer_web.extensions import db
from trainer_web.models import Exercise

from .conftest import PASSWORD, Client, jump, make_app, start
from .helpers import first_item, good_reply, poor_reply
from .pg import free_port


def play_some(client, eid: int) -> None:
    """Three replies of different kinds at different minutes, then pause."""
    app = client.app
    for minutes, action, kind in (
        (12, "reply_public", "good"),
        (7, "move_to_dm", "poor"),
        (3, "offer_remedy", "good"),
    ):
        jump(app, eid, minutes)
        first_item(client, eid)  # waits for a complaint if there is none yet
        item = client.get(f"/exercises/{eid}/state.json").get_json()["inbox"][-1]
        body = {
            "complaint_id": item["id"],
            "action": action,
            "text": good_reply(item) if kind == "good" else poor_reply(),
        }
        if action == "offer_remedy":
            body["remedy"] = 20
        r = client.post_json(f"/exercises/{eid}/act", body)
        assert r.status_code == 200, r.get_json()
    client.post_json(f"/exercises/{eid}/pause")


def test_a_new_app_rebuilds_the_same_inbox_scores_and_outcomes(app, alice, world, tmp_path):
    eid = start(alice, world["assignment"])
    play_some(alice, eid)
    before = alice.get(f"/exercises/{eid}/state.json").get_json()
    with app.app_context():
        ex = db.session.get(Exercise, eid)
        old = engine.cache().get(eid).model.results().complaints

    fresh = make_app(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path / "second")
    assert fresh.extensions["stormdesk.models"].get(eid) is None
    again = Client(fresh)
    again.login("alice")
    after = again.get(f"/exercises/{eid}/state.json").get_json()
    assert after == before
    with fresh.app_context():
        ex = db.session.get(Exercise, eid)
        entry = engine.cache().get(eid)
        assert entry.scores == [a.score for a in ex.actions]
        pdt.assert_frame_equal(entry.model.results().complaints, old)


def test_replaying_a_sixty_minute_exercise_is_fast(app, alice, world):
    eid = start(alice, world["assignment"])
    play_some(alice, eid)
    with app.app_context():
        ex = db.session.get(Exercise, eid)
        t0 = time.perf_counter()
        engine.replay(ex, ex.duration_min)
        elapsed = time.perf_counter() - t0
    assert elapsed < 1.0  # the target is 200 ms (benchmarks/bench_trainer.py measures it)


# --- A real server, killed -----------------------------------------------------------------
class Browser:
    """Just enough of a browser: cookies, the CSRF token, JSON."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        self.token = None

    def request(self, path: str, data: bytes | None = None, headers=None):
        req = urllib.request.Request(self.base + path, data=data, headers=headers or {})
        try:
            with self.opener.open(req, timeout=20) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    def login(self, username: str) -> None:
        _, page = self.request("/login")
        self.token = re.search(rb'name="csrf-token" content="([^"]+)"', page).group(1).decode()
        form = urllib.parse.urlencode(
            {"username": username, "password": PASSWORD, "csrf_token": self.token}
        ).encode()
        status, page = self.request("/login", form)
        assert status == 200  # followed the redirect to the exercises page
        # Signing in starts a new session with a new CSRF secret: take the new page's token.
        self.token = re.search(rb'name="csrf-token" content="([^"]+)"', page).group(1).decode()

    def json(self, path: str, payload=None):
        data = None if payload is None else json.dumps(payload).encode()
        headers = {"Content-Type": "application/json", "X-CSRFToken": self.token or ""}
        status, body = self.request(path, data, headers)
        return status, json.loads(body)

    def form(self, path: str) -> tuple[int, bytes]:
        return self.request(path, urllib.parse.urlencode({"csrf_token": self.token}).encode())


def serve(instance: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "TRAINER_INSTANCE_PATH": str(instance)}
    env.pop("DATABASE_URL", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim", "trainer", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120  # a loaded machine takes a while to warm the scorer
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=1)
            return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("the trainer server did not start")


def cli(instance: Path, *args: str, stdin: str = "") -> None:
    env = {**os.environ, "TRAINER_INSTANCE_PATH": str(instance)}
    env.pop("DATABASE_URL", None)
    subprocess.run(
        [sys.executable, "-m", "sim", "trainer", *args],
        env=env,
        input=stdin,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )


def class_with_assignment(instance: Path, duration_min: float = 40) -> tuple:
    """A database with a coach, a trainee tina and a fast recall assignment: (app, assignment)."""
    cli(instance, "init-db")
    cli(
        instance, "create-user", "coach", "--role", "instructor", "--password-stdin", stdin=PASSWORD
    )
    cli(instance, "create-user", "tina", "--role", "trainee", "--password-stdin", stdin=PASSWORD)
    app = make_app(f"sqlite:///{instance / 'trainer.sqlite'}", instance)
    with app.app_context():
        from trainer_web.models import Assignment, Cohort, User

        coach = db.session.execute(db.select(User).filter_by(username="coach")).scalar_one()
        tina = db.session.execute(db.select(User).filter_by(username="tina")).scalar_one()
        cohort = Cohort(name="Night class", instructor=coach)
        tina.cohort = cohort
        a = Assignment(
            cohort=cohort,
            title="Recall",
            scenario_id="product_recall",
            duration_min=duration_min,
            start_min=350,
            speed=600,
            seed=11,
        )
        db.session.add_all([cohort, a])
        db.session.commit()
        return app, a.id


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_a_killed_server_loses_nothing_and_resumes_paused_where_the_trainee_was(tmp_path):
    instance = tmp_path / "instance"
    app, aid = class_with_assignment(instance)
    port = free_port()
    server = serve(instance, port)
    try:
        b = Browser(f"http://127.0.0.1:{port}")
        b.login("tina")
        status, _ = b.form(f"/assignments/{aid}/start")
        assert status == 200
        eid = 1
        time.sleep(0.5)  # speed 600: ten simulated minutes a second
        status, state = b.json(f"/exercises/{eid}/state.json")
        item = state["inbox"][0]
        status, out = b.json(
            f"/exercises/{eid}/act", {"complaint_id": item["id"], "text": good_reply(item)}
        )
        assert status == 200, out
        status, shown = b.json(f"/exercises/{eid}/state.json")
    finally:
        server.send_signal(signal.SIGKILL)
        server.wait(10)

    with app.app_context():  # the server stayed down long enough for the exercise to go stale
        from datetime import timedelta

        ex = db.session.get(Exercise, eid)
        acked = ex.acked_sim_min
        ex.acked_at -= timedelta(seconds=engine.STALE_AFTER_S + 1)
        ex.clock_wall_at -= timedelta(seconds=engine.STALE_AFTER_S + 1)
        db.session.commit()
    server = serve(instance, port)
    try:
        b2 = Browser(f"http://127.0.0.1:{port}")
        b2.login("tina")
        status, resumed = b2.json(f"/exercises/{eid}/state.json")
        assert status == 200
        assert resumed["state"] == "paused"
        assert out["now_min"] - 0.01 <= acked <= shown["now_min"] + 0.01  # shown rounded to 0.01
        assert resumed["now_min"] == round(acked, 2)
        assert resumed["you"] == {**shown["you"], "replies": 1}
        again = b2.json(f"/exercises/{eid}/state.json")[1]
        assert again == resumed  # paused: the same state at every poll
    finally:
        server.send_signal(signal.SIGKILL)
        server.wait(10)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_a_fast_restart_resumes_paused_where_the_trainee_was(tmp_path):
    """Back within seconds (long before a running exercise goes stale), the clock has not run
    through the outage: the exercise is paused at the minute the trainee last saw."""
    instance = tmp_path / "instance"
    # speed 600: ten simulated minutes a second, so each second of outage would be ten minutes
    app, aid = class_with_assignment(instance, duration_min=300)
    port = free_port()
    server = serve(instance, port)
    try:
        b = Browser(f"http://127.0.0.1:{port}")
        b.login("tina")
        assert b.form(f"/assignments/{aid}/start")[0] == 200
        eid = 1
        time.sleep(0.5)
        state = b.json(f"/exercises/{eid}/state.json")[1]
        item = state["inbox"][0]
        status, out = b.json(
            f"/exercises/{eid}/act", {"complaint_id": item["id"], "text": good_reply(item)}
        )
        assert status == 200, out
        shown = b.json(f"/exercises/{eid}/state.json")[1]
        assert shown["state"] == "running"
    finally:
        server.send_signal(signal.SIGKILL)
        server.wait(10)
    killed = time.monotonic()
    with app.app_context():
        acked = db.session.get(Exercise, eid).acked_sim_min

    server = serve(instance, port)
    try:
        assert time.monotonic() - killed < engine.STALE_AFTER_S  # a fast restart
        # the same browser: its session outlives the server (the secret key is in instance/)
        status, resumed = b.json(f"/exercises/{eid}/state.json")
        assert status == 200
        assert resumed["state"] == "paused"
        assert resumed["now_min"] == round(acked, 2)
        assert out["now_min"] - 0.01 <= acked <= shown["now_min"] + 0.01
        assert resumed["you"]["replies"] == 1
        time.sleep(1.0)
        assert b.json(f"/exercises/{eid}/state.json")[1]["now_min"] == resumed["now_min"]
        assert b.json(f"/exercises/{eid}/resume", {})[0] == 200  # and the trainee carries on
        time.sleep(0.3)
        assert b.json(f"/exercises/{eid}/state.json")[1]["now_min"] > resumed["now_min"]
    finally:
        server.send_signal(signal.SIGKILL)
        server.wait(10)
