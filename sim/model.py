"""StormModel: complaint storms across channels, worked by reps under routing and escalation.

Time is continuous, in minutes since the scenario start: a rep starts on a complaint the moment
both are free (no minute ticks), so the pure-queue limit reproduces Erlang C/A (DESIGN §3).
The event core is a lean heap of plain tuples inside the model — measured ≈ 5× cheaper per
event than Mesa's own event list with 1e5 pending events — while complaints and reps remain
Mesa agents, and Mesa's ``step``/``run_for``/``run_until`` drive it (one step = one minute).

Random draws are common random numbers: the population, the exogenous arrivals and the
staffing come from their own ``numpy.random.SeedSequence.spawn`` streams, drawn up front; every
complaint then draws from streams of its own (:class:`KeyedStream`), keyed by a *stable* key — a
new complaint by its arrival index, a pile-on or re-post by its parent's key and its number
among the parent's children — never by the order events happen to fire in. So a run with a
trainee and the same run with bots in the seat share every draw the trainee did not cause:
one reply changes that thread and what descends from it, and reaches everyone else only
through real causal paths (queues, crisis mode, saturation). ``seat_replication`` re-draws
only the seat's own work (its bot replies and its customers' reactions) for a band of bot runs.
"""

from __future__ import annotations

import gc
import heapq
import itertools
import math
from bisect import bisect_right
from collections import deque
from dataclasses import dataclass

import mesa
import numpy as np
from scipy.special import ndtri

from . import calibration as cal
from .agents import Complaint, ComplaintState, Origin, Outcome, Rep
from .arrivals import (
    MIN_PER_HOUR,
    ScenarioClock,
    SeismicKernel,
    baseline_rate_edges,
    exogenous_arrivals,
)
from .checks import scenario_warnings
from .ledger import Ledger
from .population import build_population
from .reactions import ReplyTraits, bot_reply, escalation_chances, p_satisfied, spread_multiplier

# Event kinds (small ints: the heap holds plain tuples (time, seq, kind, a, b)).
EV_ARRIVAL, EV_DONE, EV_GIVE_UP, EV_PILE_ON, EV_FOLLOW_UP, EV_REPOST = range(6)
EV_SHIFT_ON, EV_SHIFT_OFF, EV_HOUR, EV_CRISIS_CHECK = range(6, 10)
EV_BREAK_ON, EV_BREAK_OFF = range(10, 12)

STREAMS = (
    "population",
    "arrivals",
    "contagion",
    "service",
    "outcomes",
    "staffing",
    "trainee",
    "trainee_routing",
    "complaints",  # the base of every complaint's own key
)
DRAW_BLOCK = 4096
# Crisis mode watches new grievances: new complaints and pile-ons. Re-posts and channel
# switches are customers already in the queue coming back; a night-time backlog produces them
# in numbers that have nothing to do with a storm.
_STORM_ORIGINS = frozenset((Origin.NEW, Origin.PILE_ON))
# Priority routing is lexicographic: public before private; then reach, in orders of magnitude
# of followers (0–9, 10–99, 100–999…); then anger. The key packs the three into one float
# (smaller = first): anger is in [0, 1], so it never outweighs a reach tier, and the reach tier
# (≤ 15 for any follower count a float holds exactly) never outweighs public.
PRIORITY_PUBLIC = 100.0
PRIORITY_REACH_TIER = 2.0


_TRAITS = {flags: ReplyTraits(*flags) for flags in itertools.product((False, True), repeat=4)}


class Draws:
    """One random stream served from numpy blocks (cheap scalar draws, deterministic order)."""

    def __init__(self, seed_seq: np.random.SeedSequence):
        self.gen = np.random.default_rng(seed_seq)
        self._u: list[float] = []
        self._n: list[float] = []
        self._e: list[float] = []

    def random(self) -> float:
        if not self._u:
            self._u = self.gen.random(DRAW_BLOCK).tolist()
        return self._u.pop()

    def normal(self) -> float:
        if not self._n:
            self._n = self.gen.standard_normal(DRAW_BLOCK).tolist()
        return self._n.pop()

    def exponential(self) -> float:
        if not self._e:
            self._e = self.gen.standard_exponential(DRAW_BLOCK).tolist()
        return self._e.pop()


_M64 = 0xFFFFFFFFFFFFFFFF
_GOLDEN = 0x9E3779B97F4A7C15
_TO_UNIT = 2.0**-53
_TO_UNIT32 = 2.0**-32
_TWO_PI = 2.0 * math.pi
# Tags that separate a complaint's streams and its children's keys (random odd constants).
TAG_SERVICE = 0x6A09E667F3BCC909  # bot replies to it: score, apology, canned
TAG_OUTCOMES = 0xBB67AE8584CAA73B  # its customer's reactions, follow-ups, escalations
TAG_CONTAGION = 0x3C6EF372FE94F82B  # when its pile-ons come
TAG_ROUTING = 0xA54FF53A5F1D36F1  # whether it lands in the trainee's seat
TAG_PILE_ON = 0x510E527FADE682D1  # key of its k-th pile-on attempt
TAG_REPOST = 0x9B05688C2B3E6C1F  # key of its k-th re-post or channel switch
TAG_SEAT = 0x1F83D9ABFB41BD6B  # the seat's replication salt


_TIER_EDGES = tuple(10**k for k in range(1, 19))


def reach_tier(followers: int) -> int:
    """Orders of magnitude of an audience: 0 for 0–9 followers, 1 for 10–99, 2 for 100–999…"""
    return bisect_right(_TIER_EDGES, followers)


def priority_key(public: bool, followers: int, anger: float) -> float:
    """Priority routing's key, smaller first: public, then reach tier, then anger.

    Equal to ordering by the tuple ``(not public, -reach_tier(followers), -anger)``.
    """
    tier = bisect_right(_TIER_EDGES, followers)
    return -(PRIORITY_PUBLIC * public + PRIORITY_REACH_TIER * tier + anger)


def mix64(x: int) -> int:
    """SplitMix64's finaliser: a bijection on 64-bit integers with full avalanche."""
    z = x & _M64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _M64
    return z ^ (z >> 31)


def child_key(key: int, tag: int, k: int) -> int:
    """The stable key of the ``k``-th child of kind ``tag`` of the complaint keyed ``key``."""
    return mix64((key ^ tag) + (k + 1) * _GOLDEN)


