"""Team exercise pages: the instructor's set-up and game-master page, the lead's and reps' desk,
the team debrief and the cohort's team results (CSV too)."""

from __future__ import annotations

import csv
import io

from flask import Response, abort, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload

from .. import engine
from ..access import cohort_for_instructor
from ..engine import Rejected
from ..extensions import db
from ..models import Difficulty, ExerciseState, Role, User
from ..security import roles_required
from . import bp, debrief, storm
from . import engine as teams
from .models import TeamExercise, TeamMember, TeamRole

ANY = (Role.TRAINEE, Role.INSTRUCTOR, Role.ADMIN)


def team_for_viewer(team_id: int) -> tuple[TeamExercise, TeamMember | None]:
    """The team exercise and the signed-in member (None: its cohort's instructor or an admin);
    404 for anyone else, so that a member of one team never learns another exists."""
    team = db.session.get(
        TeamExercise,
        team_id,
        options=[selectinload(TeamExercise.members).selectinload(TeamMember.user)],
    )
    if team is None:
        abort(404)
    if current_user.role == Role.TRAINEE:
        member = team.member_of(current_user.id)
        if member is None:
            abort(404)
        return team, member
    if current_user.role == Role.ADMIN or team.cohort.instructor_id == current_user.id:
        return team, None
    abort(404)


def _error(e: Rejected):
    return jsonify({"error": e.message}), e.status


# --- Instructor: set up, run, results ------------------------------------------------------
@bp.get("/instructor/cohorts/<int:cohort_id>/teams")
@roles_required(Role.INSTRUCTOR, Role.ADMIN)
def cohort_teams(cohort_id: int):
    cohort = cohort_for_instructor(cohort_id)
    rows = (
        db.session.execute(
            db.select(TeamExercise).filter_by(cohort_id=cohort.id).order_by(TeamExercise.id.desc())
        )
        .scalars()
        .all()
    )
    return render_template(
        "teams/cohort.html",
        cohort=cohort,
        teams=rows,
        library=engine.library(),
        difficulties=[d.value for d in Difficulty],
        error=None,
    )


def _trainee_named(cohort, username: str) -> User:
    user = db.session.execute(
        db.select(User).filter_by(username=username.strip(), cohort_id=cohort.id)
    ).scalar_one_or_none()
    if user is None:
        raise Rejected(400, f"no trainee {username.strip()!r} in {cohort.name}")
    return user


@bp.post("/instructor/cohorts/<int:cohort_id>/teams")
@roles_required(Role.INSTRUCTOR, Role.ADMIN)
def create_team(cohort_id: int):
    cohort = cohort_for_instructor(cohort_id)
    f = request.form
    try:
        lead = _trainee_named(cohort, f.get("lead", ""))
        reps = []
        for line in f.get("reps", "").splitlines():
            if not line.strip():
                continue
            name, _, chans = line.partition(":")
            reps.append(
                (_trainee_named(cohort, name), [c.strip() for c in chans.split(",") if c.strip()])
            )
        try:
            seed = int(f.get("seed", "1"))
            speed = float(f.get("speed", "10"))
            duration = float(f.get("duration_min", "40"))
        except ValueError:
            raise Rejected(400, "seed, speed and duration must be numbers") from None
        if not (0 <= seed < 2**31 and 0.5 <= speed <= 120 and 5 <= duration <= 480):
            raise Rejected(400, "seed 0–2³¹, speed 0.5–120, duration 5–480 simulated minutes")
        difficulty = f.get("difficulty", "medium")
        if difficulty not in {d.value for d in Difficulty}:
            raise Rejected(400, f"difficulty must be one of {', '.join(d for d in Difficulty)}")
        title = (f.get("title") or "").strip()[:120] or "Team drill"
        team = teams.create(
            cohort,
            title=title,
            scenario_id=f.get("scenario_id", ""),
            seed=seed,
            speed=speed,
            duration_min=duration,
            start_min=None,
            difficulty=difficulty,
            lead=lead,
            reps=reps,
            created_by=current_user,
        )
        db.session.commit()
    except Rejected as e:
        db.session.rollback()
        return render_template(
            "teams/cohort.html",
            cohort=cohort,
            teams=db.session.execute(db.select(TeamExercise).filter_by(cohort_id=cohort.id))
            .scalars()
            .all(),
            library=engine.library(),
            difficulties=[d.value for d in Difficulty],
            error=e.message,
        ), e.status
    return redirect(url_for("teams.desk", team_id=team.id))


