"""Configuration from the environment (``DATABASE_URL``, ``SECRET_KEY``…) with safe defaults."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

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
        "MODEL_CACHE_SIZE": 64,
        # Stop acknowledging (503) if the SQLite file is deleted or replaced under the server.
        "DB_FILE_GUARD": True,
        # The scenario library new exercises are started from (each exercise keeps its own copy).
        "SCENARIO_DIR": os.environ.get("TRAINER_SCENARIO_DIR") or str(REPO_ROOT / "scenarios"),
        "PASSWORD_HASH_METHOD": "scrypt",  # werkzeug's default; tests use a cheaper one
    }
