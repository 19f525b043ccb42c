"""Adviesvragen and ratings on the team's side (issue 18, points 2 and 4): ask an expert, find shared advice.

The adviesvraag is a case (workflows/advies.py): it is asked here, then lives on the team's case page like every
case, is answered by the expert by mail or on the link page, and may be turned into an escalatie there. The
shared advice stands beside the examples library, for every team.
"""
from __future__ import annotations

from datetime import datetime, timezone

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from workflows import advies, usecases, waardering
from workflows.fouten import DomeinFout, OngeldigeInvoer
from workflows.models import Dienst, Oorzaak, Rol, Urgentie, Zaak, ZaakSoort
from workflows.termijnen import STANDAARD_TERMIJNEN

from .. import idempotentie, mail
from ..auth.guards import TEAMROLLEN, huidige_actor, rol_vereist
from ..extensions import db
from ..forms import Formulier
from ..validators import geen_bsn
from . import bp


def _nu() -> datetime:
    return datetime.now(timezone.utc)


class AdviesvraagFormulier(Formulier):
    formulier_sleutel = HiddenField()
    dienst_id = SelectField("Aan welke dienst?", coerce=int, validators=[
        InputRequired("Kies een dienst."), NumberRange(min=1, message="Kies een dienst.")])
    gevraagd = TextAreaField("Uw vraag", validators=[DataRequired("Stel uw vraag."), Length(max=4000), geen_bsn])
    blokkerende_regel = TextAreaField("Over welke regel of procedure gaat het?", validators=[
        DataRequired("Noem in één zin de regel of procedure."), Length(max=1000), geen_bsn])
    oorzaak_id = SelectField("Systeemoorzaak", coerce=int, validators=[
        InputRequired("Kies een oorzaak."), NumberRange(min=1, message="Kies een oorzaak.")])
    oorzaak_toelichting = StringField("Toelichting op de oorzaak", validators=[Optional(), Length(max=400), geen_bsn])
    clientreferentie = StringField("Cliëntreferentie (mag leeg)", validators=[Optional(), Length(max=60), geen_bsn])


def _keuzes(form: AdviesvraagFormulier) -> None:
    form.dienst_id.choices = [(0, "Kies een dienst")] + [(d.id, d.naam) for d in db.session.scalars(
        select(Dienst).where(Dienst.actief.is_(True), Dienst.landelijk.is_(False)).order_by(Dienst.naam))]
    form.oorzaak_id.choices = [(0, "Kies een oorzaak")] + [(o.id, o.naam) for o in db.session.scalars(
        select(Oorzaak).where(Oorzaak.actief.is_(True)).order_by(Oorzaak.volgorde, Oorzaak.naam))]


@bp.route("/adviesvragen/nieuw", methods=["GET", "POST"])
@rol_vereist(*TEAMROLLEN)
def adviesvraag_stellen():
    """Ask an expert at a dienst a non-binding question: routed as a case is, with a short term and no ladder."""
    form = AdviesvraagFormulier()
    _keuzes(form)
    if request.method == "GET":
        form.formulier_sleutel.data = idempotentie.nieuwe_sleutel()
    if form.validate_on_submit():
        eerder = idempotentie.eerder_verwerkt(form.formulier_sleutel.data)
        if eerder is not None:
            return redirect(eerder.resultaat_url or url_for("wijkteam.dashboard"))
        rij = idempotentie.claim(form.formulier_sleutel.data, current_user.id)
        if rij is None and form.formulier_sleutel.data:  # the same form sent twice at once: the other one acts
            db.session.rollback()
            return redirect(url_for("wijkteam.dashboard"))
        now = _nu()
        try:
            invoer = advies.vraag_invoer(dienst_id=form.dienst_id.data, vraag=form.gevraagd.data,
                                         regel=form.blokkerende_regel.data, oorzaak_id=form.oorzaak_id.data,
                                         clientreferentie=form.clientreferentie.data or "",
                                         oorzaak_toelichting=form.oorzaak_toelichting.data or "")
            r = usecases.zaak_aanmaken(db.session, huidige_actor(), ZaakSoort.ADVIESVRAAG, invoer, now,
                                       versturen=True, standaard_quotum=current_app.config["STANDAARD_QUOTUM"])
            mail.meld(r, now)
            if rij is not None:
                rij.resultaat_url = url_for("wijkteam.zaak", zaak_id=r.zaak.id)
            db.session.commit()
        except OngeldigeInvoer as fout:
            db.session.rollback()
            veld = form[fout.veld] if fout.veld and fout.veld in form else form.gevraagd
            veld.errors = list(veld.errors) + [fout.melding]
        except DomeinFout as fout:
            db.session.rollback()
            flash(fout.melding, "fout")
        else:
            ontvanger = r.zaak.ontvanger.naam if r.zaak.ontvanger else f"de algemene mailbox van {r.zaak.dienst.naam}"
            flash(f"Adviesvraag {r.zaak.nummer} gesteld; {ontvanger} krijgt haar per e-mail.", "ok")
            return redirect(url_for("wijkteam.zaak", zaak_id=r.zaak.id))
    oplos = STANDAARD_TERMIJNEN[Urgentie.ADVIES][1]
    return render_template("advies/stellen.html", form=form, oplos=oplos), 422 if form.errors else 200


def _getal(naam: str) -> int | None:
    waarde = request.args.get(naam, "")
    return int(waarde) if waarde.isdigit() and len(waarde) < 10 else None


@bp.route("/adviezen")
@rol_vereist(*TEAMROLLEN, Rol.MANAGEMENT)
def adviezen():
    """Advice the experts shared with every team, anonymised, searchable by text, dienst and cause."""
    vraag = advies.Zoekvraag(tekst=request.args.get("q", "")[:200], dienst_id=_getal("dienst_id"),
                             oorzaak_id=_getal("oorzaak_id"))
    return render_template("advies/adviezen.html", adviezen=advies.zoeken(db.session, vraag), vraag=vraag,
                           oorzaken=db.session.scalars(select(Oorzaak).order_by(Oorzaak.volgorde, Oorzaak.naam)).all(),
                           diensten=db.session.scalars(select(Dienst).order_by(Dienst.naam)).all())


@bp.app_context_processor
def _advies_en_waardering():
    """What the case pages show of an adviesvraag and a rating (their templates are shared with other kinds)."""
    def waardering_van(zaak: Zaak):
        return waardering.van_zaak(db.session, zaak.id) if zaak.status.value == "gesloten" else None

    def escalatie_van(zaak: Zaak):
        return advies.escalatie_van(db.session, zaak) if zaak.is_advies and zaak.status.value == "gesloten" else None

    def gedeeld_advies(zaak: Zaak):
        return db.session.scalars(select(advies.GedeeldAdvies).where(
            advies.GedeeldAdvies.zaak_id == zaak.id)).first() if zaak.is_advies else None

    return {"waardering_van": waardering_van, "escalatie_van": escalatie_van, "gedeeld_advies": gedeeld_advies,
            "waardering_schaal": waardering.SCHAAL, "advies_antwoord": advies.antwoord_van}

