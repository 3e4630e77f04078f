"""Live exercises: the clock, the model cache, replay, and the trainee's actions.

An exercise is event-sourced: its row (scenario, seed, speed, seat) and its :class:`Action` rows
stamped with simulation time are the record. The live :class:`sim.StormModel` is only a cache:
:func:`replay` rebuilds it — after a restart, in another worker, or when the cache dropped it —
by constructing the model and, for each stored action, ``run_until(action minute)`` then
``act(...)``. The same scenario, seed and actions give the same model.

The clock runs ``speed`` simulated minutes per real minute. The last simulation time a client
was shown is stored (``acked_sim_min``); a running exercise that nobody has polled for
:data:`STALE_AFTER_S` (the server died, the database went away, the browser closed) is paused
there, so after an outage it resumes, paused, where the trainee last saw it.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path

from flask import current_app

import sim
from sim.model import ActionError, InboxItem, StormModel, TraineeSeat
from sim.text import REACTIONS, complaint_text, mood, persona, reaction_text

from .extensions import db
from .models import (
    SEAT_BY_DIFFICULTY,
    Action,
    Assignment,
    Difficulty,
    Exercise,
    ExerciseState,
    User,
    org_settings,
    utcnow,
)

SCENARIO_DIR = Path(__file__).resolve().parent.parent / "scenarios"
ACK_EVERY_S = 2.0  # how often a poll stores the acknowledged simulation time
STALE_AFTER_S = 30.0  # a running exercise unpolled this long is paused at its acked time
MAX_REPLY_CHARS = 5_000  # longer than any channel allows; a 10 MB paste is refused outright
JOIN_BEFORE_INCIDENT_MIN = 10.0  # a trainee joins ten minutes before the storm breaks
OFFICE_OPENS_MIN = 9 * 60  # …or, in a scenario without incidents, at 09:00
TREND_WINDOW_MIN = 15.0  # the storm's trend compares arrivals in the last two such windows
SAMPLE_EVERY_MIN = 5.0  # storm size sampled on a fixed grid, so replays sample it identically
ACTIONS = ("reply_public", "move_to_dm", "escalate", "offer_remedy")


class Rejected(Exception):
    """A request the exercise refuses, with an HTTP status and a message for the trainee."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


# --- Scenarios ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class LibraryEntry:
    id: str
    name: str
    description: str
    channels: tuple[str, ...]
    public_channels: tuple[str, ...]


@lru_cache(maxsize=1)
def library() -> dict[str, LibraryEntry]:
    """The training scenarios (the pure-queue ``erlang_*`` files are for planners, not reps)."""
    entries = {}
    for path in sorted(SCENARIO_DIR.glob("*.toml")):
        if path.stem.startswith("erlang_"):
            continue
        sc = sim.load_scenario(path)
        public = tuple(name for name, ch in sc.channels.items() if ch.public)
        entries[path.stem] = LibraryEntry(
            path.stem, sc.info.name, sc.info.description, tuple(sc.channels), public
        )
    return entries


def suggested_start_min(scenario_id: str) -> float:
    """Where a trainee should join: shortly before the first incident, else at 09:00."""
    sc = _scenario(scenario_id)
    if sc.incidents:
        return max(0.0, min(i.start_hour for i in sc.incidents) * 60.0 - JOIN_BEFORE_INCIDENT_MIN)
    start = sc.info.start
    minute_of_day = start.hour * 60 + start.minute
    return float((OFFICE_OPENS_MIN - minute_of_day) % (24 * 60))


@lru_cache(maxsize=16)
def _scenario(scenario_id: str):
    if scenario_id not in library():
        raise Rejected(404, f"unknown scenario {scenario_id!r}")
    return sim.load_scenario(SCENARIO_DIR / f"{scenario_id}.toml")


@lru_cache(maxsize=64)
def exercise_scenario(scenario_id: str, start_min: float, duration_min: float):
    """The window of the scenario a trainee plays: ``duration_min`` from ``start_min`` on.

    The window becomes a scenario of its own that starts later on the clock (so shifts and
    profiles follow the time of day) with its incidents moved earlier by the same amount; an
    incident already under way at the start is cut to what is left of it. The trainee's seat is
    staffed from minute 0 of the window.
    """
    sc = _scenario(scenario_id)
    offset_h = start_min / 60.0
    overrides: dict = {
        "scenario.duration_hours": duration_min / 60.0,
        "scenario.warmup_hours": 0,
        "scenario.start": sc.info.start + timedelta(minutes=start_min),
    }
    for i, incident in enumerate(sc.incidents):
        begins = incident.start_hour - offset_h
        ends = begins + incident.duration_hours
        if ends <= 0:  # over before the window opens
            overrides[f"incidents[{i}].multiplier"] = 0.0
        elif begins < 0:
            overrides[f"incidents[{i}].start_hour"] = 0.0
            overrides[f"incidents[{i}].duration_hours"] = ends
        else:
            overrides[f"incidents[{i}].start_hour"] = begins
    return sc.with_overrides(overrides)


