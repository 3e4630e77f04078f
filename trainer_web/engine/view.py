"""What the trainee sees: the inbox, threads, urgency, the storm gauge and the poll's state."""

from __future__ import annotations

import json
from datetime import timedelta
from functools import lru_cache

from sim.arrivals import baseline_rate_edges
from sim.model import InboxItem
from sim.scoring.phrases import (
    PLATFORM_HARD_LIMIT,
    SAFETY_TOPICS,
    channel_kind,
    max_chars,
    topic_guide,
)
from sim.text import REACTIONS, complaint_text, mood, persona, reaction_text

from ..extensions import db
from ..models import (
    Exercise,
    ExerciseState,
    utcnow,
)
from .base import (
    ACK_EVERY_S,
    GAUGE_MIN_WINDOW_MIN,
    GAUGE_WINDOW_MIN,
    SURGE_LEVELS,
    TREND_WINDOW_MIN,
    URGENT_NOW_MIN,
    URGENT_SOON_MIN,
)
from .clock import settle_clock, sim_now
from .livecache import LiveExercise, cache, live
from .scenarios import scenario_of

# --- What the trainee sees ---------------------------------------------------------------------
REACH_LABELS = ((100_000, "huge"), (10_000, "large"), (1_000, "wide"), (100, "some"), (0, "small"))


def reach_label(followers: float) -> str:
    return next(label for floor, label in REACH_LABELS if followers >= floor)


def _opening_text(seed: int, item: InboxItem, who) -> str:
    return _complaint_text(
        seed,
        item.id,
        item.channel,
        item.topic,
        item.anger,
        item.public or item.in_dm,
        who,
        item.origin == "repost",
    )


@lru_cache(maxsize=16_384)
def _complaint_text(seed, cid, channel, topic, anger, public, who, repost) -> str:
    """A complaint's opening post (seeded by the run and the complaint: the same every time),
    kept because every poll shows every waiting complaint's thread (a fifth of a poll's time)."""
    return complaint_text(
        seed,
        cid,
        channel=channel,
        topic=topic,
        anger=anger,
        public=public,
        customer=who,
        repost=repost,
    )


def clock_label(ex: Exercise, minute: float) -> str:
    """``HH:MM`` on the exercise's clock at simulated ``minute``."""
    return (scenario_of(ex).info.start + timedelta(minutes=minute)).strftime("%H:%M")


def told_friends_line(who) -> str:
    """``told_friends`` happens off the platform: the trainee sees no post, so say what it means."""
    return (
        f"{who.name} did not answer you, but told friends and family how this went: "
        "word of mouth you cannot see or reply to."
    )


def render_thread(seed: int, item: InboxItem, who, replies: list[tuple[float, str]]) -> list:
    """The conversation so far, as messages: the customer's, yours, the crowd's, system notes."""
    messages = []
    mine = iter(replies)
    turn = 0
    for minute, event, score in item.thread:
        if event == "complaint":
            messages.append(("customer", minute, _opening_text(seed, item, who), None))
        elif event == "reply":
            text = next(mine, (minute, "(reply)"))[1]
            messages.append(("you", minute, text, score))
        elif event.startswith("reaction:"):
            reaction = event.split(":", 1)[1]
            if reaction == "told_friends":
                messages.append(("system", minute, told_friends_line(who), None))
            elif reaction in REACTIONS:
                text = reaction_text(
                    seed,
                    item.id,
                    reaction=reaction,
                    customer=who,
                    topic=item.topic,
                    channel=item.channel,
                    turn=turn,
                )
                turn += 1
                messages.append(("customer", minute, text, None))
        elif event == "follow_up":
            messages.append(("system", minute, f"{who.name} wrote back and waits again.", None))
        elif event == "gave_up":
            messages.append(("system", minute, f"{who.name} gave up waiting.", None))
    if item.pile_ons:
        crowd = reaction_text(
            seed, item.id, reaction="pile_on", customer=who, topic=item.topic, channel=item.channel
        )
        messages.append(("crowd", item.thread[-1][0], crowd, None))
    return [
        {"who": who_, "min": round(m, 1), "text": text, "score": score}
        for who_, m, text, score in messages
    ]


