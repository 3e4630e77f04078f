"""A complaint's life at the desk: it arrives, waits, is answered, and its customer reacts.

``waiting → in_service → answered → resolved``, or ``waiting → gave_up``; a follow-up or an
escalation to tier 2 brings an answered complaint back to ``waiting``. :class:`Desk` moves
complaints through these states when their events fire; :class:`ExoFeed` hands out the
exogenous arrivals drawn up front (:func:`sim.arrivals.exogenous_arrivals`) a block at a time.
"""

from __future__ import annotations

import itertools
import math

import numpy as np

from .. import calibration as cal
from ..agents import Complaint, ComplaintState, Origin, Outcome, Rep
from ..reactions import ReplyTraits, bot_reply, escalation_chances, p_satisfied
from .events import EV_ARRIVAL, EV_DONE, EV_FOLLOW_UP, EV_GIVE_UP
from .streams import (
    DRAW_BLOCK,
    TAG_OUTCOMES,
    TAG_SERVICE,
    KeyedStream,
    duration_draw,
    duration_from_uniform,
    exo_keys_and_first_draws,
)

# A reply's traits by (apologised, moved_to_dm, canned, compensated), built once.
TRAITS = {flags: ReplyTraits(*flags) for flags in itertools.product((False, True), repeat=4)}
_WAITING = ComplaintState.WAITING


