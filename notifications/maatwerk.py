"""Mail about the maatwerkbudget: composed from a use case's result (workflows/maatwerk/aanvragen.py) and written
to the outbox in the caller's transaction.

Who hears what, in the fewest mails: each professional asked to co-decide gets the request once (and one
reminder when the werkdag passed without their verdict); the team (the requester and the managers) hears the
decision and the payment, and six months after a payment the requester is asked its effect; finance gets one
mail per payment batch (and one reminder 20 hours after approval when not all is confirmed). Every mail a
reply can act on carries its own reply address (MaatwerkReplyAdres) and says in two lines what the keywords
do. Nothing in it identifies the resident: no cliëntreferentie, no IBAN; the creditor's name and the amount
are what a payment is about.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflows.maatwerk.modellen import (
    AanvraagStatus,
    MaatwerkAanvraag,
    MaatwerkBeoordeling,
    MaatwerkBetaalopdracht,
    MaatwerkReplyAdres,
    Oordeel,
    discipline_label,
    euro,
)
from workflows.models import Gebruiker, Rol

from .models import UitgaandeMail
from .uitgaand import MailInstellingen, render

TREFWOORDEN_BEOORDELING = [
    ("AKKOORD", "u stemt in met de inzet van het budget."),
    ("NIET AKKOORD", "u stemt niet in; zet de reden erachter of op de regels eronder."),
]
TREFWOORDEN_FINANCIEN = [("BETAALD", "alle betalingen van deze opdracht zijn gedaan.")]


@dataclass(frozen=True)
class MaatwerkLinks:
    """The pages a mail links to (app/maatwerk/links.py makes them, signed)."""

    beoordelen: Callable[[MaatwerkAanvraag, MaatwerkBeoordeling], str]
    betaalopdracht: Callable[[MaatwerkBetaalopdracht], str]
    team: Callable[[MaatwerkAanvraag], str]


_links: Callable[[], MaatwerkLinks] | None = None


def links_aanbieden(maker: Callable[[], MaatwerkLinks]) -> None:
    """The app says how to make the links (they are signed with its key); inbound mail reads them here."""
    global _links
    _links = maker


def links() -> MaatwerkLinks:
    if _links is None:
        raise RuntimeError("notifications.maatwerk.links_aanbieden() is niet aangeroepen (app/maatwerk)")
    return _links()


def _reply_adres(session: Session, inst: MailInstellingen, ontvanger: str, now: datetime, *,
                 aanvraag: MaatwerkAanvraag | None = None, professional_id: int | None = None,
                 opdracht: MaatwerkBetaalopdracht | None = None) -> str:
    token = secrets.token_hex(10)  # the same shape as a case's reply address: 80 bits, lower case
    session.add(MaatwerkReplyAdres(token=token, aanvraag_id=aanvraag.id if aanvraag else None,
                                   professional_id=professional_id,
                                   betaalopdracht_id=opdracht.id if opdracht else None,
                                   ontvanger=ontvanger.lower(), aangemaakt_op=now))
    return f"{inst.inbound_localpart}+{token}@{inst.inbound_domain}"


def _mail(session: Session, soort: str, aan: str, ctx: dict, now: datetime, inst: MailInstellingen, *,
          reply_to: str | None = None) -> UitgaandeMail:
    ctx = dict(ctx, gemeente=inst.gemeente)
    onderwerp, tekst, html = render(soort, ctx)
    mail = UitgaandeMail(zaak_id=None, soort=soort, aan=aan, onderwerp=onderwerp[:300], tekst=tekst, html=html,
                         message_id=f"<kk.mw.{secrets.token_hex(8)}@{inst.message_id_domain}>", reply_to=reply_to,
                         aangemaakt_op=now, volgende_poging_op=now)
    session.add(mail)
    return mail


def _basis(a: MaatwerkAanvraag) -> dict:
    return {"a": a, "aanvrager": a.aangevraagd_door.met_functie, "discipline": discipline_label(a.discipline).lower(),
            "h2": "font-size:17px; line-height:1.3; margin:24px 0 4px;"}


def _team(session: Session, a: MaatwerkAanvraag) -> list[Gebruiker]:
    """The requester and the team's managers, each once."""
    managers = session.execute(select(Gebruiker).where(Gebruiker.wijkteam_id == a.wijkteam_id,
                                                       Gebruiker.rol == Rol.WIJKTEAMMANAGER,
                                                       Gebruiker.actief.is_(True)).order_by(Gebruiker.id)).scalars()
    uit = {g.id: g for g in [a.aangevraagd_door, *managers] if g.actief}
    return list(uit.values())


