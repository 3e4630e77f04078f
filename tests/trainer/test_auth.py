"""Signing in and out: hashed passwords, throttling, safe redirects, CSRF, headers."""

from __future__ import annotations

from trainer_web.extensions import db
from trainer_web.models import User

from .conftest import PASSWORD, Client, signed_in


def test_login_page_shows_the_form(client):
    r = client.get("/login")
    assert r.status_code == 200
    assert b'name="password"' in r.data and b'name="csrf_token"' in r.data


def test_each_role_lands_on_its_home_page(app, world):
    homes = {"alice": "/exercises/", "coach": "/instructor/", "root": "/admin/"}
    for name, home in homes.items():
        r = Client(app).login(name)
        assert r.status_code == 302 and r.location.endswith(home)


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(client, world):
    r = client.login("alice", "nope-nope-nope")
    assert r.status_code == 401
    assert b"Unknown username or wrong password" in r.data


def test_passwords_are_stored_hashed(app, world):
    with app.app_context():
        user = db.session.execute(db.select(User).filter_by(username="alice")).scalar_one()
        assert PASSWORD not in user.password_hash
        assert user.password_hash.startswith(("pbkdf2:", "scrypt:"))


def test_repeated_failures_are_throttled_even_with_the_right_password(client, world):
    for _ in range(5):
        assert client.login("alice", "wrong-password").status_code == 401
    r = client.login("alice", PASSWORD)
    assert r.status_code == 429
    assert b"Too many" in r.data


def test_next_inside_the_site_is_followed(client, world):
    r = client.post(
        "/login", data={"username": "alice", "password": PASSWORD, "next": "/exercises/"}
    )
    assert r.location.endswith("/exercises/")


def test_next_to_another_site_is_ignored(client, world):
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:x"):
        c = Client(client.app)
        r = c.post("/login", data={"username": "alice", "password": PASSWORD, "next": target})
        assert r.status_code == 302
        assert "evil" not in r.location and r.location.endswith("/exercises/")


def test_pages_need_a_sign_in(client, world):
    r = client.get("/exercises/")
    assert r.status_code == 302 and "/login" in r.location


def test_logout_is_a_post_with_a_token(alice):
    assert alice.get("/logout").status_code == 405
    assert alice.http.post("/logout").status_code == 400  # no CSRF token
    assert alice.get("/exercises/").status_code == 200
    r = alice.post("/logout")
    assert r.status_code == 302
    assert alice.get("/exercises/").status_code == 302


def test_login_form_without_its_token_is_refused(client, world):
    r = client.http.post("/login", data={"username": "alice", "password": PASSWORD})
    assert r.status_code == 400
    assert b"CSRF" in r.data


def test_responses_carry_a_content_security_policy_and_safe_cookies(app, world):
    c = Client(app)
    r = c.login("alice")
    csp = r.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert r.headers["X-Frame-Options"] == "DENY"
    cookie = next(v for k, v in r.headers.items() if k == "Set-Cookie" and v.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_secure_cookie_flag_behind_https(database_url, tmp_path, world):
    from .conftest import make_app

    app = make_app(database_url, tmp_path / "i2", SESSION_COOKIE_SECURE=True)
    r = Client(app).login("alice")
    cookie = next(v for k, v in r.headers.items() if k == "Set-Cookie" and v.startswith("session="))
    assert "Secure" in cookie


def test_a_password_reset_ends_old_sessions(app, world, alice):
    from trainer_web.accounts import reset_password

    assert alice.get("/exercises/").status_code == 200
    with app.app_context():
        user = db.session.execute(db.select(User).filter_by(username="alice")).scalar_one()
        reset_password(user)
        db.session.commit()
    assert alice.get("/exercises/").status_code == 302


def test_deactivated_users_cannot_sign_in(app, world):
    with app.app_context():
        user = db.session.execute(db.select(User).filter_by(username="coach")).scalar_one()
        user.active = False
        db.session.commit()
    assert Client(app).login("coach").status_code == 401


def test_signed_in_user_visiting_login_goes_home(app, world):
    c = signed_in(app, "alice")
    r = c.get("/login")
    assert r.status_code == 302 and r.location.endswith("/exercises/")
