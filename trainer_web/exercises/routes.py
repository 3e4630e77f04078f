from flask import Response, abort, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .. import debrief as debriefs
from .. import engine
from ..access import exercise_for_trainee, exercise_for_viewer
from ..extensions import db
from ..models import Assignment, Exercise, ExerciseState, Role
from ..security import roles_required
from . import bp


@bp.get("/exercises/")
@roles_required(Role.TRAINEE)
def index():
    cohort = current_user.cohort
    assignments = cohort.assignments if cohort else []
    mine = (
        db.session.execute(
            db.select(Exercise)
            .filter_by(trainee_id=current_user.id)
            .order_by(Exercise.started_at.desc())
        )
        .scalars()
        .all()
    )
    by_assignment = {e.assignment_id: e for e in mine}
    return render_template(
        "exercises/index.html",
        assignments=assignments,
        by_assignment=by_assignment,
        exercises=mine,
        library=engine.library(),
    )


@bp.post("/assignments/<int:assignment_id>/start")
@roles_required(Role.TRAINEE)
def start(assignment_id: int):
    assignment = db.get_or_404(Assignment, assignment_id)
    if assignment.cohort_id != current_user.cohort_id:
        abort(404)
    ex = engine.start_exercise(assignment, current_user)
    db.session.commit()
    return redirect(url_for("exercises.play", exercise_id=ex.id))


@bp.get("/exercises/<int:exercise_id>")
@login_required
def play(exercise_id: int):
    ex = exercise_for_viewer(exercise_id)
    if ex.state == ExerciseState.FINISHED or ex.trainee_id != current_user.id:
        return redirect(url_for("exercises.debrief", exercise_id=ex.id))
    return render_template(
        "exercises/play.html",
        ex=ex,
        scenario=engine.library().get(ex.scenario_id),
        canned=ex.canned_replies,
        knowledge=engine.knowledge(ex),
    )


@bp.get("/exercises/<int:exercise_id>/state.json")
@login_required
def state(exercise_id: int):
    ex = exercise_for_trainee(exercise_id)
    return jsonify(engine.state(ex))


@bp.post("/exercises/<int:exercise_id>/act")
@login_required
def act(exercise_id: int):
    ex = exercise_for_trainee(exercise_id)
    payload = request.get_json(silent=True)
    if payload is None:
        abort(400, "the body must be JSON: {complaint_id, action, text, remedy}")
    cid, action, text, remedy = engine.parse_action(payload)
    return jsonify(engine.act(ex, cid, action, text, remedy))


@bp.post("/exercises/<int:exercise_id>/<any(pause, resume, finish):verb>")
@login_required
def clock(exercise_id: int, verb: str):
    ex = exercise_for_trainee(exercise_id)
    with engine.cache().lock(ex.id):
        db.session.refresh(ex)
        engine.settle_clock(ex)
        if ex.state == ExerciseState.FINISHED and verb != "finish":
            abort(409, "this exercise is over")
        {"pause": engine.pause, "resume": engine.resume, "finish": engine.finish}[verb](ex)
        db.session.commit()
    if request.is_json or request.headers.get("X-Requested-With") == "fetch":
        return jsonify(state=str(ex.state), now_min=round(engine.sim_now(ex), 2))
    if ex.state == ExerciseState.FINISHED:
        return redirect(url_for("exercises.debrief", exercise_id=ex.id))
    return redirect(url_for("exercises.play", exercise_id=ex.id))


@bp.get("/exercises/<int:exercise_id>/debrief")
@login_required
def debrief(exercise_id: int):
    ex = exercise_for_viewer(exercise_id)
    if engine.settle_clock(ex):
        db.session.commit()
    if ex.state != ExerciseState.FINISHED:
        if ex.trainee_id == current_user.id:
            return redirect(url_for("exercises.play", exercise_id=ex.id))
        return render_template("exercises/not_finished.html", ex=ex)
    return render_template(
        "exercises/debrief.html",
        ex=ex,
        d=debriefs.debrief(ex),
        scenario=engine.library().get(ex.scenario_id),
    )


@bp.get("/exercises/<int:exercise_id>/debrief.svg")
@login_required
def debrief_plot(exercise_id: int):
    ex = exercise_for_viewer(exercise_id)
    if ex.state != ExerciseState.FINISHED:
        abort(409, "the debrief is ready when the exercise has finished")
    return Response(debriefs.plot_svg(ex), mimetype="image/svg+xml")


@bp.get("/exercises/<int:exercise_id>/transcript")
@login_required
def transcript(exercise_id: int):
    ex = exercise_for_viewer(exercise_id)
    can_note = current_user.role in (Role.INSTRUCTOR, Role.ADMIN)
    return render_template(
        "exercises/transcript.html",
        ex=ex,
        threads=debriefs.transcript(ex),
        can_note=can_note,
        scenario=engine.library().get(ex.scenario_id),
    )
