"""Live exercises: the clock, the model cache, replay, and the trainee's actions.

One module a concern (the names stay importable from ``trainer_web.engine``): :mod:`.base`
(settings, :class:`Rejected`), :mod:`.scenarios` (library, pins), :mod:`.clock`, :mod:`.livecache`
(live models, replay, read-only), :mod:`.view` (what the trainee sees), :mod:`.acting`,
:mod:`.panel`.

An exercise is event-sourced: its row (scenario, seed, speed, seat) and its :class:`Action` rows
stamped with simulation time are the record. The live :class:`sim.StormModel` is only a cache:
:func:`replay` rebuilds it — after a restart, in another worker, or when the cache dropped it —
by constructing the model and, for each stored action, ``run_until(action minute)`` then
``act(...)``. The same scenario, seed and actions give the same model.

The clock runs ``speed`` simulated minutes per real minute. The last simulation time a client
was shown is stored (``acked_sim_min``); a running exercise that nobody has polled for
:data:`STALE_AFTER_S` (the server died, the database went away, the browser closed) is paused
there, so after an outage it resumes, paused, where the trainee last saw it.
"""

from sim.scoring import ReplyFeatures, score_reply  # noqa: F401  (re-exported, patched by tests)

from .acting import (  # noqa: F401
    act,
    final_model,
    parse_action,
    refuse_unpostable,
)
from .base import (  # noqa: F401
    ACK_EVERY_S,
    ACTIONS,
    GAUGE_MIN_WINDOW_MIN,
    GAUGE_WINDOW_MIN,
    JOIN_BEFORE_INCIDENT_MIN,
    MAX_REPLY_CHARS,
    OFFICE_OPENS_MIN,
    SAMPLE_EVERY_MIN,
    SCENARIO_DIR,
    STALE_AFTER_S,
    SURGE_LEVELS,
    TREND_WINDOW_MIN,
    URGENT_NOW_MIN,
    URGENT_SOON_MIN,
    Rejected,
)
from .clock import (  # noqa: F401
    finish,
    new_clock,
    pause,
    pause_running_exercises,
    resume,
    settle_clock,
    sim_now,
    start_exercise,
)
from .livecache import (  # noqa: F401
    _PROCESS_SCORES,
    REPLAY_FEATURES,
    LiveExercise,
    ModelCache,
    RememberedScore,
    ScoreMemo,
    _actions,
    _check_same_customer,
    _read_only,
    _read_only_memo,
    _remember_contact,
    _replay_actions,
    _score_memo,
    _stored_scorer,
    _StoredScore,
    cache,
    catch_up,
    live,
    read_only_reason,
    replay,
    seat_of,
)
from .panel import (  # noqa: F401
    SAFETY_RULES,
    knowledge,
)
from .scenarios import (  # noqa: F401
    LibraryEntry,
    Unreplayable,
    _library_at,
    _load_pin,
    _no_pin,
    _opened_pin,
    _pinned_full,
    _pinned_window,
    _scenario,
    _scenario_at,
    _window,
    baseline_results,
    exercise_scenario,
    library,
    pin_digest,
    pin_scenario,
    pinned_scenario,
    read_library_file,
    reload_library,
    replay_mismatch,
    scenario_dir,
    scenario_of,
    suggested_start_min,
    warm_up,
)
from .view import (  # noqa: F401
    _BASELINES,
    REACH_LABELS,
    _complaint_text,
    _mmss,
    _opening_text,
    _sample_at,
    _trend,
    _usual_per_hour,
    ack_due,
    clock_label,
    inbox_item_view,
    post_limit,
    reach_label,
    render_thread,
    state,
    state_json,
    storm_gauge,
    told_friends_line,
    urgency,
    view_json,
)
