"""The maatwerkbudget's use cases: request, decide by three, withdraw, batch for payment, confirm, remind.

Each locks the row its rule depends on (the budget when committing, the request when deciding, the requests
when batching), acts, and returns a `Resultaat` whose `gebeurtenissen` decide the mail
(notifications/maatwerk.py). The caller commits once.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from schwifty import IBAN
from schwifty.exceptions import SchwiftyException
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..db import insert_if_absent
from ..fouten import DomeinFout, GeenToegang, OngeldigeInvoer, OngeldigeOvergang
from ..kalender import Werkdagkalender, amsterdam
from ..models import Gebruiker, Prijspost, Rol, Zaaknummer
from ..privacy import BSN_MELDING, vind_bsn
from . import budget as budgetboek
from .modellen import (
    AanvraagStatus,
    BudgetMutatieSoort,
    MaatwerkAanvraag,
    MaatwerkBeoordeling,
    MaatwerkBetaalopdracht,
    MaatwerkInstelling,
    MaatwerkProfessional,
    Oordeel,
    discipline_label,
    euro,
)

NODIGE_AKKOORDEN = 2  # the requester and two more professionals: a decision by three
BETAALTERMIJN = timedelta(hours=24)
BETAALHERINNERING_VOOR = timedelta(hours=4)  # finance is reminded 20 hours after approval


@dataclass
class AanvraagInvoer:
    discipline: str
    bedrag: str  # as typed: "1.250,50"
    clientreferentie: str
    wat_nodig: str
    waarom_werkt: str
    wat_doet_inwoner: str
    crediteur_naam: str
    crediteur_iban: str
    betalingskenmerk: str = ""
    prijspost_id: int | None = None
    scenario_aantal: int | None = None


@dataclass
class Resultaat:
    """What a use case did: the request or batch it acted on, and what happened (for the mail)."""

    aanvraag: MaatwerkAanvraag | None = None
    betaalopdracht: MaatwerkBetaalopdracht | None = None
    gebeurtenissen: list[tuple[str, object]] = field(default_factory=list)


def instelling(session: Session) -> MaatwerkInstelling:
    """The beheerder's settings (one row), created with the defaults when missing."""
    insert_if_absent(session, MaatwerkInstelling,
                     {"id": 1, "disciplines": "zorg,schuldhulp,inkomen", "betaalwijze": "pain001",
                      "financien_naam": "", "financien_email": "", "rekening_naam": "", "rekening_iban": "",
                      "rekening_bic": ""}, ["id"])
    return session.get(MaatwerkInstelling, 1)


def jaar_van(moment: datetime) -> int:
    return amsterdam(moment).year


def lees_iban(tekst: str | None, veld: str = "crediteur_iban") -> str:
    """An IBAN checked by schwifty (country, length, structure, check digits), in SEPA, compact."""
    if not (tekst or "").strip():
        raise OngeldigeInvoer("Vul het IBAN van de schuldeiser in.", veld=veld)
    try:
        iban = IBAN(tekst.strip())
    except SchwiftyException as fout:
        raise OngeldigeInvoer(f"Dit IBAN klopt niet ({_iban_reden(fout)}). Controleer het op de rekening of "
                              "factuur van de schuldeiser.", veld=veld)
    if not iban.in_sepa_zone:
        raise OngeldigeInvoer("Dit IBAN ligt buiten het SEPA-gebied; een SEPA-overboeking kan er niet heen.",
                              veld=veld)
    return iban.compact


def _iban_reden(fout: SchwiftyException) -> str:
    naam = type(fout).__name__
    return {"InvalidChecksumDigits": "de controlecijfers kloppen niet, vaak een tikfout",
            "InvalidCountryCode": "onbekende landcode",
            "InvalidLength": "verkeerde lengte",
            "InvalidStructure": "verkeerde opbouw",
            "InvalidBankCode": "onbekende bankcode",
            "InvalidBBANChecksum": "het rekeningnummer klopt niet"}.get(naam, "ongeldig")


