"""Running a class: assignments for a cohort, the live class view with its alerts, the results
per assignment and their CSV. Every grade comes from :mod:`trainer_web.grading`."""

from __future__ import annotations

import csv
import io
import threading
import unicodedata
from datetime import datetime

from flask import url_for

import sim

from . import engine, grading
from .debrief import trainee_summary
from .extensions import db
from .models import Assignment, Cohort, Exercise, ExerciseState, User, utcnow

CSV_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # spreadsheet formula injection
IDLE_AFTER_MIN = 5.0  # live alert: complaints waiting and no reply for this many simulated min
NOT_RESPONDING_AFTER_S = 10.0  # a running desk polls each second and acknowledges every two
DROPPED_GAP_S = engine.STALE_AFTER_S / 2  # paused this long after the last poll: the page left


def start_for_cohort(assignment: Assignment) -> int:
    """Start ``assignment`` for every trainee of its cohort at once; returns how many started."""
    started = 0
    for trainee in assignment.cohort.trainees:
        if not trainee.active:
            continue
        ex = engine.start_exercise(assignment, trainee, running=True)
        if ex.state == ExerciseState.PAUSED and ex.n_actions == 0 and ex.clock_sim_min == 0:
            engine.resume(ex)
        started += 1
    return started


def retry(ex: Exercise) -> Exercise:
    """A new attempt at the same storm: same scenario window, seed, speed and seat, running."""
    first = ex.first_attempt or ex
    if ex.scenario_sha256 is None:
        raise engine.Rejected(
            409, "this storm cannot be played again: " + engine._no_pin(ex).reason
        )
    again = Exercise(
        assignment_id=None,
        retry_of=first.id,
        trainee_id=ex.trainee_id,
        scenario_id=ex.scenario_id,
        scenario_sha256=ex.scenario_sha256,  # the same storm: the first attempt's pinned text
        model_version=sim.__version__,
        seed=ex.seed,
        speed=ex.speed,
        start_min=ex.start_min,
        duration_min=ex.duration_min,
        channels=list(ex.channels),
        share=ex.share,
        max_open=ex.max_open,
        empowered=ex.empowered,
        remedy_limit=ex.remedy_limit,
        weights=dict(ex.weights),
        canned_replies=list(ex.canned_replies),
        **engine.new_clock(running=True),
    )
    db.session.add(again)
    return again


def exercises_of(trainees: list[User]) -> dict[int, list[Exercise]]:
    ids = [t.id for t in trainees]
    rows = db.session.execute(
        db.select(Exercise).where(Exercise.trainee_id.in_(ids)).order_by(Exercise.started_at)
    ).scalars()
    out: dict[int, list[Exercise]] = {i: [] for i in ids}
    for ex in rows:
        out[ex.trainee_id].append(ex)
    return out


def attempts(exercises: list[Exercise]) -> dict[int, list[Exercise]]:
    """A trainee's exercises grouped by first attempt (its id), oldest attempt first."""
    out: dict[int, list[Exercise]] = {}
    for ex in exercises:
        out.setdefault(ex.retry_of or ex.id, []).append(ex)
    return out


def progress(exercises: list[Exercise]) -> list[dict]:
    """Each finished attempt's grade in the order played: a trainee's scores over time."""
    return [
        {"exercise": ex, "grade": grading.exercise_grade(ex)}
        for ex in exercises
        if ex.state == ExerciseState.FINISHED
    ]


def results_table(cohort: Cohort, assignment: Assignment | None = None) -> list[dict]:
    """One row per trainee: the graded (first) attempt of ``assignment``, or, without one, every
    finished exercise of the cohort's trainees pooled."""
    by_trainee = exercises_of(cohort.trainees)
    rows = []
    for t in cohort.trainees:
        mine = by_trainee[t.id]
        if assignment is None:
            rows.append({**trainee_summary(t, mine), "attempts": len(mine), "best": None})
            continue
        first = next((e for e in mine if e.assignment_id == assignment.id), None)
        tries = attempts(mine).get(first.id, []) if first else []
        graded = [g["grade"].score for g in progress(tries) if g["grade"].score is not None]
        row = trainee_summary(t, [first] if first else [])
        row.update(attempts=len(tries), best=max(graded) if graded else None, exercise=first)
        rows.append(row)
    return rows


