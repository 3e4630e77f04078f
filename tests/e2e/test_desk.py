"""The trainee's desk in chromium (issue 10): replies reach the complaint shown, the channel's
limit is visible and enforced, the inbox keeps keyboard focus and can be sorted and filtered,
and the play page fits a phone."""

from __future__ import annotations

import re
import time

from playwright.sync_api import expect

from .conftest import desk_state, open_desk, shot

DRAFT = (
    "Hi {first_name}, I'm so sorry about {issue}, I understand how worrying this is. I will "
    "personally arrange it now and send you a DM within the hour with what happens next."
)


def _wait_for(page, base, pred, seconds=40.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        s = desk_state(page, base)
        found = pred(s)
        if found:
            return found
        page.wait_for_timeout(400)
    raise AssertionError("the condition never held")


def test_a_reply_goes_to_the_complaint_shown_even_when_that_customer_gives_up(page_for, server):
    page = page_for(1366, 850)
    open_desk(page, server, "uma")

    def leaving(s):  # the complaint with the shortest patience, once one has little left
        waiting = [i for i in s["inbox"] if i["patience_left_min"] is not None]
        short = min(waiting, key=lambda i: i["patience_left_min"], default=None)
        return short if short and short["patience_left_min"] < 25 else None

    target = _wait_for(page, server, leaving, seconds=60)
    page.click(f'#inbox li[data-id="{target["id"]}"]')
    expect(page.locator("#sel-author")).to_contain_text(target["author"])
    page.fill("#text", DRAFT)  # the focus stays in the reply box from here on
    expect(page.locator("#preview")).to_contain_text(f"Hi {target['first_name']},")
    _wait_for(
        page,
        server,
        lambda s: all(i["id"] != target["id"] for i in s["inbox"]),
        seconds=target["patience_left_min"] + 20,
    )
    page.wait_for_timeout(1500)  # the page polls once a second
    assert page.evaluate("document.activeElement.id") == "text"
    # the pane still shows the customer who left, says so, and keeps the draft
    expect(page.locator("#sel-author")).to_contain_text(target["author"])
    expect(page.locator("#gone")).to_be_visible()
    expect(page.locator("#gone")).to_contain_text("no longer waiting")
    assert page.input_value("#text") == DRAFT
    expect(page.locator("#send")).to_be_disabled()
    assert page.locator("#inbox li.selected").count() == 0  # nobody else silently selected
    shot(page, "desk-customer-left")

    sent = []
    page.on("request", lambda r: sent.append(r.url) if r.url.endswith("/act") else None)
    page.evaluate("document.getElementById('reply').requestSubmit()")
    page.wait_for_timeout(500)
    assert sent == []  # Send posts nothing to anyone

    # the server refuses a reply to the complaint that is gone, with a clear message
    act_url = server + page.locator("#exercise").get_attribute("data-act-url")
    token = page.locator('meta[name="csrf-token"]').get_attribute("content")
    r = page.request.post(
        act_url,
        data={"complaint_id": target["id"], "action": "reply_public", "text": "Hi"},
        headers={"X-CSRFToken": token, "Content-Type": "application/json"},
    )
    assert r.status == 409 and "no longer in your inbox" in r.json()["message"]

    # picking another complaint keeps the draft; Send goes to the complaint now shown
    other = page.locator("#inbox li.complaint").first
    other_id = int(other.get_attribute("data-id"))
    other.click()
    assert page.input_value("#text") == DRAFT
    expect(page.locator("#gone")).to_be_hidden()
    with page.expect_response(re.compile(r"/act$")) as resp:
        page.click("#send")
    out = resp.value.json()
    assert resp.value.status == 200, out
    assert out["complaint_id"] == other_id
    assert not page.js_errors, page.js_errors


def test_the_channel_limit_is_counted_live_and_an_unpostable_tweet_is_refused(page_for, server):
    page = page_for(1366, 850)
    open_desk(page, server, "vic")
    page.click("#pause")
    expect(page.locator("#state")).to_have_text("paused")

    def tweet(s):
        return next((i for i in s["inbox"] if i["channel"] == "twitter" and i["public"]), None)

    page.click("#resume")
    item = _wait_for(page, server, tweet)
    page.click(f'#inbox li[data-id="{item["id"]}"]')
    page.fill("#text", "Hi {first_name}, sorry.")
    expect(page.locator("#chars")).to_have_text(re.compile(r"^\d+ / 280 characters$"))
    long = DRAFT + " We are checking every order in the recalled batch today." * 4
    page.fill("#text", long)
    expect(page.locator("#chars")).to_contain_text("twitter will not post it")
    expect(page.locator("#chars")).to_have_class(re.compile(r"\bover\b"))
    with page.expect_response(re.compile(r"/act$")) as resp:
        page.click("#send")
    assert resp.value.status == 422
    expect(page.locator("#quick")).to_contain_text("cannot be posted publicly on twitter")
    assert page.input_value("#text") == long  # the draft stays for cutting
    shot(page, "desk-tweet-too-long")
    errors = [e for e in page.js_errors if "status of 422" not in e]  # the refusal itself
    assert not errors, errors


def test_the_inbox_keeps_keyboard_focus_and_sorts_and_filters(page_for, server):
    page = page_for(1366, 850)
    open_desk(page, server, "xena")
    _wait_for(page, server, lambda s: len(s["inbox"]) >= 3)
    page.wait_for_timeout(1200)
    first = page.locator("#inbox li.complaint").nth(0)
    first.focus()
    focused = first.get_attribute("data-id")
    page.wait_for_timeout(2500)  # two or three polls
    assert page.evaluate("document.activeElement.dataset.id") == focused
    page.keyboard.press("ArrowDown")
    second = page.evaluate("document.activeElement.dataset.id")
    assert second and second != focused
    page.keyboard.press("Enter")
    expect(page.locator(f'#inbox li[data-id="{second}"]')).to_have_attribute(
        "aria-selected", "true"
    )
    # roles and labels a screen reader needs
    assert page.locator("#inbox").get_attribute("role") == "listbox"
    assert page.locator("#inbox li").first.get_attribute("role") == "option"
    expect(page.get_by_label(re.compile(r"^Your reply to "))).to_have_id("text")
    assert page.locator("#quick").get_attribute("aria-live") == "polite"

    page.click("#pause")
    page.select_option("#sort", "reach")
    s = desk_state(page, server)
    followers = {str(i["id"]): i["followers"] for i in s["inbox"]}
    order = [followers[i] for i in page.locator("#inbox li").evaluate_all(
        "lis => lis.map(li => li.dataset.id)")]  # fmt: skip
    assert order == sorted(order, reverse=True)
    page.select_option("#sort", "urgency")
    urgency = {str(i["id"]): i["urgency"]["minutes"] for i in s["inbox"]}
    ids = page.locator("#inbox li").evaluate_all("lis => lis.map(li => li.dataset.id)")
    mins = [urgency[i] if urgency[i] is not None else 1e9 for i in ids]
    assert mins == sorted(mins)
    page.check("#filter-safety")
    safety = {str(i["id"]) for i in s["inbox"] if i["safety"]}
    shown = set(page.locator("#inbox li").evaluate_all("lis => lis.map(li => li.dataset.id)"))
    assert shown == safety
    page.uncheck("#filter-safety")
    page.select_option("#filter-channel", "facebook")
    shown = set(page.locator("#inbox li").evaluate_all("lis => lis.map(li => li.dataset.id)"))
    assert shown == {str(i["id"]) for i in s["inbox"] if i["channel"] == "facebook"}
    assert not page.js_errors, page.js_errors


def test_the_play_page_fits_a_phone_with_the_score_next_to_send(page_for, server):
    page = page_for(390, 844)
    open_desk(page, server, "yuri")
    page.wait_for_selector("#selected:not([hidden])")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide in a 390 px screen"
    page.fill("#text", DRAFT)
    send = page.locator("#send").bounding_box()  # the pane may close once the inbox empties
    with page.expect_response(re.compile(r"/act$")) as resp:
        page.click("#send")
    assert resp.value.status == 200
    expect(page.locator("#quick")).to_contain_text("Score")
    quick = page.locator("#quick").bounding_box()
    assert abs(quick["y"] - send["y"]) < 300, (send, quick)  # not ~3,000 px below Send
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "desk-phone-scored")
    assert not page.js_errors, page.js_errors
