"""Roles, safe redirects, sign-in throttling, SQLite pragmas and the security headers."""

from __future__ import annotations

import math
import re
import secrets
from datetime import timedelta
from functools import wraps
from urllib.parse import urlsplit

from flask import abort, current_app, redirect, url_for
from flask_login import current_user, login_required
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter
from werkzeug.security import check_password_hash, generate_password_hash

from .extensions import db, login_manager
from .models import LoginFailure, Role, User, utcnow

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)


_USER_BY_TOKEN = None


@login_manager.user_loader
def load_user(session_token: str) -> User | None:
    """The active user whose current session token this is (revoked tokens match nobody).

    Every request of a signed-in page runs this (a poll a second per trainee), so the statement
    is built once and only its parameter changes: building it cost a fifth of the lookup.
    """
    global _USER_BY_TOKEN
    if _USER_BY_TOKEN is None:
        _USER_BY_TOKEN = db.select(User).where(
            User.session_token == db.bindparam("token"), User.active == db.true()
        )
    return db.session.execute(_USER_BY_TOKEN, {"token": session_token}).scalar_one_or_none()


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
# A failed sign-in is recorded under two keys: the (name, address) pair and the address. Neither
# is a hard lock: past a few free failures each key must wait, doubling with every further
# failure up to a cap, since its latest failure. The pair key guards one account from one place
# (and cannot lock its owner out from anywhere else); the address key slows name spraying from
# one place, with a short cap, so a classroom behind one NAT address waits seconds, not minutes.
def normalise_username(raw: str | None) -> str:
    """The name as the user lookup and the throttle both see it (one definition for both)."""
    return (raw or "").strip()[:64]


def throttle_keys(username: str, ip: str | None) -> list[str]:
    addr = (ip or "?")[:64]
    return [f"pair:{normalise_username(username)}|{addr}", f"ip:{addr}"]


def _backoff(failures: int, free: int, cap_s: float) -> float:
    """Seconds to wait after the latest failure: 0 for the first ``free``, then 1, 2, 4… ≤ cap."""
    if failures < free:
        return 0.0
    return float(min(cap_s, 2 ** min(failures - free, 30)))


def login_retry_after(keys: list[str]) -> int:
    """Seconds this sign-in must wait (0: go ahead), from the recent failures of its keys."""
    cfg = current_app.config
    now = utcnow()
    since = now - timedelta(seconds=cfg["LOGIN_FAILURE_WINDOW_S"])
    rows = db.session.execute(
        db.select(LoginFailure.key, db.func.count(LoginFailure.id), db.func.max(LoginFailure.at))
        .where(LoginFailure.key.in_(keys), LoginFailure.at >= since)
        .group_by(LoginFailure.key)
    ).all()
    stats = {key: (n, last) for key, n, last in rows}
    pair_key, ip_key = keys
    limits = {
        pair_key: (cfg["LOGIN_FAILURES_ALLOWED"], cfg["LOGIN_BACKOFF_MAX_S"]),
        ip_key: (cfg["LOGIN_ADDRESS_FAILURES_ALLOWED"], cfg["LOGIN_ADDRESS_BACKOFF_MAX_S"]),
    }
    wait = 0.0
    for key, (free, cap) in limits.items():
        if key in stats:
            n, last = stats[key]
            wait = max(wait, _backoff(n, free, cap) - (now - last).total_seconds())
    return max(0, math.ceil(wait))


def record_failure(keys: list[str]) -> None:
    cfg = current_app.config
    old = utcnow() - timedelta(seconds=cfg["LOGIN_FAILURE_WINDOW_S"])
    db.session.execute(db.delete(LoginFailure).where(LoginFailure.at < old))
    for k in keys:
        db.session.add(LoginFailure(key=k))
    db.session.commit()


def clear_failures(keys: list[str]) -> None:
    """A right password clears its own (name, address) pair, not the address's count."""
    db.session.execute(db.delete(LoginFailure).where(LoginFailure.key == keys[0]))


def _dummy_hash() -> str:
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    cache = current_app.extensions.setdefault("stormdesk.dummy_hash", {})
    if method not in cache:
        cache[method] = generate_password_hash(secrets.token_hex(16), method=method)
    return cache[method]