def beoordelen_mail(session: Session, b: MaatwerkBeoordeling, soort: str, now: datetime, inst: MailInstellingen,
                    links: MaatwerkLinks) -> UitgaandeMail:
    a, p = b.aanvraag, b.professional
    reply_to = _reply_adres(session, inst, p.email, now, aanvraag=a, professional_id=p.id)
    ctx = dict(_basis(a), aanhef=f"Beste {p.naam},", uw_discipline=discipline_label(p.discipline).lower(),
               toon_aanvraag=True, link=links.beoordelen(a, b), link_tekst="Bekijk de aanvraag en geef uw oordeel",
               link_zonder_account=True, trefwoorden=TREFWOORDEN_BEOORDELING,
               voet=f"U krijgt deze e-mail omdat u meebeslist over het maatwerkbudget van wijkteam "
                    f"{a.wijkteam.naam}.")
    return _mail(session, soort, p.email, ctx, now, inst, reply_to=reply_to)


def _team_mail(session: Session, a: MaatwerkAanvraag, soort: str, extra: dict, now: datetime,
               inst: MailInstellingen, links: MaatwerkLinks) -> list[UitgaandeMail]:
    uit = []
    for g in _team(session, a):
        ctx = dict(_basis(a), **extra, aanhef=f"Beste {g.naam},", toon_aanvraag=False, link=links.team(a),
                   link_tekst="Open de aanvraag in Knipkaart", link_zonder_account=False, trefwoorden=[],
                   voet=f"U krijgt deze e-mail als lid van wijkteam {a.wijkteam.naam}.")
        uit.append(_mail(session, soort, g.email, ctx, now, inst))
    return uit


def _effectvraag(session: Session, a: MaatwerkAanvraag, now: datetime, inst: MailInstellingen,
                 links: MaatwerkLinks) -> list[UitgaandeMail]:
    """The six-month question goes to who asked for the payment, who knows the resident; to the team's
    managers only when that colleague has left the team. One short mail: it is rare (a few a month) and the
    dashboard lists it until it is answered."""
    g = a.aangevraagd_door
    mensen = [g] if g.actief and g.wijkteam_id == a.wijkteam_id else [
        m for m in _team(session, a) if m.id != g.id]
    uit = []
    for m in mensen:
        ctx = dict(_basis(a), aanhef=f"Beste {m.naam},", toon_aanvraag=False, link=links.team(a) + "#effect",
                   link_tekst="Leg het effect vast", link_zonder_account=False, trefwoorden=[],
                   voet=f"U krijgt deze e-mail als {'aanvrager' if m.id == g.id else 'manager'} bij wijkteam "
                        f"{a.wijkteam.naam}.")
        uit.append(_mail(session, "maatwerk_effectvraag", m.email, ctx, now, inst))
    return uit


def _opdracht_ctx(o: MaatwerkBetaalopdracht, inst_naam: str) -> dict:
    open_ = [a for a in o.aanvragen if a.status == AanvraagStatus.BETAALOPDRACHT]
    termijnen = [a.betaal_deadline for a in (open_ or o.aanvragen) if a.betaal_deadline]
    return {"o": o, "open_": open_, "totaal": euro(o.totaal_centen), "uiterlijk": min(termijnen) if termijnen else None,
            "bestandsoort": "SEPA-bestand (pain.001)" if o.formaat == "pain001" else "CSV-bestand",
            "aanhef": f"Beste {inst_naam}," if inst_naam else "Goedendag,", "toon_aanvraag": False,
            "link_tekst": "Download het bestand en bevestig de betaling", "link_zonder_account": True,
            "trefwoorden": TREFWOORDEN_FINANCIEN, "h2": "font-size:17px; line-height:1.3; margin:24px 0 4px;",
            "voet": "U krijgt deze e-mail als contact van financiën voor het maatwerkbudget."}


