"""What the lead's decisions and the instructor's injects do to the shared storm.

The one place the team layer touches the model beyond ``run_until``/``inbox``/``act``/
``status``, through :class:`~sim.model.StormModel`'s public API:

* **crisis mode** on/off: ``set_crisis`` (priority routing, reps pulled onto public channels,
  the scenario's holding statement);
* the **holding statement**: ``holding_statement`` — every public thread's pile-ons are thinned
  by the model's holding-statement factor for the rest of the storm;
* **extra staff**: ``add_reps`` — one rep (or the payload's ``n``) on the public channels from
  now to the end;
* **viral post**: ``inject_complaint`` on the main public channel from a customer with
  :data:`VIRAL_FOLLOWERS` followers about the scenario's incident topic;
* **journalist**: ``inject_complaint``, public, from an account with
  :data:`JOURNALIST_FOLLOWERS` followers, about the incident topic;
* **outage**: ``add_incident`` ×3 for 60 minutes on topic ``outage``;
* **second incident**: ``add_incident`` ×2 for 90 minutes on topic ``second_incident``.

Each effect is applied at the event's simulation minute in log order; the model draws every
inject from a stream keyed by its number, so a replay applies it identically.
"""

from __future__ import annotations

from sim.model import StormModel

LEAD_KINDS = ("holding_statement", "crisis_on", "crisis_off", "extra_staff")
INJECT_KINDS = ("viral_post", "journalist", "outage", "second_incident")
EXTRA_STAFF_COST = 120.0  # currency units per extra rep requested (shown in the debrief)
MAX_EXTRA_STAFF = 20  # reps one extra_staff request may add
VIRAL_FOLLOWERS = 250_000  # the inject text says so
JOURNALIST_FOLLOWERS = 80_000
OUTAGE = (3.0, 60.0, "outage")  # multiplier, minutes, topic
SECOND_INCIDENT = (2.0, 90.0, "second_incident")


def incident_topic(model: StormModel) -> str:
    """The topic of the scenario's first incident (else its most common topic)."""
    incidents = model.spec.incidents
    if incidents:
        return next(iter(incidents)).topic
    mix = model.spec.arrivals.topics
    return max(mix, key=mix.get)


def staff_of(ev) -> int:
    """The reps an ``extra_staff`` event added (1 for a log written before ``n`` was kept)."""
    return int((ev.result or {}).get("n", 1)) if ev.kind == "extra_staff" else 1


def apply(model: StormModel, kind: str, n: int = 1) -> None:
    """Apply a lead decision or an inject of ``kind`` to the model now (``n``: extra reps)."""
    if kind == "crisis_on" or kind == "crisis_off":
        model.set_crisis(kind == "crisis_on")
    elif kind == "holding_statement":
        model.holding_statement()
    elif kind == "extra_staff":
        model.add_reps(n)
    elif kind == "viral_post":
        model.inject_complaint(
            None, incident_topic(model), followers=VIRAL_FOLLOWERS, anger=0.9, public=True
        )
    elif kind == "journalist":
        model.inject_complaint(
            None,
            incident_topic(model),
            followers=JOURNALIST_FOLLOWERS,
            anger=0.5,
            severity=0.8,
            public=True,
        )
    elif kind == "outage":
        model.add_incident(*OUTAGE)
    elif kind == "second_incident":
        model.add_incident(*SECOND_INCIDENT)
