from flask import render_template

from workflows.models import Rol

from ..auth.guards import rol_vereist
from . import bp


@bp.route("/")
@rol_vereist(Rol.BEHEERDER)
def index():
    return render_template("beheer/index.html")