class Desk:
    """The complaint lifecycle of one model."""

    def __init__(self, model):
        self.m = model
        spec = model.spec
        policy = spec.policy
        self.auto_ack = policy.auto_acknowledge
        self.escalation_severity = policy.escalation_severity
        self.behaviour = spec.behaviour
        self.dm_topic = [
            policy.dm_handoff and t in cal.TOPICS_NEEDING_PRIVATE_DETAILS for t in model.topic_names
        ]
        self.live: dict[int, Complaint] = {}  # complaints whose story has not ended
        self.next_cid = 0

    # ------------------------------------------------------------------ arrival
    def new_complaint(
        self,
        channel,
        topic,
        severity,
        anger,
        author,
        patience,
        handle,
        origin,
        parent: Complaint | None,
        key: int,
        first_draws: tuple | None = None,
        to_seat: bool = False,
    ) -> Complaint | None:
        """A complaint arrives now (None: the safety cap stopped the run instead).

        ``to_seat``: it goes to the trainee's seat without a routing draw (an inject)."""
        m = self.m
        if self.next_cid >= m.max_complaints:
            m.halt_at_cap(self.next_cid)
            return None
        cid = self.next_cid
        self.next_cid += 1
        pile_on = origin == Origin.PILE_ON
        root = parent.root if (pile_on and parent is not None) else cid
        now = m.now
        c = Complaint(
            cid,
            channel,
            m.channel_public[channel],
            topic,
            severity,
            anger,
            author,
            float(m.population.followers[author]),
            now,
            patience,
            handle,
            origin,
            -1 if parent is None else parent.cid,
            root,
            parent.generation + 1 if pile_on else 0,
        )
        c.key = key
        c.first_draws = first_draws
        self.live[cid] = c
        if m.record_threads:
            c.history = [(now, "complaint", None)]
        hour = m.books.hour
        hour.arrivals[channel] += 1
        hour.anger_sum += anger
        if m.crisis_mode.watching:
            m.crisis_mode.note(origin)
        if m.contagion.on and c.public:
            m.contagion.branching(c)
        if self.auto_ack:
            c.acknowledged = True
            c.patience *= cal.AUTO_ACK_PATIENCE_FACTOR
        if to_seat:
            c.trainee = True
        self.route(c)
        return c

    def route(self, c: Complaint) -> None:
        """A complaint (new, or back after a follow-up or escalation) looks for a rep."""
        m = self.m
        c.state = _WAITING
        c.queued_at = m.now
        c.version += 1
        seat = m.seat
        if seat is not None and seat.takes(c):
            seat.receive(c)
            if c.state != _WAITING:
                return
        elif m.routing.assign(c):
            return
        if c.patience < math.inf:
            m.push(m.now + c.patience, EV_GIVE_UP, c, c.version)

    # ------------------------------------------------------------------ service
    def first_answer(self, c: Complaint) -> bool:
        """Book a first answer going out now, if this is one (True)."""
        if math.isnan(c.first_response):
            now = self.m.now
            c.first_response = now
            c.wait_end = now
            self.m.books.hour.answered += 1
            return True
        return False

    def take(self, c: Complaint, rep: Rep) -> bool:
        """``rep`` takes ``c`` now (its pending give-up is void); True for a first answer."""
        c.started = self.m.now
        c.version += 1  # cancels the pending give-up
        c.state = ComplaintState.IN_SERVICE
        c.rep = rep
        return self.first_answer(c)

    def start(self, rep: Rep, c: Complaint) -> None:
        """Rep ``rep`` starts on complaint ``c`` now."""
        first = self.take(c, rep)
        rep.load += rep.unit[c.channel]
        rep.active.append(c)
        handle = c.handle_min
        if not first:
            handle *= cal.FOLLOW_UP_HANDLE_FACTOR
        if c.tier2:
            handle *= cal.ESCALATED_HANDLE_FACTOR
        self.m.push(self.m.now + handle, EV_DONE, rep, c)

    def on_done(self, rep: Rep, c: Complaint) -> None:
        """A bot rep's reply to ``c`` goes out."""
        m = self.m
        unit = rep.unit[c.channel]
        rep.load -= unit
        if rep.load < 1e-9:
            rep.load = 0.0
        rep.active.remove(c)
        in_seat = m.seat is not None and rep is m.seat.rep
        if not in_seat:  # the seat's hours are not staff capacity (as with a trainee in it)
            m.books.add_busy(unit, c.started, m.now)
        first = c.first_draws
        if first is not None and c.rs is None:  # the common case: first reply to a new post
            c.rs = 3
            z, u_apology, u_canned = first[0], first[1], first[2]
        else:
            rs = self.service_draws(c)
            z, u_apology, u_canned = rs.normal(), rs.random(), rs.random()
        score, apologised, canned = bot_reply(rep.quality, z, u_apology, u_canned)
        traits = TRAITS[
            (
                apologised,
                c.public and self.dm_topic[c.topic],
                canned,
                rep.empowered and c.severity >= cal.BOT_REMEDY_SEVERITY,
            )
        ]
        escalate = (
            not c.tier2
            and m.staff.has_tier2
            and not rep.empowered
            and c.severity >= self.escalation_severity
        )
        self.reply(c, score, traits, escalate=escalate)
        if in_seat:
            m.seat.refill()
        elif rep.break_due:
            if rep.load < 1e-9 and rep.present:
                m.staff.start_break(rep)
        elif rep.present:
            m.routing.refill(rep)

    def reply(self, c: Complaint, score: float, traits: ReplyTraits, *, escalate: bool) -> None:
        """A reply reaches the customer: the thread calms or grows, the customer reacts."""
        m = self.m
        now = m.now
        wait = c.first_response - c.created
        c.score = score
        if traits.moved_to_dm:
            c.in_dm = True
        if c.history is not None:
            c.history.append((now, "reply", score))
        m.contagion.after_reply(c, score, traits, wait)
        if escalate:
            c.tier2 = True
            self.route(c)
            return
        c.state = ComplaintState.ANSWERED
        first = c.first_draws
        if first is not None and c.ro is None:  # the common case: first reply to a new post
            c.ro = 1
            u = first[3]
        else:
            u = self.outcome_draws(c).random()
        if u < p_satisfied(score, traits, wait, c.acknowledged):
            c.satisfied = 1
            c.outcome = Outcome.SATISFIED
            self.close(c, ComplaintState.RESOLVED)
            return
        c.satisfied = 0
        out = self.outcome_draws(c)
        behaviour = self.behaviour
        poor = score < cal.POOR_REPLY_SCORE
        if (
            not poor
            and behaviour.follow_ups
            and c.follow_ups < cal.MAX_FOLLOW_UPS
            and out.random() < cal.UNSATISFIED_FOLLOW_UP
        ):
            c.follow_ups += 1
            delay = cal.FOLLOW_UP_DELAY_MEAN_MIN * out.exponential()
            m.push(now + delay, EV_FOLLOW_UP, c, c.version)
            return
        c.outcome = Outcome.UNSATISFIED
        if behaviour.escalations:
            m.contagion.escalate(c, escalation_chances(score), out)
        self.close(c, ComplaintState.RESOLVED)

    def on_follow_up(self, c: Complaint, version: int) -> None:
        if c.version != version or c.state != ComplaintState.ANSWERED:
            return
        m = self.m
        if c.history is not None:
            c.history.append((m.now, "follow_up", None))
        c.patience = duration_draw(m.channel_specs[c.channel].patience, self.outcome_draws(c))
        self.route(c)

    def on_give_up(self, c: Complaint, version: int) -> None:
        if c.version != version or c.state != _WAITING:
            return
        m = self.m
        m.books.hour.gave_up += 1
        if m.seat is not None:
            m.seat.inbox.pop(c.cid, None)
        if c.history is not None:
            c.history.append((m.now, "gave_up", None))
        if math.isnan(c.wait_end):
            c.wait_end = m.now
        first_time = math.isnan(c.first_response)
        c.outcome = Outcome.GAVE_UP_QUIETLY
        if self.behaviour.escalations:
            # Ignored entirely, or left waiting after a reply (follow-up or tier 2).
            m.contagion.escalate(
                c, escalation_chances(None if first_time else c.score), self.outcome_draws(c)
            )
        self.close(c, ComplaintState.GAVE_UP)

    def close(self, c: Complaint, state: ComplaintState) -> None:
        """The complaint's story ends: its row goes to the ledger."""
        c.state = state
        c.version += 1
        if c.trainee:
            self.m.seat.inbox.pop(c.cid, None)
        del self.live[c.cid]
        self.m.ledger.record(c, self.m.now)

    # ------------------------------------------------------------------ a complaint's draws
    def service_draws(self, c: Complaint) -> KeyedStream:
        """The stream of bot replies to ``c`` (salted in the seat of a replication).

        ``c.rs`` is None before the first draw, an int while only the pre-computed first draws
        were used (how many), then the stream itself.
        """
        rs = c.rs
        if rs is None or rs.__class__ is int:
            taken = rs or 0
            rs = c.rs = KeyedStream(c.key ^ TAG_SERVICE ^ c.salt)
            rs.n = taken
        return rs

    def outcome_draws(self, c: Complaint) -> KeyedStream:
        """The stream of ``c``'s customer's reactions (salted in the seat of a replication)."""
        ro = c.ro
        if ro is None or ro.__class__ is int:
            taken = ro or 0
            ro = c.ro = KeyedStream(c.key ^ TAG_OUTCOMES ^ c.salt)
            ro.n = taken
        return ro


