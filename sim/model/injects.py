"""Things done to a running storm from outside: a lead's decisions and an instructor's injects.

:class:`Injects` is the logic behind :class:`~sim.model.StormModel`'s ``set_crisis``,
``holding_statement``, ``inject_complaint``, ``add_incident`` and ``add_reps``. Every inject
draws from a :class:`~sim.model.streams.KeyedStream` of its own, keyed by the model's complaint
key base and the number of injects made so far (``child_key(key_base, TAG_INJECT, k)``), so

* the same injects at the same simulation minutes replay identically, and
* a run without injects takes exactly the draws it took before injects existed (no shared
  stream is touched, no event is scheduled).

Injects need the event core: a pure queue run on the fast path (:mod:`sim.model.queue_path`)
refuses them with a :class:`ValueError`.
"""

from __future__ import annotations

import numpy as np

from .. import calibration as cal
from ..agents import Complaint, Origin, Rep
from .events import EV_INJECT
from .streams import KeyedStream, child_key, duration_draw

TAG_INJECT = 0xCA62C1D6A1B2C3D5  # key of the model's k-th inject (random odd constant)
TAG_INCIDENT_ARRIVAL = 0x8F1BBCDCE3D5A7B9  # key of an added incident's j-th arrival


class Injects:
    """Decisions and injects applied to one model at its current minute."""

    def __init__(self, model):
        self.m = model
        self.n = 0  # injects so far (the counter of their keys)
        self.n_reps_added = 0

    # ------------------------------------------------------------------ helpers
    def _event_core(self, what: str) -> None:
        if self.m.path is not None:
            raise ValueError(
                f"{what}: this scenario is a pure queue run on the fast path, which takes no "
                "injects (give it contagion, a trainee seat or record_threads=True)"
            )

    def _next_key(self) -> int:
        key = child_key(self.m.key_base, TAG_INJECT, self.n)
        self.n += 1
        return key

    def _channel(self, channel: str | None, public: bool | None) -> int:
        m = self.m
        if channel is None:
            if public is False:
                private = [i for i in range(m.n_channels) if not m.channel_public[i]]
                if not private:
                    raise ValueError("inject_complaint: the scenario has no private channel")
                return max(private, key=lambda i: m.channel_specs[i].share)
            if m.main_public is None:
                raise ValueError("inject_complaint: the scenario has no public channel")
            return m.main_public
        if channel not in m.channel_index:
            raise ValueError(
                f"inject: unknown channel {channel!r} (the scenario has "
                f"{', '.join(m.channel_names)})"
            )
        ch = m.channel_index[channel]
        if public is not None and bool(public) != m.channel_public[ch]:
            kind = "public" if m.channel_public[ch] else "private"
            raise ValueError(f"inject_complaint: channel {channel!r} is {kind}, not as asked")
        return ch

    def topic(self, topic: str | None) -> int | None:
        """The index of ``topic``, added to the model's topics if it is new (None: None)."""
        if topic is None:
            return None
        if not isinstance(topic, str) or not topic.strip():
            raise ValueError(f"inject: topic must be a non-empty name, not {topic!r}")
        m = self.m
        if topic not in m.topic_index:
            m.topic_index[topic] = len(m.topic_names)
            m.topic_names.append(topic)
            m.desk.dm_topic.append(
                m.spec.policy.dm_handoff and topic in cal.TOPICS_NEEDING_PRIVATE_DETAILS
            )
        return m.topic_index[topic]

    def _new_customer(self, followers: float, channel: int) -> int:
        """Append a customer with ``followers`` to the population; their index."""
        pop = self.m.population
        pop.followers = np.append(pop.followers, np.float32(followers))
        pop.value = np.append(pop.value, np.float32(np.median(pop.value)))
        pop.temperament = np.append(pop.temperament, np.float32(0.0))
        pop.preferred_channel = np.append(pop.preferred_channel, np.int8(channel))
        pop.complained = np.append(pop.complained, False)
        pop.churned = np.append(pop.churned, False)
        return pop.size - 1

    def _arrive(self, ch, topic, severity, anger, author, key, own: KeyedStream) -> Complaint:
        m = self.m
        spec = m.channel_specs[ch]
        patience = duration_draw(spec.patience, own)
        handle = duration_draw(spec.handle_time, own)
        seat = m.seat is not None and ch in m.seat.channels  # an inject is the trainees' to take
        return m.desk.new_complaint(
            ch, topic, severity, anger, author, patience, handle, Origin.NEW, None, key,
            to_seat=seat,
        )  # fmt: skip

    # ------------------------------------------------------------------ decisions
    def set_crisis(self, on: bool) -> None:
        self._event_core("set_crisis")
        self.m.crisis_mode.switch(bool(on))

    def holding_statement(self) -> None:
        self._event_core("holding_statement")
        self.m.contagion.post_holding_statement()

    # ------------------------------------------------------------------ injects
    def inject_complaint(
        self, channel, topic, *, followers, anger, severity, public, author
    ) -> int:
        self._event_core("inject_complaint")
        m = self.m
        if m.finished:
            raise ValueError("inject_complaint: the run is over")
        ch = self._channel(channel, public)
        if not 0.0 <= float(anger) <= 1.0 or not 0.0 <= float(severity) <= 1.0:
            raise ValueError("inject_complaint: anger and severity must be in [0, 1]")
        t = self.topic(topic)
        if t is None:
            raise ValueError("inject_complaint: give a topic")
        if author is None:
            if followers is None or float(followers) < 0:
                raise ValueError("inject_complaint: followers must be a number ≥ 0")
        elif not 0 <= int(author) < m.population.size:
            raise ValueError(f"inject_complaint: no customer {author}")
        key = self._next_key()  # only once the inject is sure to happen
        if author is None:
            author = self._new_customer(float(followers), ch)
        c = self._arrive(ch, t, float(severity), float(anger), int(author), key, KeyedStream(key))
        if c is None:
            raise ValueError("inject_complaint: the safety cap stopped the run")
        return c.cid

    def add_incident(self, multiplier: float, duration_min: float, topic: str | None) -> None:
        self._event_core("add_incident")
        m = self.m
        if not multiplier >= 1.0 or not duration_min > 0:
            raise ValueError("add_incident: multiplier must be ≥ 1 and duration_min > 0")
        start = m.now
        end = min(start + float(duration_min), m.duration)
        expected = (multiplier - 1.0) * (m.books.expected_by(end) - m.books.expected_by(start))
        if end <= start or expected <= 0:
            return
        inc = _Incident(self._next_key(), start, end, expected / (end - start), self.topic(topic))
        self._schedule(inc)

    def _schedule(self, inc: _Incident) -> None:
        t = self.m.now + inc.stream.exponential() / inc.rate
        if t < inc.end:
            self.m.push(t, EV_INJECT, inc, None)

    def on_incident_arrival(self, inc: _Incident, _) -> None:
        """One extra arrival of an added incident: a new complaint from a random customer."""
        m = self.m
        key = child_key(inc.key, TAG_INCIDENT_ARRIVAL, inc.j)
        inc.j += 1
        own = KeyedStream(key)
        shares = [c.share for c in m.channel_specs]
        u = own.random() * sum(shares)
        ch = 0
        while ch < m.n_channels - 1 and u >= shares[ch]:
            u -= shares[ch]
            ch += 1
        if inc.topic is not None:
            topic = inc.topic
        else:
            mix = m.spec.arrivals.topics
            names, weights = list(mix), list(mix.values())
            u = own.random() * sum(weights)
            k = 0
            while k < len(names) - 1 and u >= weights[k]:
                u -= weights[k]
                k += 1
            topic = m.topic_index[names[k]]
        sev_mean = m.spec.arrivals.severity_mean
        severity = min(1.0, max(0.0, sum(own.random() for _ in range(2)) * sev_mean))
        author = int(own.random() * m.population.size)
        anger = (
            cal.ANGER_BASE
            + cal.ANGER_PER_SEVERITY * severity
            + float(m.population.temperament[author])
            + 0.1 * own.normal()
        )
        anger = min(1.0, max(0.0, anger))
        spec = m.channel_specs[ch]
        m.desk.new_complaint(
            ch, topic, severity, anger, author,
            duration_draw(spec.patience, own), duration_draw(spec.handle_time, own),
            Origin.NEW, None, key,
        )  # fmt: skip
        self._schedule(inc)

    def add_reps(self, n: int, channels) -> list[int]:
        self._event_core("add_reps")
        m = self.m
        if int(n) != n or n < 1:
            raise ValueError(f"add_reps: n must be a whole number ≥ 1, not {n!r}")
        if channels is None:
            skills = list(m.public_channels) or list(range(m.n_channels))
        else:
            unknown = [c for c in channels if c not in m.channel_index]
            if unknown or not channels:
                raise ValueError(
                    f"add_reps: unknown channel(s) {', '.join(map(str, unknown)) or '(none)'}"
                )
            skills = [m.channel_index[c] for c in channels]
        unit = {i: 1.0 / spec.concurrency for i, spec in enumerate(m.channel_specs)}
        peers = [r for r in m.reps if r.tier == 1] or m.reps
        quality = sum(r.quality for r in peers) / len(peers) if peers else 0.7
        wage = sum(r.hourly_wage for r in peers) / len(peers) if peers else 0.0
        first_id = len(m.reps) + (m.seat is not None)  # the seat's rep took len(reps) at start
        added = []
        for k in range(int(n)):
            rep = Rep(m, first_id + k, -1, skills, unit, quality, 1, False, 0.0, wage)
            m.reps.append(rep)
            m.staff.on_shift_on(rep, True)
            added.append(rep.rid)
        self.n_reps_added += int(n)
        return added


