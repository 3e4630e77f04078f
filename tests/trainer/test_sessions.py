"""Sessions end server-side: sign-out, "sign out everywhere" and password changes revoke every
copy of the session and remember-me cookies; signing in starts a new CSRF secret."""

from __future__ import annotations

from trainer_web.extensions import db
from trainer_web.models import User

from .conftest import CSRF_META, PASSWORD, Client, signed_in


def _cookie(client: Client, name: str) -> str | None:
    c = client.http.get_cookie(name)
    return c.value if c else None


def _copy_of(app, client: Client, *names: str) -> Client:
    """Another browser holding copies of ``client``'s cookies (as a thief would)."""
    other = Client(app)
    for name in names:
        value = _cookie(client, name)
        assert value, f"no {name} cookie to copy"
        other.http.set_cookie(name, value)
    return other


def test_a_session_cookie_copied_before_sign_out_stops_working(app, world):
    alice = signed_in(app, "alice")
    thief = _copy_of(app, alice, "session")
    assert thief.get("/exercises/").status_code == 200  # the copy works while alice is in
    assert alice.post("/logout").status_code == 302
    assert thief.get("/exercises/").status_code == 302  # revoked on the server, not just erased
    assert alice.get("/exercises/").status_code == 302


def test_a_remember_me_cookie_stops_signing_in_after_sign_out(app, world):
    alice = Client(app)
    r = alice.post("/login", data={"username": "alice", "password": PASSWORD, "remember": "y"})
    assert r.status_code == 302
    alice.token = None  # a new session, a new CSRF secret
    saved = _cookie(alice, "remember_token")
    assert saved

    def with_saved_cookie() -> Client:  # a browser holding only the "keep me signed in" cookie
        other = Client(app)
        other.http.set_cookie("remember_token", saved)
        return other

    assert with_saved_cookie().get("/exercises/").status_code == 200
    assert alice.post("/logout").status_code == 302
    assert with_saved_cookie().get("/exercises/").status_code == 302


def test_sign_out_everywhere_ends_the_other_browsers(app, world):
    laptop, phone = signed_in(app, "alice"), signed_in(app, "alice")
    assert phone.get("/exercises/").status_code == 200
    assert laptop.get("/account").status_code == 200
    assert laptop.post("/account/sign-out-everywhere").status_code == 302
    assert phone.get("/exercises/").status_code == 302
    assert laptop.get("/exercises/").status_code == 302
    assert signed_in(app, "alice").get("/exercises/").status_code == 200  # can sign in again


def test_changing_the_password_ends_other_sessions_and_keeps_this_one(app, world):
    laptop, phone = signed_in(app, "alice"), signed_in(app, "alice")
    new = "lantern-orbit-7-maple"
    r = laptop.post("/account", data={"current": PASSWORD, "new": new, "confirm": new})
    assert r.status_code == 302, r.get_data(as_text=True)[:400]
    assert phone.get("/exercises/").status_code == 302
    assert laptop.get("/exercises/").status_code == 200
    assert Client(app).login("alice", PASSWORD).status_code == 401
    assert Client(app).login("alice", new).status_code == 302


def test_the_account_page_refuses_a_weak_or_wrong_password(app, world):
    alice = signed_in(app, "alice")
    for current, new, expect in [
        ("wrong-current-pw", "lantern-orbit-7-maple", "not your current password"),
        (PASSWORD, "short-pw", "at least 12"),
        (PASSWORD, "Password123!", "common passwords"),
        (PASSWORD, " " * 14, "only spaces"),
        (PASSWORD, "x" + "long-words-" * 30, "at most 256"),
    ]:
        r = alice.post("/account", data={"current": current, "new": new, "confirm": new})
        assert r.status_code == 400 and expect in r.get_data(as_text=True), expect
    with app.app_context():
        user = db.session.execute(db.select(User).filter_by(username="alice")).scalar_one()
        assert user.check_password(PASSWORD)


def test_signing_in_rotates_the_csrf_secret(app, world):
    c = Client(app)
    before = c.csrf()  # the token the sign-in page handed out
    assert c.login("alice").status_code == 302
    page = c.get("/exercises/").get_data(as_text=True)
    after = CSRF_META.search(page).group(1)
    assert after != before
    # A token planted or read before sign-in no longer authorises anything after it.
    r = c.http.post("/logout", data={"csrf_token": before})
    assert r.status_code == 400
    assert c.get("/exercises/").status_code == 200
