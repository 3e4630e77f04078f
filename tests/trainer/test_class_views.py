"""What a trainee and a training lead see around the grade: the pre-brief, retries and progress,
results per assignment, the live class view's presence and alerts, and small wording fixes."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

from trainer_web.extensions import db
from trainer_web.models import Assignment, Exercise, utcnow

from .conftest import jump, signed_in, start
from .helpers import answer_everything, first_item, good_reply

CREDENTIALS = (
    "Hi {first}, so sorry! Reply here with your password and card number and I'll sort it today."
)


def finish(client, eid: int) -> None:
    assert client.post_json(f"/exercises/{eid}/finish").status_code == 200


def live(coach, world) -> dict:
    data = coach.get(f"/instructor/cohorts/{world['cohort']}/live.json").get_json()
    return {t["username"]: t for t in data["trainees"]} | {"_alerts": data["alerts"]}


# --- The pre-brief -----------------------------------------------------------------------------
def test_the_brief_names_the_assignment_goals_and_grading_before_the_clock_starts(app, world):
    alice = signed_in(app, "alice")
    index = alice.get("/exercises/").get_data(as_text=True)
    brief_url = f"/assignments/{world['assignment']}/brief"
    assert brief_url in index
    page = alice.get(brief_url).get_data(as_text=True)
    assert "Recall drill" in page  # the assignment's title, not only the scenario
    assert "Your goals" in page and "How you are graded" in page
    assert "auto-failed reply" in page and "half of it if you answered late" in page
    assert 'id="start-clock"' in page
    with app.app_context():  # reading the brief starts nothing
        assert db.session.scalar(db.select(db.func.count(Exercise.id))) == 0
    carol = signed_in(app, "carol")
    assert carol.get(brief_url).status_code == 404


# --- Retries and progress ----------------------------------------------------------------------
def test_a_trainee_retries_the_same_storm_and_sees_progress(app, coach, world):
    alice = signed_in(app, "alice")
    first = start(alice, world["assignment"])
    finish(alice, first)  # answered nothing: fail
    brief = alice.get(f"/exercises/{first}/retry")
    assert brief.status_code == 200 and "Recall drill" in brief.get_data(as_text=True)
    r = alice.post(f"/exercises/{first}/retry")
    assert r.status_code == 302
    second = int(r.location.rstrip("/").rsplit("/", 1)[1])
    with app.app_context():
        a, b = db.session.get(Exercise, first), db.session.get(Exercise, second)
        assert b.retry_of == a.id and b.assignment_id is None
        assert (b.seed, b.start_min, b.duration_min, b.share) == (
            a.seed,
            a.start_min,
            a.duration_min,
            a.share,
        )
        assert b.state == "running"
    answer_everything(alice, second)
    index = alice.get("/exercises/").get_data(as_text=True)
    attempts = re.search(r'<ol class="attempts".*?</ol>', index, re.S).group(0)
    assert "First attempt: 0" in re.sub(r"\s+", " ", attempts)
    assert "Retry 1:" in attempts and 'class="pill pass"' in attempts
    trainee = coach.get(f"/instructor/trainees/{world['alice']}").get_data(as_text=True)
    trend = re.search(r'<p id="trend">.*?</p>', trainee, re.S).group(0)
    assert "<strong>0</strong> → <strong>" in trend and "since the first" in trend
    # the assignment's result is the first attempt; the retry shows as attempts and best
    results = coach.get(
        f"/instructor/cohorts/{world['cohort']}/results?assignment={world['assignment']}"
    ).get_data(as_text=True)
    row = re.search(r"<tr>\s*<td><a [^>]*>Alice Able</a>.*?</tr>", results, re.S).group(0)
    assert 'class="pill fail"' in row
    cells = re.findall(r'<td class="num">([^<]*)</td>', row)
    assert "2" in cells  # attempts
    # a retry of a retry is still an attempt at the same assignment
    third = alice.post(f"/exercises/{second}/retry")
    with app.app_context():
        tid = int(third.location.rsplit("/", 1)[1])
        assert db.session.get(Exercise, tid).retry_of == first


def test_only_a_finished_exercise_can_be_retried_and_only_by_its_trainee(app, world):
    alice = signed_in(app, "alice")
    eid = start(alice, world["assignment"])
    assert alice.post(f"/exercises/{eid}/retry").status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Exercise.id))) == 1
    finish(alice, eid)
    bob = signed_in(app, "bob")
    assert bob.post(f"/exercises/{eid}/retry").status_code == 404


# --- Results per assignment --------------------------------------------------------------------
def test_results_are_per_assignment_not_pooled(app, coach, world):
    with app.app_context():
        second = Assignment(
            cohort_id=world["cohort"],
            title="Hijack drill",
            scenario_id="hashtag_hijack",
            difficulty="easy",
            duration_min=30.0,
            start_min=50.0,
            speed=10.0,
            seed=9,
        )
        db.session.add(second)
        db.session.commit()
        second_id = second.id
    alice = signed_in(app, "alice")
    finish(alice, start(alice, world["assignment"]))
    base = f"/instructor/cohorts/{world['cohort']}/results"
    newest = coach.get(base).get_data(as_text=True)  # the newest assignment by default
    assert "Results · Spring class · Hijack drill" in newest
    row = re.search(r"<tr>\s*<td><a [^>]*>Alice Able</a>.*?</tr>", newest, re.S).group(0)
    assert "pill" not in row  # alice has not played the hijack drill
    recall = coach.get(f"{base}?assignment={world['assignment']}").get_data(as_text=True)
    row = re.search(r"<tr>\s*<td><a [^>]*>Alice Able</a>.*?</tr>", recall, re.S).group(0)
    assert 'class="pill fail"' in row
    assert coach.get(f"{base}?assignment={world['other_assignment']}").status_code == 404
    body = coach.get(f"{base}.csv").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(body)))
    assert {(r["username"], r["assignment"]) for r in rows} == {
        (u, t) for u in ("alice", "bob") for t in ("Recall drill", "Hijack drill")
    }
    only = coach.get(f"{base}.csv?assignment={second_id}").get_data(as_text=True)
    assert {r["assignment"] for r in csv.DictReader(io.StringIO(only))} == {"Hijack drill"}


# --- The live class view -----------------------------------------------------------------------
def test_the_live_view_tells_not_opened_paused_and_dropped_apart(app, coach, world):
    coach.post(f"/instructor/assignments/{world['assignment']}/start")
    assert live(coach, world)["alice"]["state"] == "not opened"
    alice = signed_in(app, "alice")
    with app.app_context():
        eid = db.session.execute(
            db.select(Exercise.id).filter_by(trainee_id=world["alice"])
        ).scalar()
        ex = db.session.get(Exercise, eid)
        ex.acked_at = utcnow() - timedelta(seconds=3)  # she opened it a moment ago…
        db.session.commit()
    alice.get(f"/exercises/{eid}/state.json")  # …and her page polls
    assert live(coach, world)["alice"]["state"] == "running"
    alice.post_json(f"/exercises/{eid}/pause")
    assert live(coach, world)["alice"]["state"] == "paused"
    alice.post_json(f"/exercises/{eid}/resume")
    with app.app_context():  # her browser went away 40 s ago while the clock ran
        ex = db.session.get(Exercise, eid)
        ex.acked_at = utcnow() - timedelta(seconds=40)
        ex.acked_sim_min = 2.0
        db.session.commit()
    first_poll = live(coach, world)["alice"]
    assert first_poll["state"] == "dropped"  # at once, not "running" first
    assert any(a["kind"] == "dropped" for a in first_poll["alerts"])
    assert live(coach, world)["bob"]["state"] == "not opened"


def test_the_live_view_alerts_on_auto_fails_and_idle_trainees_and_shows_the_grade(
    app, coach, world
):
    alice = signed_in(app, "alice")
    eid = start(alice, world["assignment"])
    jump(app, eid, 5)
    item = first_item(alice, eid)
    text = CREDENTIALS.format(first=item["author"].split()[0])
    r = alice.post_json(f"/exercises/{eid}/act", {"complaint_id": item["id"], "text": text})
    assert r.json["score"]["auto_fail"]
    row = live(coach, world)["alice"]
    assert any(a["kind"] == "auto_fail" for a in row["alerts"])
    assert row["passed"] is False and row["grade"] is not None and row["coverage"] is not None
    jump(app, eid, 8)  # eight simulated minutes without a reply, complaints waiting
    alice.get(f"/exercises/{eid}/state.json")
    data = coach.get(f"/instructor/cohorts/{world['cohort']}/live.json").get_json()
    idle = [a for a in data["alerts"] if a["kind"] == "idle"]
    assert idle and idle[0]["trainee"] == "Alice Able"


# --- Debrief wording ---------------------------------------------------------------------------
def test_the_debrief_says_one_reply_still_open_and_no_hourly_peak_for_a_short_storm(app, world):
    alice = signed_in(app, "alice")
    eid = start(alice, world["assignment"])
    jump(app, eid, 5)
    item = first_item(alice, eid)
    alice.post_json(f"/exercises/{eid}/act", {"complaint_id": item["id"], "text": good_reply(item)})
    finish(alice, eid)
    page = alice.get(f"/exercises/{eid}/debrief").get_data(as_text=True)
    assert "1 reply," in page and "1 replies" not in page
    assert "still open:" in page and "none:" not in page
    assert "Peak complaints per hour" not in page  # a 40-minute storm has no hourly peak


def test_a_debrief_without_replies_has_no_empty_reactions_heading(app, world):
    alice = signed_in(app, "alice")
    eid = start(alice, world["assignment"])
    finish(alice, eid)
    page = alice.get(f"/exercises/{eid}/debrief").get_data(as_text=True)
    assert "What your customers did" not in page
    assert "every complaint in your seat went unanswered" in page


def test_the_credentials_page_names_who_signs_in(app, world):
    root = signed_in(app, "root")
    r = root.post("/admin/instructors", {"username": "ivy", "display_name": "Ivy Instructor"})
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and 'class="secret"' in page
    assert "Trainees sign in" not in page
    assert "Ivy Instructor (instructor) signs in at" in page


def test_the_live_view_alerts_on_complaints_past_their_sla(app, coach, world):
    with app.app_context():
        long = Assignment(
            cohort_id=world["cohort"],
            title="Long recall",
            scenario_id="product_recall",
            difficulty="hard",
            duration_min=120.0,
            start_min=350.0,
            speed=10.0,
            seed=3,
        )
        db.session.add(long)
        db.session.commit()
        long_id = long.id
    alice = signed_in(app, "alice")
    eid = start(alice, long_id)
    jump(app, eid, 75)  # nobody answered for 75 minutes: Twitter's SLA is 60
    alice.post_json(f"/exercises/{eid}/pause")  # hold the clock while both views are read
    state = alice.get(f"/exercises/{eid}/state.json").get_json()
    late = [i for i in state["inbox"] if i["sla_left_min"] is not None and i["sla_left_min"] < 0]
    assert late, "the storm should leave some complaint waiting past its SLA"
    row = live(coach, world)["alice"]
    sla = [a for a in row["alerts"] if a["kind"] == "sla"]
    assert sla and sla[0]["text"].startswith(f"{len(late)} complaint")


def test_deleting_a_trainee_removes_their_retries_too(app, coach, world):
    alice = signed_in(app, "alice")
    first = start(alice, world["assignment"])
    finish(alice, first)
    alice.post(f"/exercises/{first}/retry")
    r = coach.post(f"/instructor/trainees/{world['alice']}/delete", {"confirm_username": "alice"})
    assert r.status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Exercise.id))) == 0


def test_my_exercises_states_the_pass_rule_before_any_attempt(app, world):
    page = signed_in(app, "alice").get("/exercises/").get_data(as_text=True)
    assert "How an exercise is graded" in page and "no auto-failed reply" in page


def test_an_unfinished_exercise_says_one_reply_to_the_instructor(app, coach, world):
    alice = signed_in(app, "alice")
    eid = start(alice, world["assignment"])
    jump(app, eid, 5)
    item = first_item(alice, eid)
    alice.post_json(f"/exercises/{eid}/act", {"complaint_id": item["id"], "text": good_reply(item)})
    page = coach.get(f"/exercises/{eid}/debrief").get_data(as_text=True)
    assert "1 reply so far" in page and "1 replies" not in page
