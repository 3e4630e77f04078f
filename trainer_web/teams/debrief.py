"""The team debrief: the team against bots in its seat (the controlled comparison of
:mod:`trainer_web.comparison`), each member's contribution, the lead's decisions on the
timeline and hand-offs that took too long; and the cohort's team results table."""

from __future__ import annotations

import statistics

from .. import comparison, engine
from ..extensions import db
from ..models import ExerciseState
from . import engine as teams
from . import storm
from .models import TeamEvent, TeamExercise

DECISION_KINDS = (*storm.LEAD_KINDS, "pause", "resume")
RESULT_COLUMNS = (
    "team",
    "title",
    "scenario",
    "seed",
    "state",
    "lead",
    "members",
    "replies",
    "mean_score",
    "pass_rate",
    "crisis_on_at",
    "holding_statement_at",
    "extra_staff",
    "reassignments",
    "slow_handoffs",
    "injects",
)


def _events(team: TeamExercise) -> list[TeamEvent]:
    return (
        db.session.execute(
            db.select(TeamEvent).filter_by(team_exercise_id=team.id).order_by(TeamEvent.seq)
        )
        .scalars()
        .all()
    )


def _at(team, minute: float) -> str:
    return engine.clock_label(team, minute)


def timeline(team: TeamExercise, events: list[TeamEvent]) -> list[dict]:
    """The lead's decisions (and re-assignments, pauses, injects) in sim-time order."""
    names = {m.id: m.name for m in team.members}
    holder: dict[int, int] = {}
    out = []
    for ev in events:
        k = ev.kind
        row = None
        if k in DECISION_KINDS or k in storm.INJECT_KINDS:
            row = {"kind": k, "what": ev.text or k.replace("_", " ")}
        elif k == "assign":
            prev = holder.get(ev.complaint_id)
            what = f"Assigned complaint {ev.complaint_id} to {names.get(ev.target_member_id)}"
            if prev is not None:
                what = (
                    f"Re-assigned complaint {ev.complaint_id} from {names.get(prev)} "
                    f"to {names.get(ev.target_member_id)}"
                )
                k = "reassign"
            row = {"kind": k, "what": what}
        if k in ("claim",):
            holder[ev.complaint_id] = ev.member_id
        elif ev.kind in ("assign", "handoff"):
            holder[ev.complaint_id] = ev.target_member_id
        elif k == "reply":
            holder.pop(ev.complaint_id, None)
        if row is not None:
            row.update(
                min=round(ev.sim_min, 1),
                at=_at(team, ev.sim_min),
                by=names.get(ev.member_id, "Instructor"),
            )
            out.append(row)
    return out


def handoffs(team: TeamExercise, events: list[TeamEvent]) -> list[dict]:
    """Each hand-off (or re-assignment) and how long its receiver took to answer."""
    names = {m.id: m.name for m in team.members}
    out = []
    for i, ev in enumerate(events):
        if ev.kind not in ("handoff", "assign"):
            continue
        answered = next(
            (
                e
                for e in events[i + 1 :]
                if e.complaint_id == ev.complaint_id and e.kind in ("reply", "assign", "handoff")
            ),
            None,
        )
        took = None
        if answered is not None and answered.kind == "reply":
            took = answered.sim_min - ev.sim_min
        slow = took is None or took > teams.SLOW_HANDOFF_MIN
        if answered is not None and answered.kind != "reply":
            continue  # passed on again: judged at the next hand-off
        out.append(
            {
                "kind": ev.kind,
                "complaint_id": ev.complaint_id,
                "from": names.get(ev.member_id, "?"),
                "to": names.get(ev.target_member_id, "?"),
                "at": _at(team, ev.sim_min),
                "took_min": None if took is None else round(took, 1),
                "slow": slow,
            }
        )
    return out


