"""Results of a run: the KPI dict of DESIGN §5, an hourly timeseries and the complaints table.

Definitions line up with Erlang's (DESIGN §5): *wait* runs from arrival until a rep starts on
the complaint or the customer gives up (or the run ends, for those still waiting); only
arrivals in [warm-up, end) count; an undefined figure is ``None``, never NaN.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from . import __version__
from .agents import ComplaintState, Origin, Outcome


@dataclass
class Results:
    """What a run produced.

    ``kpis``: the DESIGN §5 dict (JSON-ready); ``timeseries``: one row per clock hour (volume per
    channel, queue, mood, reps on shift…); ``complaints``: one row per complaint.
    """

    kpis: dict
    timeseries: pd.DataFrame
    complaints: pd.DataFrame
    warnings: list = field(default_factory=list)
    warmup_hours: float = 0.0  # the first hours, not counted in the KPIs (marked on plots)
    duration_hours: float = 0.0
    clock: Any = None  # the scenario clock (simulation minutes ↔ local time)
    sla_min: dict = field(default_factory=dict)  # first-response target per channel

    def channel_frame(self) -> pd.DataFrame:
        """The per-channel KPIs as a tidy frame: one row per channel, one column per KPI."""
        frame = pd.DataFrame.from_dict(self.kpis["channels"], orient="index")
        frame.index.name = "channel"
        return frame

    def intervals(self, minutes: float = 30) -> pd.DataFrame:
        """Per-channel figures per ``minutes`` interval (:func:`sim.intervals.interval_table`)."""
        from .intervals import interval_table

        return interval_table(self, minutes)

    def by_origin(self) -> pd.DataFrame:
        """KPIs per complaint origin (see :func:`sim.intervals.origin_table`)."""
        from .intervals import origin_table

        return origin_table(self)


def _rate(num: float, den: float) -> float | None:
    return float(num) / float(den) if den else None


def _pct(values: np.ndarray, q: float) -> float | None:
    return float(np.percentile(values, q)) if len(values) else None


def _mean(values: np.ndarray) -> float | None:
    return float(values.mean()) if len(values) else None


def complaint_arrays(model) -> dict[str, np.ndarray]:
    """Every complaint so far as columns sorted by id (``closed`` = NaN for those still open)."""
    return model.complaint_columns()


def paid_minutes(model, end: float) -> tuple[float, float]:
    """(paid rep-minutes, wage cost) inside [warm-up, end)."""
    minutes = cost = 0.0
    spec_shifts = model.spec.shifts
    for shift in spec_shifts:
        overlap = sum(
            max(0.0, min(b, end) - max(a, model.warmup))
            for a, b in model.shift_intervals[shift.name]
        )
        minutes += overlap * shift.reps
        cost += overlap * shift.reps * shift.hourly_wage / 60.0
    return minutes, cost


def build_results(model) -> Results:
    """Compute :class:`Results` for the model's run so far."""
    a = complaint_arrays(model)
    end = min(model.now, model.duration)
    counted = (a["created"] >= model.warmup) & (a["created"] < end)
    fr = a["first_response"]
    answered = ~np.isnan(fr)
    still_open = np.isnan(a["closed"]) & np.isin(
        a["state"], [ComplaintState.WAITING, ComplaintState.IN_SERVICE]
    )
    gave_up = (a["state"] == ComplaintState.GAVE_UP) & ~answered
    # Still open at the end: never answered (waiting), or answered and still being worked — in
    # a rep's hands or back in the queue for a follow-up (in_service). open = the two together.
    waiting = still_open & ~answered
    in_service = still_open & answered
    # wait = first answer (or give-up, or the end of the run) − arrival, in one new column.
    wait = np.where(answered, fr, a["wait_end"])
    np.copyto(wait, end, where=np.isnan(wait))
    wait -= a["created"]
    midnights = model.clock.midnights()
    next_midnight = midnights[
        np.minimum(np.searchsorted(midnights, a["created"], side="right"), len(midnights) - 1)
    ]
    same_day = answered & (fr < next_midnight)
    del next_midnight

    channels = {}
    for i, name in enumerate(model.channel_names):
        m = counted & (a["channel"] == i)
        n = int(m.sum())
        sla = model.channel_specs[i].sla_min
        w = wait[m]
        frt = wait[m & answered]
        channels[name] = {
            "arrived": n,
            "answered": int((m & answered).sum()),
            "gave_up": int((m & gave_up).sum()),
            "open": int((m & still_open).sum()),
            # arrived = answered + gave_up + waiting; open = waiting + in_service.
            "waiting": int((m & waiting).sum()),
            "in_service": int((m & in_service).sum()),
            "wait_mean_min": _mean(w),
            "p_wait": _rate((w > 0).sum(), n),
            "abandon_rate": _rate((m & gave_up).sum(), n),
            "service_level": _rate((m & answered & (wait <= sla)).sum(), n),
            "frt_median_min": _pct(frt, 50),
            "frt_p90_min": _pct(frt, 90),
            "same_day_rate": _rate((m & same_day).sum(), n),
            "escalated_public": int((m & (a["escalated_public"] == 1)).sum()),
        }

    created = a["created"][counted]
    edges = model.clock.clock_hour_edges()
    per_hour = np.histogram(created, bins=edges)[0] if len(edges) > 1 else np.array([len(created)])
    del created, still_open, waiting, in_service, same_day
    churned = counted & (a["churned"] == 1)
    value = model.population.value
    impressions = float(a["followers"][counted & (a["public"] == 1)].sum())
    rated = counted & answered & (a["satisfied"] >= 0)
    books = model.books
    books.integrate()
    busy = books.busy_minutes()
    paid, cost = paid_minutes(model, end)
    kpis = {
        "scenario": model.spec.info.name,
        "seed": model.seed,
        "complaints": int(counted.sum()),
        "channels": channels,
        "escalated_public": int((counted & (a["escalated_public"] == 1)).sum()),
        "peak_per_hour": int(per_hour.max()) if len(per_hour) else 0,
        "impressions": impressions,
        "churned": int(churned.sum()),
        "revenue_at_risk": float(value[a["author"][churned]].astype(np.float64).sum()),
        "occupancy": _rate(busy, books.available_minutes),
        "cost": cost,
        "csat": _rate((rated & (a["satisfied"] == 1)).sum(), rated.sum()),
        "pile_ons": int((counted & (a["origin"] == Origin.PILE_ON)).sum()),
        "told_friends": int((counted & (a["told_friends"] == 1)).sum()),
        "tier2_escalations": int((counted & (a["tier2"] == 1)).sum()),
        "paid_rep_hours": paid / 60.0,
        "crisis_hours": model.crisis_minutes / 60.0,
        "warnings": [w.message for w in model.warnings],
        "model_version": __version__,
        "scenario_sha256": model.spec.sha256,
    }
    return Results(
        kpis=kpis,
        timeseries=_timeseries(model),
        complaints=_complaints_frame(model, a, wait, counted, answered, gave_up),
        warnings=list(model.warnings),
        warmup_hours=model.warmup / 60.0,
        duration_hours=model.duration / 60.0,
        clock=model.clock,
        sla_min={
            n: spec.sla_min
            for n, spec in zip(model.channel_names, model.channel_specs, strict=True)
        },
    )