def na_resultaat(session: Session, resultaat, now: datetime, inst: MailInstellingen, links: MaatwerkLinks,
                 financien_naam: str = "") -> list[UitgaandeMail]:
    """Queue the mails a maatwerk use case's result causes; the caller commits them with the change."""
    mails: list[UitgaandeMail] = []
    a = resultaat.aanvraag
    for soort, wat in resultaat.gebeurtenissen:
        if soort == "aangevraagd":
            mails += [beoordelen_mail(session, b, "maatwerk_beoordelen", now, inst, links) for b in a.beoordelingen]
        elif soort == "beoordeling_herinnerd":
            mails.append(beoordelen_mail(session, wat, "maatwerk_herinnering", now, inst, links))
        elif soort == "afgewezen":
            mails += _team_mail(session, a, "maatwerk_besluit", {"wie": wat.professional.met_functie,
                                                                  "reden": wat.reden}, now, inst, links)
        elif soort == "goedgekeurd":
            akkoord = " en ".join(b.professional.met_functie for b in a.beoordelingen if b.oordeel == Oordeel.AKKOORD)
            mails += _team_mail(session, a, "maatwerk_besluit", {"akkoord": f"{a.aangevraagd_door.met_functie}, "
                                                                             f"{akkoord}"}, now, inst, links)
        elif soort == "betaald":
            uren = (wat.betaald_op - wat.besloten_op).total_seconds() / 3600 if wat.besloten_op else 0
            binnen = f"{uren:.0f} uur na het besluit" + (" (binnen 24 uur)" if uren <= 24 else " (later dan 24 uur)")
            g = wat.aangevraagd_door
            ctx = dict(_basis(wat), aanhef=f"Beste {g.naam},", binnen=binnen, toon_aanvraag=False,
                       link=links.team(wat), link_tekst="Open de aanvraag in Knipkaart", link_zonder_account=False,
                       trefwoorden=[], voet=f"U krijgt deze e-mail als aanvrager bij wijkteam {wat.wijkteam.naam}.")
            if g.actief:
                mails.append(_mail(session, "maatwerk_betaald", g.email, ctx, now, inst))
        elif soort == "effect_gevraagd":
            mails += _effectvraag(session, a, now, inst, links)
        elif soort in ("betaalopdracht", "betaling_herinnerd"):
            o = resultaat.betaalopdracht if soort == "betaalopdracht" else wat
            ctx = dict(_opdracht_ctx(o, financien_naam), link=links.betaalopdracht(o))
            reply_to = _reply_adres(session, inst, o.financien_email, now, opdracht=o)
            mails.append(_mail(session, "maatwerk_betaalopdracht" if soort == "betaalopdracht"
                               else "maatwerk_betaalherinnering", o.financien_email, ctx, now, inst,
                               reply_to=reply_to))
    session.flush()
    return mails


# ---------------------------------------------------------------- scheduler jobs (app/scheduler.py)


def betaalronde(session: Session, now: datetime, inst: MailInstellingen, links_: MaatwerkLinks) -> int:
    """At the set times: the approved requests not yet at finance go in one batch, with one mail; the number of
    requests batched. The caller commits (or rolls back when the payment file cannot be made)."""
    from workflows.maatwerk import aanvragen as mw

    resultaat = mw.betaalronde(session, now)
    na_resultaat(session, resultaat, now, inst, links_, mw.instelling(session).financien_naam)
    return resultaat.betaalopdracht.aantal if resultaat.betaalopdracht else 0


def herinneringen(session: Session, now: datetime, inst: MailInstellingen, links_: MaatwerkLinks) -> int:
    """Every few minutes: a reminder to each professional whose werkdag to decide passed, and to finance 20 hours
    after approval when payment is not confirmed; each once. The number of mails; the caller commits."""
    from workflows.maatwerk import aanvragen as mw

    resultaat = mw.herinneringen(session, now)
    return len(na_resultaat(session, resultaat, now, inst, links_, mw.instelling(session).financien_naam))


# ---------------------------------------------------------------- /dev/mails (notifications/proefdruk.py)


