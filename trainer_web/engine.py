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

import dataclasses
import hashlib
import math
import tempfile
import threading
import tomllib
from collections import OrderedDict, deque
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path

from flask import current_app, has_app_context
from sqlalchemy.exc import IntegrityError

import sim
from sim.arrivals import baseline_rate_edges
from sim.library import LIBRARY
from sim.model import ActionError, InboxItem, StormModel, TraineeSeat
from sim.scoring import ReplyFeatures, score_reply
from sim.scoring.phrases import (
    PLATFORM_HARD_LIMIT,
    SAFETY_TOPICS,
    channel_kind,
    max_chars,
    topic_guide,
)
from sim.text import REACTIONS, complaint_text, mood, persona, reaction_text
from sim.vocab import ReplyAction

from .extensions import db
from .models import (
    SEAT_BY_DIFFICULTY,
    Action,
    Assignment,
    Difficulty,
    Exercise,
    ExerciseState,
    ScenarioCopy,
    User,
    settings_for,
    utcnow,
)

SCENARIO_DIR = LIBRARY
ACK_EVERY_S = 2.0  # how often a poll stores the acknowledged simulation time
STALE_AFTER_S = 30.0  # a running exercise unpolled this long is paused at its acked time
MAX_REPLY_CHARS = 5_000  # longer than any channel allows; a 10 MB paste is refused outright
JOIN_BEFORE_INCIDENT_MIN = 10.0  # a trainee joins ten minutes before the storm breaks
OFFICE_OPENS_MIN = 9 * 60  # …or, in a scenario without incidents, at 09:00
TREND_WINDOW_MIN = 15.0  # the storm's trend compares arrivals in the last two such windows
GAUGE_WINDOW_MIN = 30.0  # the gauge's arrival rate: a rolling window, never reset at the hour
GAUGE_MIN_WINDOW_MIN = 5.0  # …shown once it spans this much (a rate of two minutes is noise)
SURGE_LEVELS = ((3.0, "surging"), (1.5, "elevated"), (0.0, "normal"))  # × the usual volume
URGENT_NOW_MIN = 5.0  # a complaint that breaches its SLA or loses its customer within this
URGENT_SOON_MIN = 15.0
SAMPLE_EVERY_MIN = 5.0  # storm size sampled on a fixed grid, so replays sample it identically
ACTIONS = tuple(ReplyAction)  # the rep's actions: sim.vocab.ReplyAction, in its order


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


class Unreplayable(Exception):
    """The exercise's model cannot be rebuilt (its pinned scenario cannot be read, or a replay
    no longer matches its stored replies): it is shown read-only, from what is stored."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def scenario_dir() -> Path:
    """Where the library is: ``SCENARIO_DIR`` (``TRAINER_SCENARIO_DIR``), else ``scenarios/``."""
    if has_app_context():
        return Path(current_app.config.get("SCENARIO_DIR") or SCENARIO_DIR)
    return SCENARIO_DIR


def library() -> dict[str, LibraryEntry]:
    """The training scenarios (the pure-queue ``erlang_*`` files are for planners, not reps)."""
    return _library_at(str(scenario_dir()))


@lru_cache(maxsize=4)
def _library_at(folder: str) -> dict[str, LibraryEntry]:
    entries = {}
    for path in sorted(Path(folder).glob("*.toml")):
        if path.stem.startswith("erlang_"):
            continue
        sc = sim.load_scenario(path)
        public = tuple(name for name, ch in sc.channels.items() if ch.public)
        entries[path.stem] = LibraryEntry(
            path.stem, sc.info.name, sc.info.description, tuple(sc.channels), public
        )
    return entries


def reload_library() -> None:
    """Forget the library as read so far (the next look reads the folder again)."""
    _library_at.cache_clear()
    _scenario_at.cache_clear()
    exercise_scenario.cache_clear()


def suggested_start_min(scenario_id: str) -> float:
    """Where a trainee should join: shortly before the first incident, else at 09:00."""
    sc = _scenario(scenario_id)
    if sc.incidents:
        return max(0.0, min(i.start_hour for i in sc.incidents) * 60.0 - JOIN_BEFORE_INCIDENT_MIN)
    start = sc.info.start
    minute_of_day = start.hour * 60 + start.minute
    return float((OFFICE_OPENS_MIN - minute_of_day) % (24 * 60))


def _scenario(scenario_id: str):
    """Today's library file (for assignments not yet started; exercises use their pin)."""
    return _scenario_at(str(scenario_dir()), scenario_id)


