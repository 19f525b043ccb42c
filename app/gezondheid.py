"""Health and readiness for load balancers, and JSON logs with a request id."""
from __future__ import annotations

import json
import logging
import secrets
import time

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Blueprint, Flask, current_app, g, request
from sqlalchemy import text

from .extensions import csrf, db

bp = Blueprint("gezondheid", __name__)


@bp.route("/healthz")
@csrf.exempt
def healthz():
    """The process is up; nothing else is checked."""
    return {"status": "ok"}, 200, {"Cache-Control": "no-store"}


@bp.route("/readyz")
@csrf.exempt
def readyz():
    """Ready for traffic: the database answers and its schema is at the newest migration."""
    try:
        conn = db.session.connection()
        conn.execute(text("SELECT 1"))
        huidig = set(MigrationContext.configure(conn).get_current_heads())
        db.session.rollback()
    except Exception as e:  # any database failure means: not ready
        db.session.rollback()
        return {"status": "niet gereed", "reden": f"database niet bereikbaar: {type(e).__name__}"}, 503
    migraties = current_app.extensions["migrate"].directory
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", migraties)
    nieuwste = set(ScriptDirectory.from_config(cfg).get_heads())
    if huidig != nieuwste:
        return {"status": "niet gereed", "reden": "migraties niet bijgewerkt",
                "database": sorted(huidig), "code": sorted(nieuwste)}, 503
    return {"status": "gereed", "migratie": sorted(huidig)}, 200, {"Cache-Control": "no-store"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line, with the request id when there is a request."""

    def format(self, record: logging.LogRecord) -> str:
        data = {"tijd": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"), "niveau": record.levelname,
                "logger": record.name, "bericht": record.getMessage()}
        verzoek = getattr(record, "request_id", None)
        if verzoek:
            data["request_id"] = verzoek
        if record.exc_info:
            data["fout"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False)


class _RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        from flask import has_request_context

        record.request_id = g.get("request_id") if has_request_context() else None
        return True


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)

    @app.before_request
    def _request_id():
        inkomend = request.headers.get("X-Request-Id", "")
        g.request_id = inkomend if 0 < len(inkomend) <= 64 and inkomend.isprintable() else secrets.token_hex(8)
        g.start = time.perf_counter()

    @app.after_request
    def _log_verzoek(response):
        response.headers["X-Request-Id"] = g.get("request_id", "")
        if app.config.get("JSON_LOGS"):
            app.logger.info("%s %s %s %.1fms", request.method, request.path, response.status_code,
                            (time.perf_counter() - g.get("start", time.perf_counter())) * 1000)
        return response

    if app.config.get("JSON_LOGS"):
        handler = logging.StreamHandler()
        handler.setFormatter(JsonFormatter())
        handler.addFilter(_RequestIdFilter())
        root = logging.getLogger()
        root.handlers[:] = [handler]
        root.setLevel(logging.INFO)
        logging.getLogger("apscheduler").setLevel(logging.WARNING)  # not a line per job run every 5 seconds
        app.logger.handlers[:] = []
        app.logger.propagate = True
