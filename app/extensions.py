"""Flask extensions, created unbound and bound in the factory."""
from __future__ import annotations

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import event
from sqlalchemy.engine import Engine

from workflows.models import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
csrf = CSRFProtect()
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Log in om deze pagina te zien."
login_manager.login_message_category = "info"
# Rate limits (the login); storage from RATELIMIT_STORAGE_URI: memory:// in one process, redis:// for several.
limiter = Limiter(get_remote_address)


def configure_sqlite(engine: Engine) -> None:
    """Make every SQLite transaction BEGIN IMMEDIATE, so count-then-write (the quota) cannot race.

    pysqlite's own transaction handling is switched off and SQLAlchemy emits
    the BEGIN itself; this is SQLAlchemy's documented recipe, with IMMEDIATE
    so that the write lock is taken before the ledger is read.
    """

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=15000")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
