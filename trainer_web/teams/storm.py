"""What the lead's decisions and the instructor's injects do to the shared storm.

The one place the team layer touches the model beyond ``run_until``/``inbox``/``act``/
``status``. The model has no public switch for these yet, so:

* **crisis mode** on/off uses the model's own crisis switch (the one its crisis check uses:
  priority routing, reps pulled onto public channels, the scenario's holding statement);
* the **holding statement** damps how far every public thread spreads, by the model's own
  holding-statement factor (``spread_global``), for the rest of the storm;
* **extra staff** and the **injects** are recorded, replayed, shown to every member and costed
  in the debrief, but do not yet change the model's arrivals or staffing (that needs
  ``StormModel`` API: add reps at a minute; inject a complaint with given reach/topic).

Each effect is applied at the event's simulation minute in log order, so a replay applies it
identically.
"""

from __future__ import annotations

from sim import calibration as cal
from sim.model import StormModel

LEAD_KINDS = ("holding_statement", "crisis_on", "crisis_off", "extra_staff")
INJECT_KINDS = ("viral_post", "journalist", "outage", "second_incident")
EXTRA_STAFF_COST = 120.0  # currency units per extra rep requested (shown in the debrief)


def apply(model: StormModel, kind: str) -> None:
    """Apply a lead decision of ``kind`` to the model now (injects: nothing in the model yet)."""
    if kind == "crisis_on" or kind == "crisis_off":
        switch = getattr(model, "set_crisis", None) or model._set_crisis
        switch(kind == "crisis_on")
    elif kind == "holding_statement":
        model.spread_global = min(model.spread_global, cal.HOLDING_STATEMENT_SPREAD)