@lru_cache(maxsize=16)
def _scenario_at(folder: str, scenario_id: str):
    if scenario_id not in _library_at(folder):
        raise Rejected(404, f"unknown scenario {scenario_id!r}")
    return sim.load_scenario(Path(folder) / f"{scenario_id}.toml")


def _window(sc, start_min: float, duration_min: float):
    """The window of scenario ``sc`` a trainee plays: :meth:`sim.StormScenario.window`."""
    return sc.window(start_min, duration_min)


@lru_cache(maxsize=64)
def exercise_scenario(scenario_id: str, start_min: float, duration_min: float):
    """The window of today's library file (a brief before the start); see :func:`_window`."""
    return _window(_scenario(scenario_id), start_min, duration_min)


@lru_cache(maxsize=32)
def baseline_results(scenario_id: str, start_min: float, duration_min: float, seed: int):
    """The same storm worked by bot reps only: "what would have happened"."""
    return sim.run(exercise_scenario(scenario_id, start_min, duration_min), seed=seed)


# --- Pinned scenarios: an exercise plays the exact text it started with, forever ----------------
def pin_digest(text: str, files: dict[str, str]) -> str:
    """SHA-256 of a pinned scenario: of its text alone (as ``sha256sum`` of the file says) when
    it reads no other file, else of the text followed by each file's name and content."""
    h = hashlib.sha256(text.encode("utf-8"))
    for name in sorted(files):
        h.update(b"\0" + name.encode("utf-8") + b"\0" + files[name].encode("utf-8"))
    return h.hexdigest()


def read_library_file(path: Path) -> tuple[str, dict[str, str]]:
    """A library file's text and the files it reads (its forecast CSV), as they are now."""
    text = path.read_bytes().decode("utf-8").removeprefix("\ufeff")
    files: dict[str, str] = {}
    try:
        arrivals = tomllib.loads(text).get("arrivals")
    except ValueError:
        arrivals = None  # validation names the problem
    ref = arrivals.get("forecast_csv") if isinstance(arrivals, dict) else None
    if isinstance(ref, str):
        with suppress(OSError, UnicodeDecodeError):  # validation names the problem
            files[ref] = (path.parent / ref).read_bytes().decode("utf-8")
    return text, files


@contextmanager
def _opened_pin(sha: str):
    """A loader of the pinned scenario ``sha`` (its forecast files exist while it is open)."""
    copy = db.session.get(ScenarioCopy, sha)
    if copy is None:
        raise Unreplayable(f"its pinned scenario {sha[:12]} is not in the database")
    source = f"{copy.scenario_id}.toml"
    if not copy.files:
        yield lambda: sim.parse_scenario(copy.text, source=source)
        return
    with tempfile.TemporaryDirectory(prefix="stormdesk-pin-") as tmp:
        doc = tomllib.loads(copy.text)
        for i, (name, content) in enumerate(sorted(copy.files.items())):
            local = f"file{i}.csv"
            Path(tmp, local).write_text(content, encoding="utf-8")
            if doc.get("arrivals", {}).get("forecast_csv") == name:
                doc["arrivals"]["forecast_csv"] = local
        yield lambda: sim.parse_scenario(doc, source=source, base_dir=Path(tmp))


def _load_pin(sha: str, make):
    try:
        with _opened_pin(sha) as load:
            return make(load())
    except (sim.ScenarioError, ValueError) as e:
        raise Unreplayable(
            f"its pinned scenario cannot be read: {str(e).splitlines()[0]}"
        ) from None


@lru_cache(maxsize=16)
def _pinned_full(sha: str):
    return _load_pin(sha, lambda sc: sc)


@lru_cache(maxsize=64)
def _pinned_window(sha: str, start_min: float, duration_min: float):
    return _load_pin(sha, lambda sc: _window(sc, start_min, duration_min))


def pin_scenario(scenario_id: str) -> ScenarioCopy:
    """The content-addressed copy of library scenario ``scenario_id`` as its file is now."""
    if scenario_id not in library():
        raise Rejected(404, f"unknown scenario {scenario_id!r}")
    try:
        text, files = read_library_file(scenario_dir() / f"{scenario_id}.toml")
    except (OSError, UnicodeDecodeError) as e:
        raise Rejected(409, f"scenario {scenario_id!r} cannot be read now: {e}") from None
    sha = pin_digest(text, files)
    copy = db.session.get(ScenarioCopy, sha)
    if copy is not None:
        return copy
    copy = ScenarioCopy(sha256=sha, scenario_id=scenario_id, text=text, files=files)
    try:
        with db.session.begin_nested():  # two trainees starting at once: one insert wins
            db.session.add(copy)
    except IntegrityError:
        copy = db.session.get(ScenarioCopy, sha)
    try:
        _pinned_full(sha)  # a file edited into something invalid is refused before it is played
    except Unreplayable as e:
        raise Rejected(409, f"scenario {scenario_id!r} {e.reason.removeprefix('its ')}") from None
    return copy


