"""Team exercises live: one shared storm, one clock, one ordered event log.

Every member's request goes through :func:`record`: under the exercise's lock it reads the
clock, checks the request against the state the log has built (who holds which complaint, what
is still waiting), applies it to the model and commits it as the next ``seq`` of the log, with
its simulation minute never earlier than the previous event's. So simultaneous claims and
replies from several members are serialised in sim-time order: none lost, none doubled, and
the second of two claims on one complaint is refused with the name of who has it. (Across
processes, ``serve --processes N`` routes every request of one exercise to one process; the
unique ``(team_exercise_id, seq)`` refuses a second writer anyway.)

:func:`replay` rebuilds the model and the team's state from the log alone, so the storm, every
inbox and every score are the same after a restart, in another process, whatever order the
members' requests arrived in.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy.exc import IntegrityError

import sim
from sim.model import ActionError, StormModel, TraineeSeat
from sim.text import mood, persona

from .. import engine
from ..engine import LiveExercise, Rejected
from ..extensions import db
from ..models import SEAT_BY_DIFFICULTY, Difficulty, ExerciseState, User, settings_for, utcnow
from . import storm
from .models import MAX_MEMBERS, MIN_MEMBERS, TeamEvent, TeamExercise, TeamMember, TeamRole

MEMBER_KINDS = ("claim", "assign", "handoff", "reply", "note", "pause", "resume")
ALL_KINDS = MEMBER_KINDS + storm.LEAD_KINDS + storm.INJECT_KINDS
MAX_NOTE_CHARS = 1_000
SLOW_HANDOFF_MIN = 5.0  # a hand-off not answered within this (simulated minutes) was too slow

INJECT_TEXT = {
    "viral_post": "Viral post: a customer with {reach} followers posts about the {topic} "
    "and it is spreading fast.",
    "journalist": "A journalist asks for a statement on the {topic} before their deadline.",
    "outage": "Outage notice: our site and app are down; customers cannot check orders.",
    "second_incident": "Second incident: a new problem breaks while the first is still open.",
}
LEAD_TEXT = {
    "holding_statement": "Holding statement posted",
    "crisis_on": "Crisis mode on",
    "crisis_off": "Crisis mode off",
    "extra_staff": "Extra staff requested",
    "pause": "Paused",
    "resume": "Resumed",
}


def cache() -> engine.ModelCache:
    return current_app.extensions["stormdesk.team_models"]


# --- Creating --------------------------------------------------------------------------------
def team_seat(difficulty: str, n_trainees: int) -> tuple[float, int]:
    """The team's share of the storm and its inbox cap: a solo seat's, grown with the team."""
    share, max_open = SEAT_BY_DIFFICULTY[Difficulty(difficulty)]
    return min(0.9, share * (1 + 0.6 * (n_trainees - 1))), max_open * n_trainees


def create(
    cohort,
    *,
    title: str,
    scenario_id: str,
    seed: int,
    speed: float,
    duration_min: float,
    start_min: float | None,
    difficulty: str,
    lead: User,
    reps: list[tuple[User, list[str]]],
    created_by: User | None,
) -> TeamExercise:
    """A new team exercise (paused) for ``cohort``: the lead and reps must be its trainees."""
    users = [lead, *(u for u, _ in reps)]
    if not MIN_MEMBERS <= len(users) <= MAX_MEMBERS:
        raise Rejected(400, f"a team has {MIN_MEMBERS} to {MAX_MEMBERS} members, not {len(users)}")
    if len({u.id for u in users}) != len(users):
        raise Rejected(400, "each trainee can hold one seat in a team")
    for u in users:
        if u.cohort_id != cohort.id or u.role != "trainee":
            raise Rejected(400, f"{u.username} is not a trainee of {cohort.name}")
    pin = engine.pin_scenario(scenario_id)
    full = engine._pinned_full(pin.sha256)
    public = [name for name, ch in full.channels.items() if ch.public] or list(full.channels)[:1]
    for u, chans in reps:
        unknown = [c for c in chans if c not in public]
        if unknown:
            raise Rejected(
                400,
                f"{u.username}: unknown channel(s) {', '.join(unknown)} (known: "
                f"{', '.join(public)})",
            )
    share, max_open = team_seat(difficulty, len(users))
    org = settings_for(cohort)
    if start_min is None:
        start_min = engine.suggested_start_min(scenario_id)
    team = TeamExercise(
        cohort_id=cohort.id,
        title=title,
        created_by_id=created_by.id if created_by else None,
        scenario_id=scenario_id,
        scenario_sha256=pin.sha256,
        model_version=sim.__version__,
        difficulty=difficulty,
        seed=seed,
        speed=speed,
        start_min=start_min,
        duration_min=duration_min,
        channels=public,
        share=share,
        max_open=max_open,
        empowered=org.empowered,
        remedy_limit=org.remedy_limit,
        weights=dict(org.weights),
        canned_replies=list(org.canned_replies),
        **engine.new_clock(False),
    )
    team.members = [TeamMember(user=lead, role=TeamRole.LEAD, channels=[])] + [
        TeamMember(user=u, role=TeamRole.REP, channels=list(chans)) for u, chans in reps
    ]
    db.session.add(team)
    return team


# --- The team's state, built from the log ----------------------------------------------------
@dataclass
class TeamLive(LiveExercise):
    """The model and what the log built beside it: claims, notes, the feed, who did what."""

    claims: dict[int, int] = field(default_factory=dict)  # complaint → member id
    notes: dict[int, list[dict]] = field(default_factory=dict)  # complaint → notes
    feed: list[dict] = field(default_factory=list)  # injects and lead decisions, in order
    holding: bool = False
    staff_requested: int = 0
    last_min: float = 0.0
    # complaint → member id of each reply, in order (the thread shows who answered)
    replied_by: dict[int, list[int]] = field(default_factory=dict)
    views: tuple | None = None  # ((events, minute), the queue as the desk shows it)
    item_views: dict = field(default_factory=dict)  # complaint → (key, its view, replies)


def seat_of(team: TeamExercise) -> TraineeSeat:
    return engine.seat_of(team)


def _events(team: TeamExercise, from_seq: int) -> list[TeamEvent]:
    return (
        db.session.execute(
            db.select(TeamEvent)
            .filter(TeamEvent.team_exercise_id == team.id, TeamEvent.seq >= from_seq)
            .order_by(TeamEvent.seq)
        )
        .scalars()
        .all()
    )


def replay(team: TeamExercise, until: float) -> TeamLive:
    """Rebuild the team's storm and state from its log, then run to minute ``until``."""
    model = StormModel(engine.scenario_of(team), team.seed, trainee=seat_of(team))
    entry = TeamLive(model, 0)
    _apply_events(entry, team, _events(team, 0))
    entry.advance(max(until, entry.model.now))
    return entry


