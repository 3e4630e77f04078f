"""A CSV import does not freeze the other classes (issue 13, finding 2): the scrypt hashing runs
outside the write transaction, so SQLite's write lock is held for a moment, not for the import.

A real server with real scrypt, real trainees polling and replying; the full-size figure (500
rows, 10 trainees) is ``python -m benchmarks.bench_import``.
"""

from __future__ import annotations

from benchmarks.bench_import import run


def test_an_import_while_a_class_plays_refuses_nothing_and_holds_no_long_lock(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    r = run(rows=60, trainees=6, threads=16)
    assert r["import_status"] == 200 and r["imported"] == 60
    assert r["refused"] == []
    assert r["requests"] > 0
    # The old import held the write lock for all of its hashing (60 × scrypt): every write
    # of the other class waited that long. Now the lock is held for one short insert.
    assert r["max_lock_wait_s"] is not None
    assert r["max_lock_wait_s"] < max(1.0, 0.25 * r["import_s"]), r
    assert r["max_ms"] < max(2000.0, 0.5 * r["import_s"] * 1000), r
