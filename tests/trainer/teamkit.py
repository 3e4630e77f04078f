"""Helpers for team exercise tests: a cohort with six trainees, a team, a clock jump."""

from __future__ import annotations

from trainer_web.extensions import db

from .conftest import PASSWORD, signed_in


def add_trainees(app, cohort_id: int, names) -> None:
    from trainer_web.accounts import create_user
    from trainer_web.models import Cohort

    with app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        for n in names:
            create_user(n, "trainee", display_name=n.title(), password=PASSWORD, cohort=cohort)
        db.session.commit()


def make_team(coach, cohort_id: int, lead: str, reps: str, *, seed=3, title="Team drill") -> int:
    r = coach.post(
        f"/instructor/cohorts/{cohort_id}/teams",
        data={
            "title": title,
            "scenario_id": "product_recall",
            "difficulty": "hard",
            "seed": str(seed),
            "speed": "10",
            "duration_min": "40",
            "lead": lead,
            "reps": reps,
        },
    )
    assert r.status_code == 302, r.get_data(as_text=True)[:800]
    return int(r.location.rstrip("/").rsplit("/", 1)[1])


def tjump(app, team_id: int, minutes: float) -> None:
    from trainer_web import engine
    from trainer_web.models import utcnow
    from trainer_web.teams.models import TeamExercise

    with app.app_context():
        t = db.session.get(TeamExercise, team_id)
        now = utcnow()
        t.clock_sim_min = min(t.duration_min, engine.sim_now(t, now) + minutes)
        t.clock_wall_at = now
        t.acked_at = now
        db.session.commit()


def freeze(app, team_id: int) -> None:
    """Stop the running clock where it is (speed 0): requests then all land on one minute."""
    from trainer_web.teams.models import TeamExercise

    with app.app_context():
        t = db.session.get(TeamExercise, team_id)
        t.speed = 0.0
        db.session.commit()


def waiting_item(app, client, team_id: int, tries: int = 40) -> dict:
    for _ in range(tries):
        v = client.get(f"/teams/{team_id}/state.json").get_json()
        if v["inbox"]:
            return v["inbox"][0]
        tjump(app, team_id, 1.0)
    raise AssertionError("no complaint reached the team")


__all__ = ["add_trainees", "freeze", "make_team", "signed_in", "tjump", "waiting_item"]
