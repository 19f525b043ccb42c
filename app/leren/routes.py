"""The screens of learning between teams: "Wie beslist waarover"."""
from __future__ import annotations

from datetime import datetime, timezone

from flask import render_template
from flask_login import current_user

from workflows import wegwijzer
from workflows.kalender import amsterdam

from ..auth.guards import TEAMROLLEN, rol_vereist
from ..extensions import db
from . import bp


@bp.route("/wie-beslist-waarover")
@rol_vereist(*TEAMROLLEN)
def wie_beslist_waarover():
    vandaag = amsterdam(datetime.now(timezone.utc)).date()
    diensten = wegwijzer.wie_beslist_waarover(db.session, current_user.wijkteam_id, vandaag)
    return render_template("leren/wie_beslist.html", diensten=diensten, vandaag=vandaag,
                           lmw_wanneer=wegwijzer.LMW_WANNEER)
