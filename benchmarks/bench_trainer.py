"""The trainer under a class's load, and the replay of a 60-minute exercise.

A real server (``stormdesk trainer serve``, waitress, one process with threads) on a fresh
SQLite file (or ``DATABASE_URL``) and N simulated trainees, each a thread with its own
keep-alive connection and session: it signs in, starts the recall storm, polls the live state
every second and replies every few seconds, as the page's JavaScript does. Reported: latency
percentiles per request kind, errors (5xx, timeouts, refused connections; a 409 for a complaint
that closed between poll and reply is the trainee's bad luck, not an error) and throughput.
Then the replay of a 60-minute exercise with bot-trainee replies, rebuilt from the database.

Targets (DESIGN §10): p95 < 50 ms with 30 trainees, zero errors; replay < 200 ms.

    python -m benchmarks.bench_trainer [--trainees 30] [--seconds 120] [--instructor]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import defaultdict
from pathlib import Path

from benchmarks.report import print_table

PASSWORD = "bench-password-1"
SCENARIO = "product_recall"
START_MIN = 365.0  # five minutes into the recall storm: the inbox fills at once
CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_server(port: int, server: subprocess.Popen, timeout_s: float) -> None:
    """Wait until the trainer server listens on ``port``; raise if it dies or takes too long."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError("the trainer server did not start") from None
            time.sleep(0.2)


def seed_database(instance: Path, n: int) -> None:
    """Tables, one instructor, a cohort of ``n`` trainees, a 60-minute recall assignment."""
    from flask_migrate import upgrade

    from trainer_web import create_app
    from trainer_web.accounts import create_user
    from trainer_web.extensions import db
    from trainer_web.models import Assignment, Cohort

    app = create_app({"PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"}, instance_path=instance)
    with app.app_context():
        upgrade()
        coach, _ = create_user("coach", "instructor", password=PASSWORD)
        cohort = Cohort(name="Load class", instructor=coach)
        db.session.add(cohort)
        for i in range(n):
            create_user(f"trainee{i:02d}", "trainee", password=PASSWORD, cohort=cohort)
        db.session.add(
            Assignment(
                cohort=cohort,
                title="Recall under load",
                scenario_id=SCENARIO,
                difficulty="hard",
                duration_min=60.0,
                start_min=START_MIN,
                speed=10.0,
                seed=17,
            )
        )
        db.session.commit()
        db.engine.dispose()


