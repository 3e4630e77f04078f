"""The debrief measures the trainee's own effect against bots in the same seat (issue 10 #3)."""

from __future__ import annotations

import re
from pathlib import Path

from trainer_web.extensions import db
from trainer_web.models import Exercise

from .conftest import jump, start
from .helpers import good_reply, poor_reply


def _debrief_dict(app, eid):
    from trainer_web import debrief

    with app.app_context():
        return debrief.debrief(db.session.get(Exercise, eid))


def _play(client, eid, *, first_poor: bool = False) -> int:
    """Answer every complaint in the inbox every two simulated minutes until the end."""
    sent = 0
    while True:
        state = client.get(f"/exercises/{eid}/state.json").get_json()
        if state["state"] == "finished":
            return sent
        for item in state["inbox"]:
            text = poor_reply() if first_poor and sent == 0 else good_reply(item)
            r = client.post_json(
                f"/exercises/{eid}/act", {"complaint_id": item["id"], "text": text}
            )
            sent += r.status_code == 200
        jump(client.app, eid, 2)


def test_a_trainee_who_answers_nothing_comes_out_worse_than_the_bots(app, alice, world):
    eid = start(alice, world["assignment"])
    jump(app, eid, 1000)  # nobody answers anything; the clock runs out
    page = alice.get(f"/exercises/{eid}/debrief").get_data(as_text=True)
    assert "Bots in your seat would have done better" in page
    assert "you answered 0% of your seat" in page and "worse than every bot run" in page
    d = _debrief_dict(app, eid)
    answered = next(r for r in d["versus"] if r["key"] == "answered")
    assert answered["you"] == 0 and answered["verdict"] == "worse" and answered["lo"] > 0.5
    assert d["bot_runs"] == 20 and d["weakest"] == []
    # The customers left waiting count: more lost and more public escalations than any bot run.
    verdicts = {r["key"]: r["verdict"] for r in d["versus"]}
    assert verdicts["churned"] == verdicts["escalated_public"] == "worse"
    # …and nothing credits doing nothing (impressions read "better than every bot run" when
    # the ignored customers' expected public shaming was left out of them).
    assert "better" not in verdicts.values(), verdicts
    assert re.search(r"You lost [\d.]+ more customers than bots would have", page)


def test_a_trainee_who_answers_well_is_within_or_better_than_the_bots(app, alice, world):
    eid = start(alice, world["assignment"])
    jump(app, eid, 2)
    assert _play(alice, eid, first_poor=True) >= 5
    d = _debrief_dict(app, eid)
    answered = next(r for r in d["versus"] if r["key"] == "answered")
    assert answered["verdict"] in ("within", "better")
    assert "would have done better" not in d["versus_headline"]
    # The three weakest replies, the poorest first, each with a better reply.
    weakest = d["weakest"]
    assert len(weakest) == 3 and weakest[0]["score"] <= weakest[1]["score"] <= weakest[2]["score"]
    assert weakest[0]["text"] == poor_reply() and weakest[0]["better_reply"]
    page = alice.get(f"/exercises/{eid}/debrief").get_data(as_text=True)
    assert "Your weakest 3 replies" in page and "A better reply" in page


def test_the_debrief_plot_uses_the_clock_and_renders_under_the_csp(app, alice, world):
    eid = start(alice, world["assignment"])
    jump(app, eid, 1000)
    assert alice.get(f"/exercises/{eid}/debrief").status_code == 200  # settles the clock
    r = alice.get(f"/exercises/{eid}/debrief.svg")
    svg = r.get_data(as_text=True)
    assert r.status_code == 200 and "<svg" in svg
    # The CSP (style-src 'self') blocks inline styles: none may carry the colours.
    assert "style-src 'self'" in r.headers["Content-Security-Policy"]
    assert 'style="' not in svg and "<style" not in svg and 'fill="#' in svg
    # Ticks are the wall clock the trainee saw (product_recall starts 08:00; the window at 13:50),
    # up to the end of the 40-minute window: the last bin is kept.
    assert "<!-- 13:50 -->" in svg and "<!-- 14:30 -->" in svg
    assert "simulated minutes" not in svg
    out = Path(__file__).resolve().parents[2] / "test-artifacts" / "debrief-plot.svg"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(svg)  # to look at, and for the E2E suite's CSP check


def test_the_last_partial_bin_is_kept():
    import pandas as pd

    from trainer_web.comparison import bin_edges, binned

    assert bin_edges(45.0).tolist() == [0, 10, 20, 30, 40, 45]
    table = pd.DataFrame({"created_min": [1.0, 41.0, 44.9], "anger": [0.2, 0.4, 0.6]})
    counts, mood = binned(table, 45.0)
    assert counts.tolist() == [1, 0, 0, 0, 2] and abs(mood[-1] - 0.5) < 1e-12