def _apply_events(entry: TeamLive, team: TeamExercise, events) -> None:
    memo = engine._score_memo()
    for ev in events:
        entry.advance(ev.sim_min)
        if ev.kind == "reply":
            r = ev.result or {}
            stored = r.get("features")
            if isinstance(stored, dict):
                kept = engine._StoredScore(float(r["score"]), engine.ReplyFeatures(**stored))

                def scorer(text, ctx, weights=None, kept=kept):
                    return kept
            else:
                scorer = memo.replayed
            try:
                out = entry.model.act(
                    ev.complaint_id,
                    ev.action,
                    ev.text,
                    remedy=ev.remedy,
                    canned_texts=tuple(team.canned_replies),
                    weights=team.weights,
                    scorer=scorer,
                )
            except ActionError as e:
                raise engine.replay_mismatch(team, f"event {ev.seq + 1}: {e}") from None
            if abs(out.score.total - float(r.get("score", out.score.total))) > 1e-6 or (
                out.reaction != r.get("reaction", out.reaction)
            ):
                raise engine.replay_mismatch(team, f"event {ev.seq + 1} no longer replays")
        _note_event(entry, ev)
        entry.n_actions += 1
        entry.debrief = None


def _note_event(entry: TeamLive, ev: TeamEvent) -> None:
    """Fold an (applied) event into the team's state beside the model."""
    k, cid = ev.kind, ev.complaint_id
    entry.last_min = max(entry.last_min, ev.sim_min)
    if k == "claim":
        entry.claims[cid] = ev.member_id
    elif k in ("assign", "handoff"):
        entry.claims[cid] = ev.target_member_id
    elif k == "reply":
        entry.claims.pop(cid, None)
        entry.replies.setdefault(cid, []).append((ev.sim_min, ev.text))
        entry.replied_by.setdefault(cid, []).append(ev.member_id)
        entry.scores.append(float((ev.result or {}).get("score", 0.0)))
    elif k == "note":
        entry.notes.setdefault(cid, []).append(
            {"member": ev.member_id, "min": round(ev.sim_min, 1), "text": ev.text}
        )
    elif k in storm.LEAD_KINDS or k in storm.INJECT_KINDS:
        n = storm.staff_of(ev)
        storm.apply(entry.model, k, n)
        if k == "holding_statement":
            entry.holding = True
        elif k == "extra_staff":
            entry.staff_requested += n
    if k in storm.LEAD_KINDS or k in storm.INJECT_KINDS or k in ("pause", "resume"):
        entry.feed.append(
            {
                "seq": ev.seq,
                "kind": k,
                "min": round(ev.sim_min, 2),
                "member": ev.member_id,
                "text": ev.text,
            }
        )


