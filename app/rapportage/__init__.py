from flask import Blueprint

bp = Blueprint("rapportage", __name__)

from . import routes  # noqa: E402,F401
