"""Results files: rows streamed to CSV or journalled Parquet parts, read back for resume."""

from __future__ import annotations

import contextlib
import csv
import fcntl
import os
import shutil
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .base import ExperimentError

PARQUET_FLUSH_ROWS = 500  # a Parquet part is written after this many rows…
PARQUET_FLUSH_SECONDS = 2.0  # …or after this long, whichever comes first
PARQUET_ROW_GROUP = 10_000  # rows per row group in the merged file
READ_BATCH = 50_000  # rows per batch when reading results back


# --- Results files -------------------------------------------------------------------------
def check_writable(path: Path, what: str = "--out") -> None:
    """Raise :class:`ExperimentError` unless ``path`` can be created (creates nothing)."""
    if path.is_dir():
        raise ExperimentError(f"{what} {path}: is a folder, not a file")
    parent = path.parent
    ancestor = parent
    while not ancestor.exists():
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise ExperimentError(f"{what} {path}: {ancestor} is not a folder")
    if not os.access(ancestor, os.W_OK | os.X_OK) or (
        path.exists() and not os.access(path, os.W_OK)
    ):
        raise ExperimentError(f"{what} {path}: not writable (permission denied)")


def _keys(table: pa.Table) -> set[tuple[str, ...]]:
    return set(table.to_pandas().astype(str).itertuples(index=False, name=None))


def _arrow_type(value: Any) -> pa.DataType:
    if isinstance(value, bool):
        return pa.bool_()
    if isinstance(value, int):
        return pa.int64()
    if isinstance(value, str):
        return pa.string()
    return pa.float64()  # floats, and None (every nullable KPI is a float)


