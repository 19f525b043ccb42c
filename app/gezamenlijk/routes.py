"""The screens of a joint question: the form, the parts side by side, sending and the overbrugging."""
from __future__ import annotations

from datetime import datetime, timezone

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from workflows import bewaking, gezamenlijk, zaken
from workflows.fouten import DomeinFout, OngeldigeInvoer
from workflows.gezamenlijk import GezamenlijkOnbekend
from workflows.models import Dienst, Oorzaak, Prijspost, Rol, Status, Urgentie

from .. import audit, idempotentie, mail
from ..auth.guards import TEAMROLLEN, huidige_actor, rol_vereist
from ..extensions import db
from ..links import link_url
from . import bp
from .forms import GezamenlijkFormulier, OverbruggingFormulier, VersturenFormulier


def _nu() -> datetime:
    return datetime.now(timezone.utc)


def _groep_of_404(groep_id: int):
    try:
        return gezamenlijk.van_team(db.session, current_user.wijkteam_id, groep_id)
    except GezamenlijkOnbekend:
        abort(404)


@bp.route("/gezamenlijk")
@rol_vereist(*TEAMROLLEN)
def lijst():
    groepen = gezamenlijk.van_het_team(db.session, current_user.wijkteam_id)
    return render_template("gezamenlijk/lijst.html", groepen=groepen, stand=gezamenlijk.stand,
                           standen=gezamenlijk.STANDEN)


def _diensten_keuzes(form) -> None:
    """The choices as the escalation form has them; the Landelijk Maatwerkloket is never a first stop."""
    stmt = select(Dienst).where(Dienst.actief.is_(True), Dienst.landelijk.is_(False)).order_by(Dienst.naam)
    form.diensten.choices = [(d.id, d.naam) for d in db.session.scalars(stmt)]
    oorzaken = db.session.scalars(select(Oorzaak).where(Oorzaak.actief.is_(True)).order_by(Oorzaak.volgorde,
                                                                                             Oorzaak.naam))
    form.oorzaak_id.choices = [(0, "Kies een oorzaak")] + [(o.id, o.naam) for o in oorzaken]
    posten = db.session.scalars(select(Prijspost).where(Prijspost.actief.is_(True)).order_by(Prijspost.volgorde,
                                                                                             Prijspost.naam)).all()
    for i, regel in enumerate(form.scenario, start=1):
        regel.prijspost_id.label.text = f"Scenario {i}: wat is voorkomen?"
        regel.aantal.label.text = f"Aantal bij scenario {i}"
        regel.prijspost_id.choices = [(0, "Niets gekozen")] + [
            (p.id, f"{p.naam} (€ {p.prijs:,} per {p.eenheid})".replace(",", ".")) for p in posten]


def _invoer(form) -> zaken.ZaakInvoer:
    return zaken.ZaakInvoer(
        dienst_id=0, clientreferentie=form.clientreferentie.data or "", gevraagd=form.gevraagd.data or "",
        blokkerende_regel=form.blokkerende_regel.data or "", urgentie=Urgentie(form.urgentie.data),
        oorzaak_id=form.oorzaak_id.data, oorzaak_toelichting=form.oorzaak_toelichting.data or "",
        voorgestelde_oplossing=form.voorgestelde_oplossing.data or "", geen_inkomen=bool(form.geen_inkomen.data),
        bovenlokaal=bool(form.bovenlokaal.data), rendement=form.rendement.data or "",
        legitimiteit=form.legitimiteit.data or "", betrokkenheid=form.betrokkenheid.data or "",
        scenario=[(r.prijspost_id.data, r.aantal.data) for r in form.scenario if r.prijspost_id.data])


def _veld_fout(form, fout: OngeldigeInvoer) -> None:
    if fout.veld == "scenario":
        form.scenario.entries[0].prijspost_id.errors = [fout.melding]
    elif fout.veld and fout.veld in form:
        form[fout.veld].errors = list(form[fout.veld].errors) + [fout.melding]
    else:
        flash(fout.melding, "fout")


