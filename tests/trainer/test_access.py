"""Access control: a trainee sees only their own exercises, an instructor only their cohorts."""

from __future__ import annotations

from .conftest import jump, signed_in, start
from .helpers import first_item, good_reply


def played(app, username: str, assignment: int) -> int:
    c = signed_in(app, username)
    eid = start(c, assignment)
    jump(app, eid, 5)
    item = first_item(c, eid)
    c.post_json(f"/exercises/{eid}/act", {"complaint_id": item["id"], "text": good_reply(item)})
    c.post_json(f"/exercises/{eid}/finish")
    return eid


def test_a_trainee_cannot_open_instructor_or_admin_pages(alice, world):
    for url in (
        "/instructor/",
        f"/instructor/cohorts/{world['cohort']}",
        "/admin/",
        "/instructor/settings",
        f"/instructor/cohorts/{world['cohort']}/results.csv",
    ):
        assert alice.get(url).status_code == 403, url


def test_a_trainee_cannot_see_another_trainees_exercise(app, alice, world):
    theirs = played(app, "bob", world["assignment"])
    for url in (
        f"/exercises/{theirs}",
        f"/exercises/{theirs}/debrief",
        f"/exercises/{theirs}/transcript",
        f"/exercises/{theirs}/debrief.svg",
    ):
        assert alice.get(url).status_code == 404, url


def test_a_trainee_cannot_start_another_cohorts_assignment(alice, world):
    assert alice.post(f"/assignments/{world['other_assignment']}/start").status_code == 404


def test_an_instructor_sees_their_own_trainees_work(app, coach, world):
    eid = played(app, "alice", world["assignment"])
    assert coach.get(f"/exercises/{eid}/transcript").status_code == 200
    assert coach.get(f"/exercises/{eid}/debrief").status_code == 200
    assert coach.get(f"/instructor/trainees/{world['alice']}").status_code == 200


def test_an_instructor_cannot_see_another_instructors_cohort(app, coach, world):
    eid = played(app, "carol", world["other_assignment"])
    for url in (
        f"/instructor/cohorts/{world['other_cohort']}",
        f"/instructor/cohorts/{world['other_cohort']}/results",
        f"/instructor/cohorts/{world['other_cohort']}/results.csv",
        f"/instructor/cohorts/{world['other_cohort']}/live.json",
        f"/instructor/trainees/{world['carol']}",
        f"/exercises/{eid}/transcript",
        f"/exercises/{eid}/debrief",
    ):
        assert coach.get(url).status_code == 404, url
    r = coach.post(f"/instructor/trainees/{world['carol']}/delete", {"confirm_username": "carol"})
    assert r.status_code == 404
    assert (
        coach.post(f"/instructor/assignments/{world['other_assignment']}/start").status_code == 404
    )


def test_an_instructor_cannot_play_a_trainees_exercise(app, coach, world):
    alice = signed_in(app, "alice")
    eid = start(alice, world["assignment"])
    jump(app, eid, 5)
    item = first_item(alice, eid)
    r = coach.post_json(f"/exercises/{eid}/act", {"complaint_id": item["id"], "text": "hi there"})
    assert r.status_code == 404


def test_an_instructor_cannot_manage_instructors(coach, world):
    assert coach.get("/admin/").status_code == 403
    assert coach.post("/admin/instructors", {"username": "mallory"}).status_code == 403


def test_the_admin_sees_every_cohort(app, world):
    admin = signed_in(app, "root")
    assert admin.get(f"/instructor/cohorts/{world['other_cohort']}").status_code == 200
