"""Running a class: assignments for a cohort, the live class view, the results table and CSV."""

from __future__ import annotations

import csv
import io
import unicodedata

from flask import url_for

from . import engine
from .debrief import trainee_summary
from .extensions import db
from .models import Assignment, Cohort, Exercise, ExerciseState, User

CSV_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # spreadsheet formula injection


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


def exercises_of(trainees: list[User]) -> dict[int, list[Exercise]]:
    ids = [t.id for t in trainees]
    rows = db.session.execute(
        db.select(Exercise).where(Exercise.trainee_id.in_(ids)).order_by(Exercise.started_at)
    ).scalars()
    out: dict[int, list[Exercise]] = {i: [] for i in ids}
    for ex in rows:
        out[ex.trainee_id].append(ex)
    return out


def results_table(cohort: Cohort) -> list[dict]:
    by_trainee = exercises_of(cohort.trainees)
    return [trainee_summary(t, by_trainee[t.id]) for t in cohort.trainees]


def _cell(v) -> str:
    s = "" if v is None else (f"{v:.3f}" if isinstance(v, float) else str(v))
    # Full-width "＝", "＋"… start formulas too in some spreadsheets: compare the NFKC form.
    return "'" + s if unicodedata.normalize("NFKC", s[:1]).startswith(CSV_FORMULA_START) else s


def results_csv(cohort: Cohort, criteria: list[str]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(
        [
            "username",
            "name",
            "exercises",
            "finished",
            "replies",
            "mean_score",
            "passed",
            *[f"{k}_share" for k in criteria],
            "frt_median_min",
            "within_sla",
            "needs_coaching",
        ]
    )
    for row in results_table(cohort):
        t = row["trainee"]
        w.writerow(
            [
                _cell(v)
                for v in (
                    t.username,
                    t.display_name,
                    row["exercises"],
                    row["finished"],
                    row["replies"],
                    row["mean_score"],
                    "" if row["passed"] is None else ("yes" if row["passed"] else "no"),
                    *[row["criteria"].get(k) for k in criteria],
                    row["frt_median_min"],
                    row["within_sla"],
                    "; ".join(row["coaching"]),
                )
            ]
        )
    return buf.getvalue()


def live_class(cohort: Cohort) -> dict:
    """Per trainee: their latest exercise's clock, inbox, replies, mean score and storm trend."""
    by_trainee = exercises_of(cohort.trainees)
    rows = []
    for t in cohort.trainees:
        exs = by_trainee[t.id]
        if not exs:
            rows.append({"trainee": t.name, "username": t.username, "state": "not started"})
            continue
        ex = exs[-1]
        row = {
            "trainee": t.name,
            "username": t.username,
            "exercise": ex.id,
            "state": str(ex.state),
            "replies": ex.n_actions,
            "transcript": url_for("exercises.transcript", exercise_id=ex.id),
        }
        if ex.state != ExerciseState.FINISHED:
            engine.settle_clock(ex)
            s = engine.state(ex, ack=False)
            row.update(
                now_min=s["now_min"],
                duration_min=s["duration_min"],
                inbox=len(s["inbox"]),
                waiting=s["storm"]["waiting"],
                trend=s["storm"]["trend"],
                mood=s["storm"]["mood"],
                mean_score=s["you"]["mean_score"],
            )
        else:
            scores = [a.score for a in ex.actions]
            row.update(
                now_min=ex.duration_min,
                duration_min=ex.duration_min,
                mean_score=round(sum(scores) / len(scores), 1) if scores else None,
            )
        rows.append(row)
    db.session.commit()
    return {"cohort": cohort.name, "trainees": rows}
