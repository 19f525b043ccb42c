"""The beheerder's view on mail: delivery status, undeliverable addresses, quarantined replies, the senders
allowed per dienst, and the absences that out-of-office messages state."""
from __future__ import annotations

from datetime import date, datetime, timezone

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from wtforms import DateField
from wtforms.validators import InputRequired, ValidationError

from notifications import maatwerk_inkomend
from notifications.afwezigheid import lees_terugkeer
from notifications.inkomend import afzender_toestaan, handmatig_toepassen, verwerpen
from notifications.models import (
    Afwezigheidsbericht,
    InkomendeMail,
    InkomendStatus,
    MailStatus,
    ToegestaneAfzender,
    UitgaandeMail,
)
from notifications.verzender import OPNIEUW_TE_VERSTUREN, opnieuw_versturen
from workflows.fouten import DomeinFout
from workflows.kalender import amsterdam
from workflows.models import Afwezigheid, Contactpersoon, Dienst, Rol, Zaak
from workflows.privacy import vind_bsn

from .. import audit
from ..auth.guards import rol_vereist
from ..extensions import db
from ..forms import Formulier
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
                           statussen=list(InkomendStatus), voorstellen=len(_open_voorstellen()))


def _mail_of_404(mail_id: int) -> InkomendeMail:
    return db.session.get(InkomendeMail, mail_id) or abort(404)


def _mailpagina(mail: InkomendeMail, fout: str | None = None, status: int = 200, **extra):
    voorstel = db.session.execute(select(Afwezigheidsbericht).where(Afwezigheidsbericht.inkomende_mail_id == mail.id)
                                  ).scalar_one_or_none()
    return render_template("beheer/mail/quarantaine_mail.html", mail=mail, fout=fout, voorstel=voorstel,
                           maatwerk_adres=maatwerk_inkomend.adres_van_mail(db.session, mail, instellingen()),
                           **extra), status


@bp.route("/quarantaine/<int:mail_id>/maatwerk-toepassen", methods=["POST"])
@rol_vereist(Rol.BEHEERDER)
def quarantaine_maatwerk_toepassen(mail_id: int):
    """Apply a held reply to a maatwerk mail (a verdict or BETAALD) after the beheerder checked it."""
    from ..maatwerk.links import links

    mail = _mail_of_404(mail_id)
    try:
        actie = maatwerk_inkomend.handmatig_toepassen(db.session, mail, current_user.naam,
                                                      datetime.now(timezone.utc), instellingen(), links())
    except DomeinFout as e:
        db.session.rollback()
        return _mailpagina(_mail_of_404(mail_id), e.melding + " Er is niets toegepast.", 422)
    db.session.commit()
    flash(f"De mail is toegepast ({actie.removeprefix('maatwerk: ')}).", "ok")
    return redirect(url_for(".quarantaine"))


@bp.route("/quarantaine/<int:mail_id>")
@rol_vereist(Rol.BEHEERDER)
def quarantaine_mail(mail_id: int):
    return _mailpagina(_mail_of_404(mail_id))


@bp.route("/quarantaine/<int:mail_id>/toepassen", methods=["POST"])
@rol_vereist(Rol.BEHEERDER)
def quarantaine_toepassen(mail_id: int):
    mail = _mail_of_404(mail_id)
    nummer = (request.form.get("zaaknummer") or "").strip().upper()
    zaak = db.session.execute(select(Zaak).where(Zaak.nummer == nummer)).scalar_one_or_none() if nummer else None
    if zaak is None:
        fout = "Vul het nummer van een bestaande zaak in, bijvoorbeeld KN-2026-0001." if not nummer else \
            f"Zaak {nummer} bestaat niet."
        return _mailpagina(mail, fout, 422, zaaknummer=nummer)
    try:
        handmatig_toepassen(db.session, mail, zaak, current_user.naam, datetime.now(timezone.utc), link_url,
                            instellingen())
    except DomeinFout as e:
        db.session.rollback()
        return _mailpagina(_mail_of_404(mail_id), e.melding, 422, zaaknummer=nummer)
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
        return _mailpagina(mail, fout, 422)
    try:
        verwerpen(mail, current_user.naam, reden, datetime.now(timezone.utc))
    except DomeinFout as e:
        return _mailpagina(mail, e.melding, 409)
    db.session.commit()
    flash("De mail is verworpen; hij blijft bewaard met de reden.", "ok")
    return redirect(url_for(".quarantaine"))