def _no_pin(ex: Exercise) -> Unreplayable:
    return Unreplayable(
        f"it was played before exercises kept their scenario, and {ex.scenario_id!r} had left "
        "the library when the database was upgraded"
    )


def pinned_scenario(ex: Exercise):
    """The whole scenario ``ex`` was started with (raises :class:`Unreplayable`)."""
    if ex.scenario_sha256 is None:
        raise _no_pin(ex)
    return _pinned_full(ex.scenario_sha256)


def scenario_of(ex: Exercise):
    """The window ``ex`` plays, from its pinned text (raises :class:`Unreplayable`)."""
    if ex.scenario_sha256 is None:
        raise _no_pin(ex)
    return _pinned_window(ex.scenario_sha256, ex.start_min, ex.duration_min)


def replay_mismatch(ex: Exercise, detail: str) -> Unreplayable:
    """The replay of ``ex`` no longer matches its stored replies (a model change)."""
    then = ex.model_version or "unknown"
    version = (
        f"the model changed since it was played ({then} → {sim.__version__})"
        if then != sim.__version__
        else f"the model ({sim.__version__}) no longer replays it"
    )
    return Unreplayable(f"{version}: {detail}")


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


def warm_up() -> None:
    """Build what the first requests would otherwise build while a trainee waits: the scenario
    library and the reply scorer's models (see :func:`sim.scoring.warm_up`)."""
    from sim.scoring import warm_up as warm_up_scorer

    library()
    warm_up_scorer()


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


def pause_running_exercises() -> int:
    """At a server's start: pause every running exercise at its last acknowledged time.

    While the server was down nobody saw the clock or could reply, so a running exercise must
    not have run on through the outage, however short (:func:`settle_clock` only catches
    outages longer than :data:`STALE_AFTER_S`). `serve` runs this once before it listens (with
    ``--processes N``, before it starts the processes), when nothing is being served. Returns
    how many.
    """
    wall = utcnow()
    running = db.session.execute(
        db.select(Exercise).filter_by(state=ExerciseState.RUNNING)
    ).scalars()
    n = 0
    for ex in running:
        ex.clock_sim_min = min(ex.acked_sim_min, ex.duration_min)
        ex.clock_wall_at = wall
        ex.state = ExerciseState.PAUSED
        n += 1
    db.session.commit()
    return n


# --- Starting --------------------------------------------------------------------------------
def start_exercise(assignment: Assignment, trainee: User, *, running: bool = True) -> Exercise:
    """The trainee's exercise for ``assignment``; a new one pins the library file as it is now
    and starts with the cohort's settings (else the organisation's)."""
    ex = db.session.execute(
        db.select(Exercise).filter_by(assignment_id=assignment.id, trainee_id=trainee.id)
    ).scalar_one_or_none()
    if ex is not None:
        return ex
    pin = pin_scenario(assignment.scenario_id)
    full = _pinned_full(pin.sha256)
    public = [name for name, ch in full.channels.items() if ch.public]
    share, max_open = SEAT_BY_DIFFICULTY[Difficulty(assignment.difficulty)]
    org = settings_for(assignment.cohort)
    ex = Exercise(
        assignment_id=assignment.id,
        trainee_id=trainee.id,
        scenario_id=assignment.scenario_id,
        scenario_sha256=pin.sha256,
        model_version=sim.__version__,
        seed=assignment.seed,
        speed=assignment.speed,
        start_min=assignment.start_min,
        duration_min=assignment.duration_min,
        channels=public or list(full.channels)[:1],
        share=share,
        max_open=max_open,
        empowered=org.empowered,
        remedy_limit=org.remedy_limit,
        weights=dict(org.weights),
        canned_replies=list(org.canned_replies),
        **new_clock(running),
    )
    db.session.add(ex)
    return ex