def live(team: TeamExercise, t: float) -> TeamLive:
    """The team's model at minute ``t`` (hold the team's lock)."""
    c = cache()
    entry = c.get(team.id)
    if entry is None or entry.n_actions > team.n_events or entry.model.now > t + 1e-9:
        try:
            entry = replay(team, t)
        except ActionError as e:
            raise engine.replay_mismatch(team, str(e)) from None
        c.put(team.id, entry)
    elif entry.n_actions < team.n_events:
        missing = _events(team, entry.n_actions)
        if missing and missing[0].sim_min >= entry.model.now:
            _apply_events(entry, team, missing)
            entry.advance(max(t, entry.model.now))
        else:
            entry = replay(team, t)
        c.put(team.id, entry)
    else:
        entry.advance(max(t, entry.model.now))
    return entry


# --- Acting ----------------------------------------------------------------------------------
def _holder_name(team: TeamExercise, member_id: int | None) -> str:
    m = next((m for m in team.members if m.id == member_id), None)
    return f"{m.name} ({m.role})" if m else "someone"


def _member(team: TeamExercise, member_id) -> TeamMember:
    try:
        mid = int(member_id)
    except (TypeError, ValueError):
        raise Rejected(400, "member must be a team member's id") from None
    m = next((m for m in team.members if m.id == mid), None)
    if m is None:
        raise Rejected(400, f"member {mid} is not in this team")
    return m


def _waiting(entry: TeamLive, cid: int):
    item = next((i for i in entry.model.inbox() if i.id == cid), None)
    if item is None:
        raise Rejected(
            409,
            f"complaint {cid} is not waiting for the team any more (answered, escalated, or "
            "the customer gave up): nothing was done",
        )
    return item


def _shown_to(member: TeamMember | None, holder: int | None, channel: str) -> bool:
    """A rep sees their own complaints and unassigned ones on their channels; a lead all."""
    if member is None or member.role == TeamRole.LEAD or holder == member.id:
        return True
    return holder is None and (not member.channels or channel in member.channels)


def _may_see(member: TeamMember | None, entry: TeamLive, item) -> bool:
    return _shown_to(member, entry.claims.get(item.id), item.channel)


