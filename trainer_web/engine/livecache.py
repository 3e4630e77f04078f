"""The live models: a cache of replayed exercises, replay from the action log, stored scores, read-
only exercises."""

from __future__ import annotations

import dataclasses
import math
import threading
from collections import OrderedDict, deque
from dataclasses import dataclass, field

from flask import current_app, has_app_context

from sim.model import ActionError, StormModel, TraineeSeat
from sim.scoring import ReplyFeatures, score_reply

from ..extensions import db
from ..models import (
    Action,
    Exercise,
)
from .base import SAMPLE_EVERY_MIN
from .clock import sim_now
from .scenarios import Unreplayable, replay_mismatch, scenario_of


# --- The model cache ---------------------------------------------------------------------------
@dataclass
class LiveExercise:
    """A replayed model and what the web layer keeps beside it."""

    model: StormModel
    n_actions: int
    replies: dict[int, list[tuple[float, str]]] = field(default_factory=dict)  # cid → (min, text)
    scores: list[float] = field(default_factory=list)
    # (grid min, complaints so far, waiting): storm size and queue sampled on a fixed grid
    samples: deque = field(default_factory=lambda: deque(maxlen=64))
    # customer index → the trainee's earlier contacts with them in this storm
    contacts: dict[int, list[dict]] = field(default_factory=dict)
    debrief: dict | None = None
    # complaint id → (what its view depends on, its unchanging part as JSON): see view.py
    item_views: dict[int, tuple] = field(default_factory=dict)

    def advance(self, t: float) -> None:
        """Run the model to minute ``t``, sampling the storm's size at each grid minute passed."""
        m = self.model
        step = SAMPLE_EVERY_MIN
        grid = (math.floor(m.now / step) + 1) * step
        while grid <= t:
            m.run_until(grid)
            self.samples.append((grid, m.status()["complaints"], m.queue_length()))
            grid += step
        m.run_until(t)


@dataclass(frozen=True)
class RememberedScore:
    """What a replayed reply needs of its score: the model reacts to the total and features."""

    total: float
    passed: bool
    features: ReplyFeatures


class ScoreMemo:
    """Scores already computed in this process, by (reply, context, weights).

    Scoring is most of a replay's time (about 85 % of a 60-minute exercise's), and
    :func:`sim.scoring.score_reply` is pure: the same reply in the same context with the same
    weights always scores the same. So a replay (a cache miss, a rewind, another worker's
    exercise) scores only replies this process has not seen (after a restart, all of them once),
    and the simulation it runs is the same as without the memo.
    """

    def __init__(self, size: int):
        self.size = size
        self._scores: OrderedDict[tuple, RememberedScore] = OrderedDict()
        self._guard = threading.Lock()

    @staticmethod
    def _key(text, ctx, weights) -> tuple:
        return (text, ctx, None if weights is None else tuple(sorted(dict(weights).items())))

    def _remember(self, key: tuple, scored) -> None:
        kept = RememberedScore(scored.total, scored.passed, scored.features)
        with self._guard:
            self._scores[key] = kept
            self._scores.move_to_end(key)
            while len(self._scores) > self.size:
                self._scores.popitem(last=False)

    def score(self, text, ctx, weights=None):
        """Score a live reply (the full result) and remember it for replays."""
        scored = score_reply(text, ctx, weights)
        self._remember(self._key(text, ctx, weights), scored)
        return scored

    def replayed(self, text, ctx, weights=None):
        """A replayed reply's score: remembered, else scored now (and remembered)."""
        key = self._key(text, ctx, weights)
        with self._guard:
            kept = self._scores.get(key)
            if kept is not None:
                self._scores.move_to_end(key)
                return kept
        return self.score(text, ctx, weights)

    def __len__(self) -> int:
        return len(self._scores)


