from flask import Blueprint

bp = Blueprint("wijkteam", __name__)

from . import routes  # noqa: E402,F401