def record(
    team: TeamExercise,
    kind: str,
    *,
    member: TeamMember | None,
    actor: User,
    payload: dict | None = None,
) -> dict:
    """Do one thing in the team exercise now and append it to the log (see module doc)."""
    payload = payload or {}
    if any(isinstance(v, str) and "\x00" in v for v in payload.values()):
        raise Rejected(400, "a NUL character cannot be sent (it is no text)")
    if kind not in ALL_KINDS:
        raise Rejected(400, f"unknown team action {kind!r}")
    lead_only = kind in storm.LEAD_KINDS or kind == "assign"
    if member is None:  # the instructor
        if kind not in storm.INJECT_KINDS and kind not in ("pause", "resume", *storm.LEAD_KINDS):
            raise Rejected(403, "the instructor injects events, pauses and resumes")
    else:
        if kind in storm.INJECT_KINDS:
            raise Rejected(403, "only the instructor injects events")
        if (lead_only or kind in ("pause", "resume")) and member.role != TeamRole.LEAD:
            raise Rejected(403, f"only the lead may do this ({kind.replace('_', ' ')})")
    with cache().lock(team.id):
        db.session.refresh(team)
        engine.settle_clock(team)
        if team.state == ExerciseState.FINISHED:
            raise Rejected(409, "this team exercise is over: open the debrief")
        if kind == "pause":
            if team.state != ExerciseState.RUNNING:
                raise Rejected(409, "the exercise is not running")
        elif kind == "resume":
            if team.state != ExerciseState.PAUSED:
                raise Rejected(409, "the exercise is not paused")
        elif team.state == ExerciseState.PAUSED and kind not in storm.INJECT_KINDS:
            raise Rejected(409, "the exercise is paused: the lead or the instructor resumes it")
        wall = utcnow()
        entry = live(team, engine.sim_now(team, wall))
        t = max(engine.sim_now(team, wall), entry.last_min, entry.model.now)
        entry.advance(t)
        ev = TeamEvent(
            team_exercise_id=team.id,
            seq=team.n_events,
            sim_min=t,
            kind=kind,
            member_id=member.id if member else None,
            actor_id=actor.id,
            text="",
        )
        answer: dict = {"kind": kind, "now_min": round(t, 2)}
        out = None
        if kind in ("claim", "assign", "handoff", "reply", "note"):
            cid = engine.parse_action({"complaint_id": payload.get("complaint_id"), "text": "x"})[0]
            item = _waiting(entry, cid)
            holder = entry.claims.get(cid)
            ev.complaint_id = cid
            if (
                member is not None
                and member.role == TeamRole.REP
                and not _may_see(member, entry, item)
            ):
                if holder is not None:
                    raise Rejected(
                        409, f"complaint {cid} is being handled by {_holder_name(team, holder)}"
                    )
                raise Rejected(403, f"complaint {cid} is not on your channels")
            if kind == "claim":
                if holder is not None and holder != member.id:
                    raise Rejected(
                        409, f"complaint {cid} is being handled by {_holder_name(team, holder)}"
                    )
                if holder == member.id:
                    raise Rejected(409, f"you already have complaint {cid}")
            elif kind in ("assign", "handoff"):
                target = _member(team, payload.get("member"))
                if kind == "handoff" and holder != member.id:
                    raise Rejected(
                        409,
                        f"you can hand off only a complaint you hold (complaint {cid} is "
                        + (f"held by {_holder_name(team, holder)})" if holder else "unassigned)"),
                    )
                if target.id == holder:
                    raise Rejected(409, f"{target.name} already has complaint {cid}")
                ev.target_member_id = target.id
                ev.text = str(payload.get("text") or "")[:MAX_NOTE_CHARS]
                answer["to"] = target.name
                if holder is not None and kind == "assign":
                    answer["from"] = _holder_name(team, holder)
            elif kind == "note":
                text = payload.get("text")
                if not isinstance(text, str) or not text.strip():
                    raise Rejected(400, "write the note first: the text is empty")
                if len(text) > MAX_NOTE_CHARS:
                    raise Rejected(400, f"a note is at most {MAX_NOTE_CHARS} characters")
                ev.text = text.strip()
            elif kind == "reply":
                if holder is not None and holder != member.id:
                    raise Rejected(
                        409, f"complaint {cid} is being handled by {_holder_name(team, holder)}"
                    )
                _, action, text, remedy = engine.parse_action({**payload, "complaint_id": cid})
                engine.refuse_unpostable(item, text)
                try:
                    out = entry.model.act(
                        cid,
                        action,
                        text,
                        remedy=remedy,
                        canned_texts=tuple(team.canned_replies),
                        weights=team.weights,
                        scorer=engine._score_memo().score,
                    )
                except ActionError as e:
                    raise Rejected(409, str(e)) from None
                who = persona(team.seed, item.author)
                ev.action, ev.text, ev.remedy = action, text, remedy
                scored = out.score.as_dict()
                features = scored.pop("features", None)
                ev.result = {
                    "score": out.score.total,
                    "passed": bool(out.score.passed),
                    "reaction": out.reaction,
                    "outcome": out.outcome,
                    "features": dataclasses.asdict(out.score.features),
                    "wait_min": round(item.waited_min, 2),
                    "first_response": item.sla_left_min is not None,
                    "sla_min": item.sla_min,
                    "complaint": {
                        "channel": item.channel,
                        "topic": item.topic,
                        "author": who.name,
                        "followers": int(item.followers),
                        "mood": str(mood(item.anger)),
                    },
                }
                del features
                answer.update(
                    complaint_id=cid,
                    author=who.name,
                    score=scored,
                    reaction=out.reaction,
                    outcome=out.outcome,
                )
        elif kind in storm.INJECT_KINDS:
            ev.text = _inject_text(team, entry, kind, payload)
        else:
            ev.text = LEAD_TEXT.get(kind, kind)
            if kind == "extra_staff":
                n = _staff_n(payload)
                ev.result = {"n": n}
                ev.text += f": {n} rep{'s' * (n > 1)} (cost {n * storm.EXTRA_STAFF_COST:g})"
        try:
            db.session.add(ev)
            team.n_events += 1
            if kind == "pause":
                engine.pause(team, t)
            elif kind == "resume":
                engine.resume(team)
            elif team.state == ExerciseState.RUNNING:
                team.acked_sim_min, team.acked_at = t, wall
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            cache().drop(team.id)
            raise Rejected(409, "someone else acted at the same moment: try again") from None
        except Exception:
            db.session.rollback()
            cache().drop(team.id)
            raise
        _note_event(entry, ev)
        entry.n_actions += 1
        entry.debrief = None
        answer["seq"] = ev.seq
        answer["text"] = ev.text
    return answer