class ModelCache:
    """Live models by exercise id, least recently used dropped first; one lock per exercise.

    Beside them, the :class:`ScoreMemo` that makes a replay cost little more than the storm's
    simulation.
    """

    def __init__(self, size: int, scores: int = 20_000):
        self.size = size
        self._models: OrderedDict[int, LiveExercise] = OrderedDict()
        self._locks: dict[int, threading.Lock] = {}
        self._guard = threading.Lock()
        self.scores = ScoreMemo(scores)

    def lock(self, exercise_id: int) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(exercise_id, threading.Lock())

    def get(self, exercise_id: int) -> LiveExercise | None:
        with self._guard:
            entry = self._models.get(exercise_id)
            if entry is not None:
                self._models.move_to_end(exercise_id)
            return entry

    def put(self, exercise_id: int, entry: LiveExercise) -> None:
        with self._guard:
            self._models[exercise_id] = entry
            self._models.move_to_end(exercise_id)
            while len(self._models) > self.size:
                self._models.popitem(last=False)

    def drop(self, exercise_id: int) -> None:
        with self._guard:
            self._models.pop(exercise_id, None)


def cache() -> ModelCache:
    return current_app.extensions["stormdesk.models"]


def seat_of(ex: Exercise) -> TraineeSeat:
    return TraineeSeat(
        channels=tuple(ex.channels),
        share=ex.share,
        max_open=ex.max_open,
        empowered=ex.empowered,
        remedy_limit=ex.remedy_limit,
    )


def replay(ex: Exercise, until: float) -> LiveExercise:
    """Rebuild the exercise's model from its record and advance it to minute ``until``."""
    model = StormModel(scenario_of(ex), ex.seed, trainee=seat_of(ex))
    entry = LiveExercise(model, 0)
    _replay_actions(entry, ex, _actions(ex, 0))
    entry.advance(until)
    return entry


def _actions(ex: Exercise, from_seq: int):
    return (
        db.session.execute(
            db.select(Action)
            .filter(Action.exercise_id == ex.id, Action.seq >= from_seq)
            .order_by(Action.seq)
        )
        .scalars()
        .all()
    )


def catch_up(entry: LiveExercise, ex: Exercise, until: float) -> LiveExercise:
    """Bring a cached model that is behind on actions (recorded by another worker, or after a
    failed commit) up to date by replaying only the missing ones; a full replay if one of them
    happened before the model's minute."""
    missing = _actions(ex, entry.n_actions)
    if not missing or missing[0].seq != entry.n_actions or missing[0].sim_min < entry.model.now:
        return replay(ex, until)
    _replay_actions(entry, ex, missing)
    entry.advance(until)
    return entry


REPLAY_FEATURES = "replay_features"  # key in Action.criteria


@dataclasses.dataclass(frozen=True)
class _StoredScore:
    """A recorded reply's score as the model needs it (``total`` and ``features``)."""

    total: float
    features: ReplyFeatures


def _stored_scorer(a: Action):
    """The score the reply got when it was sent, if its features were recorded with it (every
    reply since model 0.2.0); None for an older reply, which is scored again and must match."""
    stored = (a.criteria or {}).get(REPLAY_FEATURES) if isinstance(a.criteria, dict) else None
    if not isinstance(stored, dict):
        return None
    try:
        kept = _StoredScore(float(a.score), ReplyFeatures(**stored))
    except TypeError:  # the features' fields changed since: score again
        return None
    return lambda text, ctx, weights=None: kept


def _check_same_customer(ex: Exercise, model: StormModel, a: Action) -> None:
    """The stored reply must reach the customer it was written to: the same author, channel and
    reach as recorded (a changed model or scenario can put someone else behind the same id)."""
    seen = a.complaint if isinstance(a.complaint, dict) else {}
    if "author_index" not in seen:
        return
    c = model.trainee_inbox.get(int(a.complaint_id))
    if c is None:
        return  # model.act refuses it with the reason
    now = (int(c.author), model.channel_names[c.channel], int(c.followers))
    then = (int(seen["author_index"]), seen.get("channel"), int(seen.get("followers", -1)))
    if now != then:
        raise replay_mismatch(
            ex, f"reply {a.seq + 1} was written to another customer than the one there now"
        )


