"""Grades in a real browser: a training lead sets up a class; a trainee who answers nothing is
graded fail and flagged, one who answers every complaint well passes; the brief, the progress on
"My exercises", the results per assignment and the live view's alerts say so.

Every page here is captured at 1366×850 and 390×844 in ``test-artifacts/e2e/``.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from .conftest import shot, sign_in

# Good replies, as a diligent trainee writes them: on a safety report, what to do now and what
# I am doing; otherwise the issue named (the desk fills in {issue}), an action and a time. (A
# bare "I'll look into it and DM you" is a holding line: below the pass mark since the scorer's
# learned layer became the default.)
GOOD = (
    "Hi {first}, I'm so sorry about {issue}, I know how frustrating that is. I've checked your "
    "case myself and I'm sorting it today: I'll DM you the fix and a time within the hour."
)
GOOD_SAFETY = (
    "Hi {first}, I'm so sorry, I know how worrying this is. Please stop using it and keep it "
    "unplugged for now. I'm booking a free collection and a replacement for you today, and I'll "
    "DM you the time slot within the hour."
)
SIZES = {"desktop": (1366, 850), "phone": (390, 844)}


def shots(page, name: str) -> None:
    for label, (w, h) in SIZES.items():
        page.set_viewport_size({"width": w, "height": h})
        shot(page, f"grades-{name}-{label}")
    page.set_viewport_size({"width": 1366, "height": 850})


def add_trainee(coach, username: str, name: str) -> str:
    coach.fill("input[name=username]", username)
    coach.fill("input[name=display_name]", name)
    coach.click("input[type=submit][value='Add trainee']")
    password = coach.inner_text("td.secret").strip()
    coach.go_back()
    return password


def sign_in_as(page, base: str, username: str, password: str) -> None:
    page.goto(base + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("input[type=submit]")
    page.wait_for_url("**/exercises/")


def open_brief_and_start(page) -> None:
    page.click("text=Start: read the brief")
    page.wait_for_selector("#start-clock")
    assert "Grades drill" in page.inner_text("h1")
    assert "How you are graded" in page.inner_text("main")
    page.click("#start-clock")
    page.wait_for_selector("#exercise")


def test_a_silent_trainee_fails_a_diligent_one_passes_and_the_lead_sees_it(page_for, server):
    coach = page_for()
    sign_in(coach, server, "coach")
    coach.wait_for_url("**/instructor/")
    coach.fill("input[name=name]", "Grades class")
    coach.click("input[type=submit][value='Create cohort']")
    coach.wait_for_url(re.compile(r".*/instructor/cohorts/\d+$"))
    cohort_url = coach.url
    silent = add_trainee(coach, "nadia", "Nadia Silent")
    diligent = add_trainee(coach, "wes", "Wes Diligent")
    coach.goto(cohort_url)
    coach.fill("input[name=title]", "Grades drill")
    coach.select_option("select[name=scenario_id]", "product_recall")
    coach.select_option("select[name=difficulty]", "easy")
    coach.fill("input[name=duration_min]", "20")
    coach.fill("input[name=speed]", "30")  # two simulated minutes a second
    coach.fill("input[name=seed]", "4")
    coach.click("input[type=submit][value='Assign']")
    expect(coach.locator(".flash.success")).to_contain_text("Grades drill")
    shots(coach, "01-cohort")

    # A trainee who answers nothing: graded fail, however the storm went.
    nadia = page_for()
    sign_in_as(nadia, server, "nadia", silent)
    shots(nadia, "02-my-exercises-new")
    nadia.click("text=Start: read the brief")
    nadia.wait_for_selector("#start-clock")
    shots(nadia, "03-brief")
    nadia.click("#start-clock")
    nadia.wait_for_selector("#inbox li.complaint", timeout=30_000)
    nadia.on("dialog", lambda d: d.accept())
    nadia.click("#finish")
    nadia.wait_for_url("**/debrief", timeout=30_000)
    expect(nadia.locator("#grade-verdict")).to_have_text("fail")
    expect(nadia.locator("#grade-coverage")).to_contain_text(re.compile(r"^0 of [1-9]"))
    assert "How this is graded" in nadia.inner_text("#grade")
    shots(nadia, "04-debrief-silent")
    nadia.goto(server + "/exercises/")
    expect(nadia.locator("ol.attempts")).to_contain_text("fail")
    expect(nadia.locator("text=Retry the same storm")).to_be_visible()
    shots(nadia, "05-my-exercises-after")
    assert not nadia.js_errors, nadia.js_errors

    # A trainee who answers every complaint well, as it arrives: pass.
    wes = page_for()
    sign_in_as(wes, server, "wes", diligent)
    open_brief_and_start(wes)
    sent = 0
    while "/debrief" not in wes.url:
        item = wes.locator("#inbox li.complaint").first
        if item.count() == 0 or wes.locator("#state").inner_text() == "finished":
            wes.wait_for_timeout(150)
            continue
        item.click()
        first = wes.inner_text("#sel-author").split()[0]
        text = GOOD_SAFETY if wes.locator("#sel-safety").is_visible() else GOOD
        wes.fill("#text", text.replace("{first}", first))
        with wes.expect_response(re.compile(r"/act$")) as resp:
            wes.click("#send")
        sent += resp.value.status == 200
        wes.wait_for_timeout(100)
    wes.wait_for_load_state("load")
    assert sent >= 2, (sent, wes.inner_text("#grade"))
    expect(wes.locator("#grade-verdict")).to_have_text("pass")
    shots(wes, "06-debrief-diligent")
    assert not wes.js_errors, wes.js_errors

    # The lead: results for this assignment, the trainee's trend, the live view's alerts.
    coach.goto(cohort_url)
    coach.click("text=Results table")
    nadia_row = coach.locator("tr", has_text="Nadia Silent")
    expect(nadia_row.locator(".pill")).to_have_text("fail")
    expect(nadia_row).to_contain_text("sent no reply")
    expect(coach.locator("tr", has_text="Wes Diligent").locator(".pill")).to_have_text("pass")
    assert "Results · Grades class · Grades drill" in coach.inner_text("h1")
    shots(coach, "07-results")
    coach.click("text=Nadia Silent")
    expect(coach.locator("#trend")).to_contain_text("0")
    shots(coach, "08-trainee")
    coach.goto(cohort_url + "/live")
    coach.wait_for_selector(".trainee-card")
    expect(coach.locator(".trainee-card", has_text="Nadia Silent")).to_contain_text("finished")
    shots(coach, "09-live")
    assert not coach.js_errors, coach.js_errors


def test_form_submit_inputs_are_styled_like_buttons(page_for, server):
    page = page_for()
    page.goto(server + "/login")
    submit = page.locator("input[type=submit].primary")
    styles = submit.evaluate(
        "e => { const s = getComputedStyle(e); return [s.backgroundColor, s.borderRadius]; }"
    )
    assert styles == ["rgb(47, 111, 176)", "6px"], styles  # the accent, as button.primary
