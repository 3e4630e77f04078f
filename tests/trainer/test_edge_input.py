"""Input no database can store is refused at the edge with a 4xx naming the field, on SQLite and
PostgreSQL alike: NUL bytes, control and bidi characters, integers past int4/int64."""

from __future__ import annotations

import csv
import io

import pytest

from trainer_web.extensions import db
from trainer_web.models import Assignment, Cohort, User

from .conftest import PASSWORD, Client, jump, signed_in, start
from .helpers import first_item


def _forms(world) -> list[tuple[str, str, dict]]:
    """(who, url, form) for every form that stores text."""
    c = world["cohort"]
    return [
        ("coach", "/instructor/cohorts", {"name": "Spring{}"}),
        ("coach", f"/instructor/cohorts/{c}/trainees", {"username": "nul", "display_name": "N{}"}),
        (
            "coach",
            f"/instructor/cohorts/{c}/assignments",
            {
                "title": "Drill{}",
                "scenario_id": "product_recall",
                "difficulty": "easy",
                "duration_min": "30",
                "speed": "10",
                "seed": "1",
            },
        ),
        ("coach", "/instructor/settings", {"canned_replies": "Hello{} there", "remedy_limit": "5"}),
        ("root", "/admin/instructors", {"username": "ivy", "display_name": "Ivy{}"}),
        ("alice", "/account", {"current": PASSWORD, "new": "x{}yz-long-words", "confirm": "-"}),
    ]


@pytest.mark.parametrize("bad", ["\x00", "\x1b[31m", "\x07"])
def test_control_characters_in_any_form_are_a_400(app, world, bad):
    clients = {who: signed_in(app, who) for who in ("coach", "root", "alice")}
    for who, url, form in _forms(world):
        data = {k: v.replace("{}", bad) for k, v in form.items()}
        r = clients[who].post(url, data)
        assert r.status_code == 400, (url, r.status_code)
        assert "control character" in r.get_data(as_text=True) or "NUL" in r.get_data(as_text=True)
    r = Client(app).login("ali\x00ce")
    assert r.status_code == 400
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Cohort.id))) == 2
        assert db.session.scalar(db.select(db.func.count(Assignment.id))) == 2
        assert not db.session.execute(db.select(User).filter_by(username="ivy")).first()


def test_bidi_overrides_in_names_are_refused_but_not_in_replies(app, world, coach):
    c = world["cohort"]
    r = coach.post(
        f"/instructor/cohorts/{c}/trainees",
        {"username": "eve", "display_name": "Eve \u202egnp.exe"},
    )
    assert r.status_code == 400 and "text-direction" in r.get_data(as_text=True)
    r = coach.post("/instructor/cohorts", {"name": "Class \u2066A\u2069"})
    assert r.status_code == 400


def test_a_nul_byte_in_a_reply_is_a_400(app, alice, world):
    eid = start(alice, world["assignment"])
    jump(app, eid, 5)
    item = first_item(alice, eid)
    r = alice.post_json(f"/exercises/{eid}/act", {"complaint_id": item["id"], "text": "Hi\x00"})
    assert r.status_code == 400 and "NUL" in r.get_json()["message"]
    r = alice.post_json(f"/exercises/{eid}/act", {"complaint_id": 2**63, "text": "Hello there"})
    assert r.status_code == 400 and "out of range" in r.get_json()["message"]


def test_a_seed_past_int4_is_a_form_error(app, coach, world):
    form = {
        "title": "Big seed",
        "scenario_id": "product_recall",
        "difficulty": "easy",
        "duration_min": "30",
        "speed": "10",
    }
    url = f"/instructor/cohorts/{world['cohort']}/assignments"
    for seed in ("2147483648", "9223372036854775808", "-1"):
        r = coach.post(url, {**form, "seed": seed})
        assert r.status_code == 400, seed
    r = coach.post(url, {**form, "seed": "2147483647"})
    assert r.status_code == 302


@pytest.mark.parametrize("big", [2**31, 2**63, 2**64, 10**30])
def test_huge_ids_in_urls_are_404(app, world, big):
    coach, alice = signed_in(app, "coach"), signed_in(app, "alice")
    for client, url in [
        (coach, f"/instructor/cohorts/{big}"),
        (coach, f"/instructor/cohorts/{big}/live.json"),
        (coach, f"/instructor/trainees/{big}"),
        (alice, f"/exercises/{big}"),
        (alice, f"/exercises/{big}/state.json"),
        (alice, f"/exercises/{big}/debrief"),
    ]:
        assert client.get(url).status_code == 404, url
    for client, url in [
        (alice, f"/assignments/{big}/start"),
        (coach, f"/instructor/actions/{big}/notes"),
        (coach, f"/instructor/trainees/{big}/reset-password"),
    ]:
        assert client.post(url, {"text": "n"}).status_code == 404, url


def test_csv_export_quotes_full_width_formula_starts(app, coach, world):
    with app.app_context():
        bob = db.session.get(User, world["bob"])
        bob.display_name = '\uff1dHYPERLINK("http://x")'  # full-width equals sign
        alice = db.session.get(User, world["alice"])
        alice.display_name = "\uff0b1+2"  # full-width plus
        db.session.commit()
    r = coach.get(f"/instructor/cohorts/{world['cohort']}/results.csv")
    names = {row["username"]: row["name"] for row in csv.DictReader(io.StringIO(r.text))}
    assert names["bob"].startswith("'\uff1d") and names["alice"].startswith("'\uff0b")
