"""Configuration from the environment (``DATABASE_URL``, ``SECRET_KEY``…) with safe defaults."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from sim.library import LIBRARY

REPO_ROOT = Path(__file__).resolve().parent.parent


def default_instance_path() -> Path:
    """``TRAINER_INSTANCE_PATH``, else ``instance/`` under the repository (not under the venv)."""
    return Path(os.environ.get("TRAINER_INSTANCE_PATH") or REPO_ROOT / "instance").resolve()


def secret_key(instance: Path) -> str:
    """``SECRET_KEY`` from the environment, else a random key generated once into ``instance/``."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
    return path.read_text().strip()


def database_url(instance: Path) -> str:
    """``DATABASE_URL`` (``postgresql://…`` uses psycopg 3), else a SQLite file in ``instance/``."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        return f"sqlite:///{instance / 'trainer.sqlite'}"
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    scheme = url.split("://", 1)[0] if "://" in url else ""
    if scheme not in ("sqlite", "sqlite+pysqlite", "postgresql+psycopg"):
        shown = scheme or url.split(":", 1)[0][:20]
        raise ValueError(
            f"DATABASE_URL: {shown!r} is not a database the trainer supports; use "
            "sqlite:///path/to/file.sqlite or postgresql://user:password@host:port/database"
        )
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        make_url(url)
    except (ArgumentError, ValueError) as e:
        raise ValueError(f"DATABASE_URL is not a valid database URL: {e}") from None
    return url


def proxy_hops() -> int:
    raw = os.environ.get("TRAINER_PROXY_HOPS", "0").strip() or "0"
    if not raw.isdigit() or int(raw) > 10:
        raise ValueError(f"TRAINER_PROXY_HOPS={raw!r}: a whole number of proxies from 0 to 10")
    return int(raw)


MODEL_BYTES = 4 * 1024 * 1024  # a live 60-minute exercise: about 3 MB measured, rounded up
MODEL_CACHE_MEMORY_SHARE = 0.25  # of the memory available at start
MODEL_CACHE_RANGE = (64, 4096)


def available_memory() -> int | None:
    """Bytes of physical memory available now (Linux, macOS), else ``None``."""
    try:
        pages = os.sysconf("SC_AVPHYS_PAGES")
        if pages <= 0:
            pages = os.sysconf("SC_PHYS_PAGES")
        return pages * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, OSError, ValueError):
        return None


def model_cache_size(memory: int | None = None) -> int:
    """How many live exercises to keep in memory: ``TRAINER_MODEL_CACHE_SIZE``, else a quarter
    of the memory available at start at :data:`MODEL_BYTES` each, within
    :data:`MODEL_CACHE_RANGE`. An exercise not kept is rebuilt by replay when next polled."""
    raw = os.environ.get("TRAINER_MODEL_CACHE_SIZE", "").strip()
    lo, hi = MODEL_CACHE_RANGE
    if raw:
        if not raw.isdigit() or not 1 <= int(raw) <= 1_000_000:
            raise ValueError(
                f"TRAINER_MODEL_CACHE_SIZE={raw!r}: a whole number of exercises from 1 to 1000000"
            )
        return int(raw)
    memory = available_memory() if memory is None else memory
    if memory is None:
        return lo
    return max(lo, min(hi, int(memory * MODEL_CACHE_MEMORY_SHARE // MODEL_BYTES)))


def from_environment(instance: Path) -> dict:
    """The app's settings; tests and ``create_app(config)`` override any of them."""
    https = os.environ.get("TRAINER_HTTPS", "") not in ("", "0", "false")
    return {
        "SECRET_KEY": secret_key(instance),
        "SQLALCHEMY_DATABASE_URI": database_url(instance),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # A reply is at most a few KB; anything near 10 MB is refused before it is read.
        "MAX_CONTENT_LENGTH": 256 * 1024,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": https,  # TRAINER_HTTPS=1 behind a TLS proxy
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": https,
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
        # Sign-in throttling (see security.py): free failures, then a doubling wait up to a cap,
        # per (name, address) pair and, more leniently, per address; forgotten after the window.
        "LOGIN_FAILURES_ALLOWED": 5,
        "LOGIN_BACKOFF_MAX_S": 300,
        "LOGIN_ADDRESS_FAILURES_ALLOWED": 20,
        "LOGIN_ADDRESS_BACKOFF_MAX_S": 30,
        "LOGIN_FAILURE_WINDOW_S": 900,
        # How many reverse proxies in front of the trainer to believe (X-Forwarded-For/-Proto);
        # 0 when browsers connect directly. ``serve --proxy-hops`` sets it too.
        "PROXY_HOPS": proxy_hops(),
        # Live exercises kept in memory (each about 3 MB): TRAINER_MODEL_CACHE_SIZE, else from
        # the memory available; and reply scores remembered so that a replay skips scoring.
        "MODEL_CACHE_SIZE": model_cache_size(),
        "SCORE_MEMO_SIZE": 20_000,
        # Stop acknowledging (503) if the SQLite file is deleted or replaced under the server.
        "DB_FILE_GUARD": True,
        # The scenario library new exercises are started from (each exercise keeps its own copy).
        "SCENARIO_DIR": os.environ.get("TRAINER_SCENARIO_DIR") or str(LIBRARY),
        "PASSWORD_HASH_METHOD": "scrypt",  # werkzeug's default; tests use a cheaper one
    }