def new_clock(running: bool) -> dict:
    """The clock columns of a new exercise: simulated minute 0 now, running or paused."""
    wall = utcnow()
    return {
        "state": ExerciseState.RUNNING if running else ExerciseState.PAUSED,
        "clock_sim_min": 0.0,
        "clock_wall_at": wall,
        "acked_sim_min": 0.0,
        "acked_at": wall,
        "started_at": wall,
    }


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


# --- What the trainee sees ---------------------------------------------------------------------
REACH_LABELS = ((100_000, "huge"), (10_000, "large"), (1_000, "wide"), (100, "some"), (0, "small"))


def reach_label(followers: float) -> str:
    return next(label for floor, label in REACH_LABELS if followers >= floor)


def _opening_text(seed: int, item: InboxItem, who) -> str:
    return _complaint_text(
        seed,
        item.id,
        item.channel,
        item.topic,
        item.anger,
        item.public or item.in_dm,
        who,
        item.origin == "repost",
    )


@lru_cache(maxsize=16_384)
def _complaint_text(seed, cid, channel, topic, anger, public, who, repost) -> str:
    """A complaint's opening post (seeded by the run and the complaint: the same every time),
    kept because every poll shows every waiting complaint's thread (a fifth of a poll's time)."""
    return complaint_text(
        seed,
        cid,
        channel=channel,
        topic=topic,
        anger=anger,
        public=public,
        customer=who,
        repost=repost,
    )


def clock_label(ex: Exercise, minute: float) -> str:
    """``HH:MM`` on the exercise's clock at simulated ``minute``."""
    return (scenario_of(ex).info.start + timedelta(minutes=minute)).strftime("%H:%M")


def told_friends_line(who) -> str:
    """``told_friends`` happens off the platform: the trainee sees no post, so say what it means."""
    return (
        f"{who.name} did not answer you, but told friends and family how this went: "
        "word of mouth you cannot see or reply to."
    )


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
            if reaction == "told_friends":
                messages.append(("system", minute, told_friends_line(who), None))
            elif reaction in REACTIONS:
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


def urgency(item: InboxItem) -> dict:
    """One urgency from the SLA and the customer's patience: minutes until the first to run out.

    An SLA already missed counts as due now; a customer who never gives up and has been answered
    once has no deadline (``minutes`` None). ``level`` is now / soon / later / none, and ``why``
    says which clock runs out first, in words.
    """
    sla, patience = item.sla_left_min, item.patience_left_min
    clocks = []
    if patience is not None:
        clocks.append((max(patience, 0.0), f"gives up in ~{max(0, round(patience))} min"))
    if sla is not None:
        if sla < 0:
            clocks.append((0.0, f"SLA missed {_mmss(-sla)} ago"))
        else:
            clocks.append((sla, f"SLA due in {_mmss(sla)}"))
    if not clocks:
        return {"minutes": None, "level": "none", "why": "no deadline: answered once already"}
    minutes, why = min(clocks, key=lambda c: c[0])
    if patience is not None and sla is not None and sla < 0 and patience >= 0:
        why = f"SLA missed {_mmss(-sla)} ago · gives up in ~{max(0, round(patience))} min"
        minutes = 0.0
    level = "now" if minutes < URGENT_NOW_MIN else "soon" if minutes < URGENT_SOON_MIN else "later"
    return {"minutes": round(minutes, 1), "level": level, "why": why}


def _mmss(minutes: float) -> str:
    whole = int(minutes)
    return f"{whole}:{int((minutes - whole) * 60):02d}"


def post_limit(item: InboxItem) -> dict:
    """The longest reply this complaint's channel takes, and whether the platform enforces it."""
    kind = channel_kind(item.channel)
    return {
        "max_chars": max_chars(kind, item.public),
        "hard": kind in PLATFORM_HARD_LIMIT and item.public,
    }


