"""The scenario library and pinned scenarios: an exercise plays the exact text it started with,
forever."""

from __future__ import annotations

import hashlib
import tempfile
import tomllib
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from flask import current_app, has_app_context
from sqlalchemy.exc import IntegrityError

import sim

from ..extensions import db
from ..models import (
    Exercise,
    ScenarioCopy,
)
from .base import JOIN_BEFORE_INCIDENT_MIN, OFFICE_OPENS_MIN, SCENARIO_DIR, Rejected


# --- Scenarios ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class LibraryEntry:
    id: str
    name: str
    description: str
    channels: tuple[str, ...]
    public_channels: tuple[str, ...]


class Unreplayable(Exception):
    """The exercise's model cannot be rebuilt (its pinned scenario cannot be read, or a replay
    no longer matches its stored replies): it is shown read-only, from what is stored."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def scenario_dir() -> Path:
    """Where the library is: ``SCENARIO_DIR`` (``TRAINER_SCENARIO_DIR``), else ``scenarios/``."""
    if has_app_context():
        return Path(current_app.config.get("SCENARIO_DIR") or SCENARIO_DIR)
    return SCENARIO_DIR


def library() -> dict[str, LibraryEntry]:
    """The training scenarios (the pure-queue ``erlang_*`` files are for planners, not reps)."""
    return _library_at(str(scenario_dir()))


@lru_cache(maxsize=4)
def _library_at(folder: str) -> dict[str, LibraryEntry]:
    entries = {}
    for path in sorted(Path(folder).glob("*.toml")):
        if path.stem.startswith("erlang_"):
            continue
        sc = sim.load_scenario(path)
        public = tuple(name for name, ch in sc.channels.items() if ch.public)
        entries[path.stem] = LibraryEntry(
            path.stem, sc.info.name, sc.info.description, tuple(sc.channels), public
        )
    return entries


def reload_library() -> None:
    """Forget the library as read so far (the next look reads the folder again)."""
    _library_at.cache_clear()
    _scenario_at.cache_clear()
    exercise_scenario.cache_clear()


def suggested_start_min(scenario_id: str) -> float:
    """Where a trainee should join: shortly before the first incident, else at 09:00."""
    sc = _scenario(scenario_id)
    if sc.incidents:
        return max(0.0, min(i.start_hour for i in sc.incidents) * 60.0 - JOIN_BEFORE_INCIDENT_MIN)
    start = sc.info.start
    minute_of_day = start.hour * 60 + start.minute
    return float((OFFICE_OPENS_MIN - minute_of_day) % (24 * 60))


def _scenario(scenario_id: str):
    """Today's library file (for assignments not yet started; exercises use their pin)."""
    return _scenario_at(str(scenario_dir()), scenario_id)


@lru_cache(maxsize=16)
def _scenario_at(folder: str, scenario_id: str):
    if scenario_id not in _library_at(folder):
        raise Rejected(404, f"unknown scenario {scenario_id!r}")
    return sim.load_scenario(Path(folder) / f"{scenario_id}.toml")


def _window(sc, start_min: float, duration_min: float):
    """The window of scenario ``sc`` a trainee plays: :meth:`sim.StormScenario.window`."""
    return sc.window(start_min, duration_min)


@lru_cache(maxsize=64)
def exercise_scenario(scenario_id: str, start_min: float, duration_min: float):
    """The window of today's library file (a brief before the start); see :func:`_window`."""
    return _window(_scenario(scenario_id), start_min, duration_min)


@lru_cache(maxsize=32)
def baseline_results(scenario_id: str, start_min: float, duration_min: float, seed: int):
    """The same storm worked by bot reps only: "what would have happened"."""
    return sim.run(exercise_scenario(scenario_id, start_min, duration_min), seed=seed)


# --- Pinned scenarios: an exercise plays the exact text it started with, forever ----------------
def pin_digest(text: str, files: dict[str, str]) -> str:
    """SHA-256 of a pinned scenario: of its text alone (as ``sha256sum`` of the file says) when
    it reads no other file, else of the text followed by each file's name and content."""
    h = hashlib.sha256(text.encode("utf-8"))
    for name in sorted(files):
        h.update(b"\0" + name.encode("utf-8") + b"\0" + files[name].encode("utf-8"))
    return h.hexdigest()


