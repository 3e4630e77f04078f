"""The trainee's actions: parsing, refusing what cannot be posted, acting on the live model,
recording."""

from __future__ import annotations

import dataclasses
import math

from sim.model import ActionError, InboxItem
from sim.text import REACTIONS, mood, persona, reaction_text

from ..extensions import db
from ..models import (
    Action,
    Exercise,
    ExerciseState,
    utcnow,
)
from .base import ACTIONS, MAX_REPLY_CHARS, Rejected
from .clock import settle_clock, sim_now
from .livecache import REPLAY_FEATURES, LiveExercise, _remember_contact, cache, live
from .view import _opening_text, post_limit, told_friends_line


# --- Acting ------------------------------------------------------------------------------------
def parse_action(payload) -> tuple[int, str, str, float]:
    """Validate a reply request body; raise :class:`Rejected` (400) with a clear message."""
    if not isinstance(payload, dict):
        raise Rejected(400, "send a JSON object: {complaint_id, action, text, remedy}")
    cid = payload.get("complaint_id")
    if isinstance(cid, bool) or not isinstance(cid, int | str):
        raise Rejected(400, "complaint_id must be a whole number")
    try:
        cid = int(cid)
    except ValueError:
        raise Rejected(400, "complaint_id must be a whole number") from None
    if cid < 0 or cid > 2**31:
        raise Rejected(400, "complaint_id is out of range")
    action = payload.get("action", "reply_public")
    if action not in ACTIONS:
        raise Rejected(400, f"action must be one of {', '.join(ACTIONS)}")
    text = payload.get("text")
    if not isinstance(text, str) or not text.strip():
        raise Rejected(400, "write a reply first: the text is empty")
    if len(text) > MAX_REPLY_CHARS:
        raise Rejected(
            400, f"the reply is too long ({len(text)} characters; at most {MAX_REPLY_CHARS})"
        )
    remedy = payload.get("remedy", 0) or 0
    if isinstance(remedy, bool) or not isinstance(remedy, int | float | str):
        raise Rejected(400, "remedy must be a number")
    try:
        remedy = float(remedy)
    except ValueError:
        raise Rejected(400, "remedy must be a number") from None
    if not math.isfinite(remedy) or remedy < 0:
        raise Rejected(400, "remedy must be a positive amount")
    return cid, action, text.strip(), remedy


def refuse_unpostable(item: InboxItem, text: str) -> None:
    """Refuse (422) a reply the platform itself would not post: over its hard length limit."""
    limit = post_limit(item)
    if limit["hard"] and len(text) > limit["max_chars"]:
        raise Rejected(
            422,
            f"not sent: {len(text)} characters cannot be posted publicly on {item.channel} "
            f"(at most {limit['max_chars']}). Cut it to the apology, the action and the time.",
        )


def act(ex: Exercise, complaint_id: int, action: str, text: str, remedy: float = 0.0, *, at=None):
    """Answer a complaint now (or at simulation minute ``at``, for bot trainees) and record it.

    The action is committed before this returns; on any failure the model cache is dropped so
    the next request replays from the database. Raises :class:`Rejected` for a closed, forged or
    foreign complaint, a paused or finished exercise, or a remedy beyond the seat's limit.
    """
    with cache().lock(ex.id):
        db.session.refresh(ex)
        settle_clock(ex)
        if ex.state == ExerciseState.FINISHED:
            raise Rejected(409, "this exercise is over: open the debrief")
        if ex.state == ExerciseState.PAUSED and at is None:
            raise Rejected(409, "the exercise is paused: resume it to reply")
        wall = utcnow()
        t = sim_now(ex, wall) if at is None else float(at)
        entry = live(ex, t)
        m = entry.model
        item = next((i for i in m.inbox() if i.id == complaint_id), None)
        if item is None:
            raise Rejected(
                409,
                f"complaint {complaint_id} is not waiting for your reply any more: it is no longer "
                "in your inbox (the customer gave up, or it was answered), so nothing was sent",
            )
        refuse_unpostable(item, text)
        try:
            out = m.act(
                complaint_id,
                action,
                text,
                remedy=remedy,
                canned_texts=tuple(ex.canned_replies),
                weights=ex.weights,
                scorer=cache().scores.score,
            )
        except ActionError as e:
            raise Rejected(409, str(e)) from None
        try:
            who = persona(ex.seed, item.author)
            scored = out.score.as_dict()
            scored.pop("features", None)
            # What the model read from the reply, so that a replay reacts exactly as now
            # without scoring again: faster, and immune to later changes of the scorer.
            scored[REPLAY_FEATURES] = dataclasses.asdict(out.score.features)
            row = Action(
                exercise_id=ex.id,
                seq=ex.n_actions,
                sim_min=t,
                complaint_id=complaint_id,
                action=action,
                text=text,
                remedy=remedy,
                score=out.score.total,
                passed=out.score.passed,
                criteria=scored,
                reaction=out.reaction,
                outcome=out.outcome,
                first_response=item.sla_left_min is not None,
                wait_min=item.waited_min,
                sla_min=item.sla_min,
                complaint={
                    "channel": item.channel,
                    "public": item.public,
                    "topic": item.topic,
                    "author": who.name,
                    "author_index": int(item.author),
                    "handle": who.handle,
                    "followers": int(item.followers),
                    "mood": str(mood(item.anger)),
                    "text": _opening_text(ex.seed, item, who),
                },
            )
            db.session.add(row)
            ex.n_actions += 1
            if ex.state == ExerciseState.RUNNING:
                ex.acked_sim_min = t
                ex.acked_at = wall
            db.session.commit()
        except Exception:
            db.session.rollback()
            cache().drop(ex.id)
            raise
        entry.n_actions += 1
        entry.replies.setdefault(complaint_id, []).append((t, text))
        entry.scores.append(out.score.total)
        _remember_contact(entry, row.complaint, complaint_id, t, row)
        entry.debrief = None
    reaction_line = None
    if out.reaction == "told_friends":
        reaction_line = told_friends_line(who)
    elif out.reaction in REACTIONS:
        reaction_line = reaction_text(
            ex.seed,
            complaint_id,
            reaction=out.reaction,
            customer=who,
            topic=item.topic,
            channel=item.channel,
            turn=sum(1 for e in item.thread if e[1].startswith("reaction:")),
        )
    return {
        "complaint_id": complaint_id,
        "author": who.name,
        "channel": item.channel,
        "action": out.action,
        "score": scored,
        "reaction": out.reaction,
        "reaction_text": reaction_line,
        "outcome": out.outcome,
        "satisfied": bool(out.satisfied == 1),
        "spread_before": round(out.spread_before, 3),
        "spread_after": round(out.spread_after, 3),
        "now_min": round(t, 2),
    }


def final_model(ex: Exercise) -> LiveExercise:
    """The finished exercise's model (its storm run to the end)."""
    with cache().lock(ex.id):
        return live(ex, ex.duration_min)