class KeyedStream:
    """A counter-based stream: draw ``n`` is SplitMix64 of ``key + n·φ`` (pure Python, cheap).

    Its draws depend only on the key and how many were taken from it, never on what other
    streams did, so a complaint's draws survive anything that happens elsewhere in the run.
    Same interface as :class:`Draws`.
    """

    __slots__ = ("key", "n")

    def __init__(self, key: int):
        self.key = key
        self.n = 0

    def random(self) -> float:
        """Uniform in [0, 1)."""
        n = self.n
        self.n = n + 1
        z = (self.key + n * _GOLDEN) & _M64
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _M64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _M64
        return ((z ^ (z >> 31)) >> 11) * _TO_UNIT

    def normal(self) -> float:
        """Standard normal (Box–Muller on the two halves of one 64-bit draw; |z| ≤ 6.66)."""
        n = self.n
        self.n = n + 1
        z = (self.key + n * _GOLDEN) & _M64
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _M64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _M64
        return normal_of(z ^ (z >> 31))

    def exponential(self) -> float:
        """Standard exponential."""
        return -math.log1p(-self.random())


def normal_of(h: int) -> float:
    """The standard normal of a 64-bit draw (Box–Muller on its two halves)."""
    r = math.sqrt(-2.0 * math.log(((h >> 32) + 1) * _TO_UNIT32))
    return r * math.cos(_TWO_PI * (h & 0xFFFFFFFF) * _TO_UNIT32)


def mix64_array(x: np.ndarray) -> np.ndarray:
    """:func:`mix64` on a ``uint64`` array (wrapping arithmetic, bit-identical to the scalar)."""
    z = x ^ (x >> np.uint64(30))
    z *= np.uint64(0xBF58476D1CE4E5B9)
    z ^= z >> np.uint64(27)
    z *= np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def exo_keys_and_first_draws(key_base: int, start: int, n: int) -> tuple[list, list]:
    """Keys of new complaints ``start…start+n-1`` and the first draws of their streams.

    Complaint ``i``'s key is ``mix64(base + (i+1)·φ)``. Its bot reply and its customer's first
    reaction are the hot path of every run, so the first draws of its streams — service draws
    0, 1, 2 (normal, uniform, uniform) and outcome draw 0 (uniform) of :class:`KeyedStream` —
    are computed here, a block at a time, as floats. The uniforms are bit-identical to the
    stream's; the normal is too but for numpy's log/cos against the C library's (last bit).
    """
    g = np.uint64(_GOLDEN)
    idx = np.arange(start + 1, start + n + 1, dtype=np.uint64)
    keys = mix64_array(np.uint64(key_base) + idx * g)
    srv = keys ^ np.uint64(TAG_SERVICE)

    def unit(h: np.ndarray) -> np.ndarray:
        return (h >> np.uint64(11)).astype(np.float64) * _TO_UNIT

    h = mix64_array(srv)
    hi = (h >> np.uint64(32)).astype(np.float64)
    lo = (h & np.uint64(0xFFFFFFFF)).astype(np.float64)
    z = np.sqrt(-2.0 * np.log((hi + 1.0) * _TO_UNIT32)) * np.cos(_TWO_PI * lo * _TO_UNIT32)
    first = zip(
        z.tolist(),
        unit(mix64_array(srv + g)).tolist(),
        unit(mix64_array(srv + np.uint64(2 * _GOLDEN % (1 << 64)))).tolist(),
        unit(mix64_array(keys ^ np.uint64(TAG_OUTCOMES))).tolist(),
        strict=True,
    )
    return keys.tolist(), list(first)


def duration_from_uniform(spec, u: np.ndarray) -> np.ndarray:
    """Vectorised draw of a scenario duration (minutes) from uniforms; ``"none"`` → inf."""
    if spec == "none":
        return np.full(len(u), math.inf)
    if spec.dist == "exponential":
        return -spec.mean_min * np.log1p(-u)
    if spec.dist == "lognormal":
        return spec.median_min * np.exp(spec.sigma * ndtri(u))
    return np.full(len(u), float(spec.value_min))


def duration_draw(spec, draws: Draws) -> float:
    """One draw of a scenario duration (minutes); ``"none"`` → inf."""
    if spec == "none":
        return math.inf
    if spec.dist == "exponential":
        return spec.mean_min * draws.exponential()
    if spec.dist == "lognormal":
        return spec.median_min * math.exp(spec.sigma * draws.normal())
    return float(spec.value_min)


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


def _reaction_of(c: Complaint, escalated: bool) -> str:
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


@dataclass
class RunWarning:
    """Something the user must know about a run (e.g. the safety cap stopped a runaway storm)."""

    code: str
    message: str


@dataclass
class _Counters:
    """Per-clock-hour counters, reset by the hourly sample."""

    arrivals: list[int]
    anger_sum: float = 0.0
    answered: int = 0
    gave_up: int = 0


