"""How an exercise is graded: the one rule behind the debrief, the results table, the CSV export
and the live class view.

A trainee is graded on the complaints that landed in their seat, not only on the replies they
chose to send. Each complaint in the seat is worth up to 100 points:

* answered within the channel's SLA: the mean score of your replies to it;
* answered after the SLA ran out: half of that (:data:`LATE_CREDIT`);
* never answered (the customer gave up, or is still waiting): 0.

The exercise score is the mean over the seat's complaints. A complaint still waiting at the end
that arrived in the last :data:`GRACE_MIN` simulated minutes is left out: nobody could have
answered it. The exercise **passes** when its score reaches the pass mark and no reply was
auto-failed (a reply that must never go out — credentials asked for, an insult… — fails the
exercise however good the rest was).

Coaching flags name what to work on: low coverage, auto-fails, reply quality below the pass
mark, slow first responses.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Protocol

from sim.calibration import PASS_MARK

GRADING_VERSION = 1  # bump when the rule changes: stored grades are recomputed
LATE_CREDIT = 0.5  # a first answer after the SLA is worth half
GRACE_MIN = 5.0  # complaints arriving this close to the end and still waiting are left out
COVERAGE_BELOW = 0.6  # coaching: answered fewer than this share of the seat's complaints
WITHIN_SLA_BELOW = 0.8  # coaching: fewer than this share of the seat's complaints on time

PASS_RULE = (
    f"Every complaint in your seat counts: it earns your reply's score (0–100) if you answered "
    f"within the channel's SLA, half of it if you answered late, and 0 if you never answered. "
    f"You pass with a mean of at least {PASS_MARK:g} over the seat's complaints and no "
    f"auto-failed reply. Complaints that arrived in the last {GRACE_MIN:g} simulated minutes and "
    f"were still waiting at the end are not counted; ending early leaves the rest of your seat's "
    f"complaints unanswered."
)


class Reply(Protocol):
    """What grading reads of a trainee's reply (an :class:`~trainer_web.models.Action`)."""

    complaint_id: int
    score: float
    first_response: bool
    wait_min: float
    sla_min: float
    criteria: dict


@dataclass(frozen=True)
class SeatComplaint:
    """A complaint routed to the trainee's seat."""

    id: int
    created_min: float
    waiting_at_end: bool  # nobody answered it and the customer had not given up


@dataclass(frozen=True)
class Grade:
    score: float | None  # None: no complaint counted (nothing reached the seat)
    passed: bool | None
    seat: int  # complaints in the seat
    counted: int  # …of which graded (the rest arrived too late to answer)
    answered: int  # counted complaints you answered
    on_time: int  # …within the channel's SLA
    missed: int  # counted complaints never answered
    replies: int
    mean_reply: float | None  # mean score of the replies sent
    auto_fails: int
    coverage: float | None  # answered / counted
    within_sla: float | None  # on_time / counted
    coaching: list[str] = field(default_factory=list)
    version: int = GRADING_VERSION

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Grade:
        return cls(**data)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def is_auto_fail(reply: Reply) -> bool:
    return bool((reply.criteria or {}).get("auto_fail"))


def grade(seat: Iterable[SeatComplaint], replies: Sequence[Reply], end_min: float) -> Grade:
    """Grade an exercise from the seat's complaints and the trainee's replies up to ``end_min``.

    ``replies`` may include replies to complaints that are not in ``seat`` (none should be);
    they count for the reply quality but not for coverage.
    """
    seat = list(seat)
    by_complaint: dict[int, list[Reply]] = {}
    for r in replies:
        by_complaint.setdefault(r.complaint_id, []).append(r)
    counted = [
        c
        for c in seat
        if c.id in by_complaint or not (c.waiting_at_end and c.created_min > end_min - GRACE_MIN)
    ]
    credits, answered, on_time = [], 0, 0
    for c in counted:
        mine = by_complaint.get(c.id)
        if not mine:
            credits.append(0.0)
            continue
        answered += 1
        first = mine[0]
        timely = first.wait_min <= first.sla_min
        on_time += timely
        quality = statistics.fmean(r.score for r in mine)
        credits.append(quality if timely else quality * LATE_CREDIT)
    n = len(counted)
    scores = [r.score for r in replies]
    mean_reply = statistics.fmean(scores) if scores else None
    auto_fails = sum(1 for r in replies if is_auto_fail(r))
    score = statistics.fmean(credits) if credits else None
    passed = None if score is None else (score >= PASS_MARK and auto_fails == 0)
    coverage = answered / n if n else None
    within_sla = on_time / n if n else None

    coaching = []
    if not replies:
        coaching.append(
            f"sent no reply ({_plural(n, 'complaint')} in the seat)" if n else "sent no reply"
        )
    elif coverage is not None and coverage < COVERAGE_BELOW:
        coaching.append(f"low coverage: answered {answered} of {n} complaints in the seat")
    if auto_fails:
        coaching.append(f"auto-failed {_plural(auto_fails, 'reply')}")
    if mean_reply is not None and mean_reply < PASS_MARK:
        coaching.append(f"reply quality below {PASS_MARK:g} (mean {mean_reply:.0f})")
    if (
        replies
        and within_sla is not None
        and within_sla < WITHIN_SLA_BELOW
        and (coverage or 0) >= COVERAGE_BELOW
    ):
        coaching.append(f"slow first responses: {within_sla:.0%} within SLA")
    if score is not None and score < PASS_MARK and not coaching:
        coaching.append(f"exercise score below {PASS_MARK:g}")
    return Grade(
        score=None if score is None else round(score, 1),
        passed=passed,
        seat=len(seat),
        counted=n,
        answered=answered,
        on_time=on_time,
        missed=n - answered,
        replies=len(replies),
        mean_reply=None if mean_reply is None else round(mean_reply, 1),
        auto_fails=auto_fails,
        coverage=coverage,
        within_sla=within_sla,
        coaching=coaching,
    )


