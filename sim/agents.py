"""The model's actors: complaints (event-driven) and reps (Mesa agents with shifts, skills and
concurrency).

Customers are numpy arrays (:mod:`sim.population`). A complaint is a plain object, created when
a customer speaks and dropped when its story ends (its row then lives in the ledger's columns):
registering every complaint as a Mesa agent cost a fifth of a run and nothing read it. Reps are
Mesa agents. Both hold state only; the model (:mod:`sim.model`) moves them through their states
when events fire.
"""

from __future__ import annotations

import math
from enum import IntEnum

import mesa


class ComplaintState(IntEnum):
    """Where a complaint is: ``WAITING → IN_SERVICE → ANSWERED → RESOLVED`` or ``→ GAVE_UP``.

    ``ANSWERED`` means a reply went out and the customer has not finished reacting (a follow-up
    may bring it back to ``WAITING``); ``RESOLVED`` closes the story after a reply.
    """

    WAITING = 0
    IN_SERVICE = 1
    ANSWERED = 2
    RESOLVED = 3
    GAVE_UP = 4


class Origin(IntEnum):
    """Why a complaint exists."""

    NEW = 0  # a customer with a grievance (base rate, profile, incidents)
    PILE_ON = 1  # contagion: another customer joins a public thread
    REPOST = 2  # the same customer, ignored or badly answered, re-posts angrier in public
    SWITCH = 3  # the same customer tries another channel


class Outcome(IntEnum):
    """How the customer's story ended (the most serious thing they did)."""

    NONE = 0  # still open at the end of the run
    SATISFIED = 1
    UNSATISFIED = 2  # answered, not happy, did nothing more
    TOLD_FRIENDS = 3
    SWITCHED_CHANNEL = 4
    REPOSTED_PUBLIC = 5
    CHURNED = 6
    GAVE_UP_QUIETLY = 7


class Complaint:
    """One customer complaint on one channel (state only; not a Mesa agent).

    Times are simulation minutes since the scenario start. ``patience`` is how long the
    customer waits for a first answer (``inf``: never gives up); ``handle_min`` the rep's work
    on it. ``n_branch`` is the thread's branching ratio before any reply and ``spread`` the
    multiplier the brand's latest reply put on it.
    """

    def __init__(
        self,
        cid,
        channel,
        public,
        topic,
        severity,
        anger,
        author,
        followers,
        created,
        patience,
        handle_min,
        origin,
        parent,
        root,
        generation,
    ):
        self.cid = cid
        self.channel = channel
        self.public = public
        self.topic = topic
        self.severity = severity
        self.anger = anger
        self.author = author
        self.followers = followers
        self.created = created
        self.patience = patience
        self.handle_min = handle_min
        self.origin = origin
        self.parent = parent
        self.root = root
        self.generation = generation
        self.queued_at = created

    # Defaults live on the class: most complaints never change most of them, and not writing
    # them per instance keeps complaint creation cheap (the model's hot path).
    state = ComplaintState.WAITING
    version = 0  # bumped when a pending give-up or queue entry must be ignored
    first_response = math.nan
    started = math.nan  # when the current piece of work began
    wait_end = math.nan  # service start of the first answer, or the give-up time
    score = math.nan
    satisfied = -1  # -1 unknown, 0 no, 1 yes
    outcome = Outcome.NONE
    n_branch = 0.0
    spread = 1.0
    cversion = 0  # contagion version: bumped when the thread's spread changes
    # The thread's pile-ons on a unit-rate scale (time-rescaled Hawkes): ``phi0`` is the kernel's
    # mass Φ at the last reference age (creation, the last pile-on or a change of spread) and
    # ``gap`` the integrated intensity still to go from there to the next pile-on.
    phi0 = 0.0
    gap = math.nan
    pile_ons = 0
    follow_ups = 0
    acknowledged = False
    tier2 = False
    in_dm = False
    escalated_public = False
    told_friends = False
    churned = False
    trainee = False
    rep = None
    history: list | None = None
    # Common random numbers (sim.model.KeyedStream): the complaint's stable key, its own
    # streams (created when first needed), the seat replication's salt, its children so far.
    key = 0
    rs = None  # bot replies to it (an int: how many pre-computed first draws were used)
    ro = None  # its customer's reactions (likewise)
    rc = None  # when its pile-ons come
    rr = None  # whether it lands in the trainee's seat
    salt = 0
    first_draws = None  # a new complaint's first service and outcome draws, pre-computed
    n_pile_attempts = 0
    n_reposts = 0


class Rep(mesa.Agent):
    """A customer-service rep (a bot, or a trainee's seat whose replies come from the web).

    ``unit[ch]`` is the share of the rep's attention one complaint of channel ``ch`` takes
    (1 / concurrency): phone 1, chat ⅓, social ¼… A rep takes a complaint when its ``load``
    plus that share fits in 1. ``skills`` are channel indices in the rep's order of preference.
    """

    def __init__(
        self,
        model,
        rid,
        shift,
        skills,
        unit,
        quality,
        tier,
        empowered,
        remedy_limit,
        hourly_wage,
        is_bot=True,
    ):
        super().__init__(model)
        self.rid = rid
        self.shift = shift
        self.base_skills = tuple(skills)
        self.skills = tuple(skills)
        self.unit = unit
        self.quality = quality
        self.tier = tier
        self.empowered = empowered
        self.remedy_limit = remedy_limit
        self.hourly_wage = hourly_wage
        self.is_bot = is_bot
        self.load = 0.0
        self.present = False
        self.on_break = False  # on shift but off the queues (Shift.break_share)
        self.break_due = 0.0  # a break of this many minutes is due: no new work meanwhile
        self.break_no = 0
        self.active: list[Complaint] = []

    def fits(self, channel: int) -> bool:
        """Whether one more complaint of ``channel`` fits in the rep's attention."""
        return self.load + self.unit[channel] <= 1.0 + 1e-9
