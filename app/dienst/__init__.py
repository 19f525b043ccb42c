from flask import Blueprint

bp = Blueprint("dienst", __name__)

from . import routes  # noqa: E402,F401
