from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from .. import accounts
from ..extensions import db
from ..instructor.forms import ConfirmForm, TraineeForm
from ..models import Role, User
from ..security import roles_required
from . import bp

admin_only = roles_required(Role.ADMIN)


def _page(form=None, status=200):
    instructors = (
        db.session.execute(db.select(User).filter_by(role=Role.INSTRUCTOR).order_by(User.username))
        .scalars()
        .all()
    )
    form = form or TraineeForm()
    form.submit.label.text = "Add instructor"
    return render_template(
        "admin/index.html", instructors=instructors, form=form, confirm=ConfirmForm()
    ), status


def _instructor(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or user.role != Role.INSTRUCTOR:
        abort(404)
    return user


@bp.get("/")
@admin_only
def index():
    return _page()


@bp.post("/instructors")
@admin_only
def create_instructor():
    form = TraineeForm()
    if not form.validate_on_submit():
        return _page(form, 400)
    try:
        user, password = accounts.create_user(
            form.username.data, Role.INSTRUCTOR, display_name=form.display_name.data
        )
    except accounts.AccountError as e:
        form.username.errors.append(str(e))
        return _page(form, 400)
    db.session.commit()
    return render_template("instructor/credentials.html", cohort=None, created=[(user, password)])


@bp.post("/instructors/<int:user_id>/reset-password")
@admin_only
def reset_password(user_id: int):
    user = _instructor(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    password = accounts.reset_password(user)
    db.session.commit()
    return render_template("instructor/credentials.html", cohort=None, created=[(user, password)])


@bp.post("/instructors/<int:user_id>/active")
@admin_only
def toggle_active(user_id: int):
    user = _instructor(user_id)
    if not ConfirmForm().validate_on_submit() or user.id == current_user.id:
        abort(400)
    user.active = not user.active
    db.session.commit()
    flash(f"{user.username} is now {'active' if user.active else 'deactivated'}.", "success")
    return redirect(url_for("admin.index"))
