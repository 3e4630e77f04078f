"""Exercises are pinned to the scenario text they were played with (issue 13 finding 1).

The library is a temporary copy of ``scenarios/`` (``SCENARIO_DIR``): a file in it is edited and
another deleted, the server restarted, and every old exercise must still replay — or, when it
cannot (it predates pinning and its file changed or left), be shown read-only from what is
stored — with no 500 anywhere, the cohort's live view included. On SQLite and PostgreSQL, each
in a database of its own (the test downgrades and upgrades the schema).
"""

from __future__ import annotations

import shutil
import uuid

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, text

from tests.conftest import LIBRARY
from trainer_web.accounts import create_user
from trainer_web.extensions import db
from trainer_web.models import Assignment, Cohort, Exercise

from .conftest import PASSWORD, jump, make_app, signed_in, start
from .helpers import first_item, good_reply

BEFORE_PINNING = "7c2e5a9d41b3"


@pytest.fixture
def own_database(database_url, tmp_path):
    """A database of this test's own (empty, not yet migrated)."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'pinning.sqlite'}"
        return
    name = f"pin_{uuid.uuid4().hex[:10]}"
    admin = create_engine(database_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    yield database_url.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


def restart(url: str, instance, library) -> object:
    """A new app on the same database and library, as after a server restart."""
    return make_app(url, instance, SCENARIO_DIR=str(library))


def setup_class(app) -> dict:
    with app.app_context():
        coach, _ = create_user("coach", "instructor", password=PASSWORD)
        cohort = Cohort(name="Pinned class", instructor=coach)
        db.session.add(cohort)
        create_user("alice", "trainee", password=PASSWORD, cohort=cohort)
        create_user("bob", "trainee", password=PASSWORD, cohort=cohort)
        recall = Assignment(
            cohort=cohort,
            title="Recall",
            scenario_id="product_recall",
            difficulty="hard",
            duration_min=40.0,
            start_min=350.0,
            seed=3,
        )
        hijack = Assignment(
            cohort=cohort,
            title="Hijack",
            scenario_id="hashtag_hijack",
            difficulty="hard",
            duration_min=30.0,
            start_min=50.0,
            seed=5,
        )
        db.session.add_all([recall, hijack])
        db.session.commit()
        ids = {"cohort": cohort.id, "recall": recall.id, "hijack": hijack.id}
        db.engine.dispose()
    return ids


def reply(client, eid: int, n: int) -> None:
    for _ in range(n):
        jump(client.app, eid, 3)
        item = first_item(client, eid)
        r = client.post_json(
            f"/exercises/{eid}/act", {"complaint_id": item["id"], "text": good_reply(item)}
        )
        assert r.status_code == 200, r.get_json()


def edit_and_delete(library) -> None:
    recall = library / "product_recall.toml"
    before = recall.read_text()
    assert "base_per_hour = 40" in before
    recall.write_text(before.replace("base_per_hour = 40", "base_per_hour = 44", 1))
    (library / "hashtag_hijack.toml").unlink()


def every_view(app, ids: dict, eids: dict) -> dict:
    """Every page and JSON view of the old exercises, for their trainees and the instructor:
    none may answer 500. Returns the trainees' state.json bodies."""
    states = {}
    for who, eid in eids.items():
        c = signed_in(app, who)
        r = c.get(f"/exercises/{eid}/state.json")
        assert r.status_code == 200, (who, r.status_code, r.get_data(as_text=True)[:300])
        states[who] = r.get_json()
        for url in (f"/exercises/{eid}", f"/exercises/{eid}/debrief", "/exercises/"):
            r = c.get(url, follow_redirects=True)
            assert r.status_code == 200, (who, url, r.status_code)
        r = c.get(f"/exercises/{eid}/transcript")
        assert r.status_code == 200, (who, r.status_code)
    coach = signed_in(app, "coach")
    cid = ids["cohort"]
    for url in (
        f"/instructor/cohorts/{cid}/live.json",
        f"/instructor/cohorts/{cid}/live",
        f"/instructor/cohorts/{cid}/results?assignment=all",
        f"/instructor/cohorts/{cid}/results.csv",
        f"/instructor/cohorts/{cid}",
    ):
        r = coach.get(url)
        assert r.status_code == 200, (url, r.status_code, r.get_data(as_text=True)[:300])
    for eid in eids.values():
        for url in (f"/exercises/{eid}/debrief", f"/exercises/{eid}/transcript"):
            r = coach.get(url)
            assert r.status_code == 200, (url, r.status_code)
    states["live"] = coach.get(f"/instructor/cohorts/{cid}/live.json").get_json()
    return states


