"""Validating a whole scenario document: every table, then the checks across tables."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .checker import ROOT_KEYS, _Checker
from .fields import _raw_channel_shares, _shares_sum_to_one
from .problems import NO_VALUE, ScenarioError, _num, _suggest
from .shifts import Policy, Shift
from .storm import StormScenario
from .tables import Arrivals, Behaviour, Contagion, Incident, Population, ScenarioInfo


def _check_channel_refs(
    check: _Checker, parts: list, ids: Sequence[str], known: Sequence[str]
) -> None:
    for cid in ids:
        if cid not in known:
            hint = _suggest(cid, known)
            listing = ", ".join(sorted(known))
            check.add(
                parts,
                cid,
                f"is not a channel of this scenario ({hint + ' ' if hint else ''}known: {listing})",
            )


def expected_arrivals(info, arrivals, incidents) -> float:
    """Roughly how many new complaints a run draws (before pile-ons): the profiles average 1
    over a week, so the baseline brings ``base × hours``; an incident adds ``base × (m − 1) ×
    its hours`` at its peak hour at most (the busiest profile hour is < 4× the mean)."""
    hours = info.duration_hours
    if arrivals.forecast is not None:
        baseline = math.fsum(arrivals.forecast[: math.ceil(hours)])
        base = max(arrivals.forecast[: math.ceil(hours)], default=0.0)
    else:
        baseline = arrivals.base_per_hour * hours
        base = arrivals.base_per_hour * 4
    extra = math.fsum(
        base * (inc.multiplier - 1.0) * max(0.0, min(inc.duration_hours, hours - inc.start_hour))
        for inc in incidents
        if inc.multiplier > 1.0
    )
    return baseline + extra


def _check_expected_volume(check, info, arrivals, incidents) -> None:
    """Refuse, before anything is allocated, a run whose arrivals alone pass max_complaints."""
    if info is None or arrivals is None:
        return
    expected = expected_arrivals(info, arrivals, incidents)
    cap = info.max_complaints
    if expected <= cap:
        return
    field = ["arrivals", "forecast_csv" if arrivals.forecast is not None else "base_per_hour"]
    value = arrivals.forecast_csv if arrivals.forecast is not None else arrivals.base_per_hour
    check.add(
        field,
        value,
        f"would draw about {expected:.3g} complaints in {_num(info.duration_hours)} hours, more "
        f"than scenario.max_complaints = {cap:_} (the cap on complaints per run; at most "
        "1_000_000_000): lower the rate or the incidents' multipliers, or raise max_complaints",
    )


def _validate_document(
    doc: Any, file: str, base_dir: Path | None, *, scenario_id: str, source: str
) -> StormScenario:
    check = _Checker(file, base_dir)
    if not isinstance(doc, Mapping):
        check.add([], doc, "must be a table of scenario settings")
        raise ScenarioError(check.problems)
    for key in doc:
        if key not in ROOT_KEYS:
            hint = _suggest(str(key), ROOT_KEYS)
            check.add([str(key)], NO_VALUE, "unknown key" + (f" ({hint})" if hint else ""))

    info = check.section(doc, "scenario", ScenarioInfo, required=True)
    population = check.section(doc, "population", Population)
    arrivals = check.section(doc, "arrivals", Arrivals, required=True)
    incidents = check.items(doc, "incidents", Incident, required=False, what="incident")
    contagion = check.section(doc, "contagion", Contagion)
    channels, channel_ids = check.channels(doc)
    behaviour = check.section(doc, "behaviour", Behaviour)
    shifts = check.items(doc, "shifts", Shift, required=True, what="shift")
    policy = check.section(doc, "policy", Policy)

    # Checks across tables, each as soon as the tables it needs are valid.
    shares = (
        {cid: ch.share for cid, ch in channels.items()}
        if channels is not None
        else _raw_channel_shares(doc)  # other channel fields are wrong: still check the sum
    )
    if shares:
        problem = _shares_sum_to_one(shares)
        if problem:
            check.add(["channels"], NO_VALUE, problem)
    if channel_ids:
        for prefix, shift in shifts:
            _check_channel_refs(check, [*prefix, "skills"], shift.skills or (), channel_ids)
            conc = list(shift.concurrency or {})
            _check_channel_refs(check, [*prefix, "concurrency"], conc, channel_ids)
        for prefix, incident in incidents:
            conc = list(incident.channels or {})
            _check_channel_refs(check, [*prefix, "channels"], conc, channel_ids)
        if policy is not None:
            _check_channel_refs(check, ["policy", "reserve_for"], policy.reserve_for, channel_ids)
        if policy is not None and "crisis_pull_from" in policy.model_fields_set:
            _check_channel_refs(
                check, ["policy", "crisis_pull_from"], policy.crisis_pull_from, channel_ids
            )
    if arrivals is not None and arrivals.forecast_csv is not None:
        forecast = check.forecast(arrivals.forecast_csv)
        by_channel = None
        if forecast is not None and not isinstance(forecast, tuple):  # a WFM export
            problems: list[str] = []
            if info is not None:
                from ..forecasts import on_timeline

                forecast, by_channel, problems = on_timeline(
                    forecast, info.start, info.timezone, info.duration_hours * 60.0, channel_ids
                )
            else:
                forecast = None
            for message in problems:
                check.add(["arrivals", "forecast_csv"], arrivals.forecast_csv, message)
        if forecast is not None and info is not None and len(forecast) < info.duration_hours:
            check.add(
                ["arrivals", "forecast_csv"],
                arrivals.forecast_csv,
                f"covers {len(forecast)} hours, fewer than duration_hours "
                f"({_num(info.duration_hours)}); add rows (per_hour = 0 for a quiet end)",
            )
        elif forecast is not None:
            resolved = str(((base_dir or Path()) / arrivals.forecast_csv).resolve())
            arrivals = arrivals.model_copy(update={"forecast_csv": resolved})
            arrivals._forecast = forecast
            arrivals._forecast_by_channel = by_channel
    if not check.problems:
        _check_expected_volume(check, info, arrivals, [inc for _, inc in incidents])
    if check.problems:
        raise ScenarioError(check.problems)

    if "crisis_pull_from" not in policy.model_fields_set:
        pulled = tuple(c for c in policy.crisis_pull_from if c in channels)
        policy = policy.model_copy(update={"crisis_pull_from": pulled})
    # Every table is validated already: put them together without a second validation (so the
    # whole scenario's schema is never built unless someone validates a StormScenario directly).
    scenario = StormScenario.model_construct(
        info=info,
        population=population,
        arrivals=arrivals,
        incidents=tuple(incident for _, incident in incidents),
        contagion=contagion,
        channels=channels,
        behaviour=behaviour,
        shifts=tuple(shift for _, shift in shifts),
        policy=policy,
    )
    scenario._id = scenario_id
    scenario._source = source
    scenario._base_dir = base_dir
    return scenario
