"""StormModel: the event loop and the front door (run, inbox, act, status, results).

Time is continuous, in minutes since the scenario start: a rep starts on a complaint the moment
both are free (no minute ticks), so the pure-queue limit reproduces Erlang C/A (DESIGN §3).
The event core is a lean heap of plain tuples inside the model — measured ≈ 5× cheaper per
event than Mesa's own event list with 1e5 pending events — and Mesa's
``step``/``run_for``/``run_until`` drive it (one step = one minute). The work is done by
collaborators, each with a public interface:

- :class:`~sim.model.desk.Desk` — a complaint's life: arrival, service, reply, reaction;
- :class:`~sim.model.staff.Staff` — reps, shifts, breaks, who is free;
- :class:`~sim.model.routing.Routing` — queues and routing policies (fifo, priority, skills);
- :class:`~sim.model.contagion.Contagion` — pile-ons, re-posts and channel switches;
- :class:`~sim.model.crisis.CrisisMode` — the crisis trigger and what it changes;
- :class:`~sim.model.seat.Seat` — the trainee's seat;
- :class:`~sim.model.accounting.Accounting` — capacity and busy time, the hourly samples;
- :class:`~sim.model.injects.Injects` — decisions and injects from outside while it runs
  (:meth:`StormModel.set_crisis`, :meth:`~StormModel.holding_statement`,
  :meth:`~StormModel.inject_complaint`, :meth:`~StormModel.add_incident`,
  :meth:`~StormModel.add_reps`).
"""

from __future__ import annotations

import gc
import heapq
import itertools
from dataclasses import dataclass

import mesa
import numpy as np

from ..agents import Complaint, ComplaintState, Origin, Outcome, Rep
from ..arrivals import MIN_PER_HOUR, ScenarioClock, exogenous_arrivals
from ..checks import scenario_warnings
from ..ledger import Ledger
from ..population import build_population
from ..results import build_results
from . import queue_path
from .accounting import Accounting
from .contagion import Contagion
from .crisis import CrisisMode
from .desk import Desk, ExoFeed
from .events import (
    EV_ARRIVAL,
    EV_BREAK_OFF,
    EV_BREAK_ON,
    EV_CRISIS_CHECK,
    EV_DONE,
    EV_FOLLOW_UP,
    EV_GIVE_UP,
    EV_HOUR,
    EV_INJECT,
    EV_PILE_ON,
    EV_REPOST,
    EV_SHIFT_OFF,
    EV_SHIFT_ON,
)
from .injects import Injects, InjectsFrontDoor
from .routing import PRIORITY_PUBLIC, PRIORITY_REACH_TIER, Routing, priority_key, reach_tier
from .seat import ActionError, ActionOutcome, InboxItem, Seat, TraineeSeat, reaction_of
from .staff import Staff
from .streams import (
    DRAW_BLOCK,
    STREAMS,
    TAG_CONTAGION,
    TAG_OUTCOMES,
    TAG_PILE_ON,
    TAG_REPOST,
    TAG_ROUTING,
    TAG_SEAT,
    TAG_SERVICE,
    Draws,
    KeyedStream,
    child_key,
    duration_draw,
    duration_from_uniform,
    exo_keys_and_first_draws,
    mix64,
    mix64_array,
    normal_of,
)


@dataclass
class RunWarning:
    """Something the user must know about a run (e.g. the safety cap stopped a runaway storm)."""

    code: str
    message: str