@lru_cache(maxsize=32)
def baseline_results(scenario_id: str, start_min: float, duration_min: float, seed: int):
    """The same storm worked by bot reps only: "what would have happened"."""
    return sim.run(exercise_scenario(scenario_id, start_min, duration_min), seed=seed)


def scenario_of(ex: Exercise):
    return exercise_scenario(ex.scenario_id, ex.start_min, ex.duration_min)


# --- The clock ---------------------------------------------------------------------------------
def sim_now(ex: Exercise, wall: datetime | None = None) -> float:
    """Simulation minutes of ``ex`` at wall time ``wall`` (UTC; default now)."""
    if ex.state != ExerciseState.RUNNING:
        return min(ex.clock_sim_min, ex.duration_min)
    wall = wall or utcnow()
    elapsed_min = max(0.0, (wall - ex.clock_wall_at).total_seconds()) / 60.0
    return min(ex.duration_min, ex.clock_sim_min + elapsed_min * ex.speed)


def pause(ex: Exercise, at_min: float | None = None) -> None:
    if ex.state == ExerciseState.RUNNING:
        wall = utcnow()
        ex.clock_sim_min = sim_now(ex, wall) if at_min is None else at_min
        ex.clock_wall_at = wall
        ex.state = ExerciseState.PAUSED
        ex.acked_sim_min = ex.clock_sim_min
        ex.acked_at = wall


def resume(ex: Exercise) -> None:
    if ex.state == ExerciseState.PAUSED:
        wall = utcnow()
        ex.clock_wall_at = wall
        ex.acked_at = wall
        ex.state = ExerciseState.RUNNING


def finish(ex: Exercise) -> None:
    """End the exercise now: bots work the rest of the storm to its end."""
    if ex.state != ExerciseState.FINISHED:
        ex.clock_sim_min = ex.duration_min
        ex.acked_sim_min = ex.duration_min
        ex.state = ExerciseState.FINISHED
        ex.finished_at = utcnow()


def settle_clock(ex: Exercise) -> bool:
    """Pause a stale running exercise at its acked time, finish one past its end.

    Returns whether the row changed (the caller commits).
    """
    if ex.state != ExerciseState.RUNNING:
        return False
    wall = utcnow()
    if (wall - ex.acked_at).total_seconds() > STALE_AFTER_S:
        ex.clock_sim_min = ex.acked_sim_min
        ex.clock_wall_at = wall
        ex.state = ExerciseState.PAUSED
        return True
    if sim_now(ex, wall) >= ex.duration_min:
        finish(ex)
        return True
    return False


# --- Starting --------------------------------------------------------------------------------
def start_exercise(assignment: Assignment, trainee: User, *, running: bool = True) -> Exercise:
    """The trainee's exercise for ``assignment`` (created with today's org settings if new)."""
    ex = db.session.execute(
        db.select(Exercise).filter_by(assignment_id=assignment.id, trainee_id=trainee.id)
    ).scalar_one_or_none()
    if ex is not None:
        return ex
    entry = library().get(assignment.scenario_id)
    if entry is None:
        raise Rejected(404, f"unknown scenario {assignment.scenario_id!r}")
    share, max_open = SEAT_BY_DIFFICULTY[Difficulty(assignment.difficulty)]
    org = org_settings()
    wall = utcnow()
    ex = Exercise(
        assignment_id=assignment.id,
        trainee_id=trainee.id,
        scenario_id=assignment.scenario_id,
        seed=assignment.seed,
        speed=assignment.speed,
        start_min=assignment.start_min,
        duration_min=assignment.duration_min,
        channels=list(entry.public_channels or entry.channels[:1]),
        share=share,
        max_open=max_open,
        empowered=org.empowered,
        remedy_limit=org.remedy_limit,
        weights=dict(org.weights),
        canned_replies=list(org.canned_replies),
        state=ExerciseState.RUNNING if running else ExerciseState.PAUSED,
        clock_sim_min=0.0,
        clock_wall_at=wall,
        acked_sim_min=0.0,
        acked_at=wall,
        started_at=wall,
    )
    db.session.add(ex)
    return ex


