"""A trainee plays a short storm in a real browser; the instructor sees the result."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from playwright.sync_api import expect

from .conftest import shot, sign_in

# A good reply on the recall: what to do now, what I am doing, and when (a bare "I'll look into
# it" scores below the pass mark since the scorer's learned layer became the default).
GOOD = (
    "Hi {first}, I'm so sorry, I know how worrying this is. Please stop using it and keep it "
    "unplugged for now. I'm booking a free collection and a replacement for you today, and I'll "
    "DM you the time slot within the hour."
)


def reply(page, text: str) -> dict:
    page.click("#inbox li.complaint >> nth=0")
    page.fill("#text", text)
    with page.expect_response(re.compile(r"/act$")) as resp:
        page.click("#send")
    assert resp.value.status == 200, resp.value.text()
    page.wait_for_selector("#result:not([hidden])")
    return resp.value.json()


def test_trainee_plays_replies_and_reaches_the_debrief_then_instructor_exports(page_for, server):
    page = page_for()
    page.goto(server + "/login")
    shot(page, "01-login")
    sign_in(page, server, "tina")
    page.wait_for_url("**/exercises/")
    shot(page, "02-assignments")

    page.click("text=Start: read the brief")
    page.wait_for_selector("#start-clock")
    assert "Recall morning" in page.inner_text("h1")  # the assignment's title
    shot(page, "02b-brief")
    page.click("#start-clock")
    page.wait_for_selector("#inbox li.complaint", timeout=30_000)
    page.wait_for_selector("#selected:not([hidden])")
    shot(page, "03-inbox")

    author = page.inner_text("#sel-author").split()[0]
    good = reply(page, GOOD.format(first=author))
    assert good["score"]["total"] >= 70
    assert page.inner_text("#score-pass") == "pass"
    assert page.inner_text("#reaction")
    assert page.locator("#criteria li").count() == 6
    shot(page, "04-good-reply-scored")

    page.wait_for_selector("#inbox li.complaint")
    page.click("#inbox li.complaint >> nth=0")
    page.select_option("#canned", index=2)  # an unedited macro
    with page.expect_response(re.compile(r"/act$")) as resp:
        page.click("#send")
    poor = resp.value.json()
    assert poor["score"]["total"] < 70
    expect(page.locator("#score-pass")).to_have_text(re.compile(r"^below"))
    assert "Try:" in page.inner_text("#criteria")
    expect(page.locator("#better-text")).to_be_visible()  # one better reply for this customer
    shot(page, "05-poor-reply-scored")

    page.click("#pause")
    expect(page.locator("#state")).to_have_text("paused")
    page.click("#resume")
    expect(page.locator("#state")).to_have_text("running")

    page.on("dialog", lambda d: d.accept())
    page.click("#finish")
    page.wait_for_url("**/debrief", timeout=20_000)
    page.wait_for_load_state("load")
    assert page.locator("img.plot").evaluate("img => img.naturalWidth") > 0
    text = page.inner_text("main")
    assert "You against bots in your seat" in text and "First responses" in text
    shot(page, "06-debrief")
    page.click("text=Transcript")
    page.wait_for_selector(".conversation")
    shot(page, "07-transcript")
    assert not page.js_errors, page.js_errors

    coach = page_for()
    sign_in(coach, server, "coach")
    coach.wait_for_url("**/instructor/")
    coach.click("text=E2E class")
    shot(coach, "08-cohort")
    coach.click("text=Results table")
    row = coach.locator("tr", has_text="Tina Trainee")
    assert row.count() == 1
    shot(coach, "09-results")
    with coach.expect_download() as download:
        coach.click("text=Export CSV")
    body = Path(download.value.path()).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert rows[0]["username"] == "tina" and rows[0]["replies"] == "2"
    coach.goto(server + "/instructor/cohorts/1/live")
    coach.wait_for_selector(".trainee-card")
    shot(coach, "10-live-class")
    assert not coach.js_errors, coach.js_errors
