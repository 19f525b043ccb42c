"""The Flask application: factory, extensions, blueprints, error handlers, commands."""
from __future__ import annotations

import os

from flask import Flask
from werkzeug.routing import IntegerConverter

from . import config as config_module


class BegrensdGetal(IntegerConverter):
    """<int:...> in URLs, at most the largest PostgreSQL integer: a larger id is simply not found."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = 2**31 - 1,
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def create_app(test_config: dict | None = None) -> Flask:
    """Create the app; `test_config` overrides what the environment gives."""
    app = Flask(__name__, instance_relative_config=True, template_folder="../templates",
                static_folder="static")
    os.makedirs(app.instance_path, exist_ok=True)
    app.url_map.converters["int"] = BegrensdGetal  # before any route: ids beyond the database's integers are 404
    env = None
    if test_config and "ENV" in test_config:
        env = test_config.pop("ENV")
    app.config.from_mapping(config_module.load(app.instance_path, env))
    if test_config:
        app.config.from_mapping(test_config)

    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_security(app)
    register_template_helpers(app)
    register_commands(app)

    from . import scheduler

    scheduler.init_app(app)
    scheduler.start_in_ontwikkelserver(app)
    return app


def register_extensions(app: Flask) -> None:
    from .extensions import configure_sqlite, csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    if app.config["PROXY_FIX"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = app.config["PROXY_FIX"]  # the client's address as the load balancer saw it, for limits and the audit log
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            configure_sqlite(db.engine)

    from .auth.models import laad_gebruiker  # noqa: F401  (registers the user loader)
    import notifications.models  # noqa: F401  (the outbox tables share the metadata)


def register_blueprints(app: Flask) -> None:
    from . import gezondheid
    from .auth import bp as auth_bp
    from .beheer import bp as beheer_bp
    from .dienst import bp as dienst_bp
    from .leren import bp as leren_bp
    from .gezamenlijk import bp as gezamenlijk_bp
    from .main import bp as main_bp
    from .rapportage import bp as rapportage_bp
    from .wijkteam import bp as wijkteam_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(main_bp)
    app.register_blueprint(wijkteam_bp)
    from .wijkteam import grote_uploads_toestaan

    # First of all before_request hooks: CSRF reads the form, so the limit must be raised before it does.
    app.before_request_funcs.setdefault(None, []).insert(0, grote_uploads_toestaan)
    app.register_blueprint(dienst_bp)
    app.register_blueprint(rapportage_bp)
    app.register_blueprint(leren_bp)
    from .nazorg import bp as nazorg_bp

    app.register_blueprint(nazorg_bp)
    app.register_blueprint(gezamenlijk_bp)
    from .api.routes import init_app as api

    api(app)
    app.register_blueprint(beheer_bp, url_prefix="/beheer")
    from .maatwerk import bp as maatwerk_bp

    app.register_blueprint(maatwerk_bp)
    from .tweedemening import bp as tweedemening_bp

    app.register_blueprint(tweedemening_bp)
    gezondheid.init_app(app)


def register_errorhandlers(app: Flask) -> None:
    from .errors import init_app

    init_app(app)


def register_security(app: Flask) -> None:
    from . import audit, beveiliging

    beveiliging.init_app(app)
    audit.init_app(app)


def register_template_helpers(app: Flask) -> None:
    from .templating import init_app

    init_app(app)


def register_commands(app: Flask) -> None:
    from . import inbound, mail, retentie
    from .commands import init_app

    init_app(app)
    mail.init_app(app)
    inbound.init_app(app)
    retentie.init_app(app)
