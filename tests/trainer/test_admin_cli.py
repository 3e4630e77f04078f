"""The admin manages instructors; the ``stormdesk trainer`` commands."""

from __future__ import annotations

import re

from trainer_web.cli import trainer
from trainer_web.extensions import db
from trainer_web.models import Exercise, User

from .conftest import Client, signed_in


def test_the_admin_adds_an_instructor_who_can_sign_in(app, world):
    admin = signed_in(app, "root")
    r = admin.post("/admin/instructors", {"username": "ivy", "display_name": "Ivy I"})
    password = re.search(r'<td class="secret">([^<]+)</td>', r.get_data(as_text=True)).group(1)
    r = Client(app).login("ivy", password)
    assert r.location.endswith("/instructor/")


def test_the_admin_deactivates_an_instructor(app, world):
    admin = signed_in(app, "root")
    assert admin.post(f"/admin/instructors/{world['other']}/active").status_code == 302
    assert Client(app).login("other").status_code == 401


def invoke(app, *args, input=None):
    runner = app.test_cli_runner()
    return runner.invoke(trainer, list(args), input=input, obj=None, catch_exceptions=False)


def cli_env(app, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", app.config["SQLALCHEMY_DATABASE_URI"])
    monkeypatch.setenv("TRAINER_INSTANCE_PATH", app.instance_path)
    monkeypatch.setenv("SECRET_KEY", "cli")


def test_create_user_reads_the_password_from_stdin(app, monkeypatch):
    cli_env(app, monkeypatch)
    result = invoke(
        app,
        "create-user",
        "zoe",
        "--role",
        "instructor",
        "--password-stdin",
        input="zoe-password-1\n",
    )
    assert result.exit_code == 0, result.output
    assert Client(app).login("zoe", "zoe-password-1").status_code == 302


def test_create_user_refuses_a_short_password(app, monkeypatch):
    cli_env(app, monkeypatch)
    result = app.test_cli_runner().invoke(
        trainer, ["create-user", "zed", "--password-stdin"], input="short\n"
    )
    assert result.exit_code != 0 and "at least" in result.output


def test_init_db_is_idempotent(app, monkeypatch):
    cli_env(app, monkeypatch)
    for _ in range(2):
        result = invoke(app, "init-db")
        assert result.exit_code == 0 and "database ready" in result.output


def test_demo_cohort_prints_its_accounts_once(app, monkeypatch):
    cli_env(app, monkeypatch)
    result = invoke(app, "demo-cohort", "--trainees", "2")
    assert result.exit_code == 0, result.output
    assert "coach" in result.output and "admin" in result.output
    with app.app_context():
        trainees = db.session.execute(db.select(User).filter_by(role="trainee")).scalars().all()
        assert len(trainees) == 2
        finished = db.session.execute(db.select(Exercise).filter_by(state="finished")).scalars()
        assert all(e.n_actions > 0 for e in finished)
    again = invoke(app, "demo-cohort", "--trainees", "2")
    assert "exist already" in again.output and "coach " not in again.output