def test_edited_and_deleted_library_scenarios_never_break_an_old_exercise(own_database, tmp_path):
    library = tmp_path / "library"
    shutil.copytree(LIBRARY, library)
    app = restart(own_database, tmp_path / "i1", library)
    ids = setup_class(app)
    alice, bob = signed_in(app, "alice"), signed_in(app, "bob")
    eids = {"alice": start(alice, ids["recall"]), "bob": start(bob, ids["hijack"])}
    reply(alice, eids["alice"], 2)
    reply(bob, eids["bob"], 1)
    assert bob.post_json(f"/exercises/{eids['bob']}/finish").status_code == 200
    assert alice.post_json(f"/exercises/{eids['alice']}/pause").status_code == 200
    shown = alice.get(f"/exercises/{eids['alice']}/state.json").get_json()
    with app.app_context():
        pins = {e.id: (e.scenario_sha256, e.model_version) for e in db.session.query(Exercise)}
        db.engine.dispose()
    assert all(sha and version for sha, version in pins.values())

    # 1. Pinned exercises: the library changes under them, the server restarts; they replay.
    edit_and_delete(library)
    app = restart(own_database, tmp_path / "i2", library)
    states = every_view(app, ids, eids)
    assert not states["alice"].get("read_only")
    assert states["alice"]["you"]["replies"] == 2
    assert [i["id"] for i in states["alice"]["inbox"]] == [i["id"] for i in shown["inbox"]]
    debrief = signed_in(app, "bob").get(f"/exercises/{eids['bob']}/debrief")
    assert b'id="versus-bots"' in debrief.data and b"read-only" not in debrief.data
    assert {r["state"] for r in states["live"]["trainees"]} != {"read-only"}
    with app.app_context():
        assert db.session.get(Exercise, eids["alice"]).scenario_sha256 == pins[eids["alice"]][0]
        db.engine.dispose()

    # 2. Exercises from before pinning: the migration pins them to the library as it is now
    # (the edited recall file; the deleted hijack file leaves bob's unpinned). Neither replays
    # their stored replies any more: both are shown read-only, with no 500.
    # Edited again, heavily: ten times the arrivals, so the stored replies no longer fit.
    recall = library / "product_recall.toml"
    recall.write_text(recall.read_text().replace("base_per_hour = 44", "base_per_hour = 400", 1))
    with app.app_context():
        downgrade(revision=BEFORE_PINNING)
        upgrade()
        rows = {e.id: e for e in db.session.query(Exercise)}
        # Rebuilding the exercise table (SQLite batch mode) keeps its replies.
        assert [rows[eids[w]].n_actions for w in ("alice", "bob")] == [2, 1]
        assert [len(rows[eids[w]].actions) for w in ("alice", "bob")] == [2, 1]
        assert rows[eids["bob"]].scenario_sha256 is None
        assert rows[eids["alice"]].scenario_sha256 not in (None, pins[eids["alice"]][0])
        assert rows[eids["alice"]].model_version is None
        db.engine.dispose()
    app = restart(own_database, tmp_path / "i3", library)
    states = every_view(app, ids, eids)
    for who in ("alice", "bob"):
        assert states[who].get("read_only") is True, (who, states[who].get("now_min"))
    assert "left the library" in states["bob"]["message"]
    live = {r["username"]: r for r in states["live"]["trainees"]}
    assert live["alice"]["state"] == live["bob"]["state"] == "read-only"
    assert {a["kind"] for a in states["live"]["alerts"]} >= {"read_only"}
    a = signed_in(app, "alice")
    page = a.get(f"/exercises/{eids['alice']}/debrief")
    assert b'id="read-only"' in page.data and b'id="versus-bots"' not in page.data
    assert a.post_json(f"/exercises/{eids['alice']}/resume").status_code == 200
    r = a.post_json(f"/exercises/{eids['alice']}/act", {"complaint_id": 1, "text": "Sorry!"})
    assert r.status_code == 409 and "read-only" in r.get_json()["message"]
    with app.app_context():
        db.engine.dispose()


def test_a_pinned_scenario_keeps_its_forecast_file(app, tmp_path):
    """holiday_rush reads a forecast CSV: the copy holds it, so deleting both files from the
    library changes nothing for the pinned scenario."""
    import sim
    from trainer_web import engine

    library = tmp_path / "library"
    shutil.copytree(LIBRARY, library)
    app.config["SCENARIO_DIR"] = str(library)
    engine.reload_library()
    with app.app_context():
        original = sim.load_scenario(library / "holiday_rush.toml")
        copy = engine.pin_scenario("holiday_rush")
        db.session.commit()
        sha = copy.sha256
        assert list(copy.files) == ["forecasts/holiday_rush.csv"]
    (library / "forecasts" / "holiday_rush.csv").unlink()
    (library / "holiday_rush.toml").unlink()
    engine.reload_library()
    engine._pinned_full.cache_clear()
    with app.app_context():
        pinned = engine._pinned_full(sha)
        assert pinned.sha256 == original.sha256 and pinned.arrivals.forecast is not None
        assert engine._pinned_window(sha, 600.0, 60.0).info.duration_hours == 1.0
