"""A class of team exercises under load: 30 members in 5 teams of 6, polling every second.

A real server (``stormdesk trainer serve``; ``--processes N`` puts N processes behind the
sticky router) on a fresh SQLite file (``--postgres``: a throwaway PostgreSQL cluster, if its
binaries are installed) and five running team exercises of the recall storm, each with a lead and
five reps. Every member is a thread with its own keep-alive connection and session: it polls its
team's live state once a second, as the page does; every few seconds a rep claims an unassigned
complaint or answers one it holds, and the lead assigns one. Reported: latency percentiles per
request kind, errors (5xx, timeouts, refused connections; a 409 — a teammate got there first, or
the customer left — is the game, not an error) and, with ``--processes``, which process answered
each team's requests (every team must stick to one; the teams must use all processes).
The first ``--warm-up`` seconds (each team's model is built) are not counted.

Target (issue 14): p95 < 50 ms and 0 errors.

    python -m benchmarks.bench_teams [--teams 5] [--size 6] [--seconds 60] [--processes 1]
                                     [--postgres]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

from benchmarks.bench_trainer import (
    PASSWORD,
    SCENARIO,
    START_MIN,
    Trainee,
    free_port,
    percentile,
    reply_text,
    wait_for_server,
)
from benchmarks.report import print_table


def seed_teams(instance: Path, teams: int, size: int, url: str | None) -> list[dict]:
    """One instructor, a cohort of teams × size trainees, and the running team exercises."""
    from flask_migrate import upgrade

    from trainer_web import create_app
    from trainer_web.accounts import create_user
    from trainer_web.extensions import db
    from trainer_web.models import Cohort
    from trainer_web.teams import engine as team_engine

    config = {"PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"}
    if url:
        config["SQLALCHEMY_DATABASE_URI"] = url
    app = create_app(config, instance_path=instance)
    out = []
    with app.app_context():
        upgrade()
        coach, _ = create_user("coach", "instructor", password=PASSWORD)
        cohort = Cohort(name="Team load class", instructor=coach)
        db.session.add(cohort)
        for k in range(teams):
            users = [
                create_user(f"t{k}m{i}", "trainee", password=PASSWORD, cohort=cohort)[0]
                for i in range(size)
            ]
            db.session.flush()
            team = team_engine.create(
                cohort,
                title=f"Team {k}",
                scenario_id=SCENARIO,
                seed=17 + k,
                speed=10.0,
                duration_min=60.0,
                start_min=START_MIN,
                difficulty="hard",
                lead=users[0],
                reps=[(u, []) for u in users[1:]],
                created_by=coach,
            )
            db.session.flush()
            out.append(
                {
                    "id": team.id,
                    "members": {m.user.username: (m.id, m.role) for m in team.members},
                }
            )
        db.session.commit()
        db.engine.dispose()
    return out


def member_loop(port, username, team, start_at, measure_from, until, out, lock, rng):
    tid = team["id"]
    _, role = team["members"][username]
    reps = [mid for mid, r in team["members"].values() if r == "rep"]
    t = Trainee(port, username)
    t.sign_in()
    if role == "lead":  # `serve` pauses every running exercise at its start: the lead resumes
        status, answer = t.json("POST", f"/teams/{tid}/do", {"kind": "resume"})
        assert status == 200, answer
    time.sleep(max(0.0, start_at - time.monotonic()))
    next_act = time.monotonic() + rng.uniform(3, 6)
    path = f"/teams/{tid}/state.json"
    while time.monotonic() < until:
        tick = time.monotonic()
        counted = tick >= measure_from
        try:
            t0 = time.perf_counter()
            status, headers, body = t.request("GET", path, None, {"Accept": "application/json"})
            ms = (time.perf_counter() - t0) * 1000
        except Exception as e:
            if counted:
                with lock:
                    out["errors"].append(f"poll: {type(e).__name__}: {e}")
            fresh = Trainee(port, username)
            fresh.cookies, fresh.token = t.cookies, t.token
            t = fresh
            time.sleep(0.2)
            continue
        with lock:
            out["workers"][tid].add(headers.get("X-Stormdesk-Worker"))
            if counted:
                out["ms"]["poll"].append(ms)
                if status != 200:
                    out["errors"].append(f"poll: HTTP {status}")
        if status == 200 and tick >= next_act:
            v = json.loads(body)
            inbox = v["inbox"]
            payload = None
            if role == "lead":
                free = [i for i in inbox if i["holder"] is None]
                if free:
                    payload = {
                        "kind": "assign",
                        "complaint_id": free[0]["id"],
                        "member": rng.choice(reps),
                    }
            else:
                mine = [i for i in inbox if i["mine"]]
                free = [i for i in inbox if i["holder"] is None]
                if mine:
                    payload = {
                        "kind": "reply",
                        "complaint_id": mine[0]["id"],
                        "text": reply_text(mine[0]),
                    }
                elif free:
                    payload = {"kind": "claim", "complaint_id": rng.choice(free[:3])["id"]}
            if payload is not None:
                try:
                    t0 = time.perf_counter()
                    status, _ = t.json("POST", f"/teams/{tid}/do", payload)
                    ms = (time.perf_counter() - t0) * 1000
                    with lock:
                        if counted:
                            out["ms"][payload["kind"]].append(ms)
                            if status not in (200, 409):
                                out["errors"].append(f"{payload['kind']}: HTTP {status}")
                except Exception as e:
                    with lock:
                        out["errors"].append(f"{payload['kind']}: {type(e).__name__}: {e}")
            next_act = time.monotonic() + rng.uniform(3, 6)
        time.sleep(max(0.0, 1.0 - (time.monotonic() - tick)))


def run(
    teams: int,
    size: int,
    seconds: float,
    warm_up: float,
    processes: int,
    threads: int,
    postgres: bool,
) -> dict:
    instance = Path(tempfile.mkdtemp(prefix="stormdesk-bench-teams-"))
    cluster = None
    url = None
    if postgres:
        from tests.trainer.pg import Postgres, pg_bin

        if pg_bin() is None:
            raise SystemExit("--postgres: PostgreSQL's binaries are not installed")
        cluster = Postgres(instance / "pg").init()
        url = cluster.url
    try:
        roster = seed_teams(instance, teams, size, url)
        port = free_port()
        env = {**os.environ, "TRAINER_INSTANCE_PATH": str(instance), "SECRET_KEY": "bench"}
        if url:
            env["DATABASE_URL"] = url
        else:
            env.pop("DATABASE_URL", None)
        log = (instance / "server.log").open("w")
        command = [
            sys.executable,
            "-m",
            "sim",
            "trainer",
            "serve",
            "--port",
            str(port),
            "--threads",
            str(threads),
        ]
        if processes > 1:
            command += ["--processes", str(processes)]
        server = subprocess.Popen(command, env=env, stdout=log, stderr=log)
        try:
            wait_for_server(port, server, 180)
            out = {"ms": defaultdict(list), "errors": [], "workers": defaultdict(set)}
            lock = threading.Lock()
            start_at = time.monotonic() + 3.0
            measure_from = start_at + warm_up
            until = measure_from + seconds
            members = [(u, team) for team in roster for u in team["members"]]
            workers = [
                threading.Thread(
                    target=member_loop,
                    args=(
                        port,
                        u,
                        team,
                        start_at + k / len(members),
                        measure_from,
                        until,
                        out,
                        lock,
                        random.Random(k),
                    ),
                )
                for k, (u, team) in enumerate(members)
            ]
            for w in workers:
                w.start()
            for w in workers:
                w.join()
        finally:
            server.terminate()
            server.wait(15)
            log.close()
    finally:
        if cluster is not None:
            cluster.stop()
        shutil.rmtree(instance, ignore_errors=True)
    out["members"] = len(members)
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--teams", type=int, default=5)
    p.add_argument("--size", type=int, default=6)
    p.add_argument("--seconds", type=float, default=60.0)
    p.add_argument("--warm-up", type=float, default=5.0)
    p.add_argument("--processes", type=int, default=1)
    p.add_argument("--threads", type=int, default=16)
    p.add_argument("--postgres", action="store_true")
    args = p.parse_args(argv)
    out = run(
        args.teams,
        args.size,
        args.seconds,
        args.warm_up,
        args.processes,
        args.threads,
        args.postgres,
    )
    rows, every = [], []
    for kind in ("poll", "claim", "assign", "reply"):
        xs = out["ms"].get(kind, [])
        every += xs
        if xs:
            rows.append((kind, len(xs), *(f"{percentile(xs, q):.1f}" for q in (50, 95, 99))))
    if every:
        rows.append(("all", len(every), *(f"{percentile(every, q):.1f}" for q in (50, 95, 99))))
    store = "PostgreSQL" if args.postgres else "SQLite"
    print_table(
        f"team load: {out['members']} members in {args.teams} teams of {args.size}, "
        f"{args.seconds:g} s, {store}, {args.processes} process(es)",
        ["requests", "n", "p50 ms", "p95 ms", "p99 ms"],
        rows,
    )
    errors = out["errors"]
    print(f"errors: {len(errors)}" + (f" (first: {errors[0]})" if errors else ""))
    if args.processes > 1:
        sticky = all(len(w) == 1 for w in out["workers"].values())
        used = set().union(*out["workers"].values())
        print(
            "sticky routing: "
            + ", ".join(f"team {t} → {sorted(w)}" for t, w in sorted(out["workers"].items()))
            + f"; every team on one process: {sticky}; processes used: {len(used)}"
        )
    p95 = percentile(every, 95) if every else float("inf")
    print(f"p95 {p95:.1f} ms (target < 50), errors {len(errors)} (target 0)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
