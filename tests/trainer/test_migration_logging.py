"""Running the migrations from a program leaves its logging alone (issue 12, item 5: the
notebooks printed Alembic's INFO lines); `flask db …` still prints them. Real SQLite files, real
subprocesses (logging is process-wide)."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import ROOT

PROGRAM = """
import logging, sys
from flask_migrate import upgrade
from trainer_web import create_app

root = logging.getLogger()
before = (list(root.handlers), root.level, logging.getLogger("alembic").level)
app = create_app({"SQLALCHEMY_DATABASE_URI": sys.argv[1]}, instance_path=sys.argv[2])
with app.app_context():
    upgrade()
after = (list(root.handlers), root.level, logging.getLogger("alembic").level)
print("unchanged" if before == after else f"changed: {before} -> {after}")
"""


def test_upgrade_from_code_prints_nothing_and_keeps_logging(tmp_path):
    url = f"sqlite:///{tmp_path / 'trainer.sqlite'}"
    r = subprocess.run(
        [sys.executable, "-c", PROGRAM, url, str(tmp_path / "instance")],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "unchanged"
    assert "alembic" not in r.stderr and "INFO" not in r.stderr, r.stderr


def test_flask_db_upgrade_still_reports_each_migration(tmp_path):
    env = {
        **os.environ,
        "TRAINER_INSTANCE_PATH": str(tmp_path / "instance"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'trainer.sqlite'}",
    }
    flask = [sys.executable, "-m", "flask", "--app", "trainer_web:create_app()", "db", "upgrade"]
    r = subprocess.run(flask, capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "INFO  [alembic.runtime.migration] Running upgrade  -> " in r.stderr, r.stderr
