"""The beheerder's view of the audit log: search by person, case, kind and period."""
from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import abort, render_template, request
from sqlalchemy import func, select
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from workflows.kalender import TZ
from workflows.models import Auditregel, Rol, Zaak

from ..auth.guards import rol_vereist
from ..extensions import db
from ..forms import Formulier
from . import bp

PER_PAGINA = 100
MAX_PAGINA = 100_000  # as the API's zaken list: ten million rows deep is far enough
SOORTEN = [("", "Alle soorten"), ("lezen", "Lezen"), ("wijzigen", "Wijzigen"), ("inloggen", "Inloggen"),
           ("geweigerd", "Geweigerd"), ("afgewezen", "Afgewezen (foute invoer)")]


class AuditFilter(Formulier):
    class Meta(Formulier.Meta):
        csrf = False

    wie = StringField("Wie (e-mailadres of deel ervan)", validators=[Optional(), Length(max=254)])
    zaak = StringField("Zaaknummer", validators=[Optional(), Length(max=20)])
    soort = SelectField("Soort", choices=SOORTEN, default="")
    van = DateField("Van", format=["%Y-%m-%d", "%d-%m-%Y"], validators=[Optional()])
    tot = DateField("Tot en met", format=["%Y-%m-%d", "%d-%m-%Y"], validators=[Optional()])

    def validate_tot(self, veld):
        if self.van.data and veld.data and veld.data < self.van.data:
            raise ValidationError("De einddatum ligt vóór de begindatum.")


def _pagina(waarde: str) -> int:
    """The page asked for, 1 to MAX_PAGINA; anything else is a 400 (a huge number overflowed the OFFSET: a 500)."""
    try:
        pagina = int(waarde)
    except ValueError:
        pagina = 0
    if not 1 <= pagina <= MAX_PAGINA:
        abort(400, f"Deze pagina bestaat niet: kies een paginanummer van 1 tot en met {MAX_PAGINA}.")
    return pagina


@bp.route("/audit")
@rol_vereist(Rol.BEHEERDER)
def audit():
    form = AuditFilter(request.args)
    pagina = _pagina(request.args.get("pagina", "1"))
    stmt = select(Auditregel, Zaak.nummer).outerjoin(Zaak, Zaak.id == Auditregel.zaak_id)
    regels, meer, status = [], False, 200
    if form.validate():
        if form.wie.data:
            stmt = stmt.where(func.lower(Auditregel.wie).contains(form.wie.data.strip().lower(), autoescape=True))
        if form.zaak.data:
            stmt = stmt.where(Zaak.nummer == form.zaak.data.strip().upper())
        if form.soort.data:
            stmt = stmt.where(Auditregel.soort == form.soort.data)
        if form.van.data:
            stmt = stmt.where(Auditregel.op >= datetime.combine(form.van.data, time(0), tzinfo=TZ))
        if form.tot.data:
            stmt = stmt.where(Auditregel.op < datetime.combine(form.tot.data + timedelta(days=1), time(0), tzinfo=TZ))
        rijen = db.session.execute(stmt.order_by(Auditregel.id.desc()).offset((pagina - 1) * PER_PAGINA)
                                   .limit(PER_PAGINA + 1)).all()
        regels, meer = rijen[:PER_PAGINA], len(rijen) > PER_PAGINA
    else:
        status = 400
    zoek = {k: v for k, v in request.args.items() if k != "pagina"}
    return render_template("beheer/audit.html", form=form, regels=regels, pagina=pagina, meer=meer,
                           zoek=zoek), status