def urgency(item: InboxItem) -> dict:
    """One urgency from the SLA and the customer's patience: minutes until the first to run out.

    An SLA already missed counts as due now; a customer who never gives up and has been answered
    once has no deadline (``minutes`` None). ``level`` is now / soon / later / none, and ``why``
    says which clock runs out first, in words.
    """
    sla, patience = item.sla_left_min, item.patience_left_min
    clocks = []
    if patience is not None:
        clocks.append((max(patience, 0.0), f"gives up in ~{max(0, round(patience))} min"))
    if sla is not None:
        if sla < 0:
            clocks.append((0.0, f"SLA missed {_mmss(-sla)} ago"))
        else:
            clocks.append((sla, f"SLA due in {_mmss(sla)}"))
    if not clocks:
        return {"minutes": None, "level": "none", "why": "no deadline: answered once already"}
    minutes, why = min(clocks, key=lambda c: c[0])
    if patience is not None and sla is not None and sla < 0 and patience >= 0:
        why = f"SLA missed {_mmss(-sla)} ago · gives up in ~{max(0, round(patience))} min"
        minutes = 0.0
    level = "now" if minutes < URGENT_NOW_MIN else "soon" if minutes < URGENT_SOON_MIN else "later"
    return {"minutes": round(minutes, 1), "level": level, "why": why}


def _mmss(minutes: float) -> str:
    whole = int(minutes)
    return f"{whole}:{int((minutes - whole) * 60):02d}"


def post_limit(item: InboxItem) -> dict:
    """The longest reply this complaint's channel takes, and whether the platform enforces it."""
    kind = channel_kind(item.channel)
    return {
        "max_chars": max_chars(kind, item.public),
        "hard": kind in PLATFORM_HARD_LIMIT and item.public,
    }


def inbox_item_view(ex: Exercise, item: InboxItem, replies, contacts=None) -> dict:
    return {**_item_static(ex, item, replies, contacts), **_item_clocks(item)}


def _item_static(ex: Exercise, item: InboxItem, replies, contacts) -> dict:
    """What a complaint shows that changes only with its thread, mood or channel (see
    :func:`_item_key`): its texts, the customer, the earlier contacts."""
    seed = ex.seed
    who = persona(seed, item.author)
    earlier = [
        {**c, "at": clock_label(ex, c["min"])}
        for c in (contacts or {}).get(int(item.author), ())
        if c["complaint_id"] != item.id
    ]
    return {
        "id": item.id,
        "channel": item.channel,
        "public": item.public,
        "in_dm": item.in_dm,
        "topic": item.topic.replace("_", " "),
        "author": who.name,
        "first_name": who.first_name,
        "handle": who.handle,
        "issue": topic_guide(item.topic).issue,
        "safety": item.topic in SAFETY_TOPICS,
        "limit": post_limit(item),
        "earlier": earlier,
        "mood": str(mood(item.anger)),
        "anger": round(item.anger, 2),
        "origin": item.origin,
        "sla_min": item.sla_min,
        "thread": [
            {**m, "at": clock_label(ex, m["min"])} for m in render_thread(seed, item, who, replies)
        ],
    }


def _item_clocks(item: InboxItem) -> dict:
    """What a complaint shows that moves with the clock: computed on every poll."""
    return {
        "urgency": urgency(item),
        "followers": int(item.followers),
        "reach": reach_label(item.followers),
        "waited_min": round(item.waited_min, 1),
        "sla_left_min": None if item.sla_left_min is None else round(item.sla_left_min, 1),
        "patience_left_min": None
        if item.patience_left_min is None
        else round(item.patience_left_min, 1),
        "follow_ups": item.follow_ups,
        "pile_ons": item.pile_ons,
    }