# --- The model cache ---------------------------------------------------------------------------
@dataclass
class LiveExercise:
    """A replayed model and what the web layer keeps beside it."""

    model: StormModel
    n_actions: int
    replies: dict[int, list[tuple[float, str]]] = field(default_factory=dict)  # cid → (min, text)
    scores: list[float] = field(default_factory=list)
    samples: deque = field(default_factory=lambda: deque(maxlen=64))  # (grid min, complaints)
    debrief: dict | None = None

    def advance(self, t: float) -> None:
        """Run the model to minute ``t``, sampling the storm's size at each grid minute passed."""
        m = self.model
        step = SAMPLE_EVERY_MIN
        grid = (math.floor(m.now / step) + 1) * step
        while grid <= t:
            m.run_until(grid)
            self.samples.append((grid, m.status()["complaints"]))
            grid += step
        m.run_until(t)


class ModelCache:
    """Live models by exercise id, least recently used dropped first; one lock per exercise."""

    def __init__(self, size: int):
        self.size = size
        self._models: OrderedDict[int, LiveExercise] = OrderedDict()
        self._locks: dict[int, threading.Lock] = {}
        self._guard = threading.Lock()

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
    actions = db.session.execute(
        db.select(Action).filter_by(exercise_id=ex.id).order_by(Action.seq)
    ).scalars()
    entry = LiveExercise(model, 0)
    canned = tuple(ex.canned_replies)
    for a in actions:
        entry.advance(a.sim_min)
        model.act(
            a.complaint_id,
            a.action,
            a.text,
            remedy=a.remedy,
            canned_texts=canned,
            weights=ex.weights,
        )
        entry.replies.setdefault(a.complaint_id, []).append((a.sim_min, a.text))
        entry.scores.append(a.score)
        entry.n_actions += 1
    entry.advance(until)
    return entry


def live(ex: Exercise, t: float) -> LiveExercise:
    """The exercise's model at minute ``t`` (call with the exercise's lock held)."""
    c = cache()
    entry = c.get(ex.id)
    if entry is None or entry.n_actions != ex.n_actions or entry.model.now > t + 1e-9:
        entry = replay(ex, t)
        c.put(ex.id, entry)
    else:
        entry.advance(t)
    return entry


# --- What the trainee sees ---------------------------------------------------------------------
REACH_LABELS = ((100_000, "huge"), (10_000, "large"), (1_000, "wide"), (100, "some"), (0, "small"))


def reach_label(followers: float) -> str:
    return next(label for floor, label in REACH_LABELS if followers >= floor)


def _opening_text(seed: int, item: InboxItem, who) -> str:
    return complaint_text(
        seed,
        item.id,
        channel=item.channel,
        topic=item.topic,
        anger=item.anger,
        public=item.public or item.in_dm,
        customer=who,
        repost=item.origin == "repost",
    )


def clock_label(ex: Exercise, minute: float) -> str:
    """``HH:MM`` on the exercise's clock at simulated ``minute``."""
    return (scenario_of(ex).info.start + timedelta(minutes=minute)).strftime("%H:%M")


def render_thread(seed: int, item: InboxItem, who, replies: list[tuple[float, str]]) -> list:
    """The conversation so far, as messages: the customer's, yours, the crowd's, system notes."""
    messages = []
    mine = iter(replies)
    turn = 0
    for minute, event, score in item.thread:
        if event == "complaint":
            messages.append(("customer", minute, _opening_text(seed, item, who), None))
        elif event == "reply":
            text = next(mine, (minute, "(reply)"))[1]
            messages.append(("you", minute, text, score))
        elif event.startswith("reaction:"):
            reaction = event.split(":", 1)[1]
            if reaction in REACTIONS:
                text = reaction_text(
                    seed,
                    item.id,
                    reaction=reaction,
                    customer=who,
                    topic=item.topic,
                    channel=item.channel,
                    turn=turn,
                )
                turn += 1
                messages.append(("customer", minute, text, None))
        elif event == "follow_up":
            messages.append(("system", minute, f"{who.name} wrote back and waits again.", None))
        elif event == "gave_up":
            messages.append(("system", minute, f"{who.name} gave up waiting.", None))
    if item.pile_ons:
        crowd = reaction_text(
            seed, item.id, reaction="pile_on", customer=who, topic=item.topic, channel=item.channel
        )
        messages.append(("crowd", item.thread[-1][0], crowd, None))
    return [
        {"who": who_, "min": round(m, 1), "text": text, "score": score}
        for who_, m, text, score in messages
    ]


