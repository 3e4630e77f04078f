"""The pure-queue fast path: one channel, bots only, nothing that feeds back — M/M/c+M and kin.

When a scenario has no contagion, no trainee seat, no crisis plan, no follow-ups or
escalations, no tier 2, no reserved channel, no breaks, no auto-acknowledgement, no priority
routing and reps who take one complaint at a time on a single channel, a complaint's story is:
it arrives, waits in one FIFO queue, is answered by a bot or gives up. :class:`QueuePath` runs
exactly that with complaints as columns — a struct of arrays indexed by complaint id, no object
per complaint — and heap entries of plain ints and floats, the three hot events inlined. It
makes the same draws, in the same order, as the general path (:class:`~sim.model.desk.Desk`):
the same scenario and seed give identical results either way (``tests/test_model_paths.py``).
Shift and hourly events still go through their collaborators.
"""

from __future__ import annotations

import ctypes
import gc
import heapq
import math
from array import array

import numpy as np

from .. import calibration as cal
from ..agents import ComplaintState, Origin, Outcome
from ..ledger import COLUMNS
from ..reactions import bot_reply, p_satisfied
from .desk import TRAITS
from .events import EV_ARRIVAL, EV_DONE, EV_GIVE_UP
from .streams import DRAW_BLOCK, exo_first_draw_arrays

_WAITING = int(ComplaintState.WAITING)
_IN_SERVICE = int(ComplaintState.IN_SERVICE)
_RESOLVED = int(ComplaintState.RESOLVED)
_GAVE_UP = int(ComplaintState.GAVE_UP)
_SATISFIED = int(Outcome.SATISFIED)
_UNSATISFIED = int(Outcome.UNSATISFIED)
_GAVE_UP_QUIETLY = int(Outcome.GAVE_UP_QUIETLY)


def applies(model) -> bool:
    """Whether ``model``'s scenario is a pure queue this path runs exactly."""
    spec = model.spec
    return (
        model.seat is None
        and not model.record_threads
        and not model.contagion.on
        and not model.crisis_mode.watching
        and not spec.behaviour.follow_ups
        and not spec.behaviour.escalations
        and not spec.policy.auto_acknowledge
        and spec.policy.routing != "priority"
        and not model.staff.has_tier2
        and not model.routing.reserved
        and model.n_channels == 1
        and all(s.break_share == 0 for s in spec.shifts)
        and all(r.unit[0] == 1.0 for r in model.reps)
    )


def _items(values: np.ndarray) -> memoryview:
    """Python-speed element access to a numpy column without a copy (floats and ints out)."""
    return memoryview(np.ascontiguousarray(values))


def _return_freed_memory() -> None:
    """Hand freed heap pages back to the system (glibc's ``malloc_trim``; elsewhere nothing).

    Arrays of a few MB come from the C heap once glibc has raised its mmap threshold (it does
    after the first such block is freed), and freeing them in the middle of the heap keeps the
    pages resident: for a million complaints ~60 MB that the results would otherwise add to.
    """
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError, TypeError):  # not glibc (musl, macOS, Windows)
        return
    trim(0)


def _filled(code: str, value, n: int) -> array:
    return array(code, [value]) * n