def _controleer_invoer(invoer: AanvraagInvoer) -> tuple[int, str]:
    """The input rules that need no database, checked before any row is touched (or locked)."""
    centen = budgetboek.lees_bedrag(invoer.bedrag)
    if centen <= 0:
        raise OngeldigeInvoer("Het bedrag moet meer dan € 0 zijn.", veld="bedrag")
    if centen > budgetboek.MAX_BEDRAG_CENTEN:
        raise OngeldigeInvoer(f"Het bedrag is hoger dan {euro(budgetboek.MAX_BEDRAG_CENTEN)}; controleer het.",
                              veld="bedrag")
    verplicht = {"clientreferentie": ("de cliëntreferentie", 60), "wat_nodig": ("wat er nodig is", 4000),
                 "waarom_werkt": ("waarom dit werkt", 4000),
                 "wat_doet_inwoner": ("wat de inwoner zelf gaat doen", 4000),
                 "crediteur_naam": ("de naam van de schuldeiser", 70)}
    for veld, (wat, lengte) in verplicht.items():
        waarde = (getattr(invoer, veld) or "").strip()
        if not waarde:
            raise OngeldigeInvoer(f"Vul {wat} in.", veld=veld)
        if len(waarde) > lengte:
            raise OngeldigeInvoer(f"Dit veld mag hoogstens {lengte} tekens hebben.", veld=veld)
    for veld in (*verplicht, "betalingskenmerk"):
        if vind_bsn(getattr(invoer, veld)):
            raise OngeldigeInvoer(BSN_MELDING, veld=veld)
    if len(invoer.betalingskenmerk or "") > 100:
        raise OngeldigeInvoer("Het betalingskenmerk mag hoogstens 100 tekens hebben.", veld="betalingskenmerk")
    return centen, lees_iban(invoer.crediteur_iban)


def _controleer(session: Session, inst: MaatwerkInstelling, invoer: AanvraagInvoer) -> None:
    """The input rules that read the settings and the price list."""
    if invoer.discipline not in inst.discipline_lijst:
        raise OngeldigeInvoer("Kies uw eigen discipline.", veld="discipline")
    if invoer.prijspost_id:
        post = session.get(Prijspost, invoer.prijspost_id)
        if post is None or not post.actief:
            raise OngeldigeInvoer("Kies een vermeden scenario uit de lijst.", veld="prijspost_id")
        if not invoer.scenario_aantal or not 1 <= invoer.scenario_aantal <= 10000:
            raise OngeldigeInvoer("Vul het aantal bij het vermeden scenario in (1 tot 10.000).",
                                  veld="scenario_aantal")


def beoordelaars(session: Session, inst: MaatwerkInstelling, wijkteam_id: int, eigen_discipline: str,
                 eigen_email: str) -> list[MaatwerkProfessional]:
    """For each configured discipline but the requester's own: its professional at the team, else the one for
    every team. Raises OngeldigeInvoer when a discipline has nobody, so that nothing is asked half."""
    uit = []
    for discipline in inst.discipline_lijst:
        if discipline == eigen_discipline:
            continue
        p = session.execute(
            select(MaatwerkProfessional).where(
                MaatwerkProfessional.discipline == discipline, MaatwerkProfessional.actief.is_(True),
                or_(MaatwerkProfessional.wijkteam_id == wijkteam_id, MaatwerkProfessional.wijkteam_id.is_(None)),
                MaatwerkProfessional.email != (eigen_email or "").lower())
            .order_by(MaatwerkProfessional.wijkteam_id.is_(None), MaatwerkProfessional.id).limit(1)
        ).scalar_one_or_none()
        if p is None:
            raise OngeldigeInvoer(f"Er is geen professional {discipline_label(discipline).lower()} om mee te "
                                  "beslissen. Vraag de beheerder er een toe te voegen; er is niets aangevraagd.",
                                  veld="discipline")
        uit.append(p)
    if len(uit) < NODIGE_AKKOORDEN:
        raise OngeldigeInvoer("Er zijn te weinig disciplines ingesteld om met drie te beslissen. Vraag de "
                              "beheerder de disciplines in te stellen.", veld="discipline")
    return uit