def _cell(v) -> str:
    s = "" if v is None else (f"{v:.3f}" if isinstance(v, float) else str(v))
    # Full-width "＝", "＋"… start formulas too in some spreadsheets: compare the NFKC form.
    return "'" + s if unicodedata.normalize("NFKC", s[:1]).startswith(CSV_FORMULA_START) else s


def results_csv(cohort: Cohort, criteria: list[str], assignment: Assignment | None = None) -> str:
    """The results as CSV: one row per trainee and assignment (``assignment`` alone if given)."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(
        [
            "username",
            "name",
            "assignment",
            "exercises",
            "finished",
            "replies",
            "mean_score",
            "passed",
            *[f"{k}_share" for k in criteria],
            "frt_median_min",
            "within_sla",
            "needs_coaching",
            "exercise_score",
            "coverage",
            "seat_complaints",
            "missed",
            "attempts",
            "best_score",
        ]
    )
    for a in [assignment] if assignment is not None else cohort.assignments:
        for row in results_table(cohort, a):
            t = row["trainee"]
            w.writerow(
                [
                    _cell(v)
                    for v in (
                        t.username,
                        t.display_name,
                        a.title,
                        row["exercises"],
                        row["finished"],
                        row["replies"],
                        row["mean_score"],
                        "" if row["passed"] is None else ("yes" if row["passed"] else "no"),
                        *[row["criteria"].get(k) for k in criteria],
                        row["frt_median_min"],
                        row["within_sla"],
                        "; ".join(row["coaching"]),
                        row["score"],
                        row["coverage"],
                        row["seat"],
                        row["missed"],
                        row["attempts"],
                        row["best"],
                    )
                ]
            )
    return buf.getvalue()


# --- The live class view -----------------------------------------------------------------------
_live_grades: dict[int, tuple[tuple, grading.Grade]] = {}  # exercise id → (key, grade)
_live_guard = threading.Lock()


def _live_grade(ex: Exercise) -> grading.Grade:
    """The running grade, recomputed once per simulated minute or reply (it costs a results
    table), so an instructor polling every three seconds does not slow the trainees down."""
    key = (ex.n_actions, int(engine.sim_now(ex)), str(ex.state))
    with _live_guard:
        hit = _live_grades.get(ex.id)
    if hit is not None and hit[0] == key:
        return hit[1]
    g = grading.exercise_grade(ex)
    with _live_guard:
        _live_grades[ex.id] = (key, g)
    return g


def presence(ex: Exercise, wall: datetime | None = None) -> str:
    """What the trainee is doing, as the live view says it: not opened, running, not responding,
    paused (by the trainee), dropped (the page went away and the clock paused itself), finished.

    Call after :func:`engine.settle_clock`.
    """
    wall = wall or utcnow()
    if ex.state == ExerciseState.FINISHED:
        return "finished"
    if ex.n_actions == 0 and ex.acked_sim_min == 0 and ex.acked_at <= ex.started_at:
        return "not opened"
    if ex.state == ExerciseState.PAUSED:
        gap = (ex.clock_wall_at - ex.acked_at).total_seconds()
        return "dropped" if gap > DROPPED_GAP_S else "paused"
    if (wall - ex.acked_at).total_seconds() > NOT_RESPONDING_AFTER_S:
        return "not responding"
    return "running"


def _alerts(ex: Exercise, presence_: str, now_min: float, inbox: list[dict]) -> list[dict]:
    alerts = []
    actions = list(ex.actions)
    auto = [a for a in actions if grading.is_auto_fail(a)]
    if auto:
        reason = auto[-1].criteria.get("auto_fail")
        alerts.append(
            {
                "kind": "auto_fail",
                "text": f"auto-failed {len(auto)} {'reply' if len(auto) == 1 else 'replies'}"
                f" (last: {reason})",
            }
        )
    breached = sum(1 for i in inbox if i.get("sla_left_min") is not None and i["sla_left_min"] < 0)
    if breached:
        alerts.append(
            {
                "kind": "sla",
                "text": f"{breached} {'complaint' if breached == 1 else 'complaints'} past SLA",
            }
        )
    last = actions[-1].sim_min if actions else 0.0
    if presence_ == "running" and inbox and now_min - last >= IDLE_AFTER_MIN:
        alerts.append(
            {
                "kind": "idle",
                "text": f"idle: no reply for {now_min - last:.0f} simulated min, "
                f"{len(inbox)} waiting",
            }
        )
    if presence_ == "read-only":
        alerts.append({"kind": "read_only", "text": f"read-only: {engine.read_only_reason(ex)}"})
    if presence_ in ("dropped", "not responding"):
        alerts.append({"kind": "dropped", "text": f"{presence_}: the desk is not open"})
    return alerts


def live_class(cohort: Cohort) -> dict:
    """Per trainee: their latest exercise's presence, clock, inbox, grade so far and alerts."""
    by_trainee = exercises_of(cohort.trainees)
    rows = []
    wall = utcnow()
    for t in cohort.trainees:
        exs = by_trainee[t.id]
        if not exs:
            rows.append(
                {"trainee": t.name, "username": t.username, "state": "not started", "alerts": []}
            )
            continue
        ex = exs[-1]
        engine.settle_clock(ex)  # before reading the state: a dropped desk reads "dropped" now
        assignment = ex.graded_assignment
        row = {
            "trainee": t.name,
            "username": t.username,
            "exercise": ex.id,
            "assignment": assignment.title if assignment else None,
            "attempt": len(attempts(exs).get(ex.retry_of or ex.id, [])),
            "replies": ex.n_actions,
            "transcript": url_for("exercises.transcript", exercise_id=ex.id),
        }
        inbox: list[dict] = []
        read_only = engine.read_only_reason(ex)
        if read_only is None and ex.state != ExerciseState.FINISHED:
            try:
                s = engine.state(ex, ack=False)
            except engine.Unreplayable as e:
                read_only = e.reason
        if read_only is not None:  # shown from what is stored: no live model
            g = grading.exercise_grade(ex)
            row.update(now_min=engine.sim_now(ex), duration_min=ex.duration_min, read_only=True)
            row.update(mean_score=g.mean_reply)
        elif ex.state != ExerciseState.FINISHED:
            inbox = s["inbox"]
            row.update(
                now_min=s["now_min"],
                duration_min=s["duration_min"],
                inbox=len(inbox),
                waiting=s["storm"]["waiting"],
                trend=s["storm"]["trend"],
                mood=s["storm"]["mood"],
                mean_score=s["you"]["mean_score"],
            )
            g = _live_grade(ex)
        else:
            with _live_guard:
                _live_grades.pop(ex.id, None)  # the stored final grade takes over
            g = grading.exercise_grade(ex)
            row.update(
                now_min=ex.duration_min,
                duration_min=ex.duration_min,
                mean_score=g.mean_reply,
            )
        p = "read-only" if read_only is not None else presence(ex, wall)
        row.update(
            state=p,
            grade=g.score,
            passed=g.passed,
            coverage=g.coverage,
            missed=g.missed,
            alerts=_alerts(ex, p, row["now_min"], inbox),
        )
        rows.append(row)
    db.session.commit()
    alerts = [{"trainee": r["trainee"], **a} for r in rows for a in r["alerts"]]
    return {"cohort": cohort.name, "trainees": rows, "alerts": alerts}
