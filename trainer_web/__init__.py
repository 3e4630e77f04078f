"""Stormdesk's trainer: reps practise live complaint storms, instructors run classes.

``create_app()`` is the application factory (Flask tutorial shape); ``stormdesk trainer serve``
runs it under waitress. See docs/trainer.md for running a class.
"""

from __future__ import annotations

from pathlib import Path

from . import config


def create_app(test_config: dict | None = None, *, instance_path: str | Path | None = None):
    """Build the app: settings from the environment, then ``test_config`` on top."""
    from flask import Flask  # here, so `stormdesk --help` lists `trainer` without loading Flask

    instance = Path(instance_path) if instance_path else config.default_instance_path()
    instance.mkdir(parents=True, exist_ok=True)
    app = Flask(__name__, instance_path=str(instance), instance_relative_config=True)
    app.config.from_mapping(config.from_environment(instance))
    if test_config:
        app.config.from_mapping(test_config)

    from .extensions import csrf, db, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).parent / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to continue."

    from . import dbguard, engine, errors, pollpath, security

    pollpath.install(app)  # before security wraps the app in the proxy fix
    engine.reload_library()  # a (re)started app reads the scenario folder afresh
    security.init_app(app)
    errors.init_app(app)
    dbguard.init_app(app)
    app.extensions["stormdesk.models"] = engine.ModelCache(
        app.config["MODEL_CACHE_SIZE"], app.config["SCORE_MEMO_SIZE"]
    )
    # Team exercises' live models: their own cache (their ids are numbered apart from solo
    # exercises'), sharing the solo cache's score memo.
    app.extensions["stormdesk.team_models"] = engine.ModelCache(
        max(8, app.config["MODEL_CACHE_SIZE"] // 4), 1
    )
    app.extensions["stormdesk.team_models"].scores = app.extensions["stormdesk.models"].scores

    from .admin import bp as admin_bp
    from .auth import bp as auth_bp
    from .exercises import bp as exercises_bp
    from .instructor import bp as instructor_bp
    from .teams import bp as teams_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(exercises_bp)
    app.register_blueprint(instructor_bp, url_prefix="/instructor")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(teams_bp)
    app.add_url_rule("/", endpoint="index", view_func=security.home)
    return app
