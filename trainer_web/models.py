"""The trainer's records: people, cohorts, assignments and event-sourced exercises.

An :class:`Exercise` is its scenario, seed, speed, seat and the trainee's :class:`Action` rows
stamped with simulation time: replaying them into a fresh :class:`sim.StormModel` rebuilds the
exercise exactly (see :mod:`trainer_web.engine`). The result columns of an action (score,
reaction…) are a copy of what the model answered, kept for tables and CSV without a replay.
"""

from __future__ import annotations

import enum
import secrets
from datetime import UTC, datetime

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from .extensions import db


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def hash_password(password: str) -> str:
    """The stored form of a password (scrypt; slow on purpose: hash outside transactions)."""
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    return generate_password_hash(password, method=method)


class Role(enum.StrEnum):
    TRAINEE = "trainee"
    INSTRUCTOR = "instructor"
    ADMIN = "admin"


class ExerciseState(enum.StrEnum):
    RUNNING = "running"
    PAUSED = "paused"
    FINISHED = "finished"


class Difficulty(enum.StrEnum):
    """How much of the storm lands in the trainee's seat."""

    EASY = "easy"
    MEDIUM = "medium"
    HARD = "hard"


# Share of new public complaints routed to the trainee, and the inbox cap, per difficulty.
SEAT_BY_DIFFICULTY = {
    Difficulty.EASY: (0.15, 5),
    Difficulty.MEDIUM: (0.3, 8),
    Difficulty.HARD: (0.5, 12),
}


