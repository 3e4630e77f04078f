"""Running a class: cohorts, trainees, CSV import, assignments, results, notes, settings."""

from __future__ import annotations

import csv
import io
import re

from trainer_web.extensions import db
from trainer_web.models import Action, Exercise, Note, OrgSettings, User

from .conftest import PASSWORD, Client, jump, signed_in, start
from .helpers import answer_everything, first_item, good_reply, poor_reply

SECRET = re.compile(r'<td class="secret">([^<]+)</td>')


def play(app, username: str, assignment: int, text_of=good_reply, *, all_of_it=False) -> int:
    c = signed_in(app, username)
    eid = start(c, assignment)
    if all_of_it:  # answer every complaint in the seat, as a passing trainee must
        answer_everything(c, eid, text_of)
        return eid
    jump(app, eid, 5)
    item = first_item(c, eid)
    r = c.post_json(f"/exercises/{eid}/act", {"complaint_id": item["id"], "text": text_of(item)})
    assert r.status_code == 200
    c.post_json(f"/exercises/{eid}/finish")
    return eid


def test_an_instructor_creates_a_cohort(coach, world):
    r = coach.post("/instructor/cohorts", {"name": "Autumn <intake>"})
    assert r.status_code == 302
    page = coach.get(r.location).get_data(as_text=True)
    assert "Autumn &lt;intake&gt;" in page


def test_adding_a_trainee_shows_the_password_once_and_it_works(app, coach, world):
    r = coach.post(
        f"/instructor/cohorts/{world['cohort']}/trainees",
        {"username": "dora", "display_name": "Dora D"},
    )
    assert r.status_code == 200
    password = SECRET.search(r.get_data(as_text=True)).group(1)
    assert Client(app).login("dora", password).status_code == 302
    roster = coach.get(f"/instructor/cohorts/{world['cohort']}").get_data(as_text=True)
    assert "dora" in roster and password not in roster


def test_a_taken_or_malformed_username_is_refused(coach, world):
    for name in ("alice", "a b c", "x"):
        r = coach.post(f"/instructor/cohorts/{world['cohort']}/trainees", {"username": name})
        assert r.status_code == 400, name


def test_trainees_are_imported_from_csv(app, coach, world):
    body = "username,display_name,password\nerin,Erin E,\nfrank,Frank F,frank-pass-99\n"
    r = coach.post(
        f"/instructor/cohorts/{world['cohort']}/import",
        {"file": (io.BytesIO(body.encode()), "class.csv")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 200
    secrets = SECRET.findall(r.get_data(as_text=True))
    assert len(secrets) == 2 and secrets[1] == "frank-pass-99"
    assert Client(app).login("erin", secrets[0]).status_code == 302


def test_a_bad_csv_imports_nobody_and_says_which_rows(app, coach, world):
    body = "erin,Erin\nalice,Duplicate\nbad name,Oops\n"
    r = coach.post(
        f"/instructor/cohorts/{world['cohort']}/import",
        {"file": (io.BytesIO(body.encode()), "class.csv")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 400
    page = r.get_data(as_text=True)
    assert "row 2" in page and "row 3" in page
    with app.app_context():
        assert db.session.execute(db.select(User).filter_by(username="erin")).first() is None


def test_an_assignment_can_start_for_the_whole_cohort_at_once(app, coach, world):
    r = coach.post(
        f"/instructor/cohorts/{world['cohort']}/assignments",
        {
            "title": "Hijack",
            "scenario_id": "hashtag_hijack",
            "difficulty": "easy",
            "duration_min": 30,
            "speed": 10,
            "seed": 42,
            "start_now": "y",
        },
    )
    assert r.status_code == 302 and r.location.endswith("/live")
    with app.app_context():
        rows = db.session.execute(db.select(Exercise).filter_by(scenario_id="hashtag_hijack"))
        exercises = rows.scalars().all()
        assert {e.trainee.username for e in exercises} == {"alice", "bob"}
        assert {(e.seed, e.state) for e in exercises} == {(42, "running")}
        assert len({e.start_min for e in exercises}) == 1
    live = coach.get(f"/instructor/cohorts/{world['cohort']}/live.json").get_json()
    assert {t["username"] for t in live["trainees"]} == {"alice", "bob"}
    # the clocks run, but nobody has opened the desk yet: the live view says so
    assert all(t["state"] == "not opened" for t in live["trainees"])


def test_an_existing_assignment_starts_for_the_cohort(app, coach, world):
    r = coach.post(f"/instructor/assignments/{world['assignment']}/start")
    assert r.status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Exercise.id))) == 2


def test_invalid_assignment_settings_are_refused(coach, world):
    r = coach.post(
        f"/instructor/cohorts/{world['cohort']}/assignments",
        {
            "title": "X",
            "scenario_id": "no_such_storm",
            "difficulty": "medium",
            "duration_min": 5,
            "speed": 10,
        },
    )
    assert r.status_code == 400


def test_the_results_table_shows_pass_fail_per_criterion_and_coaching(app, coach, world):
    play(app, "alice", world["assignment"], all_of_it=True)
    play(app, "bob", world["assignment"], text_of=lambda item: poor_reply(), all_of_it=True)
    page = coach.get(f"/instructor/cohorts/{world['cohort']}/results").get_data(as_text=True)
    assert "Alice Able" in page and "Bob Baker" in page
    assert 'class="pill pass"' in page and 'class="pill fail"' in page
    assert "reply quality below 70" in page


def test_results_export_as_csv(app, coach, world):
    play(app, "alice", world["assignment"], all_of_it=True)
    r = coach.get(f"/instructor/cohorts/{world['cohort']}/results.csv")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(r.get_data(as_text=True))))
    alice = next(row for row in rows if row["username"] == "alice")
    assert alice["passed"] == "yes" and float(alice["mean_score"]) >= 70
    assert {"empathy_share", "frt_median_min", "needs_coaching"} <= set(alice)


