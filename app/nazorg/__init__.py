"""After the decision: the effect six months on, agreements, consent, renewal and hand-over (issue 17, 4 and 5).

The forms live on the team's case page (templates/wijkteam/_nazorg.html); a proposed hand-over has its own page
for the receiving team's manager, who does not see the case itself until they accept it.
"""
from flask import Blueprint

bp = Blueprint("nazorg", __name__)


@bp.after_request
def _niet_bewaren(response):
    # These pages show a resident's case and the hand-over note: not for a shared browser's cache.
    response.headers["Cache-Control"] = "no-store"
    return response


from . import routes  # noqa: E402,F401
