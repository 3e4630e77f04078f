"""``stormdesk trainer``: the password policy of the forms, and one clear line (no traceback) for
every setting or database that cannot be used."""

from __future__ import annotations

import socket

import pytest
from click.testing import CliRunner

from trainer_web.cli import trainer

from .pg import free_port


@pytest.fixture
def env(tmp_path):
    return {
        "TRAINER_INSTANCE_PATH": str(tmp_path / "instance"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite'}",
        "SECRET_KEY": "cli",
        "TRAINER_PROXY_HOPS": "0",
    }


def run(env: dict, *args: str, input: str | None = None):
    return CliRunner().invoke(trainer, list(args), input=input, env=env)


def refused(result, *expected: str) -> str:
    """The command failed with a one-line message containing ``expected`` (no traceback)."""
    assert result.exit_code != 0, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)  # handled, no crash
    assert "Traceback" not in result.output
    errors = [line for line in result.output.splitlines() if line.startswith("Error")]
    assert len(errors) == 1, result.output
    for text in expected:
        assert text in errors[0], result.output
    return errors[0]


def test_empty_stdin_creates_no_account(env):
    assert run(env, "init-db").exit_code == 0
    refused(run(env, "create-user", "zoe", "--password-stdin", input=""), "no password")
    refused(run(env, "create-user", "zoe", "--password-stdin", input="\n"), "no password")
    ok = run(env, "create-user", "zoe", "--password-stdin", input="lantern-orbit-7-maple\n")
    assert ok.exit_code == 0, ok.output


@pytest.mark.parametrize(
    "password, reason",
    [
        ("   \t     \t   ", "only spaces"),
        ("long-words-" * 24, "at most 256"),
        ("password", "at least 12"),
        ("password1234", "common passwords"),
        ("Password123!", "common passwords"),
        ("Qwerty!2026##", "common passwords"),
        ("stormdesk2026", "common passwords"),
        ("aaaaaaaaaaaa1", "too few"),
        ("123456789012345", "sequence"),
        ("abcdefghijklm", "sequence"),
    ],
)
def test_the_cli_refuses_what_the_form_refuses(env, password, reason):
    from trainer_web.accounts import AccountError, check_password_policy

    with pytest.raises(AccountError, match=reason):  # the one policy the forms use
        check_password_policy(password)
    refused(run(env, "create-user", "zed", "--password-stdin", input=password + "\n"), reason)


def test_a_bad_database_url_is_one_line(env):
    for url, expected in [
        ("not-a-url", "DATABASE_URL"),
        ("mysql://u@localhost/db", "DATABASE_URL"),
        ("postgresql://u@localhost:notaport/db", "DATABASE_URL"),
    ]:
        refused(run({**env, "DATABASE_URL": url}, "init-db"), expected)


def test_an_unreachable_postgresql_is_one_line(env):
    url = f"postgresql://nobody@127.0.0.1:{free_port()}/nothing"
    line = refused(run({**env, "DATABASE_URL": url}, "init-db"), "cannot be used")
    assert "refused" in line.lower() or "connect" in line.lower()


def test_a_corrupt_sqlite_file_is_one_line(env, tmp_path):
    bad = tmp_path / "corrupt.sqlite"
    bad.write_bytes(b"this is not a database at all\n" * 200)
    refused(run({**env, "DATABASE_URL": f"sqlite:///{bad}"}, "init-db"), "not a database")
    refused(run({**env, "DATABASE_URL": f"sqlite:///{bad}"}, "serve"), "not a database")


@pytest.mark.parametrize(
    "args, expected",
    [
        (["--port", "-1"], "--port"),
        (["--port", "0"], "--port"),
        (["--port", "99999"], "--port"),
        (["--threads", "0"], "--threads"),
        (["--proxy-hops", "-1"], "--proxy-hops"),
        (["--host", "no-such-host.invalid"], "cannot listen on no-such-host.invalid"),
        (["--host", "203.0.113.77"], "cannot listen on 203.0.113.77"),  # not this machine's
    ],
)
def test_serve_refuses_what_it_cannot_listen_on(env, args, expected):
    assert run(env, "init-db").exit_code == 0
    refused(run(env, "serve", *args), expected)


def test_serve_on_a_port_in_use_is_one_line(env):
    assert run(env, "init-db").exit_code == 0
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        refused(run(env, "serve", "--port", str(port)), f"cannot listen on 127.0.0.1:{port}")


def test_serve_on_an_empty_database_says_to_run_init_db(env):
    refused(run(env, "serve"), "init-db")
