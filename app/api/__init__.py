"""The JSON API under /api/v1: per-user tokens, the screens' permissions, RFC 9457 problem details."""
from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from . import routes  # noqa: E402,F401