def _replay_actions(entry: LiveExercise, ex: Exercise, actions) -> None:
    model = entry.model
    canned = tuple(ex.canned_replies)
    memo = _score_memo()
    for a in actions:
        entry.advance(a.sim_min)
        scorer = _stored_scorer(a) or memo.replayed
        _check_same_customer(ex, model, a)
        out = model.act(
            a.complaint_id,
            a.action,
            a.text,
            remedy=a.remedy,
            canned_texts=canned,
            weights=ex.weights,
            scorer=scorer,
        )
        if abs(out.score.total - a.score) > 1e-6:
            raise replay_mismatch(
                ex, f"reply {a.seq + 1} scores {out.score.total:.1f}, not {a.score:.1f}"
            )
        if (out.reaction, out.outcome) != (a.reaction, a.outcome):
            raise replay_mismatch(
                ex,
                f"reply {a.seq + 1}: the customer now {out.reaction} ({out.outcome}), "
                f"not {a.reaction} ({a.outcome})",
            )
        entry.replies.setdefault(a.complaint_id, []).append((a.sim_min, a.text))
        entry.scores.append(a.score)
        _remember_contact(entry, a.complaint, a.complaint_id, a.sim_min, a)
        entry.n_actions += 1
        entry.debrief = None


def _score_memo() -> ScoreMemo:
    models = current_app.extensions.get("stormdesk.models") if has_app_context() else None
    return models.scores if models is not None else _PROCESS_SCORES


_PROCESS_SCORES = ScoreMemo(20_000)  # outside an app (scripts, notebooks)


def live(ex: Exercise, t: float) -> LiveExercise:
    """The exercise's model at minute ``t`` (call with the exercise's lock held)."""
    c = cache()
    entry = c.get(ex.id)
    if entry is None or entry.n_actions > ex.n_actions or entry.model.now > t + 1e-9:
        try:
            entry = replay(ex, t)
        except ActionError as e:  # the model no longer accepts a stored reply
            raise _read_only(ex, replay_mismatch(ex, str(e))) from None
        except Unreplayable as e:
            raise _read_only(ex, e) from None
        c.put(ex.id, entry)
    elif entry.n_actions < ex.n_actions:
        entry = catch_up(entry, ex, t)
        c.put(ex.id, entry)
    else:
        entry.advance(t)
    return entry


def _remember_contact(entry: LiveExercise, complaint: dict, cid: int, minute: float, a) -> None:
    """Note an answered complaint under its customer, for the customer panel."""
    author = (complaint or {}).get("author_index")
    if author is None:
        return
    entry.contacts.setdefault(int(author), []).append(
        {
            "complaint_id": cid,
            "min": round(minute, 1),
            "channel": complaint.get("channel"),
            "topic": str(complaint.get("topic", "")).replace("_", " "),
            "action": a.action,
            "score": round(float(a.score), 1),
            "reaction": a.reaction,
        }
    )


def _read_only_memo() -> dict[tuple, str]:
    """(exercise id, pin, model version) → why it is read-only, for this app's database."""
    return current_app.extensions.setdefault("stormdesk.read_only", {})


def _read_only(ex: Exercise, e: Unreplayable) -> Unreplayable:
    _read_only_memo()[(ex.id, ex.scenario_sha256, ex.model_version)] = e.reason
    return e


def read_only_reason(ex: Exercise, *, check: bool = False) -> str | None:
    """Why ``ex`` is read-only (None: it replays). ``check`` replays it now to find out."""
    key = (ex.id, ex.scenario_sha256, ex.model_version)
    memo = _read_only_memo()
    if key in memo:
        return memo[key]
    try:
        scenario_of(ex)
        if check:
            with cache().lock(ex.id):
                live(ex, min(sim_now(ex), ex.duration_min))
    except Unreplayable as e:
        return _read_only(ex, e).reason
    return None
