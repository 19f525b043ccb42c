"""A second opinion before a knip is spent (issue 17, point 2; workflows/tweedemening.py).

The team's wijkteammanager asks on the concept's case page (templates/wijkteam/_tweede_mening.html); the
colleague asked, a wijkteammanager of another team or a rayonmanager, reads that one case's facts and answers
on /tweede-mening/<id> after login. A rayonmanager's start page is their list, /tweede-mening.
"""
from flask import Blueprint

bp = Blueprint("tweedemening", __name__)


@bp.after_request
def _niet_bewaren(response):
    # These pages show a resident's case: not for a shared browser's cache.
    response.headers["Cache-Control"] = "no-store"
    return response


from . import routes  # noqa: E402,F401
