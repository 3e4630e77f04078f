"""A team exercise of 200 interleaved actions from 4 members replays identically after SIGKILL.

Four browsers (a lead and three reps) work one storm at once on a real server: claims,
assignments, re-assignments, hand-offs, notes, replies and the lead's decisions, racing each
other. The server is killed (SIGKILL) and started again: every member's inbox, the storm, the
feed and the scores are the same, and a running team exercise comes back paused.
"""

from __future__ import annotations

import random
import signal
import sys
import threading
import time

import pytest

from trainer_web.extensions import db

from .pg import free_port
from .test_replay import Browser, cli, make_app, serve

MEMBERS = ("lead", "rita", "ravi", "rosa")
TARGET = 200


def team_database(instance):
    cli(instance, "init-db")
    cli(
        instance,
        "create-user",
        "coach",
        "--role",
        "instructor",
        "--password-stdin",
        stdin="correct-horse-42",
    )
    for name in MEMBERS:
        cli(
            instance,
            "create-user",
            name,
            "--role",
            "trainee",
            "--password-stdin",
            stdin="correct-horse-42",
        )
    app = make_app(f"sqlite:///{instance / 'trainer.sqlite'}", instance)
    with app.app_context():
        from trainer_web.models import Cohort, User
        from trainer_web.teams import engine as teams

        users = {u.username: u for u in db.session.execute(db.select(User)).scalars()}
        cohort = Cohort(name="Team night", instructor=users["coach"])
        db.session.add(cohort)
        for name in MEMBERS:
            users[name].cohort = cohort
        db.session.flush()
        team = teams.create(
            cohort,
            title="Replay drill",
            scenario_id="product_recall",
            seed=11,
            speed=20.0,
            duration_min=240.0,
            start_min=None,
            difficulty="hard",
            lead=users["lead"],
            reps=[(users[n], []) for n in MEMBERS[1:]],
            created_by=users["coach"],
        )
        db.session.commit()
        return app, team.id, {m.user.username: m.id for m in team.members}


def work(browser: Browser, tid: int, me: str, ids: dict, done: list, log: list, stop):
    rng = random.Random(me)
    reps = [ids[n] for n in MEMBERS[1:]]
    while not stop.is_set():
        status, v = browser.json(f"/teams/{tid}/state.json")
        assert status == 200, v
        if v["state"] != "running":
            return
        inbox = v["inbox"]
        mine = [i for i in inbox if i["holder"] == ids[me]]
        free = [i for i in inbox if i["holder"] is None]
        body = None
        if me == "lead":
            roll = rng.random()
            if len(done) > 60 and not any(f["kind"] == "crisis_on" for f in v["feed"]):
                body = {"kind": "crisis_on"}
            elif len(done) > 100 and not v["storm"]["holding_statement"]:
                body = {"kind": "holding_statement"}
            elif inbox and roll < 0.6:
                i = rng.choice(inbox)
                body = {"kind": "assign", "complaint_id": i["id"], "member": rng.choice(reps)}
            elif inbox and roll < 0.8:
                body = {"kind": "note", "complaint_id": rng.choice(inbox)["id"], "text": "watch"}
            elif free:
                i = free[0]
                body = {"kind": "reply", "complaint_id": i["id"], "text": reply_for(i)}
        elif mine and rng.random() < 0.75:
            i = mine[0]
            roll = rng.random()
            if roll < 0.7:
                body = {"kind": "reply", "complaint_id": i["id"], "text": reply_for(i)}
            elif roll < 0.85:
                other = rng.choice([r for r in reps if r != ids[me]])
                body = {"kind": "handoff", "complaint_id": i["id"], "member": other}
            else:
                body = {"kind": "note", "complaint_id": i["id"], "text": f"{me} on it"}
        elif free:
            i = rng.choice(free[:3])
            body = {"kind": "claim", "complaint_id": i["id"]}
        if body is None:
            time.sleep(0.05)
            continue
        status, out = browser.json(f"/teams/{tid}/do", body)
        log.append((me, body["kind"], status))
        assert status in (200, 409), (status, out)
        if status == 200:
            done.append(out["seq"])
            if len(done) >= TARGET:
                stop.set()


