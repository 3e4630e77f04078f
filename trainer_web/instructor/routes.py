from types import SimpleNamespace

from flask import Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from wtforms import SelectChoice

from sim.scoring import DEFAULT_WEIGHTS, validate_weights

from .. import accounts, classroom, engine, grading
from ..access import cohort_for_instructor, exercise_for_viewer, trainee_for_instructor
from ..extensions import db
from ..models import (
    Action,
    Assignment,
    Cohort,
    CohortSettings,
    Note,
    Role,
    org_settings,
    utcnow,
)
from ..security import roles_required
from . import bp
from .forms import (
    AssignmentForm,
    CohortForm,
    ConfirmForm,
    ImportForm,
    NoteForm,
    SettingsForm,
    TraineeForm,
)

staff = roles_required(Role.INSTRUCTOR, Role.ADMIN)


def _cohorts():
    q = db.select(Cohort).order_by(Cohort.name)
    if current_user.role != Role.ADMIN:
        q = q.filter_by(instructor_id=current_user.id)
    return db.session.execute(q).scalars().all()


def _assignment_form() -> AssignmentForm:
    form = AssignmentForm()
    form.scenario_id.choices = [SelectChoice(k, e.name) for k, e in engine.library().items()]
    return form


@bp.get("/")
@staff
def index():
    return render_template("instructor/index.html", cohorts=_cohorts(), form=CohortForm())


@bp.post("/cohorts")
@staff
def create_cohort():
    form = CohortForm()
    if form.validate_on_submit():
        cohort = Cohort(name=form.name.data.strip(), instructor_id=current_user.id)
        db.session.add(cohort)
        db.session.commit()
        flash(f"Cohort “{cohort.name}” created.", "success")
        return redirect(url_for("instructor.cohort", cohort_id=cohort.id))
    return render_template("instructor/index.html", cohorts=_cohorts(), form=form), 400


def _cohort_page(cohort, status=200, **forms):
    forms.setdefault("trainee_form", TraineeForm())
    forms.setdefault("import_form", ImportForm())
    forms.setdefault("assignment_form", _assignment_form())
    return render_template(
        "instructor/cohort.html",
        cohort=cohort,
        library=engine.library(),
        confirm=ConfirmForm(),
        **forms,
    ), status


@bp.get("/cohorts/<int:cohort_id>")
@staff
def cohort(cohort_id: int):
    return _cohort_page(cohort_for_instructor(cohort_id))


@bp.post("/cohorts/<int:cohort_id>/trainees")
@staff
def add_trainee(cohort_id: int):
    cohort = cohort_for_instructor(cohort_id)
    form = TraineeForm()
    if not form.validate_on_submit():
        return _cohort_page(cohort, 400, trainee_form=form)
    try:
        user, password = accounts.create_user(
            form.username.data, Role.TRAINEE, display_name=form.display_name.data, cohort=cohort
        )
    except accounts.AccountError as e:
        form.username.errors.append(str(e))
        return _cohort_page(cohort, 400, trainee_form=form)
    db.session.commit()
    return render_template("instructor/credentials.html", cohort=cohort, created=[(user, password)])


@bp.post("/cohorts/<int:cohort_id>/import")
@staff
def import_trainees(cohort_id: int):
    cohort = cohort_for_instructor(cohort_id)
    form = ImportForm()
    if not form.validate_on_submit():
        return _cohort_page(cohort, 400, import_form=form)
    created, problems = accounts.import_trainees(cohort, form.file.data.read())
    # What the page shows, read before the commit expires the new rows (500 reloads otherwise).
    shown = [
        (SimpleNamespace(username=u.username, display_name=u.display_name), pw) for u, pw in created
    ]
    if not problems:
        try:
            db.session.commit()  # one short write: the hashing happened before it
        except IntegrityError:  # a name taken by someone else while the file was hashed
            db.session.rollback()
            problems = ["a username in the file was taken meanwhile: import the file again"]
    if problems:
        form.file.errors.extend(problems)
        return _cohort_page(cohort_for_instructor(cohort_id), 400, import_form=form)
    return render_template("instructor/credentials.html", cohort=cohort, created=shown)


