"""The contactpersoon's case page, reached through a signed link: no account needed."""
from __future__ import annotations

import io
from datetime import datetime, timezone

from flask import abort, current_app, flash, redirect, render_template, send_file, url_for
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from notifications.models import Bijlage
from notifications.persoonlijk import mijn_zaken_mail
from workflows import termijnen, usecases, zaken
from workflows.fouten import DomeinFout, GeenToegang, OngeldigeInvoer
from workflows.models import Contactpersoon, Zaak

from .. import audit, idempotentie, mail
from ..extensions import db, limiter
from ..links import LinkOngeldig, lees_mijn_token, lees_token, link_url, mijn_zaken_url
from ..mail import instellingen
from . import bp
from .forms import DienstActieFormulier, DienstBerichtFormulier, MijnLinkFormulier


ALLEEN_BERICHT = "bericht"  # the choice on the link page that sends a message without an action


def _nu() -> datetime:
    return datetime.now(timezone.utc)


class _Toegang:
    def __init__(self, zaak: Zaak, actor: zaken.Actor):
        self.zaak = zaak
        self.actor = actor


def _toegang(token: str, *, vergrendel: bool = False) -> _Toegang:
    """Check the link and who it was given to; answer 403 with the reason when it does not hold."""
    try:
        inhoud = lees_token(token)
    except LinkOngeldig as fout:
        abort(403, fout.melding)
    stmt = select(Zaak).where(Zaak.id == inhoud.zaak_id)
    if vergrendel:
        stmt = stmt.with_for_update()
    zaak = db.session.execute(stmt).scalar_one_or_none()
    if zaak is None:
        abort(404)
    if inhoud.versie != zaak.link_versie:
        abort(403, "Deze link is ingetrokken. Antwoord op de nieuwste e-mail over deze zaak.")
    cp = db.session.execute(
        select(Contactpersoon).where(func.lower(Contactpersoon.email) == inhoud.email)
    ).scalar_one_or_none()
    toegestaan = inhoud.email in {(zaak.ontvanger_email or "").lower(), zaak.dienst.mailbox.lower()} or (
        cp is not None and cp.actief and cp.dienst_id == zaak.dienst_id)
    if not toegestaan:
        abort(403, "Deze zaak ligt niet (meer) bij u. Neem contact op met het wijkteam.")
    label = f"{cp.naam} ({zaak.dienst.naam})" if cp else f"{zaak.dienst.naam} ({inhoud.email})"
    audit.zet_actor(inhoud.email, "contactpersoon")
    audit.zet_zaak(zaak.id)
    return _Toegang(zaak, zaken.Actor.dienst(label, cp.id if cp else None, cp.functie.value if cp else None))


@bp.after_request
def _geen_lekkende_links(response):
    # The token is in the URL: keep it out of Referer headers and shared caches.
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


def _pagina(token: str, t: _Toegang, actie_form=None, bericht_form=None, status: int = 200):
    actie_form = actie_form or DienstActieFormulier(formdata=None)
    bericht_form = bericht_form or DienstBerichtFormulier(formdata=None)
    actie_form.formulier_sleutel.data = idempotentie.nieuwe_sleutel()
    bericht_form.formulier_sleutel.data = idempotentie.nieuwe_sleutel()
    bijlagen = db.session.scalars(select(Bijlage).where(Bijlage.zaak_id == t.zaak.id, Bijlage.data.is_not(None))
                                  .order_by(Bijlage.id)).all()
    return render_template("dienst/zaak.html", token=token, zaak=t.zaak, actor=t.actor, bijlagen=bijlagen,
                           acties=zaken.mogelijke_acties(t.actor, t.zaak, db.session), actie_form=actie_form,
                           bericht_form=bericht_form, termijnen=zaken.termijnstanden(t.zaak), now=_nu(),
                           team_contacten=zaken.team_contacten(db.session, t.zaak),
                           inzage=audit.voor_zaak(t.zaak.id)), status


@bp.route("/link/<token>")
def zaak(token: str):
    return _pagina(token, _toegang(token))


@bp.route("/link/<token>/bijlagen/<int:bijlage_id>")
def bijlage(token: str, bijlage_id: int):
    """A file of the case, for the contactpersoon through the signed link (never as a mail attachment)."""
    t = _toegang(token)
    b = db.session.execute(select(Bijlage).where(Bijlage.id == bijlage_id, Bijlage.zaak_id == t.zaak.id)
                           ).scalar_one_or_none()
    if b is None or b.data is None:
        abort(404)
    return send_file(io.BytesIO(b.data), mimetype=b.content_type, as_attachment=True, download_name=b.bestandsnaam)


