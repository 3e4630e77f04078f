"""Sign-in throttling: one normalised name, per (name, address) backoff instead of a lock, a
lenient per-address backoff, an explicit trusted-proxy setting, and no timing oracle for names."""

from __future__ import annotations

import statistics
import time
import uuid
from datetime import timedelta

from trainer_web.extensions import db
from trainer_web.models import LoginFailure

from .conftest import PASSWORD, Client, make_app


def _from(app, addr: str, **headers) -> Client:
    c = Client(app)
    c.http.environ_base["REMOTE_ADDR"] = addr
    if headers:
        c.http.environ_base.update({f"HTTP_{k.upper()}": v for k, v in headers.items()})
    return c


def _age_failures(app, seconds: float) -> None:
    """Move every recorded failure ``seconds`` into the past (instead of sleeping)."""
    with app.app_context():
        for row in db.session.execute(db.select(LoginFailure)).scalars():
            row.at -= timedelta(seconds=seconds)
        db.session.commit()


def test_whitespace_around_the_name_shares_its_throttle(app, world):
    c = _from(app, "10.0.0.5")
    for _ in range(5):
        assert c.login("alice", "wrong-password-1").status_code == 401
    for variant in (" alice", "alice\t", "  alice  "):
        r = c.login(variant, PASSWORD)
        assert r.status_code == 429, variant
        assert int(r.headers["Retry-After"]) >= 1
    _age_failures(app, 60)
    assert c.login(" alice ", PASSWORD).status_code == 302  # the same name, once the wait is over


def test_failures_from_elsewhere_do_not_lock_the_owner_out(app, world):
    attacker = _from(app, "203.0.113.9")
    for _ in range(12):
        attacker.login("alice", "guess-" + uuid.uuid4().hex[:8])
    assert attacker.login("alice", PASSWORD).status_code == 429  # the guesser must wait
    assert _from(app, "10.0.0.5").login("alice", PASSWORD).status_code == 302


def test_the_pair_backoff_grows_and_is_not_a_hard_lock(app, world):
    c = _from(app, "10.0.0.6")
    waits = []
    for _ in range(5):
        assert c.login("alice", "wrong-password-1").status_code == 401
    for _ in range(4):
        r = c.login("alice", "wrong-password-1")
        if r.status_code == 429:
            waits.append(int(r.headers["Retry-After"]))
            _age_failures(app, waits[-1])
            r = c.login("alice", "wrong-password-1")
        assert r.status_code == 401
    assert waits == sorted(waits) and waits[-1] > waits[0], waits
    r = c.login("alice", PASSWORD)
    assert r.status_code == 429 and int(r.headers["Retry-After"]) <= 300
    _age_failures(app, 300)
    assert c.login("alice", PASSWORD).status_code == 302


def test_name_spraying_from_one_address_only_slows_it_briefly(app, world):
    classroom = "198.51.100.20"  # everyone behind one NAT address
    for _ in range(20):
        assert _from(app, classroom).login(f"nobody-{uuid.uuid4().hex[:6]}").status_code == 401
    r = _from(app, classroom).login(f"nobody-{uuid.uuid4().hex[:6]}")
    assert r.status_code in (401, 429)
    r = _from(app, classroom).login("bob")
    assert r.status_code == 429 and int(r.headers["Retry-After"]) <= 30  # seconds, not a lock
    _age_failures(app, 30)
    assert _from(app, classroom).login("bob").status_code == 302
    assert _from(app, "192.0.2.1").login("alice").status_code == 302  # other places unaffected


def test_forwarded_addresses_count_only_with_proxy_hops(database_url, tmp_path, world):
    direct = make_app(database_url, tmp_path / "direct")
    proxied = make_app(database_url, tmp_path / "proxied", PROXY_HOPS=1)
    # Without trusted proxies, a client cannot pick a fresh address by sending the header.
    for i in range(7):
        _from(direct, "10.1.1.1", X_Forwarded_For=f"1.2.3.{i}").login("alice", "wrong-password-1")
    r = _from(direct, "10.1.1.1", X_Forwarded_For="9.9.9.9").login("alice", PASSWORD)
    assert r.status_code == 429
    # Behind one trusted proxy, every client has its own address (the proxy's is 10.1.1.1).
    r = _from(proxied, "10.1.1.1", X_Forwarded_For="9.9.9.9").login("alice", PASSWORD)
    assert r.status_code == 302
    r = _from(proxied, "10.1.1.1", X_Forwarded_For="1.2.3.6").login("alice", PASSWORD)
    assert r.status_code == 302  # that address's failures were recorded under the proxy's


def test_unknown_names_take_as_long_as_known_ones(database_url, tmp_path):
    from trainer_web.accounts import create_user

    from .conftest import empty_tables

    app = make_app(database_url, tmp_path / "scrypt", PASSWORD_HASH_METHOD="scrypt")
    empty_tables(app)
    with app.app_context():
        create_user("known", "trainee", password=PASSWORD)
        db.session.commit()

    def timed(name: str) -> float:
        c = _from(app, f"10.9.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}")
        c.csrf()
        t0 = time.perf_counter()
        assert c.login(name, "wrong-password-1").status_code == 401
        return time.perf_counter() - t0

    known = statistics.median(timed("known") for _ in range(5))
    unknown = statistics.median(timed(f"ghost-{uuid.uuid4().hex[:6]}") for _ in range(5))
    assert known > 0.02  # a real scrypt check
    assert 0.4 < unknown / known < 2.5, (known, unknown)  # was ~0.05 before the dummy hash