# ---------------------------------------------------------------- senders allowed per dienst


@bp.route("/quarantaine/<int:mail_id>/afzender-toestaan", methods=["POST"])
@rol_vereist(Rol.BEHEERDER)
def quarantaine_afzender_toestaan(mail_id: int):
    """Allow the held mail's sender for its case's dienst, and apply the mail (both or neither)."""
    mail = _mail_of_404(mail_id)
    try:
        toegestaan = afzender_toestaan(db.session, mail, current_user.naam, datetime.now(timezone.utc), link_url,
                                       instellingen())
    except DomeinFout as e:
        db.session.rollback()
        return _mailpagina(_mail_of_404(mail_id), e.melding, 422)
    audit.zet_zaak(mail.zaak_id, f"afzender {toegestaan.email} toegestaan voor {toegestaan.dienst.naam}; "
                                 f"mail {mail.id} toegepast")
    db.session.commit()
    flash(f"{toegestaan.email} mag voortaan antwoorden namens {toegestaan.dienst.naam}; de mail is toegepast op "
          f"zaak {mail.zaak.nummer}.", "ok")
    return redirect(url_for(".quarantaine"))


@bp.route("/toegestane-afzenders")
@rol_vereist(Rol.BEHEERDER)
def toegestane_afzenders():
    rijen = db.session.execute(select(ToegestaneAfzender).join(ToegestaneAfzender.dienst)
                               .order_by(Dienst.naam, ToegestaneAfzender.email)).scalars().all()
    return render_template("beheer/mail/toegestane_afzenders.html", rijen=rijen)


@bp.route("/toegestane-afzenders/<int:afzender_id>/verwijderen", methods=["POST"])
@rol_vereist(Rol.BEHEERDER)
def toegestane_afzender_verwijderen(afzender_id: int):
    rij = db.session.get(ToegestaneAfzender, afzender_id) or abort(404)
    adres, dienst = rij.email, rij.dienst.naam
    db.session.delete(rij)
    audit.zet_zaak(None, f"toegestane afzender {adres} verwijderd bij {dienst}")
    db.session.commit()
    flash(f"{adres} mag niet meer antwoorden namens {dienst}; mail van dit adres komt weer in quarantaine.", "ok")
    return redirect(url_for(".toegestane_afzenders"))


# ---------------------------------------------------------------- absences that out-of-office messages state


class AfwezigheidVastleggen(Formulier):
    van = DateField("Eerste dag", validators=[InputRequired("Vul de eerste dag van de afwezigheid in.")])
    tot = DateField("Laatste dag (tot en met)",
                    validators=[InputRequired("Vul de laatste dag van de afwezigheid in.")])

    def validate_tot(self, veld):
        if self.van.data and veld.data and veld.data < self.van.data:
            raise ValidationError("De laatste dag ligt vóór de eerste dag.")


def _vandaag() -> date:
    return amsterdam(datetime.now(timezone.utc)).date()


def _open_voorstellen() -> list[Afwezigheidsbericht]:
    """The newest open proposal per contact person (Exchange answers every mail of a thread)."""
    uit: dict[int, Afwezigheidsbericht] = {}
    for v in db.session.execute(select(Afwezigheidsbericht).where(Afwezigheidsbericht.status == "open")
                                .order_by(Afwezigheidsbericht.ontvangen_op.desc(), Afwezigheidsbericht.id.desc())
                                ).scalars():
        uit.setdefault(v.contactpersoon_id, v)
    return list(uit.values())