def inbox_item_view(ex: Exercise, item: InboxItem, replies) -> dict:
    seed = ex.seed
    who = persona(seed, item.author)
    return {
        "id": item.id,
        "channel": item.channel,
        "public": item.public,
        "in_dm": item.in_dm,
        "topic": item.topic.replace("_", " "),
        "author": who.name,
        "handle": who.handle,
        "followers": int(item.followers),
        "reach": reach_label(item.followers),
        "mood": str(mood(item.anger)),
        "anger": round(item.anger, 2),
        "origin": item.origin,
        "waited_min": round(item.waited_min, 1),
        "sla_min": item.sla_min,
        "sla_left_min": None if item.sla_left_min is None else round(item.sla_left_min, 1),
        "patience_left_min": None
        if item.patience_left_min is None
        else round(item.patience_left_min, 1),
        "follow_ups": item.follow_ups,
        "pile_ons": item.pile_ons,
        "thread": [
            {**m, "at": clock_label(ex, m["min"])} for m in render_thread(seed, item, who, replies)
        ],
    }


def _trend(entry: LiveExercise) -> str:
    """growing / calming / steady: arrivals in the last window against the one before."""
    s = entry.samples
    if len(s) < 2:
        return "steady"
    now, total = s[-1]

    def count_before(minute: float) -> int | None:
        for m, n in reversed(s):
            if m <= minute:
                return n
        return None

    a = count_before(now - TREND_WINDOW_MIN)
    b = count_before(now - 2 * TREND_WINDOW_MIN)
    if a is None or b is None:
        return "steady"
    recent, before = total - a, a - b
    if recent > 1.25 * before + 1:
        return "growing"
    if recent < 0.8 * before - 1:
        return "calming"
    return "steady"


def state(ex: Exercise, *, ack: bool = True) -> dict:
    """The live view a trainee's page polls: clock, storm, inbox with threads.

    ``ack`` stores the simulation time shown (the trainee's own poll, not an instructor's).
    """
    if settle_clock(ex):
        db.session.commit()
    wall = utcnow()
    t = sim_now(ex, wall)
    with cache().lock(ex.id):
        entry = live(ex, t)
        m = entry.model
        status = m.status()
        inbox = [inbox_item_view(ex, i, entry.replies.get(i.id, [])) for i in m.inbox()]
        trend = _trend(entry)
        scores = list(entry.scores)
    if (
        ack
        and ex.state == ExerciseState.RUNNING
        and (wall - ex.acked_at).total_seconds() >= ACK_EVERY_S
    ):
        ex.acked_sim_min = t
        ex.acked_at = wall
        db.session.commit()
    return {
        "exercise": ex.id,
        "state": str(ex.state),
        "now_min": round(t, 2),
        "duration_min": ex.duration_min,
        "speed": ex.speed,
        "clock": status["clock"],
        "storm": {
            "complaints": status["complaints"],
            "waiting": status["waiting"],
            "arrivals_this_hour": status["arrivals_this_hour"],
            "mood": None if status["mood"] is None else str(mood(status["mood"])),
            "reps_on_shift": status["reps_on_shift"],
            "crisis": status["crisis"],
            "trend": trend,
        },
        "you": {
            "replies": len(scores),
            "mean_score": round(sum(scores) / len(scores), 1) if scores else None,
            "remedy_limit": ex.remedy_limit if ex.empowered else 0,
        },
        "inbox": inbox,
    }


