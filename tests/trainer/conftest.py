"""Fixtures for the trainer: the app on a real SQLite file and on a real PostgreSQL server.

Every test that takes ``app`` (or a client) runs once per database backend. The schema comes
from the Alembic migrations, applied once per backend; each test starts from empty tables.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import text

from trainer_web import create_app
from trainer_web.extensions import db

from .pg import Postgres, pg_bin

PASSWORD = "correct-horse-42"
TABLES = (
    "team_event",
    "team_member",
    "team_exercise",
    "note",
    "action",
    "exercise",
    "scenario_copy",
    "assignment",
    "login_failure",
    "org_settings",
    "cohort_settings",
)
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


@pytest.fixture(scope="session")
def postgres():
    if pg_bin() is None:
        pytest.skip("PostgreSQL is not installed (make test installs Debian's postgresql)")
    base = Path(tempfile.mkdtemp(prefix="stormdesk-pg-"))
    server = Postgres(base / "cluster").init()
    yield server
    try:
        server.stop()
    finally:
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory):
    return f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'trainer.sqlite'}"


_migrated: set[str] = set()


def make_app(url: str, instance: Path, **extra):
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": url,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",  # the real scrypt costs ~80 ms a hash
        **extra,
    }
    app = create_app(config, instance_path=instance)
    if url not in _migrated:
        from flask_migrate import upgrade

        with app.app_context():
            upgrade()
        _migrated.add(url)
    return app


def empty_tables(app) -> None:
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            names = ", ".join([*TABLES, "cohort", '"user"'])
            db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for t in TABLES:
                db.session.execute(text(f"DELETE FROM {t}"))
            db.session.execute(text('UPDATE "user" SET cohort_id = NULL'))
            db.session.execute(text("DELETE FROM cohort"))
            db.session.execute(text('DELETE FROM "user"'))
        db.session.commit()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, sqlite_url):
    if request.param == "sqlite":
        return sqlite_url
    return request.getfixturevalue("postgres").url


@pytest.fixture
def app(database_url, tmp_path):
    app = make_app(database_url, tmp_path / "instance")
    empty_tables(app)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class Client:
    """A test client that signs in and sends the CSRF token like the real pages do."""

    def __init__(self, app):
        self.app = app
        self.http = app.test_client()
        self.token = None

    def csrf(self) -> str:
        if self.token is None:
            page = self.http.get("/", follow_redirects=True).get_data(as_text=True)
            self.token = CSRF_META.search(page).group(1)
        return self.token

    def login(self, username: str, password: str = PASSWORD, **kw):
        r = self.post("/login", data={"username": username, "password": password}, **kw)
        if r.status_code == 302:
            self.token = None  # signing in starts a new session with a new CSRF secret
        return r

    def get(self, url, **kw):
        return self.http.get(url, **kw)

    def post(self, url, data=None, **kw):
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf())
        return self.http.post(url, data=data, **kw)

    def post_json(self, url, payload=None, *, token: bool = True, **kw):
        headers = {"X-CSRFToken": self.csrf()} if token else {}
        return self.http.post(
            url, json=payload if payload is not None else {}, headers=headers, **kw
        )


@pytest.fixture
def client(app):
    return Client(app)


@pytest.fixture
def world(app):
    """An admin, two instructors each with a cohort, trainees, and an assignment each."""
    from trainer_web.accounts import create_user
    from trainer_web.models import Assignment, Cohort

    with app.app_context():
        ids = {}
        admin, _ = create_user("root", "admin", password=PASSWORD)
        coach, _ = create_user("coach", "instructor", display_name="Cora Coach", password=PASSWORD)
        other, _ = create_user("other", "instructor", password=PASSWORD)
        cohort = Cohort(name="Spring class", instructor=coach)
        other_cohort = Cohort(name="Other class", instructor=other)
        db.session.add_all([cohort, other_cohort])
        alice, _ = create_user(
            "alice", "trainee", display_name="Alice Able", password=PASSWORD, cohort=cohort
        )
        bob, _ = create_user(
            "bob", "trainee", display_name="Bob Baker", password=PASSWORD, cohort=cohort
        )
        carol, _ = create_user("carol", "trainee", password=PASSWORD, cohort=other_cohort)
        a = Assignment(
            cohort=cohort,
            title="Recall drill",
            scenario_id="product_recall",
            difficulty="hard",
            duration_min=40.0,
            start_min=350.0,
            speed=10.0,
            seed=3,
        )
        b = Assignment(
            cohort=other_cohort,
            title="Other drill",
            scenario_id="hashtag_hijack",
            difficulty="medium",
            duration_min=30.0,
            start_min=50.0,
            speed=10.0,
            seed=5,
        )
        db.session.add_all([a, b])
        db.session.commit()
        for obj in (admin, coach, other, cohort, other_cohort, alice, bob, carol, a, b):
            ids[getattr(obj, "username", None) or getattr(obj, "title", None) or obj.name] = obj.id
        ids["cohort"] = cohort.id
        ids["other_cohort"] = other_cohort.id
        ids["assignment"] = a.id
        ids["other_assignment"] = b.id
    return ids


def signed_in(app, username: str) -> Client:
    c = Client(app)
    response = c.login(username)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return c


@pytest.fixture
def alice(app, world):
    return signed_in(app, "alice")


@pytest.fixture
def coach(app, world):
    return signed_in(app, "coach")


def jump(app, exercise_id: int, minutes: float) -> None:
    """Move a running exercise's clock ``minutes`` simulated minutes ahead, at once."""
    from trainer_web import engine
    from trainer_web.models import Exercise, utcnow

    with app.app_context():
        ex = db.session.get(Exercise, exercise_id)
        now = utcnow()
        ex.clock_sim_min = min(ex.duration_min, engine.sim_now(ex, now) + minutes)
        ex.clock_wall_at = now
        ex.acked_at = now
        db.session.commit()


def start(client: Client, assignment_id: int) -> int:
    r = client.post(f"/assignments/{assignment_id}/start")
    assert r.status_code == 302, r.get_data(as_text=True)[:300]
    return int(r.location.rstrip("/").rsplit("/", 1)[1])
