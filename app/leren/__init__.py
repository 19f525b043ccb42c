"""Learning between teams: who decides what, and examples of cases that were solved."""
from flask import Blueprint

bp = Blueprint("leren", __name__)


@bp.after_request
def _niet_bewaren(response):
    # The team's view of routing names people and their absences: not for a shared browser's cache.
    response.headers["Cache-Control"] = "no-store"
    return response


from . import advies, routes  # noqa: E402,F401