class StormModel(InjectsFrontDoor, mesa.Model):
    """A complaint storm on a scenario, with a given seed.

    ``StormModel(scenario, seed)`` builds everything; ``run_until(t)`` advances to minute ``t``;
    ``run()`` runs to the end; :meth:`results` gives KPIs, an hourly timeseries and the
    complaints table. With a :class:`TraineeSeat`, :meth:`inbox` and :meth:`act` let a person
    answer part of the storm. Decisions and injects while it runs (``set_crisis``,
    ``holding_statement``, ``inject_complaint``, ``add_incident``, ``add_reps``) come from
    :class:`~sim.model.injects.InjectsFrontDoor`.
    """

    def __init__(
        self,
        scenario,
        seed: int | None = None,
        *,
        trainee: TraineeSeat | None = None,
        record_threads: bool = False,
        seat_bot: bool = False,
        seat_replication: int = 0,
        seat_routing=None,
    ):
        seed = scenario.info.seed if seed is None else int(seed)
        super().__init__(rng=seed)
        self._default_schedule.stop()  # time is driven by our own event heap
        self.spec = scenario
        self.seed = seed
        self.record_threads = record_threads or trainee is not None
        # Settings that are legal but probably a mistake (sim.checks) come first.
        self.warnings: list[RunWarning] = [
            RunWarning("scenario", str(p)) for p in scenario_warnings(scenario)
        ]
        info = scenario.info
        self.duration = info.duration_hours * MIN_PER_HOUR
        self.warmup = info.warmup_hours * MIN_PER_HOUR
        self.max_complaints = info.max_complaints
        self.now = 0.0
        self.halted = False
        self.crisis = False
        self.clock = ScenarioClock(info.start, info.timezone, self.duration)
        self._heap: list = []
        self._seq = itertools.count()

        streams = np.random.SeedSequence(seed).spawn(len(STREAMS))
        self.streams = dict(zip(STREAMS, streams, strict=True))
        self.d_staffing = Draws(self.streams["staffing"])
        # Every complaint's own streams derive from this base and its stable key.
        self.key_base = int(self.streams["complaints"].generate_state(1, np.uint64)[0])
        if seat_bot and trainee is None:
            raise ValueError("seat_bot: a bot can only work a trainee seat (give trainee=...)")

        # Channels, in file order.
        self.channel_names = list(scenario.channels)
        self.channel_index = {name: i for i, name in enumerate(self.channel_names)}
        chans = [scenario.channels[c] for c in self.channel_names]
        self.channel_specs = chans
        self.n_channels = len(chans)
        self.channel_public = [c.public for c in chans]
        shares = np.array([c.share for c in chans], dtype=float)
        self.public_channels = [i for i, c in enumerate(chans) if c.public]
        self.main_public = max(self.public_channels, key=lambda i: shares[i], default=None)
        self.topic_index: dict[str, int] = {t: i for i, t in enumerate(scenario.arrivals.topics)}

        self.population = build_population(
            scenario.population,
            self.n_channels,
            shares,
            np.random.default_rng(self.streams["population"]),
        )
        self.exo = exogenous_arrivals(
            scenario,
            self.clock,
            np.random.default_rng(self.streams["arrivals"]),
            self.channel_index,
            self.topic_index,
        )
        self.topic_names = list(self.topic_index)  # incidents may have added topics
        self.ledger = Ledger()
        self.feed = ExoFeed(self, self.exo)
        self.desk = Desk(self)
        self.contagion = Contagion(self)
        self.kernel = self.contagion.kernel
        self.routing = Routing(self)
        self.queues = self.routing.queues
        self.staff = Staff(self)
        self.reps: list[Rep] = self.staff.reps
        self.staff.build()
        self.shift_intervals = self.staff.shift_intervals
        self.seat = (
            None
            if trainee is None
            else Seat(
                self, trainee, bot=seat_bot, replication=seat_replication, routing=seat_routing
            )
        )
        self.books = Accounting(self)
        self.datacollector = self.books.datacollector
        self.crisis_mode = CrisisMode(self)
        self.injects = Injects(self)
        # A pure queue runs on the fast path (complaints as columns, same draws and results).
        self.path = queue_path.QueuePath(self) if queue_path.applies(self) else None

        self._dispatch = (
            self.feed.on_arrival,
            self.desk.on_done,
            self.desk.on_give_up,
            self.contagion.on_pile_on,
            self.desk.on_follow_up,
            self.contagion.on_repost,
            self.staff.on_shift_on,
            self.staff.on_shift_off,
            self.books.on_hour,
            self.crisis_mode.on_check,
            self.staff.on_break_on,
            self.staff.on_break_off,
            self.injects.on_incident_arrival,
        )
        self.feed.start()
        for k, edge in enumerate(self.books.edges[1:]):
            if edge <= self.duration:
                self.push(float(edge), EV_HOUR, k, None)
        self.crisis_mode.start()
        self._advance_time(0.0)  # start the shifts that are on at t = 0

    # ------------------------------------------------------------------ event core
    def push(self, t: float, kind: int, a, b) -> None:
        """Schedule event ``kind`` at minute ``t`` with arguments ``a``, ``b``."""
        heapq.heappush(self._heap, (t, next(self._seq), kind, a, b))

    def _advance_time(self, until: float) -> None:
        """Process every event up to ``until`` (minutes) — Mesa's step/run_for/run_until use it."""
        until = min(float(until), self.duration)
        if self.path is not None:
            self.path.advance(until)
            if not self.halted:
                self.now = max(self.now, until)
            self.time = self.now
            return
        heap = self._heap
        pop = heapq.heappop
        dispatch = self._dispatch
        # The loop allocates millions of short-lived, acyclic tuples and agents; Python's cyclic
        # collector would rescan every live object again and again (≈ 25% of a 1M-complaint
        # run), so it is paused here and restored as it was.
        collecting = gc.isenabled()
        gc.disable()
        try:
            while heap and heap[0][0] <= until and not self.halted:
                t, _, kind, a, b = pop(heap)
                self.now = t
                dispatch[kind](a, b)
        finally:
            if collecting:
                gc.enable()
        if not self.halted:
            self.now = max(self.now, until)
        self.time = self.now

    def run(self) -> StormModel:
        """Run to the end of the scenario (``duration_hours``)."""
        self.run_until(self.duration)
        return self

    @property
    def finished(self) -> bool:
        return self.halted or self.now >= self.duration

    def halt_at_cap(self, n: int) -> None:
        """The safety cap: ``n`` complaints reached ``scenario.max_complaints``; stop the run."""
        if self.halted:
            return
        self.halted = True
        self.warnings.append(
            RunWarning(
                "safety_cap",
                f"stopped at {self.now / 60:.1f} h: {n} complaints reached "
                f"scenario.max_complaints — a runaway storm (branching ratio ≥ 1 with too "
                f"little response); results cover the run up to that point",
            )
        )

    # ------------------------------------------------------------------ the trainee's seat
    @property
    def trainee(self) -> TraineeSeat | None:
        return None if self.seat is None else self.seat.spec

    @property
    def trainee_rep(self) -> Rep | None:
        return None if self.seat is None else self.seat.rep

    @property
    def trainee_inbox(self) -> dict:
        """The complaints in the trainee's inbox by id (empty without a seat)."""
        return {} if self.seat is None else self.seat.inbox

    @property
    def seat_log(self) -> dict[tuple[int, int], bool]:
        """Seat routing decisions by (complaint key, routing draw), for ``seat_routing``."""
        return {} if self.seat is None else self.seat.log

    @property
    def seat_bot(self) -> bool:
        return self.seat is not None and self.seat.bot

    def inbox(self) -> list[InboxItem]:
        """The trainee's complaints waiting for a reply now, longest-waiting first."""
        return [] if self.seat is None else self.seat.items()

    def act(
        self,
        complaint_id: int,
        action: str,
        text: str,
        *,
        remedy: float = 0.0,
        canned_texts: tuple[str, ...] = (),
        weights=None,
        scorer=None,
    ) -> ActionOutcome:
        """The trainee answers complaint ``complaint_id`` now with ``text``.

        ``action`` is one of ``reply_public``, ``move_to_dm``, ``escalate``, ``offer_remedy``.
        The reply is scored by :func:`sim.scoring.score_reply`; the customer and the crowd react
        through the same functions as for bot reps. Raises :class:`ActionError` (a
        ``ValueError``) for a complaint that is not waiting in this seat's inbox, an unknown
        action, an empty reply or a remedy beyond the seat's empowerment — and changes nothing.
        ``scorer`` stands in for ``score_reply`` (same arguments; it must give the same
        ``total`` and ``features``): a replay passes a memo of the scores it already computed.
        """
        if self.seat is None:
            raise ActionError(
                f"complaint {complaint_id} is not waiting for your reply "
                "(closed, answered, or not in your inbox)"
            )
        return self.seat.act(
            complaint_id,
            action,
            text,
            remedy=remedy,
            canned_texts=canned_texts,
            weights=weights,
            scorer=scorer,
        )

    # ------------------------------------------------------------------ status and results
    def status(self) -> dict:
        """A cheap live summary of the storm (for a trainer polling every second)."""
        return {
            "now_min": self.now,
            "clock": self.clock.local(self.now).isoformat(timespec="minutes"),
            "complaints": self.desk.next_cid,
            "waiting": self.queue_length(),
            "in_your_inbox": len(self.trainee_inbox),
            "arrivals_this_hour": sum(self.books.hour.arrivals),
            "mood": self.books.hour.mood,
            "reps_on_shift": self.books.cap,
            "crisis": self.crisis,
            "finished": self.finished,
        }

    def queue_length(self) -> int:
        """Complaints waiting for a rep right now (all queues and the trainee inbox)."""
        if self.path is not None:
            return self.path.n_waiting
        waiting = ComplaintState.WAITING
        return sum(1 for c in self.desk.live.values() if c.state == waiting)

    def complaint_columns(self) -> dict[str, np.ndarray]:
        """Every complaint so far as columns (:data:`sim.ledger.COLUMNS`), sorted by id; those
        still open have ``closed`` = NaN."""
        if self.path is not None:
            return self.path.columns()
        return self.ledger.arrays(open_rows=self.desk.live.values())

    def work_in_hand(self):
        """``(rep, channel, started)`` of every complaint a rep is working on now."""
        if self.path is not None:
            yield from self.path.work_in_hand()
            return
        for rep in self.reps:
            for c in rep.active:
                yield rep, c.channel, c.started

    @property
    def crisis_minutes(self) -> float:
        """Minutes in crisis mode up to the last integration."""
        return self.books.crisis_minutes

    @property
    def spread_global(self) -> float:
        return self.contagion.spread_global

    def expected_by(self, t: float) -> float:
        """Baseline arrivals expected from the first clock-hour edge up to minute ``t``."""
        return self.books.expected_by(t)

    _expected_by = expected_by  # the name tests/test_crisis_trigger.py knows

    def results(self):
        """KPIs, hourly timeseries and the complaints table of the run so far."""
        return build_results(self)


