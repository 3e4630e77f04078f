"""Where storms come from, beyond the exogenous arrivals: pile-ons and re-posts.

- **Pile-ons** (other customers join a public thread): every public complaint has offspring, a
  Hawkes process with the SEISMIC kernel (:class:`sim.arrivals.SeismicKernel`) and a branching
  ratio — ``contagion.branching_ratio`` for an average author, multiplied up by the author's
  reach and anger (:meth:`Contagion.branching`) and changed by the brand's reply
  (:func:`sim.reactions.spread_multiplier`, :meth:`Contagion.after_reply`). Crisis mode's
  holding statement thins every thread (``spread_global``); with saturation a customer piles on
  once and the finite population ends the storm.
- **Re-posts and channel switches** (the same customer comes back, angrier): an unhappy
  customer's reaction (:meth:`Contagion.escalate`) may re-post in public or try another channel.
"""

from __future__ import annotations

import math

import numpy as np

from .. import calibration as cal
from ..agents import Complaint, Origin, Outcome
from ..arrivals import MIN_PER_HOUR, SeismicKernel
from ..reactions import ReplyTraits, spread_multiplier
from .events import EV_PILE_ON, EV_REPOST
from .streams import (
    TAG_CONTAGION,
    TAG_PILE_ON,
    TAG_REPOST,
    KeyedStream,
    child_key,
    duration_draw,
)