@bp.route("/gezamenlijk/nieuw", methods=["GET", "POST"])
@rol_vereist(*TEAMROLLEN)
def nieuw():
    form = GezamenlijkFormulier()
    _diensten_keuzes(form)
    is_manager = current_user.rol == Rol.WIJKTEAMMANAGER
    status = 200
    if request.method == "GET":
        form.formulier_sleutel.data = idempotentie.nieuwe_sleutel()
        return render_template("gezamenlijk/nieuw.html", form=form, is_manager=is_manager)
    eerder = idempotentie.eerder_verwerkt(form.formulier_sleutel.data)
    if eerder is not None:
        flash("Dit formulier was al verstuurd en is één keer verwerkt.", "info")
        return redirect(eerder.resultaat_url or url_for(".lijst"))
    versturen = request.form.get("knop") == "versturen"
    if versturen and not is_manager:
        abort(403)
    goed = form.validate()
    # The choice of diensten is the domain's to judge; say what is wrong with it beside the other fields.
    for fout in gezamenlijk.dienstfouten(db.session, form.diensten.data or []):
        goed = False
        if fout.melding not in form.diensten.errors:
            form.diensten.errors = list(form.diensten.errors) + [fout.melding]
    if not goed:
        return render_template("gezamenlijk/nieuw.html", form=form, is_manager=is_manager), 422
    now = _nu()
    claim = idempotentie.claim(form.formulier_sleutel.data, current_user.id)
    if claim is None and form.formulier_sleutel.data:
        db.session.rollback()
        flash("Dit formulier was al verstuurd en is één keer verwerkt.", "info")
        return redirect(url_for(".lijst"))
    try:
        r = gezamenlijk.aanmaken(db.session, huidige_actor(), form.diensten.data, _invoer(form), now,
                                 versturen=versturen)
        for deel in r.delen:
            mail.meld(deel, now)
    except OngeldigeInvoer as fout:
        db.session.rollback()
        _veld_fout(form, fout)
        status = 422
    except DomeinFout as fout:
        db.session.rollback()
        flash(fout.melding + " Er is niets opgeslagen.", "fout")
        status = 409
    else:
        resultaat = url_for(".zaak", groep_id=r.groep.id)
        if claim is not None:
            claim.resultaat_url = resultaat
        _audit_delen(r, "gezamenlijke vraag gesteld")
        db.session.commit()
        namen = gezamenlijk.opsomming([z.dienst.naam for z in r.groep.zaken])
        flash(f"Gezamenlijke vraag {r.groep.nummer} verstuurd aan {namen}." if versturen else
              f"Gezamenlijke vraag {r.groep.nummer} opgeslagen als concept. De wijkteammanager kan haar versturen.",
              "ok")
        return redirect(resultaat)
    return render_template("gezamenlijk/nieuw.html", form=form, is_manager=is_manager), status


def _audit_delen(r, wat: str) -> None:
    """Every part a joint use case changed is in the audit log, committed with the change."""
    for deel in r.delen:
        audit.leg_vast("wijzigen", current_user.email, current_user.rol.value, gebruiker_id=current_user.id,
                       wat=f"{wat} {r.groep.nummer}", zaak_id=deel.zaak.id, commit=False)


def _pagina(groep, overbrugging_form=None, status: int = 200):
    now = _nu()
    delen = []
    for z in groep.zaken:
        delen.append({
            "zaak": z, "termijnen": zaken.termijnstanden(z) if z.status != Status.CONCEPT else [],
            "ladder": bewaking.ladder(db.session, z) if z.status != Status.CONCEPT else [],
            "laatste": z.gebeurtenissen[-1] if z.gebeurtenissen else None,
            "link": link_url(z, z.ontvanger_email) if z.ontvanger_email and z.status in zaken.LOPEND else None,
        })
        audit.leg_vast("lezen", current_user.email, current_user.rol.value, gebruiker_id=current_user.id,
                       wat=f"gezamenlijke vraag {groep.nummer}", zaak_id=z.id, commit=False)
    db.session.commit()  # the reads of every part are in the audit log
    open_delen = [z for z in groep.zaken if z.status in zaken.LOPEND]
    is_manager = current_user.rol == Rol.WIJKTEAMMANAGER
    if overbrugging_form is None:
        overbrugging_form = OverbruggingFormulier(formdata=None)
    overbrugging_form.dienst_id.choices = [(z.dienst_id, z.dienst.naam) for z in open_delen]
    overbrugging_form.formulier_sleutel.data = idempotentie.nieuwe_sleutel()
    versturen_form = VersturenFormulier(formdata=None)
    versturen_form.formulier_sleutel.data = idempotentie.nieuwe_sleutel()
    stand = gezamenlijk.stand(groep)
    return render_template(
        "gezamenlijk/zaak.html", groep=groep, delen=delen, stand=stand, standen=gezamenlijk.STANDEN, now=now,
        is_manager=is_manager, overbrugging_form=overbrugging_form, versturen_form=versturen_form,
        kan_overbruggen=is_manager and groep.overbrugd_op is None and stand == "lopend" and bool(open_delen),
        kan_versturen=is_manager and any(z.status == Status.CONCEPT for z in groep.zaken)), status


