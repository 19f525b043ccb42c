"""The team's maatwerkbudget (budget, requests, a request's page), the professional's decision page and
finance's payment page (both by signed link, no account)."""
from __future__ import annotations

import io
from datetime import datetime, timezone

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from sqlalchemy import select

from notifications import maatwerk as maatwerkmail
from workflows.fouten import DomeinFout, GeenToegang, OngeldigeInvoer
from workflows.maatwerk import aanvragen as mw
from workflows.maatwerk import budget as budgetboek
from workflows.maatwerk import effect as maatwerkeffect
from workflows.maatwerk.betaalbestand import lees_bevestiging
from workflows.maatwerk.bewaring import gewist
from workflows.maatwerk.modellen import (
    AanvraagStatus,
    MaatwerkAanvraag,
    MaatwerkBeoordeling,
    MaatwerkBetaalopdracht,
    Oordeel,
    discipline_label,
)
from workflows.models import Prijspost
from workflows.termijnen import kalender

from .. import audit, idempotentie
from ..auth.guards import TEAMROLLEN, rol_vereist
from ..extensions import db
from ..links import LinkOngeldig
from ..mail import instellingen as mailinstellingen
from ..nazorg.forms import EffectFormulier
from ..templating import datumtijd
from . import bp
from .forms import AanvraagFormulier, BevestigFormulier, BevestigingUploadFormulier, IntrekkenFormulier, \
    OordeelFormulier
from .links import lees, links

maatwerkmail.links_aanbieden(links)


def _nu() -> datetime:
    return datetime.now(timezone.utc)


def meld(resultaat, now: datetime) -> None:
    inst = mw.instelling(db.session)
    maatwerkmail.na_resultaat(db.session, resultaat, now, mailinstellingen(), links(), inst.financien_naam)


# ---------------------------------------------------------------- the team


@bp.route("/maatwerk")
@rol_vereist(*TEAMROLLEN)
def overzicht():
    now = _nu()
    stand, mutaties = budgetboek.lees_budget(db.session, current_user.wijkteam_id, mw.jaar_van(now))
    aanvragen_ = db.session.scalars(select(MaatwerkAanvraag).where(
        MaatwerkAanvraag.wijkteam_id == current_user.wijkteam_id).order_by(MaatwerkAanvraag.id.desc()).limit(100)
    ).all()
    gemeente = budgetboek.pool(db.session, mw.jaar_van(now))
    return render_template("maatwerk/overzicht.html", stand=stand, mutaties=mutaties[-50:], aanvragen=aanvragen_,
                           now=now, pool_stand=budgetboek.stand(db.session, gemeente) if gemeente else None)


def _keuzes(form: AanvraagFormulier) -> None:
    inst = mw.instelling(db.session)
    form.discipline.choices = [(d, discipline_label(d)) for d in inst.discipline_lijst]
    posten = db.session.scalars(select(Prijspost).where(Prijspost.actief.is_(True)).order_by(Prijspost.volgorde,
                                                                                             Prijspost.naam)).all()
    form.prijspost_id.choices = [(0, "Niets gekozen")] + [
        (p.id, f"{p.naam} (€ {p.prijs:,} per {p.eenheid})".replace(",", ".")) for p in posten]


@bp.route("/maatwerk/aanvragen/nieuw", methods=["GET", "POST"])
@rol_vereist(*TEAMROLLEN)
def nieuw():
    form = AanvraagFormulier()
    _keuzes(form)
    now = _nu()
    stand = budgetboek.lees_budget(db.session, current_user.wijkteam_id, mw.jaar_van(now))[0]
    if request.method == "GET":
        form.formulier_sleutel.data = idempotentie.nieuwe_sleutel()
        return render_template("maatwerk/aanvraagformulier.html", form=form, stand=stand)
    eerder = idempotentie.eerder_verwerkt(form.formulier_sleutel.data)
    if eerder is not None:
        flash("Deze aanvraag was al verstuurd en is één keer verwerkt.", "info")
        return redirect(eerder.resultaat_url or url_for(".overzicht"))
    if not form.validate():
        return render_template("maatwerk/aanvraagformulier.html", form=form, stand=stand), 422
    invoer = mw.AanvraagInvoer(
        discipline=form.discipline.data, bedrag=form.bedrag.data, clientreferentie=form.clientreferentie.data,
        wat_nodig=form.wat_nodig.data, waarom_werkt=form.waarom_werkt.data,
        wat_doet_inwoner=form.wat_doet_inwoner.data, crediteur_naam=form.crediteur_naam.data,
        crediteur_iban=form.crediteur_iban.data, betalingskenmerk=form.betalingskenmerk.data or "",
        prijspost_id=form.prijspost_id.data or None, scenario_aantal=form.scenario_aantal.data)
    claim = idempotentie.claim(form.formulier_sleutel.data, current_user.id)
    try:
        r = mw.aanvragen(db.session, current_user, invoer, now, kalender(db.session))
        meld(r, now)
    except OngeldigeInvoer as fout:
        db.session.rollback()
        if fout.veld and fout.veld in form:
            form[fout.veld].errors = list(form[fout.veld].errors) + [fout.melding]
        else:
            flash(fout.melding, "fout")
        return render_template("maatwerk/aanvraagformulier.html", form=form, stand=stand), 422
    except DomeinFout as fout:
        db.session.rollback()
        flash(fout.melding, "fout")
        return render_template("maatwerk/aanvraagformulier.html", form=form, stand=stand), 409
    resultaat = url_for(".aanvraag", aanvraag_id=r.aanvraag.id)
    if claim is not None:
        claim.resultaat_url = resultaat
    db.session.commit()
    namen = " en ".join(b.professional.naam for b in r.aanvraag.beoordelingen)
    waar = "de gemeentelijke pool (het eigen budget had te weinig)" if r.aanvraag.budget.is_pool else "het budget"
    flash(f"Aanvraag {r.aanvraag.nummer} ingediend: {r.aanvraag.bedrag} is vastgelegd op {waar}. {namen} "
          f"beslissen mee, uiterlijk {datumtijd(r.aanvraag.beoordeel_deadline)}.", "ok")
    return redirect(resultaat)