class User(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    display_name: Mapped[str] = mapped_column(String(120), default="")
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(16), default=Role.TRAINEE)
    # The per-user session version: every session and remember-me cookie carries it, and the
    # user loader checks it on each request. Rotated at sign-out, "sign out everywhere" and
    # every password change, so that copies of old cookies stop working server-side.
    session_token: Mapped[str] = mapped_column(String(64), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    # use_alter: users and cohorts refer to each other (a cohort has an instructor).
    cohort_id: Mapped[int | None] = mapped_column(
        ForeignKey("cohort.id", ondelete="SET NULL", use_alter=True, name="fk_user_cohort_id"),
        index=True,
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    cohort: Mapped[Cohort | None] = relationship(back_populates="trainees", foreign_keys=cohort_id)

    def set_password(self, password: str) -> None:
        self.password_hash = hash_password(password)
        self.end_sessions()

    def end_sessions(self) -> None:
        """Invalidate every session and remember-me cookie issued so far (not committed)."""
        self.session_token = secrets.token_hex(24)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def get_id(self) -> str:
        return self.session_token

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def name(self) -> str:
        return self.display_name or self.username

    def has_role(self, *roles: str) -> bool:
        return self.role in roles


class Cohort(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    instructor_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    instructor: Mapped[User] = relationship(foreign_keys=instructor_id)
    trainees: Mapped[list[User]] = relationship(
        back_populates="cohort", foreign_keys=User.cohort_id, order_by=User.username
    )
    assignments: Mapped[list[Assignment]] = relationship(
        back_populates="cohort", cascade="all, delete-orphan", order_by="Assignment.id.desc()"
    )


class Assignment(db.Model):
    """A scenario set for a cohort: how long (simulated), how fast, how hard, which seed."""

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    scenario_id: Mapped[str] = mapped_column(String(64))
    difficulty: Mapped[str] = mapped_column(String(16), default=Difficulty.MEDIUM)
    speed: Mapped[float] = mapped_column(default=10.0)  # simulated minutes per real minute
    duration_min: Mapped[float] = mapped_column(default=60.0)  # simulated minutes
    # Where in the scenario's timeline the exercise starts (minutes from the file's start).
    start_min: Mapped[float] = mapped_column(default=0.0)
    seed: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    cohort: Mapped[Cohort] = relationship(back_populates="assignments")


class Exercise(db.Model):
    """One trainee playing one assignment: the event-sourced record of a live storm."""

    __table_args__ = (UniqueConstraint("assignment_id", "trainee_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int | None] = mapped_column(
        ForeignKey("assignment.id", ondelete="CASCADE"), index=True
    )
    trainee_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    # Everything the model is built from, copied at the start so later edits change nothing.
    scenario_id: Mapped[str] = mapped_column(String(64))
    # The exact scenario text it is played with (a content-addressed copy of the library file)
    # and the model version that started it: replay reads the copy, never today's library file.
    # None only for an exercise older than pinning whose file had left the library.
    scenario_sha256: Mapped[str | None] = mapped_column(
        ForeignKey("scenario_copy.sha256", name="fk_exercise_scenario_sha256"), index=True
    )
    model_version: Mapped[str | None] = mapped_column(String(32))
    seed: Mapped[int]
    speed: Mapped[float]
    start_min: Mapped[float] = mapped_column(default=0.0)  # offset into the scenario
    duration_min: Mapped[float]  # the exercise's model runs from minute 0 to this
    channels: Mapped[list] = mapped_column(JSON)
    share: Mapped[float]
    max_open: Mapped[int]
    empowered: Mapped[bool]
    remedy_limit: Mapped[float]
    weights: Mapped[dict] = mapped_column(JSON)
    canned_replies: Mapped[list] = mapped_column(JSON)
    # The clock: ``clock_sim_min`` at wall time ``clock_wall_at`` (UTC); running or paused.
    n_actions: Mapped[int] = mapped_column(default=0)
    state: Mapped[str] = mapped_column(String(16), default=ExerciseState.PAUSED)
    clock_sim_min: Mapped[float] = mapped_column(default=0.0)
    clock_wall_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The last simulation time a client was shown, and when: a restarted server resumes there.
    acked_sim_min: Mapped[float] = mapped_column(default=0.0)
    acked_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    # A retry of an earlier attempt (same scenario, seed and seat): the first attempt's id. Only
    # the first attempt carries the assignment, so each assignment has one exercise per trainee.
    retry_of: Mapped[int | None] = mapped_column(
        ForeignKey("exercise.id", ondelete="CASCADE", name="fk_exercise_retry_of"), index=True
    )
    # The finished exercise's grade (trainer_web.grading), so tables need no replay.
    grade: Mapped[dict | None] = mapped_column(JSON)

    trainee: Mapped[User] = relationship(foreign_keys=trainee_id)
    assignment: Mapped[Assignment | None] = relationship()
    first_attempt: Mapped[Exercise | None] = relationship(remote_side=[id])

    @property
    def graded_assignment(self) -> Assignment | None:
        """The assignment this exercise (or the attempt it retries) was set for."""
        return self.assignment or (self.first_attempt.assignment if self.first_attempt else None)

    actions: Mapped[list[Action]] = relationship(
        back_populates="exercise", cascade="all, delete-orphan", order_by="Action.seq"
    )


class Action(db.Model):
    """A trainee's reply, at simulation minute ``sim_min``: the event the exercise replays."""

    __table_args__ = (UniqueConstraint("exercise_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    exercise_id: Mapped[int] = mapped_column(
        ForeignKey("exercise.id", ondelete="CASCADE"), index=True
    )
    seq: Mapped[int]
    sim_min: Mapped[float]
    complaint_id: Mapped[int]
    action: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    remedy: Mapped[float] = mapped_column(default=0.0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # What the model answered (derived; the replay recomputes it).
    score: Mapped[float]
    passed: Mapped[bool]
    criteria: Mapped[dict] = mapped_column(JSON)  # ScoreResult.as_dict() without features
    reaction: Mapped[str] = mapped_column(String(32))
    outcome: Mapped[str] = mapped_column(String(32))
    first_response: Mapped[bool]  # the complaint's first answer (counts for FRT)
    wait_min: Mapped[float]  # how long the complaint had waited
    sla_min: Mapped[float]
    complaint: Mapped[dict] = mapped_column(JSON)  # channel, author, text… as the trainee saw it

    exercise: Mapped[Exercise] = relationship(back_populates="actions")
    notes: Mapped[list[Note]] = relationship(
        back_populates="action", cascade="all, delete-orphan", order_by="Note.id"
    )


class Note(db.Model):
    """An instructor's annotation on a reply."""

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("action.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    action: Mapped[Action] = relationship(back_populates="notes")
    author: Mapped[User | None] = relationship()


class ScenarioCopy(db.Model):
    """A library scenario exactly as an exercise was started with it, stored once per content.

    ``sha256`` is the SHA-256 of ``text`` (UTF-8) when the scenario reads no other file; with a
    forecast CSV it covers the text and each file (see :func:`trainer_web.engine.pin_digest`).
    """

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    scenario_id: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    files: Mapped[dict] = mapped_column(JSON, default=dict)  # forecast CSVs: path as written → text
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class OrgSettings(db.Model):
    """The organisation's default policy for new exercises (canned replies, remedies, rubric
    weights): only an admin changes it; a cohort's :class:`CohortSettings` override it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    canned_replies: Mapped[list] = mapped_column(JSON)
    remedy_limit: Mapped[float] = mapped_column(default=50.0)
    empowered: Mapped[bool] = mapped_column(default=True)
    weights: Mapped[dict] = mapped_column(JSON)


class CohortSettings(db.Model):
    """A cohort's own policy for its new exercises, overriding the organisation's defaults.

    Owned by the cohort: only its instructor (or an admin) may see or change it.
    """

    cohort_id: Mapped[int] = mapped_column(
        ForeignKey("cohort.id", ondelete="CASCADE"), primary_key=True
    )
    canned_replies: Mapped[list] = mapped_column(JSON)
    remedy_limit: Mapped[float] = mapped_column(default=50.0)
    empowered: Mapped[bool] = mapped_column(default=True)
    weights: Mapped[dict] = mapped_column(JSON)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    updated_by: Mapped[User | None] = relationship()


class LoginFailure(db.Model):
    """A failed sign-in, for throttling (kept in the database so every worker sees it)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), index=True)  # "user:<name>" or "ip:<addr>"
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


def org_settings() -> OrgSettings:
    """The organisation's settings row, created with the rubric's defaults on first use."""
    from sim.scoring import DEFAULT_WEIGHTS
    from sim.text import CANNED_REPLIES

    row = db.session.get(OrgSettings, 1)
    if row is None:
        row = OrgSettings(
            id=1,
            canned_replies=list(CANNED_REPLIES),
            remedy_limit=50.0,
            empowered=True,
            weights=dict(DEFAULT_WEIGHTS),
        )
        try:
            with db.session.begin_nested():  # two first requests at once: one insert wins
                db.session.add(row)
        except IntegrityError:
            row = db.session.get(OrgSettings, 1)
    return row


def settings_for(cohort: Cohort | None) -> OrgSettings | CohortSettings:
    """The policy a cohort's new exercises start with: its own settings, else the org's."""
    if cohort is not None:
        own = db.session.get(CohortSettings, cohort.id)
        if own is not None:
            return own
    return org_settings()
