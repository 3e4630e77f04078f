from flask import Response, abort, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .. import classroom, engine, grading
from .. import debrief as debriefs
from ..access import exercise_for_trainee, exercise_for_viewer
from ..extensions import db
from ..instructor.forms import ConfirmForm
from ..models import SEAT_BY_DIFFICULTY, Assignment, Difficulty, Exercise, ExerciseState, Role
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
    by_assignment = {e.assignment_id: e for e in mine if e.assignment_id is not None}
    tries = classroom.attempts(sorted(mine, key=lambda e: e.started_at))
    grades = {p["exercise"].id: p["grade"] for p in classroom.progress(mine)}
    return render_template(
        "exercises/index.html",
        assignments=assignments,
        by_assignment=by_assignment,
        attempts=tries,
        grades=grades,
        exercises=mine,
        library=engine.library(),
        pass_rule=grading.PASS_RULE,
    )


def _own_assignment(assignment_id: int) -> Assignment:
    assignment = db.get_or_404(Assignment, assignment_id)
    if assignment.cohort_id != current_user.cohort_id:
        abort(404)
    return assignment


@bp.get("/assignments/<int:assignment_id>/brief")
@roles_required(Role.TRAINEE)
def brief(assignment_id: int):
    """Before the clock starts: the situation, the goals and how the exercise is graded."""
    assignment = _own_assignment(assignment_id)
    ex = db.session.execute(
        db.select(Exercise).filter_by(assignment_id=assignment.id, trainee_id=current_user.id)
    ).scalar_one_or_none()
    return render_template(
        "exercises/brief.html",
        assignment=assignment,
        settings=assignment,
        ex=ex,
        retry_of=None,
        **_brief_context(assignment, assignment.difficulty),
    )


def _brief_context(settings, difficulty: str | None) -> dict:
    """What the brief says about an assignment's (today's library file) or an exercise's (its
    pinned scenario) storm window."""
    if isinstance(settings, Exercise):
        try:
            sc = engine.scenario_of(settings)
        except engine.Unreplayable as e:
            abort(409, f"This storm cannot be played again: {e.reason}.")
    else:
        sc = engine.exercise_scenario(
            settings.scenario_id, settings.start_min, settings.duration_min
        )
    return {
        "scenario": engine.library().get(settings.scenario_id),
        "clock_start": sc.info.start.strftime("%H:%M"),
        "incidents": [
            i
            for i in sc.incidents
            if i.multiplier > 0 and i.start_hour * 60 < settings.duration_min
        ],
        "seat": SEAT_BY_DIFFICULTY.get(Difficulty(difficulty)) if difficulty else None,
        "pass_rule": grading.PASS_RULE,
        "pass_mark": grading.PASS_MARK,
        "sla": {name: ch.sla_min for name, ch in sc.channels.items()},
    }


@bp.post("/assignments/<int:assignment_id>/start")
@roles_required(Role.TRAINEE)
def start(assignment_id: int):
    assignment = _own_assignment(assignment_id)
    ex = engine.start_exercise(assignment, current_user)
    db.session.commit()
    return redirect(url_for("exercises.play", exercise_id=ex.id))


@bp.route("/exercises/<int:exercise_id>/retry", methods=["GET", "POST"])
@roles_required(Role.TRAINEE)
def retry(exercise_id: int):
    """Play a finished exercise's storm again (same seed): the brief, then a new attempt."""
    ex = exercise_for_trainee(exercise_id)
    if ex.state != ExerciseState.FINISHED:
        return redirect(url_for("exercises.play", exercise_id=ex.id))
    if request.method == "POST":
        if not ConfirmForm().validate_on_submit():
            abort(400, "the form expired: reload the page and try again")
        again = classroom.retry(ex)
        db.session.commit()
        return redirect(url_for("exercises.play", exercise_id=again.id))
    assignment = ex.graded_assignment
    return render_template(
        "exercises/brief.html",
        assignment=assignment,
        settings=ex,
        ex=None,
        retry_of=ex,
        **_brief_context(ex, assignment.difficulty if assignment else None),
    )


@bp.get("/exercises/<int:exercise_id>")
@login_required
def play(exercise_id: int):
    ex = exercise_for_viewer(exercise_id)
    if ex.state == ExerciseState.FINISHED or ex.trainee_id != current_user.id:
        return redirect(url_for("exercises.debrief", exercise_id=ex.id))
    reason = engine.read_only_reason(ex, check=True)
    if reason is not None:
        return _read_only_debrief(ex, reason)
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
    try:
        return Response(engine.state_json(ex), mimetype="application/json")
    except engine.Unreplayable as e:
        db.session.rollback()
        return jsonify(
            exercise=ex.id,
            state=str(ex.state),
            read_only=True,
            message=f"This exercise is read-only: {e.reason}.",
            debrief=url_for("exercises.debrief", exercise_id=ex.id),
        )


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
    reason = engine.read_only_reason(ex, check=ex.state != ExerciseState.FINISHED)
    if reason is not None:
        return _read_only_debrief(ex, reason)
    if ex.state != ExerciseState.FINISHED:
        if ex.trainee_id == current_user.id:
            return redirect(url_for("exercises.play", exercise_id=ex.id))
        return render_template("exercises/not_finished.html", ex=ex)
    try:
        d = debriefs.debrief(ex)
    except engine.Unreplayable as e:
        return _read_only_debrief(ex, e.reason)
    return render_template(
        "exercises/debrief.html", ex=ex, d=d, scenario=engine.library().get(ex.scenario_id)
    )


def _read_only_debrief(ex: Exercise, reason: str):
    """The exercise from what is stored (its model cannot be rebuilt): never a 500."""
    return render_template(
        "exercises/debrief.html",
        ex=ex,
        d=debriefs.stored_debrief(ex, reason),
        scenario=engine.library().get(ex.scenario_id),
    )


@bp.get("/exercises/<int:exercise_id>/debrief.svg")
@login_required
def debrief_plot(exercise_id: int):
    ex = exercise_for_viewer(exercise_id)
    if ex.state != ExerciseState.FINISHED:
        abort(409, "the debrief is ready when the exercise has finished")
    narrow = request.args.get("layout") == "narrow"  # the phone's version (a <picture> source)
    try:
        return Response(debriefs.plot_svg(ex, narrow=narrow), mimetype="image/svg+xml")
    except engine.Unreplayable as e:
        abort(409, f"No plot: this exercise is read-only ({e.reason}).")


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