def _staff_n(payload: dict) -> int:
    n = payload.get("n", 1)
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= storm.MAX_EXTRA_STAFF:
        raise Rejected(400, f"extra_staff: n must be a whole number 1–{storm.MAX_EXTRA_STAFF}")
    return n


def _inject_text(team: TeamExercise, entry: TeamLive, kind: str, payload: dict) -> str:
    text = payload.get("text")
    if isinstance(text, str) and text.strip():
        if len(text) > MAX_NOTE_CHARS:
            raise Rejected(400, f"an inject's text is at most {MAX_NOTE_CHARS} characters")
        return text.strip()
    topic = next(iter(engine.scenario_of(team).incidents), None)
    topic_name = topic.topic.replace("_", " ") if topic else "problem"
    return INJECT_TEXT[kind].format(reach=f"{storm.VIRAL_FOLLOWERS:,}", topic=topic_name)


# --- What each member sees -------------------------------------------------------------------
INBOX_SLOT = "\u0000inbox\u0000"  # where the pre-serialised items go (no text contains NUL)
VIEW_EVERY_S = 1.0  # a running team's view is built at most once per real second


def _view_minute(team: TeamExercise, t: float) -> float:
    """The minute a running team's members are shown: ``t`` on a one-real-second grid, so the
    members polling in the same second share one build of the queue (paused: ``t`` itself)."""
    q = team.speed * VIEW_EVERY_S / 60.0
    if team.state != ExerciseState.RUNNING or q <= 0:
        return t
    return max(0.0, (t // q) * q)


def _item_static_key(item) -> tuple:
    return (item.id, len(item.thread), item.pile_ons, item.in_dm, item.public, item.anger)


def _queue_views(team: TeamExercise, entry: TeamLive) -> list[tuple]:
    """Every waiting complaint as the desk shows it, with its holder and notes, each already in
    JSON: built once per model state (events and minute) and shared by every member's poll.

    A complaint's thread and texts change only when its thread does, so they are kept from one
    build to the next; only its clocks (waited, SLA, patience, urgency) are computed afresh.
    """
    key = (entry.n_actions, entry.model.now)
    if entry.views is not None and entry.views[0] == key:
        return entry.views[1]
    names = {m.id: m.name for m in team.members}
    kept = entry.item_views
    fresh: dict[int, tuple] = {}
    items = []
    for item in entry.model.inbox():
        skey = _item_static_key(item)
        old = kept.get(item.id)
        if old is not None and old[0] == skey and old[2] == len(entry.replies.get(item.id, ())):
            v = dict(old[1])
            v.update(
                urgency=engine.urgency(item),
                waited_min=round(item.waited_min, 1),
                sla_left_min=None if item.sla_left_min is None else round(item.sla_left_min, 1),
                patience_left_min=None
                if item.patience_left_min is None
                else round(item.patience_left_min, 1),
            )
        else:
            v = engine.inbox_item_view(team, item, entry.replies.get(item.id, []), None)
        fresh[item.id] = (skey, v, len(entry.replies.get(item.id, ())))
        holder = entry.claims.get(item.id)
        shown = {
            **v,
            "holder": holder,
            "holder_name": names.get(holder),
            "notes": [
                {**n, "by": names.get(n["member"], "?")} for n in entry.notes.get(item.id, [])
            ],
        }
        body = json.dumps(shown, separators=(",", ":"))
        items.append((item.channel, item.id, holder, body[:-1]))  # without the closing brace
    entry.item_views = fresh
    entry.views = (key, items)
    return items


def view(team: TeamExercise, member: TeamMember | None, *, ack: bool = True) -> dict:
    """The live page's poll: clock, storm, the feed, the team, and this member's inbox."""
    return json.loads(view_json(team, member, ack=ack))


def view_json(team: TeamExercise, member: TeamMember | None, *, ack: bool = True) -> str:
    """:func:`view` as JSON text, assembled from the queue's shared, pre-serialised items."""
    if engine.settle_clock(team):
        db.session.commit()
    wall = utcnow()
    t = _view_minute(team, engine.sim_now(team, wall))
    names = {m.id: m.name for m in team.members}
    with cache().lock(team.id):
        entry = cache().get(team.id)
        if entry is None or entry.n_actions != team.n_events or entry.model.now < t - 1e-9:
            entry = live(team, t)
        t = entry.model.now  # a reply may have moved it a moment past the grid: never back
        status = entry.model.status()
        queue = _queue_views(team, entry)
        feed = list(entry.feed)
        n_scores = len(entry.scores)
        mean_score = round(sum(entry.scores) / n_scores, 1) if n_scores else None
        holding, staff = entry.holding, entry.staff_requested
        n_mine = sum(1 for by in entry.replied_by.values() for x in by if member and x == member.id)
    inbox = []
    for channel, _cid, holder, body in queue:
        if not _shown_to(member, holder, channel):
            continue
        mine = member is not None and holder == member.id
        inbox.append(body + (',"mine":true}' if mine else ',"mine":false}'))
    result = {
        "team": team.id,
        "state": str(team.state),
        "now_min": round(t, 2),
        "duration_min": team.duration_min,
        "clock": status["clock"],
        "storm": {
            "complaints": status["complaints"],
            "waiting": status["waiting"],
            "crisis": status["crisis"],
            "holding_statement": holding,
            "extra_staff": staff,
            "reps_on_shift": status["reps_on_shift"],
        },
        "me": None
        if member is None
        else {"member": member.id, "role": member.role, "name": member.name, "replies": n_mine},
        "team_replies": n_scores,
        "mean_score": mean_score,
        "members": [
            {"id": mm.id, "name": mm.name, "role": mm.role, "channels": mm.channels}
            for mm in team.members
        ],
        "feed": [
            {
                **f,
                "by": names.get(f["member"], "Instructor"),
                "at": engine.clock_label(team, f["min"]),
            }
            for f in feed
        ],
        "inbox": INBOX_SLOT,
    }
    head, _, tail = json.dumps(result, separators=(",", ":")).rpartition(json.dumps(INBOX_SLOT))
    text = head + "[" + ",".join(inbox) + "]" + tail  # the inbox is the last key
    if (
        ack
        and team.state == ExerciseState.RUNNING
        and (wall - team.acked_at).total_seconds() >= engine.ACK_EVERY_S
    ):
        team.acked_sim_min = t
        team.acked_at = wall
        db.session.commit()
    return text


def final_model(team: TeamExercise) -> TeamLive:
    with cache().lock(team.id):
        return live(team, team.duration_min)


def pause_running_teams() -> int:
    """At a server's start: every running team exercise resumes paused at its acked time."""
    wall = utcnow()
    n = 0
    for team in db.session.execute(
        db.select(TeamExercise).filter_by(state=ExerciseState.RUNNING)
    ).scalars():
        team.clock_sim_min = min(team.acked_sim_min, team.duration_min)
        team.clock_wall_at = wall
        team.state = ExerciseState.PAUSED
        n += 1
    db.session.commit()
    return n
