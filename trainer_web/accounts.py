"""People: creating accounts with generated passwords, CSV import, deleting a trainee's data."""

from __future__ import annotations

import csv
import io
import re
import secrets

from .extensions import db
from .models import Cohort, Role, User

USERNAME_RE = re.compile(r"^[A-Za-z0-9_.-]{2,64}$")
MIN_PASSWORD = 8
MAX_IMPORT_ROWS = 500


class AccountError(ValueError):
    """A username or password that cannot be used (the message says why)."""


def new_password() -> str:
    """A password to hand to a trainee once: 12 characters, easy to type."""
    return secrets.token_urlsafe(9)


def create_user(
    username: str,
    role: str,
    *,
    display_name: str = "",
    password: str | None = None,
    cohort: Cohort | None = None,
) -> tuple[User, str]:
    """Add a user (not committed); returns it and its password (generated when not given)."""
    username = username.strip()
    if not USERNAME_RE.match(username):
        raise AccountError(
            f"username {username[:70]!r}: 2–64 letters, digits, dots, dashes or underscores"
        )
    if role not in tuple(Role):
        raise AccountError(f"role must be one of {', '.join(Role)}")
    if db.session.execute(db.select(User.id).filter_by(username=username)).first():
        raise AccountError(f"username {username!r} is taken")
    password = password or new_password()
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password must have at least {MIN_PASSWORD} characters")
    user = User(username=username, role=role, display_name=display_name.strip()[:120])
    user.set_password(password)
    if cohort is not None:
        user.cohort = cohort
    db.session.add(user)
    db.session.flush()
    return user, password


def reset_password(user: User) -> str:
    password = new_password()
    user.set_password(password)  # also rotates the session token: old sessions end
    return password


def import_trainees(cohort: Cohort, data: bytes) -> tuple[list[tuple[User, str]], list[str]]:
    """Trainees from CSV (``username,display_name[,password]``, header optional).

    All or nothing: any bad row rejects the file, with one line per problem.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], ["the file is not UTF-8 text (save it as CSV UTF-8)"]
    rows = list(csv.reader(io.StringIO(text)))
    if rows and [c.strip().lower() for c in rows[0][:2]] == ["username", "display_name"]:
        rows = rows[1:]
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        return [], ["the file has no trainees"]
    if len(rows) > MAX_IMPORT_ROWS:
        return [], [f"at most {MAX_IMPORT_ROWS} trainees per file"]
    created, problems, seen = [], [], set()
    for n, row in enumerate(rows, start=1):
        username = row[0].strip()
        name = row[1].strip() if len(row) > 1 else ""
        password = row[2].strip() if len(row) > 2 and row[2].strip() else None
        if username in seen:
            problems.append(f"row {n}: {username!r} appears twice")
            continue
        seen.add(username)
        try:
            created.append(
                create_user(
                    username, Role.TRAINEE, display_name=name, password=password, cohort=cohort
                )
            )
        except AccountError as e:
            problems.append(f"row {n}: {e}")
    if problems:
        db.session.rollback()
        return [], problems
    return created, []


def delete_trainee(user: User) -> None:
    """Remove a trainee and everything recorded about them (exercises, replies, notes)."""
    db.session.delete(user)
