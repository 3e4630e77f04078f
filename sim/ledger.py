"""A compact, column-wise record of every complaint whose story has ended (or that was still open
at the end of the run). Typed ``array.array`` columns keep a million complaints in tens of MB,
where a million live agent objects would take a gigabyte.
"""

from __future__ import annotations

import math
from array import array
from operator import attrgetter

import numpy as np

# column name → array typecode
COLUMNS: dict[str, str] = {
    "cid": "q",
    "parent": "q",
    "root": "q",
    "generation": "l",
    "origin": "b",
    "channel": "b",
    "public": "b",
    "topic": "h",
    "author": "q",
    "followers": "f",
    "anger": "f",
    "severity": "f",
    "created": "d",
    "first_response": "d",
    "wait_end": "d",
    "closed": "d",
    "state": "b",
    "outcome": "b",
    "score": "f",
    "satisfied": "b",
    "pile_ons": "l",
    "follow_ups": "b",
    "escalated_public": "b",
    "told_friends": "b",
    "churned": "b",
    "tier2": "b",
    "in_dm": "b",
    "trainee": "b",
    "acknowledged": "b",
}


class Ledger:
    """Append-only complaint records; :meth:`arrays` gives numpy views for the KPIs.

    Rows are read with one C-level ``attrgetter`` call and buffered, then moved into the typed
    columns a block at a time.
    """

    BLOCK = 4096

    def __init__(self) -> None:
        self.cols = {name: array(code) for name, code in COLUMNS.items()}
        self._names = [n for n in COLUMNS if n != "closed"]
        self._get = attrgetter(*self._names)
        self._rows: list[tuple] = []
        self._closed: list[float] = []

    def record(self, complaint, closed_at: float) -> None:
        """Write one complaint's row (``closed_at`` = when its story ended, or the run's end)."""
        self._rows.append(self._get(complaint))
        self._closed.append(closed_at)
        if len(self._rows) >= self.BLOCK:
            self._flush()

    def append_row(self, row: tuple, closed_at: float) -> None:
        """Write one row given as a tuple in :data:`COLUMNS` order (without ``closed``)."""
        self._rows.append(row)
        self._closed.append(closed_at)
        if len(self._rows) >= self.BLOCK:
            self._flush()

    def _flush(self) -> None:
        if not self._rows:
            return
        for name, values in zip(self._names, zip(*self._rows, strict=True), strict=True):
            self.cols[name].extend(values)
        self.cols["closed"].extend(self._closed)
        self._rows.clear()
        self._closed.clear()

    def __len__(self) -> int:
        return len(self.cols["cid"]) + len(self._rows)

    def arrays(self, open_rows=()) -> dict[str, np.ndarray]:
        """The columns as numpy arrays sorted by complaint id, with ``open_rows`` (complaints
        whose story has not ended, ``closed`` = NaN) added. Each column is copied once (and
        re-ordered in place when the rows are not in id order already)."""
        self._flush()
        extra = Ledger()
        for c in open_rows:
            extra.record(c, math.nan)
        extra._flush()
        n, k = len(self.cols["cid"]), len(extra.cols["cid"])
        out = {}
        for name, col in self.cols.items():
            dtype = np.dtype(col.typecode)
            v = np.empty(n + k, dtype=dtype)
            if n:
                v[:n] = np.frombuffer(col, dtype=dtype)
            if k:
                v[n:] = np.frombuffer(extra.cols[name], dtype=dtype)
            out[name] = v
        cid = out["cid"]
        if len(cid) > 1 and not (cid[1:] > cid[:-1]).all():
            order = np.argsort(cid, kind="stable")
            for name, v in out.items():
                out[name] = v[order]
        return out
