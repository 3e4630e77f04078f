"""Error pages and JSON errors: clear 4xx messages, and a helpful 503 when the database is away."""

from __future__ import annotations

from flask import current_app, g, jsonify, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError, ProgrammingError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from . import dbguard
from .engine import Rejected, Unreplayable
from .extensions import db, login_manager

# Only said when true: the database server is unreachable (or SQLite is busy), and every reply
# that was acknowledged was committed first. A deleted or replaced SQLite file and a database
# without the trainer's schema have messages of their own (trainer_web.dbguard).
DB_DOWN = (
    "The training database is not reachable right now. Nothing you submitted is lost: every "
    "reply that was acknowledged is stored. Your exercise will pause at the last acknowledged "
    "moment and continue when the database is back; try again in a minute."
)


def wants_json() -> bool:
    return (
        request.is_json
        or request.path.endswith(".json")
        or request.accept_mimetypes.best == "application/json"
        or request.headers.get("X-Requested-With") == "fetch"
    )


def error_response(status: int, title: str, message: str):
    if wants_json():
        return jsonify(error=title, message=message), status
    return render_template("error.html", status=status, title=title, message=message), status


def _http(e: HTTPException):
    messages = {
        400: "The request was not understood.",
        401: "Please sign in.",
        403: "You do not have access to this page.",
        404: "There is nothing here.",
        405: "That method is not allowed here.",
        413: "The request is too large (a reply is at most a few thousand characters).",
        429: "Too many attempts: wait a few minutes and try again.",
    }
    message = messages.get(e.code, e.description)
    if e.description and e.description != type(e).description:
        message = e.description  # a view's own explanation (abort(400, "…"))
    body, status = error_response(e.code or 500, e.name, message)
    response = make_response(body, status)
    retry_after = getattr(e, "retry_after", None)
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    return response


def _csrf(e: CSRFError):
    return error_response(
        400,
        "Form expired or forged",
        f"{e.description} Reload the page and try again (nothing was changed).",
    )


def _rejected(e: Rejected):
    return error_response(e.status, "Not accepted", e.message)


def _read_only(e: Unreplayable):
    """A view that needed an exercise's model when it cannot be rebuilt: refused, not a 500."""
    db.session.rollback()
    return error_response(409, "Read-only exercise", f"This exercise is read-only: {e.reason}.")


def _unavailable(title: str, message: str, retry_after: int):
    try:
        db.session.rollback()
    except Exception:  # the connection is gone; the session is discarded at teardown anyway
        db.session.close()
    # The page must not look the user up again (that needs the database): show it signed out.
    g._login_user = login_manager.anonymous_user()
    body, status = error_response(503, title, message)
    response = make_response(body, status)
    response.headers["Retry-After"] = str(retry_after)
    return response


def _database_file_gone(e: dbguard.DatabaseFileGone):
    return _unavailable("Database file missing", e.message, 60)


def _database_down(e: Exception):
    guard = dbguard.guard()
    if guard is not None:
        try:
            guard.check()
        except dbguard.DatabaseFileGone as gone:
            return _database_file_gone(gone)
    try:
        db.session.rollback()
    except Exception:
        db.session.close()
    problem = dbguard.schema_problem()
    if problem is not None:
        return _unavailable("Database not set up", problem, 60)
    if isinstance(e, ProgrammingError):  # a real bug, not the database's state
        current_app.logger.error("unexpected database error", exc_info=e)
        return error_response(500, "Internal Server Error", "Something went wrong on our side.")
    return _unavailable("Database unavailable", DB_DOWN, 10)


def init_app(app) -> None:
    app.register_error_handler(CSRFError, _csrf)
    app.register_error_handler(HTTPException, _http)
    app.register_error_handler(Rejected, _rejected)
    app.register_error_handler(Unreplayable, _read_only)
    app.register_error_handler(dbguard.DatabaseFileGone, _database_file_gone)
    app.register_error_handler(OperationalError, _database_down)
    app.register_error_handler(ProgrammingError, _database_down)
    app.register_error_handler(InterfaceError, _database_down)
    app.register_error_handler(PoolTimeout, _database_down)