_reaction_of = reaction_of  # the name tests/test_vocab.py (on main) imports

__all__ = [
    "DRAW_BLOCK",
    "EV_ARRIVAL",
    "EV_BREAK_OFF",
    "EV_BREAK_ON",
    "EV_CRISIS_CHECK",
    "EV_DONE",
    "EV_FOLLOW_UP",
    "EV_GIVE_UP",
    "EV_HOUR",
    "EV_INJECT",
    "EV_PILE_ON",
    "EV_REPOST",
    "EV_SHIFT_OFF",
    "EV_SHIFT_ON",
    "PRIORITY_PUBLIC",
    "PRIORITY_REACH_TIER",
    "TAG_CONTAGION",
    "TAG_OUTCOMES",
    "TAG_PILE_ON",
    "TAG_REPOST",
    "TAG_ROUTING",
    "TAG_SEAT",
    "TAG_SERVICE",
    "ActionError",
    "ActionOutcome",
    "Complaint",
    "ComplaintState",
    "Draws",
    "InboxItem",
    "KeyedStream",
    "Origin",
    "Outcome",
    "Rep",
    "RunWarning",
    "StormModel",
    "TraineeSeat",
    "child_key",
    "duration_draw",
    "duration_from_uniform",
    "exo_keys_and_first_draws",
    "mix64",
    "mix64_array",
    "normal_of",
    "priority_key",
    "reach_tier",
    "reaction_of",
]
