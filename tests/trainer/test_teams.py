"""Team exercises: one shared storm, one ordered log, claims, the lead, injects, access."""

from __future__ import annotations

import html
import threading

import pytest

from trainer_web.extensions import db

from .helpers import good_reply
from .teamkit import add_trainees, freeze, make_team, signed_in, tjump, waiting_item


@pytest.fixture
def squad(app, world, coach):
    """Alice leads; Bob (all channels) and Dana (all channels) are reps; Erin is in no team."""
    add_trainees(app, world["cohort"], ["dana", "erin"])
    tid = make_team(coach, world["cohort"], "alice", "bob\ndana")
    lead, bob, dana = (signed_in(app, n) for n in ("alice", "bob", "dana"))
    r = lead.post_json(f"/teams/{tid}/do", {"kind": "resume"})
    assert r.status_code == 200, r.get_data(as_text=True)
    return {"id": tid, "lead": lead, "bob": bob, "dana": dana, "coach": coach}


def member_id(client, tid, name):
    v = client.get(f"/teams/{tid}/state.json").get_json()
    return next(m["id"] for m in v["members"] if m["name"].lower().startswith(name))


def test_second_claim_is_refused_naming_who_has_it(app, squad):
    tid, bob, dana = squad["id"], squad["bob"], squad["dana"]
    item = waiting_item(app, bob, tid)
    r = bob.post_json(f"/teams/{tid}/do", {"kind": "claim", "complaint_id": item["id"]})
    assert r.status_code == 200, r.get_data(as_text=True)
    for kind in ("claim", "reply"):
        r = dana.post_json(
            f"/teams/{tid}/do", {"kind": kind, "complaint_id": item["id"], "text": "Hi"}
        )
        assert r.status_code == 409
        assert "Bob Baker (rep)" in r.get_json()["error"]
    # Dana's list no longer shows Bob's complaint; the lead sees it held by Bob.
    ids = [i["id"] for i in dana.get(f"/teams/{tid}/state.json").get_json()["inbox"]]
    assert item["id"] not in ids
    lead_view = squad["lead"].get(f"/teams/{tid}/state.json").get_json()
    held = next(i for i in lead_view["inbox"] if i["id"] == item["id"])
    assert held["holder_name"] == "Bob Baker"
    r = bob.post_json(
        f"/teams/{tid}/do", {"kind": "reply", "complaint_id": item["id"], "text": good_reply(item)}
    )
    assert r.status_code == 200, r.get_data(as_text=True)
    assert r.get_json()["score"]["total"] > 0


def test_lead_assigns_reassigns_and_reps_hand_off(app, squad):
    tid, lead, bob, dana = squad["id"], squad["lead"], squad["bob"], squad["dana"]
    item = waiting_item(app, lead, tid)
    b, d = member_id(lead, tid, "bob"), member_id(lead, tid, "dana")
    assert (
        lead.post_json(
            f"/teams/{tid}/do", {"kind": "assign", "complaint_id": item["id"], "member": b}
        ).status_code
        == 200
    )
    r = lead.post_json(
        f"/teams/{tid}/do", {"kind": "assign", "complaint_id": item["id"], "member": d}
    )
    assert r.status_code == 200 and r.get_json()["from"] == "Bob Baker (rep)"
    # Bob no longer holds it: he cannot hand it off; Dana can, back to Bob, with a note.
    r = bob.post_json(
        f"/teams/{tid}/do", {"kind": "handoff", "complaint_id": item["id"], "member": d}
    )
    assert r.status_code == 409
    assert (
        dana.post_json(
            f"/teams/{tid}/do", {"kind": "note", "complaint_id": item["id"], "text": "needs a DM"}
        ).status_code
        == 200
    )
    assert (
        dana.post_json(
            f"/teams/{tid}/do", {"kind": "handoff", "complaint_id": item["id"], "member": b}
        ).status_code
        == 200
    )
    mine = bob.get(f"/teams/{tid}/state.json").get_json()["inbox"]
    got = next(i for i in mine if i["id"] == item["id"])
    assert got["mine"] and got["notes"][0]["text"] == "needs a DM"
    # Reps cannot take the lead's decisions or assign.
    for kind in ("crisis_on", "holding_statement", "extra_staff", "pause"):
        assert bob.post_json(f"/teams/{tid}/do", {"kind": kind}).status_code == 403
    assert (
        bob.post_json(
            f"/teams/{tid}/do", {"kind": "assign", "complaint_id": item["id"], "member": d}
        ).status_code
        == 403
    )


