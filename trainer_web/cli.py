"""``stormdesk trainer …``: set up the database, add people, serve the trainer.

Registered as the ``trainer`` group through the ``stormdesk.commands`` entry point.
"""

from __future__ import annotations

import sys

import click

from . import create_app


def _database_problem(e: Exception) -> str:
    """One line for a database that cannot be used: which, and the driver's own first line."""
    from sqlalchemy.exc import ArgumentError, DBAPIError

    if isinstance(e, ArgumentError):
        return (
            f"DATABASE_URL is not usable: {str(e).splitlines()[0]} "
            "(expected sqlite:///path/file.sqlite or postgresql://user:pass@host/db)"
        )
    detail = str(e.orig if isinstance(e, DBAPIError) and e.orig is not None else e)
    detail = (detail.strip().splitlines() or [type(e).__name__])[0]
    return f"the database cannot be used: {detail}"


class _TrainerGroup(click.Group):
    """Turns a bad setting or an unreachable or corrupt database into one clear line."""

    def invoke(self, ctx: click.Context):
        from sqlalchemy.exc import SQLAlchemyError

        try:
            return super().invoke(ctx)
        except SQLAlchemyError as e:
            url = ctx.meta.get("database_url")
            where = f" ({url})" if url else ""
            raise click.ClickException(_database_problem(e) + where) from None
        except ValueError as e:  # a malformed setting, e.g. TRAINER_PROXY_HOPS
            raise click.ClickException(str(e)) from None


@click.group(
    cls=_TrainerGroup, help="The trainer web app: database, accounts, demo cohort, server."
)
@click.option(
    "--instance-path",
    envvar="TRAINER_INSTANCE_PATH",
    type=click.Path(file_okay=False),
    default=None,
    help="Folder for the SQLite file and the secret key (default: instance/ in the repository).",
)
@click.pass_context
def trainer(ctx: click.Context, instance_path: str | None) -> None:
    ctx.meta["instance_path"] = instance_path


def _make_app(ctx: click.Context):
    if ctx.meta.get("app") is None:
        app = create_app(instance_path=ctx.meta.get("instance_path"))
        ctx.meta["app"] = app
        ctx.meta["database_url"] = _safe_url(app.config["SQLALCHEMY_DATABASE_URI"])
    return ctx.meta["app"]


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@trainer.command("init-db")
@click.pass_context
def init_db(ctx: click.Context) -> None:
    """Create or upgrade the database schema (Alembic migrations)."""
    from flask_migrate import upgrade

    app = _make_app(ctx)
    with app.app_context():
        upgrade()
    click.echo(f"database ready: {_safe_url(app.config['SQLALCHEMY_DATABASE_URI'])}")