def seat_complaints(complaints) -> list[SeatComplaint]:
    """The seat's complaints from a model's complaints table (``results().complaints``)."""
    seat = complaints[complaints["trainee"]]
    out = []
    for cid, created, answered, gave_up in zip(
        seat["id"].to_numpy(),
        seat["created_min"].to_numpy(),
        seat["answered"].to_numpy(),
        seat["gave_up"].to_numpy(),
        strict=True,
    ):
        out.append(
            SeatComplaint(
                id=int(cid),
                created_min=float(created),
                waiting_at_end=not bool(answered) and not bool(gave_up),
            )
        )
    return out


def summarise(grades: Sequence[Grade]) -> dict:
    """Several exercises' grades as one line: mean score, passed all, coaching reasons merged."""
    graded = [g for g in grades if g.score is not None]
    reasons: list[str] = []
    for g in graded:
        for r in g.coaching:
            if r not in reasons:
                reasons.append(r)

    def share(num: str, den: str = "counted") -> float | None:
        d = sum(getattr(g, den) for g in graded)
        return sum(getattr(g, num) for g in graded) / d if d else None

    return {
        "score": statistics.fmean(g.score for g in graded) if graded else None,
        "passed": all(g.passed for g in graded) if graded else None,
        "coverage": share("answered"),
        "within_sla": share("on_time"),
        "seat": sum(g.seat for g in graded),
        "missed": sum(g.missed for g in graded),
        "auto_fails": sum(g.auto_fails for g in graded),
        "coaching": reasons,
    }


def pct(x: float | None) -> str:
    return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{100 * x:.0f}%"


# --- Exercises ---------------------------------------------------------------------------------
def exercise_grade(ex) -> Grade:
    """The grade of exercise ``ex`` so far (finished: final, stored on the row; else live).

    A finished exercise's grade is kept on its row (``Exercise.grade``) the first time it is
    computed, so the results table and the CSV export need no replay; a stored grade from an
    older rule (:data:`GRADING_VERSION`) is recomputed.
    """
    from . import engine
    from .extensions import db
    from .models import ExerciseState

    if ex.state == ExerciseState.FINISHED:
        stored = ex.grade
        if stored and stored.get("version") == GRADING_VERSION:
            return Grade.from_dict(stored)
        try:
            entry = engine.final_model(ex)
        except engine.Unreplayable:
            return stored_only_grade(ex)
        with engine.cache().lock(ex.id):
            table = entry.model.results().complaints
        g = grade(seat_complaints(table), list(ex.actions), ex.duration_min)
        ex.grade = g.as_dict()
        db.session.commit()
        return g
    t = engine.sim_now(ex)
    try:
        with engine.cache().lock(ex.id):
            entry = engine.live(ex, t)
            table = entry.model.results().complaints
    except engine.Unreplayable:
        return stored_only_grade(ex)
    return grade(seat_complaints(table), list(ex.actions), t)


def stored_only_grade(ex) -> Grade:
    """A read-only exercise (its model cannot be rebuilt) and no stored grade: the replies'
    quality only. The seat's complaints are not known, so there is no score and no verdict."""
    replies = list(ex.actions)
    scores = [r.score for r in replies]
    return Grade(
        score=None,
        passed=None,
        seat=0,
        counted=0,
        answered=len({r.complaint_id for r in replies}),
        on_time=0,
        missed=0,
        replies=len(replies),
        mean_reply=round(statistics.fmean(scores), 1) if scores else None,
        auto_fails=sum(1 for r in replies if is_auto_fail(r)),
        coverage=None,
        within_sla=None,
        coaching=["not graded: its storm can no longer be replayed (read-only)"],
    )