@bp.post("/teams/<int:team_id>/inject")
@roles_required(Role.INSTRUCTOR, Role.ADMIN)
def inject(team_id: int):
    team, _ = team_for_viewer(team_id)
    payload = request.get_json(silent=True) or {}
    kind = payload.get("kind")
    if kind not in storm.INJECT_KINDS:
        return jsonify({"error": f"inject one of {', '.join(storm.INJECT_KINDS)}"}), 400
    try:
        return jsonify(teams.record(team, kind, member=None, actor=current_user, payload=payload))
    except Rejected as e:
        return _error(e)


@bp.get("/instructor/cohorts/<int:cohort_id>/teams/results")
@roles_required(Role.INSTRUCTOR, Role.ADMIN)
def results(cohort_id: int):
    cohort = cohort_for_instructor(cohort_id)
    rows = debrief.results_rows(cohort)
    if request.args.get("format") == "csv":
        out = io.StringIO()
        w = csv.writer(out)
        w.writerow(debrief.RESULT_COLUMNS)
        for r in rows:
            w.writerow([_csv_safe(r.get(c)) for c in debrief.RESULT_COLUMNS])
        return Response(
            out.getvalue(),
            mimetype="text/csv",
            headers={"Content-Disposition": f"attachment; filename=teams-{cohort.id}.csv"},
        )
    return render_template(
        "teams/results.html", cohort=cohort, rows=rows, columns=debrief.RESULT_COLUMNS
    )


def _csv_safe(v):
    s = "" if v is None else str(v)
    return "'" + s if s[:1] in ("=", "+", "-", "@", "\t", "\r", "＝") else s


# --- Members (and the instructor watching) ---------------------------------------------------
@bp.get("/teams/")
@roles_required(Role.TRAINEE)
def index():
    mine = (
        db.session.execute(
            db.select(TeamExercise)
            .join(TeamMember)
            .filter(TeamMember.user_id == current_user.id)
            .order_by(TeamExercise.id.desc())
        )
        .scalars()
        .all()
    )
    return render_template("teams/index.html", teams=mine)


@bp.get("/teams/<int:team_id>")
@roles_required(*ANY)
def desk(team_id: int):
    team, member = team_for_viewer(team_id)
    role = "instructor" if member is None else member.role
    return render_template(
        "teams/desk.html",
        team=team,
        member=member,
        role=role,
        injects=storm.INJECT_KINDS,
        cost=storm.EXTRA_STAFF_COST,
        actions=engine.ACTIONS,
    )


@bp.get("/teams/<int:team_id>/state.json")
@roles_required(*ANY)
def state(team_id: int):
    team, member = team_for_viewer(team_id)
    try:
        text = teams.view_json(team, member, ack=member is not None)
        return Response(text, mimetype="application/json")
    except engine.Unreplayable as e:
        return jsonify({"error": f"this team exercise is read-only: {e.reason}"}), 409


@bp.post("/teams/<int:team_id>/do")
@roles_required(*ANY)
def do(team_id: int):
    team, member = team_for_viewer(team_id)
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        return jsonify({"error": "send a JSON object: {kind, complaint_id, …}"}), 400
    kind = payload.get("kind")
    if not isinstance(kind, str):
        return jsonify({"error": "kind is missing"}), 400
    if member is None and kind not in ("pause", "resume"):
        return jsonify({"error": "the instructor injects events, pauses and resumes"}), 403
    try:
        return jsonify(teams.record(team, kind, member=member, actor=current_user, payload=payload))
    except Rejected as e:
        return _error(e)


@bp.post("/teams/<int:team_id>/finish")
@roles_required(*ANY)
def finish(team_id: int):
    team, member = team_for_viewer(team_id)
    if member is not None and member.role != TeamRole.LEAD:
        abort(403)
    with teams.cache().lock(team.id):
        db.session.refresh(team)
        engine.finish(team)
        db.session.commit()
    return redirect(url_for("teams.debrief_page", team_id=team.id))


@bp.get("/teams/<int:team_id>/debrief")
@roles_required(*ANY)
def debrief_page(team_id: int):
    team, member = team_for_viewer(team_id)
    if team.state != ExerciseState.FINISHED:
        return render_template("teams/not_finished.html", team=team), 409
    try:
        d = debrief.build(team)
    except engine.Unreplayable as e:
        abort(409, f"This team exercise cannot be replayed for its debrief: {e.reason}.")
    return render_template("teams/debrief.html", team=team, member=member, d=d)
