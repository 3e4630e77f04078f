"""Crisis mode: when new grievances surge past ``policy.crisis_threshold`` × the baseline, the
brand posts a holding statement (pile-ons thinned), pulls reps from e.g. email onto the public
channels and routes by priority, until an hour passes without a surge.
"""

from __future__ import annotations

from collections import deque

from .. import calibration as cal
from ..agents import Origin
from .events import EV_CRISIS_CHECK

# Crisis mode watches new grievances: new complaints and pile-ons. Re-posts and channel
# switches are customers already in the queue coming back; a night-time backlog produces them
# in numbers that have nothing to do with a storm.
STORM_ORIGINS = frozenset((Origin.NEW, Origin.PILE_ON))


class CrisisMode:
    """The crisis trigger and what switching crisis mode on or off does to one model."""

    def __init__(self, model):
        self.m = model
        self.policy = model.spec.policy
        self.watching = self.policy.crisis_threshold > 0
        self.recent: deque = deque()  # arrival times within the crisis window
        self.calm_checks = 0

    def start(self) -> None:
        """Schedule the first check (if the scenario has a crisis plan)."""
        if self.watching:
            self.m.push(cal.CRISIS_CHECK_EVERY_MIN, EV_CRISIS_CHECK, None, None)

    def note(self, origin: int) -> None:
        """A complaint arrived now (called only while watching)."""
        if origin in STORM_ORIGINS:
            self.recent.append(self.m.now)

    def on_check(self, _a, _b) -> None:
        """Crisis mode when the last hour's new grievances (new complaints and pile-ons) reach
        ``crisis_threshold`` × the baseline expected over that same hour — not the current hour's
        rate: when the profile falls in the evening, an ordinary hour must not read as a surge."""
        m = self.m
        policy = self.policy
        now = m.now
        recent = self.recent
        while recent and recent[0] < now - cal.CRISIS_WINDOW_MIN:
            recent.popleft()
        since = max(now - cal.CRISIS_WINDOW_MIN, 0.0)
        baseline = max(m.books.expected_by(now) - m.books.expected_by(since), 1.0)
        level = len(recent) / baseline
        surge = level >= policy.crisis_threshold and len(recent) >= cal.CRISIS_MIN_VOLUME
        if not m.crisis and surge:
            self.switch(True)
        elif m.crisis:
            self.calm_checks = 0 if surge else self.calm_checks + 1
            if self.calm_checks * cal.CRISIS_CHECK_EVERY_MIN >= cal.CRISIS_WINDOW_MIN:
                self.switch(False)
        if now + cal.CRISIS_CHECK_EVERY_MIN < m.duration:
            m.push(now + cal.CRISIS_CHECK_EVERY_MIN, EV_CRISIS_CHECK, None, None)

    def switch(self, on: bool) -> None:
        """Crisis mode: holding statement, reps pulled from e.g. email onto public channels."""
        m = self.m
        m.books.integrate()
        m.crisis = on
        self.calm_checks = 0
        policy = self.policy
        m.contagion.holding_statement(on and policy.holding_statement)
        pulled = {m.channel_index[c] for c in policy.crisis_pull_from if c in m.channel_index}
        available = m.staff.available
        for rep in m.reps:
            for ch in rep.skills:
                available[ch].pop(rep, None)
            if on and pulled.intersection(rep.base_skills):
                extra = [p for p in m.public_channels if p not in rep.base_skills]
                rep.skills = tuple(extra) + tuple(s for s in rep.base_skills if s not in pulled)
            else:
                rep.skills = rep.base_skills
        m.routing.resort()  # crisis routing is by priority
        for rep in m.reps:
            m.routing.refill(rep)