def _van_team(aanvraag_id: int) -> MaatwerkAanvraag:
    a = db.session.execute(select(MaatwerkAanvraag).where(
        MaatwerkAanvraag.id == aanvraag_id, MaatwerkAanvraag.wijkteam_id == current_user.wijkteam_id)
    ).scalar_one_or_none()
    if a is None:
        abort(404)
    return a


def _aanvraagpagina(a: MaatwerkAanvraag, effect_form: EffectFormulier | None = None, status: int = 200):
    meting = maatwerkeffect.meting_van(db.session, a.id)
    if effect_form is None:
        effect_form = EffectFormulier(formdata=None)
        if meting is not None and meting.vastgelegd_op is not None:
            effect_form.schaal.data, effect_form.eindpunt.data = meting.schaal.value, meting.eindpunt.value
            effect_form.effect_toelichting.data = meting.toelichting
    return render_template("maatwerk/aanvraag.html", a=a, form=IntrekkenFormulier(formdata=None), now=_nu(),
                           meting=meting, effect_form=effect_form, gewist=gewist(a),
                           effect_vraag_op=maatwerkeffect.vraag_op(a, kalender(db.session))), status


@bp.route("/maatwerk/aanvragen/<int:aanvraag_id>")
@rol_vereist(*TEAMROLLEN)
def aanvraag(aanvraag_id: int):
    return _aanvraagpagina(_van_team(aanvraag_id))


@bp.route("/maatwerk/aanvragen/<int:aanvraag_id>/effect", methods=["POST"])
@rol_vereist(*TEAMROLLEN)
def effect(aanvraag_id: int):
    """The team records the effect six months on (or earlier, or corrects it); errors beside the fields."""
    a = _van_team(aanvraag_id)
    form = EffectFormulier()
    if not form.validate():
        return _aanvraagpagina(a, form, 422)
    try:
        r = maatwerkeffect.effect_vastleggen(db.session, current_user, a.id, form.schaal.data, form.eindpunt.data,
                                             form.effect_toelichting.data, _nu())
    except GeenToegang:
        db.session.rollback()
        abort(403)
    except OngeldigeInvoer as fout:
        db.session.rollback()
        doel = form[fout.veld] if fout.veld in form else form.effect_toelichting
        doel.errors = list(doel.errors) + [fout.melding]
        return _aanvraagpagina(_van_team(aanvraag_id), form, 422)
    except DomeinFout as fout:
        db.session.rollback()
        flash(fout.melding + " Er is niets gewijzigd.", "fout")
        return redirect(url_for(".aanvraag", aanvraag_id=aanvraag_id)), 409
    db.session.commit()
    gecorrigeerd = r.gebeurtenissen[0][0] == "effect_gecorrigeerd"
    flash("Effect en eindpunt bijgewerkt." if gecorrigeerd else "Effect en eindpunt vastgelegd.", "ok")
    return redirect(url_for(".aanvraag", aanvraag_id=aanvraag_id) + "#effect")


@bp.route("/maatwerk/aanvragen/<int:aanvraag_id>/intrekken", methods=["POST"])
@rol_vereist(*TEAMROLLEN)
def intrekken(aanvraag_id: int):
    _van_team(aanvraag_id)
    form = IntrekkenFormulier()
    if not form.validate():
        flash(" ".join(e for fouten in form.errors.values() for e in fouten), "fout")
        return redirect(url_for(".aanvraag", aanvraag_id=aanvraag_id))
    try:
        mw.intrekken(db.session, current_user, aanvraag_id, form.reden.data or "", _nu())
    except DomeinFout as fout:
        db.session.rollback()
        flash(fout.melding + " Er is niets gewijzigd.", "fout")
        return redirect(url_for(".aanvraag", aanvraag_id=aanvraag_id)), 409
    db.session.commit()
    flash("Aanvraag ingetrokken; het bedrag staat weer op het budget.", "ok")
    return redirect(url_for(".aanvraag", aanvraag_id=aanvraag_id))


# ---------------------------------------------------------------- a professional, by signed link


