"""Schedulable rosters: shifts people can work that cover a per-interval requirement at least cost.

``stormdesk staff … --shifts "length=4h-9h,every=30m,break=30m,break_after=6h,weekly=40h"``
turns the per-interval head count found by simulation (:func:`sim.staffing.find_staffing`) into
shifts — start, end, how many people, when their break is — chosen by an integer program::

    rules = parse_shift_rules("length=4h-9h,every=60m")
    roster = solve_roster(scenario, edges, requirement, rules, hourly_wage=25.0)
    roster.shifts        # one row per shift pattern used: start, end, break, count
    roster.cost, roster.lower_bound

**The integer program** (set covering, Dantzig 1954): time is cut into *slots* (the greatest
common divisor of the interval, the start-time step, the length step and the break); every
candidate shift — a start on the ``every`` grid of the local clock, a length from ``min`` to
``max`` in ``step``, and, if longer than ``break_after``, one unpaid break of ``break`` placed
at least 2 h from either end and within an hour of the middle — is a column; ``x_j`` people work
shift ``j``. Minimise Σ cost_j·x_j subject to, for every slot s inside the run,
Σ_{j working in s} x_j ≥ requirement(interval of s), x_j integer ≥ 0. A break therefore never
leaves a slot short: breaks are staggered over people. cost_j is the paid (worked) hours of the
shift *inside the run* × the template's hourly wage, so the roster's cost and the
**per-interval lower bound** Σ_k requirement_k × hours_k × wage count the same window; the gap
between them is what whole shifts cost over a head count per hour. Shifts may start before the
run or end after it (a Friday 08:00–17:00 shift when the run starts at noon). The program is
solved with HiGHS through ``scipy.optimize.milp`` (branch and bound, stopped after
``node_limit`` nodes — a deterministic limit, so the same input gives the same roster — or, as a
safety net, ``time_limit`` seconds; the gap to the solver's bound is reported).

**People.** Shifts are then given to people, earliest first, each to the person who became free
latest while leaving ``rest`` hours since their last shift and keeping their paid hours per
calendar week (Monday–Sunday, local) at most ``weekly``; a new person is added when nobody
fits. The head count is the number of people needed.

**Simulation.** :func:`roster_scenario` puts the shifts into the scenario as ``[[shifts]]``
tables with ``dates`` (a shift with a break is two tables, before and after it; the rest of the
centre keeps its shifts as in :func:`sim.staffing.roster_shifts`), so the roster can be run and
checked against the targets like any other.
"""

from __future__ import annotations

from .plan import (  # noqa: F401
    RosterPlan,
    _spans,
    people_working,
    plan_roster,
    roster_scenario,
    simulate_scenario,
)
from .rules import (  # noqa: F401
    _DURATION,
    _KEYS,
    BREAK_EDGE_MIN,
    BREAK_SPREAD_MIN,
    MAX_COLUMNS,
    Candidate,
    ShiftRules,
    _break_offsets,
    _minutes,
    candidates,
    parse_shift_rules,
)
from .solve import (  # noqa: F401
    Roster,
    _hhmm,
    _paid,
    _shift_table,
    assign_people,
    solve_roster,
)

__all__ = [
    "Roster",
    "ShiftRules",
    "assign_people",
    "candidates",
    "parse_shift_rules",
    "people_working",
    "plan_roster",
    "roster_scenario",
    "solve_roster",
]
