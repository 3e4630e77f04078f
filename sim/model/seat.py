"""The trainee's seat: a share of new complaints on some channels lands in a person's inbox.

Bot reps work the rest of the queue. The seat is a :class:`sim.agents.Rep` whose replies come
from the web (:meth:`Seat.act`), or — for the trainer's controlled comparison — from a bot
(``seat_bot``), replaying the trainee's routing (``seat_routing``) and, in replication ``k``,
re-drawing only the seat's own work (``seat_replication``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

from ..agents import Complaint, ComplaintState, Origin, Outcome, Rep
from .desk import TRAITS
from .streams import TAG_ROUTING, KeyedStream, seat_salt

_WAITING = ComplaintState.WAITING


@dataclass(frozen=True)
class TraineeSeat:
    """A trainee's seat: a share of new complaints on ``channels`` lands in their inbox.

    Bot reps work the rest of the queue. ``max_open`` caps the inbox; ``empowered`` and
    ``remedy_limit`` bound the remedies the trainee may offer without approval.
    """

    channels: tuple[str, ...]
    share: float = 0.3
    max_open: int = 8
    empowered: bool = True
    remedy_limit: float = 50.0
    quality_hint: float = 0.7  # only used for the seat's listing; trainee replies are scored


class ActionError(ValueError):
    """A trainee action that cannot be taken; nothing in the model changed."""


@dataclass(frozen=True)
class InboxItem:
    """A complaint waiting in the trainee's inbox (times in simulation minutes)."""

    id: int
    channel: str
    public: bool
    topic: str
    author: int
    followers: float
    anger: float
    severity: float
    origin: str
    created_min: float
    queued_min: float
    waited_min: float
    sla_min: float
    sla_left_min: float | None  # None once a first answer went out
    patience_left_min: float | None  # None: this customer never gives up
    follow_ups: int
    in_dm: bool
    pile_ons: int
    thread: tuple  # (minute, event, score) tuples


@dataclass(frozen=True)
class ActionOutcome:
    """What a trainee's reply did: its score, the customer's reaction, the thread's spread."""

    complaint_id: int
    action: str
    score: object  # sim.scoring.ScoreResult
    # thanks | follow_up | escalated | repost_angrier | switched_channel | churn | unsatisfied
    reaction: str
    outcome: str
    satisfied: int
    spread_before: float
    spread_after: float


def reaction_of(c: Complaint, escalated: bool) -> str:
    """The customer's visible reaction to a reply, for the trainer."""
    if escalated:
        return "escalated"
    if c.satisfied == 1:
        return "thanks"
    if c.state == ComplaintState.ANSWERED:
        return "follow_up"
    return {
        Outcome.REPOSTED_PUBLIC: "repost_angrier",
        Outcome.SWITCHED_CHANNEL: "switched_channel",
        Outcome.CHURNED: "churn",
        Outcome.TOLD_FRIENDS: "told_friends",
    }.get(c.outcome, "unsatisfied")


@cache
def _reply_tools():
    """The scorer and the text generator, loaded when a trainee first acts: they bring scipy
    and Faker (~0.8 s of start-up) that a run without a trainee never needs."""
    from ..scoring import ReplyAction, ReplyContext, score_reply
    from ..text import complaint_text, persona

    return ReplyAction, ReplyContext, score_reply, complaint_text, persona