def inbox_item_view(ex: Exercise, item: InboxItem, replies, contacts=None) -> dict:
    seed = ex.seed
    who = persona(seed, item.author)
    earlier = [
        {**c, "at": clock_label(ex, c["min"])}
        for c in (contacts or {}).get(int(item.author), ())
        if c["complaint_id"] != item.id
    ]
    return {
        "id": item.id,
        "channel": item.channel,
        "public": item.public,
        "in_dm": item.in_dm,
        "topic": item.topic.replace("_", " "),
        "author": who.name,
        "first_name": who.first_name,
        "handle": who.handle,
        "issue": topic_guide(item.topic).issue,
        "safety": item.topic in SAFETY_TOPICS,
        "urgency": urgency(item),
        "limit": post_limit(item),
        "earlier": earlier,
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


def _sample_at(entry: LiveExercise, minute: float) -> tuple | None:
    """The last grid sample at or before ``minute`` (the start, empty, if the deque has it all)."""
    s = entry.samples
    for row in reversed(s):
        if row[0] <= minute + 1e-9:
            return row
    if len(s) < (s.maxlen or 0):
        return (0.0, 0, 0)
    return None


def _trend(entry: LiveExercise, now: float | None = None, total: int | None = None) -> str:
    """growing / calming / steady: arrivals in the last window against the one before.

    ``now`` and ``total`` are the live minute and complaint count (default: the last sample).
    """
    s = entry.samples
    if now is None or total is None:
        if not s:
            return "steady"
        now, total = s[-1][0], s[-1][1]
    a = _sample_at(entry, now - TREND_WINDOW_MIN)
    b = _sample_at(entry, now - 2 * TREND_WINDOW_MIN)
    if a is None or b is None or now < 2 * TREND_WINDOW_MIN:
        return "steady"
    recent = (total - a[1]) / max(now - a[0], 1e-9)
    before = (a[1] - b[1]) / max(a[0] - b[0], 1e-9)
    if recent > 1.25 * before + 1 / TREND_WINDOW_MIN:
        return "growing"
    if recent < 0.8 * before - 1 / TREND_WINDOW_MIN:
        return "calming"
    return "steady"


_BASELINES: dict[tuple, tuple] = {}


def _usual_per_hour(ex: Exercise, clock, a: float, b: float) -> float:
    """The scenario's usual arrivals per hour over minutes ``a``–``b`` (its baseline: time of
    day and weekday, no incident), the volume the storm is measured against."""
    key = (ex.scenario_sha256, ex.start_min, ex.duration_min)
    if key not in _BASELINES:
        _BASELINES[key] = baseline_rate_edges(scenario_of(ex), clock)
    edges, per_hour = _BASELINES[key]
    if b - a < 1e-9:
        a, b = a - 1.0, a
    total = 0.0
    for k, rate in enumerate(per_hour):
        lo, hi = max(a, edges[k]), min(b, edges[k + 1])
        if hi > lo:
            total += rate * (hi - lo)
    return total / (b - a)


def storm_gauge(ex: Exercise, entry: LiveExercise, t: float, complaints: int, waiting: int):
    """Arrivals per hour over a rolling window against the usual volume, and the queue's trend."""
    start = _sample_at(entry, t - GAUGE_WINDOW_MIN)
    rate = usual = None
    window = 0.0
    if start is not None:
        window = t - start[0]
        if window >= GAUGE_MIN_WINDOW_MIN:
            rate = (complaints - start[1]) / window * 60.0
            usual = _usual_per_hour(ex, entry.model.clock, start[0], t)
    ratio = None if rate is None or not usual else rate / usual
    level = "normal"
    if ratio is not None:
        level = next(label for floor, label in SURGE_LEVELS if ratio >= floor)
    past = _sample_at(entry, t - TREND_WINDOW_MIN)
    before = None if past is None or t < TREND_WINDOW_MIN else past[2]
    queue_trend = "steady"
    if before is not None:
        if waiting > 1.2 * before + 2:
            queue_trend = "rising"
        elif waiting < 0.8 * before - 2:
            queue_trend = "falling"
    return {
        "window_min": round(window, 1),
        "arrivals_per_hour": None if rate is None else round(rate),
        "usual_per_hour": None if usual is None else round(usual, 1),
        "vs_usual": None if ratio is None else round(ratio, 1),
        "level": level,
        "queue_before": before,
        "queue_trend": queue_trend,
    }


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
        inbox = [
            inbox_item_view(ex, i, entry.replies.get(i.id, []), entry.contacts) for i in m.inbox()
        ]
        trend = _trend(entry, t, status["complaints"])
        gauge = storm_gauge(ex, entry, t, status["complaints"], status["waiting"])
        last_hour = _sample_at(entry, t - 60.0)
        scores = list(entry.scores)
    # Built before the acknowledgement is committed: reading the row after a commit would load
    # it again (a commit expires it), a query per poll for nothing.
    view = {
        "exercise": ex.id,
        "state": str(ex.state),
        "now_min": round(t, 2),
        "duration_min": ex.duration_min,
        "speed": ex.speed,
        "clock": status["clock"],
        "storm": {
            "complaints": status["complaints"],
            "waiting": status["waiting"],
            # a rolling hour (it used to reset to nothing at each clock hour)
            "arrivals_this_hour": status["complaints"] - (last_hour or (0, 0))[1],
            **gauge,
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
    if (
        ack
        and ex.state == ExerciseState.RUNNING
        and (wall - ex.acked_at).total_seconds() >= ACK_EVERY_S
    ):
        ex.acked_sim_min = t
        ex.acked_at = wall
        db.session.commit()
    return view


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


def refuse_unpostable(item: InboxItem, text: str) -> None:
    """Refuse (422) a reply the platform itself would not post: over its hard length limit."""
    limit = post_limit(item)
    if limit["hard"] and len(text) > limit["max_chars"]:
        raise Rejected(
            422,
            f"not sent: {len(text)} characters cannot be posted publicly on {item.channel} "
            f"(at most {limit['max_chars']}). Cut it to the apology, the action and the time.",
        )


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
        if item is None:
            raise Rejected(
                409,
                f"complaint {complaint_id} is not waiting for your reply any more: it is no longer "
                "in your inbox (the customer gave up, or it was answered), so nothing was sent",
            )
        refuse_unpostable(item, text)
        try:
            out = m.act(
                complaint_id,
                action,
                text,
                remedy=remedy,
                canned_texts=tuple(ex.canned_replies),
                weights=ex.weights,
                scorer=cache().scores.score,
            )
        except ActionError as e:
            raise Rejected(409, str(e)) from None
        try:
            who = persona(ex.seed, item.author)
            scored = out.score.as_dict()
            scored.pop("features", None)
            # What the model read from the reply, so that a replay reacts exactly as now
            # without scoring again: faster, and immune to later changes of the scorer.
            scored[REPLAY_FEATURES] = dataclasses.asdict(out.score.features)
            row = Action(
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
            db.session.add(row)
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
        _remember_contact(entry, row.complaint, complaint_id, t, row)
        entry.debrief = None
    reaction_line = None
    if out.reaction == "told_friends":
        reaction_line = told_friends_line(who)
    elif out.reaction in REACTIONS:
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


# --- The knowledge panel -----------------------------------------------------------------------
SAFETY_RULES = (
    "Show care and act now: ask them to stop using the product and arrange a safe collection.",
    "Never tell a customer it is safe unless someone has checked.",
    "Do not admit fault or liability in public: that is for the safety team, in private.",
    "Order numbers and batch codes go in DM, never in a public reply.",
)


def knowledge(ex: Exercise) -> dict:
    """The scenario's facts a rep should quote: what happened, what to say, the channels' rules.

    Built from the scenario file (its description, incidents and policy), the scorer's topic
    guides and channel limits, and the exercise's own seat (remedy limit), so what the panel
    says is what the scorer and the model use.
    """
    full = pinned_scenario(ex)
    window = scenario_of(ex)
    start = full.info.start
    incidents = []
    topics = []
    for inc in full.incidents:
        begins = start + timedelta(hours=inc.start_hour)
        ends = begins + timedelta(hours=inc.duration_hours)
        guide = topic_guide(inc.topic)
        if inc.topic not in topics:
            topics.append(inc.topic)
        incidents.append(
            {
                "name": inc.name.replace("_", " "),
                "topic": inc.topic.replace("_", " "),
                "when": f"{begins:%a %H:%M} to {ends:%a %H:%M}",
                "volume": f"{inc.multiplier:g}× the usual volume" if inc.multiplier > 1 else None,
                "issue": guide.issue,
            }
        )
    guides = []
    for topic in topics:
        g = topic_guide(topic)
        guides.append(
            {
                "topic": topic.replace("_", " "),
                "issue": g.issue,
                "next_step": g.next_step,
                "details": g.details,
                "team": g.team,
                "rules": SAFETY_RULES if topic in SAFETY_TOPICS else (),
            }
        )
    channels = []
    for name in ex.channels:
        spec = window.channels.get(name)
        kind = channel_kind(name)
        public = bool(spec and spec.public)
        channels.append(
            {
                "name": name,
                "public": public,
                "sla_min": None if spec is None else spec.sla_min,
                "max_chars": max_chars(kind, public),
                "hard": kind in PLATFORM_HARD_LIMIT and public,
            }
        )
    policy = full.policy
    return {
        "description": " ".join(full.info.description.split()),
        "incidents": incidents,
        "guides": guides,
        "channels": channels,
        "remedy_limit": ex.remedy_limit if ex.empowered else 0,
        "holding_statement": bool(policy.holding_statement and policy.crisis_threshold > 0),
        "crisis_threshold": policy.crisis_threshold,
    }