class Trainee:
    """One browser: a keep-alive connection, a session cookie and the CSRF token."""

    def __init__(self, port: int, username: str):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        self.username = username
        self.cookies: dict[str, str] = {}
        self.token = ""

    def request(self, method: str, path: str, body=None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self.conn.request(method, path, body=body, headers=headers)
        r = self.conn.getresponse()
        data = r.read()
        for value in r.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return r.status, r.headers, data

    def sign_in(self) -> None:
        _, _, page = self.request("GET", "/login")
        self.token = CSRF.search(page.decode()).group(1)
        form = {"username": self.username, "password": PASSWORD, "csrf_token": self.token}
        ctype = {"Content-Type": "application/x-www-form-urlencoded"}
        status, headers, _ = self.request("POST", "/login", urllib.parse.urlencode(form), ctype)
        assert status == 302, f"sign-in failed: {status}"
        # Signing in starts a fresh session with a new CSRF secret: read it on the landing page
        # (a trainee's exercises, an instructor's cohorts).
        _, _, page = self.request("GET", headers["Location"])
        self.token = CSRF.search(page.decode()).group(1)

    def sign_in_and_start(self) -> int:
        self.sign_in()
        ctype = {"Content-Type": "application/x-www-form-urlencoded"}
        body = urllib.parse.urlencode({"csrf_token": self.token})
        status, headers, _ = self.request("POST", "/assignments/1/start", body, ctype)
        assert status == 302, f"start failed: {status}"
        return int(headers["Location"].rstrip("/").rsplit("/", 1)[1])

    def json(self, method: str, path: str, payload=None):
        headers = {"Accept": "application/json", "X-CSRFToken": self.token}
        body = None
        if payload is not None:
            headers["Content-Type"] = "application/json"
            body = json.dumps(payload)
        status, _, data = self.request(method, path, body, headers)
        return status, (json.loads(data) if data else None)


def reply_text(item: dict) -> str:
    first = item["author"].split()[0]
    return (
        f"Hi {first}, I'm so sorry about the {item['topic']} problem. I will look into it "
        "myself and send you a DM within the hour with the next step."
    )


def drive(port, username, seconds, reply_every, samples, errors, lock, rng) -> None:
    t = Trainee(port, username)
    try:
        eid = t.sign_in_and_start()
    except Exception as e:  # counted: a trainee who cannot even start is an error
        with lock:
            errors.append(f"{username}: {e}")
        return
    end = time.monotonic() + seconds
    next_reply = time.monotonic() + rng.uniform(*reply_every)
    inbox: list = []
    while time.monotonic() < end:
        tick = time.monotonic()
        kinds = [("poll", "GET", f"/exercises/{eid}/state.json", None)]
        if inbox and tick >= next_reply:
            item = inbox[0]
            payload = {"complaint_id": item["id"], "action": "reply_public"}
            payload["text"] = reply_text(item)
            kinds.append(("reply", "POST", f"/exercises/{eid}/act", payload))
            next_reply = tick + rng.uniform(*reply_every)
        for kind, method, path, payload in kinds:
            t0 = time.perf_counter()
            try:
                status, data = t.json(method, path, payload)
            except Exception as e:
                with lock:
                    errors.append(f"{kind}: {type(e).__name__}: {e}")
                fresh = Trainee(port, username)  # a new connection, as a browser would
                fresh.cookies, fresh.token = t.cookies, t.token
                t = fresh
                continue
            ms = (time.perf_counter() - t0) * 1000
            with lock:
                samples[kind].append(ms)
                if status >= 500 or (status >= 400 and status != 409):
                    errors.append(f"{kind}: HTTP {status}: {data}")
            if kind == "poll" and status == 200:
                inbox = data["inbox"]
        time.sleep(max(0.0, 1.0 - (time.monotonic() - tick)))


def watch(port, seconds, samples, errors, lock) -> None:
    """The instructor's live class view, polled every three seconds as ``live.js`` does."""
    coach = Trainee(port, "coach")
    coach.sign_in()
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        tick = time.monotonic()
        t0 = time.perf_counter()
        try:
            status, _ = coach.json("GET", "/instructor/cohorts/1/live.json")
        except Exception as e:
            with lock:
                errors.append(f"live view: {type(e).__name__}: {e}")
            return
        with lock:
            samples["live view"].append((time.perf_counter() - t0) * 1000)
            if status != 200:
                errors.append(f"live view: HTTP {status}")
        time.sleep(max(0.0, 3.0 - (time.monotonic() - tick)))


def percentile(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, round(q / 100 * len(xs)) - 1))]


def load(
    n: int,
    seconds: float,
    reply_every: tuple[float, float],
    threads: int,
    instructor: bool = False,
) -> dict:
    instance = Path(tempfile.mkdtemp(prefix="stormdesk-bench-"))
    seed_database(instance, n)
    port = free_port()
    env = {**os.environ, "TRAINER_INSTANCE_PATH": str(instance), "SECRET_KEY": "bench"}
    log = (instance / "server.log").open("w")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sim",
            "trainer",
            "serve",
            "--port",
            str(port),
            "--threads",
            str(threads),
        ],
        env=env,
        stdout=log,
        stderr=log,
    )
    try:
        wait_for_server(port, server, 60)
        samples: dict[str, list[float]] = defaultdict(list)
        errors: list[str] = []
        lock = threading.Lock()
        workers = [
            threading.Thread(
                target=drive,
                args=(
                    port,
                    f"trainee{i:02d}",
                    seconds,
                    reply_every,
                    samples,
                    errors,
                    lock,
                    random.Random(i),
                ),
            )
            for i in range(n)
        ]
        if instructor:
            watcher = threading.Thread(target=watch, args=(port, seconds, samples, errors, lock))
            workers.append(watcher)
        t0 = time.perf_counter()
        for w in workers:
            w.start()
            time.sleep(1.0 / n)  # trainees arrive over a second, not in one burst
        for w in workers:
            w.join()
        wall = time.perf_counter() - t0
    finally:
        server.terminate()
        server.wait(10)
        log.close()
    return {"samples": samples, "errors": errors, "wall_s": wall, "instance": instance}


