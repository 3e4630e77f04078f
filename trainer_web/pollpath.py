"""The trainee's poll (``GET /exercises/<id>/state.json``, once a second per page) without
Flask's per-request machinery (issue 13: 300 active exercises on two cores).

A poll through Flask cost about 3 ms of CPU in-process, half of it the request context, the
session, Flask-Login, the ORM loading the user and the exercise, and the ORM flush of the
acknowledgement. :class:`FastPoll` sits in front of the Flask app (inside the proxy fix, so it
sees the same client address) and answers the common case itself, with the same checks:

- the session cookie is verified and decoded by the app's own session serializer (same key,
  salt and maximum age), and Flask-Login's session protection identifier must match (so Flask
  would not have changed the session: no cookie is ever set by this path);
- one Core statement (built once) reads the exercise's row joined to its trainee, where the
  trainee's *current* session version is the one in the cookie and the account is active: a
  revoked cookie (sign-out, sign out everywhere, a password change or reset, in any process)
  or another trainee's exercise matches no row;
- the SQLite file guard is checked as before every request;
- the live model must already be in this process's cache and up to date with the row (no
  replay, no reply recorded elsewhere) and the clock must not need settling.

Anything else — no or a bad cookie, a remember-me sign-in, a query string, a body, someone
else's exercise, a read-only or unreplayed exercise, a clock to settle, a database error — is
passed to Flask untouched, which answers it exactly as before (a 404, the sign-in redirect, a
503…). The answer is the same JSON the Flask route builds (``engine.view_json``), with the same
security headers; the acknowledgement is one Core ``UPDATE`` committed before the answer is sent.
"""

from __future__ import annotations

import re
import threading
from hashlib import sha512

from sqlalchemy import and_, bindparam, select, true, update
from werkzeug.sansio.http import parse_cookie

from .engine.base import STALE_AFTER_S
from .engine.clock import sim_now
from .engine.view import ack_due, view_json
from .models import Exercise, ExerciseState, User, utcnow
from .security import CSP, DB_INT_MAX

POLL_PATH = re.compile(r"/exercises/([1-9][0-9]{0,9})/state\.json")
# The row's columns a poll reads (the names the view and the clock use on an ORM exercise).
_COLUMNS = (
    "id",
    "state",
    "clock_sim_min",
    "clock_wall_at",
    "acked_sim_min",
    "acked_at",
    "n_actions",
    "duration_min",
    "speed",
    "seed",
    "start_min",
    "scenario_sha256",
    "model_version",
    "remedy_limit",
    "empowered",
)


def identifier(environ) -> str:
    """Flask-Login's session identifier (``flask_login.utils._create_identifier``) for a WSGI
    environ: the first X-Forwarded-For address (else the remote address) and the user agent."""
    address = environ.get("HTTP_X_FORWARDED_FOR", environ.get("REMOTE_ADDR"))
    if address is not None:
        address = address.encode("utf-8").split(b",")[0].strip()
    agent = environ.get("HTTP_USER_AGENT")
    if agent is not None:
        agent = agent.encode("utf-8")
    return sha512(f"{address}|{agent}".encode()).hexdigest()


