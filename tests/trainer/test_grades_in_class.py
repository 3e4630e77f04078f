"""Grades in a class: the debrief, the results table, the CSV and the live view all grade what
the trainee missed, with one rule (trainer_web.grading), per assignment."""

from __future__ import annotations

import csv
import io
import re

from trainer_web.extensions import db
from trainer_web.models import Exercise

from .conftest import jump, signed_in, start
from .helpers import answer_everything, first_item, good_reply


def finish(client, eid: int) -> None:
    assert client.post_json(f"/exercises/{eid}/finish").status_code == 200


def csv_rows(coach, world) -> dict[str, dict]:
    body = coach.get(f"/instructor/cohorts/{world['cohort']}/results.csv").get_data(as_text=True)
    return {row["username"]: row for row in csv.DictReader(io.StringIO(body))}


def row_of(page: str, name: str) -> str:
    return re.search(rf"<tr>\s*<td><a [^>]*>{name}</a>.*?</tr>", page, re.S).group(0)


def test_a_trainee_who_answers_nothing_fails_and_is_flagged(app, coach, world):
    alice = signed_in(app, "alice")
    eid = start(alice, world["assignment"])
    finish(alice, eid)
    page = alice.get(f"/exercises/{eid}/debrief").get_data(as_text=True)
    assert 'id="grade-verdict">fail<' in page
    assert "How this is graded" in page
    results = coach.get(f"/instructor/cohorts/{world['cohort']}/results").get_data(as_text=True)
    row = row_of(results, "Alice Able")
    assert 'class="pill fail"' in row and "sent no reply" in row
    alice_csv = csv_rows(coach, world)["alice"]
    assert alice_csv["passed"] == "no" and "sent no reply" in alice_csv["needs_coaching"]
    assert float(alice_csv["coverage"]) == 0 and int(alice_csv["missed"]) > 0


def test_one_good_reply_among_many_fails_for_coverage(app, coach, world):
    alice = signed_in(app, "alice")
    eid = start(alice, world["assignment"])
    jump(app, eid, 5)
    item = first_item(alice, eid)
    r = alice.post_json(
        f"/exercises/{eid}/act", {"complaint_id": item["id"], "text": good_reply(item)}
    )
    assert r.json["score"]["total"] >= 70  # the reply itself is good…
    finish(alice, eid)
    page = alice.get(f"/exercises/{eid}/debrief").get_data(as_text=True)
    assert 'id="grade-verdict">fail<' in page  # …the exercise is not
    seat = int(re.search(r'id="grade-coverage">1 of (\d+)', page).group(1))
    assert seat > 1
    alice_csv = csv_rows(coach, world)["alice"]
    assert alice_csv["passed"] == "no"
    assert f"low coverage: answered 1 of {seat}" in alice_csv["needs_coaching"]


def test_a_trainee_who_answers_everything_well_passes(app, coach, world):
    alice = signed_in(app, "alice")
    eid = start(alice, world["assignment"])
    sent = answer_everything(alice, eid)
    page = alice.get(f"/exercises/{eid}/debrief").get_data(as_text=True)
    assert sent > 3
    assert 'id="grade-verdict">pass<' in page, re.search(r'id="grade".*?</section>', page, re.S)
    alice_csv = csv_rows(coach, world)["alice"]
    assert alice_csv["passed"] == "yes" and float(alice_csv["exercise_score"]) >= 70
    assert alice_csv["needs_coaching"] == ""


def test_within_sla_on_the_debrief_counts_complaints_never_answered(app, world):
    alice = signed_in(app, "alice")
    eid = start(alice, world["assignment"])
    jump(app, eid, 5)
    item = first_item(alice, eid)
    alice.post_json(f"/exercises/{eid}/act", {"complaint_id": item["id"], "text": good_reply(item)})
    finish(alice, eid)
    page = alice.get(f"/exercises/{eid}/debrief").get_data(as_text=True)
    on_time, seat = map(int, re.search(r'id="grade-sla">(\d+) of (\d+)', page).groups())
    assert on_time == 1 and seat > 1
    share = re.search(r"answered within the channel's SLA</th><td>(\d+)%", page).group(1)
    assert int(share) == round(100 / seat) or int(share) == 100 // seat
    with app.app_context():
        stored = db.session.get(Exercise, eid).grade  # kept for tables, no replay needed
        assert stored["on_time"] == 1 and stored["counted"] == seat