def proefmails(s: Session, d) -> None:
    """Every maatwerk mail, made by the use cases and jobs on the proefdruk's municipality (`d`, its draaiboek):
    a request to two professionals, the reminder, approval, refusal, the batch to finance, its reminder, paid,
    and six months on the question about the payment's effect."""
    from datetime import timedelta

    from workflows.maatwerk import aanvragen as mw
    from workflows.maatwerk import budget as budgetboek
    from workflows.maatwerk.modellen import MaatwerkProfessional
    from workflows.models import Prijspost

    g = d.g
    basis = d.inst.mailinstellingen_link.rsplit("/wijkteam", 1)[0]
    links_ = MaatwerkLinks(beoordelen=lambda a, b: f"{basis}/maatwerk/beoordelen/voorbeeld-{a.id}-{b.id}",
                           betaalopdracht=lambda o: f"{basis}/maatwerk/betaalopdracht/voorbeeld-{o.id}",
                           team=lambda a: f"{basis}/maatwerk/aanvragen/{a.id}")
    inst_ = mw.instelling(s)
    inst_.financien_naam, inst_.financien_email = "Henk Jansen", "financien@demo.local"
    inst_.rekening_naam, inst_.rekening_iban = "Gemeente Demostad", "NL02ABNA0123456789"
    schuld = MaatwerkProfessional(naam="Lotte Smit", email="schuldhulp.feyenoord@demo.local",
                                  discipline="schuldhulp", wijkteam_id=g.team.id)
    inkomen = MaatwerkProfessional(naam="Karim el Idrissi", email="inkomensconsulent@demo.local",
                                   discipline="inkomen")
    post = s.execute(select(Prijspost).where(Prijspost.actief.is_(True)).order_by(Prijspost.volgorde).limit(1)
                     ).scalar_one_or_none()
    if post is None:
        post = Prijspost(naam="Huisuitzetting (maatwerk)", eenheid="huisuitzetting", prijs=6000,
                         bron="Maatschappelijke prijslijst")
    s.add_all([schuld, inkomen, post])
    s.flush()
    budgetboek.budget_instellen(s, g.team.id, mw.jaar_van(d.now), 1_000_000)

    def doe(wat: str, resultaat) -> None:
        na_resultaat(s, resultaat, d.now, d.inst, links_, inst_.financien_naam)
        d.oogst(wat)

    invoer = mw.AanvraagInvoer(
        discipline="zorg", bedrag="1.240,00", clientreferentie="FEY-2026-014",
        wat_nodig="Twee maanden huurachterstand aflossen bij de verhuurder; de ontruiming is aangekondigd.",
        waarom_werkt="Met de betaling trekt de verhuurder de ontruiming in en kan het gezin blijven wonen.",
        wat_doet_inwoner="Meldt zich bij schuldhulpverlening en zet de huur op automatische betaling.",
        crediteur_naam="Woonstad Rotterdam", crediteur_iban="NL91ABNA0417164300", betalingskenmerk="Huur 2026-02",
        prijspost_id=post.id, scenario_aantal=1)
    a = mw.aanvragen(s, g.medewerker, invoer, d.later(), d.kal)
    doe("Maatwerk: oordeel gevraagd", a)
    a = a.aanvraag
    d.now = a.beoordeel_deadline
    doe("Maatwerk: herinnering aan de professionals", mw.herinneringen(s, d.now))
    mw.beoordelen(s, a.id, schuld.id, Oordeel.AKKOORD, "", d.later(), kanaal="e-mail")
    doe("Maatwerk: goedgekeurd", mw.beoordelen(s, a.id, inkomen.id, Oordeel.AKKOORD, "Goed plan.", d.later(),
                                              kanaal="scherm"))
    b = mw.aanvragen(s, g.medewerker, mw.AanvraagInvoer(
        discipline="zorg", bedrag="310", clientreferentie="FEY-2026-022",
        wat_nodig="Een afgesloten energierekening betalen.", waarom_werkt="De levering blijft doorgaan.",
        wat_doet_inwoner="Vraagt een energietoeslag aan.", crediteur_naam="Eneco",
        crediteur_iban="NL69INGB0123456789"), d.later(), d.kal).aanvraag
    d.oogst("Maatwerk: oordeel gevraagd (tweede aanvraag)")
    doe("Maatwerk: niet akkoord", mw.beoordelen(s, b.id, schuld.id, Oordeel.NIET_AKKOORD,
                                                "De energietoeslag is voorliggend en binnen een week rond.",
                                                d.later(), kanaal="e-mail"))
    doe("Maatwerk: betaalopdracht aan financiën", mw.betaalronde(s, d.later()))
    d.now = a.betaal_deadline - timedelta(hours=4)
    doe("Maatwerk: herinnering aan financiën", mw.herinneringen(s, d.now))
    doe("Maatwerk: betaald", mw.betaald_melden(s, a.betaalopdracht_id, None, "Henk Jansen", "e-mail", d.later()))
    from workflows.maatwerk import effect as maatwerkeffect

    d.now = maatwerkeffect.vraag_op(a, d.kal)
    doe("Maatwerk: zes maanden na de betaling, effect gevraagd", maatwerkeffect.effect_vragen(s, a.id, d.now, d.kal))
