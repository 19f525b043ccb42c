"""The maatwerkbudget's screens: the team's budget and requests, the professionals' decision page (signed
link, no account), finance's payment page (signed link) and the beheerder's settings."""
from flask import Blueprint

import workflows.maatwerk.modellen  # noqa: F401  (the tables share the metadata)

bp = Blueprint("maatwerk", __name__)


@bp.after_request
def _niet_bewaren(response):
    # Requests are about residents and payments: no browser history, back button or proxy keeps them.
    response.headers["Cache-Control"] = "no-store"
    return response


from . import beheer, routes  # noqa: E402,F401


@bp.app_template_filter("euro")
def _euro(centen: int) -> str:
    from workflows.maatwerk.modellen import euro

    return euro(centen)
