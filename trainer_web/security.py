"""Roles, safe redirects, sign-in throttling, SQLite pragmas and the security headers."""

from __future__ import annotations

from datetime import timedelta
from functools import wraps
from urllib.parse import urlsplit

from flask import abort, current_app, redirect, url_for
from flask_login import current_user, login_required
from sqlalchemy import event
from sqlalchemy.engine import Engine

from .extensions import db, login_manager
from .models import LoginFailure, Role, User, utcnow

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)


@login_manager.user_loader
def load_user(session_token: str) -> User | None:
    return db.session.execute(
        db.select(User).filter_by(session_token=session_token, active=True)
    ).scalar_one_or_none()


def roles_required(*roles: str):
    """Signed in with one of ``roles``, else 403 (401 → sign-in page when signed out)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def is_safe_next(target: str | None) -> bool:
    """Only a path on this site: no scheme, no host, no ``//`` or backslash tricks."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or any(ord(ch) < 32 for ch in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def home_for(user) -> str:
    if user.role == Role.ADMIN:
        return url_for("admin.index")
    if user.role == Role.INSTRUCTOR:
        return url_for("instructor.index")
    return url_for("exercises.index")


def home():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return redirect(home_for(current_user))


# --- Throttling ------------------------------------------------------------------------------
def throttle_keys(username: str, ip: str | None) -> list[str]:
    return [f"user:{username.casefold()[:64]}", f"ip:{ip or '?'}"]


def login_blocked(keys: list[str]) -> bool:
    """Too many recent failures for this name, or (four times as many) from this address."""
    cfg = current_app.config
    since = utcnow() - timedelta(seconds=cfg["LOGIN_FAILURE_WINDOW_S"])
    counts = dict(
        db.session.execute(
            db.select(LoginFailure.key, db.func.count(LoginFailure.id))
            .where(LoginFailure.key.in_(keys), LoginFailure.at >= since)
            .group_by(LoginFailure.key)
        ).all()
    )
    allowed = cfg["LOGIN_FAILURES_ALLOWED"]
    user_key, ip_key = keys
    return counts.get(user_key, 0) >= allowed or counts.get(ip_key, 0) >= 4 * allowed


def record_failure(keys: list[str]) -> None:
    cfg = current_app.config
    old = utcnow() - timedelta(seconds=cfg["LOGIN_FAILURE_WINDOW_S"])
    db.session.execute(db.delete(LoginFailure).where(LoginFailure.at < old))
    for k in keys:
        db.session.add(LoginFailure(key=k))
    db.session.commit()


def clear_failures(keys: list[str]) -> None:
    db.session.execute(db.delete(LoginFailure).where(LoginFailure.key == keys[0]))


# --- Headers and the database ------------------------------------------------------------------
def _headers(response):
    h = response.headers
    h.setdefault("Content-Security-Policy", CSP)
    h.setdefault("X-Content-Type-Options", "nosniff")
    h.setdefault("X-Frame-Options", "DENY")
    h.setdefault("Referrer-Policy", "same-origin")
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        h.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    """SQLite: enforce foreign keys, write-ahead log for concurrent readers, wait on locks."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=10000")
        cur.close()


def init_app(app) -> None:
    app.after_request(_headers)
