"""Problem lines: one thing wrong with a scenario, named by file, field path and value."""

from __future__ import annotations

import difflib
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, Final

from pydantic_core import PydanticCustomError

from .limits import _BARE_KEY


# --- Problems ------------------------------------------------------------------------------
class _Shown(str):
    """A value already written as a person would (``80``, not ``80.0``); shown without quotes."""

    __slots__ = ()


class _NoValue:
    """Marks a problem that has no single offending value (a missing key, a sum of shares)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "NO_VALUE"


NO_VALUE: Final = _NoValue()
MAX_SHOWN = 60  # characters of an offending value shown in a problem line
_ESCAPED_CONTROLS = {i: f"\\x{i:02x}" for i in range(32)} | {9: "\\t", 10: "\\n", 13: "\\r"}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario: ``"{file}: {path}: {value} {message}"``.

    ``path`` is the dotted field path (``channels.twitter.share``) or a place in a file
    (``line 12, column 5``), empty for the file as a whole; ``value`` is :data:`NO_VALUE` when
    there is no single offending value.
    """

    file: str
    path: str
    value: Any
    message: str

    def __str__(self) -> str:
        head = f"{self.file}: {self.path}: " if self.path else f"{self.file}: "
        if self.value is NO_VALUE:
            line = head + self.message
        else:
            line = f"{head}{_show(self.value)} {self.message}"
        # One problem, one line: names written by the user (a channel id, a key) may hold
        # control characters, and a message may quote them.
        return line.translate(_ESCAPED_CONTROLS)


class ScenarioError(Exception):
    """A scenario that cannot be used; ``problems`` lists everything found, one line each."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


def _show(value: Any) -> str:
    """A short, TOML-flavoured rendering of an offending value (at most :data:`MAX_SHOWN` chars)."""
    text = _compact(value, 0)
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "…"


def _compact(value: Any, depth: int) -> str:
    if isinstance(value, _Shown):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        if value.bit_length() > 200:  # str() of a huge int is slow or refused outright
            return f"<a {int(value.bit_length() * math.log10(2)) + 1}-digit integer>"
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return repr(value if len(value) <= MAX_SHOWN else value[:MAX_SHOWN])
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Mapping):
        if depth >= 2:
            return "{…}" if value else "{}"
        items = [f"{_key(k)} = {_compact(v, depth + 1)}" for k, v in list(value.items())[:4]]
        return "{" + ", ".join(items) + (", …" if len(value) > 4 else "") + "}"
    if isinstance(value, list | tuple):
        if depth >= 2:
            return "[…]" if value else "[]"
        items = [_compact(v, depth + 1) for v in value[:6]]
        return "[" + ", ".join(items) + (", …" if len(value) > 6 else "") + "]"
    if value is None:
        return "None"
    return f"<{type(value).__name__}>"


def _key(key: Any) -> str:
    """A table key as TOML writes it: bare if it can be, else quoted."""
    if isinstance(key, str) and _BARE_KEY.fullmatch(key):
        return key
    return json.dumps(key, ensure_ascii=False) if isinstance(key, str) else _compact(key, 3)


def _num(x: float) -> str:
    """A number as a person writes it: 0 rather than 0.0, 0.9 rather than 0.9000000000000001."""
    if isinstance(x, float) and x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    return f"{x:.6g}" if isinstance(x, float) else str(x)


def _fail(
    message: str, *, show: bool = True, at: str | None = None, value: Any = NO_VALUE
) -> PydanticCustomError:
    """A validation error with our own wording; ``at`` points at a field below the current one."""
    return PydanticCustomError(
        "stormdesk", "{message}", {"message": message, "show": show, "at": at, "value": value}
    )


def _suggest(word: str, candidates: Sequence[str]) -> str:
    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}?" if close else ""
