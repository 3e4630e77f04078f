"""The live-model cache under many exercises: sized from settings and memory, and a rebuild that
costs little more than the storm's simulation (issue 13.5), with the same state as a replay."""

from __future__ import annotations

import pandas.testing as pdt
import pytest

import sim.scoring
from trainer_web import config, engine
from trainer_web.engine import livecache
from trainer_web.extensions import db
from trainer_web.models import Exercise

from .conftest import Client, jump, make_app, start
from .helpers import first_item, good_reply
from .test_replay import play_some


def snapshot(entry: engine.LiveExercise) -> dict:
    """Everything a cached exercise holds that a trainee or the debrief can see."""
    m = entry.model
    return {
        "now": m.now,
        "status": m.status(),
        "inbox": [(i.id, i.waited_min, i.sla_left_min, i.anger) for i in m.inbox()],
        "n_actions": entry.n_actions,
        "replies": entry.replies,
        "scores": entry.scores,
        "samples": list(entry.samples),
        "contacts": entry.contacts,
        "complaints": m.results().complaints,
    }


def assert_same(a: dict, b: dict) -> None:
    pdt.assert_frame_equal(a["complaints"], b["complaints"])
    rest = [{k: v for k, v in d.items() if k != "complaints"} for d in (a, b)]
    assert rest[0] == rest[1]


@pytest.fixture
def count_scoring(monkeypatch):
    """How many replies are scored from scratch (wherever the scorer is reached from)."""
    calls = []
    real = sim.scoring.score_reply

    def counting(*args, **kw):
        calls.append(1)
        return real(*args, **kw)

    monkeypatch.setattr(sim.scoring, "score_reply", counting)
    monkeypatch.setattr(livecache, "score_reply", counting)
    return calls


def test_a_rebuild_scores_no_reply_again_and_gives_the_same_state(
    app, alice, world, count_scoring, tmp_path
):
    eid = start(alice, world["assignment"])
    play_some(alice, eid)  # three replies, then paused
    assert len(count_scoring) == 3
    with app.app_context():
        ex = db.session.get(Exercise, eid)
        t = engine.sim_now(ex)
        before = snapshot(engine.live(ex, t))
        engine.cache().drop(eid)  # evicted
        rebuilt = snapshot(engine.live(ex, t))
    assert len(count_scoring) == 3  # remembered: the rebuild ran the storm only
    assert_same(rebuilt, before)

    # A process that never scored them (a restart) scores none: each reply's features were
    # stored with it, so the replay is the storm's simulation only, and a scorer changed since
    # (here: one that would fail every reply) cannot alter what the trainee's replies did.
    def changed_scorer(*args, **kw):
        raise AssertionError("a recorded reply was scored again")

    fresh = make_app(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path / "second")
    with fresh.app_context():
        ex = db.session.get(Exercise, eid)
        assert all(engine.REPLAY_FEATURES in a.criteria for a in ex.actions)
        engine.cache().scores._scores.clear()
        real = engine.ScoreMemo.score
        engine.ScoreMemo.score = changed_scorer
        try:
            cold = snapshot(engine.live(ex, t))
        finally:
            engine.ScoreMemo.score = real
    assert len(count_scoring) == 3
    assert_same(cold, rebuilt)


def test_a_model_behind_on_replies_replays_only_the_missing_ones(
    app, alice, world, count_scoring, tmp_path
):
    """Another worker recorded a reply: this one catches up with the tail, not from minute 0."""
    eid = start(alice, world["assignment"])
    play_some(alice, eid)
    with app.app_context():
        ex = db.session.get(Exercise, eid)
        kept = engine.live(ex, engine.sim_now(ex))
        assert kept.n_actions == 3

    other = make_app(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path / "other")
    tina = Client(other)
    tina.login("alice")
    assert tina.post_json(f"/exercises/{eid}/resume").status_code == 200
    jump(other, eid, 4)
    item = first_item(tina, eid)
    r = tina.post_json(
        f"/exercises/{eid}/act", {"complaint_id": item["id"], "text": good_reply(item)}
    )
    assert r.status_code == 200, r.get_json()
    tina.post_json(f"/exercises/{eid}/pause")

    scored = len(count_scoring)
    with app.app_context():
        ex = db.session.get(Exercise, eid)
        t = engine.sim_now(ex)
        caught_up = engine.live(ex, t)
        assert caught_up is kept  # the same model, moved on; not rebuilt
        assert caught_up.n_actions == 4
        got = snapshot(caught_up)
    assert len(count_scoring) == scored  # its features were recorded: nothing scored again
    with app.app_context():
        ex = db.session.get(Exercise, eid)
        full = snapshot(engine.replay(ex, t))
    assert_same(got, full)


def test_the_cache_is_sized_from_the_setting_else_from_memory(monkeypatch, tmp_path):
    monkeypatch.setenv("TRAINER_MODEL_CACHE_SIZE", "500")
    assert config.model_cache_size() == 500
    app = make_app("sqlite:///" + str(tmp_path / "t.sqlite"), tmp_path / "instance")
    assert app.extensions["stormdesk.models"].size == 500
    monkeypatch.setenv("TRAINER_MODEL_CACHE_SIZE", "lots")
    with pytest.raises(ValueError, match="TRAINER_MODEL_CACHE_SIZE='lots': a whole number"):
        config.model_cache_size()
    monkeypatch.delenv("TRAINER_MODEL_CACHE_SIZE")
    gib = 1024**3
    assert config.model_cache_size(memory=8 * gib) == 512  # a quarter of 8 GiB at 4 MiB each
    assert config.model_cache_size(memory=256 * 1024**2) == 64  # never fewer than 64
    assert config.model_cache_size(memory=1024 * gib) == 4096  # nor more than 4096


def test_the_cache_keeps_as_many_exercises_as_it_is_sized_for():
    c = engine.ModelCache(3)
    for i in range(5):
        c.put(i, f"model {i}")
    c.get(2)
    c.put(5, "model 5")
    assert [i for i in range(6) if c.get(i) is not None] == [2, 4, 5]