class ExoFeed:
    """The exogenous arrivals (drawn up front), turned into complaints as their times come.

    Patience, handle time and anger of every arrival are computed here in numpy; the rows are
    handed to the event loop a block at a time as Python tuples (cheap to index).
    """

    def __init__(self, model, exo):
        self.m = model
        self.exo = exo
        self.n = len(exo)
        self.patience = np.empty(self.n)
        self.handle = np.empty(self.n)
        for i, ch in enumerate(model.channel_specs):
            mask = exo.channel == i
            self.patience[mask] = duration_from_uniform(ch.patience, exo.u_patience[mask])
            self.handle[mask] = duration_from_uniform(ch.handle_time, exo.u_handle[mask])
        self.anger = np.clip(
            cal.ANGER_BASE
            + cal.ANGER_PER_SEVERITY * exo.severity
            + model.population.temperament[exo.author]
            + 0.1 * exo.z_anger,
            0.0,
            1.0,
        )
        exo.u_patience = exo.u_handle = exo.z_anger = None  # spent: 24 MB per million arrivals
        self._block_start = 0
        self._rows: list[tuple] = []
        self._times: list[float] = []

    def start(self) -> None:
        """Schedule the first arrival."""
        if self.n:
            self.m.push(float(self.exo.time[0]), EV_ARRIVAL, 0, None)

    def on_arrival(self, i: int, _) -> None:
        j = i - self._block_start
        if j >= len(self._rows):
            self._load_block(i)
            j = 0
        channel, topic, severity, anger, author, patience, handle, key, first = self._rows[j]
        m = self.m
        m.desk.new_complaint(
            channel,
            topic,
            severity,
            anger,
            author,
            patience,
            handle,
            Origin.NEW,
            None,
            key,
            first,
        )
        if i + 1 < self.n:
            t_next = self._times[j + 1] if j + 1 < len(self._times) else float(self.exo.time[i + 1])
            m.push(t_next, EV_ARRIVAL, i + 1, None)

    def _load_block(self, i: int) -> None:
        """Turn the next block of pre-drawn arrivals into Python rows (cheap to index)."""
        sl = slice(i, i + DRAW_BLOCK)
        exo = self.exo
        self._block_start = i
        self._times = exo.time[sl].tolist()
        keys, first = exo_keys_and_first_draws(self.m.key_base, i, len(self._times))
        self._rows = list(
            zip(
                exo.channel[sl].tolist(),
                exo.topic[sl].tolist(),
                exo.severity[sl].tolist(),
                self.anger[sl].tolist(),
                exo.author[sl].tolist(),
                self.patience[sl].tolist(),
                self.handle[sl].tolist(),
                keys,
                first,
                strict=True,
            )
        )
