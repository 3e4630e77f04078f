"""A team exercise in chromium: a lead and two reps in three contexts, the instructor in a fourth.

The lead assigns a complaint; the other rep's claim on it is refused with who has it; the rep it
went to answers; the instructor injects a viral post and all three see it; the team debrief
shows the lead's decisions on the timeline. Screenshots of each role's page (desktop and
390×844) go to ``test-artifacts/e2e/``.
"""

from __future__ import annotations

import re

from axe_playwright_python.sync_playwright import Axe

from .conftest import shot, sign_in
from .test_pages import _serious

PHONE = {"width": 390, "height": 844}


def desk_for(page_for, base: str, username: str, team_url: str):
    page = page_for(1366, 850)
    sign_in(page, base, username)
    page.wait_for_url("**/exercises/")
    page.click("nav >> text=Team exercises")
    page.click("text=Recall team drill")
    page.wait_for_url("**" + team_url)
    return page


def both_sizes(page, name: str) -> None:
    """Screenshots at a laptop's and a phone's size, no sideways scroll, and axe-core finds no
    serious or critical accessibility problem."""
    problems = _serious(Axe().run(page).response)
    assert not problems, (name, problems)
    shot(page, f"team-{name}-desktop")
    page.set_viewport_size(PHONE)
    page.wait_for_timeout(300)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, f"{name}: {width}px wide on a phone"
    shot(page, f"team-{name}-phone")
    page.set_viewport_size({"width": 1366, "height": 850})


def test_a_team_works_one_storm_with_a_lead_two_reps_and_an_instructor(page_for, server):
    base = server
    coach = page_for(1366, 850)
    sign_in(coach, base, "coach")
    coach.goto(base + "/instructor/")
    coach.click("text=Team class")
    coach.click("text=Team exercises")
    coach.fill("input[name=title]", "Recall team drill")
    coach.select_option("select[name=scenario_id]", "product_recall")
    coach.select_option("select[name=difficulty]", "hard")
    coach.fill("input[name=seed]", "3")
    coach.fill("input[name=speed]", "8")
    coach.fill("input[name=duration_min]", "60")
    coach.fill("input[name=lead]", "lena")
    coach.fill("textarea[name=reps]", "ravi\nsami")
    coach.click("text=Create (paused)")
    coach.wait_for_url(re.compile(r".*/teams/\d+$"))
    team_url = "/teams/" + coach.url.rsplit("/", 1)[1]
    coach.click("#resume")
    coach.wait_for_selector("#state:text-is('running')")
    assert coach.locator("#resume").is_hidden() and coach.locator("#pause").is_visible()

    lead = desk_for(page_for, base, "lena", team_url)
    ravi = desk_for(page_for, base, "ravi", team_url)
    sami = desk_for(page_for, base, "sami", team_url)

    # The lead picks the longest-waiting complaint; Sami has it open too, unassigned.
    lead.wait_for_selector("#inbox button.complaint", timeout=60_000)
    cid = lead.locator("#inbox button.complaint").first.get_attribute("data-cid")
    sami.wait_for_selector(f'#inbox button[data-cid="{cid}"]', timeout=30_000)
    sami.click(f'#inbox button[data-cid="{cid}"]')
    lead.click(f'#inbox button[data-cid="{cid}"]')
    lead.select_option("#member-pick", label="Ravi Rep (rep)")
    lead.click("#assign")
    lead.wait_for_selector("#result:has-text('→ Ravi Rep')")
    lead.wait_for_selector(f'#inbox button[data-cid="{cid}"]:has-text("held by Ravi Rep")')

    # Sami's claim on it is refused, naming who has it.
    sami.click("#claim")
    sami.wait_for_selector("#banner:has-text('being handled by Ravi Rep (rep)')")
    both_sizes(sami, "rep-refused")

    # Ravi answers it.
    ravi.wait_for_selector(f'#inbox button[data-cid="{cid}"]:has-text("held by Ravi Rep")')
    ravi.click(f'#inbox button[data-cid="{cid}"]')
    ravi.fill(
        "#reply",
        "Hi, I'm so sorry about this, I understand how worrying it is. Please stop using it; "
        "I will DM you now with the recall steps and a free collection today.",
    )
    ravi.click("#send")
    ravi.wait_for_selector("#result:has-text('Sent to')")
    both_sizes(ravi, "rep-answered")

    # The lead's decisions, then the instructor's inject: all three see it.
    lead.click("[data-lead=crisis_on]")
    lead.wait_for_selector("#crisis:has-text('ON')")
    lead.click("[data-lead=holding_statement]")
    lead.wait_for_selector("#holding:has-text('posted')")
    coach.fill(
        "#inject-text",
        "Viral post: @bigvoice (250k followers) says our heater set her kitchen on fire",
    )
    coach.click("[data-inject=viral_post]")
    for page in (lead, ravi, sami, coach):
        page.wait_for_selector("#feed li.feed-viral_post:has-text('@bigvoice')", timeout=10_000)
        page.wait_for_selector("#latest:has-text('@bigvoice')")  # in view at the top, too
    both_sizes(lead, "lead")
    both_sizes(coach, "instructor")

    # The lead ends it; the team debrief shows the decisions on the timeline.
    lead.once("dialog", lambda d: d.accept())
    lead.click("text=End now")
    lead.wait_for_url("**/debrief", timeout=120_000)
    for what in (
        "Crisis mode on",
        "Holding statement posted",
        f"Assigned complaint {cid} to Ravi Rep",
    ):
        assert lead.locator(".timeline", has_text=what).count() == 1, what
    assert "Viral post" in lead.locator(".timeline").inner_text()
    assert "bots" in lead.locator("#vs").locator("..").inner_text()
    members = lead.locator("table.data").first.inner_text()
    assert "Ravi Rep" in members and "Sami Rep" in members
    both_sizes(lead, "debrief")
    coach.goto(base + team_url + "/debrief")
    coach.wait_for_selector("text=The lead's decisions on the timeline")
    for page in (lead, ravi, sami, coach):  # the refused claim is Sami's expected 409
        unexpected = [e for e in page.js_errors if "status of 409" not in e]
        assert not unexpected, unexpected
