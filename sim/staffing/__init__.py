"""Simulation-based staffing: the fewest reps per interval that meet service targets.

``stormdesk staff`` answers "how many reps do I need each hour?" by searching over simulations
of the scenario, with Erlang C and Erlang A beside it to show where the formulas go wrong::

    scenario = sim.load_scenario("scenarios/weekend_outage.toml")
    targets = parse_targets(["twitter.service_level>=0.8", "twitter.abandon_rate<=0.05"], scenario)
    with open_backend(workers=2) as backend:
        plan = find_staffing(scenario, targets, interval_min=60, backend=backend)
    plan.table            # one row per interval: reps by simulation, Erlang C, Erlang A, why

**Targets** are ``<channel>.<kpi><op><value>`` (``*`` for every channel), measured per interval
on the complaints that *arrive* in it: ``service_level>=`` (service started within the
channel's ``sla_min``; those who gave up are misses), ``abandon_rate<=``, ``p_wait<=``,
``wait_mean_min<=``, ``frt_pNN_min<=`` (the NN-th percentile of first-response time over
answered complaints, minutes). Complaints still waiting at the end of the run count only when
they have already missed (censoring). Only counted arrivals (after the warm-up) are measured.

**Roster.** The roster is a team working the channels that have targets (``*`` targets: every
channel); the rest of the scenario's shifts stay, minus those channels (a tier-1 shift left
with none goes), so the rest of the centre works as the scenario says. The team has
``reps[k]`` reps in interval ``k``, laid out in levels — rep ``j`` works every interval with at
least ``j`` reps, as one shift per day — so nobody hands over work at an interval boundary where
the count does not change. Team reps copy quality, wage, shrinkage and concurrency from the
first tier-1 shift that works one of the team's channels (or ``template=``).

**Search.** All intervals are searched at once, each simulation of the whole scenario running
``replications`` seeds (common random numbers: every roster sees the same storms). A roster
*meets* an interval's targets when the replication mean does (``conservative=True``: when the
whole 95% confidence interval does). Per interval the count gallops (±1, 2, 4…) from the Erlang
answer until a failing and a meeting count bracket it, then bisects; when every interval is
bracketed to one rep the roster is simulated again as a whole, and intervals that now fail
(more backlog from a leaner neighbour) search upwards again. The result meets every target;
each interval's count is one more than a count that failed during the search.

**Erlang.** For each interval and targeted channel the forecast arrival rate (base × profile ×
incidents; no contagion, no re-posts — what a planner feeds the formulas) gives the reps Erlang
C (nobody gives up) and Erlang A (exponential patience with the channel's mean) need for the
same targets. A rep with concurrency ``c`` counts as ``c`` agents, channels are staffed
separately (no pooling), and the total is grossed up for the template's shrinkage (breaks and
absence: ``Shift.total_shrinkage``; breaks are spread evenly as the gross-up assumes, absence
days are burstier and cost more than the gross-up buys — docs/scenario-format.md). Both Erlang
rosters are then simulated too, so the table says what they would really deliver.
"""

from __future__ import annotations

from .compare import (  # noqa: F401
    _table,
    explain,
)
from .roster import (  # noqa: F401
    RosterMeasure,
    _daily_windows,
    _mean_ci,
    measure_intervals,
    other_shifts,
    roster_shifts,
    roster_template,
    team_channels,
    with_roster,
)
from .search import (  # noqa: F401
    IntervalSearch,
    StaffingPlan,
    _simulate,
    erlang_reps,
    erlang_roster,
    find_staffing,
    measure_rostered,
)
from .targets import (  # noqa: F401
    _FRT,
    _TARGET,
    MAX_ERLANG_REPS,
    MAX_STEP,
    MIN_PER_DAY,
    REASON_SHARE,
    TARGET_KPIS,
    Target,
    forecast_arrivals,
    interval_edges,
    parse_targets,
)

__all__ = [
    "IntervalSearch",
    "RosterMeasure",
    "StaffingPlan",
    "Target",
    "erlang_reps",
    "erlang_roster",
    "find_staffing",
    "forecast_arrivals",
    "interval_edges",
    "measure_intervals",
    "parse_targets",
    "roster_shifts",
    "with_roster",
]
