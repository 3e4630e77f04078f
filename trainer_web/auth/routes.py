from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from ..extensions import db
from ..models import User
from ..security import (
    clear_failures,
    home_for,
    is_safe_next,
    login_blocked,
    record_failure,
    throttle_keys,
)
from . import bp
from .forms import LoginForm


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        keys = throttle_keys(form.username.data, request.remote_addr)
        if login_blocked(keys):
            abort(429, "Too many failed sign-ins: wait five minutes and try again.")
        user = db.session.execute(
            db.select(User).filter_by(username=form.username.data.strip())
        ).scalar_one_or_none()
        if user is None or not user.active or not user.check_password(form.password.data):
            record_failure(keys)
            flash("Unknown username or wrong password.", "error")
            return render_template("auth/login.html", form=form), 401
        clear_failures(keys)
        db.session.commit()
        login_user(user, remember=form.remember.data)
        target = form.next.data
        return redirect(target if is_safe_next(target) else home_for(user))
    status = 400 if request.method == "POST" else 200
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    flash("Signed out.", "info")
    return redirect(url_for("auth.login"))