class FastPoll:
    """WSGI middleware: answers a signed-in trainee's poll of their own live exercise."""

    def __init__(self, app, wsgi_app):
        self.app = app
        self.wsgi_app = wsgi_app
        self.served = 0  # polls answered here (the rest went to Flask)
        self._setup = None
        self._setup_lock = threading.Lock()

    def _prepare(self):
        app = self.app
        iface = app.session_interface
        serializer = iface.get_signing_serializer(app)
        if serializer is None:
            return None
        with app.app_context():
            from .extensions import db, login_manager

            engine = db.engine
            protection = app.config.get("SESSION_PROTECTION", login_manager.session_protection)
        ex = Exercise.__table__
        user = User.__table__
        read = (
            select(*(ex.c[name] for name in _COLUMNS))
            .join_from(ex, user, user.c.id == ex.c.trainee_id)
            .where(
                ex.c.id == bindparam("id"),
                user.c.session_token == bindparam("token"),
                user.c.active == true(),
            )
        )
        # Only a running exercise, and never over a newer acknowledgement (a pause or resume
        # since this poll read the row stores its own).
        ack = (
            update(ex)
            .where(
                and_(
                    ex.c.id == bindparam("eid"),
                    ex.c.state == ExerciseState.RUNNING.value,
                    ex.c.acked_at < bindparam("wall"),
                )
            )
            .values(acked_sim_min=bindparam("t"), acked_at=bindparam("wall"))
        )
        headers = [
            ("Content-Type", "application/json"),
            ("Content-Security-Policy", CSP),
            ("X-Content-Type-Options", "nosniff"),
            ("X-Frame-Options", "DENY"),
            ("Referrer-Policy", "same-origin"),
            ("Vary", "Cookie"),
        ]
        if app.config.get("WORKER_ID") is not None:
            headers.append(("X-Stormdesk-Worker", app.config["WORKER_ID"]))
        if app.config.get("SESSION_COOKIE_SECURE"):
            headers.append(("Strict-Transport-Security", "max-age=31536000"))
        return {
            "serializer": serializer,
            "cookie": iface.get_cookie_name(app),
            "max_age": int(app.permanent_session_lifetime.total_seconds()),
            "protect": protection if protection in ("basic", "strong") else None,
            "engine": engine,
            "read": read,
            "acks": AckBatch(engine, ack),
            "headers": headers,
        }

    def __call__(self, environ, start_response):
        if (
            environ.get("REQUEST_METHOD") == "GET"
            and not environ.get("QUERY_STRING")
            and environ.get("CONTENT_LENGTH") in (None, "", "0")
            and not environ.get("HTTP_TRANSFER_ENCODING")
            and self.app.config.get("FAST_POLL", True)
        ):
            m = POLL_PATH.fullmatch(environ.get("PATH_INFO", ""))
            if m is not None and int(m.group(1)) <= DB_INT_MAX:
                try:
                    body = self._answer(environ, int(m.group(1)))
                except Exception:  # Flask answers it (a 503, a 500 logged…) as it always did
                    body = None
                if body is not None:
                    self.served += 1
                    data = body.encode()
                    start_response(
                        "200 OK", [*self._setup["headers"], ("Content-Length", str(len(data)))]
                    )
                    return [data]
        return self.wsgi_app(environ, start_response)

    def _session_token(self, environ) -> str | None:
        """The session version in a valid session cookie that Flask would leave unchanged."""
        s = self._setup
        raw = environ.get("HTTP_COOKIE")
        if not raw:
            return None
        value = parse_cookie(raw).get(s["cookie"])
        if not value:
            return None
        try:
            data = s["serializer"].loads(value, max_age=s["max_age"])
        except Exception:  # a bad signature, expired, not JSON: Flask starts a new session
            return None
        if not isinstance(data, dict) or "_remember" in data or data.get("_permanent"):
            return None  # Flask-Login or Flask would set a cookie on this answer
        token = data.get("_user_id")
        if not isinstance(token, str):
            return None
        # Flask-Login's session protection, for a cookie used from another address or browser:
        # "strong" ends the session, "basic" marks it non-fresh (a new cookie, unless it is
        # already): Flask's job.
        if (
            s["protect"]
            and data.get("_id") != identifier(environ)
            and (s["protect"] != "basic" or data.get("_fresh") is not False)
        ):
            return None
        return token

    def _answer(self, environ, exercise_id: int) -> str | None:
        if self._setup is None:
            with self._setup_lock:  # once: its statements and the acknowledgements' batch
                if self._setup is None:
                    self._setup = self._prepare()
        s = self._setup
        if s is None:
            return None
        token = self._session_token(environ)
        if token is None:
            return None
        guard = self.app.extensions.get("stormdesk.dbguard")
        if guard is not None:
            guard.check()  # raises once the SQLite file is gone: Flask says so (a 503)
        with s["engine"].connect() as conn:
            row = conn.execute(s["read"], {"id": exercise_id, "token": token}).first()
            if row is None or row.state not in (ExerciseState.RUNNING, ExerciseState.PAUSED):
                return None  # not theirs, revoked, finished: Flask's answer
            wall = utcnow()
            if row.state == ExerciseState.RUNNING and (
                (wall - row.acked_at).total_seconds() > STALE_AFTER_S
                or sim_now(row, wall) >= row.duration_min
            ):
                return None  # the clock must be settled (paused or finished) first
            t = sim_now(row, wall)
            models = self.app.extensions["stormdesk.models"]
            with models.lock(exercise_id):
                entry = models.get(exercise_id)
                if entry is None or entry.n_actions != row.n_actions or entry.model.now > t + 1e-9:
                    return None  # a replay or a catch-up: Flask's route does it
                entry.advance(t)
                body = view_json(row, entry, t)
        if ack_due(row, wall):
            if guard is not None and guard.ident is not None:
                guard.check()
            s["acks"].store(exercise_id, t, wall)  # committed when it returns
        return body


class AckBatch:
    """Group commit of the polls' acknowledgements: each poll waits until its own is committed,
    but the polls of one moment share one transaction.

    Every other poll stores the minute it shows. Committed one by one, 150 a second per process
    on one SQLite file, they queued on the file's write lock (SQLite's busy handler sleeps 1, 2,
    5, 10… ms between tries): commits took 7 ms at the median and 100–450 ms at p90–p99, most
    of a slow poll's time. Here the first waiting poll commits everything waiting (one
    ``UPDATE`` per exercise, one transaction) while the next ones gather for the next commit.
    """

    def __init__(self, engine, statement):
        self.engine = engine
        self.statement = statement
        self._cv = threading.Condition()
        self._pending: dict[int, dict] = {}
        self._collecting = 0  # the number of the batch new acknowledgements join
        self._committed = -1  # the last batch written (or failed)
        self._writing = False
        self._failed: dict[int, BaseException] = {}
        self.commits = 0

    def store(self, exercise_id: int, t: float, wall) -> None:
        """Store ``t`` as shown at ``wall``; returns once it is committed (raises if it failed)."""
        cv = self._cv
        with cv:
            self._pending[exercise_id] = {"eid": exercise_id, "t": t, "wall": wall}
            mine = self._collecting
            while self._committed < mine:
                if self._writing:
                    cv.wait()
                    continue
                batch, number = list(self._pending.values()), self._collecting
                self._pending = {}
                self._collecting += 1
                self._writing = True
                cv.release()
                error = None
                try:
                    with self.engine.begin() as conn:
                        conn.execute(self.statement, batch)
                except BaseException as e:  # every poll of the batch learns of it
                    error = e
                finally:
                    cv.acquire()
                    self._writing = False
                    self._committed = number
                    self.commits += 1
                    if error is not None:
                        self._failed[number] = error
                    for old in [n for n in self._failed if n < number - 64]:
                        del self._failed[old]
                    cv.notify_all()
            error = self._failed.get(mine)
        if error is not None:
            raise error


def install(app) -> None:
    """Put :class:`FastPoll` in front of the app's Flask WSGI callable (before the proxy fix
    wraps it, so it sees the client's address as Flask does)."""
    fast = FastPoll(app, app.wsgi_app)
    app.extensions["stormdesk.fast_poll"] = fast
    app.wsgi_app = fast