def _timeseries(model) -> pd.DataFrame:
    df = model.datacollector.get_model_vars_dataframe().reset_index(drop=True)
    edges = model.clock.clock_hour_edges()
    n = len(df)
    df.insert(0, "hour_start", [model.clock.local(t) for t in edges[:n]])
    if n:
        by_channel = pd.DataFrame(
            df.pop("arrivals_by_channel").tolist(),
            columns=[f"arrivals_{c}" for c in model.channel_names],
        )
        df = pd.concat([df, by_channel], axis=1)
    else:
        df = df.drop(columns=["arrivals_by_channel"], errors="ignore")
    return df


def _names(enum, codes: np.ndarray) -> pd.Categorical:
    """Lower-case enum names for integer codes, as a categorical column."""
    labels = [m.name.lower() for m in enum]
    return pd.Categorical.from_codes(codes, categories=labels)


def _labels(labels: list[str], codes: np.ndarray):
    """``labels[codes]`` (numpy indexing: -1 is the last label) as the column pandas makes of
    strings (pandas 3: its Arrow-backed ``str`` dtype)."""
    dtype = pd.Series(np.array(labels[:1], dtype=object)).dtype  # what pandas infers
    if getattr(dtype, "storage", None) != "pyarrow":
        # Object arrays of the (shared) label strings for pandas to take as it does: a numpy
        # unicode array would cost 4 bytes a character per row.
        return np.array(labels, dtype=object)[codes]
    # Arrow's own buffers (int64 offsets, UTF-8 bytes) filled here a block of rows at a time:
    # no object array of a pointer per row to convert, and no builder growing its buffers —
    # for a million rows ~40 MB less at the results' peak.
    import pyarrow as pa

    encoded = [label.encode() for label in labels]
    sizes = np.array([len(b) for b in encoded], dtype=np.int64)
    n = len(codes)
    offsets = np.zeros(n + 1, dtype=np.int64)
    for i in range(0, n, _LABEL_BLOCK):
        block = offsets[i + 1 : i + 1 + _LABEL_BLOCK]
        np.cumsum(sizes[codes[i : i + _LABEL_BLOCK]], out=block)
        block += offsets[i]
    data = np.empty(int(offsets[-1]), dtype=np.uint8)
    for i in range(0, n, _LABEL_BLOCK):
        chunk = b"".join([encoded[c] for c in codes[i : i + _LABEL_BLOCK].tolist()])
        data[offsets[i] : offsets[i] + len(chunk)] = np.frombuffer(chunk, dtype=np.uint8)
    strings = pa.LargeStringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(data))
    return pd.arrays.ArrowStringArray(strings, dtype=dtype)


_LABEL_BLOCK = 1 << 16


def _complaints_frame(model, a, wait, counted, answered, gave_up) -> pd.DataFrame:
    channel = _labels([*model.channel_names, "?"], a["channel"])
    topic = _labels([*model.topic_names, "?"], a["topic"])
    return pd.DataFrame(
        {
            "id": a["cid"],
            "parent": a["parent"],
            "root": a["root"],
            "generation": a["generation"],
            "origin": _names(Origin, a["origin"]),
            "channel": channel,
            "public": a["public"].astype(bool),
            "topic": topic,
            "author": a["author"],
            "followers": a["followers"],
            "anger": a["anger"],
            "severity": a["severity"],
            "created_min": a["created"],
            "first_response_min": a["first_response"],
            "wait_min": wait,
            "closed_min": a["closed"],
            "state": _names(ComplaintState, a["state"]),
            "outcome": _names(Outcome, a["outcome"]),
            "score": a["score"],
            "satisfied": pd.arrays.BooleanArray(a["satisfied"] == 1, a["satisfied"] < 0),
            "answered": answered,
            "gave_up": gave_up,
            "pile_ons": a["pile_ons"],
            "follow_ups": a["follow_ups"],
            "escalated_public": a["escalated_public"].astype(bool),
            "churned": a["churned"].astype(bool),
            "tier2": a["tier2"].astype(bool),
            "trainee": a["trainee"].astype(bool),
            "counted": counted,
        },
        copy=False,  # the columns were built for this frame: no second copy
    )