@trainer.command("create-user")
@click.argument("name")
@click.option(
    "--role",
    type=click.Choice(["trainee", "instructor", "admin"]),
    default="trainee",
    show_default=True,
)
@click.option("--display-name", default="", help="Full name shown in the app.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.pass_context
def create_user(ctx, name: str, role: str, display_name: str, password_stdin: bool) -> None:
    """Add a user; the password is prompted for (or read from stdin)."""
    from . import accounts
    from .extensions import db

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise click.ClickException("no password on standard input (one line expected)")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:  # the same policy as the web forms, before anything is opened
        accounts.check_password_policy(password)
    except accounts.AccountError as e:
        raise click.ClickException(str(e)) from None
    app = _make_app(ctx)
    with app.app_context():
        try:
            user, _ = accounts.create_user(name, role, display_name=display_name, password=password)
        except accounts.AccountError as e:
            raise click.ClickException(str(e)) from None
        db.session.commit()
        click.echo(f"created {user.role} {user.username}")


@trainer.command("demo-cohort")
@click.option("--trainees", default=12, show_default=True, help="How many demo trainees.")
@click.option("--seed", default=7, show_default=True)
@click.pass_context
def demo_cohort(ctx, trainees: int, seed: int) -> None:
    """Fill the database with a demo cohort whose exercises were played by bot trainees."""
    from .demo import demo_cohort as build

    app = _make_app(ctx)
    with app.app_context():
        created = build(trainees, seed)
        if created is None:
            click.echo("demo accounts exist already (their passwords were printed when created)")
            return
        rows = [(user.role, user.username, password) for user, password in created]
    click.echo("Demo accounts (passwords are shown only this once):")
    for role, username, password in rows:
        click.echo(f"  {role:<10} {username:<24} {password}")


def _check_database(app) -> None:
    """Fail now, in one line, if the database is unreachable, corrupt or not initialised."""
    from sqlalchemy import inspect

    from .dbguard import head_revision
    from .extensions import db

    with app.app_context(), db.engine.connect() as conn:
        if not inspect(conn).has_table("user"):
            raise click.ClickException(
                "the database has no trainer tables yet: run `stormdesk trainer init-db`"
            )
        current = None
        if inspect(conn).has_table("alembic_version"):
            current = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        if current != head_revision(app):
            raise click.ClickException(
                f"the database schema ({current or 'unknown'}) is older than this trainer's "
                f"({head_revision(app)}): run `stormdesk trainer init-db` to upgrade it"
            )


@trainer.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--threads", default=16, show_default=True, type=click.IntRange(1, 256))
@click.option(
    "--proxy-hops",
    type=click.IntRange(0, 10),
    default=None,
    help="How many reverse proxies (e.g. the TLS proxy) sit in front of the trainer and add "
    "X-Forwarded-For; 0 when browsers connect directly. Default: TRAINER_PROXY_HOPS, else 0. "
    "Sign-in throttling counts per client address, so set this behind a proxy.",
)
@click.option(
    "--connection-limit",
    default=1000,
    show_default=True,
    type=click.IntRange(10, 100_000),
    help="Open connections served at once (each browser keeps one or more open); past it, new "
    "ones wait. waitress's own default, 100, stalls a class of more than about 50 trainees.",
)
@click.option(
    "--processes",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Server processes (one per CPU core for a large class): with more than one, a router "
    "on --host:--port sends each exercise's requests always to the same process.",
)
@click.option("--worker-id", default=None, hidden=True, help="Set by --processes for its workers.")
@click.pass_context
def serve(
    ctx,
    host: str,
    port: int,
    threads: int,
    proxy_hops: int | None,
    connection_limit: int,
    processes: int,
    worker_id: str | None,
) -> None:
    """Serve the trainer with waitress (threads, one process or more; see docs/trainer.md)."""
    from waitress import create_server

    from .security import trust_proxies

    app = _make_app(ctx)
    if proxy_hops is not None:
        trust_proxies(app, proxy_hops)
    _check_database(app)
    from .engine import pause_running_exercises, warm_up

    if worker_id is None:  # the router's workers start after it paused them, while serving
        with app.app_context():  # a (re)start: nobody saw the clocks run while the server was down
            paused = pause_running_exercises()
            from .teams.engine import pause_running_teams

            paused += pause_running_teams()
    else:
        paused = 0
        app.config["WORKER_ID"] = worker_id
    if processes > 1:
        _serve_processes(ctx, app, host, port, threads, connection_limit, processes, paused)
        return
    warm_up()  # before listening: the first replies must not wait for the scorer's set-up
    try:
        server = create_server(
            app,
            host=host,
            port=port,
            threads=threads,
            ident="stormdesk",
            connection_limit=connection_limit,
            asyncore_use_poll=True,  # select() cannot watch more than 1024 sockets
        )
    except (OSError, ValueError) as e:  # unknown host, address not on this machine, port in use
        reason = (e.strerror if isinstance(e, OSError) else None) or str(e)
        raise click.ClickException(f"cannot listen on {host}:{port}: {reason}") from None
    hops = app.config.get("PROXY_HOPS", 0)
    behind = f", trusting {hops} proxy hop(s)" if hops else ""
    if paused:
        click.echo(f"paused {paused} running exercise(s) where their trainees last saw them")
    click.echo(f"Stormdesk trainer on http://{host}:{port}/{behind}  (Ctrl+C stops it)")
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()


def _serve_processes(ctx, app, host, port, threads, connection_limit, processes, paused) -> None:
    """``serve --processes N``: N ``serve`` workers on loopback, the router in front."""
    import asyncio
    import contextlib
    import os
    import signal
    import socket
    import subprocess
    import time

    from . import router

    with socket.socket() as probe:  # the public address first: a clear error if it is taken
        try:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
        except OSError as e:
            raise click.ClickException(f"cannot listen on {host}:{port}: {e.strerror}") from None
    hops = int(app.config.get("PROXY_HOPS", 0))
    cache = app.config["MODEL_CACHE_SIZE"]
    env = {**os.environ, "TRAINER_MODEL_CACHE_SIZE": str(max(1, -(-cache // processes)))}
    if ctx.meta.get("instance_path"):
        env["TRAINER_INSTANCE_PATH"] = str(ctx.meta["instance_path"])

    def free_port() -> int:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            return s.getsockname()[1]

    ports = [free_port() for _ in range(processes)]

    def start(k: int) -> subprocess.Popen:
        command = [sys.executable, "-m", "sim", "trainer", "serve", "--host", "127.0.0.1"]
        command += ["--port", str(ports[k]), "--threads", str(threads)]
        command += ["--connection-limit", str(connection_limit), "--proxy-hops", str(hops + 1)]
        # our own interpreter and fixed arguments: nothing from a request reaches this
        return subprocess.Popen([*command, "--worker-id", str(k)], env=env)  # noqa: S603

    workers = [start(k) for k in range(processes)]
    try:
        deadline = time.monotonic() + 180
        for k, w in enumerate(workers):
            while True:
                if w.poll() is not None:
                    raise click.ClickException(f"server process {k} stopped while starting")
                try:
                    socket.create_connection(("127.0.0.1", ports[k]), timeout=1).close()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise click.ClickException(f"server process {k} did not start") from None
                    time.sleep(0.2)
        if paused:
            click.echo(f"paused {paused} running exercise(s) where their trainees last saw them")
        behind = f", trusting {hops} proxy hop(s)" if hops else ""
        click.echo(
            f"Stormdesk trainer on http://{host}:{port}/{behind}: {processes} processes "
            "(Ctrl+C stops them)"
        )

        async def run() -> None:
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(sig, stop.set)

            async def watch() -> None:  # a process that died is started again on its port
                while not stop.is_set():
                    await asyncio.sleep(1.0)
                    for k, w in enumerate(workers):
                        if w.poll() is not None and not stop.is_set():
                            click.echo(f"server process {k} stopped ({w.returncode}); restarting")
                            workers[k] = start(k)

            watcher = asyncio.create_task(watch())
            try:
                await router.serve(host, port, ports, stop)
            finally:
                watcher.cancel()

        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(run())
    finally:
        for w in workers:
            if w.poll() is None:
                w.terminate()
        for w in workers:
            try:
                w.wait(10)
            except subprocess.TimeoutExpired:
                w.kill()
