"""Settings per organisation and per cohort (issue 13 finding 11).

One instructor's canned replies and rubric weights must never reach another instructor's
cohort: the organisation's defaults are the admin's; a cohort's own settings are its
instructor's (and an admin's), invisible to everyone else. Real requests, SQLite and PostgreSQL.
"""

from __future__ import annotations

from trainer_web.extensions import db
from trainer_web.models import CohortSettings, Exercise

from .conftest import signed_in, start

WEIGHTS = {
    "resolution": 40,
    "empathy": 20,
    "personalization": 10,
    "ownership": 10,
    "channel_fit": 10,
    "basics": 10,
}


def form(canned: str, remedy: str = "25") -> dict:
    return {
        "canned_replies": canned,
        "remedy_limit": remedy,
        "empowered": "y",
        **{f"w_{k}": v for k, v in WEIGHTS.items()},
    }


def exercise(app, eid: int) -> Exercise:
    with app.app_context():
        ex = db.session.get(Exercise, eid)
        db.session.expunge(ex)
        return ex


def test_one_instructors_settings_never_reach_another_instructors_cohort(app, coach, world):
    macro = "Coach's own macro: sorry, DM us your order number."
    # The organisation's defaults reach every cohort: an instructor may not change them.
    assert coach.post("/instructor/settings", form(macro)).status_code == 403
    cohort_url = f"/instructor/cohorts/{world['cohort']}/settings"
    assert coach.post(cohort_url, form(macro)).status_code == 302
    page = coach.get(cohort_url).get_data(as_text=True)
    assert macro.replace("'", "&#39;") in page and "own settings" in page

    other = signed_in(app, "other")
    assert other.get(cohort_url).status_code == 404  # not even its existence
    assert other.post(cohort_url, form("Hijacked")).status_code == 404
    assert other.post(cohort_url, {"use_org": "1"}).status_code == 404
    assert macro[:20] not in other.get("/instructor/settings").get_data(as_text=True)
    own = f"/instructor/cohorts/{world['other_cohort']}/settings"
    assert macro[:20] not in other.get(own).get_data(as_text=True)
    assert signed_in(app, "alice").get(cohort_url).status_code == 403

    carol = signed_in(app, "carol")  # the other instructor's trainee
    theirs = exercise(app, start(carol, world["other_assignment"]))
    assert macro not in theirs.canned_replies and theirs.remedy_limit == 50.0
    assert macro[:20] not in carol.get(f"/exercises/{theirs.id}").get_data(as_text=True)

    alice = signed_in(app, "alice")  # the coach's trainee
    mine = exercise(app, start(alice, world["assignment"]))
    assert mine.canned_replies == [macro] and mine.remedy_limit == 25.0
    assert mine.weights["resolution"] == 40
    assert "DM us your order number" in alice.get(f"/exercises/{mine.id}").get_data(as_text=True)


def test_an_admin_sets_defaults_a_cohort_overrides_them_and_can_go_back(app, coach, world):
    root = signed_in(app, "root")
    assert root.post("/instructor/settings", form("Org default reply.", "30")).status_code == 302
    cohort_url = f"/instructor/cohorts/{world['cohort']}/settings"
    assert "Org default reply." in coach.get(cohort_url).get_data(as_text=True)  # inherited
    assert coach.post(cohort_url, form("Spring class reply.", "10")).status_code == 302
    # The admin sees and may change any cohort's settings.
    assert "Spring class reply." in root.get(cohort_url).get_data(as_text=True)
    bad = {**form("x"), **{f"w_{k}": "0" for k in WEIGHTS}}
    assert coach.post(cohort_url, bad).status_code == 400

    carol = signed_in(app, "carol")
    theirs = exercise(app, start(carol, world["other_assignment"]))
    assert theirs.canned_replies == ["Org default reply."] and theirs.remedy_limit == 30.0
    alice = signed_in(app, "alice")
    mine = exercise(app, start(alice, world["assignment"]))
    assert mine.canned_replies == ["Spring class reply."] and mine.remedy_limit == 10.0

    r = coach.post(cohort_url, {"use_org": "1"})
    assert r.status_code == 302
    with app.app_context():
        assert db.session.get(CohortSettings, world["cohort"]) is None
    bob = signed_in(app, "bob")
    his = exercise(app, start(bob, world["assignment"]))
    assert his.canned_replies == ["Org default reply."]
    # Exercises already started keep what they started with.
    assert exercise(app, mine.id).canned_replies == ["Spring class reply."]
