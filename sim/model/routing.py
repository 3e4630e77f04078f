"""Routing: the queues, the order they are served in, and which complaint a free rep takes next.

A routing policy is two choices (:class:`RoutingPolicy`): the key a queue is ordered by
(:func:`fifo_key`: arrival in the queue; :func:`priority_of`: public, then reach, then anger) and
how a rep with several skills picks among its queues' heads (the earliest key over all of them,
or — ``skills`` routing — the first channel in its order of preference that has work). Crisis
mode routes by priority whatever the scenario says. ``policy.reserve_for`` (e.g. phone) makes
reps hold for a waiting reserved complaint and keeps ``reserve_reps`` idle reps for it.
"""

from __future__ import annotations

import heapq
import itertools
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass

from ..agents import Complaint, ComplaintState, Rep

# Priority routing is lexicographic: public before private; then reach, in orders of magnitude
# of followers (0–9, 10–99, 100–999…); then anger. The key packs the three into one float
# (smaller = first): anger is in [0, 1], so it never outweighs a reach tier, and the reach tier
# (≤ 15 for any follower count a float holds exactly) never outweighs public.
PRIORITY_PUBLIC = 100.0
PRIORITY_REACH_TIER = 2.0
_TIER_EDGES = tuple(10**k for k in range(1, 19))
_WAITING = ComplaintState.WAITING


def reach_tier(followers: int) -> int:
    """Orders of magnitude of an audience: 0 for 0–9 followers, 1 for 10–99, 2 for 100–999…"""
    return bisect_right(_TIER_EDGES, followers)


def priority_key(public: bool, followers: int, anger: float) -> float:
    """Priority routing's key, smaller first: public, then reach tier, then anger.

    Equal to ordering by the tuple ``(not public, -reach_tier(followers), -anger)``.
    """
    tier = bisect_right(_TIER_EDGES, followers)
    return -(PRIORITY_PUBLIC * public + PRIORITY_REACH_TIER * tier + anger)


def fifo_key(c: Complaint) -> float:
    """First come, first served: the minute the complaint joined the queue."""
    return c.queued_at


def priority_of(c: Complaint) -> float:
    """:func:`priority_key` of a complaint."""
    return priority_key(c.public, c.followers, c.anger)


@dataclass(frozen=True)
class RoutingPolicy:
    """A routing policy: the queue order, and whether a rep takes its preferred channel first."""

    name: str
    queue_key: Callable[[Complaint], float]
    by_preference: bool  # True: the first skill with work; False: the earliest key of all


POLICIES = {
    "fifo": RoutingPolicy("fifo", fifo_key, False),
    "priority": RoutingPolicy("priority", priority_of, False),
    "skills": RoutingPolicy("skills", fifo_key, True),
}
CRISIS_POLICY = POLICIES["priority"]


def live(entry) -> bool:
    """Whether a queue entry ``(key, seq, complaint, version)`` still stands for a waiting
    complaint (entries of complaints that gave up, were taken or re-queued are left behind)."""
    c = entry[2]
    return c.version == entry[3] and c.state == _WAITING


