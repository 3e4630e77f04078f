"""The database under a running server (issue 13 finding 7), with a real server.

Deleting the SQLite file while serving used to go unnoticed: SQLite kept writing to the
deleted file, replies were acknowledged and were gone after a restart, and the 503 page said
"Nothing you submitted is lost". A database without the trainer's schema said "try again in a
minute" (SQLite) or was a 500 (PostgreSQL) instead of "run `stormdesk trainer init-db`".
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from trainer_web.extensions import db

from .conftest import PASSWORD, make_app
from .helpers import good_reply
from .pg import free_port
from .test_replay import Browser

INIT_DB = "stormdesk trainer init-db"


def serve(instance: Path, port: int, database_url: str | None = None) -> subprocess.Popen:
    env = {**os.environ, "TRAINER_INSTANCE_PATH": str(instance)}
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim", "trainer", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(instance / "server.log").open("a"),
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=1)
            return proc
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"the server did not start: {(instance / 'server.log').read_text()}")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    proc.wait(20)


def cli(instance: Path, *args: str, stdin: str = "", database_url: str | None = None):
    env = {**os.environ, "TRAINER_INSTANCE_PATH": str(instance)}
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    return subprocess.run(
        [sys.executable, "-m", "sim", "trainer", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def a_class(instance: Path, database_url: str | None = None) -> str:
    """An initialised database with a trainee and a running-storm assignment; its URL."""
    url = database_url or f"sqlite:///{instance / 'trainer.sqlite'}"
    assert cli(instance, "init-db", database_url=database_url).returncode == 0
    for name, role in (("coach", "instructor"), ("tina", "trainee")):
        done = cli(instance, "create-user", name, "--role", role, "--password-stdin",
                   stdin=PASSWORD, database_url=database_url)  # fmt: skip
        assert done.returncode == 0, done.stderr
    app = make_app(url, instance)
    with app.app_context():
        from trainer_web.models import Assignment, Cohort, User

        coach = db.session.execute(db.select(User).filter_by(username="coach")).scalar_one()
        tina = db.session.execute(db.select(User).filter_by(username="tina")).scalar_one()
        cohort = Cohort(name="Night class", instructor=coach)
        tina.cohort = cohort
        db.session.add_all([cohort, Assignment(cohort=cohort, title="Recall",
                            scenario_id="product_recall", duration_min=60, start_min=370,
                            speed=10, seed=11)])  # fmt: skip
        db.session.commit()
        db.engine.dispose()
    return url


def reply_once(b: Browser, eid: int):
    for _ in range(100):
        status, state = b.json(f"/exercises/{eid}/state.json")
        assert status == 200, state
        if state["inbox"]:
            item = state["inbox"][0]
            return b.json(
                f"/exercises/{eid}/act", {"complaint_id": item["id"], "text": good_reply(item)}
            )
        time.sleep(0.3)
    raise AssertionError("no complaint arrived")


def test_deleting_the_sqlite_file_while_serving_stops_acknowledging_and_loses_nothing(tmp_path):
    instance = tmp_path / "instance"
    a_class(instance)
    port = free_port()
    server = serve(instance, port)
    try:
        b = Browser(f"http://127.0.0.1:{port}")
        b.login("tina")
        assert b.form("/assignments/1/start")[0] == 200
        status, out = reply_once(b, 1)
        assert status == 200, out  # acknowledged: stored

        (instance / "trainer.sqlite").unlink()  # the operator's mistake
        acknowledged_after = 0
        for _ in range(5):  # nothing is acknowledged any more, whatever is sent
            status, body = b.json("/exercises/1/act", {"complaint_id": 1, "text": "Sorry!"})
            acknowledged_after += status == 200
            assert status == 503, body
        assert acknowledged_after == 0
        message = body["message"]
        assert "was deleted" in message and "not stored" in message
        assert "Nothing you submitted is lost" not in message
        status, page = b.request("/exercises/")
        assert status == 503 and b"restore the database file" in page
        assert b.json("/exercises/1/state.json")[0] == 503
    finally:
        stop(server)
    log = (instance / "server.log").read_text()
    assert "was deleted while the server was running" in log and "Stop the server" in log

    # The recovery copy holds every acknowledged reply: put it back and nothing is lost.
    (copy,) = instance.glob("trainer.sqlite.recovered-*")
    with sqlite3.connect(copy) as conn:
        assert conn.execute("SELECT count(*) FROM action").fetchone() == (1,)
    for leftover in instance.glob("trainer.sqlite-*"):
        leftover.unlink()  # the deleted file's write-ahead log, now stale
    shutil.move(copy, instance / "trainer.sqlite")
    server = serve(instance, port)
    try:
        b = Browser(f"http://127.0.0.1:{port}")
        b.login("tina")
        status, state = b.json("/exercises/1/state.json")
        assert status == 200 and state["you"]["replies"] == 1
    finally:
        stop(server)


def test_replacing_the_sqlite_file_while_serving_is_refused_until_a_restart(tmp_path):
    instance = tmp_path / "instance"
    a_class(instance)
    port = free_port()
    server = serve(instance, port)
    try:
        b = Browser(f"http://127.0.0.1:{port}")
        b.login("tina")
        assert b.json("/exercises/1/state.json")[0] == 404  # works: nothing started yet
        path = instance / "trainer.sqlite"
        with sqlite3.connect(path) as live, sqlite3.connect(tmp_path / "backup.sqlite") as bk:
            live.backup(bk)
        os.replace(tmp_path / "backup.sqlite", path)  # a restore while the server runs
        status, body = b.json("/exercises/1/state.json")
        assert status == 503 and "was replaced" in body["message"]
        assert b.form("/assignments/1/start")[0] == 503
    finally:
        stop(server)
    server = serve(instance, port)  # a restart opens the new file: fine again
    try:
        b = Browser(f"http://127.0.0.1:{port}")
        b.login("tina")
        assert b.form("/assignments/1/start")[0] == 200
    finally:
        stop(server)


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request, tmp_path):
    if request.param == "sqlite":
        yield None
        return
    pg = request.getfixturevalue("postgres")
    name = f"guard_{uuid.uuid4().hex[:10]}"
    admin = create_engine(pg.url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    yield pg.url.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


def drop_everything(url: str) -> None:
    if url.startswith("sqlite"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            conn.execute("PRAGMA foreign_keys=OFF")
            names = conn.execute("SELECT name FROM sqlite_master WHERE type='table'").fetchall()
            for (name,) in names:
                conn.execute(f'DROP TABLE "{name}"')
        return
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def test_a_database_without_the_schema_says_run_init_db(tmp_path, backend):
    instance = tmp_path / "instance"
    url = a_class(instance, backend)
    port = free_port()
    server = serve(instance, port, backend)
    try:
        b = Browser(f"http://127.0.0.1:{port}")
        b.login("tina")
        drop_everything(url)  # e.g. a database recreated empty under the running server
        status, body = b.json("/exercises/1/state.json")
        assert status == 503, body
        assert INIT_DB in body["message"] and "try again in a minute" not in body["message"]
        status, page = b.request("/exercises/")
        assert status == 503 and INIT_DB.encode() in page
    finally:
        stop(server)