def test_injects_and_lead_decisions_reach_every_member_and_the_storm(app, squad):
    tid, lead, bob, dana, coach = (squad[k] for k in ("id", "lead", "bob", "dana", "coach"))
    tjump(app, tid, 3)
    r = coach.post_json(f"/teams/{tid}/inject", {"kind": "viral_post"})
    assert r.status_code == 200, r.get_data(as_text=True)
    assert bob.post_json(f"/teams/{tid}/inject", {"kind": "outage"}).status_code == 403
    assert lead.post_json(f"/teams/{tid}/do", {"kind": "crisis_on"}).status_code == 200
    assert lead.post_json(f"/teams/{tid}/do", {"kind": "holding_statement"}).status_code == 200
    for c in (lead, bob, dana, coach):
        v = c.get(f"/teams/{tid}/state.json").get_json()
        kinds = [f["kind"] for f in v["feed"]]
        assert kinds[-3:] == ["viral_post", "crisis_on", "holding_statement"], kinds
        assert v["feed"][-3]["by"] == "Instructor" and "Viral post" in v["feed"][-3]["text"]
        assert v["storm"]["crisis"] is True and v["storm"]["holding_statement"] is True


def test_simultaneous_claims_and_replies_lose_and_double_nothing(app, squad):
    """Four threads race for the same complaints: each is claimed once; the log has no gap."""
    from trainer_web.teams.models import TeamEvent

    tid = squad["id"]
    tjump(app, tid, 12)
    freeze(app, tid)
    v = squad["lead"].get(f"/teams/{tid}/state.json").get_json()
    targets = [i["id"] for i in v["inbox"]][:4]
    assert len(targets) >= 2
    clients = [squad["lead"], squad["bob"], squad["dana"], signed_in(app, "bob")]
    outcomes: list[tuple[int, int, int]] = []
    lock = threading.Lock()

    def race(c, k):
        for cid in targets:
            r = c.post_json(f"/teams/{tid}/do", {"kind": "claim", "complaint_id": cid})
            with lock:
                outcomes.append((k, cid, r.status_code))

    threads = [threading.Thread(target=race, args=(c, k)) for k, c in enumerate(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for cid in targets:
        won = [o for o in outcomes if o[1] == cid and o[2] == 200]
        assert len(won) == 1, outcomes
        assert all(o[2] == 409 for o in outcomes if o[1] == cid and o[2] != 200)
    with app.app_context():
        seqs = [
            e.seq
            for e in db.session.execute(
                db.select(TeamEvent).filter_by(team_exercise_id=tid).order_by(TeamEvent.seq)
            ).scalars()
        ]
    assert seqs == list(range(len(seqs)))
    assert len(seqs) == 1 + len(targets)  # the resume and one claim each


def test_replay_rebuilds_storm_inboxes_and_scores(app, squad):
    from trainer_web.teams import engine as teams
    from trainer_web.teams.models import TeamExercise

    tid, lead, bob, dana = squad["id"], squad["lead"], squad["bob"], squad["dana"]
    sent = 0
    for step in range(6):
        tjump(app, tid, 2.5)
        for who in (bob, dana) if step % 2 else (dana, bob):
            items = [i for i in who.get(f"/teams/{tid}/state.json").get_json()["inbox"]]
            if items:
                i = items[0]
                r = who.post_json(
                    f"/teams/{tid}/do",
                    {"kind": "reply", "complaint_id": i["id"], "text": good_reply(i)},
                )
                sent += r.status_code == 200
        if step == 2:
            lead.post_json(f"/teams/{tid}/do", {"kind": "crisis_on"})
    assert sent >= 3
    lead.post_json(f"/teams/{tid}/do", {"kind": "pause"})
    before = {c: c.get(f"/teams/{tid}/state.json").get_json() for c in (lead, bob, dana)}
    with app.app_context():
        teams.cache().drop(tid)
        team = db.session.get(TeamExercise, tid)
        fresh = teams.replay(team, team.clock_sim_min)
        assert len(fresh.scores) == sent
    after = {c: c.get(f"/teams/{tid}/state.json").get_json() for c in (lead, bob, dana)}
    assert before == after


def test_restart_resumes_team_paused(app, squad):
    from trainer_web.teams.engine import pause_running_teams
    from trainer_web.teams.models import TeamExercise

    tid = squad["id"]
    tjump(app, tid, 4)
    with app.app_context():
        assert pause_running_teams() == 1
        t = db.session.get(TeamExercise, tid)
        assert t.state == "paused" and t.clock_sim_min == pytest.approx(t.acked_sim_min)
    r = squad["bob"].post_json(f"/teams/{tid}/do", {"kind": "claim", "complaint_id": 1})
    assert r.status_code == 409 and "paused" in r.get_json()["error"]


def test_team_access_never_crosses_teams_or_cohorts(app, world, squad):
    """A member of one team never sees or acts in another; other cohorts see nothing."""
    tid, coach = squad["id"], squad["coach"]
    add_trainees(app, world["cohort"], ["fay", "gus"])
    other = make_team(coach, world["cohort"], "fay", "gus", title="Other team")
    erin = signed_in(app, "erin")  # same cohort, no team
    carol = signed_in(app, "carol")  # another cohort
    stranger = signed_in(app, "other")  # another cohort's instructor
    urls = ["", "/state.json", "/debrief"]
    for c in (erin, carol, stranger, squad["bob"]):
        target = other if c is squad["bob"] else tid
        for u in urls:
            assert c.get(f"/teams/{target}{u}").status_code == 404, (u, target)
        assert c.post_json(
            f"/teams/{target}/do", {"kind": "claim", "complaint_id": 1}
        ).status_code in (403, 404)
        assert c.post_json(f"/teams/{target}/inject", {"kind": "viral_post"}).status_code in (
            403,
            404,
        )
    assert stranger.get(f"/instructor/cohorts/{world['cohort']}/teams").status_code == 404
    assert stranger.get(f"/instructor/cohorts/{world['cohort']}/teams/results").status_code == 404
    # CSRF: a post without the token is refused
    r = squad["lead"].post_json(f"/teams/{tid}/do", {"kind": "crisis_on"}, token=False)
    assert r.status_code == 400
    # Bad input is a 4xx naming the problem
    for body in (
        {"kind": "claim", "complaint_id": "x"},
        {"kind": "nope"},
        {"kind": "claim", "complaint_id": 2**40},
        {"kind": "note", "complaint_id": 1, "text": "a\x00inbox\x00"},
    ):
        r = squad["lead"].post_json(f"/teams/{tid}/do", body)
        assert 400 <= r.status_code < 500 and r.get_json()["error"]


def test_team_set_up_is_validated(app, world, coach):
    add_trainees(app, world["cohort"], ["dana"])
    base = {"scenario_id": "product_recall", "seed": "1", "speed": "10", "duration_min": "40"}
    for data, says in (
        ({"lead": "alice", "reps": ""}, "2 to 8 members"),
        ({"lead": "alice", "reps": "carol"}, "no trainee 'carol'"),
        ({"lead": "alice", "reps": "alice"}, "one seat"),
        ({"lead": "alice", "reps": "bob: telex"}, "unknown channel"),
    ):
        r = coach.post(f"/instructor/cohorts/{world['cohort']}/teams", data={**base, **data})
        assert r.status_code == 400 and says in html.unescape(r.get_data(as_text=True)), says


def test_team_debrief_and_results_csv(app, squad):
    tid, lead, bob, coach = squad["id"], squad["lead"], squad["bob"], squad["coach"]
    item = waiting_item(app, lead, tid)
    b = member_id(lead, tid, "bob")
    lead.post_json(f"/teams/{tid}/do", {"kind": "assign", "complaint_id": item["id"], "member": b})
    tjump(app, tid, 1)
    lead.post_json(f"/teams/{tid}/do", {"kind": "crisis_on"})
    lead.post_json(f"/teams/{tid}/do", {"kind": "holding_statement"})
    r = bob.post_json(
        f"/teams/{tid}/do", {"kind": "reply", "complaint_id": item["id"], "text": good_reply(item)}
    )
    assert r.status_code == 200, r.get_data(as_text=True)
    assert bob.get(f"/teams/{tid}/debrief").status_code == 409
    assert bob.post(f"/teams/{tid}/finish").status_code == 403
    assert lead.post(f"/teams/{tid}/finish").status_code == 302
    page = bob.get(f"/teams/{tid}/debrief").get_data(as_text=True)
    assert "The lead&#39;s decisions on the timeline" in page or "lead's decisions" in page
    assert "Crisis mode on" in page and "Holding statement posted" in page
    assert f"Assigned complaint {item['id']} to Bob Baker" in page
    assert "bots" in page and "Bob Baker" in page
    csv = coach.get("/instructor/cohorts/999999/teams/results?format=csv")
    assert csv.status_code == 404
    from trainer_web.teams.models import TeamExercise

    with app.app_context():
        cohort_id = db.session.get(TeamExercise, tid).cohort_id
    csv = coach.get(f"/instructor/cohorts/{cohort_id}/teams/results?format=csv")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    lines = csv.get_data(as_text=True).splitlines()
    assert lines[0].startswith("team,title,scenario")
    assert len(lines) == 2 and ",finished," in lines[1]


def test_team_migration_downgrades_and_upgrades(app):
    """Revision b8e31f6c2d47 adds the three team tables and removes them again (on SQLite with
    foreign keys off during the migration, as env.py does; on PostgreSQL as it is)."""
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import inspect

    with app.app_context():
        assert {"team_exercise", "team_member", "team_event"} <= set(
            inspect(db.engine).get_table_names()
        )
        downgrade(revision="a4d7e2c9b815")
        db.engine.dispose()
        assert not {"team_exercise", "team_member", "team_event"} & set(
            inspect(db.engine).get_table_names()
        )
        upgrade()
        db.engine.dispose()
        assert {"team_exercise", "team_member", "team_event"} <= set(
            inspect(db.engine).get_table_names()
        )


def test_a_rep_sees_unassigned_complaints_on_their_channels_only(app, world, coach):
    """Bob works twitter only: unassigned complaints elsewhere are not his, but one assigned to
    him on any channel is; the holding statement damps the model's spread for everyone."""
    from sim import calibration as cal
    from trainer_web.teams import engine as teams

    add_trainees(app, world["cohort"], ["dana"])
    tid = make_team(coach, world["cohort"], "alice", "bob: twitter\ndana")
    lead, bob = signed_in(app, "alice"), signed_in(app, "bob")
    assert lead.post_json(f"/teams/{tid}/do", {"kind": "resume"}).status_code == 200
    tjump(app, tid, 15)
    queue = lead.get(f"/teams/{tid}/state.json").get_json()["inbox"]
    assert {i["channel"] for i in queue} - {"twitter"}, "the storm must reach other channels"
    shown = bob.get(f"/teams/{tid}/state.json").get_json()["inbox"]
    assert shown and {i["channel"] for i in shown} == {"twitter"}
    other = next(i for i in queue if i["channel"] != "twitter")
    r = bob.post_json(f"/teams/{tid}/do", {"kind": "claim", "complaint_id": other["id"]})
    assert r.status_code == 403 and "not on your channels" in r.get_json()["error"]
    b = member_id(lead, tid, "bob")
    lead.post_json(f"/teams/{tid}/do", {"kind": "assign", "complaint_id": other["id"], "member": b})
    shown = bob.get(f"/teams/{tid}/state.json").get_json()["inbox"]
    assert any(i["id"] == other["id"] and i["mine"] for i in shown)
    assert lead.post_json(f"/teams/{tid}/do", {"kind": "holding_statement"}).status_code == 200
    with app.app_context():
        assert teams.cache().get(tid).model.spread_global == cal.HOLDING_STATEMENT_SPREAD


def test_an_unreplayable_team_answers_409_not_500(app, squad):
    from trainer_web.teams import engine as teams
    from trainer_web.teams.models import TeamExercise

    tid, lead = squad["id"], squad["lead"]
    assert lead.post(f"/teams/{tid}/finish").status_code == 302
    with app.app_context():
        db.session.get(TeamExercise, tid).scenario_sha256 = None  # as an unpinned old record
        db.session.commit()
        teams.cache().drop(tid)
    assert lead.get(f"/teams/{tid}/debrief").status_code == 409
    r = lead.get(f"/teams/{tid}/state.json")
    assert r.status_code == 409 and "read-only" in r.get_json()["error"]


def test_lead_crisis_and_holding_statement_switch_the_model(app, squad):
    """crisis_on/crisis_off and the holding statement go through the model's public switches:
    crisis mode (and its statement) on and off; a posted statement stands after crisis off."""
    from sim import calibration as cal
    from trainer_web.teams import engine as teams

    tid, lead = squad["id"], squad["lead"]
    tjump(app, tid, 2)

    def model():
        with app.app_context():
            return teams.cache().get(tid).model

    assert lead.post_json(f"/teams/{tid}/do", {"kind": "crisis_on"}).status_code == 200
    assert model().crisis and model().spread_global == cal.HOLDING_STATEMENT_SPREAD
    assert lead.post_json(f"/teams/{tid}/do", {"kind": "crisis_off"}).status_code == 200
    assert not model().crisis and model().spread_global == 1.0
    v = lead.get(f"/teams/{tid}/state.json").get_json()
    assert v["storm"]["crisis"] is False
    assert lead.post_json(f"/teams/{tid}/do", {"kind": "holding_statement"}).status_code == 200
    assert lead.post_json(f"/teams/{tid}/do", {"kind": "crisis_on"}).status_code == 200
    assert lead.post_json(f"/teams/{tid}/do", {"kind": "crisis_off"}).status_code == 200
    assert model().spread_global == cal.HOLDING_STATEMENT_SPREAD


def test_every_inject_and_extra_staff_change_the_storm(app, world, coach):
    """The viral post and the journalist arrive as high-reach public complaints in the inbox of
    the rep on that channel (unassigned); the outage and the second incident bring extra
    complaints of their topics; extra staff adds reps. A replay gives the same views."""
    from sim.model import StormModel
    from trainer_web.teams import engine as teams
    from trainer_web.teams import storm
    from trainer_web.teams.models import TeamExercise

    add_trainees(app, world["cohort"], ["dana"])
    tid = make_team(coach, world["cohort"], "alice", "bob: twitter\ndana: facebook")
    lead, bob, dana = (signed_in(app, n) for n in ("alice", "bob", "dana"))
    assert lead.post_json(f"/teams/{tid}/do", {"kind": "resume"}).status_code == 200
    tjump(app, tid, 3)
    for kind in ("viral_post", "journalist"):
        r = coach.post_json(f"/teams/{tid}/inject", {"kind": kind})
        assert r.status_code == 200, r.get_data(as_text=True)
        if kind == "viral_post":
            assert f"{storm.VIRAL_FOLLOWERS:,} followers" in r.get_json()["text"]
    shown = {i["followers"]: i for i in bob.get(f"/teams/{tid}/state.json").get_json()["inbox"]}
    for reach in (storm.VIRAL_FOLLOWERS, storm.JOURNALIST_FOLLOWERS):
        item = shown[reach]
        assert item["channel"] == "twitter" and item["holder"] is None
        assert item["topic"].replace(" ", "_") == "product_safety", item["topic"]
    assert not any(
        i["followers"] == storm.VIRAL_FOLLOWERS
        for i in dana.get(f"/teams/{tid}/state.json").get_json()["inbox"]
    )
    with app.app_context():
        model = teams.cache().get(tid).model
        reps_before = len(model.reps)
        t0 = model.now
    r = lead.post_json(f"/teams/{tid}/do", {"kind": "extra_staff", "n": 2})
    assert r.status_code == 200 and "2 reps (cost 240)" in r.get_json()["text"]
    assert lead.post_json(f"/teams/{tid}/do", {"kind": "extra_staff", "n": 0}).status_code == 400
    for kind in ("outage", "second_incident"):
        assert coach.post_json(f"/teams/{tid}/inject", {"kind": kind}).status_code == 200
    tjump(app, tid, 20)
    lead.post_json(f"/teams/{tid}/do", {"kind": "pause"})
    before = {c: c.get(f"/teams/{tid}/state.json").get_json() for c in (lead, bob, dana)}
    with app.app_context():
        model = teams.cache().get(tid).model
        assert len(model.reps) == reps_before + 2
        cols = model.complaint_columns()
        team = db.session.get(TeamExercise, tid)
        plain = StormModel(model.spec, team.seed, trainee=teams.seat_of(team))
        plain.run_until(model.now)
        for topic in ("outage", "second_incident"):
            ours = cols["topic"] == model.topic_index[topic]
            assert ours.sum() > 0 and cols["created"][ours].min() >= t0, topic
        assert model.desk.next_cid > plain.desk.next_cid + 5
        teams.cache().drop(tid)
    after = {c: c.get(f"/teams/{tid}/state.json").get_json() for c in (lead, bob, dana)}
    assert before == after


def test_the_debriefs_bots_face_the_teams_injects():
    """The bot-seat comparison applies the team's injects at their minutes: more complaints."""
    import sim
    from sim.model import TraineeSeat
    from tests.conftest import LIBRARY
    from trainer_web import comparison
    from trainer_web.teams import storm

    scenario = sim.load_scenario(LIBRARY / "product_recall.toml")
    seat = TraineeSeat(channels=("twitter", "facebook"))
    plain = comparison.bot_seat_runs(scenario, 3, seat, seat.channels, None, 1)
    injected = comparison.bot_seat_runs(
        scenario, 3, seat, seat.channels, None, 1, effects=((30.0, storm.apply, ("outage",)),)
    )
    assert injected.counts.sum() > plain.counts.sum()
