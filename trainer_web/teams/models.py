"""A team exercise's records: the exercise, its members and one ordered event log.

A :class:`TeamExercise` is one shared storm (scenario pin, seed, clock, the team's seat) worked
by 2–8 :class:`TeamMember` trainees, a lead and reps. Everything anyone does in it — claims,
assignments, replies, hand-offs, notes, the lead's decisions, the instructor's injects, pauses —
is one :class:`TeamEvent` row, numbered ``seq`` and stamped with simulation time. Replaying the
events in ``seq`` order into a fresh model rebuilds the storm, every inbox and every score
(see :mod:`trainer_web.teams.engine`). The columns named like those of
:class:`~trainer_web.models.Exercise` (clock, pin, seat) are so on purpose: the solo engine's
clock and pin functions take either.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models import Cohort, ExerciseState, User, utcnow

MIN_MEMBERS, MAX_MEMBERS = 2, 8


class TeamRole(enum.StrEnum):
    LEAD = "lead"
    REP = "rep"


class TeamExercise(db.Model):
    __tablename__ = "team_exercise"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    scenario_id: Mapped[str] = mapped_column(String(64))
    scenario_sha256: Mapped[str | None] = mapped_column(
        ForeignKey("scenario_copy.sha256", name="fk_team_exercise_scenario_sha256"), index=True
    )
    model_version: Mapped[str | None] = mapped_column(String(32))
    difficulty: Mapped[str] = mapped_column(String(16), default="medium")
    seed: Mapped[int]
    speed: Mapped[float]
    start_min: Mapped[float] = mapped_column(default=0.0)
    duration_min: Mapped[float]
    # The team's seat: its share of the storm (the rest is worked by bot reps).
    channels: Mapped[list] = mapped_column(JSON)
    share: Mapped[float]
    max_open: Mapped[int]
    empowered: Mapped[bool]
    remedy_limit: Mapped[float]
    weights: Mapped[dict] = mapped_column(JSON)
    canned_replies: Mapped[list] = mapped_column(JSON)
    n_events: Mapped[int] = mapped_column(default=0)
    state: Mapped[str] = mapped_column(String(16), default=ExerciseState.PAUSED)
    clock_sim_min: Mapped[float] = mapped_column(default=0.0)
    clock_wall_at: Mapped[datetime] = mapped_column(default=utcnow)
    acked_sim_min: Mapped[float] = mapped_column(default=0.0)
    acked_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]

    cohort: Mapped[Cohort] = relationship()
    members: Mapped[list[TeamMember]] = relationship(
        back_populates="team", cascade="all, delete-orphan", order_by="TeamMember.id"
    )

    @property
    def lead(self) -> TeamMember | None:
        return next((m for m in self.members if m.role == TeamRole.LEAD), None)

    def member_of(self, user_id: int) -> TeamMember | None:
        return next((m for m in self.members if m.user_id == user_id), None)


class TeamMember(db.Model):
    __tablename__ = "team_member"
    __table_args__ = (UniqueConstraint("team_exercise_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_exercise_id: Mapped[int] = mapped_column(
        ForeignKey("team_exercise.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(8), default=TeamRole.REP)
    channels: Mapped[list] = mapped_column(JSON)  # a rep's channels; [] = every channel

    team: Mapped[TeamExercise] = relationship(back_populates="members")
    user: Mapped[User] = relationship()

    @property
    def name(self) -> str:
        return self.user.name


class TeamEvent(db.Model):
    """One thing that happened in a team exercise, in order (``seq``) at ``sim_min``.

    ``kind``: claim, assign, handoff, reply, note, holding_statement, crisis_on, crisis_off,
    extra_staff, pause, resume, and the injects viral_post, journalist, outage, second_incident.
    ``result`` keeps what the model answered to a reply (score, reaction…), checked on replay.
    """

    __tablename__ = "team_event"
    __table_args__ = (UniqueConstraint("team_exercise_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_exercise_id: Mapped[int] = mapped_column(
        ForeignKey("team_exercise.id", ondelete="CASCADE"), index=True
    )
    seq: Mapped[int]
    sim_min: Mapped[float]
    kind: Mapped[str] = mapped_column(String(32))
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("team_member.id", ondelete="CASCADE")
    )  # who did it (None: the instructor)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    complaint_id: Mapped[int | None]
    target_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("team_member.id", ondelete="CASCADE")
    )
    action: Mapped[str | None] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text, default="")
    remedy: Mapped[float] = mapped_column(default=0.0)
    result: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
