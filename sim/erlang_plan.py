"""Erlang as the calculators planners use: concurrency, shrinkage and a table of intervals.

Extends :mod:`sim.erlang` (one queue, agents = servers) the way Excel Erlang calculators and
pyworkforce do:

- **concurrency** *c*: an agent handles *c* contacts at once (chat), each with the given AHT —
  the queue has *c* servers per agent, so the agents needed are the fewest whose *c*·agents
  servers meet the targets (the same rule ``stormdesk staff`` uses for its Erlang columns);
- **shrinkage** *s*: the share of paid time not on contacts (breaks, training, absence); the
  agents to *schedule* are ⌈agents / (1 − s)⌉;
- **intervals**: every interval and channel of a WFM forecast (:mod:`sim.forecasts`) sized on
  its own, steady state within each interval (the usual calculator assumption: no backlog
  carried between intervals).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import erlang
from .forecasts import WfmForecast

if TYPE_CHECKING:
    import pandas as pd

MIN_PER_HOUR = 60.0


@dataclass(frozen=True)
class Staffing:
    """Agents for one queue: on the contacts, to schedule, and the queue's figures."""

    agents: int  # people handling contacts
    scheduled: int  # people to schedule: agents grossed up for shrinkage
    concurrency: int
    shrinkage: float
    metrics: erlang.QueueMetrics  # of the queue with agents × concurrency servers

    def as_dict(self) -> dict[str, object]:
        record = self.metrics.as_dict()
        record["slots"] = record.pop("agents")
        record.update(
            agents=self.agents,
            scheduled_agents=self.scheduled,
            concurrency=self.concurrency,
            shrinkage=self.shrinkage,
        )
        return record


def check_shrinkage(shrinkage: float) -> float:
    if not isinstance(shrinkage, int | float) or not 0 <= shrinkage < 1:
        raise ValueError(f"shrinkage must be at least 0 and below 1, got {shrinkage!r}")
    return float(shrinkage)


def check_concurrency(concurrency: int) -> int:
    if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
        raise ValueError(f"concurrency must be a whole number ≥ 1, got {concurrency!r}")
    return concurrency


def scheduled_agents(agents: int, shrinkage: float) -> int:
    """Agents to schedule so that ``agents`` are on the contacts after ``shrinkage``."""
    return math.ceil(agents / (1.0 - check_shrinkage(shrinkage)) - 1e-9)


def evaluate(
    arrivals_per_hour: float,
    aht_min: float,
    agents: int,
    sla_min: float,
    patience_mean_min: float | None = None,
    concurrency: int = 1,
    shrinkage: float = 0.0,
) -> Staffing:
    """The figures with ``agents`` people, each handling ``concurrency`` contacts at once."""
    c = check_concurrency(concurrency)
    m = erlang.metrics(arrivals_per_hour, aht_min, agents * c, sla_min, patience_mean_min)
    return Staffing(agents, scheduled_agents(agents, shrinkage), c, shrinkage, m)


def agents_needed(
    arrivals_per_hour: float,
    aht_min: float,
    sla_min: float,
    target_service_level: float,
    patience_mean_min: float | None = None,
    max_abandon_rate: float | None = None,
    max_occupancy: float | None = None,
    concurrency: int = 1,
    shrinkage: float = 0.0,
) -> Staffing:
    """The fewest people meeting every target (as :func:`sim.erlang.agents_needed`), each
    handling ``concurrency`` contacts at once; ``scheduled`` grossed up for ``shrinkage``."""
    c = check_concurrency(concurrency)
    check_shrinkage(shrinkage)
    servers = erlang.agents_needed(
        arrivals_per_hour,
        aht_min,
        sla_min,
        target_service_level,
        patience_mean_min,
        max_abandon_rate,
        max_occupancy,
    )
    # more servers never hurt, so the fewest people are ⌈servers / c⌉
    people = max(1, math.ceil(servers.agents / c))
    return evaluate(arrivals_per_hour, aht_min, people, sla_min, patience_mean_min, c, shrinkage)


def interval_table(
    forecast: WfmForecast,
    sla_min: float,
    target_service_level: float,
    patience_mean_min: float | None = None,
    max_abandon_rate: float | None = None,
    max_occupancy: float | None = None,
    concurrency: Mapping[str, int] | int = 1,
    shrinkage: float = 0.0,
) -> pd.DataFrame:
    """Agents per interval and channel for a WFM forecast; one row each, in time order.

    ``concurrency`` is one number for every channel or a mapping channel → number (others 1).
    Intervals with no volume need no agents.
    """
    import pandas as pd  # only here: the calculator stays light

    rates = forecast.per_hour()
    rows = []
    for i, start in enumerate(forecast.starts):
        for j, channel in enumerate(forecast.channels):
            aht = forecast.aht_min[i, j]
            if math.isnan(aht):
                continue
            conc = concurrency if isinstance(concurrency, int) else concurrency.get(channel, 1)
            volume = float(forecast.volume[i, j])
            row = {
                "interval_start": start.isoformat(sep=" ", timespec="minutes"),
                "channel": channel,
                "volume": volume,
                "per_hour": float(rates[i, j]),
                "aht_min": float(aht),
                "concurrency": conc,
            }
            if volume == 0:
                s = evaluate(0.0, aht, 0, sla_min, patience_mean_min, conc, shrinkage)
                s = Staffing(0, 0, conc, shrinkage, s.metrics)
            else:
                s = agents_needed(
                    float(rates[i, j]),
                    aht,
                    sla_min,
                    target_service_level,
                    patience_mean_min,
                    max_abandon_rate,
                    max_occupancy,
                    conc,
                    shrinkage,
                )
            m = s.metrics
            row.update(
                agents=s.agents,
                scheduled_agents=s.scheduled,
                offered_load=m.offered_load,
                service_level=m.service_level if volume else None,
                abandon_rate=m.abandon_rate if volume else None,
                asa_min=m.asa_min if volume and m.asa_min is not None else None,
                occupancy=m.occupancy if volume else None,
            )
            rows.append(row)
    return pd.DataFrame(rows)


__all__ = [
    "Staffing",
    "agents_needed",
    "evaluate",
    "interval_table",
    "scheduled_agents",
]
