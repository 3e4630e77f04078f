"""Event kinds of the model's heap: small ints; entries are plain tuples ``(t, seq, kind, a, b)``.

The heap is ordered by time, then by ``seq`` (the order events were scheduled in), so events at
the same minute fire in a deterministic order. ``a`` and ``b`` are the handler's two arguments.
"""

EV_ARRIVAL, EV_DONE, EV_GIVE_UP, EV_PILE_ON, EV_FOLLOW_UP, EV_REPOST = range(6)
EV_SHIFT_ON, EV_SHIFT_OFF, EV_HOUR, EV_CRISIS_CHECK = range(6, 10)
EV_BREAK_ON, EV_BREAK_OFF = range(10, 12)
EV_INJECT = 12  # an arrival of an incident added while running (sim.model.injects)
N_EVENT_KINDS = 13
