"""Mail after the decision (workflows.usecases_nazorg): the six-month question, the renewal reminder, hand-over.

Within the mail budget (notifications/uitgaand.py, notifications/dagoverzicht.py):

- The six-month question and the renewal reminder go to the team's managers (and the colleague who drafted
  the case, while still in the team) as the team's step notices do: a team member who chose the daily
  overview finds them in it at 08:30 (held as an `Overzichtsmelding`); the others get one short mail per case.
  They are asked at 08:00 (workflows.nazorg.VRAAGMOMENT), so that day's overview carries them.
- A proposed hand-over goes at once to the managers of the receiving team (they must decide); the decision
  goes at once to the managers of the sending team.

The team's step notices are case mail like any other team mail (notifications.uitgaand): threaded, linked to
the case, and a reply is a message to the dienst while the case is not closed. The hand-over mails are mail
between teams, not part of the case's thread (`zaak_id` empty): the receiving team cannot open the case yet,
the sending team no longer can once it is accepted, so they link to the hand-over page, or to the case only
while it is still the reader's. None carries the hand-over note, the agreements or the effect (DOMAIN.md
"Privacy": mail leaves the municipality); they say the case number and the teams.
"""
from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflows.models import Gebruiker, MailVoorkeur, Rol, Zaak
from workflows.nazorg import (
    EFFECT_GEVRAAGD,
    OVERDRACHT_AANVAARD,
    OVERDRACHT_GEWEIGERD,
    OVERDRACHT_VOORGESTELD,
    VERLENGING_HERINNERD,
    Overdracht,
    OverdrachtStatus,
)

from .models import Overzichtsmelding, UitgaandeMail
from .uitgaand import MailInstellingen, _nieuwe_mail, gebruiker_bij, render

# Event -> mail kind. The first two are step notices of the team (daily overview for who chose it).
STAPMELDINGEN = {EFFECT_GEVRAAGD: "effectvraag", VERLENGING_HERINNERD: "verlenging"}
OVERDRACHTMAILS = {OVERDRACHT_VOORGESTELD: "overdracht_voorstel", OVERDRACHT_AANVAARD: "overdracht_besluit",
                   OVERDRACHT_GEWEIGERD: "overdracht_besluit"}


def _managers(session: Session, wijkteam_id: int) -> list[Gebruiker]:
    return list(session.scalars(select(Gebruiker).where(
        Gebruiker.wijkteam_id == wijkteam_id, Gebruiker.rol == Rol.WIJKTEAMMANAGER, Gebruiker.actief.is_(True))
        .order_by(Gebruiker.id)))


def _team(session: Session, zaak: Zaak) -> list[Gebruiker]:
    """The team's managers, and who drafted the case while they are still in that team."""
    mensen = _managers(session, zaak.wijkteam_id)
    maker = zaak.aangemaakt_door
    if maker is not None and maker.actief and maker.wijkteam_id == zaak.wijkteam_id and maker not in mensen:
        mensen.append(maker)
    return mensen


def _mail(session: Session, zaak: Zaak, soort: str, aan: Gebruiker, ctx: dict, now: datetime,
          inst: MailInstellingen) -> UitgaandeMail:
    """A mail between teams about a hand-over: outside the case's thread, no reply address."""
    ctx = dict(ctx, zaak=zaak, gemeente=inst.gemeente, aanhef=f"Beste {aan.naam},",
               mailinstellingen_link=inst.mailinstellingen_link)
    onderwerp, tekst, html = render(soort, ctx)
    mail = UitgaandeMail(zaak_id=None, soort=soort, aan=aan.email, onderwerp=onderwerp[:300], tekst=tekst,
                         html=html, message_id=f"<kk.{zaak.id}.{secrets.token_hex(8)}@{inst.message_id_domain}>",
                         aangemaakt_op=now, volgende_poging_op=now)
    session.add(mail)
    session.flush()
    return mail