def _item_key(item: InboxItem, n_replies: int, n_contacts: int) -> tuple:
    """Everything :func:`_item_static` reads from a complaint and its exercise's live state."""
    return (
        item.thread,
        item.pile_ons > 0,
        n_replies,
        n_contacts,
        item.anger,
        item.public,
        item.in_dm,
        item.channel,
        item.topic,
        item.author,
        item.origin,
        item.sla_min,
    )


def _inbox_json(ex: Exercise, entry: LiveExercise, items: list[InboxItem]) -> list[str]:
    """Each waiting complaint as JSON text. Its texts and thread (most of a poll's work) are
    kept on the live exercise from one poll to the next and rebuilt only when they change;
    its clocks are computed afresh."""
    kept = entry.item_views
    fresh: dict[int, tuple] = {}
    out = []
    for item in items:
        replies = entry.replies.get(item.id, ())
        n_contacts = len(entry.contacts.get(int(item.author), ()))
        key = _item_key(item, len(replies), n_contacts)
        old = kept.get(item.id)
        if old is None or old[0] != key:
            static = _item_static(ex, item, replies, entry.contacts)
            old = (key, _dumps(static)[1:-1])
        fresh[item.id] = old
        out.append("{" + old[1] + "," + _dumps(_item_clocks(item))[1:])
    entry.item_views = fresh
    return out


_dumps = json.JSONEncoder(separators=(",", ":")).encode
INBOX_SLOT = "\x00inbox\x00"


def _sample_at(entry: LiveExercise, minute: float) -> tuple | None:
    """The last grid sample at or before ``minute`` (the start, empty, if the deque has it all)."""
    s = entry.samples
    for row in reversed(s):
        if row[0] <= minute + 1e-9:
            return row
    if len(s) < (s.maxlen or 0):
        return (0.0, 0, 0)
    return None


def _trend(entry: LiveExercise, now: float | None = None, total: int | None = None) -> str:
    """growing / calming / steady: arrivals in the last window against the one before.

    ``now`` and ``total`` are the live minute and complaint count (default: the last sample).
    """
    s = entry.samples
    if now is None or total is None:
        if not s:
            return "steady"
        now, total = s[-1][0], s[-1][1]
    a = _sample_at(entry, now - TREND_WINDOW_MIN)
    b = _sample_at(entry, now - 2 * TREND_WINDOW_MIN)
    if a is None or b is None or now < 2 * TREND_WINDOW_MIN:
        return "steady"
    recent = (total - a[1]) / max(now - a[0], 1e-9)
    before = (a[1] - b[1]) / max(a[0] - b[0], 1e-9)
    if recent > 1.25 * before + 1 / TREND_WINDOW_MIN:
        return "growing"
    if recent < 0.8 * before - 1 / TREND_WINDOW_MIN:
        return "calming"
    return "steady"


_BASELINES: dict[tuple, tuple] = {}


def _usual_per_hour(ex: Exercise, clock, a: float, b: float) -> float:
    """The scenario's usual arrivals per hour over minutes ``a``–``b`` (its baseline: time of
    day and weekday, no incident), the volume the storm is measured against."""
    key = (ex.scenario_sha256, ex.start_min, ex.duration_min)
    if key not in _BASELINES:
        _BASELINES[key] = baseline_rate_edges(scenario_of(ex), clock)
    edges, per_hour = _BASELINES[key]
    if b - a < 1e-9:
        a, b = a - 1.0, a
    total = 0.0
    for k, rate in enumerate(per_hour):
        lo, hi = max(a, edges[k]), min(b, edges[k + 1])
        if hi > lo:
            total += rate * (hi - lo)
    return total / (b - a)