def contributions(team: TeamExercise, events: list[TeamEvent]) -> list[dict]:
    """Per member: coverage (held complaints answered), quality (scores) and speed."""
    rows = []
    for m in team.members:
        held: set[int] = set()
        got_at: dict[int, float] = {}
        answered: set[int] = set()
        scores, waits, held_for, passes = [], [], [], []
        for ev in events:
            if (ev.kind == "claim" and ev.member_id == m.id) or (
                ev.kind in ("assign", "handoff") and ev.target_member_id == m.id
            ):
                held.add(ev.complaint_id)
                got_at[ev.complaint_id] = ev.sim_min
            elif ev.kind == "reply" and ev.member_id == m.id:
                r = ev.result or {}
                held.add(ev.complaint_id)
                answered.add(ev.complaint_id)
                scores.append(float(r.get("score", 0.0)))
                passes.append(bool(r.get("passed")))
                waits.append(float(r.get("wait_min", 0.0)))
                if ev.complaint_id in got_at:
                    held_for.append(ev.sim_min - got_at.pop(ev.complaint_id))
        rows.append(
            {
                "member": m.id,
                "name": m.name,
                "role": m.role,
                "channels": ", ".join(m.channels) or "all",
                "held": len(held),
                "replies": len(scores),
                "coverage": len(answered) / len(held) if held else None,
                "mean_score": round(statistics.fmean(scores), 1) if scores else None,
                "pass_rate": sum(passes) / len(passes) if passes else None,
                "median_wait_min": round(statistics.median(waits), 1) if waits else None,
                "median_hold_min": round(statistics.median(held_for), 1) if held_for else None,
            }
        )
    return rows


def build(team: TeamExercise) -> dict:
    events = _events(team)
    final = teams.final_model(team)
    res = final.model.results()
    you = comparison.kpi_row(res.kpis, res.complaints, team.channels)
    routing = frozenset(final.model.seat_log.items())
    injects = tuple(
        (ev.sim_min, storm.apply, (ev.kind,)) for ev in events if ev.kind in storm.INJECT_KINDS
    )  # the bots face the same injects; the lead's decisions are the team's own
    bots = comparison.bot_seat_runs(
        engine.scenario_of(team),
        team.seed,
        teams.seat_of(team),
        tuple(team.channels),
        routing,
        effects=injects,
    )
    rows = comparison.compare(you, bots)
    for r in rows:  # the comparison speaks to one trainee; here it is the team's seat
        r["text"] = (
            r["text"]
            .replace("You lost", "The team lost")
            .replace("Your seat", "The team's seat")
            .replace("your seat", "the team's seat")
            .replace("your channels", "the team's channels")
        )
    return {
        "versus": rows,
        "headline": comparison.headline(rows)
        .replace("your seat", "the team's seat")
        .replace("you answered", "the team answered")
        .replace("You did", "The team did")
        .replace("you were", "the team was")
        .replace("You were", "The team was"),
        "replications": len(bots.rows),
        "members": contributions(team, events),
        "timeline": timeline(team, events),
        "handoffs": handoffs(team, events),
        "staff_cost": sum(storm.staff_of(ev) for ev in events if ev.kind == "extra_staff")
        * storm.EXTRA_STAFF_COST,
    }


def results_rows(cohort) -> list[dict]:
    """One row per team exercise of the cohort, from the log alone (no replay)."""
    out = []
    for team in (
        db.session.execute(
            db.select(TeamExercise).filter_by(cohort_id=cohort.id).order_by(TeamExercise.id)
        )
        .scalars()
        .all()
    ):
        events = _events(team)
        replies = [e.result or {} for e in events if e.kind == "reply"]
        scores = [float(r.get("score", 0)) for r in replies]

        def first(kind, evs=events, t=team):
            e = next((e for e in evs if e.kind == kind), None)
            return None if e is None else _at(t, e.sim_min)

        tl = timeline(team, events)
        out.append(
            {
                "team": team.id,
                "title": team.title,
                "scenario": team.scenario_id,
                "seed": team.seed,
                "state": team.state,
                "lead": team.lead.name if team.lead else "",
                "members": "; ".join(f"{m.name} ({m.role})" for m in team.members),
                "replies": len(scores),
                "mean_score": round(statistics.fmean(scores), 1) if scores else None,
                "pass_rate": round(sum(bool(r.get("passed")) for r in replies) / len(replies), 2)
                if replies
                else None,
                "crisis_on_at": first("crisis_on"),
                "holding_statement_at": first("holding_statement"),
                "extra_staff": sum(storm.staff_of(e) for e in events if e.kind == "extra_staff"),
                "reassignments": sum(r["kind"] == "reassign" for r in tl),
                "slow_handoffs": sum(h["slow"] for h in handoffs(team, events)),
                "injects": sum(e.kind in storm.INJECT_KINDS for e in events),
                "finished": team.state == ExerciseState.FINISHED,
            }
        )
    return out
