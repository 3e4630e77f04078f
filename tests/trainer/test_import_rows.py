"""CSV import problems are numbered as the spreadsheet numbers its rows (a header is row 1), and a
file no CSV reader can read is a clear 400 (issue 10 defect 10, issue 13 finding 8)."""

from __future__ import annotations

import io

from trainer_web.extensions import db
from trainer_web.models import User


def _import(coach, world, body: bytes):
    return coach.post(
        f"/instructor/cohorts/{world['cohort']}/import",
        {"file": (io.BytesIO(body), "class.csv")},
        content_type="multipart/form-data",
    )


def test_problem_rows_count_the_header_as_row_one(app, coach, world):
    body = (
        "username,display_name,password\nerin,Erin E,\n\nalice,Taken\nok.name,Weak,password1234\n"
    )
    r = _import(coach, world, body.encode())
    assert r.status_code == 400
    page = r.get_data(as_text=True)
    assert "row 4: username &#39;alice&#39; is taken" in page  # line 4 of the file
    assert "row 5:" in page and "common passwords" in page
    assert "row 2" not in page and "row 3" not in page


def test_control_characters_and_nul_bytes_in_a_csv_are_refused(app, coach, world):
    r = _import(
        coach, world, b"username,display_name\nerin,Erin \x1b[2J\nfrank,Frank \xe2\x80\xae\n"
    )
    page = r.get_data(as_text=True)
    assert r.status_code == 400
    assert "row 2" in page and "control character" in page
    assert "row 3" in page and "text-direction" in page
    r = _import(coach, world, b"erin,Erin\x00\n")
    assert r.status_code == 400 and "NUL" in r.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(db.select(User).filter_by(username="erin")).first() is None


def test_a_good_import_commits_every_trainee(app, coach, world):
    rows = "\n".join(f"t{i:03d},Trainee {i}" for i in range(25))
    r = _import(coach, world, ("username,display_name\n" + rows + "\n").encode())
    assert r.status_code == 200 and r.get_data(as_text=True).count('class="secret"') == 25
    with app.app_context():
        n = db.session.scalar(db.select(db.func.count(User.id)).where(User.username.like("t0%")))
        assert n == 25
