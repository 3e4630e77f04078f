"""``serve --processes 2`` with team exercises: every request of one team lands on one process.

The team's live model (and its serialised claims) lives in one process's cache: the sticky
router sends ``/teams/<id>/…`` by id mod N, so two teams use both processes and each stays put.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from benchmarks.bench_teams import seed_teams
from benchmarks.bench_trainer import Trainee, free_port, wait_for_server


def test_each_team_sticks_to_one_of_two_processes(tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir()
    roster = seed_teams(instance, 2, 2, None)
    port = free_port()
    env = {**os.environ, "TRAINER_INSTANCE_PATH": str(instance), "SECRET_KEY": "teams"}
    env.pop("DATABASE_URL", None)
    log = (instance / "server.log").open("w")
    command = [sys.executable, "-m", "sim", "trainer", "serve", "--port", str(port)]
    server = subprocess.Popen(
        [*command, "--processes", "2", "--threads", "4"], env=env, stdout=log, stderr=log
    )
    try:
        wait_for_server(port, server, 240)
        seen: dict[int, set] = {}
        for team in roster:
            tid = team["id"]
            members = []
            for username in team["members"]:
                t = Trainee(port, username)
                t.sign_in()
                members.append((t, team["members"][username]))
            lead = next(t for t, (_, role) in members if role == "lead")
            status, out = lead.json("POST", f"/teams/{tid}/do", {"kind": "resume"})
            assert status == 200, out
            workers = set()
            for _ in range(4):
                for t, _ in members:
                    status, headers, body = t.request("GET", f"/teams/{tid}/state.json")
                    assert status == 200
                    assert json.loads(body)["team"] == tid
                    workers.add(headers["X-Stormdesk-Worker"])
            status, out = lead.json("POST", f"/teams/{tid}/do", {"kind": "crisis_on"})
            assert status == 200, out
            seen[tid] = workers
        assert all(len(w) == 1 for w in seen.values()), seen
        assert len(set().union(*seen.values())) == 2, seen  # the two teams use both processes
    finally:
        server.terminate()
        server.wait(15)
        log.close()