class Seat:
    """The trainee's seat in one model: its rep, its inbox, its routing log."""

    def __init__(self, model, seat: TraineeSeat, *, bot: bool, replication: int, routing):
        self.m = model
        self.spec = seat
        self.bot = bot
        # Seat routing decisions by (complaint key, routing draw): logged in every seated run,
        # and replayed from another run's log (``routing``) so a bot seat gets the very
        # customers the trainee got, whatever its inbox cap would have said.
        self.log: dict[tuple[int, int], bool] = {}
        self.forced = dict(routing) if routing is not None else None
        self.salt = seat_salt(replication)
        self.inbox: dict[int, Complaint] = {}
        unknown = [c for c in seat.channels if c not in model.channel_index]
        if unknown:
            raise ValueError(f"trainee seat: unknown channel(s) {', '.join(unknown)}")
        chans = [model.channel_index[c] for c in seat.channels]
        unit = {i: 1.0 / model.channel_specs[i].concurrency for i in range(model.n_channels)}
        quality = seat.quality_hint
        if bot:  # a bot like the tier-1 colleagues who work the seat's channels
            peers = [
                r.quality
                for r in model.reps
                if r.tier == 1 and any(ch in r.base_skills for ch in chans)
            ]
            quality = sum(peers) / len(peers) if peers else seat.quality_hint
        self.rep = Rep(
            model,
            len(model.reps),
            -1,
            chans,
            unit,
            quality,
            1,
            seat.empowered,
            seat.remedy_limit,
            0.0,
            is_bot=False,
        )
        self.channels = frozenset(chans)

    # ------------------------------------------------------------------ routing into the seat
    def takes(self, c: Complaint) -> bool:
        """Whether ``c`` (looking for a rep now) lands in the seat."""
        return c.channel in self.channels and not c.tier2 and (c.trainee or self._draw_routing(c))

    def _draw_routing(self, c: Complaint) -> bool:
        seat = self.spec
        rr = c.rr
        if rr is None:
            rr = c.rr = KeyedStream(c.key ^ TAG_ROUTING)
        n = rr.n
        drawn = rr.random() < seat.share
        forced = self.forced
        if forced is not None and (c.key, n) in forced:
            yes = forced[(c.key, n)]
        else:
            yes = drawn and len(self.inbox) < seat.max_open
        self.log[(c.key, n)] = yes
        return yes

    def receive(self, c: Complaint) -> None:
        """``c`` joins the seat's inbox (a bot seat takes it at once if it has room)."""
        if self.salt and not c.salt:
            # The seat's own work is re-drawn in each replication: its replies and what
            # its customers do about them (from here on).
            c.salt = self.salt
            c.rs = c.ro = c.first_draws = None
        c.trainee = True
        self.inbox[c.cid] = c
        if self.bot:
            self.refill()

    def refill(self) -> None:
        """A bot in the trainee's seat takes its inbox, longest-waiting first, as load allows."""
        rep = self.rep
        start = self.m.desk.start
        for c in list(self.inbox.values()):
            if rep.load > 1.0 - 1e-9:
                break
            if c.state == _WAITING and rep.fits(c.channel):
                del self.inbox[c.cid]
                start(rep, c)

    # ------------------------------------------------------------------ the trainee
    def items(self) -> list[InboxItem]:
        """The complaints waiting for the trainee now, longest-waiting first."""
        items = [self.item(c) for c in self.inbox.values() if c.state == _WAITING]
        return sorted(items, key=lambda i: (i.queued_min, i.id))

    def item(self, c: Complaint) -> InboxItem:
        m = self.m
        sla = m.channel_specs[c.channel].sla_min
        waited = m.now - c.created
        return InboxItem(
            id=c.cid,
            channel=m.channel_names[c.channel],
            public=c.public and not c.in_dm,
            topic=m.topic_names[c.topic],
            author=c.author,
            followers=c.followers,
            anger=c.anger,
            severity=c.severity,
            origin=Origin(c.origin).name.lower(),
            created_min=c.created,
            queued_min=c.queued_at,
            waited_min=waited,
            sla_min=sla,
            sla_left_min=sla - waited if math.isnan(c.first_response) else None,
            patience_left_min=(c.queued_at + c.patience - m.now) if c.patience < math.inf else None,
            follow_ups=c.follow_ups,
            in_dm=c.in_dm,
            pile_ons=c.pile_ons,
            thread=tuple(c.history or ()),
        )

    def act(
        self, complaint_id, action, text, *, remedy, canned_texts, weights, scorer
    ) -> ActionOutcome:
        """See :meth:`sim.model.StormModel.act`."""
        ReplyAction, ReplyContext, score_reply, complaint_text, persona = _reply_tools()
        m = self.m
        if self.bot:
            raise ActionError("this seat is worked by a bot (a counterfactual run)")
        c = self.inbox.get(int(complaint_id))
        if c is None or c.state != _WAITING:
            raise ActionError(
                f"complaint {complaint_id} is not waiting for your reply "
                "(closed, answered, or not in your inbox)"
            )
        try:
            act = ReplyAction(action)
        except ValueError:
            known = ", ".join(a.value for a in ReplyAction)
            raise ActionError(f"unknown action {action!r} (known: {known})") from None
        seat = self.spec
        if act == ReplyAction.OFFER_REMEDY:
            if not seat.empowered:
                raise ActionError(
                    "your seat may not offer remedies without approval: escalate instead"
                )
            if not (0 < remedy <= seat.remedy_limit):
                raise ActionError(f"remedy must be more than 0 and at most {seat.remedy_limit:g}")
        elif remedy:
            raise ActionError("a remedy amount goes with the offer_remedy action only")
        channel = m.channel_names[c.channel]
        topic = m.topic_names[c.topic]
        who = persona(m.seed, c.author)
        ctx = ReplyContext(
            channel=channel,
            public=c.public and not c.in_dm,
            customer_name=who.name,
            customer_handle=who.handle,
            topic=topic,
            complaint_text=complaint_text(
                m.seed,
                c.cid,
                channel=channel,
                topic=topic,
                anger=c.anger,
                public=c.public,
                customer=who,
                repost=c.origin == Origin.REPOST,
            ),
            anger=c.anger,
            wait_min=m.now - c.queued_at,
            sla_min=m.channel_specs[c.channel].sla_min,
            action=act,
            canned_texts=tuple(canned_texts),
            remedy_offered=float(remedy),
            remedy_limit=float(seat.remedy_limit) if seat.empowered else 0.0,
        )
        try:
            scored = (scorer or score_reply)(text, ctx, weights)
        except ValueError as e:
            raise ActionError(str(e)) from None
        f = scored.features
        traits = TRAITS[
            (
                f.apologised,
                f.moved_to_dm or act == ReplyAction.MOVE_TO_DM,
                f.canned_unedited,
                f.offered_compensation or act == ReplyAction.OFFER_REMEDY,
            )
        ]
        spread_before = c.spread
        m.desk.take(c, self.rep)
        del self.inbox[c.cid]
        escalate = act == ReplyAction.ESCALATE and m.staff.has_tier2
        if act == ReplyAction.ESCALATE:
            c.trainee = False  # tier 2 (bots) take it from here
        m.desk.reply(c, scored.total, traits, escalate=escalate)
        reaction = reaction_of(c, escalate)
        if c.history is not None:
            c.history.append((m.now, f"reaction:{reaction}", None))
        return ActionOutcome(
            complaint_id=c.cid,
            action=act.value,
            score=scored,
            reaction=reaction,
            outcome=Outcome(c.outcome).name.lower(),
            satisfied=c.satisfied,
            spread_before=spread_before,
            spread_after=c.spread,
        )