def _nummer(session: Session, jaar: int) -> str:
    insert_if_absent(session, Zaaknummer, {"prefix": "MW", "jaar": jaar, "laatste": 0}, ["prefix", "jaar"])
    teller = session.execute(select(Zaaknummer).where(Zaaknummer.prefix == "MW", Zaaknummer.jaar == jaar)
                             .with_for_update().execution_options(populate_existing=True)).scalar_one()
    teller.laatste += 1
    return f"MW-{jaar}-{teller.laatste:04d}"


def aanvragen(session: Session, gebruiker: Gebruiker, invoer: AanvraagInvoer, now: datetime,
              kalender: Werkdagkalender) -> Resultaat:
    """A team member requests an amount: checked, committed on the team's budget of this year (locked), or on the
    municipal pool when the team's cannot cover it, and put to the two other professionals, who decide within
    one werkdag. Nothing is written when a rule refuses."""
    if gebruiker.rol not in (Rol.WIJKTEAMMANAGER, Rol.MEDEWERKER) or gebruiker.wijkteam_id is None:
        raise GeenToegang("Alleen een wijkteam vraagt maatwerkbudget aan.")
    centen, iban = _controleer_invoer(invoer)
    inst = instelling(session)
    _controleer(session, inst, invoer)
    wie = beoordelaars(session, inst, gebruiker.wijkteam_id, invoer.discipline, gebruiker.email)
    jaar = jaar_van(now)
    budget_ = budgetboek.kies_budget(session, gebruiker.wijkteam_id, jaar, centen)  # the team's, or the pool
    aanvraag = MaatwerkAanvraag(
        nummer=_nummer(session, jaar), wijkteam_id=gebruiker.wijkteam_id, budget_id=budget_.id,
        aangevraagd_door_id=gebruiker.id, discipline=invoer.discipline, status=AanvraagStatus.BEOORDELING,
        bedrag_centen=centen, clientreferentie=invoer.clientreferentie.strip(), wat_nodig=invoer.wat_nodig.strip(),
        waarom_werkt=invoer.waarom_werkt.strip(), wat_doet_inwoner=invoer.wat_doet_inwoner.strip(),
        crediteur_naam=invoer.crediteur_naam.strip(), crediteur_iban=iban,
        betalingskenmerk=(invoer.betalingskenmerk or "").strip(), prijspost_id=invoer.prijspost_id or None,
        scenario_aantal=invoer.scenario_aantal if invoer.prijspost_id else None, aangevraagd_op=now,
        beoordeel_deadline=kalender.termijn_einde(now, 1), betaald_via="")
    session.add(aanvraag)
    session.flush()
    budgetboek.vastleggen(session, budget_, aanvraag.id, centen, gebruiker.met_functie, now)
    for p in wie:
        session.add(MaatwerkBeoordeling(aanvraag_id=aanvraag.id, professional_id=p.id, discipline=p.discipline,
                                        reden="", kanaal=""))
    session.flush()
    session.refresh(aanvraag)
    return Resultaat(aanvraag=aanvraag, gebeurtenissen=[("aangevraagd", None)])


def _vergrendeld(session: Session, aanvraag_id: int) -> MaatwerkAanvraag:
    aanvraag = session.execute(select(MaatwerkAanvraag).where(MaatwerkAanvraag.id == aanvraag_id)
                               .with_for_update().execution_options(populate_existing=True)).scalar_one_or_none()
    if aanvraag is None:
        raise DomeinFout("Deze aanvraag bestaat niet.")
    return aanvraag


