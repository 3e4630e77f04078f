"""Replies a good and a poor trainee would write, and other small helpers."""

from __future__ import annotations

from sim.text import CANNED_REPLIES


def good_reply(item: dict) -> str:
    """What a good trainee writes to any complaint: their name, an apology for this issue that
    says how it lands, a safety instruction on a safety report, and a personal next step with a
    time, in a DM for a public post and right here in a private channel (under a tweet's
    length)."""
    first = item.get("first_name") or item["author"].split()[0]
    issue = item.get("issue") or f"the {item['topic']} problem"
    safety = "Please stop using it and unplug it for now. " if item.get("safety") else ""
    where = "DM you" if item.get("public", True) and not item.get("in_dm") else "reply here"
    return (
        f"Hi {first}, I'm so sorry about {issue}, and I understand how worrying this is. "
        f"{safety}I'm checking your order myself now and will {where} within the hour with the "
        "fix and what happens next."
    )


def poor_reply() -> str:
    return CANNED_REPLIES[1]  # an unedited macro


def first_item(client, exercise_id: int) -> dict:
    """The longest-waiting complaint, moving the clock on a little until one arrives."""
    from .conftest import jump

    for _ in range(30):
        state = client.get(f"/exercises/{exercise_id}/state.json").get_json()
        if state["inbox"]:
            return state["inbox"][0]
        jump(client.app, exercise_id, 2)
    raise AssertionError("no complaint reached the trainee's inbox")


def answer_everything(client, eid: int, text_of=good_reply, step_min: float = 0.5) -> int:
    """Work the whole exercise like a diligent trainee: every complaint as it arrives."""
    from .conftest import jump

    sent = 0
    while True:
        state = client.get(f"/exercises/{eid}/state.json").get_json()
        if state["state"] == "finished":
            return sent
        for item in state["inbox"]:
            r = client.post_json(
                f"/exercises/{eid}/act", {"complaint_id": item["id"], "text": text_of(item)}
            )
            assert r.status_code == 200, r.get_data(as_text=True)
            sent += 1
        jump(client.app, eid, step_min)