@bp.route("/gezamenlijk/<int:groep_id>")
@rol_vereist(*TEAMROLLEN)
def zaak(groep_id: int):
    return _pagina(_groep_of_404(groep_id))


def _eenmaal(form) -> bool:
    """Claim the form's key: False when this submission was already handled (a double click)."""
    if idempotentie.eerder_verwerkt(form.formulier_sleutel.data) is not None:
        return False
    return idempotentie.claim(form.formulier_sleutel.data, current_user.id) is not None or \
        not form.formulier_sleutel.data


@bp.route("/gezamenlijk/<int:groep_id>/versturen", methods=["POST"])
@rol_vereist(Rol.WIJKTEAMMANAGER)
def versturen(groep_id: int):
    groep = _groep_of_404(groep_id)
    form = VersturenFormulier()
    if not form.validate_on_submit():
        abort(400)
    if not _eenmaal(form):
        db.session.rollback()
        flash("Dit formulier was al verstuurd en is één keer verwerkt.", "info")
        return redirect(url_for(".zaak", groep_id=groep.id))
    now = _nu()
    try:
        r = gezamenlijk.versturen(db.session, huidige_actor(), groep.id, now)
        for deel in r.delen:
            mail.meld(deel, now)
    except GezamenlijkOnbekend:
        db.session.rollback()
        abort(404)
    except DomeinFout as fout:
        db.session.rollback()
        flash(fout.melding, "fout")
    else:
        _audit_delen(r, "gezamenlijke vraag verstuurd")
        db.session.commit()
        flash(f"Gezamenlijke vraag {r.groep.nummer} verstuurd aan "
              f"{gezamenlijk.opsomming([d.zaak.dienst.naam for d in r.delen])}.", "ok")
    return redirect(url_for(".zaak", groep_id=groep_id))


@bp.route("/gezamenlijk/<int:groep_id>/overbruggen", methods=["POST"])
@rol_vereist(Rol.WIJKTEAMMANAGER)
def overbruggen(groep_id: int):
    groep = _groep_of_404(groep_id)
    form = OverbruggingFormulier()
    form.dienst_id.choices = [(z.dienst_id, z.dienst.naam) for z in groep.zaken]
    if not form.validate():
        return _pagina(groep, form, 422)
    if not _eenmaal(form):
        db.session.rollback()
        flash("Dit formulier was al verstuurd en is één keer verwerkt.", "info")
        return redirect(url_for(".zaak", groep_id=groep.id))
    now = _nu()
    try:
        r = gezamenlijk.overbruggen(db.session, huidige_actor(), groep.id, form.dienst_id.data,
                                    form.toelichting.data, now)
        for deel in r.delen:
            mail.meld(deel, now)
    except GezamenlijkOnbekend:
        db.session.rollback()
        abort(404)
    except OngeldigeInvoer as fout:
        db.session.rollback()
        groep = _groep_of_404(groep_id)
        _veld_fout(form, fout)
        return _pagina(groep, form, 422)
    except DomeinFout as fout:
        db.session.rollback()
        flash(fout.melding + " Er is niets vastgelegd.", "fout")
    else:
        _audit_delen(r, "overbrugging vastgelegd")
        db.session.commit()
        flash(f"Overbrugging vastgelegd: {r.groep.overbrugd_door.naam} neemt de vraag voor alle diensten op zich. "
              "De diensten krijgen bericht; wie wat betaalt, verrekenen zij later.", "ok")
    return redirect(url_for(".zaak", groep_id=groep_id))
