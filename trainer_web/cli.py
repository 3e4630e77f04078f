"""``stormdesk trainer …``: set up the database, add people, serve the trainer.

Registered as the ``trainer`` group through the ``stormdesk.commands`` entry point.
"""

from __future__ import annotations

import sys

import click

from . import create_app


@click.group(help="The trainer web app: database, accounts, demo cohort, server.")
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
        ctx.meta["app"] = create_app(instance_path=ctx.meta.get("instance_path"))
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
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
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


@trainer.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--threads", default=16, show_default=True, type=int)
@click.pass_context
def serve(ctx, host: str, port: int, threads: int) -> None:
    """Serve the trainer with waitress (one process, threads; see docs/trainer.md)."""
    from waitress import serve as waitress_serve

    app = _make_app(ctx)
    click.echo(f"Stormdesk trainer on http://{host}:{port}/  (Ctrl+C stops it)")
    waitress_serve(app, host=host, port=port, threads=threads, ident="stormdesk")