def verify_sign_in(username: str, password: str) -> User | None:
    """The active user with this name and password, else None, in the same time either way.

    An unknown name is checked against a dummy hash of the same kind, so the response time does
    not tell which names exist.
    """
    user = db.session.execute(
        db.select(User).filter_by(username=normalise_username(username))
    ).scalar_one_or_none()
    if user is None:
        check_password_hash(_dummy_hash(), password)
        return None
    ok = user.check_password(password)
    return user if ok and user.active else None


def trust_proxies(app, hops: int) -> None:
    """Believe ``hops`` proxies' X-Forwarded-For/-Proto (0: none, the client connects directly).

    Only set it to the number of proxies really in front of the trainer: with more, anyone can
    choose their own address by sending the header themselves.
    """
    raw = app.extensions.setdefault("stormdesk.raw_wsgi", app.wsgi_app)
    app.config["PROXY_HOPS"] = hops
    app.wsgi_app = ProxyFix(raw, x_for=hops, x_proto=hops) if hops > 0 else raw


# --- Headers and the database ------------------------------------------------------------------
def _headers(response):
    h = response.headers
    h.setdefault("Content-Security-Policy", CSP)
    h.setdefault("X-Content-Type-Options", "nosniff")
    h.setdefault("X-Frame-Options", "DENY")
    h.setdefault("Referrer-Policy", "same-origin")
    worker = current_app.config.get("WORKER_ID")
    if worker is not None:  # serve --processes: which process answered (see router.py)
        h["X-Stormdesk-Worker"] = worker
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


# --- Input at the edge ---------------------------------------------------------------------------
# Refused before any view runs, so no database sees them: PostgreSQL refuses NUL in text and
# integers past int4 (a 500 there), SQLite past int64; terminal escapes and bidi overrides in a
# name can disguise it in tables, CSV files and terminals.
DB_INT_MAX = 2**31 - 1  # ids and seeds are INTEGER columns (int4 on PostgreSQL)
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # C0 but tab/newlines, DEL
BIDI_CONTROLS = re.compile(r"[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
NAME_FIELDS = frozenset({"username", "display_name", "name", "title", "confirm_username"})


class BoundedIntConverter(IntegerConverter):
    """``<int:…>`` in URLs: only ids a database column can hold (others 404, never a 500)."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", DB_INT_MAX)
        super().__init__(map, *args, **kwargs)


def text_problem(field: str, value: str) -> str | None:
    """Why ``value`` cannot be stored in ``field`` (None when it can)."""
    if "\x00" in value:
        return f"{field}: contains a NUL character"
    if CONTROL_CHARS.search(value):
        return f"{field}: contains a control character (such as ESC)"
    if field in NAME_FIELDS and BIDI_CONTROLS.search(value):
        return f"{field}: contains a text-direction control character"
    return None


def _json_problem(value, path: str = "body") -> str | None:
    if isinstance(value, dict):
        for k, v in value.items():
            found = _json_problem(v, str(k)[:40]) or _json_problem(str(k), "a key")
            if found:
                return found
    elif isinstance(value, list):
        for v in value:
            found = _json_problem(v, path)
            if found:
                return found
    elif isinstance(value, str):
        return text_problem(path, value)
    elif isinstance(value, int) and not isinstance(value, bool) and abs(value) > DB_INT_MAX:
        return f"{path}: {value} is out of range (at most {DB_INT_MAX})"
    return None


def _check_input():
    from flask import request

    for source in (request.args, request.form):
        for key, value in source.items(multi=True):
            found = text_problem(key[:40], key) or text_problem(key[:40], value)
            if found:
                abort(400, f"Not accepted: {found}.")
    if request.is_json:
        found = _json_problem(request.get_json(silent=True))
        if found:
            abort(400, f"Not accepted: {found}.")


def init_app(app) -> None:
    app.url_map.converters["int"] = BoundedIntConverter  # before the blueprints add their rules
    app.before_request(_check_input)
    app.after_request(_headers)
    trust_proxies(app, int(app.config.get("PROXY_HOPS") or 0))
