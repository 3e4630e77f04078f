"""People: creating accounts with generated passwords, CSV import, deleting a trainee's data."""

from __future__ import annotations

import contextlib
import csv
import io
import re
import secrets

from flask import current_app
from werkzeug.security import generate_password_hash

from .extensions import db
from .models import Cohort, Role, User

USERNAME_RE = re.compile(r"^[A-Za-z0-9_.-]{2,64}$")
MIN_PASSWORD = 12
MAX_PASSWORD = 256
MAX_IMPORT_ROWS = 500


class AccountError(ValueError):
    """A username or password that cannot be used (the message says why)."""


# The passwords and words that top every breach list (and this app's own name), which a
# guesser tries first: refused on their own or padded with digits and symbols ("Password123!").
COMMON_WORDS = frozenset(
    [
        "password",
        "passw0rd",
        "p@ssword",
        "p@ssw0rd",
        "passwort",
        "motdepasse",
        "contrasena",
        "wachtwoord",
        "qwerty",
        "qwertyuiop",
        "qwertz",
        "azerty",
        "asdfgh",
        "asdfghjkl",
        "zxcvbn",
        "zxcvbnm",
        "letmein",
        "welcome",
        "iloveyou",
        "admin",
        "administrator",
        "root",
        "user",
        "login",
        "guest",
        "changeme",
        "default",
        "secret",
        "master",
        "monkey",
        "dragon",
        "shadow",
        "sunshine",
        "princess",
        "football",
        "baseball",
        "basketball",
        "soccer",
        "hockey",
        "superman",
        "batman",
        "trustno1",
        "whatever",
        "freedom",
        "starwars",
        "pokemon",
        "michael",
        "jennifer",
        "jordan",
        "hunter",
        "killer",
        "charlie",
        "summer",
        "winter",
        "spring",
        "autumn",
        "abc",
        "abcdef",
        "abcdefgh",
        "abcdefghijkl",
        "abc123",
        "test",
        "testing",
        "training",
        "trainer",
        "trainee",
        "instructor",
        "student",
        "teacher",
        "school",
        "stormdesk",
        "storm",
        "complaint",
        "customer",
        "service",
        "support",
        "helpdesk",
        "company",
        "office",
        "computer",
        "internet",
        "google",
        "facebook",
        "twitter",
        "instagram",
        "linkedin",
        "microsoft",
        "apple",
        "samsung",
        "london",
        "paris",
        "berlin",
        "hello",
        "hellohello",
        "lovely",
        "loveyou",
        "matrix",
        "mustang",
        "ninja",
        "pepper",
        "flower",
        "cheese",
        "chocolate",
        "cookie",
        "access",
        "access14",
        "solo",
    ]
)


def _breach_cores(password: str) -> set[str]:
    """The password without the digits, symbols and spaces people pad common words with
    (read as is, and with the usual look-alike swaps: ``p@ssw0rd`` → ``password``)."""
    low = password.casefold()
    swapped = low.translate(str.maketrans("@401!3$5", "aaoiiess"))
    return {re.sub(r"[^a-z]", "", low), re.sub(r"[^a-z]", "", swapped)}


def check_password_policy(password: str) -> None:
    """Refuse a password a guesser would try early: short, huge, blank, common or repetitive.

    The one policy for the sign-up forms, the account page and ``stormdesk trainer create-user``.
    """
    if not password or not password.strip():
        raise AccountError("the password is empty or only spaces")
    if len(password) > MAX_PASSWORD:
        raise AccountError(f"the password must have at most {MAX_PASSWORD} characters")
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password must have at least {MIN_PASSWORD} characters")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in password):
        raise AccountError("the password must not contain control characters")
    cores = _breach_cores(password)
    if cores & COMMON_WORDS or password.casefold() in COMMON_WORDS:
        raise AccountError("that password is on the lists of common passwords; choose another")
    if len(set(password.casefold())) < 5:
        raise AccountError("the password repeats too few characters; a few words work well")
    if password.isdigit() or cores & {"abcdefghijklmnopqrstuvwxyz"[:n] for n in range(3, 27)}:
        raise AccountError("the password is a simple sequence; a few words work well")


def clean_name(value: str, field: str) -> str:
    """A person's name without surrounding spaces; control and bidi characters refused."""
    from .security import BIDI_CONTROLS, CONTROL_CHARS

    value = (value or "").strip()
    if CONTROL_CHARS.search(value) or "\t" in value or "\n" in value or "\r" in value:
        raise AccountError(f"{field} {value[:40]!r}: contains a control character")
    if BIDI_CONTROLS.search(value):
        raise AccountError(f"{field} {value[:40]!r}: contains a text-direction control character")
    return value


def new_password() -> str:
    """A password to hand to a trainee once: 12 characters, easy to type, within the policy."""
    while True:
        password = secrets.token_urlsafe(9)
        try:
            check_password_policy(password)
        except AccountError:  # astronomically rare (e.g. a common word spelt by chance)
            continue
        return password