@bp.post("/cohorts/<int:cohort_id>/assignments")
@staff
def assign(cohort_id: int):
    cohort = cohort_for_instructor(cohort_id)
    form = _assignment_form()
    if not form.validate_on_submit():
        return _cohort_page(cohort, 400, assignment_form=form)
    a = Assignment(
        cohort=cohort,
        title=form.title.data.strip(),
        scenario_id=form.scenario_id.data,
        difficulty=form.difficulty.data,
        speed=form.speed.data,
        duration_min=float(form.duration_min.data),
        start_min=float(
            form.start_min.data
            if form.start_min.data is not None
            else engine.suggested_start_min(form.scenario_id.data)
        ),
        seed=form.seed.data or 1,
    )
    db.session.add(a)
    db.session.flush()
    if form.start_now.data:
        n = classroom.start_for_cohort(a)
        db.session.commit()
        flash(f"“{a.title}” started for {n} trainees.", "success")
        return redirect(url_for("instructor.live", cohort_id=cohort.id))
    db.session.commit()
    flash(f"“{a.title}” assigned to {cohort.name}.", "success")
    return redirect(url_for("instructor.cohort", cohort_id=cohort.id))


@bp.post("/assignments/<int:assignment_id>/start")
@staff
def start_class(assignment_id: int):
    a = db.get_or_404(Assignment, assignment_id)
    cohort = cohort_for_instructor(a.cohort_id)
    if not ConfirmForm().validate_on_submit():
        return _cohort_page(cohort, 400)
    n = classroom.start_for_cohort(a)
    db.session.commit()
    flash(f"“{a.title}” started for {n} trainees.", "success")
    return redirect(url_for("instructor.live", cohort_id=cohort.id))


def _assignment_arg(cohort) -> Assignment | None:
    """The ``?assignment=`` of a results request: one of the cohort's assignments, or none
    ("all", or a cohort without assignments). Default: the newest assignment."""
    raw = request.args.get("assignment")
    if raw == "all" or not cohort.assignments:
        return None
    if raw is None:
        return cohort.assignments[0]  # newest first
    found = next((a for a in cohort.assignments if str(a.id) == raw), None)
    if found is None:
        abort(404, f"assignment {raw!r} is not one of {cohort.name}'s")
    return found


@bp.get("/cohorts/<int:cohort_id>/results")
@staff
def results(cohort_id: int):
    cohort = cohort_for_instructor(cohort_id)
    assignment = _assignment_arg(cohort)
    return render_template(
        "instructor/results.html",
        cohort=cohort,
        assignment=assignment,
        rows=classroom.results_table(cohort, assignment),
        criteria=list(DEFAULT_WEIGHTS),
        pass_rule=grading.PASS_RULE,
    )


@bp.get("/cohorts/<int:cohort_id>/results.csv")
@staff
def results_csv(cohort_id: int):
    cohort = cohort_for_instructor(cohort_id)
    assignment = _assignment_arg(cohort) if request.args.get("assignment") else None
    body = classroom.results_csv(cohort, list(DEFAULT_WEIGHTS), assignment)
    name = f"cohort-{cohort.id}-results.csv"
    if assignment is not None:
        name = f"cohort-{cohort.id}-assignment-{assignment.id}-results.csv"
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.get("/cohorts/<int:cohort_id>/live")
@staff
def live(cohort_id: int):
    return render_template("instructor/live.html", cohort=cohort_for_instructor(cohort_id))


@bp.get("/cohorts/<int:cohort_id>/live.json")
@staff
def live_json(cohort_id: int):
    return jsonify(classroom.live_class(cohort_for_instructor(cohort_id)))


@bp.get("/trainees/<int:user_id>")
@staff
def trainee(user_id: int):
    user = trainee_for_instructor(user_id)
    exercises = classroom.exercises_of([user])[user.id]
    return render_template(
        "instructor/trainee.html",
        trainee=user,
        exercises=exercises,
        progress=classroom.progress(exercises),
        library=engine.library(),
        confirm=ConfirmForm(),
    )


@bp.post("/trainees/<int:user_id>/reset-password")
@staff
def reset_password(user_id: int):
    user = trainee_for_instructor(user_id)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("instructor.trainee", user_id=user.id))
    if request.form.get("confirm_reset") != "yes":
        flash("Tick the box to confirm: resetting signs the trainee out everywhere.", "error")
        return redirect(url_for("instructor.trainee", user_id=user.id))
    password = accounts.reset_password(user)
    db.session.commit()
    return render_template(
        "instructor/credentials.html", cohort=user.cohort, created=[(user, password)]
    )


