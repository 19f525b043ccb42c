from flask import redirect, url_for
from flask_login import current_user, login_required

from workflows.models import Rol

from . import bp


@bp.route("/")
@login_required
def index():
    """Send each role to its own start page."""
    if current_user.rol in (Rol.WIJKTEAMMANAGER, Rol.MEDEWERKER):
        return redirect(url_for("wijkteam.dashboard"))
    if current_user.rol == Rol.BEHEERDER:
        return redirect(url_for("beheer.index"))
    if current_user.rol == Rol.RAYONMANAGER:
        return redirect(url_for("tweedemening.lijst"))
    return redirect(url_for("rapportage.index"))