def beoordelen(session: Session, aanvraag_id: int, professional_id: int, oordeel: Oordeel, reden: str,
               now: datetime, *, kanaal: str) -> Resultaat:
    """A professional asked to co-decide gives their verdict. One NIET AKKOORD refuses the request (the amount
    returns to the budget); two AKKOORD approve it (the 24-hour payment clock starts)."""
    aanvraag = _vergrendeld(session, aanvraag_id)
    beoordeling = next((b for b in aanvraag.beoordelingen if b.professional_id == professional_id), None)
    if beoordeling is None:
        raise GeenToegang("U bent niet gevraagd over deze aanvraag te beslissen.")
    if beoordeling.oordeel is not None:
        raise OngeldigeOvergang(f"U besliste al over {aanvraag.nummer}: {beoordeling.oordeel.label.lower()}.")
    if aanvraag.status != AanvraagStatus.BEOORDELING:
        raise OngeldigeOvergang(f"Over {aanvraag.nummer} is al beslist: {aanvraag.status.label.lower()}.")
    reden = (reden or "").strip()
    if oordeel == Oordeel.NIET_AKKOORD and not reden:
        raise OngeldigeInvoer("Geef een reden: het wijkteam moet weten waarom u niet akkoord bent.", veld="reden")
    if len(reden) > 2000:
        raise OngeldigeInvoer("De reden mag hoogstens 2000 tekens hebben.", veld="reden")
    if vind_bsn(reden):
        raise OngeldigeInvoer(BSN_MELDING, veld="reden")
    beoordeling.oordeel, beoordeling.reden, beoordeling.beslist_op, beoordeling.kanaal = oordeel, reden, now, kanaal
    resultaat = Resultaat(aanvraag=aanvraag, gebeurtenissen=[("beoordeeld", beoordeling)])
    wie = beoordeling.professional.met_functie
    if oordeel == Oordeel.NIET_AKKOORD:
        aanvraag.status, aanvraag.besloten_op = AanvraagStatus.AFGEWEZEN, now
        # The reason stays on the verdict, which retention erases; the append-only ledger never could.
        budgetboek.boeken(session, aanvraag.id, BudgetMutatieSoort.TERUGGEBOEKT, wie, "Niet akkoord", now)
        resultaat.gebeurtenissen.append(("afgewezen", beoordeling))
    elif sum(1 for b in aanvraag.beoordelingen if b.oordeel == Oordeel.AKKOORD) >= NODIGE_AKKOORDEN:
        aanvraag.status, aanvraag.besloten_op = AanvraagStatus.GOEDGEKEURD, now
        aanvraag.betaal_deadline = now + BETAALTERMIJN
        resultaat.gebeurtenissen.append(("goedgekeurd", None))
    session.flush()
    return resultaat


def intrekken(session: Session, gebruiker: Gebruiker, aanvraag_id: int, reden: str, now: datetime) -> Resultaat:
    """The team withdraws a request not yet at finance; the amount returns to the budget."""
    aanvraag = _vergrendeld(session, aanvraag_id)
    if aanvraag.wijkteam_id != gebruiker.wijkteam_id:
        raise GeenToegang("Deze aanvraag is van een ander wijkteam.")
    if aanvraag.status not in (AanvraagStatus.BEOORDELING, AanvraagStatus.GOEDGEKEURD):
        raise OngeldigeOvergang(f"{aanvraag.nummer} kan niet meer worden ingetrokken: "
                                f"{aanvraag.status.label.lower()}.")
    if vind_bsn(reden):
        raise OngeldigeInvoer(BSN_MELDING, veld="reden")
    aanvraag.status, aanvraag.besloten_op = AanvraagStatus.INGETROKKEN, aanvraag.besloten_op or now
    budgetboek.boeken(session, aanvraag.id, BudgetMutatieSoort.TERUGGEBOEKT, gebruiker.met_functie,
                      f"Ingetrokken: {(reden or '').strip()}".strip(": "), now)
    session.flush()
    return Resultaat(aanvraag=aanvraag, gebeurtenissen=[("ingetrokken", None)])


# ---------------------------------------------------------------- payment