@bp.route("/link/<token>/actie", methods=["POST"])
def actie(token: str):
    t = _toegang(token)
    form = DienstActieFormulier()
    if idempotentie.eerder_verwerkt(form.formulier_sleutel.data) is not None:
        flash("Deze handeling was al verwerkt.", "info")
        return redirect(url_for(".zaak", token=token))
    if not form.validate():
        return _pagina(token, t, actie_form=form, status=422)
    if idempotentie.claim(form.formulier_sleutel.data, None) is None and form.formulier_sleutel.data:
        db.session.rollback()
        return redirect(url_for(".zaak", token=token))
    now = _nu()
    try:
        if form.actie.data == ALLEEN_BERICHT:  # one form: a message is one of the choices
            r = usecases.bericht_plaatsen(db.session, t.actor, t.zaak.id, form.toelichting.data or "", now)
        else:
            actie = form.actie.data
            if actie == zaken.Actie.ADVISEREN.value and form.delen.data:  # the checkbox beside the answer
                actie = zaken.Actie.ADVISEREN_DELEN.value
            r = usecases.handelen(db.session, t.actor, t.zaak.id, actie, now,
                                  toelichting=form.toelichting.data or "")
        mail.meld(r, now)
    except DomeinFout as fout:
        return _domeinfout(token, fout, form.toelichting, lambda t2: _pagina(token, t2, actie_form=form, status=422))
    db.session.commit()
    if form.actie.data == ALLEEN_BERICHT:
        flash("Bericht verstuurd naar het wijkteam" + ("; daarmee is ook de ontvangst bevestigd." if r.overgang
                                                       else "."), "ok")
    else:
        flash(f"{zaken.OVERGANGEN[r.overgang.actie].label}: vastgelegd. Het wijkteam ziet dit direct.", "ok")
    return redirect(url_for(".zaak", token=token))


@bp.route("/link/<token>/bericht", methods=["POST"])
def bericht(token: str):
    t = _toegang(token)
    form = DienstBerichtFormulier()
    if idempotentie.eerder_verwerkt(form.formulier_sleutel.data) is not None:
        return redirect(url_for(".zaak", token=token))
    if not form.validate():
        return _pagina(token, t, bericht_form=form, status=422)
    if idempotentie.claim(form.formulier_sleutel.data, None) is None and form.formulier_sleutel.data:
        db.session.rollback()
        return redirect(url_for(".zaak", token=token))
    now = _nu()
    try:
        r = usecases.bericht_plaatsen(db.session, t.actor, t.zaak.id, form.tekst.data, now)
        mail.meld(r, now)
    except DomeinFout as fout:
        return _domeinfout(token, fout, form.tekst, lambda t2: _pagina(token, t2, bericht_form=form, status=422))
    db.session.commit()
    if r.overgang is not None:
        flash("Bericht verstuurd naar het wijkteam; daarmee is ook de ontvangst bevestigd.", "ok")
    else:
        flash("Bericht verstuurd naar het wijkteam.", "ok")
    return redirect(url_for(".zaak", token=token) + "#gesprek")


def _domeinfout(token: str, fout: DomeinFout, veld, opnieuw):
    """The one translation of a domain error on the contactpersoon's page: nothing is kept, the reason shown."""
    db.session.rollback()
    if isinstance(fout, GeenToegang):
        abort(403)
    if isinstance(fout, OngeldigeInvoer):
        veld.errors = list(veld.errors) + [fout.melding]
        return opnieuw(_toegang(token))
    flash(fout.melding, "fout")
    return redirect(url_for(".zaak", token=token))


# ---------------------------------------------------------------- "Mijn zaken": every open case of one contactpersoon


@bp.route("/mijn-zaken", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["MIJN_LINK_LIMIET"], methods=["POST"],
               error_message="Te veel aanvragen. Probeer het over een uur opnieuw.")
def mijn_link_aanvragen():
    """"Stuur mij mijn link": a known contact gets the mail; everyone sees the same answer."""
    form = MijnLinkFormulier()
    if form.validate_on_submit():
        adres = form.email.data.strip().lower()
        cp = db.session.execute(select(Contactpersoon).where(func.lower(Contactpersoon.email) == adres)
                                ).scalar_one_or_none()
        if cp is not None and cp.bereikbaar:
            mijn_zaken_mail(db.session, cp, mijn_zaken_url(cp), _nu(), instellingen())
            db.session.commit()
        # The same words whether or not the address is known: the page tells nobody who is a contact.
        return render_template("dienst/mijn_link.html", form=None, verstuurd=True)
    return render_template("dienst/mijn_link.html", form=form, verstuurd=False), 422 if form.errors else 200


@bp.route("/mijn-zaken/<token>")
def mijn_zaken(token: str):
    """The open cases routed to this contactpersoon (also as vervanger), with deadlines and rung."""
    try:
        inhoud = lees_mijn_token(token)
    except LinkOngeldig as fout:
        return render_template("dienst/mijn_link.html", form=MijnLinkFormulier(), verstuurd=False,
                               fout=fout.melding), 403
    cp = db.session.get(Contactpersoon, inhoud.contactpersoon_id)
    if cp is None or not cp.actief or inhoud.versie != cp.mijn_zaken_versie:
        return render_template("dienst/mijn_link.html", form=MijnLinkFormulier(), verstuurd=False,
                               fout="Deze link is ingetrokken. Vraag hieronder een nieuwe aan."), 403
    audit.zet_actor(cp.email, "contactpersoon")
    open_ = db.session.scalars(
        select(Zaak).options(joinedload(Zaak.wijkteam), joinedload(Zaak.dienst))
        .where(or_(Zaak.ontvanger_id == cp.id, func.lower(Zaak.ontvanger_email) == cp.email.lower()),
               Zaak.status.in_(zaken.LOPEND))
        .order_by(zaken.eerstvolgende_deadline_sql().asc().nulls_last(), Zaak.id)).all()
    audit.zet_zaak(None, f"mijn zaken gelezen: {', '.join(z.nummer for z in open_)}"[:400])
    from workflows.waardering import voor_contactpersoon

    return render_template("dienst/mijn_zaken.html", cp=cp, zaken_=open_, now=_nu(),
                           waarderingen=voor_contactpersoon(db.session, cp.id),
                           link=lambda z: link_url(z, cp.email), eerstvolgende=zaken.eerstvolgende_deadline,
                           te_laat=termijnen.te_laat)
