"""Joint cases: one question from a team to several diensten at once (issue 18, point 5)."""
from flask import Blueprint

bp = Blueprint("gezamenlijk", __name__)


@bp.app_template_global("gezamenlijke_vraag_van")
def gezamenlijke_vraag_van(zaak_id: int):
    """The joint case a case is a part of, for the case page's link to it; None for most cases."""
    from workflows.gezamenlijk import van_zaak

    from ..extensions import db

    return van_zaak(db.session, zaak_id)


@bp.app_template_filter("opsomming")
def opsomming(namen) -> str:
    """"Wmo", "Wmo en Bijzondere bijstand", "Wmo, Werk & Inkomen en Bijzondere bijstand"."""
    from workflows.gezamenlijk import opsomming as _opsomming

    return _opsomming(list(namen))


from . import routes  # noqa: E402,F401
