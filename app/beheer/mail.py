"""The beheerder's view on mail: delivery status, undeliverable addresses, and quarantined replies."""
from __future__ import annotations

from datetime import datetime, timezone

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from notifications.inkomend import handmatig_toepassen, verwerpen
from notifications.models import InkomendeMail, InkomendStatus, MailStatus, UitgaandeMail
from notifications.verzender import OPNIEUW_TE_VERSTUREN, opnieuw_versturen
from workflows.fouten import DomeinFout
from workflows.models import Contactpersoon, Rol, Zaak
from workflows.privacy import vind_bsn

from .. import audit
from ..auth.guards import rol_vereist
from ..extensions import db
from ..links import link_url
from ..mail import instellingen
from . import bp

PROBLEMEN = [MailStatus.MISLUKT, MailStatus.GEBOUNCED, MailStatus.VERZENDEN, MailStatus.UITGESTELD]


@bp.route("/mail")
@rol_vereist(Rol.BEHEERDER)
def mail_overzicht():
    tellingen = dict(db.session.execute(select(UitgaandeMail.status, func.count()).group_by(UitgaandeMail.status)).all())
    problemen = db.session.execute(
        select(UitgaandeMail).where(UitgaandeMail.status.in_(PROBLEMEN)).order_by(UitgaandeMail.id.desc()).limit(100)
    ).scalars().all()
    recent = db.session.execute(select(UitgaandeMail).order_by(UitgaandeMail.id.desc()).limit(50)).scalars().all()
    onbestelbaar = db.session.execute(
        select(Contactpersoon).where(Contactpersoon.onbestelbaar_sinds.is_not(None)).order_by(Contactpersoon.naam)
    ).scalars().all()
    quarantaine = db.session.execute(
        select(func.count()).select_from(InkomendeMail).where(InkomendeMail.status == InkomendStatus.QUARANTAINE)
    ).scalar_one()
    return render_template("beheer/mail/overzicht.html", tellingen=tellingen, statussen=list(MailStatus),
                           problemen=problemen, recent=recent, onbestelbaar=onbestelbaar, quarantaine=quarantaine,
                           opnieuw_te_versturen=OPNIEUW_TE_VERSTUREN)


@bp.route("/mail/<int:mail_id>/opnieuw", methods=["POST"])
@rol_vereist(Rol.BEHEERDER)
def mail_opnieuw(mail_id: int):
    """Put a failed or bounced mail back in the queue (the outcome is in the audit log with the mail's id)."""
    mail = db.session.get(UitgaandeMail, mail_id) or abort(404)
    audit.zet_zaak(mail.zaak_id, f"mail {mail.id} opnieuw versturen")
    try:
        opnieuw_versturen(db.session, mail, current_user.naam, datetime.now(timezone.utc))
    except DomeinFout as e:
        abort(409, e.melding)
    db.session.commit()
    flash(f"De mail aan {mail.aan} staat weer in de wachtrij en gaat binnen enkele seconden opnieuw weg.", "ok")
    return redirect(url_for(".mail_overzicht"))


@bp.route("/contactpersonen/<int:cp_id>/bestelbaar", methods=["POST"])
@rol_vereist(Rol.BEHEERDER)
def onbestelbaar_opheffen(cp_id: int):
    cp = db.session.get(Contactpersoon, cp_id) or abort(404)
    cp.onbestelbaar_sinds = None
    cp.onbestelbaar_reden = ""
    db.session.commit()
    flash(f"Het adres van {cp.naam} wordt weer gebruikt voor nieuwe zaken.", "ok")
    return redirect(url_for(".mail_overzicht"))


@bp.route("/quarantaine")
@rol_vereist(Rol.BEHEERDER)
def quarantaine():
    status = request.args.get("status", InkomendStatus.QUARANTAINE.value)
    if status not in {s.value for s in InkomendStatus}:
        abort(400, "Onbekende status.")
    mails = db.session.execute(
        select(InkomendeMail).where(InkomendeMail.status == InkomendStatus(status))
        .order_by(InkomendeMail.ontvangen_op.desc()).limit(200)
    ).scalars().all()
    return render_template("beheer/mail/quarantaine.html", mails=mails, status=InkomendStatus(status),
                           statussen=list(InkomendStatus))


def _mail_of_404(mail_id: int) -> InkomendeMail:
    return db.session.get(InkomendeMail, mail_id) or abort(404)


@bp.route("/quarantaine/<int:mail_id>")
@rol_vereist(Rol.BEHEERDER)
def quarantaine_mail(mail_id: int):
    return render_template("beheer/mail/quarantaine_mail.html", mail=_mail_of_404(mail_id), fout=None)


@bp.route("/quarantaine/<int:mail_id>/toepassen", methods=["POST"])
@rol_vereist(Rol.BEHEERDER)
def quarantaine_toepassen(mail_id: int):
    mail = _mail_of_404(mail_id)
    nummer = (request.form.get("zaaknummer") or "").strip().upper()
    zaak = db.session.execute(select(Zaak).where(Zaak.nummer == nummer)).scalar_one_or_none() if nummer else None
    if zaak is None:
        fout = "Vul het nummer van een bestaande zaak in, bijvoorbeeld KN-2026-0001." if not nummer else \
            f"Zaak {nummer} bestaat niet."
        return render_template("beheer/mail/quarantaine_mail.html", mail=mail, fout=fout, zaaknummer=nummer), 422
    try:
        handmatig_toepassen(db.session, mail, zaak, current_user.naam, datetime.now(timezone.utc), link_url,
                            instellingen())
    except DomeinFout as e:
        db.session.rollback()
        mail = _mail_of_404(mail_id)
        return render_template("beheer/mail/quarantaine_mail.html", mail=mail, fout=e.melding, zaaknummer=nummer), 422
    db.session.commit()
    flash(f"De mail is toegepast op zaak {zaak.nummer}.", "ok")
    return redirect(url_for(".quarantaine"))


@bp.route("/quarantaine/<int:mail_id>/verwerpen", methods=["POST"])
@rol_vereist(Rol.BEHEERDER)
def quarantaine_verwerpen(mail_id: int):
    mail = _mail_of_404(mail_id)
    reden = (request.form.get("reden") or "").strip()
    if not reden or len(reden) > 500 or vind_bsn(reden):
        fout = "Geef in één zin aan waarom de mail wordt verworpen (zonder BSN)."
        return render_template("beheer/mail/quarantaine_mail.html", mail=mail, fout=fout), 422
    try:
        verwerpen(mail, current_user.naam, reden, datetime.now(timezone.utc))
    except DomeinFout as e:
        return render_template("beheer/mail/quarantaine_mail.html", mail=mail, fout=e.melding), 409
    db.session.commit()
    flash("De mail is verworpen; hij blijft bewaard met de reden.", "ok")
    return redirect(url_for(".quarantaine"))