def meld(session: Session, resultaat, now: datetime, inst: MailInstellingen, overdracht_link) -> list[UitgaandeMail]:
    """Queue (or hold for the daily overview) what a nazorg use case's result causes; the caller commits.

    `overdracht_link(overdracht)` is the receiving manager's page for a proposed hand-over.
    """
    zaak = resultaat.zaak
    mails: list[UitgaandeMail] = []
    if zaak is None:
        return mails
    for g in resultaat.gebeurtenissen:
        if g.actie in STAPMELDINGEN:
            soort = STAPMELDINGEN[g.actie]
            for mens in _team(session, zaak):
                if mens.mail_voorkeur == MailVoorkeur.DAGELIJKS:
                    session.add(Overzichtsmelding(aan=mens.email.lower(), zaak_id=zaak.id, soort=soort, op=now,
                                                  gebeurtenis_id=g.id))
                    continue
                mails.append(_nieuwe_mail(session, zaak, soort, mens.email, {"gebeurtenis": g}, now, inst,
                                          link=None, reply_naar_team=True))
        elif g.actie in OVERDRACHTMAILS:
            o = session.execute(select(Overdracht).where(Overdracht.zaak_id == zaak.id)
                                .order_by(Overdracht.id.desc()).limit(1)).scalar_one()
            ctx = {"gebeurtenis": g, "overdracht": o, "van": o.van_wijkteam, "naar": o.naar_wijkteam,
                   "aanvaard": o.status == OverdrachtStatus.AANVAARD}
            if g.actie == OVERDRACHT_VOORGESTELD:
                for mens in _managers(session, o.naar_wijkteam_id):
                    mails.append(_mail(session, zaak, "overdracht_voorstel", mens,
                                       dict(ctx, link=overdracht_link(o)), now, inst))
            else:
                for mens in _managers(session, o.van_wijkteam_id):
                    mails.append(_mail(session, zaak, "overdracht_besluit", mens,
                                       dict(ctx, link=inst.team_link(zaak) if not ctx["aanvaard"] else None),
                                       now, inst))
    session.flush()
    return mails


__all__ = ["meld", "STAPMELDINGEN", "OVERDRACHTMAILS", "gebruiker_bij"]


def proefmails(d) -> None:
    """The mails after the decision for /dev/mails and the mail tests (notifications.proefdruk's draaiboek `d`):
    the six-month question (by mail and in the daily overview), the renewal reminder, a hand-over accepted and
    one refused. Run last: it moves the draaiboek's clock six months on."""
    from datetime import timedelta

    from workflows import usecases_nazorg as uc
    from workflows.models import Wijkteam, ZaakSoort
    from workflows.nazorg import effect_vraag_op, verlenging_herinneren_op
    from workflows.overgangen import Actor

    s, g = d.s, d.g
    oost = Wijkteam(naam="Oosterflank", gebied="Ommoord, Zevenkamp")  # a sociaal wijkteam (the default)
    s.add(oost)
    s.flush()
    femke = Gebruiker(email="oosterflank@demo.local", naam="Femke de Boer", rol=Rol.WIJKTEAMMANAGER,
                      wijkteam_id=oost.id, wachtwoord_hash="!")
    s.add(femke)
    s.flush()

    def link(o: Overdracht) -> str:
        return f"http://127.0.0.1:5000/overdrachten/{o.id}"

    def doe(wat: str, resultaat) -> None:
        meld(s, resultaat, d.now, d.inst, link)
        d.oogst(wat, resultaat.zaak)

    zaak = d.verstuur(ZaakSoort.KNIP, g.wi, "Knip verstuurd")
    d.handel(zaak, g.dienst_actor(g.sanne), "uitgevoerd", "Uitgevoerd", "De uitkering loopt.")
    d.now = effect_vraag_op(zaak.opgelost_op, d.kal)
    doe("Zes maanden na de oplossing: effect gevraagd", uc.effect_vragen(s, zaak.id, d.now, d.kal))
    d.overzichten("Dagoverzicht met de vraag naar het effect")
    einde = d.now.date() + timedelta(days=90)
    doe("Einddatum vastgelegd", uc.einddatum_vastleggen(s, d.team, zaak.id, einde, d.later()))
    d.now = verlenging_herinneren_op(einde, d.kal)
    doe("Herinnering: verlengen", uc.verlenging_herinneren(s, zaak.id, d.now, d.kal))

    for aanvaarden in (True, False):
        zaak = d.verstuur(ZaakSoort.ESCALATIE, g.wi, "Escalatie verstuurd")
        doe("Overdracht voorgesteld", uc.overdracht_voorstellen(
            s, d.team, zaak.id, oost.id, "De inwoner woont sinds 1 maart in Ommoord.", d.later()))
        o = uc.open_overdracht(s, zaak.id)
        doe("Overdracht aanvaard" if aanvaarden else "Overdracht geweigerd", uc.overdracht_beslissen(
            s, Actor.gebruiker(femke), o.id, aanvaarden, "" if aanvaarden else "Het adres valt nog onder Feyenoord.",
            d.later()))