def _voorstelpagina(fouten: dict | None = None, status: int = 200):
    vandaag = _vandaag()
    rijen = []
    for v in _open_voorstellen():
        ontvangen = amsterdam(v.ontvangen_op).date()
        terugkeer = lees_terugkeer(v.mail.volledige_tekst or "", ontvangen)
        al = db.session.execute(select(Afwezigheid).where(
            Afwezigheid.contactpersoon_id == v.contactpersoon_id, Afwezigheid.tot >= (v.tot or vandaag),
            Afwezigheid.van <= max(ontvangen, vandaag)).order_by(Afwezigheid.tot.desc())).scalars().first()
        rijen.append({"voorstel": v, "zin": terugkeer.zin if terugkeer else "", "al": al,
                      "van": max(ontvangen, vandaag)})
    return render_template("beheer/mail/afwezigheidsberichten.html", rijen=rijen, fouten=fouten or {},
                           vandaag=vandaag), status


def _voorstel_vergrendeld(voorstel_id: int) -> Afwezigheidsbericht:
    voorstel = db.session.get(Afwezigheidsbericht, voorstel_id) or abort(404)
    db.session.refresh(voorstel, with_for_update=True)  # two beheerders, one proposal: the second sees it done
    if voorstel.status != "open":
        abort(409, "Dit afwezigheidsbericht is al afgehandeld.")
    return voorstel


def _sluit_voorstellen(contactpersoon_id: int, status: str) -> None:
    now = datetime.now(timezone.utc)
    for v in db.session.execute(select(Afwezigheidsbericht).where(
            Afwezigheidsbericht.contactpersoon_id == contactpersoon_id, Afwezigheidsbericht.status == "open")
    ).scalars():
        v.status, v.afgehandeld_door, v.afgehandeld_op = status, current_user.naam, now


@bp.route("/afwezigheidsberichten")
@rol_vereist(Rol.BEHEERDER)
def afwezigheidsberichten():
    return _voorstelpagina()


@bp.route("/afwezigheidsberichten/<int:voorstel_id>/vastleggen", methods=["POST"])
@rol_vereist(Rol.BEHEERDER)
def afwezigheidsbericht_vastleggen(voorstel_id: int):
    """The one button: record the absence the out-of-office stated (dates as proposed, or as corrected)."""
    voorstel = _voorstel_vergrendeld(voorstel_id)
    form = AfwezigheidVastleggen()
    geldig = form.validate_on_submit()
    if geldig and form.tot.data < _vandaag():
        form.tot.errors = ["Deze laatste dag ligt in het verleden; vul de dag in waarop de afwezigheid eindigt."]
        geldig = False
    if not geldig:
        db.session.rollback()
        return _voorstelpagina({voorstel_id: [f for veld in (form.van, form.tot) for f in veld.errors]}, 422)
    cp = voorstel.contactpersoon
    ontvangen = amsterdam(voorstel.ontvangen_op)
    db.session.add(Afwezigheid(contactpersoon_id=cp.id, van=form.van.data, tot=form.tot.data,
                               omschrijving=f"Uit een afwezigheidsbericht van {ontvangen:%d-%m-%Y}"))
    _sluit_voorstellen(cp.id, "vastgelegd")
    audit.zet_zaak(None, f"afwezigheid vastgelegd voor {cp.naam} van {form.van.data:%d-%m-%Y} t/m "
                         f"{form.tot.data:%d-%m-%Y} (afwezigheidsbericht {voorstel.id})")
    db.session.commit()
    flash(f"{cp.naam} is afwezig van {form.van.data:%d-%m-%Y} t/m {form.tot.data:%d-%m-%Y}: nieuwe zaken gaan in "
          f"die tijd naar de vervanger.", "ok")
    return redirect(url_for(".afwezigheidsberichten"))


@bp.route("/afwezigheidsberichten/<int:voorstel_id>/negeren", methods=["POST"])
@rol_vereist(Rol.BEHEERDER)
def afwezigheidsbericht_negeren(voorstel_id: int):
    voorstel = _voorstel_vergrendeld(voorstel_id)
    cp = voorstel.contactpersoon
    _sluit_voorstellen(cp.id, "genegeerd")
    audit.zet_zaak(None, f"afwezigheidsbericht van {cp.naam} terzijde gelegd (afwezigheidsbericht {voorstel.id})")
    db.session.commit()
    flash(f"Het afwezigheidsbericht van {cp.naam} is terzijde gelegd; er is geen afwezigheid vastgelegd.", "ok")
    return redirect(url_for(".afwezigheidsberichten"))