@bp.post("/trainees/<int:user_id>/delete")
@staff
def delete_trainee(user_id: int):
    user = trainee_for_instructor(user_id)
    cohort_id = user.cohort_id
    if request.form.get("confirm_username") != user.username:
        flash("Type the trainee's username to confirm deleting their data.", "error")
        return redirect(url_for("instructor.trainee", user_id=user.id))
    name = user.username
    accounts.delete_trainee(user)
    db.session.commit()
    flash(f"{name} and all their exercises, replies and notes were deleted.", "success")
    return redirect(url_for("instructor.cohort", cohort_id=cohort_id))


@bp.post("/actions/<int:action_id>/notes")
@staff
def add_note(action_id: int):
    action = db.get_or_404(Action, action_id)
    ex = exercise_for_viewer(action.exercise_id)
    form = NoteForm()
    if form.validate_on_submit():
        db.session.add(Note(action=action, author_id=current_user.id, text=form.text.data.strip()))
        db.session.commit()
        flash("Note added.", "success")
    else:
        flash("A note needs some text (at most 2000 characters).", "error")
    return redirect(
        url_for(
            "exercises.transcript", exercise_id=ex.id, _anchor=f"complaint-{action.complaint_id}"
        )
    )


def _settings_form(current) -> SettingsForm:
    """The settings form, filled from ``current`` on a GET (the submitted values on a POST)."""
    form = SettingsForm(obj=None if request.method == "POST" else current)
    if request.method == "GET":
        form.canned_replies.data = "\n\n".join(current.canned_replies)
        for key in DEFAULT_WEIGHTS:
            getattr(form, f"w_{key}").data = current.weights.get(key, DEFAULT_WEIGHTS[key])
    return form


def _save_settings(form: SettingsForm, row) -> bool:
    """Copy a valid form into ``row`` (org or cohort settings); False with the form's errors."""
    if not form.validate_on_submit():
        return False
    weights = {k: getattr(form, f"w_{k}").data for k in DEFAULT_WEIGHTS}
    try:
        row.weights = validate_weights(weights)
    except ValueError as e:
        form.w_resolution.errors.append(str(e))
        return False
    row.canned_replies = [
        p.strip() for p in form.canned_replies.data.replace("\r\n", "\n").split("\n\n") if p.strip()
    ]
    row.remedy_limit = form.remedy_limit.data
    row.empowered = form.empowered.data
    return True


@bp.route("/settings", methods=["GET", "POST"])
@staff
def settings():
    """The organisation's defaults: every instructor may read them, only an admin change them
    (they reach every cohort without settings of its own)."""
    org = org_settings()
    may_edit = current_user.role == Role.ADMIN
    if request.method == "POST" and not may_edit:
        abort(403, "Only an admin changes the organisation's defaults: set your cohort's own.")
    form = _settings_form(org)
    if request.method == "POST" and _save_settings(form, org):
        db.session.commit()
        flash("Settings saved: they apply to exercises started from now on.", "success")
        return redirect(url_for("instructor.settings"))
    status = 400 if request.method == "POST" else 200
    db.session.commit()
    return render_template(
        "instructor/settings.html", form=form, cohort=None, may_edit=may_edit, cohorts=_cohorts()
    ), status


@bp.route("/cohorts/<int:cohort_id>/settings", methods=["GET", "POST"])
@staff
def cohort_settings(cohort_id: int):
    """A cohort's own settings (its instructor or an admin only; others get a 404)."""
    cohort = cohort_for_instructor(cohort_id)
    own = db.session.get(CohortSettings, cohort.id)
    if request.method == "POST" and request.form.get("use_org") == "1":
        if not ConfirmForm().validate_on_submit():
            abort(400, "the form expired: reload the page and try again")
        if own is not None:
            db.session.delete(own)
            db.session.commit()
        flash("This cohort now uses the organisation's defaults.", "success")
        return redirect(url_for("instructor.cohort_settings", cohort_id=cohort.id))
    form = _settings_form(own or org_settings())
    if request.method == "POST":
        row = own or CohortSettings(cohort_id=cohort.id)
        if _save_settings(form, row):
            row.updated_by_id = current_user.id
            row.updated_at = utcnow()
            db.session.add(row)
            db.session.commit()
            flash(
                f"Settings for {cohort.name} saved: they apply to its exercises started from "
                "now on.",
                "success",
            )
            return redirect(url_for("instructor.cohort_settings", cohort_id=cohort.id))
        db.session.rollback()
    status = 400 if request.method == "POST" else 200
    db.session.commit()
    return render_template(
        "instructor/settings.html",
        form=form,
        cohort=cohort,
        own=db.session.get(CohortSettings, cohort.id),
        may_edit=True,
        confirm=ConfirmForm(),
    ), status