def read_library_file(path: Path) -> tuple[str, dict[str, str]]:
    """A library file's text and the files it reads (its forecast CSV), as they are now."""
    text = path.read_bytes().decode("utf-8").removeprefix("\ufeff")
    files: dict[str, str] = {}
    try:
        arrivals = tomllib.loads(text).get("arrivals")
    except ValueError:
        arrivals = None  # validation names the problem
    ref = arrivals.get("forecast_csv") if isinstance(arrivals, dict) else None
    if isinstance(ref, str):
        with suppress(OSError, UnicodeDecodeError):  # validation names the problem
            files[ref] = (path.parent / ref).read_bytes().decode("utf-8")
    return text, files


@contextmanager
def _opened_pin(sha: str):
    """A loader of the pinned scenario ``sha`` (its forecast files exist while it is open)."""
    copy = db.session.get(ScenarioCopy, sha)
    if copy is None:
        raise Unreplayable(f"its pinned scenario {sha[:12]} is not in the database")
    source = f"{copy.scenario_id}.toml"
    if not copy.files:
        yield lambda: sim.parse_scenario(copy.text, source=source)
        return
    with tempfile.TemporaryDirectory(prefix="stormdesk-pin-") as tmp:
        doc = tomllib.loads(copy.text)
        for i, (name, content) in enumerate(sorted(copy.files.items())):
            local = f"file{i}.csv"
            Path(tmp, local).write_text(content, encoding="utf-8")
            if doc.get("arrivals", {}).get("forecast_csv") == name:
                doc["arrivals"]["forecast_csv"] = local
        yield lambda: sim.parse_scenario(doc, source=source, base_dir=Path(tmp))


def _load_pin(sha: str, make):
    try:
        with _opened_pin(sha) as load:
            return make(load())
    except (sim.ScenarioError, ValueError) as e:
        raise Unreplayable(
            f"its pinned scenario cannot be read: {str(e).splitlines()[0]}"
        ) from None


@lru_cache(maxsize=16)
def _pinned_full(sha: str):
    return _load_pin(sha, lambda sc: sc)


@lru_cache(maxsize=64)
def _pinned_window(sha: str, start_min: float, duration_min: float):
    return _load_pin(sha, lambda sc: _window(sc, start_min, duration_min))


def pin_scenario(scenario_id: str) -> ScenarioCopy:
    """The content-addressed copy of library scenario ``scenario_id`` as its file is now."""
    if scenario_id not in library():
        raise Rejected(404, f"unknown scenario {scenario_id!r}")
    try:
        text, files = read_library_file(scenario_dir() / f"{scenario_id}.toml")
    except (OSError, UnicodeDecodeError) as e:
        raise Rejected(409, f"scenario {scenario_id!r} cannot be read now: {e}") from None
    sha = pin_digest(text, files)
    copy = db.session.get(ScenarioCopy, sha)
    if copy is not None:
        return copy
    copy = ScenarioCopy(sha256=sha, scenario_id=scenario_id, text=text, files=files)
    try:
        with db.session.begin_nested():  # two trainees starting at once: one insert wins
            db.session.add(copy)
    except IntegrityError:
        copy = db.session.get(ScenarioCopy, sha)
    try:
        _pinned_full(sha)  # a file edited into something invalid is refused before it is played
    except Unreplayable as e:
        raise Rejected(409, f"scenario {scenario_id!r} {e.reason.removeprefix('its ')}") from None
    return copy


def _no_pin(ex: Exercise) -> Unreplayable:
    return Unreplayable(
        f"it was played before exercises kept their scenario, and {ex.scenario_id!r} had left "
        "the library when the database was upgraded"
    )


def pinned_scenario(ex: Exercise):
    """The whole scenario ``ex`` was started with (raises :class:`Unreplayable`)."""
    if ex.scenario_sha256 is None:
        raise _no_pin(ex)
    return _pinned_full(ex.scenario_sha256)


def scenario_of(ex: Exercise):
    """The window ``ex`` plays, from its pinned text (raises :class:`Unreplayable`)."""
    if ex.scenario_sha256 is None:
        raise _no_pin(ex)
    return _pinned_window(ex.scenario_sha256, ex.start_min, ex.duration_min)


def replay_mismatch(ex: Exercise, detail: str) -> Unreplayable:
    """The replay of ``ex`` no longer matches its stored replies (a model change)."""
    then = ex.model_version or "unknown"
    version = (
        f"the model changed since it was played ({then} → {sim.__version__})"
        if then != sim.__version__
        else f"the model ({sim.__version__}) no longer replays it"
    )
    return Unreplayable(f"{version}: {detail}")


def warm_up() -> None:
    """Build what the first requests would otherwise build while a trainee waits: the scenario
    library and the reply scorer's models (see :func:`sim.scoring.warm_up`)."""
    from sim.scoring import warm_up as warm_up_scorer

    library()
    warm_up_scorer()
