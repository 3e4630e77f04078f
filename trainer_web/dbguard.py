"""The database under a running server: a SQLite file deleted or replaced, a schema not migrated.

SQLite keeps reading and writing a file that was deleted (its open connections hold the
unlinked inode), so a server whose file was removed went on acknowledging replies that nobody
would ever see again. The file's identity (device, inode) is taken when the server first uses
it and compared before every request and every commit; once the file is missing or another
file is in its place, the server stops acknowledging (503 for everything, sticky until a
restart) and says so truthfully, with what the operator must do.

A *witness* connection, opened with the file, still reads the deleted file afterwards: on
detection it copies everything committed so far (its write-ahead log included) next to the
missing file as ``<name>.recovered-<time>``, so no acknowledged reply is lost.

A database without the trainer's tables, or with an older schema, is a 503 that says to run
``stormdesk trainer init-db``, not "try again in a minute".
"""

from __future__ import annotations

import os
import sqlite3
import threading
import weakref
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app, has_app_context, request
from sqlalchemy import event, inspect, text
from sqlalchemy.orm import Session

from .extensions import db

INIT_DB = "stormdesk trainer init-db"


class DatabaseFileGone(Exception):
    """The SQLite file the server opened is missing or was replaced: nothing can be stored."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class _Guard:
    def __init__(self, path: Path):
        self.path = path
        self.ident: tuple[int, int] | None = None
        self.witness: sqlite3.Connection | None = None
        self.gone: str | None = None
        self.recovered: Path | None = None
        self.lock = threading.Lock()

    def _open_witness(self) -> None:
        try:
            self.witness = sqlite3.connect(self.path, check_same_thread=False)
            self.witness.execute("SELECT count(*) FROM sqlite_master").fetchall()
        except sqlite3.Error:
            self.witness = None

    def _recover(self) -> None:
        """Copy the deleted file (through the witness connection) beside where it was."""
        if self.witness is None:
            return
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        target = self.path.with_name(f"{self.path.name}.recovered-{stamp}")
        try:
            dest = sqlite3.connect(target)
            with dest:
                self.witness.backup(dest)
            dest.close()
            self.recovered = target
        except (sqlite3.Error, OSError):
            self.recovered = None

    def check(self) -> None:
        if self.gone is None and self.ident is not None:
            # The usual case, without the lock: every request and commit of every thread
            # checks, and queueing them on one lock around a stat() slowed polls (issue 13).
            # Anything but the same file goes through the locked check below.
            try:
                st = os.stat(self.path)
            except FileNotFoundError:
                pass
            else:
                if (st.st_dev, st.st_ino) == self.ident:
                    return
        with self.lock:
            if self.gone is None:
                try:
                    st = os.stat(self.path)
                except FileNotFoundError:
                    if self.ident is None:
                        return  # never opened yet: nothing to guard (the schema check speaks)
                    self.gone = "missing"
                else:
                    now = (st.st_dev, st.st_ino)
                    if self.ident is None:
                        self.ident = now
                        self._open_witness()
                    elif now != self.ident:
                        self.gone = "replaced"
                if self.gone is not None:
                    self._recover()
                    current_app.logger.error("trainer database: %s", self.operator_message())
            if self.gone is not None:
                raise DatabaseFileGone(self.page_message())

    def operator_message(self) -> str:
        what = "was deleted" if self.gone == "missing" else "was replaced by another file"
        saved = (
            f"Everything stored until then was copied to {self.recovered}. "
            if self.recovered
            else "Its content could not be copied out. "
        )
        return (
            f"The database file {self.path} {what} while the server was running; the server "
            f"has stopped accepting anything. {saved}Stop the server, put the right file back "
            f"at {self.path} (the recovered copy, or your backup; `{INIT_DB}` for an empty "
            "database), then start it again."
        )

    def page_message(self) -> str:
        what = "was deleted" if self.gone == "missing" else "was replaced"
        kept = (
            "Every reply acknowledged before that was saved to a recovery copy on the server."
            if self.recovered
            else "Replies acknowledged before that are only in the removed file."
        )
        return (
            f"The training database file {what} on the server, so nothing can be saved: what "
            f"you send now is refused, not stored. {kept} The operator must stop the server, "
            "restore the database file (see the server's log for where the copy is) and start "
            "the server again; until then, please wait."
        )


def init_app(app) -> None:
    """Guard the app's SQLite file (if it uses one and ``DB_FILE_GUARD`` is on)."""
    if not app.config.get("DB_FILE_GUARD", True):
        return
    with app.app_context():
        url = db.engine.url
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return
    if url.database.startswith("file:"):
        return
    guard = _Guard(Path(url.database).resolve())
    app.extensions["stormdesk.dbguard"] = guard
    weakref.finalize(app, _close, guard)
    app.before_request(_before_request)


def _close(guard: _Guard) -> None:
    if guard.witness is not None:
        guard.witness.close()


def guard() -> _Guard | None:
    return current_app.extensions.get("stormdesk.dbguard") if has_app_context() else None


def _before_request():
    g = guard()
    if g is not None and request.endpoint != "static":
        g.check()


@event.listens_for(Session, "before_commit")
def _before_commit(session) -> None:
    """The last moment to refuse a write that would go to a deleted or replaced file."""
    g = guard()
    if g is not None and g.ident is not None:
        g.check()


# --- The schema --------------------------------------------------------------------------------
def head_revision(app) -> str:
    """The newest migration this code knows (cached on the app)."""
    if "stormdesk.head" not in app.extensions:
        from alembic.script import ScriptDirectory

        migrate = app.extensions["migrate"]
        config = migrate.migrate.get_config(migrate.directory)
        app.extensions["stormdesk.head"] = ScriptDirectory.from_config(config).get_current_head()
    return app.extensions["stormdesk.head"]


def schema_problem() -> str | None:
    """Why the database's schema is not this trainer's (None: it is, or it cannot be reached)."""
    try:
        with db.engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return (
                    "The training database has not been set up: the operator must run "
                    f"`{INIT_DB}` (then reload this page)."
                )
            current = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception:  # unreachable: the caller says so
        return None
    head = head_revision(current_app)
    if current != head:
        return (
            f"The training database's schema ({current or 'none'}) is not the one this version "
            f"of the trainer needs ({head}): the operator must run `{INIT_DB}` to upgrade it "
            "(then reload this page)."
        )
    return None
