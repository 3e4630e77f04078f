"""The exercise clock (speed × real time, paused where the trainee last saw it) and starting an
exercise."""

from __future__ import annotations

from datetime import datetime

import sim

from ..extensions import db
from ..models import (
    SEAT_BY_DIFFICULTY,
    Assignment,
    Difficulty,
    Exercise,
    ExerciseState,
    User,
    settings_for,
    utcnow,
)
from .base import STALE_AFTER_S
from .scenarios import _pinned_full, pin_scenario


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