def storm_gauge(ex: Exercise, entry: LiveExercise, t: float, complaints: int, waiting: int):
    """Arrivals per hour over a rolling window against the usual volume, and the queue's trend."""
    start = _sample_at(entry, t - GAUGE_WINDOW_MIN)
    rate = usual = None
    window = 0.0
    if start is not None:
        window = t - start[0]
        if window >= GAUGE_MIN_WINDOW_MIN:
            rate = (complaints - start[1]) / window * 60.0
            usual = _usual_per_hour(ex, entry.model.clock, start[0], t)
    ratio = None if rate is None or not usual else rate / usual
    level = "normal"
    if ratio is not None:
        level = next(label for floor, label in SURGE_LEVELS if ratio >= floor)
    past = _sample_at(entry, t - TREND_WINDOW_MIN)
    before = None if past is None or t < TREND_WINDOW_MIN else past[2]
    queue_trend = "steady"
    if before is not None:
        if waiting > 1.2 * before + 2:
            queue_trend = "rising"
        elif waiting < 0.8 * before - 2:
            queue_trend = "falling"
    return {
        "window_min": round(window, 1),
        "arrivals_per_hour": None if rate is None else round(rate),
        "usual_per_hour": None if usual is None else round(usual, 1),
        "vs_usual": None if ratio is None else round(ratio, 1),
        "level": level,
        "queue_before": before,
        "queue_trend": queue_trend,
    }


def state(ex: Exercise, *, ack: bool = True) -> dict:
    """The live view a trainee's page polls (see :func:`state_json`), as a dict."""
    return json.loads(state_json(ex, ack=ack))


def state_json(ex: Exercise, *, ack: bool = True) -> str:
    """The live view a trainee's page polls, as JSON text: clock, storm, inbox with threads.

    ``ack`` stores the simulation time shown (the trainee's own poll, not an instructor's).
    """
    if settle_clock(ex):
        db.session.commit()
    wall = utcnow()
    t = sim_now(ex, wall)
    with cache().lock(ex.id):
        text = view_json(ex, live(ex, t), t)
    # Built before the acknowledgement is committed: reading the row after a commit would load
    # it again (a commit expires it), a query per poll for nothing.
    if ack and ack_due(ex, wall):
        ex.acked_sim_min = t
        ex.acked_at = wall
        db.session.commit()
    return text


def ack_due(ex, wall) -> bool:
    """Whether a poll at ``wall`` stores the simulation time it shows (every ACK_EVERY_S)."""
    return ex.state == ExerciseState.RUNNING and (wall - ex.acked_at).total_seconds() >= ACK_EVERY_S


def view_json(ex, entry: LiveExercise, t: float) -> str:
    """The poll's JSON at minute ``t`` from the live model ``entry`` (its lock held; ``ex`` the
    exercise's row: an ORM object or a Core row with the same column names)."""
    m = entry.model
    status = m.status()
    inbox = _inbox_json(ex, entry, m.inbox())
    trend = _trend(entry, t, status["complaints"])
    gauge = storm_gauge(ex, entry, t, status["complaints"], status["waiting"])
    last_hour = _sample_at(entry, t - 60.0)
    scores = entry.scores
    view = {
        "exercise": ex.id,
        "state": str(ex.state),
        "now_min": round(t, 2),
        "duration_min": ex.duration_min,
        "speed": ex.speed,
        "clock": status["clock"],
        "storm": {
            "complaints": status["complaints"],
            "waiting": status["waiting"],
            # a rolling hour (it used to reset to nothing at each clock hour)
            "arrivals_this_hour": status["complaints"] - (last_hour or (0, 0))[1],
            **gauge,
            "mood": None if status["mood"] is None else str(mood(status["mood"])),
            "reps_on_shift": status["reps_on_shift"],
            "crisis": status["crisis"],
            "trend": trend,
        },
        "you": {
            "replies": len(scores),
            "mean_score": round(sum(scores) / len(scores), 1) if scores else None,
            "remedy_limit": ex.remedy_limit if ex.empowered else 0,
        },
        "inbox": INBOX_SLOT,
    }
    head, _, tail = _dumps(view).rpartition(_dumps(INBOX_SLOT))
    return head + "[" + ",".join(inbox) + "]" + tail + "\n"