class InjectsFrontDoor:
    """:class:`~sim.model.StormModel`'s public methods for decisions and injects (a mixin: the
    model keeps its :class:`Injects` as ``self.injects``). Each acts now, at ``self.now``."""

    injects: Injects

    def set_crisis(self, on: bool) -> None:
        """Switch crisis mode on or off now, as the crisis check would."""
        self.injects.set_crisis(on)

    def holding_statement(self) -> None:
        """Post a holding statement now: public pile-ons thinned to the end of the storm."""
        self.injects.holding_statement()

    def inject_complaint(self, channel, topic, *, followers=None, anger=0.8, severity=0.7,
                         public=None, author=None) -> int:  # fmt: skip
        """A complaint arrives now from a new customer with ``followers`` (or customer
        ``author``) on ``channel`` (None: the main public one; ``public=False``: the largest
        private one) about ``topic``; into the seat if it works the channel. Its id."""
        return self.injects.inject_complaint(
            channel, topic, followers=followers, anger=anger, severity=severity,
            public=public, author=author,
        )  # fmt: skip

    def add_incident(self, multiplier: float, duration_min: float, topic=None) -> None:
        """Extra new complaints for ``duration_min`` at (multiplier − 1) × the baseline rate."""
        self.injects.add_incident(float(multiplier), float(duration_min), topic)

    def add_reps(self, n: int = 1, channels=None) -> list[int]:
        """``n`` extra reps to the end of the run on ``channels`` (None: the public ones)."""
        return self.injects.add_reps(n, None if channels is None else list(channels))


class _Incident:
    """An added incident's extra arrivals: a Poisson stream on ``[start, end)``."""

    __slots__ = ("end", "j", "key", "rate", "start", "stream", "topic")

    def __init__(self, key: int, start: float, end: float, rate: float, topic: int | None):
        self.key = key
        self.stream = KeyedStream(key)
        self.start, self.end, self.rate, self.topic = start, end, rate, topic
        self.j = 0


__all__ = ["TAG_INJECT", "Injects", "InjectsFrontDoor"]