class Routing:
    """The queues of one model: one heap per channel plus the tier-2 queue (index ``T2``)."""

    def __init__(self, model):
        self.m = model
        spec = model.spec.policy
        self.name = spec.routing
        self.policy = POLICIES[spec.routing]
        self.T2 = model.n_channels
        self.queues: list[list] = [[] for _ in range(model.n_channels + 1)]
        self._seq = itertools.count()
        # Channels that get a rep's attention first (policy.reserve_for, e.g. phone).
        self.reserved = tuple(model.channel_index[c] for c in spec.reserve_for)
        self.holding: set[Rep] = set()  # reps draining their load for a reserved complaint
        self.reserve_reps = spec.reserve_reps if self.reserved else 0

    @property
    def current(self) -> RoutingPolicy:
        """The policy in force now (crisis mode routes by priority)."""
        return CRISIS_POLICY if self.m.crisis else self.policy

    # ------------------------------------------------------------------ a new complaint
    def assign(self, c: Complaint) -> bool:
        """Give ``c`` to a free rep now (True) or queue it (False)."""
        m = self.m
        staff = m.staff
        ch = c.channel
        if c.tier2:
            rep = staff.free_tier2(ch)
            if rep is not None:
                m.desk.start(rep, c)
                staff.update_available(rep)
                return True
            self.enqueue(self.T2, c)
            return False
        d = staff.available[ch]
        if d and self.reserved and ch not in self.reserved:
            d = self.free_for_others(d)
        if d:
            rep = staff.pick_rep(d)
            m.desk.start(rep, c)
            staff.update_available(rep)
            return True
        self.enqueue(ch, c)
        return False

    def enqueue(self, q: int, c: Complaint) -> None:
        heapq.heappush(self.queues[q], (self.current.queue_key(c), next(self._seq), c, c.version))

    def head(self, q: int):
        """The live head entry of queue ``q`` (stale entries are dropped), or None."""
        heap = self.queues[q]
        while heap:
            entry = heap[0]
            c = entry[2]
            if c.version == entry[3] and c.state == _WAITING:
                return entry
            heapq.heappop(heap)
        return None

    def waiting(self, q: int) -> int:
        """Complaints waiting in queue ``q``."""
        return sum(1 for e in self.queues[q] if live(e))

    def resort(self) -> None:
        """Re-key every queue by the policy in force (crisis mode switched)."""
        key = self.current.queue_key
        for q, heap in enumerate(self.queues):
            self.queues[q] = [(key(e[2]), e[1], e[2], e[3]) for e in heap if live(e)]
            heapq.heapify(self.queues[q])

    # ------------------------------------------------------------------ a free rep
    def free_for_others(self, d: dict) -> dict:
        """The free reps in ``d`` that may take a complaint of an unreserved channel: not
        holding for a waiting reserved complaint, and not one of the last ``reserve_reps``
        idle reps of a reserved channel (policy.reserve_for)."""
        holding = self.holding
        if holding and all(self.head(ch) is None for ch in self.reserved):
            holding.clear()
        return {rep: None for rep in d if rep not in holding and self.may_take_other(rep)}

    def may_take_other(self, rep: Rep) -> bool:
        """Whether ``rep`` may take unreserved work without eating the idle reserve."""
        if self.reserve_reps == 0 or rep.load > 1e-9:
            return True
        available = self.m.staff.available
        for ch in self.reserved:
            idle = available[ch]
            if ch in rep.skills and len(idle) - (rep in idle) < self.reserve_reps:
                return False
        return True

    def _reserved_head(self, rep: Rep):
        """policy.reserve_for: a waiting reserved complaint (a call) comes first. A rep that
        cannot fit it yet holds — takes no other new work, so its load drains — while fewer reps
        hold than such complaints wait. Returns (entry, queue), or (None, -1) and whether the
        rep must stop taking work."""
        holding = self.holding
        holding.discard(rep)
        best, best_q = None, -1
        short = []
        for ch in rep.skills:
            if ch not in self.reserved:
                continue
            head = self.head(ch)
            if head is None:
                continue
            if not rep.fits(ch):
                short.append(ch)
            elif best is None or head[:2] < best[:2]:
                best, best_q = head, ch
        if best is None and short and len(holding) < sum(self.waiting(ch) for ch in short):
            holding.add(rep)
            return None, -1, True
        if best is None and not self.may_take_other(rep):
            return None, -1, True
        return best, best_q, False

    def refill(self, rep: Rep) -> None:
        """Give a rep work from the queues it serves until its attention is full."""
        if not (rep.present and rep.is_bot) or rep.break_due:
            return
        start = self.m.desk.start
        while True:
            best = None
            best_q = -1
            if rep.tier == 2:
                head = self.head(self.T2)
                if head is not None and rep.fits(head[2].channel):
                    best, best_q = head, self.T2
            if best is None and self.reserved:
                best, best_q, stop = self._reserved_head(rep)
                if stop:
                    break
            if best is None:
                by_preference = self.current.by_preference
                for ch in rep.skills:
                    if not rep.fits(ch):
                        continue
                    head = self.head(ch)
                    if head is None:
                        continue
                    if by_preference:
                        best, best_q = head, ch
                        break
                    if best is None or head[:2] < best[:2]:
                        best, best_q = head, ch
            if best is None:
                break
            heapq.heappop(self.queues[best_q])
            start(rep, best[2])
        self.m.staff.update_available(rep)