def betaalronde(session: Session, now: datetime) -> Resultaat:
    """Put every approved request not yet at finance in one batch with its payment file (pain.001 or CSV, per
    the settings). Rows are locked and skipped when another scheduler process holds them, so a request is in
    one batch only. Nothing happens when nothing waits or no finance contact is set."""
    from .betaalbestand import maak_bestand, nieuw_kenmerk

    inst = instelling(session)
    if not inst.financien_email:
        return Resultaat()
    stmt = (select(MaatwerkAanvraag).where(MaatwerkAanvraag.status == AanvraagStatus.GOEDGEKEURD,
                                           MaatwerkAanvraag.betaalopdracht_id.is_(None))
            .order_by(MaatwerkAanvraag.id).with_for_update(skip_locked=True)
            .execution_options(populate_existing=True))
    aanvragen_ = session.execute(stmt).scalars().all()
    if not aanvragen_:
        return Resultaat()
    kenmerk, bestand = maak_bestand(inst, nieuw_kenmerk(now), aanvragen_, now)
    opdracht = MaatwerkBetaalopdracht(kenmerk=kenmerk, formaat=inst.betaalwijze, bestand=bestand,
                                      aantal=len(aanvragen_), totaal_centen=sum(a.bedrag_centen for a in aanvragen_),
                                      aangemaakt_op=now, financien_email=inst.financien_email.lower())
    session.add(opdracht)
    session.flush()
    for a in aanvragen_:
        a.betaalopdracht_id = opdracht.id
        a.status = AanvraagStatus.BETAALOPDRACHT
    session.flush()
    session.refresh(opdracht)
    return Resultaat(betaalopdracht=opdracht, gebeurtenissen=[("betaalopdracht", None)])


def betaald_melden(session: Session, opdracht_id: int, nummers: list[str] | None, door: str, via: str,
                   now: datetime) -> Resultaat:
    """Finance confirms payment: of every request in the batch (`nummers` None) or of the ones named. Each paid
    request gets its ledger entry once; one already confirmed is left as it is."""
    opdracht = session.get(MaatwerkBetaalopdracht, opdracht_id)
    if opdracht is None:
        raise DomeinFout("Deze betaalopdracht bestaat niet.")
    resultaat = Resultaat(betaalopdracht=opdracht)
    te_betalen = [a for a in opdracht.aanvragen if nummers is None or a.nummer in nummers]
    for a in te_betalen:
        a = _vergrendeld(session, a.id)
        if a.status != AanvraagStatus.BETAALOPDRACHT:
            continue
        a.status, a.betaald_op, a.betaald_via = AanvraagStatus.BETAALD, now, via
        budgetboek.boeken(session, a.id, BudgetMutatieSoort.BETAALD, door, f"Betaald ({via})", now)
        resultaat.gebeurtenissen.append(("betaald", a))
    session.flush()
    return resultaat


# ---------------------------------------------------------------- reminders


def herinneringen(session: Session, now: datetime) -> Resultaat:
    """The clocks: a request still undecided when its werkdag has passed, and a batch whose requests are not
    confirmed 20 hours after approval. Each is reminded once (the moment is recorded on the row, locked)."""
    resultaat = Resultaat()
    verlopen = session.execute(
        select(MaatwerkAanvraag).where(MaatwerkAanvraag.status == AanvraagStatus.BEOORDELING,
                                       MaatwerkAanvraag.beoordeel_deadline <= now,
                                       MaatwerkAanvraag.beoordeling_herinnerd_op.is_(None))
        .order_by(MaatwerkAanvraag.id).with_for_update(skip_locked=True).execution_options(populate_existing=True)
    ).scalars().all()
    for a in verlopen:
        a.beoordeling_herinnerd_op = now
        resultaat.gebeurtenissen += [("beoordeling_herinnerd", b) for b in a.beoordelingen if b.oordeel is None]
    bijna_te_laat = select(MaatwerkAanvraag.betaalopdracht_id).where(
        MaatwerkAanvraag.status == AanvraagStatus.BETAALOPDRACHT,
        MaatwerkAanvraag.betaal_deadline <= now + BETAALHERINNERING_VOOR)
    opdrachten = session.execute(
        select(MaatwerkBetaalopdracht).where(MaatwerkBetaalopdracht.herinnerd_op.is_(None),
                                             MaatwerkBetaalopdracht.id.in_(bijna_te_laat))
        .order_by(MaatwerkBetaalopdracht.id).with_for_update(skip_locked=True)
        .execution_options(populate_existing=True)
    ).scalars().all()
    for o in opdrachten:
        o.herinnerd_op = now
        resultaat.gebeurtenissen.append(("betaling_herinnerd", o))
    session.flush()
    return resultaat
