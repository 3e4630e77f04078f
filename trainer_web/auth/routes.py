from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.exceptions import TooManyRequests

from ..extensions import db
from ..security import (
    clear_failures,
    home_for,
    is_safe_next,
    login_retry_after,
    record_failure,
    throttle_keys,
    verify_sign_in,
)
from . import bp
from .forms import LoginForm, LogoutForm, PasswordChangeForm


def _start_session(user, remember: bool) -> None:
    """A fresh session: nothing carried over from before sign-in, a new CSRF secret."""
    session.clear()
    login_user(user, remember=remember)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        keys = throttle_keys(form.username.data, request.remote_addr)
        wait = login_retry_after(keys)
        if wait:
            raise TooManyRequests(
                f"Too many failed sign-ins from here: wait {wait} seconds and try again.",
                retry_after=wait,
            )
        user = verify_sign_in(form.username.data, form.password.data)
        if user is None:
            record_failure(keys)
            flash("Unknown username or wrong password.", "error")
            return render_template("auth/login.html", form=form), 401
        clear_failures(keys)
        db.session.commit()
        _start_session(user, form.remember.data)
        target = form.next.data
        return redirect(target if is_safe_next(target) else home_for(user))
    status = 400 if request.method == "POST" else 200
    return render_template("auth/login.html", form=form), status


def _end_every_session() -> None:
    current_user.end_sessions()  # copied session and remember-me cookies stop working
    db.session.commit()
    logout_user()
    session.clear()


@bp.post("/logout")
@login_required
def logout():
    _end_every_session()
    flash("Signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.current.data):
            form.current.errors.append("That is not your current password.")
        else:
            user = current_user._get_current_object()
            user.set_password(form.new.data)  # ends every other session
            db.session.commit()
            _start_session(user, remember=False)
            flash("Password changed; every other session was signed out.", "success")
            return redirect(url_for("auth.account"))
    status = 400 if request.method == "POST" else 200
    return render_template("auth/account.html", form=form, everywhere=LogoutForm()), status


@bp.post("/account/sign-out-everywhere")
@login_required
def sign_out_everywhere():
    if not LogoutForm().validate_on_submit():
        return redirect(url_for("auth.account"))
    _end_every_session()
    flash("Signed out on every device.", "info")
    return redirect(url_for("auth.login"))