class QueuePath:
    """The pure queue's complaints as columns, and the event loop that moves them."""

    def __init__(self, model):
        self.m = model
        exo = model.exo
        feed = model.feed
        n = len(exo)
        self.n = n
        # Fixed at arrival: when, how long the work takes, how long the customer waits, what
        # the bot's reply and the customer's first reaction will draw.
        self.created = _items(exo.time)
        self.handle = _items(feed.handle)
        self.patience = _items(feed.patience)
        self.severity = _items(exo.severity)
        self.topic = _items(exo.topic)
        first = [np.empty(n) for _ in range(4)]
        for i in range(0, n, DRAW_BLOCK):  # the blocks the general path draws in
            k = min(DRAW_BLOCK, n - i)
            for col, values in zip(
                first, exo_first_draw_arrays(model.key_base, i, k)[1:], strict=True
            ):
                col[i : i + k] = values
        self.z, self.u_apology, self.u_canned, self.u_outcome = map(_items, first)
        # Changed as the story goes on.
        self.state = bytearray(n)  # ComplaintState, WAITING = 0
        self.outcome = bytearray(n)  # Outcome, NONE = 0
        self.in_dm = bytearray(n)
        self.satisfied = _filled("b", -1, n)
        self.first_response = _filled("d", math.nan, n)
        self.wait_end = _filled("d", math.nan, n)
        self.closed = _filled("d", math.nan, n)
        self.score = _filled("f", math.nan, n)  # float32, as the ledger keeps it
        self.queue: list[int] = []  # FIFO of waiting complaint ids (the gone skipped lazily)
        self.head = 0
        self.n_waiting = 0
        self.next_cid = 0
        self.public = bool(model.channel_public[0])
        self.dm_topic = model.desk.dm_topic
        model.routing.refill = self.refill  # shift starts hand reps work from this queue
        # The arrivals are handed out by this loop, not by the feed's rows: the path owns the
        # handle and patience columns (and frees them with the draws once the run is over).
        feed.handle = feed.patience = None

    # ------------------------------------------------------------------ the loop
    def advance(self, until: float) -> None:
        """Process every event up to ``until`` (the model's ``_advance_time`` loop)."""
        m = self.m
        heap = m._heap
        pop = heapq.heappop
        push = heapq.heappush
        seq = m._seq
        dispatch = m._dispatch
        reps = m.reps
        available = m.staff.available[0]
        books = m.books
        created, handle, patience = self.created, self.handle, self.patience
        severity, topic = self.severity, self.topic
        z, u_apology, u_canned, u_outcome = self.z, self.u_apology, self.u_canned, self.u_outcome
        state, outcome, in_dm, satisfied = self.state, self.outcome, self.in_dm, self.satisfied
        first_response, wait_end = self.first_response, self.wait_end
        closed, score_of = self.closed, self.score
        anger = self.m.feed.anger
        queue = self.queue
        n = self.n
        max_complaints = m.max_complaints
        public = self.public
        dm_topic = self.dm_topic
        remedy_severity = cal.BOT_REMEDY_SEVERITY
        warmup, duration = books.warmup, books.duration
        traits_of = TRAITS
        angers: list[float] = []
        anger_at = -1
        collecting = gc.isenabled()
        gc.disable()
        try:
            while heap and heap[0][0] <= until and not m.halted:
                t, _, kind, a, b = pop(heap)
                m.now = t
                if kind == EV_ARRIVAL:  # a = complaint id
                    cid = a
                    if cid >= max_complaints:
                        m.halt_at_cap(cid)
                        continue
                    self.next_cid = cid + 1
                    if cid - anger_at >= len(angers):
                        anger_at = cid
                        angers = anger[cid : cid + DRAW_BLOCK].tolist()
                    hour = books.hour
                    hour.arrivals[0] += 1
                    hour.anger_sum += angers[cid - anger_at]
                    if available:
                        rep = next(iter(available))
                        del available[rep]
                        first_response[cid] = wait_end[cid] = t  # = start of work
                        state[cid] = _IN_SERVICE
                        hour.answered += 1
                        rep.load += 1.0
                        rep.active.append(cid)
                        push(heap, (t + handle[cid], next(seq), EV_DONE, rep.rid, cid))
                    else:
                        queue.append(cid)
                        self.n_waiting += 1
                        p = patience[cid]
                        if p < math.inf:
                            push(heap, (t + p, next(seq), EV_GIVE_UP, cid, 0))
                    if cid + 1 < n:
                        push(heap, (created[cid + 1], next(seq), EV_ARRIVAL, cid + 1, 0))
                elif kind == EV_DONE:  # a = rep index, b = complaint id
                    rep = reps[a]
                    cid = b
                    rep.load -= 1.0
                    if rep.load < 1e-9:
                        rep.load = 0.0
                    rep.active.remove(cid)
                    lo = first_response[cid]  # work started with the first answer
                    if lo < warmup:
                        lo = warmup
                    hi = t if t < duration else duration
                    if hi > lo:
                        books.busy_area += hi - lo
                    score, apologised, canned = bot_reply(
                        rep.quality, z[cid], u_apology[cid], u_canned[cid]
                    )
                    dm = public and dm_topic[topic[cid]]
                    traits = traits_of[
                        (apologised, dm, canned, rep.empowered and severity[cid] >= remedy_severity)
                    ]
                    score_of[cid] = score
                    in_dm[cid] = dm
                    wait = first_response[cid] - created[cid]
                    if u_outcome[cid] < p_satisfied(score, traits, wait, False):
                        satisfied[cid] = 1
                        outcome[cid] = _SATISFIED
                    else:
                        satisfied[cid] = 0
                        outcome[cid] = _UNSATISFIED
                    state[cid] = _RESOLVED
                    closed[cid] = t
                    if rep.present:
                        self.refill(rep)
                elif kind == EV_GIVE_UP:  # a = complaint id
                    cid = a
                    if state[cid] != _WAITING:
                        continue  # served before its patience ran out: a stale timer
                    books.hour.gave_up += 1
                    self.n_waiting -= 1
                    wait_end[cid] = closed[cid] = t
                    state[cid] = _GAVE_UP
                    outcome[cid] = _GAVE_UP_QUIETLY
                else:
                    dispatch[kind](a, b)
        finally:
            if collecting:
                gc.enable()
        m.desk.next_cid = self.next_cid

    def refill(self, rep) -> None:
        """A rep with free hands takes the longest-waiting complaint, or joins the free list."""
        if not (rep.present and rep.is_bot) or rep.break_due:
            return
        queue, state = self.queue, self.state
        head = self.head
        end = len(queue)
        while head < end and state[queue[head]]:  # not WAITING: gave up
            head += 1
        m = self.m
        if head < end and rep.load == 0.0:
            cid = queue[head]
            head += 1
            self.n_waiting -= 1
            now = m.now
            self.first_response[cid] = self.wait_end[cid] = now
            self.state[cid] = _IN_SERVICE
            m.books.hour.answered += 1
            rep.load += 1.0
            rep.active.append(cid)
            heapq.heappush(m._heap, (now + self.handle[cid], next(m._seq), EV_DONE, rep.rid, cid))
            m.staff.available[0].pop(rep, None)
        else:
            m.staff.update_available(rep)
        if head > 65536 and head * 2 > end:  # drop the served front of the queue
            del queue[:head]
            head = 0
        self.head = head

    # ------------------------------------------------------------------ columns → results
    def work_in_hand(self):
        """(rep, channel, started) of every complaint a rep is working on now."""
        for rep in self.m.reps:
            for cid in rep.active:
                yield rep, 0, self.first_response[cid]

    def release_spent(self) -> None:
        """Free what only the running needs (handle, patience, pre-drawn uniforms and normals,
        the served front of the queue): called once the run is over, before its results."""
        self.handle = self.patience = None
        self.z = self.u_apology = self.u_canned = self.u_outcome = None
        self.queue = []
        self.head = 0
        _return_freed_memory()

    def columns(self) -> dict[str, np.ndarray]:
        """The complaints so far as the ledger's columns (:data:`sim.ledger.COLUMNS`), by id.

        Part-way through a run they are copies (the run goes on changing these columns); once
        the run is over nothing changes them again and they are the model's own columns.
        """
        m = self.m
        k = self.next_cid
        exo = m.exo
        final = m.finished
        if final:
            self.release_spent()
        ids = np.arange(k, dtype=np.int64)

        def view(col: array, dtype) -> np.ndarray:
            if not k:
                return np.empty(0, dtype)
            values = np.frombuffer(col, dtype=dtype, count=k)
            return values if final else values.copy()

        author = exo.author[:k]
        cols = {
            "cid": ids,
            "parent": np.full(k, -1, dtype=np.int64),
            "root": ids,
            "generation": np.zeros(k, dtype=np.int64),  # zeros: pages untouched until read
            "pile_ons": np.zeros(k, dtype=np.int64),
            "origin": np.full(k, int(Origin.NEW), dtype=np.int8),
            "channel": np.zeros(k, dtype=np.int8),
            "public": np.full(k, self.public),
            "topic": exo.topic[:k],
            "author": author,
            "followers": m.population.followers[author],
            "anger": m.feed.anger[:k],
            "severity": exo.severity[:k],
            "created": exo.time[:k] if final else exo.time[:k].copy(),
            "first_response": view(self.first_response, np.float64),
            "wait_end": view(self.wait_end, np.float64),
            "closed": view(self.closed, np.float64),
            "state": view(self.state, np.int8),
            "outcome": view(self.outcome, np.int8),
            "score": view(self.score, np.float32),
            "satisfied": view(self.satisfied, np.int8),
            "in_dm": view(self.in_dm, np.int8),
        }
        zero = np.zeros(k, dtype=np.int8)
        out = {}
        for name, code in COLUMNS.items():
            values = cols.get(name, zero)
            out[name] = np.asarray(values).astype(np.dtype(code), copy=False)
        return out