# --- Acting ------------------------------------------------------------------------------------
def parse_action(payload) -> tuple[int, str, str, float]:
    """Validate a reply request body; raise :class:`Rejected` (400) with a clear message."""
    if not isinstance(payload, dict):
        raise Rejected(400, "send a JSON object: {complaint_id, action, text, remedy}")
    cid = payload.get("complaint_id")
    if isinstance(cid, bool) or not isinstance(cid, int | str):
        raise Rejected(400, "complaint_id must be a whole number")
    try:
        cid = int(cid)
    except ValueError:
        raise Rejected(400, "complaint_id must be a whole number") from None
    if cid < 0 or cid > 2**31:
        raise Rejected(400, "complaint_id is out of range")
    action = payload.get("action", "reply_public")
    if action not in ACTIONS:
        raise Rejected(400, f"action must be one of {', '.join(ACTIONS)}")
    text = payload.get("text")
    if not isinstance(text, str) or not text.strip():
        raise Rejected(400, "write a reply first: the text is empty")
    if len(text) > MAX_REPLY_CHARS:
        raise Rejected(
            400, f"the reply is too long ({len(text)} characters; at most {MAX_REPLY_CHARS})"
        )
    remedy = payload.get("remedy", 0) or 0
    if isinstance(remedy, bool) or not isinstance(remedy, int | float | str):
        raise Rejected(400, "remedy must be a number")
    try:
        remedy = float(remedy)
    except ValueError:
        raise Rejected(400, "remedy must be a number") from None
    if not math.isfinite(remedy) or remedy < 0:
        raise Rejected(400, "remedy must be a positive amount")
    return cid, action, text.strip(), remedy


def act(ex: Exercise, complaint_id: int, action: str, text: str, remedy: float = 0.0, *, at=None):
    """Answer a complaint now (or at simulation minute ``at``, for bot trainees) and record it.

    The action is committed before this returns; on any failure the model cache is dropped so
    the next request replays from the database. Raises :class:`Rejected` for a closed, forged or
    foreign complaint, a paused or finished exercise, or a remedy beyond the seat's limit.
    """
    with cache().lock(ex.id):
        db.session.refresh(ex)
        settle_clock(ex)
        if ex.state == ExerciseState.FINISHED:
            raise Rejected(409, "this exercise is over: open the debrief")
        if ex.state == ExerciseState.PAUSED and at is None:
            raise Rejected(409, "the exercise is paused: resume it to reply")
        wall = utcnow()
        t = sim_now(ex, wall) if at is None else float(at)
        entry = live(ex, t)
        m = entry.model
        item = next((i for i in m.inbox() if i.id == complaint_id), None)
        try:
            out = m.act(
                complaint_id,
                action,
                text,
                remedy=remedy,
                canned_texts=tuple(ex.canned_replies),
                weights=ex.weights,
            )
        except ActionError as e:
            raise Rejected(409, str(e)) from None
        try:
            who = persona(ex.seed, item.author)
            scored = out.score.as_dict()
            scored.pop("features", None)
            db.session.add(
                Action(
                    exercise_id=ex.id,
                    seq=ex.n_actions,
                    sim_min=t,
                    complaint_id=complaint_id,
                    action=action,
                    text=text,
                    remedy=remedy,
                    score=out.score.total,
                    passed=out.score.passed,
                    criteria=scored,
                    reaction=out.reaction,
                    outcome=out.outcome,
                    first_response=item.sla_left_min is not None,
                    wait_min=item.waited_min,
                    sla_min=item.sla_min,
                    complaint={
                        "channel": item.channel,
                        "public": item.public,
                        "topic": item.topic,
                        "author": who.name,
                        "author_index": int(item.author),
                        "handle": who.handle,
                        "followers": int(item.followers),
                        "mood": str(mood(item.anger)),
                        "text": _opening_text(ex.seed, item, who),
                    },
                )
            )
            ex.n_actions += 1
            if ex.state == ExerciseState.RUNNING:
                ex.acked_sim_min = t
                ex.acked_at = wall
            db.session.commit()
        except Exception:
            db.session.rollback()
            cache().drop(ex.id)
            raise
        entry.n_actions += 1
        entry.replies.setdefault(complaint_id, []).append((t, text))
        entry.scores.append(out.score.total)
        entry.debrief = None
    reaction_line = None
    if out.reaction in REACTIONS:
        reaction_line = reaction_text(
            ex.seed,
            complaint_id,
            reaction=out.reaction,
            customer=who,
            topic=item.topic,
            channel=item.channel,
            turn=sum(1 for e in item.thread if e[1].startswith("reaction:")),
        )
    return {
        "complaint_id": complaint_id,
        "author": who.name,
        "channel": item.channel,
        "action": out.action,
        "score": scored,
        "reaction": out.reaction,
        "reaction_text": reaction_line,
        "outcome": out.outcome,
        "satisfied": bool(out.satisfied == 1),
        "spread_before": round(out.spread_before, 3),
        "spread_after": round(out.spread_after, 3),
        "now_min": round(t, 2),
    }


def final_model(ex: Exercise) -> LiveExercise:
    """The finished exercise's model (its storm run to the end)."""
    with cache().lock(ex.id):
        return live(ex, ex.duration_min)