def reply_for(item: dict) -> str:
    first = item["author"].split()[0]
    return (
        f"Hi {first}, I'm so sorry about the {item['topic']} problem. I will look into it now "
        "and DM you within the hour with the fix."
    )


def snapshot(browsers: dict, tid: int) -> dict:
    out = {}
    for name, b in browsers.items():
        status, v = b.json(f"/teams/{tid}/state.json")
        assert status == 200, v
        out[name] = v
    return out


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_two_hundred_interleaved_team_actions_replay_identically_after_sigkill(tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir()
    app, tid, ids = team_database(instance)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = serve(instance, port)
    try:
        browsers = {n: Browser(base) for n in MEMBERS}
        for n, b in browsers.items():
            b.login(n)
        status, out = browsers["lead"].json(f"/teams/{tid}/do", {"kind": "resume"})
        assert status == 200, out
        done: list = []
        log: list = []
        stop = threading.Event()
        errors = []

        def run(name):
            try:
                work(browsers[name], tid, name, ids, done, log, stop)
            except BaseException as e:  # reported below
                errors.append(e)
                stop.set()

        threads = [threading.Thread(target=run, args=(n,)) for n in MEMBERS]
        for t in threads:
            t.start()
        for t in threads:
            t.join(600)
        assert not errors, errors
        assert len(done) >= TARGET, (len(done), log[-5:])
        assert sorted(done) == sorted(set(done))  # no seq given twice
        kinds = {k for _, k, s in log if s == 200}
        assert {"claim", "assign", "handoff", "note", "reply", "crisis_on"} <= kinds, kinds
        by = {m: sum(1 for who, _, s in log if who == m and s == 200) for m in MEMBERS}
        assert all(n > 10 for n in by.values()), by
        status, out = browsers["lead"].json(f"/teams/{tid}/do", {"kind": "pause"})
        assert status == 200, out
        before = snapshot(browsers, tid)
        assert before["lead"]["team_replies"] > 20
        server.send_signal(signal.SIGKILL)
        server.wait(10)
    finally:
        if server.poll() is None:
            server.kill()
    with app.app_context():
        from trainer_web.teams.models import TeamEvent, TeamExercise

        team = db.session.get(TeamExercise, tid)
        seqs = [
            e.seq
            for e in db.session.execute(
                db.select(TeamEvent).filter_by(team_exercise_id=tid).order_by(TeamEvent.seq)
            ).scalars()
        ]
        assert seqs == list(range(team.n_events)) and team.n_events >= TARGET + 2
        minutes = [
            e.sim_min
            for e in db.session.execute(
                db.select(TeamEvent).filter_by(team_exercise_id=tid).order_by(TeamEvent.seq)
            ).scalars()
        ]
        assert minutes == sorted(minutes)  # serialised in sim-time order
    server = serve(instance, port)
    try:
        after = snapshot(browsers, tid)  # the same browsers: their sessions outlive the server
        assert after == before
        # Running when killed: it comes back paused where the members last saw it.
        status, out = browsers["lead"].json(f"/teams/{tid}/do", {"kind": "resume"})
        assert status == 200, out
        for _ in range(3):
            time.sleep(1.1)
            seen = snapshot(browsers, tid)["rita"]["now_min"]
        server.send_signal(signal.SIGKILL)
        server.wait(10)
        server = serve(instance, port)
        again = snapshot(browsers, tid)
        assert again["lead"]["state"] == "paused"
        assert before["lead"]["now_min"] <= again["lead"]["now_min"] <= seen + 1e-6
    finally:
        server.send_signal(signal.SIGKILL)
        server.wait(10)
