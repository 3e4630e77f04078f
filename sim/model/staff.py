"""Reps and shifts: who is on shift, on a break, and free for which channel.

:class:`Staff` builds the bot reps of a scenario's shifts (Mesa agents, :class:`sim.agents.Rep`),
schedules their shift starts and ends and their breaks, and keeps the free-rep indexes that
routing reads: ``available[ch]`` (reps with room for one more complaint of channel ``ch``) and
``available_t2[ch]`` (tier-2 reps with room for an escalation from ``ch``). Shift changes finish
work in hand: a rep going off shift or on a break takes no new work but ends what it holds.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from ..agents import Rep
from .events import EV_BREAK_OFF, EV_BREAK_ON, EV_SHIFT_OFF, EV_SHIFT_ON


class Staff:
    """The reps of one model and their shift calendar."""

    def __init__(self, model):
        self.m = model
        self.reps: list[Rep] = []
        self.shift_intervals: dict[str, list[tuple[float, float]]] = {}
        self.available: list[dict] = [{} for _ in range(model.n_channels)]
        self.available_t2: list[dict] = [{} for _ in range(model.n_channels)]
        self.has_tier2 = False

    # ------------------------------------------------------------------ building
    def build(self) -> None:
        """Create the scenario's reps and schedule their shifts and breaks."""
        m = self.m
        spec = m.spec
        all_channels = list(range(m.n_channels))
        for shift_i, shift in enumerate(spec.shifts):
            skills = (
                all_channels if shift.skills is None else [m.channel_index[s] for s in shift.skills]
            )
            unit = {}
            for i, ch in enumerate(m.channel_specs):
                conc = ch.concurrency
                if shift.concurrency and m.channel_names[i] in shift.concurrency:
                    conc = shift.concurrency[m.channel_names[i]]
                unit[i] = 1.0 / conc
            intervals = self.intervals_of(shift)
            self.shift_intervals[shift.name] = intervals
            for j in range(shift.reps):
                rep = Rep(
                    m,
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
                    present = absence == 0 or m.d_staffing.random() >= absence
                    m.push(max(start, 0.0), EV_SHIFT_ON, rep, present)
                    if end < m.duration:
                        m.push(end, EV_SHIFT_OFF, rep, None)
                    if present and shift.break_share > 0:
                        self._push_breaks(rep, j, shift, start, end)
        self.has_tier2 = any(r.tier == 2 for r in self.reps)

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
        while t < end and t < self.m.duration:
            self.m.push(t, EV_BREAK_ON, rep, shift.break_min)
            t += cycle

    def intervals_of(self, shift) -> list[tuple[float, float]]:
        """On-shift intervals (simulation minutes) of a shift within the run.

        Occurrences that touch are merged unless absence is drawn per occurrence.
        """
        clock = self.m.clock
        duration = self.m.duration
        out: list[tuple[float, float]] = []
        dates = set(shift.dates) if shift.dates else None
        for d in clock.local_dates():
            if (dates is not None and d not in dates) or (
                dates is None and d.weekday() not in shift.day_set
            ):
                continue
            midnight = datetime(d.year, d.month, d.day)
            end_min = shift.end_min if shift.end_min > shift.start_min else shift.end_min + 1440
            a = clock.minutes_at(midnight + timedelta(minutes=shift.start_min))
            b = clock.minutes_at(midnight + timedelta(minutes=end_min))
            a, b = max(a, 0.0), min(b, duration)
            if b <= a:
                continue
            if out and shift.absence_share == 0 and a <= out[-1][1] + 1e-9:
                out[-1] = (out[-1][0], max(out[-1][1], b))
            else:
                out.append((a, b))
        return out

    # ------------------------------------------------------------------ shift events
    def on_shift_on(self, rep: Rep, present: bool) -> None:
        if not present:
            return
        m = self.m
        m.books.integrate()
        if not rep.present:
            rep.present = True
            m.books.cap += 1
        m.routing.refill(rep)

    def on_break_on(self, rep: Rep, length: float) -> None:
        """A break is due: no new work from now; the break starts when the rep's hands are free."""
        if not rep.present or rep.break_due:
            return
        rep.break_due = length
        self.m.routing.holding.discard(rep)  # a rep going on break holds nothing for a call
        if rep.load < 1e-9:
            self.start_break(rep)
        else:
            self.update_available(rep)

    def start_break(self, rep: Rep) -> None:
        m = self.m
        m.books.integrate()
        rep.present = False
        rep.on_break = True
        m.books.cap -= 1
        rep.break_no += 1
        m.push(m.now + rep.break_due, EV_BREAK_OFF, rep, rep.break_no)
        rep.break_due = 0.0
        self.update_available(rep)

    def on_break_off(self, rep: Rep, number: int) -> None:
        # A rep on a break is on shift: the shift's end clears ``on_break`` (and bumps nothing
        # else), so a break that outlived its shift ends here without bringing the rep back.
        if not rep.on_break or number != rep.break_no:
            return
        rep.on_break = False
        m = self.m
        m.books.integrate()
        rep.present = True
        m.books.cap += 1
        m.routing.refill(rep)

    def on_shift_off(self, rep: Rep, _) -> None:
        m = self.m
        m.books.integrate()
        rep.on_break = False
        rep.break_due = 0.0
        m.routing.holding.discard(rep)
        if rep.present:
            rep.present = False
            m.books.cap -= 1
        self.update_available(rep)  # no longer takes new work; finishes what is in hand

    # ------------------------------------------------------------------ free reps
    def update_available(self, rep: Rep) -> None:
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

    def pick_rep(self, d: dict) -> Rep:
        """The free rep to take a new complaint: tier 1 before tier 2, then the longest free."""
        if self.has_tier2:
            for rep in d:
                if rep.tier == 1:
                    return rep
        return next(iter(d))

    def free_tier2(self, ch: int) -> Rep | None:
        d = self.available_t2[ch]
        return next(iter(d)) if d else None