class Contagion:
    """Pile-ons, re-posts and channel switches of one model."""

    def __init__(self, model):
        self.m = model
        cont = model.spec.contagion
        self.spec = cont
        self.on = cont.enabled and bool(model.public_channels)
        self.kernel = SeismicKernel(
            cont.kernel_flat_min, cont.kernel_theta, cont.horizon_hours * MIN_PER_HOUR
        )
        fol = model.population.followers.astype(float)
        self.reach_norm = float(np.mean(fol**cont.reach_weight)) if cont.reach_weight else 1.0
        self.reply_effect = cont.reply_effect
        self.spread_global = 1.0  # crisis holding statement (≤ 1, applied by thinning)
        self.statement_posted = False  # a holding statement posted by hand stands to the end
        self.n_pile_on_authors = 0

    # ------------------------------------------------------------------ pile-ons
    def branching(self, c: Complaint) -> None:
        """A new public complaint: its branching ratio from its author's reach and anger; its
        first pile-on is scheduled."""
        cont = self.spec
        n = cont.branching_ratio
        if cont.reach_weight:
            n *= c.followers**cont.reach_weight / self.reach_norm
        if cont.anger_weight:
            n *= math.exp(cont.anger_weight * (c.anger - cal.ANGER_REFERENCE))
        c.n_branch = n
        self.schedule_pile_on(c)

    def schedule_pile_on(self, c: Complaint) -> None:
        """Schedule the next pile-on of a public post (time-rescaled Hawkes offspring).

        The thread's pile-ons are the points of a unit-rate Poisson process (its own draws) read
        through the integrated intensity ``n_branch · spread · Φ(age)``: the next one comes when
        the intensity integrated since ``phi0`` reaches ``gap``. A reply that changes the spread
        keeps the gap still to go (:meth:`respread`) instead of drawing a new one, so with
        common random numbers a damping reply can only remove pile-ons from a thread and an
        amplifying one only add them — the trainer's comparison with bots in the same seat
        measures the reply, not a fresh draw of the thread's luck.
        """
        rate = c.n_branch * c.spread
        if rate <= 0:
            return
        if c.gap != c.gap:  # NaN: the first, or the one after a pile-on, not drawn yet
            rc = c.rc
            if rc is None:
                rc = c.rc = KeyedStream(c.key ^ TAG_CONTAGION)
            c.gap = rc.exponential()
        u = c.phi0 + c.gap / rate
        if u >= 1.0:
            return
        self.m.push(c.created + self.kernel.inverse(u), EV_PILE_ON, c, c.cversion)

    def after_reply(self, c: Complaint, score: float, traits: ReplyTraits, wait: float) -> None:
        """The brand replied in a public thread: its spread from now on follows the reply."""
        if c.public and c.n_branch > 0 and self.reply_effect:
            self.respread(c, spread_multiplier(score, traits, wait, c.pile_ons))

    def respread(self, c: Complaint, spread: float) -> None:
        """The thread's spread changes now: the intensity used so far is spent, the rest of the
        gap to the next pile-on runs at the new rate."""
        phi = self.kernel.cumulative(self.m.now - c.created)
        if c.gap == c.gap:
            c.gap = max(0.0, c.gap - c.n_branch * c.spread * (phi - c.phi0))
        c.phi0 = phi
        c.spread = spread
        c.cversion += 1
        self.schedule_pile_on(c)

    def on_pile_on(self, c: Complaint, version: int) -> None:
        if version != c.cversion:
            return
        m = self.m
        key = child_key(c.key, TAG_PILE_ON, c.n_pile_attempts)
        c.n_pile_attempts += 1
        draws = KeyedStream(key)  # the would-be child's own draws
        accept = self.spread_global
        if self.spec.saturation:
            accept *= 1.0 - self.n_pile_on_authors / m.population.size
        if accept >= 1.0 or draws.random() < accept:
            author = self._pile_on_author(draws)
            ch_spec = m.channel_specs[c.channel]
            anger = min(1.0, max(0.0, c.anger + cal.PILE_ON_ANGER_SD * draws.normal()))
            child = m.desk.new_complaint(
                c.channel,
                c.topic,
                c.severity,
                anger,
                author,
                duration_draw(ch_spec.patience, draws),
                duration_draw(ch_spec.handle_time, draws),
                Origin.PILE_ON,
                c,
                key,
            )
            if child is not None:
                c.pile_ons += 1
        c.phi0 = self.kernel.cumulative(m.now - c.created)
        c.gap = math.nan
        self.schedule_pile_on(c)

    def _pile_on_author(self, draws: KeyedStream) -> int:
        """A customer who has not piled on yet (with saturation), else anyone."""
        pop = self.m.population
        saturation = self.spec.saturation
        for _ in range(64):
            a = int(draws.random() * pop.size)
            if not pop.complained[a] or not saturation:
                break
        if not pop.complained[a]:
            pop.complained[a] = True
            self.n_pile_on_authors += 1
        return a

    def holding_statement(self, on: bool) -> None:
        """Crisis mode's holding statement thins every thread's pile-ons while it stands."""
        on = on or self.statement_posted
        self.spread_global = cal.HOLDING_STATEMENT_SPREAD if on else 1.0

    def post_holding_statement(self) -> None:
        """The brand posts a holding statement now (a lead's decision): every thread is thinned
        as by crisis mode's, from now to the end of the storm, whatever crisis mode does."""
        self.statement_posted = True
        self.spread_global = min(self.spread_global, cal.HOLDING_STATEMENT_SPREAD)

    # ------------------------------------------------------------------ re-posts and switches
    def escalate(self, c: Complaint, chances, out: KeyedStream) -> None:
        """An unhappy customer acts: tells friends, churns, re-posts publicly or switches."""
        m = self.m
        pop = m.population
        if out.random() < chances.tell_friends:
            c.told_friends = True
            c.outcome = Outcome.TOLD_FRIENDS
        if out.random() < chances.churn and not pop.churned[c.author]:
            pop.churned[c.author] = True
            c.churned = True
        shame = out.random() < chances.shame_publicly
        switch = out.random() < chances.switch_channel
        if shame and m.main_public is not None:
            target = c.channel if c.public else m.main_public
            c.escalated_public = True
            c.outcome = Outcome.REPOSTED_PUBLIC
            delay = cal.REPOST_DELAY_MEAN_MIN * out.exponential()
            m.push(m.now + delay, EV_REPOST, c, (target, Origin.REPOST))
        elif switch and m.n_channels > 1:
            target = int(pop.preferred_channel[c.author])
            if target == c.channel:
                target = (c.channel + 1 + int(out.random() * (m.n_channels - 1))) % m.n_channels
            if m.channel_public[target] and not c.public:
                c.escalated_public = True
            c.outcome = Outcome.SWITCHED_CHANNEL
            delay = cal.SWITCH_DELAY_MEAN_MIN * out.exponential()
            m.push(m.now + delay, EV_REPOST, c, (target, Origin.SWITCH))
        if c.churned:
            c.outcome = Outcome.CHURNED

    def on_repost(self, c: Complaint, how) -> None:
        """The customer's re-post (or message on another channel) arrives: a new complaint,
        angrier, with draws of its own."""
        target, origin = how
        m = self.m
        anger = min(1.0, c.anger + cal.ESCALATION_ANGER_STEP)
        spec = m.channel_specs[target]
        key = child_key(c.key, TAG_REPOST, c.n_reposts)
        c.n_reposts += 1
        own = KeyedStream(key)
        m.desk.new_complaint(
            target,
            c.topic,
            c.severity,
            anger,
            c.author,
            duration_draw(spec.patience, own),
            duration_draw(spec.handle_time, own),
            origin,
            c,
            key,
        )
