"""Dotted field paths (``shifts.weekday_day.reps``) and overrides set through them."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from .limits import _BARE_KEY
from .problems import _show, _suggest

# --- Field paths ---------------------------------------------------------------------------
_PATH_KEY = re.compile(r'[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"')
_PATH_INDEX = re.compile(r"\[(\d+)\]")


def render_path(parts: Sequence[str | int]) -> str:
    """``("shifts", "day", "skills", 0)`` → ``shifts.day.skills[0]``; odd keys are quoted."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
            continue
        key = part if _BARE_KEY.fullmatch(part) else json.dumps(part, ensure_ascii=False)
        out += f".{key}" if out else key
    return out


def parse_path(text: str) -> list[str | int] | None:
    """The inverse of :func:`render_path`; None if ``text`` is not a path."""
    parts: list[str | int] = []
    pos = 0
    while pos < len(text):
        m = _PATH_INDEX.match(text, pos)
        if m and parts:
            parts.append(int(m[1]))
            pos = m.end()
            continue
        if parts:
            if text[pos] != ".":
                return None
            pos += 1
        m = _PATH_KEY.match(text, pos)
        if not m:
            return None
        # strict=False: a quoted key may hold control characters; they are escaped when shown.
        parts.append(json.loads(m[0], strict=False) if m[0].startswith('"') else m[0])
        pos = m.end()
    return parts or None


def _apply_override(doc: dict, key: Any, value: Any) -> str | None:
    """Set ``key`` (a dotted path) in ``doc``; the problem in words if it cannot be set."""
    parts = parse_path(key) if isinstance(key, str) else None
    if parts is None:
        return "is not a dotted path such as shifts.weekday_day.reps"
    node: Any = doc
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        where = render_path(parts[:i]) or "the scenario"
        if isinstance(node, list):
            if last and part == len(node) and isinstance(value, dict):
                node.append(value)  # incidents[<count>] = { … } adds one
                return None
            index = _item_index(node, part, what=str(parts[i - 1]).removesuffix("s"))
            if isinstance(index, str):
                return index
            if last:
                node[index] = value
                return None
            node = node[index]
        elif isinstance(node, dict):
            if not isinstance(part, str):
                return f"{where} is a table, not a list"
            if last:
                node[part] = value
                return None
            node = node.setdefault(part, [] if isinstance(parts[i + 1], int) else {})
        else:
            return f"{where} is {_show(node)}, not a table"
    return None


def _item_index(items: list, part: str | int, *, what: str) -> int | str:
    """Position of a shift or incident given by name or index; else the problem in words."""
    if isinstance(part, int) or re.fullmatch(r"[0-9]+", part):
        index = int(part)
        if index < len(items):
            return index
        return f"there is no {what} [{index}] (there are {len(items)})"
    names = [item.get("name") for item in items if isinstance(item, dict)]
    if part in names:
        return names.index(part)
    hint = _suggest(part, [n for n in names if isinstance(n, str)])
    known = ", ".join(str(n) for n in names)
    return f"no {what} named {part!r} ({hint + ' ' if hint else ''}known: {known})"