def replay_time(instance: Path, repeats: int = 5) -> tuple[float, float, int]:
    """Median times to rebuild a 60-minute exercise played by a bot trainee: cold (a process
    that has scored none of its replies: after a restart) and in a running server (its replies'
    scores remembered: a cache miss); and its replies."""
    from trainer_web import create_app, engine
    from trainer_web.demo import play_as_bot
    from trainer_web.extensions import db
    from trainer_web.models import Assignment, Exercise, User

    app = create_app({"SECRET_KEY": "bench"}, instance_path=instance)
    with app.app_context():
        assignment = db.session.get(Assignment, 1)
        user = db.session.execute(db.select(User).filter_by(username="coach")).scalar_one()
        user.cohort = assignment.cohort  # a stand-in trainee for the bot
        ex = engine.start_exercise(assignment, user, running=False)
        db.session.commit()
        play_as_bot(ex, 0.7, random.Random(5))
        ex = db.session.get(Exercise, ex.id)
        cold, warm = [], []
        for _ in range(repeats):
            app.extensions["stormdesk.models"] = engine.ModelCache(64)  # forget every score
            t0 = time.perf_counter()
            engine.replay(ex, ex.duration_min)
            cold.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            engine.replay(ex, ex.duration_min)
            warm.append((time.perf_counter() - t0) * 1000)
        return statistics.median(cold), statistics.median(warm), ex.n_actions


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--trainees", type=int, default=30)
    p.add_argument("--seconds", type=float, default=120.0)
    p.add_argument("--reply-min", type=float, default=3.0, help="seconds between replies, min")
    p.add_argument("--reply-max", type=float, default=6.0, help="seconds between replies, max")
    p.add_argument("--threads", type=int, default=16, help="waitress worker threads")
    p.add_argument(
        "--instructor",
        action="store_true",
        help="an instructor watches the live class view (every 3 s) during the load",
    )
    args = p.parse_args(argv)

    result = load(
        args.trainees,
        args.seconds,
        (args.reply_min, args.reply_max),
        args.threads,
        instructor=args.instructor,
    )
    rows = []
    all_ms: list[float] = []
    for kind in ("poll", "reply"):
        xs = result["samples"].get(kind, [])
        all_ms += xs
        if xs:
            rows.append((kind, len(xs), *(f"{percentile(xs, q):.1f}" for q in (50, 95, 99))))
    if all_ms:
        rows.append(("all", len(all_ms), *(f"{percentile(all_ms, q):.1f}" for q in (50, 95, 99))))
    live_ms = result["samples"].get("live view", [])
    if live_ms:  # the instructor's page: reported apart from the trainees' target
        rows.append(
            ("live view", len(live_ms), *(f"{percentile(live_ms, q):.1f}" for q in (50, 95, 99)))
        )
    print_table(
        f"trainer load: {args.trainees} trainees, {args.seconds:g} s, "
        f"{len(all_ms) / result['wall_s']:.0f} requests/s",
        ["requests", "n", "p50 ms", "p95 ms", "p99 ms"],
        rows,
    )
    errors = result["errors"]
    print(f"errors: {len(errors)}" + (f" (first: {errors[0]})" if errors else ""))
    try:
        cold, warm, n_actions = replay_time(result["instance"])
    finally:
        shutil.rmtree(result["instance"], ignore_errors=True)
    print(
        f"replay of a 60-minute exercise with {n_actions} replies: {cold:.0f} ms after a restart, "
        f"{warm:.0f} ms in a running server (scores remembered) (target < 200)"
    )
    p95 = percentile(all_ms, 95) if all_ms else float("inf")
    print(f"p95 {p95:.1f} ms (target < 50), errors {len(errors)} (target 0)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
