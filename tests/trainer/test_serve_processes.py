"""``stormdesk trainer serve --processes 2``: a real router and two real server processes.

Every request of one exercise must land on the same process (its live model is cached there);
other paths are shared out; the client's own address, not the router's, reaches the app.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
import urllib.parse
from collections import Counter

import pytest

from benchmarks.bench_trainer import (
    CSRF,
    Trainee,
    free_port,
    reply_text,
    seed_database,
    wait_for_server,
)


@pytest.fixture(scope="module")
def two_processes(tmp_path_factory):
    instance = tmp_path_factory.mktemp("processes")
    seed_database(instance, 2)
    port = free_port()
    env = {**os.environ, "TRAINER_INSTANCE_PATH": str(instance), "SECRET_KEY": "processes"}
    log = (instance / "server.log").open("w")
    command = [sys.executable, "-m", "sim", "trainer", "serve", "--port", str(port)]
    server = subprocess.Popen(
        [*command, "--processes", "2", "--threads", "4"], env=env, stdout=log, stderr=log
    )
    try:
        wait_for_server(port, server, 180)
        yield port, server, instance
    finally:
        server.terminate()
        server.wait(15)  # stops at once, even with browsers still connected
        log.close()


def test_each_exercise_sticks_to_one_process(two_processes):
    port, server, _ = two_processes
    players = []
    for name in ("trainee00", "trainee01"):
        t = Trainee(port, name)
        eid = t.sign_in_and_start()
        players.append((t, eid))
    assert {eid % 2 for _, eid in players} == {0, 1}  # one exercise for each process
    seen = {}
    for _ in range(12):
        for t, eid in players:
            for path in (f"/exercises/{eid}/state.json", f"/exercises/{eid}"):
                status, headers, _ = t.request("GET", path, None, {"Accept": "application/json"})
                assert status == 200, (path, status)
                seen.setdefault(eid, Counter())[headers["X-Stormdesk-Worker"]] += 1
    # a reply too (a POST with a body, through the router's keep-alive connections)
    t, eid = players[0]
    deadline = time.monotonic() + 90
    while True:  # the first complaints arrive within a few simulated minutes
        status, view = t.json("GET", f"/exercises/{eid}/state.json")
        assert status == 200
        if view["inbox"] or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert view["inbox"], view
    item = view["inbox"][0]
    body = json.dumps(
        {"complaint_id": item["id"], "action": "reply_public", "text": reply_text(item)}
    )
    headers = {"Content-Type": "application/json", "X-CSRFToken": t.token}
    status, headers, data = t.request("POST", f"/exercises/{eid}/act", body, headers)
    assert status == 200, data
    seen[eid][headers["X-Stormdesk-Worker"]] += 1
    assert all(len(c) == 1 for c in seen.values()), seen  # never split across processes
    assert {next(iter(c)) for c in seen.values()} == {"0", "1"}
    # pages that are not an exercise's go to either process
    workers = Counter()
    for _ in range(6):
        status, headers, _ = players[0][0].request("GET", "/")
        assert status in (200, 302)
        workers[headers["X-Stormdesk-Worker"]] += 1
    assert set(workers) == {"0", "1"}, workers
    assert server.poll() is None


def test_the_client_address_reaches_the_app_not_the_routers(two_processes):
    """Sign-in throttling counts per client address: the router's own (loopback) address must
    not stand for everyone, and an X-Forwarded-For the client forged is not believed."""
    port, _, instance = two_processes
    t = Trainee(port, "trainee01")
    forged = {"X-Forwarded-For": "203.0.113.9"}
    _, _, page = t.request("GET", "/login", None, forged)
    token = CSRF.search(page.decode()).group(1)
    form = {"username": "trainee01", "password": "wrong-password-1", "csrf_token": token}
    ctype = {"Content-Type": "application/x-www-form-urlencoded", **forged}
    status, _, _ = t.request("POST", "/login", urllib.parse.urlencode(form), ctype)
    assert status == 401  # the form again, with its error
    with sqlite3.connect(instance / "trainer.sqlite") as db:
        keys = {k for (k,) in db.execute("SELECT key FROM login_failure")}
    assert keys == {"pair:trainee01|127.0.0.1", "ip:127.0.0.1"}, keys