def check_username(username: str) -> str:
    username = (username or "").strip()
    if not USERNAME_RE.match(username):
        raise AccountError(
            f"username {username[:70]!r}: 2–64 letters, digits, dots, dashes or underscores"
        )
    return username


def create_user(
    username: str,
    role: str,
    *,
    display_name: str = "",
    password: str | None = None,
    cohort: Cohort | None = None,
) -> tuple[User, str]:
    """Add a user (not committed); returns it and its password (generated when not given)."""
    username = check_username(username)
    display_name = clean_name(display_name, "display name")
    if role not in tuple(Role):
        raise AccountError(f"role must be one of {', '.join(Role)}")
    if db.session.execute(db.select(User.id).filter_by(username=username)).first():
        raise AccountError(f"username {username!r} is taken")
    password = new_password() if password is None else password
    check_password_policy(password)
    user = User(username=username, role=role, display_name=display_name[:120])
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


def hash_in_background(passwords: list[str]) -> list[str]:
    """Hash many passwords in a helper thread at the lowest CPU priority (Linux: threads have
    their own nice value; scrypt releases the GIL), so the trainees playing meanwhile keep
    the CPU they need. Elsewhere, or if the priority cannot be lowered, it just runs."""
    import os
    import threading

    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    out: list[str] = []
    failure: list[BaseException] = []

    def work() -> None:
        try:
            if hasattr(os, "setpriority"):
                with contextlib.suppress(OSError):
                    os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
            out.extend(generate_password_hash(pw, method=method) for pw in passwords)
        except BaseException as e:  # re-raised in the request's thread
            failure.append(e)

    worker = threading.Thread(target=work, name="stormdesk-hash", daemon=True)
    worker.start()
    worker.join()
    if failure:
        raise failure[0]
    return out


def _csv_rows(data: bytes) -> tuple[list[tuple[int, list[str]]], list[str]]:
    """The file's non-blank rows with their spreadsheet row numbers (a header is row 1)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], ["the file is not UTF-8 text (save it as CSV UTF-8)"]
    if "\x00" in text:
        return [], ["the file contains NUL characters: is it really a CSV file?"]
    reader = csv.reader(io.StringIO(text))
    rows: list[tuple[int, list[str]]] = []
    try:
        for row in reader:
            rows.append((reader.line_num, row))
    except csv.Error as e:
        return [], [f"row {reader.line_num}: {e}"]
    if rows and [c.strip().lower() for c in rows[0][1][:2]] == ["username", "display_name"]:
        rows = rows[1:]
    return [(n, r) for n, r in rows if any(c.strip() for c in r)], []


def import_trainees(cohort: Cohort, data: bytes) -> tuple[list[tuple[User, str]], list[str]]:
    """Trainees from CSV (``username,display_name[,password]``, header optional).

    All or nothing: any bad row rejects the file, with one line per problem, numbered as the
    spreadsheet numbers its rows. The slow part, one scrypt hash per trainee (~80 ms each), runs
    before any write and outside any transaction; the users are then added in one short write
    (the caller commits), so a 500-row import never holds SQLite's write lock for more than a
    moment and other classes keep playing.
    """
    rows, problems = _csv_rows(data)
    if problems:
        return [], problems
    if not rows:
        return [], ["the file has no trainees"]
    if len(rows) > MAX_IMPORT_ROWS:
        return [], [f"at most {MAX_IMPORT_ROWS} trainees per file"]
    wanted = [r[0].strip() for _, r in rows if r]
    taken = set(
        db.session.execute(db.select(User.username).where(User.username.in_(wanted))).scalars()
    )
    checked, seen = [], set()
    for n, row in rows:
        username = row[0].strip()
        password = row[2].strip() if len(row) > 2 and row[2].strip() else None
        try:
            username = check_username(username)
            if username in seen:
                raise AccountError(f"{username!r} appears twice")
            seen.add(username)
            if username in taken:
                raise AccountError(f"username {username!r} is taken")
            name = clean_name(row[1] if len(row) > 1 else "", "display name")
            if password is not None:
                check_password_policy(password)
        except AccountError as e:
            problems.append(f"row {n}: {e}")
            continue
        checked.append((username, name, password or new_password()))
    if problems:
        return [], problems
    cohort_id = cohort.id
    db.session.commit()  # end the read transaction before the slow part
    digests = hash_in_background([pw for _, _, pw in checked])
    hashed = [(u, name, pw, d) for (u, name, pw), d in zip(checked, digests, strict=True)]
    users = [
        (
            User(
                username=u,
                role=Role.TRAINEE,
                display_name=name[:120],
                password_hash=digest,
                session_token=secrets.token_hex(24),
                cohort_id=cohort_id,
            ),
            pw,
        )
        for u, name, pw, digest in hashed
    ]
    db.session.add_all([u for u, _ in users])
    return users, []


def delete_trainee(user: User) -> None:
    """Remove a trainee and everything recorded about them (exercises, replies, notes)."""
    db.session.delete(user)