class ResultsStore:
    """Rows of a sweep on disk: resume bookkeeping, appends, and reading back in batches."""

    def __init__(self, path: Path, key_columns: Sequence[str]):
        self.path = path
        self.key_columns = list(key_columns)
        self._lock_file = None

    @staticmethod
    def for_path(path: str | Path, key_columns: Sequence[str]) -> ResultsStore:
        p = Path(path)
        if p.suffix == ".parquet":
            return ParquetStore(p, key_columns)
        if p.suffix == ".csv":
            return CsvStore(p, key_columns)
        raise ExperimentError(f"--out {p}: use a .parquet or .csv file name")

    # Subclasses add open(), append(row), flush() and finish().
    def exists(self) -> bool:
        raise NotImplementedError

    def read(self, columns: Sequence[str] | None = None) -> Iterator[pd.DataFrame]:
        raise NotImplementedError

    def columns(self) -> list[str]:
        raise NotImplementedError

    def finished(self) -> dict[tuple[str, ...], tuple[int, str, str]]:
        """Key → (seed, scenario_sha256, model_version) of every row on disk."""
        if not self.exists():
            return {}
        have = self.columns()
        need = [*self.key_columns, "seed", "scenario_sha256", "model_version"]
        missing = [c for c in need if c not in have]
        if missing:
            raise ExperimentError(
                f"--out {self.path}: exists but holds another kind of table (no column "
                f"{missing[0]!r}); choose another --out or delete it"
            )
        out: dict[tuple[str, ...], tuple[int, str, str]] = {}
        for frame in self.read(need):
            keys = frame[self.key_columns].astype(str).itertuples(index=False, name=None)
            info = zip(
                frame["seed"].astype("int64"),
                frame["scenario_sha256"],
                frame["model_version"],
                strict=True,
            )
            for key, (seed, sha, version) in zip(keys, info, strict=True):
                if key in out:
                    raise ExperimentError(
                        f"--out {self.path}: holds the run {key} twice; it was written "
                        "by two sweeps at once — delete it and run again"
                    )
                out[key] = (int(seed), str(sha), str(version))
        return out

    def lock(self) -> None:
        """Refuse a second sweep writing the same file at the same time (released on exit)."""
        lock_path = self.path.with_name(f".{self.path.name}.lock")
        self._lock_file = open(lock_path, "w")  # noqa: SIM115 — held until finish()/release()
        try:
            fcntl.flock(self._lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._lock_file.close()
            self._lock_file = None
            raise ExperimentError(
                f"--out {self.path}: another sweep is writing it right now"
            ) from None

    def release(self) -> None:
        if self._lock_file is not None:
            self._lock_file.close()
            self._lock_file = None
            with contextlib.suppress(FileNotFoundError):
                self.path.with_name(f".{self.path.name}.lock").unlink()


class CsvStore(ResultsStore):
    """CSV rows appended and flushed one by one; a half-written last line is cut on resume."""

    _file = None
    _writer = None

    def exists(self) -> bool:
        return self.path.exists() and self.path.stat().st_size > 0

    def columns(self) -> list[str]:
        with open(self.path, newline="") as f:
            return next(csv.reader(f), [])

    def read(self, columns=None) -> Iterator[pd.DataFrame]:
        if not self.exists():
            return
        usecols = list(columns) if columns is not None else None
        yield from pd.read_csv(
            self.path, usecols=usecols, chunksize=READ_BATCH, keep_default_na=True, na_values=[""]
        )

    def _cut_partial_line(self) -> None:
        with open(self.path, "rb+") as f:
            f.seek(0, os.SEEK_END)
            size = f.tell()
            if size == 0:
                return
            f.seek(size - 1)
            if f.read(1) == b"\n":
                return
            # Walk back to the last newline: everything after it is a row cut off by a kill.
            pos = size
            while pos > 0:
                step = min(65536, pos)
                f.seek(pos - step)
                chunk = f.read(step)
                nl = chunk.rfind(b"\n")
                if nl >= 0:
                    f.truncate(pos - step + nl + 1)
                    return
                pos -= step
            f.truncate(0)

    def finished(self):
        if self.exists():
            self._cut_partial_line()
        return super().finished()

    def open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.lock()
        self._header = self.columns() if self.exists() else None
        self._file = open(self.path, "a", newline="")  # noqa: SIM115 — closed in finish()

    def append(self, row: Mapping[str, Any]) -> None:
        if self._writer is None:
            if self._header is None:
                self._header = list(row)
                self._writer = csv.DictWriter(self._file, fieldnames=self._header)
                self._writer.writeheader()
            else:
                self._writer = csv.DictWriter(self._file, fieldnames=self._header)
        extra = [k for k in row if k not in self._header]
        if extra:
            raise ExperimentError(
                f"--out {self.path}: its columns differ from this sweep's ({extra[0]!r} "
                "is new); choose another --out"
            )
        self._writer.writerow(row)
        self._file.flush()

    def flush(self) -> None:
        if self._file is not None:
            self._file.flush()

    def finish(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        self.release()


class ParquetStore(ResultsStore):
    """Parquet: rows journalled as atomic part files in ``<out>.parts/``, merged at the end."""

    def __init__(self, path: Path, key_columns: Sequence[str]):
        super().__init__(path, key_columns)
        self.parts_dir = path.with_name(path.name + ".parts")
        self._buffer: list[dict] = []
        self._schema: pa.Schema | None = None
        self._last_flush = time.monotonic()
        self._next_part = 0

    def sources(self) -> list[Path]:
        """The merged file (if any), then the parts in the order they were written."""
        found = [self.path] if self.path.exists() else []
        if self.parts_dir.is_dir():
            found += sorted(self.parts_dir.glob("part-*.parquet"))
        return found

    def exists(self) -> bool:
        return bool(self.sources())

    def columns(self) -> list[str]:
        source = self.sources()[0]
        try:
            return list(pq.read_schema(source).names)
        except (pa.ArrowInvalid, OSError) as e:
            raise ExperimentError(
                f"--out {self.path}: {source.name} is not readable Parquet ({e})"
            ) from None

    def read(self, columns=None) -> Iterator[pd.DataFrame]:
        for source in self.sources():
            try:
                pf = pq.ParquetFile(source)
            except (pa.ArrowInvalid, OSError) as e:
                raise ExperimentError(
                    f"--out {self.path}: {source.name} is not readable Parquet ({e})"
                ) from None
            for batch in pf.iter_batches(
                batch_size=READ_BATCH, columns=list(columns) if columns else None
            ):
                yield batch.to_pandas()

    def finished(self):
        self._drop_stale_parts()
        return super().finished()

    def _drop_stale_parts(self) -> None:
        """Remove temp files, and parts already inside the merged file (a merge interrupted
        between replacing ``<out>`` and removing the parts leaves them behind)."""
        if not self.parts_dir.is_dir():
            return
        for tmp in self.parts_dir.glob("*.tmp"):
            tmp.unlink()
        if not self.path.exists():
            return
        columns = [c for c in self.key_columns if c in pq.read_schema(self.path).names]
        if len(columns) != len(self.key_columns):
            return  # another kind of table: finished() says so
        merged = _keys(pq.read_table(self.path, columns=columns))
        for part in sorted(self.parts_dir.glob("part-*.parquet")):
            if _keys(pq.read_table(part, columns=columns)) <= merged:
                part.unlink()

    def open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.lock()
        self.parts_dir.mkdir(exist_ok=True)
        sources = self.sources()
        if sources:
            self._schema = pq.read_schema(sources[0])
        numbers = [int(p.stem.split("-")[1]) for p in self.parts_dir.glob("part-*.parquet")]
        self._next_part = max(numbers, default=-1) + 1

    def append(self, row: Mapping[str, Any]) -> None:
        if self._schema is None:
            self._schema = pa.schema([(k, _arrow_type(v)) for k, v in row.items()])
        extra = [k for k in row if k not in self._schema.names]
        if extra:
            raise ExperimentError(
                f"--out {self.path}: its columns differ from this sweep's ({extra[0]!r} "
                "is new); choose another --out"
            )
        self._buffer.append(dict(row))
        if (
            len(self._buffer) >= PARQUET_FLUSH_ROWS
            or time.monotonic() - self._last_flush >= PARQUET_FLUSH_SECONDS
        ):
            self.flush()

    def flush(self) -> None:
        """Write the buffered rows as one part file, atomically (a kill leaves no half part)."""
        self._last_flush = time.monotonic()
        if not self._buffer:
            return
        table = pa.Table.from_pylist(self._buffer, schema=self._schema)
        final = self.parts_dir / f"part-{self._next_part:06d}.parquet"
        tmp = final.with_suffix(".tmp")
        pq.write_table(table, tmp)
        os.replace(tmp, final)
        self._next_part += 1
        self._buffer.clear()

    def finish(self) -> None:
        """Flush, merge the merged file and the parts into ``<out>``, remove the parts."""
        self.flush()
        sources = self.sources()
        if sources and (len(sources) > 1 or sources[0] != self.path):
            tmp = self.path.with_name(f".{self.path.name}.merging")
            schema = self._schema or pq.read_schema(sources[0])
            with pq.ParquetWriter(tmp, schema) as writer:
                pending: list[pa.RecordBatch] = []
                rows = 0
                for source in sources:
                    for batch in pq.ParquetFile(source).iter_batches(batch_size=PARQUET_ROW_GROUP):
                        pending.append(
                            pa.Table.from_batches([batch]).cast(schema).to_batches()[0]
                            if batch.schema != schema
                            else batch
                        )
                        rows += batch.num_rows
                        if rows >= PARQUET_ROW_GROUP:
                            writer.write_table(pa.Table.from_batches(pending, schema=schema))
                            pending, rows = [], 0
                if pending:
                    writer.write_table(pa.Table.from_batches(pending, schema=schema))
            os.replace(tmp, self.path)
        if self.parts_dir.is_dir():
            shutil.rmtree(self.parts_dir)
        self.release()