def _beoordeling(token: str) -> MaatwerkBeoordeling:
    data = lees(token)
    b = db.session.execute(select(MaatwerkBeoordeling).where(
        MaatwerkBeoordeling.aanvraag_id == data.get("a"), MaatwerkBeoordeling.professional_id == data.get("p"))
    ).scalar_one_or_none()
    if b is None or not b.professional.actief:
        raise LinkOngeldig("Deze link hoort bij geen aanvraag (meer). Vraag het wijkteam om een nieuwe.")
    audit.zet_actor(b.professional.email, "professional")
    return b


@bp.route("/maatwerk/beoordelen/<token>", methods=["GET", "POST"])
def beoordelen(token: str):
    try:
        b = _beoordeling(token)
    except LinkOngeldig as fout:
        return render_template("maatwerk/link_ongeldig.html", melding=fout.melding), 404
    form = OordeelFormulier()
    status = 200
    if request.method == "POST":
        if form.validate():
            now = _nu()
            try:
                r = mw.beoordelen(db.session, b.aanvraag_id, b.professional_id, Oordeel(form.oordeel.data),
                                  form.reden.data or "", now, kanaal="scherm")
                meld(r, now)
            except OngeldigeInvoer as fout:
                db.session.rollback()
                form.reden.errors = list(form.reden.errors) + [fout.melding]
                status = 422
            except DomeinFout as fout:
                db.session.rollback()
                flash(fout.melding, "fout")
                status = 409
            else:
                db.session.commit()
                flash("Uw oordeel is vastgelegd. Dank u wel.", "ok")
                return redirect(url_for(".beoordelen", token=token))
        else:
            status = 422
        b = _beoordeling(token)
    return render_template("maatwerk/beoordelen.html", b=b, a=b.aanvraag, form=form), status


# ---------------------------------------------------------------- finance, by signed link


def _opdracht(token: str) -> MaatwerkBetaalopdracht:
    data = lees(token)
    o = db.session.get(MaatwerkBetaalopdracht, data.get("b")) if isinstance(data.get("b"), int) else None
    if o is None or o.financien_email != data.get("e"):
        raise LinkOngeldig("Deze link hoort bij geen betaalopdracht (meer).")
    audit.zet_actor(o.financien_email, "financien")
    return o


@bp.route("/maatwerk/betaalopdracht/<token>", methods=["GET", "POST"])
def betaalopdracht(token: str):
    try:
        o = _opdracht(token)
    except LinkOngeldig as fout:
        return render_template("maatwerk/link_ongeldig.html", melding=fout.melding), 404
    upload = BevestigingUploadFormulier()
    bevestig = BevestigFormulier()
    status, niet_gekoppeld = 200, []
    if request.method == "POST":
        now = _nu()
        nummers = None
        if request.form.get("knop") == "upload":
            if not upload.validate():
                return render_template("maatwerk/betaalopdracht.html", o=o, upload=upload, bevestig=bevestig,
                                       niet_gekoppeld=[], token=token), 422
            try:
                uitslag = lees_bevestiging(upload.bestand.data.read(1024 * 1024), o.aanvragen)
            except OngeldigeInvoer as fout:
                upload.bestand.errors = [fout.melding]
                return render_template("maatwerk/betaalopdracht.html", o=o, upload=upload, bevestig=bevestig,
                                       niet_gekoppeld=[], token=token), 422
            nummers, niet_gekoppeld = uitslag.betaald, uitslag.niet_gekoppeld
        elif not bevestig.validate():
            abort(400)
        try:
            r = mw.betaald_melden(db.session, o.id, nummers, f"financiën ({o.financien_email})",
                                  "csv" if nummers is not None else "scherm", now)
            meld(r, now)
        except DomeinFout as fout:
            db.session.rollback()
            flash(fout.melding, "fout")
            status = 409
        else:
            db.session.commit()
            geboekt = [a.nummer for _, a in r.gebeurtenissen]
            flash((f"Als betaald geboekt: {', '.join(geboekt)}." if geboekt else "Er is niets nieuw als betaald "
                   "geboekt.") + (" Niet gekoppelde regels staan hieronder." if niet_gekoppeld else ""),
                  "ok" if geboekt else "info")
            if not niet_gekoppeld:
                return redirect(url_for(".betaalopdracht", token=token))
            status = 200
        o = _opdracht(token)
    return render_template("maatwerk/betaalopdracht.html", o=o, upload=upload, bevestig=bevestig,
                           niet_gekoppeld=niet_gekoppeld, token=token), status


@bp.route("/maatwerk/betaalopdracht/<token>/bestand")
def betaalbestand(token: str):
    try:
        o = _opdracht(token)
    except LinkOngeldig:
        abort(404)
    naam, soort = (f"{o.kenmerk}.xml", "application/xml") if o.formaat == "pain001" else (f"{o.kenmerk}.csv",
                                                                                            "text/csv")
    return send_file(io.BytesIO(o.bestand), mimetype=soort, as_attachment=True, download_name=naam)


@bp.app_context_processor
def _maatwerk_status():
    return {"AanvraagStatus": AanvraagStatus, "discipline_label": discipline_label}
