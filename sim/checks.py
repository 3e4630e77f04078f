"""Warnings for scenario settings that are legal but probably a mistake.

A scenario that loads is valid; it can still say something its author did not mean: an
incident that starts after the run ends never happens, "18:00"–"10:00" is a 16-hour night
shift, a patience of 3600 minutes on the phone is seconds typed as minutes. ``validate`` and
``run`` print these (exit status 0); ``run`` also lists them under ``warnings`` in ``--json``.
"""

from __future__ import annotations

from .scenario import NO_VALUE, Problem, StormScenario

LONG_OVERNIGHT_SHIFT_H = 12.0  # an overnight shift longer than this is probably reversed
# Customers on a live channel (a call, a chat window) do not wait for hours; anywhere, nobody
# waits a day for a first answer and then gives up.
LIVE_CHANNELS = frozenset(("phone", "voice", "call", "calls", "chat", "livechat", "webchat"))
LIVE_PATIENCE_MAX_MIN = 120.0
PATIENCE_MAX_MIN = 24 * 60.0
HANDLE_TIME_MAX_MIN = 120.0
# Absence (whole shifts missed) rarely exceeds 10–15%; a planner's total shrinkage (breaks,
# meetings, coaching and absence together) is typically 25–35% and mostly within the shift.
ABSENCE_SHARE_MAX = 0.2


def _typical_min(duration) -> float | None:
    """The median (lognormal), mean (exponential) or value (fixed) of a duration, minutes."""
    for attr in ("median_min", "mean_min", "value_min", "minutes"):
        v = getattr(duration, attr, None)
        if isinstance(v, int | float):
            return float(v)
    return None


def _hm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def scenario_warnings(sc: StormScenario) -> list[Problem]:
    """Settings in ``sc`` that are legal but probably wrong, one :class:`Problem` each."""
    out: list[Problem] = []

    def warn(path: str, value, message: str) -> None:
        out.append(Problem(sc.source, path, value, message))

    hours = sc.info.duration_hours
    for i, inc in enumerate(sc.incidents):
        if inc.start_hour >= hours:
            warn(
                f"incidents[{i}].start_hour",
                inc.start_hour,
                f"is at or after the end of the run (duration_hours {hours:g}): "
                f"incident {inc.name!r} never happens",
            )
    for shift in sc.shifts:
        if shift.end_min < shift.start_min:
            length = (shift.end_min + 1440 - shift.start_min) / 60
            if length > LONG_OVERNIGHT_SHIFT_H:
                warn(
                    f"shifts.{shift.name}",
                    NO_VALUE,
                    f"{shift.start}–{shift.end} is read as an overnight shift of {length:g} "
                    f"hours; for a day shift write start = {shift.end!r}, end = {shift.start!r}",
                )
        if shift.absence_share >= ABSENCE_SHARE_MAX:
            name = "shrinkage" if "shrinkage" in shift.model_fields_set else "absence_share"
            warn(
                f"shifts.{shift.name}.{name}",
                shift.absence_share,
                f"is read as whole shift occurrences missed ({shift.absence_share:.0%} of reps "
                "absent all shift, at random): if it is total shrinkage, put the time lost "
                "within the shift (breaks, meetings) in break_share",
            )
    for cid, ch in sc.channels.items():
        if not isinstance(ch.patience, str):
            typical = _typical_min(ch.patience)
            limit = LIVE_PATIENCE_MAX_MIN if cid in LIVE_CHANNELS else PATIENCE_MAX_MIN
            if typical is not None and typical > limit:
                warn(
                    f"channels.{cid}.patience",
                    NO_VALUE,
                    f"a typical customer waits {typical:g} minutes ({typical / 60:.3g} h) "
                    f"before giving up on {cid}; durations are in minutes — were these seconds?",
                )
        typical = _typical_min(ch.handle_time)
        if typical is not None and typical > HANDLE_TIME_MAX_MIN:
            warn(
                f"channels.{cid}.handle_time",
                NO_VALUE,
                f"a typical reply takes {typical:g} minutes of rep time; durations are in "
                f"minutes — were these seconds?",
            )
    return out