def test_csv_cells_cannot_smuggle_spreadsheet_formulas(app, coach, world):
    with app.app_context():
        user = db.session.execute(db.select(User).filter_by(username="bob")).scalar_one()
        user.display_name = '=HYPERLINK("http://x")'
        db.session.commit()
    body = coach.get(f"/instructor/cohorts/{world['cohort']}/results.csv").get_data(as_text=True)
    assert "'=HYPERLINK" in body


def test_an_instructor_annotates_a_reply_and_the_trainee_sees_it(app, coach, world):
    eid = play(app, "alice", world["assignment"])
    with app.app_context():
        action_id = db.session.execute(db.select(Action.id).filter_by(exercise_id=eid)).scalar()
    r = coach.post(f"/instructor/actions/{action_id}/notes", {"text": "Name the <product>!"})
    assert r.status_code == 302
    alice = signed_in(app, "alice")
    page = alice.get(f"/exercises/{eid}/transcript").get_data(as_text=True)
    assert "Name the &lt;product&gt;!" in page
    assert alice.post(f"/instructor/actions/{action_id}/notes", {"text": "x"}).status_code == 403


def test_org_settings_change_canned_replies_remedy_limit_and_weights(app, coach, world):
    root = signed_in(app, "root")  # the organisation's defaults are the admin's to change
    data = {
        "canned_replies": "Hello, we are on it.\n\nSorry about that — DM us.",
        "remedy_limit": "25",
        "empowered": "y",
        **{
            f"w_{k}": v
            for k, v in {
                "resolution": 40,
                "empathy": 20,
                "personalization": 10,
                "ownership": 10,
                "channel_fit": 10,
                "basics": 10,
            }.items()
        },
    }
    assert coach.post("/instructor/settings", data).status_code == 403
    assert root.post("/instructor/settings", data).status_code == 302
    with app.app_context():
        org = db.session.get(OrgSettings, 1)
        assert org.canned_replies == ["Hello, we are on it.", "Sorry about that — DM us."]
        assert org.remedy_limit == 25 and org.weights["resolution"] == 40
    alice = signed_in(app, "alice")
    eid = start(alice, world["assignment"])
    page = alice.get(f"/exercises/{eid}").get_data(as_text=True)
    assert "Hello, we are on it." in page
    zero = {**data, **{k: "0" for k in data if k.startswith("w_")}}
    assert root.post("/instructor/settings", zero).status_code == 400


def test_deleting_a_trainee_removes_all_their_data(app, coach, world):
    eid = play(app, "alice", world["assignment"])
    with app.app_context():
        action_id = db.session.execute(db.select(Action.id).filter_by(exercise_id=eid)).scalar()
    coach.post(f"/instructor/actions/{action_id}/notes", {"text": "good"})
    r = coach.post(f"/instructor/trainees/{world['alice']}/delete", {"confirm_username": "nope"})
    assert r.status_code == 302
    with app.app_context():
        assert db.session.get(User, world["alice"]) is not None
    r = coach.post(f"/instructor/trainees/{world['alice']}/delete", {"confirm_username": "alice"})
    assert r.status_code == 302
    with app.app_context():
        assert db.session.get(User, world["alice"]) is None
        assert db.session.get(Exercise, eid) is None
        assert db.session.scalar(db.select(db.func.count(Action.id))) == 0
        assert db.session.scalar(db.select(db.func.count(Note.id))) == 0
    assert Client(app).login("alice", PASSWORD).status_code == 401


def test_resetting_a_password_shows_the_new_one_once(app, coach, world):
    r = coach.post(f"/instructor/trainees/{world['bob']}/reset-password")
    assert r.status_code == 302  # not confirmed: nothing changes
    assert Client(app).login("bob", PASSWORD).status_code == 302
    page = coach.get(f"/instructor/trainees/{world['bob']}").get_data(as_text=True)
    assert 'name="confirm_reset"' in page
    r = coach.post(f"/instructor/trainees/{world['bob']}/reset-password", {"confirm_reset": "yes"})
    assert "Bob Baker (trainee) signs in at" in r.get_data(as_text=True)
    new = SECRET.search(r.get_data(as_text=True)).group(1)
    assert Client(app).login("bob", PASSWORD).status_code == 401
    assert Client(app).login("bob", new).status_code == 302


def test_the_live_class_page_polls_its_json(coach, world):
    page = coach.get(f"/instructor/cohorts/{world['cohort']}/live").get_data(as_text=True)
    assert "live.js" in page and "live.json" in page