class StormModel(mesa.Model):
    """A complaint storm on a scenario, with a given seed.

    ``StormModel(scenario, seed)`` builds everything; ``run_until(t)`` advances to minute ``t``;
    ``run()`` runs to the end; :meth:`results` gives KPIs, an hourly timeseries and the
    complaints table. With a :class:`TraineeSeat`, :meth:`inbox` and :meth:`act` let a person
    answer part of the storm.
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
        self.now = 0.0
        self.halted = False
        self.clock = ScenarioClock(info.start, info.timezone, self.duration)

        streams = np.random.SeedSequence(seed).spawn(len(STREAMS))
        self.streams = dict(zip(STREAMS, streams, strict=True))
        self.d_staffing = Draws(self.streams["staffing"])
        # Every complaint's own streams derive from this base and its stable key.
        self._key_base = int(self.streams["complaints"].generate_state(1, np.uint64)[0])
        if seat_bot and trainee is None:
            raise ValueError("seat_bot: a bot can only work a trainee seat (give trainee=...)")
        self.seat_bot = bool(seat_bot)
        # Seat routing decisions by (complaint key, routing draw): logged in every seated run,
        # and replayed from another run's log (``seat_routing``) so a bot seat gets the very
        # customers the trainee got, whatever its inbox cap would have said.
        self.seat_log: dict[tuple[int, int], bool] = {}
        self._seat_forced = dict(seat_routing) if seat_routing is not None else None
        self.seat_replication = int(seat_replication)
        self._seat_salt = (
            mix64(TAG_SEAT + self.seat_replication * _GOLDEN) if self.seat_replication else 0
        )

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
        self.topic_names = list(self.topic_index)
        # Policy switches read on every complaint, looked up once.
        policy = scenario.policy
        self._max_complaints = info.max_complaints
        self._crisis_watch = policy.crisis_threshold > 0
        self._auto_ack = policy.auto_acknowledge
        self._reply_effect = scenario.contagion.reply_effect
        self._escalation_severity = policy.escalation_severity
        self._dm_topic = [
            policy.dm_handoff and t in cal.TOPICS_NEEDING_PRIVATE_DETAILS for t in self.topic_names
        ]
        self._exo_patience = np.empty(len(self.exo))
        self._exo_handle = np.empty(len(self.exo))
        for i, ch in enumerate(chans):
            mask = self.exo.channel == i
            self._exo_patience[mask] = duration_from_uniform(ch.patience, self.exo.u_patience[mask])
            self._exo_handle[mask] = duration_from_uniform(ch.handle_time, self.exo.u_handle[mask])
        self._exo_anger = np.clip(
            cal.ANGER_BASE
            + cal.ANGER_PER_SEVERITY * self.exo.severity
            + self.population.temperament[self.exo.author]
            + 0.1 * self.exo.z_anger,
            0.0,
            1.0,
        )

        # Contagion.
        cont = scenario.contagion
        self.contagion_on = cont.enabled and bool(self.public_channels)
        self.kernel = SeismicKernel(
            cont.kernel_flat_min, cont.kernel_theta, cont.horizon_hours * MIN_PER_HOUR
        )
        fol = self.population.followers.astype(float)
        self._reach_norm = float(np.mean(fol**cont.reach_weight)) if cont.reach_weight else 1.0
        self.spread_global = 1.0  # crisis holding statement (≤ 1, applied by thinning)
        self.n_pile_on_authors = 0

        # Queues: one heap per channel plus the tier-2 queue; free reps per channel.
        self.T2 = self.n_channels
        self.queues: list[list] = [[] for _ in range(self.n_channels + 1)]
        self.available: list[dict] = [{} for _ in range(self.n_channels)]
        self.available_t2: list[dict] = [{} for _ in range(self.n_channels)]
        self.routing = scenario.policy.routing
        # Channels that get a rep's attention first (policy.reserve_for, e.g. phone).
        self._reserved = tuple(self.channel_index[c] for c in scenario.policy.reserve_for)
        self._holding: set[Rep] = set()  # reps draining their load for a reserved complaint
        self._reserve_reps = scenario.policy.reserve_reps if self._reserved else 0
        self._seq = itertools.count()
        self._heap: list = []
        self._live: dict[int, Complaint] = {}
        self._next_cid = 0
        self.ledger = Ledger()
        self.trainee = trainee
        self.trainee_rep: Rep | None = None
        self.trainee_inbox: dict[int, Complaint] = {}
        self._trainee_channels: frozenset[int] = frozenset()

        # Reps and shifts.
        self.reps: list[Rep] = []
        self.shift_intervals: dict[str, list[tuple[float, float]]] = {}
        self._build_reps()
        self.has_tier2 = any(r.tier == 2 for r in self.reps)
        if trainee is not None:
            self._add_trainee(trainee)

        # Accounting.
        self._cap = 0  # reps present on shift
        self._busy_area = 0.0
        self._cap_area = 0.0
        self._cap_area_all = 0.0  # whole run, for the hourly average
        self._cap_area_at_hour = 0.0
        self._hour_started = 0.0
        self._last_t = 0.0
        self.crisis = False
        self.crisis_minutes = 0.0
        self._crisis_since = 0.0
        self._crisis_calm_checks = 0
        self._recent = deque()  # arrival times within the crisis window
        self._edges, self._baseline = baseline_rate_edges(scenario, self.clock)
        # Expected baseline arrivals from the first edge up to each edge, so crisis mode can
        # compare the last hour's arrivals with what was expected over that same hour.
        self._baseline_cum = np.concatenate(
            ([0.0], np.cumsum(self._baseline * np.diff(self._edges) / MIN_PER_HOUR))
        )
        self._hour = _Counters([0] * self.n_channels)
        self.datacollector = mesa.DataCollector(model_reporters=_REPORTERS)
        self._hour_k = 0

        self._dispatch = (
            self._on_arrival,
            self._on_done,
            self._on_give_up,
            self._on_pile_on,
            self._on_follow_up,
            self._on_repost,
            self._on_shift_on,
            self._on_shift_off,
            self._on_hour,
            self._on_crisis_check,
            self._on_break_on,
            self._on_break_off,
        )
        self._exo_block_start = 0
        self._exo_rows: list[tuple] = []
        self._exo_times: list[float] = []
        if len(self.exo):
            self._push(float(self.exo.time[0]), EV_ARRIVAL, 0, None)
        for k, edge in enumerate(self._edges[1:]):
            if edge <= self.duration:
                self._push(float(edge), EV_HOUR, k, None)
        if scenario.policy.crisis_threshold > 0:
            self._push(cal.CRISIS_CHECK_EVERY_MIN, EV_CRISIS_CHECK, None, None)
        self._advance_time(0.0)  # start the shifts that are on at t = 0

    # ------------------------------------------------------------------ event core
    def _push(self, t: float, kind: int, a, b) -> None:
        heapq.heappush(self._heap, (t, next(self._seq), kind, a, b))

    def _advance_time(self, until: float) -> None:
        """Process every event up to ``until`` (minutes) — Mesa's step/run_for/run_until use it."""
        until = min(float(until), self.duration)
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

    # ------------------------------------------------------------------ shifts and reps
    def _build_reps(self) -> None:
        spec = self.spec
        all_channels = list(range(self.n_channels))
        for shift_i, shift in enumerate(spec.shifts):
            skills = (
                all_channels
                if shift.skills is None
                else [self.channel_index[s] for s in shift.skills]
            )
            unit = {}
            for i, ch in enumerate(self.channel_specs):
                conc = ch.concurrency
                if shift.concurrency and self.channel_names[i] in shift.concurrency:
                    conc = shift.concurrency[self.channel_names[i]]
                unit[i] = 1.0 / conc
            intervals = self._shift_intervals(shift)
            self.shift_intervals[shift.name] = intervals
            for j in range(shift.reps):
                rep = Rep(
                    self,
                    len(self.reps),
                    shift_i,
                    skills,
                    unit,
                    shift.quality,
                    shift.tier,
                    shift.empowered,
                    shift.remedy_limit,
                    shift.hourly_wage,
                )
                self.reps.append(rep)
                absence = shift.absence_share
                for start, end in intervals:
                    present = absence == 0 or self.d_staffing.random() >= absence
                    self._push(max(start, 0.0), EV_SHIFT_ON, rep, present)
                    if end < self.duration:
                        self._push(end, EV_SHIFT_OFF, rep, None)
                    if present and shift.break_share > 0:
                        self._push_breaks(rep, j, shift, start, end)

    def _push_breaks(self, rep: Rep, j: int, shift, start: float, end: float) -> None:
        """Rep ``j`` of ``shift``'s breaks in one occurrence [start, end).

        One ``break_min`` break every ``break_min / break_share`` minutes; rep j's first is due
        (j + ½)/reps of that cycle after the start, so the shift's reps take turns and about
        ``break_share`` of them are off at any moment. When a break is due the rep takes no new
        work, finishes what is in hand and then takes the whole break (as an agent goes on a
        break after the current call): the queues lose exactly ``break_min`` of its time.
        """
        cycle = shift.break_min / shift.break_share
        t = start + (j + 0.5) / shift.reps * cycle
        while t < end and t < self.duration:
            self._push(t, EV_BREAK_ON, rep, shift.break_min)
            t += cycle

    def _shift_intervals(self, shift) -> list[tuple[float, float]]:
        """On-shift intervals (simulation minutes) of a shift within the run.

        Occurrences that touch are merged unless absence is drawn per occurrence.
        """
        from datetime import datetime, timedelta

        out: list[tuple[float, float]] = []
        dates = set(shift.dates) if shift.dates else None
        for d in self.clock.local_dates():
            if (dates is not None and d not in dates) or (
                dates is None and d.weekday() not in shift.day_set
            ):
                continue
            midnight = datetime(d.year, d.month, d.day)
            end_min = shift.end_min if shift.end_min > shift.start_min else shift.end_min + 1440
            a = self.clock.minutes_at(midnight + timedelta(minutes=shift.start_min))
            b = self.clock.minutes_at(midnight + timedelta(minutes=end_min))
            a, b = max(a, 0.0), min(b, self.duration)
            if b <= a:
                continue
            if out and shift.absence_share == 0 and a <= out[-1][1] + 1e-9:
                out[-1] = (out[-1][0], max(out[-1][1], b))
            else:
                out.append((a, b))
        return out

    def _on_shift_on(self, rep: Rep, present: bool) -> None:
        rep.on_shift = True
        if not present:
            return
        self._integrate()
        if not rep.present:
            rep.present = True
            self._cap += 1
        self._refill(rep)

    def _on_break_on(self, rep: Rep, length: float) -> None:
        """A break is due: no new work from now; the break starts when the rep's hands are free."""
        if not rep.present or rep.break_due:
            return
        rep.break_due = length
        self._holding.discard(rep)  # a rep going on break holds nothing for a call
        if rep.load < 1e-9:
            self._start_break(rep)
        else:
            self._update_available(rep)

    def _start_break(self, rep: Rep) -> None:
        self._integrate()
        rep.present = False
        rep.on_break = True
        self._cap -= 1
        rep.break_no += 1
        self._push(self.now + rep.break_due, EV_BREAK_OFF, rep, rep.break_no)
        rep.break_due = 0.0
        self._update_available(rep)

    def _on_break_off(self, rep: Rep, number: int) -> None:
        if not rep.on_break or number != rep.break_no:
            return  # the shift ended during the break
        rep.on_break = False
        if rep.on_shift:
            self._integrate()
            rep.present = True
            self._cap += 1
            self._refill(rep)

    def _on_shift_off(self, rep: Rep, _) -> None:
        self._integrate()
        rep.on_shift = False
        rep.on_break = False
        rep.break_due = 0.0
        self._holding.discard(rep)
        if rep.present:
            rep.present = False
            self._cap -= 1
        self._update_available(rep)  # no longer takes new work; finishes what is in hand

    def _add_busy(self, unit: float, start: float, end: float) -> None:
        """Count ``unit`` of a rep's attention busy over [start, end) inside the KPI window."""
        a = start if start > self.warmup else self.warmup
        b = end if end < self.duration else self.duration
        if b > a:
            self._busy_area += unit * (b - a)

    def _integrate(self) -> None:
        """Accumulate available rep-minutes (and crisis time) up to now, inside the KPI window."""
        now = self.now
        if now > self._last_t:
            self._cap_area_all += self._cap * (now - self._last_t)
        a, b = max(self._last_t, self.warmup), min(now, self.duration)
        if b > a:
            self._cap_area += self._cap * (b - a)
        if self.crisis and now > self._last_t:
            self.crisis_minutes += now - self._last_t
        self._last_t = now

    def _update_available(self, rep: Rep) -> None:
        """Keep the free-rep indexes right after the rep's load or presence changed."""
        working = rep.present and rep.is_bot and not rep.break_due
        for ch in rep.skills:
            d = self.available[ch]
            if working and rep.fits(ch):
                if rep not in d:
                    d[rep] = None
            else:
                d.pop(rep, None)
        if rep.tier == 2:  # tier 2 takes escalations from every channel
            for ch, d in enumerate(self.available_t2):
                if working and rep.fits(ch):
                    if rep not in d:
                        d[rep] = None
                else:
                    d.pop(rep, None)

    # ------------------------------------------------------------------ complaints
    def _new_complaint(
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
    ) -> Complaint | None:
        if self._next_cid >= self._max_complaints:
            if not self.halted:
                self.halted = True
                self.warnings.append(
                    RunWarning(
                        "safety_cap",
                        f"stopped at {self.now / 60:.1f} h: {self._next_cid} complaints reached "
                        f"scenario.max_complaints — a runaway storm (branching ratio ≥ 1 with too "
                        f"little response); results cover the run up to that point",
                    )
                )
            return None
        cid = self._next_cid
        self._next_cid += 1
        pile_on = origin == Origin.PILE_ON
        root = parent.root if (pile_on and parent is not None) else cid
        c = Complaint(
            self,
            cid,
            channel,
            self.channel_public[channel],
            topic,
            severity,
            anger,
            author,
            float(self.population.followers[author]),
            self.now,
            patience,
            handle,
            origin,
            -1 if parent is None else parent.cid,
            root,
            parent.generation + 1 if pile_on else 0,
        )
        c.key = key
        c.first_draws = first_draws
        self._live[cid] = c
        if self.record_threads:
            c.history = [(self.now, "complaint", None)]
        self._hour.arrivals[channel] += 1
        self._hour.anger_sum += anger
        if self._crisis_watch and origin in _STORM_ORIGINS:
            self._recent.append(self.now)
        if self.contagion_on and c.public:
            cont = self.spec.contagion
            n = cont.branching_ratio
            if cont.reach_weight:
                n *= c.followers**cont.reach_weight / self._reach_norm
            if cont.anger_weight:
                n *= math.exp(cont.anger_weight * (anger - cal.ANGER_REFERENCE))
            c.n_branch = n
            self._schedule_pile_on(c)
        if self._auto_ack:
            c.acknowledged = True
            c.patience *= cal.AUTO_ACK_PATIENCE_FACTOR
        self._route(c)
        return c

    def _route(self, c: Complaint) -> None:
        """A complaint (new, or back after a follow-up or escalation) looks for a rep."""
        c.state = ComplaintState.WAITING
        c.queued_at = self.now
        c.version += 1
        ch = c.channel
        if (
            self.trainee_rep is not None
            and ch in self._trainee_channels
            and not c.tier2
            and (c.trainee or self._to_trainee(c))
        ):
            if self._seat_salt and not c.salt:
                # The seat's own work is re-drawn in each replication: its replies and what
                # its customers do about them (from here on).
                c.salt = self._seat_salt
                c.rs = c.ro = c.first_draws = None
            c.trainee = True
            self.trainee_inbox[c.cid] = c
            if self.seat_bot:
                self._seat_refill()
                if c.state != ComplaintState.WAITING:
                    return
        elif c.tier2:
            rep = self._free_tier2(ch)
            if rep is not None:
                self._start(rep, c)
                self._update_available(rep)
                return
            self._enqueue(self.T2, c)
        else:
            d = self.available[ch]
            if d and self._reserved and ch not in self._reserved:
                d = self._free_for_others(d)
            if d:
                rep = self._pick_rep(d)
                self._start(rep, c)
                self._update_available(rep)
                return
            self._enqueue(ch, c)
        if c.patience < math.inf:
            self._push(self.now + c.patience, EV_GIVE_UP, c, c.version)

    def _to_trainee(self, c: Complaint) -> bool:
        seat = self.trainee
        rr = c.rr
        if rr is None:
            rr = c.rr = KeyedStream(c.key ^ TAG_ROUTING)
        n = rr.n
        drawn = rr.random() < seat.share
        forced = self._seat_forced
        if forced is not None and (c.key, n) in forced:
            yes = forced[(c.key, n)]
        else:
            yes = drawn and len(self.trainee_inbox) < seat.max_open
        self.seat_log[(c.key, n)] = yes
        return yes

    def _service_draws(self, c: Complaint) -> KeyedStream:
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

    def _outcome_draws(self, c: Complaint) -> KeyedStream:
        """The stream of ``c``'s customer's reactions (salted in the seat of a replication)."""
        ro = c.ro
        if ro is None or ro.__class__ is int:
            taken = ro or 0
            ro = c.ro = KeyedStream(c.key ^ TAG_OUTCOMES ^ c.salt)
            ro.n = taken
        return ro

    def _seat_refill(self) -> None:
        """A bot in the trainee's seat takes its inbox, longest-waiting first, as load allows."""
        rep = self.trainee_rep
        for c in list(self.trainee_inbox.values()):
            if rep.load > 1.0 - 1e-9:
                break
            if c.state == ComplaintState.WAITING and rep.fits(c.channel):
                del self.trainee_inbox[c.cid]
                self._start(rep, c)

    def _free_for_others(self, d: dict) -> dict:
        """The free reps in ``d`` that may take a complaint of an unreserved channel: not
        holding for a waiting reserved complaint, and not one of the last ``reserve_reps``
        idle reps of a reserved channel (policy.reserve_for)."""
        holding = self._holding
        if holding and all(self._head(ch) is None for ch in self._reserved):
            holding.clear()
        return {rep: None for rep in d if rep not in holding and self._may_take_other(rep)}

    def _may_take_other(self, rep: Rep) -> bool:
        """Whether ``rep`` may take unreserved work without eating the idle reserve."""
        if self._reserve_reps == 0 or rep.load > 1e-9:
            return True
        for ch in self._reserved:
            idle = self.available[ch]
            if ch in rep.skills and len(idle) - (rep in idle) < self._reserve_reps:
                return False
        return True

    def _pick_rep(self, d: dict) -> Rep:
        if self.has_tier2:
            for rep in d:
                if rep.tier == 1:
                    return rep
        return next(iter(d))

    def _free_tier2(self, ch: int) -> Rep | None:
        d = self.available_t2[ch]
        return next(iter(d)) if d else None

    def _priority(self, c: Complaint) -> float:
        """The queue key (smaller is served first): arrival in the queue, or under priority
        routing (and in crisis mode) :func:`priority_key`."""
        if self.routing == "priority" or self.crisis:
            return priority_key(c.public, c.followers, c.anger)
        return c.queued_at

    def _enqueue(self, q: int, c: Complaint) -> None:
        heapq.heappush(self.queues[q], (self._priority(c), next(self._seq), c, c.version))

    def _head(self, q: int):
        """The live head entry of queue ``q`` (stale entries are dropped), or None."""
        heap = self.queues[q]
        while heap:
            entry = heap[0]
            c = entry[2]
            if c.version == entry[3] and c.state == ComplaintState.WAITING:
                return entry
            heapq.heappop(heap)
        return None

    def _refill(self, rep: Rep) -> None:
        """Give a rep work from the queues it serves until its attention is full."""
        if not (rep.present and rep.is_bot) or rep.break_due:
            return
        while True:
            best = None
            best_q = -1
            if rep.tier == 2:
                head = self._head(self.T2)
                if head is not None and rep.fits(head[2].channel):
                    best, best_q = head, self.T2
            if best is None and self._reserved:
                # policy.reserve_for: a waiting reserved complaint (a call) comes first. A rep
                # that cannot fit it yet holds — takes no other new work, so its load drains —
                # while fewer reps hold than such complaints wait.
                holding = self._holding
                holding.discard(rep)
                short = []
                for ch in rep.skills:
                    if ch not in self._reserved:
                        continue
                    head = self._head(ch)
                    if head is None:
                        continue
                    if not rep.fits(ch):
                        short.append(ch)
                    elif best is None or head[:2] < best[:2]:
                        best, best_q = head, ch
                if best is None and short:
                    waiting = sum(
                        1
                        for ch in short
                        for e in self.queues[ch]
                        if e[2].version == e[3] and e[2].state == ComplaintState.WAITING
                    )
                    if len(holding) < waiting:
                        holding.add(rep)
                        break
                if best is None and not self._may_take_other(rep):
                    break
            if best is None:
                for ch in rep.skills:
                    if not rep.fits(ch):
                        continue
                    head = self._head(ch)
                    if head is None:
                        continue
                    if self.routing == "skills" and not self.crisis:
                        best, best_q = head, ch
                        break
                    if best is None or head[:2] < best[:2]:
                        best, best_q = head, ch
            if best is None:
                break
            heapq.heappop(self.queues[best_q])
            self._start(rep, best[2])
        self._update_available(rep)

    def _start(self, rep: Rep, c: Complaint) -> None:
        """Rep ``rep`` starts on complaint ``c`` now."""
        now = self.now
        c.started = now
        c.version += 1  # cancels the pending give-up
        c.state = ComplaintState.IN_SERVICE
        c.rep = rep
        first = math.isnan(c.first_response)
        if first:
            c.first_response = now
            c.wait_end = now
            self._hour.answered += 1
        unit = rep.unit[c.channel]
        rep.load += unit
        rep.active.append(c)
        handle = c.handle_min
        if not first:
            handle *= cal.FOLLOW_UP_HANDLE_FACTOR
        if c.tier2:
            handle *= cal.ESCALATED_HANDLE_FACTOR
        self._push(now + handle, EV_DONE, rep, c)

    def _on_done(self, rep: Rep, c: Complaint) -> None:
        unit = rep.unit[c.channel]
        rep.load -= unit
        if rep.load < 1e-9:
            rep.load = 0.0
        rep.active.remove(c)
        seat = rep is self.trainee_rep
        if not seat:  # the seat's hours are not staff capacity (as with a trainee in it)
            self._add_busy(unit, c.started, self.now)
        first = c.first_draws
        if first is not None and c.rs is None:  # the common case: first reply to a new post
            c.rs = 3
            z, u_apology, u_canned = first[0], first[1], first[2]
        else:
            rs = self._service_draws(c)
            z, u_apology, u_canned = rs.normal(), rs.random(), rs.random()
        score, apologised, canned = bot_reply(rep.quality, z, u_apology, u_canned)
        traits = _TRAITS[
            (
                apologised,
                c.public and self._dm_topic[c.topic],
                canned,
                rep.empowered and c.severity >= cal.BOT_REMEDY_SEVERITY,
            )
        ]
        escalate = (
            not c.tier2
            and self.has_tier2
            and not rep.empowered
            and c.severity >= self._escalation_severity
        )
        self._reply(c, score, traits, escalate=escalate)
        if seat:
            self._seat_refill()
        elif rep.break_due:
            if rep.load < 1e-9 and rep.present:
                self._start_break(rep)
        elif rep.present:
            self._refill(rep)

    def _reply(
        self,
        c: Complaint,
        score: float,
        traits: ReplyTraits,
        *,
        escalate: bool,
    ) -> None:
        """A reply reaches the customer: the thread calms or grows, the customer reacts."""
        now = self.now
        wait = c.first_response - c.created
        c.score = score
        if traits.moved_to_dm:
            c.in_dm = True
        if c.history is not None:
            c.history.append((now, "reply", score))
        if c.public and c.n_branch > 0 and self._reply_effect:
            self._respread(c, spread_multiplier(score, traits, wait, c.pile_ons))
        if escalate:
            c.tier2 = True
            self._route(c)
            return
        c.state = ComplaintState.ANSWERED
        first = c.first_draws
        if first is not None and c.ro is None:  # the common case: first reply to a new post
            c.ro = 1
            u = first[3]
        else:
            u = self._outcome_draws(c).random()
        if u < p_satisfied(score, traits, wait, c.acknowledged):
            c.satisfied = 1
            c.outcome = Outcome.SATISFIED
            self._close(c, ComplaintState.RESOLVED)
            return
        c.satisfied = 0
        out = self._outcome_draws(c)
        behaviour = self.spec.behaviour
        poor = score < cal.POOR_REPLY_SCORE
        if (
            not poor
            and behaviour.follow_ups
            and c.follow_ups < cal.MAX_FOLLOW_UPS
            and out.random() < cal.UNSATISFIED_FOLLOW_UP
        ):
            c.follow_ups += 1
            delay = cal.FOLLOW_UP_DELAY_MEAN_MIN * out.exponential()
            self._push(now + delay, EV_FOLLOW_UP, c, c.version)
            return
        c.outcome = Outcome.UNSATISFIED
        if behaviour.escalations:
            self._escalate(c, escalation_chances(score), out)
        self._close(c, ComplaintState.RESOLVED)

    def _on_follow_up(self, c: Complaint, version: int) -> None:
        if c.version != version or c.state != ComplaintState.ANSWERED:
            return
        if c.history is not None:
            c.history.append((self.now, "follow_up", None))
        c.patience = duration_draw(self.channel_specs[c.channel].patience, self._outcome_draws(c))
        self._route(c)

    def _on_give_up(self, c: Complaint, version: int) -> None:
        if c.version != version or c.state != ComplaintState.WAITING:
            return
        self._hour.gave_up += 1
        self.trainee_inbox.pop(c.cid, None)
        if c.history is not None:
            c.history.append((self.now, "gave_up", None))
        if math.isnan(c.wait_end):
            c.wait_end = self.now
        first_time = math.isnan(c.first_response)
        c.outcome = Outcome.GAVE_UP_QUIETLY
        if self.spec.behaviour.escalations:
            # Ignored entirely, or left waiting after a reply (follow-up or tier 2).
            self._escalate(c, escalation_chances(None if first_time else c.score))
        self._close(c, ComplaintState.GAVE_UP)

    def _escalate(self, c: Complaint, chances, out: KeyedStream | None = None) -> None:
        """An unhappy customer acts: tells friends, churns, re-posts publicly or switches."""
        out = out or self._outcome_draws(c)
        pop = self.population
        if out.random() < chances.tell_friends:
            c.told_friends = True
            c.outcome = Outcome.TOLD_FRIENDS
        if out.random() < chances.churn and not pop.churned[c.author]:
            pop.churned[c.author] = True
            c.churned = True
        shame = out.random() < chances.shame_publicly
        switch = out.random() < chances.switch_channel
        if shame and self.main_public is not None:
            target = c.channel if c.public else self.main_public
            c.escalated_public = True
            c.outcome = Outcome.REPOSTED_PUBLIC
            delay = cal.REPOST_DELAY_MEAN_MIN * out.exponential()
            self._push(self.now + delay, EV_REPOST, c, (target, Origin.REPOST))
        elif switch and self.n_channels > 1:
            target = int(pop.preferred_channel[c.author])
            if target == c.channel:
                target = (
                    c.channel + 1 + int(out.random() * (self.n_channels - 1))
                ) % self.n_channels
            if self.channel_public[target] and not c.public:
                c.escalated_public = True
            c.outcome = Outcome.SWITCHED_CHANNEL
            delay = cal.SWITCH_DELAY_MEAN_MIN * out.exponential()
            self._push(self.now + delay, EV_REPOST, c, (target, Origin.SWITCH))
        if c.churned:
            c.outcome = Outcome.CHURNED

    def _on_repost(self, c: Complaint, how) -> None:
        target, origin = how
        anger = min(1.0, c.anger + cal.ESCALATION_ANGER_STEP)
        spec = self.channel_specs[target]
        key = child_key(c.key, TAG_REPOST, c.n_reposts)
        c.n_reposts += 1
        own = KeyedStream(key)
        self._new_complaint(
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

    def _close(self, c: Complaint, state: ComplaintState) -> None:
        c.state = state
        c.version += 1
        if c.trainee:
            self.trainee_inbox.pop(c.cid, None)
        del self._live[c.cid]
        self.ledger.record(c, self.now)
        c.remove()

    # ------------------------------------------------------------------ arrivals and contagion
    def _on_arrival(self, i: int, _) -> None:
        j = i - self._exo_block_start
        if j >= len(self._exo_rows):
            self._load_exo_block(i)
            j = 0
        channel, topic, severity, anger, author, patience, handle, key, first = self._exo_rows[j]
        self._new_complaint(
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
        if i + 1 < len(self.exo):
            t_next = (
                self._exo_times[j + 1]
                if j + 1 < len(self._exo_times)
                else float(self.exo.time[i + 1])
            )
            self._push(t_next, EV_ARRIVAL, i + 1, None)

    def _load_exo_block(self, i: int) -> None:
        """Turn the next block of pre-drawn arrivals into Python rows (cheap to index)."""
        sl = slice(i, i + DRAW_BLOCK)
        exo = self.exo
        self._exo_block_start = i
        self._exo_times = exo.time[sl].tolist()
        keys, first = exo_keys_and_first_draws(self._key_base, i, len(self._exo_times))
        self._exo_rows = list(
            zip(
                exo.channel[sl].tolist(),
                exo.topic[sl].tolist(),
                exo.severity[sl].tolist(),
                self._exo_anger[sl].tolist(),
                exo.author[sl].tolist(),
                self._exo_patience[sl].tolist(),
                self._exo_handle[sl].tolist(),
                keys,
                first,
                strict=True,
            )
        )

    def _schedule_pile_on(self, c: Complaint) -> None:
        """Schedule the next pile-on of a public post (time-rescaled Hawkes offspring).

        The thread's pile-ons are the points of a unit-rate Poisson process (its own draws) read
        through the integrated intensity ``n_branch · spread · Φ(age)``: the next one comes when
        the intensity integrated since ``phi0`` reaches ``gap``. A reply that changes the spread
        keeps the gap still to go (:meth:`_respread`) instead of drawing a new one, so with
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
        self._push(c.created + self.kernel.inverse(u), EV_PILE_ON, c, c.cversion)

    def _respread(self, c: Complaint, spread: float) -> None:
        """The thread's spread changes now: the intensity used so far is spent, the rest of the
        gap to the next pile-on runs at the new rate."""
        phi = self.kernel.cumulative(self.now - c.created)
        if c.gap == c.gap:
            c.gap = max(0.0, c.gap - c.n_branch * c.spread * (phi - c.phi0))
        c.phi0 = phi
        c.spread = spread
        c.cversion += 1
        self._schedule_pile_on(c)

    def _on_pile_on(self, c: Complaint, version: int) -> None:
        if version != c.cversion:
            return
        key = child_key(c.key, TAG_PILE_ON, c.n_pile_attempts)
        c.n_pile_attempts += 1
        draws = KeyedStream(key)  # the would-be child's own draws
        accept = self.spread_global
        pop = self.population
        if self.spec.contagion.saturation:
            accept *= 1.0 - self.n_pile_on_authors / pop.size
        if accept >= 1.0 or draws.random() < accept:
            author = self._pile_on_author(draws)
            ch_spec = self.channel_specs[c.channel]
            anger = min(1.0, max(0.0, c.anger + cal.PILE_ON_ANGER_SD * draws.normal()))
            child = self._new_complaint(
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
        c.phi0 = self.kernel.cumulative(self.now - c.created)
        c.gap = math.nan
        self._schedule_pile_on(c)

    def _pile_on_author(self, draws: KeyedStream) -> int:
        """A customer who has not piled on yet (with saturation), else anyone."""
        pop = self.population
        for _ in range(64):
            a = int(draws.random() * pop.size)
            if not pop.complained[a] or not self.spec.contagion.saturation:
                break
        if not pop.complained[a]:
            pop.complained[a] = True
            self.n_pile_on_authors += 1
        return a

    # ------------------------------------------------------------------ crisis mode and sampling
    def _expected_by(self, t: float) -> float:
        """Baseline arrivals expected from the first clock-hour edge up to minute ``t``."""
        edges = self._edges
        k = min(max(int(np.searchsorted(edges, t, side="right")) - 1, 0), len(self._baseline) - 1)
        return float(self._baseline_cum[k] + self._baseline[k] * (t - edges[k]) / MIN_PER_HOUR)

    def _on_crisis_check(self, _a, _b) -> None:
        """Crisis mode when the last hour's new grievances (new complaints and pile-ons) reach
        ``crisis_threshold`` × the baseline expected over that same hour — not the current hour's
        rate: when the profile falls in the evening, an ordinary hour must not read as a surge."""
        policy = self.spec.policy
        now = self.now
        recent = self._recent
        while recent and recent[0] < now - cal.CRISIS_WINDOW_MIN:
            recent.popleft()
        since = max(now - cal.CRISIS_WINDOW_MIN, 0.0)
        baseline = max(self._expected_by(now) - self._expected_by(since), 1.0)
        level = len(recent) / baseline
        surge = level >= policy.crisis_threshold and len(recent) >= cal.CRISIS_MIN_VOLUME
        if not self.crisis and surge:
            self._set_crisis(True)
        elif self.crisis:
            self._crisis_calm_checks = 0 if surge else self._crisis_calm_checks + 1
            if self._crisis_calm_checks * cal.CRISIS_CHECK_EVERY_MIN >= cal.CRISIS_WINDOW_MIN:
                self._set_crisis(False)
        if now + cal.CRISIS_CHECK_EVERY_MIN < self.duration:
            self._push(now + cal.CRISIS_CHECK_EVERY_MIN, EV_CRISIS_CHECK, None, None)

    def _set_crisis(self, on: bool) -> None:
        """Crisis mode: holding statement, reps pulled from e.g. email onto public channels."""
        self._integrate()
        self.crisis = on
        self._crisis_calm_checks = 0
        policy = self.spec.policy
        self.spread_global = (
            cal.HOLDING_STATEMENT_SPREAD if (on and policy.holding_statement) else 1.0
        )
        pulled = {self.channel_index[c] for c in policy.crisis_pull_from if c in self.channel_index}
        for rep in self.reps:
            for ch in rep.skills:
                self.available[ch].pop(rep, None)
            if on and pulled.intersection(rep.base_skills):
                extra = [p for p in self.public_channels if p not in rep.base_skills]
                rep.skills = tuple(extra) + tuple(s for s in rep.base_skills if s not in pulled)
            else:
                rep.skills = rep.base_skills
        # Re-sort the queues: crisis routing is by priority.
        for q, heap in enumerate(self.queues):
            live = [
                e for e in heap if e[2].version == e[3] and e[2].state == ComplaintState.WAITING
            ]
            self.queues[q] = [(self._priority(e[2]), e[1], e[2], e[3]) for e in live]
            heapq.heapify(self.queues[q])
        for rep in self.reps:
            self._refill(rep)

    def _on_hour(self, k: int, _) -> None:
        self._integrate()
        self.datacollector.collect(self)
        self._cap_area_at_hour = self._cap_area_all
        self._hour_started = self.now
        self._hour = _Counters([0] * self.n_channels)
        self._hour_k = k + 1

    # ------------------------------------------------------------------ trainee seat
    def _add_trainee(self, seat: TraineeSeat) -> None:
        unknown = [c for c in seat.channels if c not in self.channel_index]
        if unknown:
            raise ValueError(f"trainee seat: unknown channel(s) {', '.join(unknown)}")
        chans = [self.channel_index[c] for c in seat.channels]
        unit = {i: 1.0 / self.channel_specs[i].concurrency for i in range(self.n_channels)}
        quality = seat.quality_hint
        if self.seat_bot:  # a bot like the tier-1 colleagues who work the seat's channels
            peers = [
                r.quality
                for r in self.reps
                if r.tier == 1 and any(ch in r.base_skills for ch in chans)
            ]
            quality = sum(peers) / len(peers) if peers else seat.quality_hint
        self.trainee_rep = Rep(
            self,
            len(self.reps),
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
        self._trainee_channels = frozenset(chans)

    def inbox(self) -> list[InboxItem]:
        """The trainee's complaints waiting for a reply now, longest-waiting first."""
        items = [
            self._inbox_item(c)
            for c in self.trainee_inbox.values()
            if c.state == ComplaintState.WAITING
        ]
        return sorted(items, key=lambda i: (i.queued_min, i.id))

    def _inbox_item(self, c: Complaint) -> InboxItem:
        sla = self.channel_specs[c.channel].sla_min
        waited = self.now - c.created
        return InboxItem(
            id=c.cid,
            channel=self.channel_names[c.channel],
            public=c.public and not c.in_dm,
            topic=self.topic_names[c.topic],
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
            patience_left_min=(c.queued_at + c.patience - self.now)
            if c.patience < math.inf
            else None,
            follow_ups=c.follow_ups,
            in_dm=c.in_dm,
            pile_ons=c.pile_ons,
            thread=tuple(c.history or ()),
        )

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
        from .scoring import ReplyAction, ReplyContext, score_reply
        from .text import complaint_text, persona

        if self.seat_bot:
            raise ActionError("this seat is worked by a bot (a counterfactual run)")
        c = self.trainee_inbox.get(int(complaint_id)) if self.trainee_rep is not None else None
        if c is None or c.state != ComplaintState.WAITING:
            raise ActionError(
                f"complaint {complaint_id} is not waiting for your reply "
                "(closed, answered, or not in your inbox)"
            )
        try:
            act = ReplyAction(action)
        except ValueError:
            known = ", ".join(a.value for a in ReplyAction)
            raise ActionError(f"unknown action {action!r} (known: {known})") from None
        seat = self.trainee
        if act == ReplyAction.OFFER_REMEDY:
            if not seat.empowered:
                raise ActionError(
                    "your seat may not offer remedies without approval: escalate instead"
                )
            if not (0 < remedy <= seat.remedy_limit):
                raise ActionError(f"remedy must be more than 0 and at most {seat.remedy_limit:g}")
        elif remedy:
            raise ActionError("a remedy amount goes with the offer_remedy action only")
        who = persona(self.seed, c.author)
        ctx = ReplyContext(
            channel=self.channel_names[c.channel],
            public=c.public and not c.in_dm,
            customer_name=who.name,
            customer_handle=who.handle,
            topic=self.topic_names[c.topic],
            complaint_text=complaint_text(
                self.seed,
                c.cid,
                channel=self.channel_names[c.channel],
                topic=self.topic_names[c.topic],
                anger=c.anger,
                public=c.public,
                customer=who,
                repost=c.origin == Origin.REPOST,
            ),
            anger=c.anger,
            wait_min=self.now - c.queued_at,
            sla_min=self.channel_specs[c.channel].sla_min,
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
        traits = _TRAITS[
            (
                f.apologised,
                f.moved_to_dm or act == ReplyAction.MOVE_TO_DM,
                f.canned_unedited,
                f.offered_compensation or act == ReplyAction.OFFER_REMEDY,
            )
        ]
        spread_before = c.spread
        c.version += 1  # cancels the pending give-up
        c.state = ComplaintState.IN_SERVICE
        c.rep = self.trainee_rep
        if math.isnan(c.first_response):
            c.first_response = self.now
            c.wait_end = self.now
            self._hour.answered += 1
        del self.trainee_inbox[c.cid]
        escalate = act == ReplyAction.ESCALATE and self.has_tier2
        if act == ReplyAction.ESCALATE:
            c.trainee = False  # tier 2 (bots) take it from here
        self._reply(c, scored.total, traits, escalate=escalate)
        reaction = _reaction_of(c, escalate)
        if c.history is not None:
            c.history.append((self.now, f"reaction:{reaction}", None))
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

    def status(self) -> dict:
        """A cheap live summary of the storm (for a trainer polling every second)."""
        n = sum(self._hour.arrivals)
        return {
            "now_min": self.now,
            "clock": self.clock.local(self.now).isoformat(timespec="minutes"),
            "complaints": self._next_cid,
            "waiting": self.queue_length(),
            "in_your_inbox": len(self.trainee_inbox),
            "arrivals_this_hour": n,
            "mood": self._hour.anger_sum / n if n else None,
            "reps_on_shift": self._cap,
            "crisis": self.crisis,
            "finished": self.finished,
        }

    # ------------------------------------------------------------------ results
    def queue_length(self) -> int:
        """Complaints waiting for a rep right now (all queues and the trainee inbox)."""
        return sum(1 for c in self._live.values() if c.state == ComplaintState.WAITING)

    def results(self):
        """KPIs, hourly timeseries and the complaints table of the run so far."""
        from .results import build_results

        return build_results(self)


def _reps_on_shift(model: StormModel) -> float:
    """Reps present on shift, averaged over the hour."""
    span = model.now - model._hour_started
    return (model._cap_area_all - model._cap_area_at_hour) / span if span > 0 else float(model._cap)


def _queue(model: StormModel) -> int:
    return model.queue_length()


def _mood(model: StormModel) -> float | None:
    n = sum(model._hour.arrivals)
    return model._hour.anger_sum / n if n else None


def _baseline(model: StormModel) -> float:
    """Expected arrivals this clock hour without incidents or contagion (base × profile)."""
    k = min(model._hour_k, len(model._baseline) - 1)
    span = (
        (model._edges[k + 1] - model._edges[k]) / MIN_PER_HOUR if k + 1 < len(model._edges) else 1.0
    )
    return float(model._baseline[k] * span)


def _crisis(model: StormModel) -> bool:
    return model.crisis


def _answered(model: StormModel) -> int:
    return model._hour.answered


def _gave_up(model: StormModel) -> int:
    return model._hour.gave_up


def _arrivals_of(i: int):
    def reporter(model: StormModel) -> int:
        return model._hour.arrivals[i] if i < len(model._hour.arrivals) else 0

    return reporter


_REPORTERS = {
    "reps_on_shift": _reps_on_shift,
    "queue": _queue,
    "mood": _mood,
    "crisis": _crisis,
    "baseline": _baseline,
    "answered": _answered,
    "gave_up": _gave_up,
    "arrivals": lambda m: sum(m._hour.arrivals),
    "arrivals_by_channel": lambda m: list(m._hour.arrivals),
}

__all__ = ["ActionError", "ActionOutcome", "InboxItem", "RunWarning", "StormModel", "TraineeSeat"]
