"""Every mail Knipkaart sends, in every state a case can be in when it is sent, made the way production makes
it: through the use cases, `na_resultaat`, the deadline steps and the overviews, on a small invented
municipality. For review side by side (/dev/mails) and for the tests that read every mail.

`maak_proefmails` writes to the session it is given and leaves it to the caller to roll back: /dev/mails runs
it on a throw-away in-memory database, the tests on their own.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workflows import bewaking, usecases
from workflows.kalender import TZ
from workflows.models import (
    Afwezigheid,
    Contactpersoon,
    Dienst,
    Gebruiker,
    LadderFunctie,
    LadderTrede,
    MailVoorkeur,
    Oorzaak,
    Rol,
    Status,
    UitzonderingSoort,
    Urgentie,
    VasteContactpersoon,
    Wijkteam,
    Zaak,
    ZaakSoort,
)
from workflows.overgangen import Actor
from workflows.zaken import ZaakInvoer, kalender

from . import accountmail, quarantaine
from .dagoverzicht import dagoverzichten
from .inkomend import BinnenkomendBericht, verwerk
from .models import UitgaandeMail
from .overzicht import weekoverzicht
from .persoonlijk import mijn_zaken_mail
from .uitgaand import (
    DAGEN,
    MAANDEN,
    LinkMaker,
    MailInstellingen,
    beschrijf_adres,
    gebruiker_bij,
    meld_beheerders,
    na_resultaat,
)

BEGIN = datetime(2026, 3, 2, 9, 0, tzinfo=TZ)  # a Monday
VOORBEELD = "http://127.0.0.1:5000"


@dataclass(frozen=True)
class Adressen:
    """Where the mails about no single case point: the app passes its own (app.mail.proefadressen); the
    invented ones serve a caller without an app. Tokens are examples: no account is made for a preview."""

    uitnodiging: str = VOORBEELD + "/uitnodiging/voorbeeld"
    herstel: str = VOORBEELD + "/wachtwoord-herstellen/voorbeeld"
    inloggen: str = VOORBEELD + "/login"
    knoptekst: str = "Inloggen met uw gemeenteaccount"
    mijn_zaken: Callable[[Contactpersoon], str] = field(default=lambda cp: VOORBEELD + "/mijn-zaken/voorbeeld")
    quarantaine: quarantaine.Koppelingen = quarantaine.Koppelingen(
        quarantaine=VOORBEELD + "/beheer/quarantaine", afwezigheid=VOORBEELD + "/beheer/afwezigheidsberichten")


@dataclass
class Proefmail:
    soort: str
    toestand: str  # the case's status when the mail was composed; "" for overviews and alerts
    wat: str  # what happened, in a few words
    aan: str
    aan_wie: str
    onderwerp: str
    tekst: str
    html: str
    zaak_id: int | None = None
    voor_team: bool = False  # to a member of the wijkteam (else the dienst, or the beheerder)


class _Gemeente:
    """Feyenoord's team, Werk & Inkomen (knips, a vaste contactpersoon with vervanger, a full ladder), the Wmo
    (no vaste contactpersoon for the team: its mailbox), Schuldhulpverlening (a small dienst whose teamleider is
    also the team's contact), Leerlingenvervoer (no ladder set up) and the Landelijk Maatwerkloket."""

    def __init__(self, s: Session):
        self.team = Wijkteam(naam="Feyenoord", soort="sociaal wijkteam", gebied="Feijenoord, Kop van Zuid")
        self.wi = Dienst(naam="Werk & Inkomen", mailbox="werkeninkomen@demo.local", accepteert_knippen=True)
        self.wmo = Dienst(naam="Wmo", mailbox="wmo-loket@demo.local")
        self.shv = Dienst(naam="Schuldhulpverlening", mailbox="schuldhulp@demo.local")
        self.llv = Dienst(naam="Leerlingenvervoer", mailbox="leerlingenvervoer@demo.local")
        self.lmw = Dienst(naam="Landelijk Maatwerkloket", mailbox="maatwerkloket@demo.local", landelijk=True)
        s.add_all([self.team, self.wi, self.wmo, self.shv, self.llv, self.lmw])
        s.flush()

        def cp(naam, email, dienst, functie=LadderFunctie.CONTACTPERSOON):
            p = Contactpersoon(naam=naam, email=email, dienst_id=dienst.id, functie=functie)
            s.add(p)
            s.flush()
            return p

        self.sanne = cp("Sanne Vos", "wi@demo.local", self.wi)
        self.ahmed = cp("Ahmed Bakker", "wi.vervanger@demo.local", self.wi)
        self.mwf = cp("Carla Maatman", "maatwerkfunctionaris@demo.local", self.wi, LadderFunctie.MAATWERKFUNCTIONARIS)
        ladders = {
            self.wi: [cp("Johan de Graaf", "tl.werkeninkomen@demo.local", self.wi, LadderFunctie.TEAMLEIDER),
                      cp("Marieke Hoek", "manager.werkeninkomen@demo.local", self.wi, LadderFunctie.MANAGER)],
            self.wmo: [cp("Peter Mulder", "tl.wmo@demo.local", self.wmo, LadderFunctie.TEAMLEIDER),
                       cp("Anouk Visser", "manager.wmo@demo.local", self.wmo, LadderFunctie.MANAGER)],
            self.shv: [cp("Ellen van Dijk", "tl.schuldhulp@demo.local", self.shv, LadderFunctie.TEAMLEIDER)],
        }
        for dienst, treden in ladders.items():
            for niveau, p in enumerate([*treden, self.mwf], start=1):
                s.add(LadderTrede(dienst_id=dienst.id, niveau=niveau, contactpersoon_id=p.id))
        s.add_all([
            VasteContactpersoon(wijkteam_id=self.team.id, dienst_id=self.wi.id, contactpersoon_id=self.sanne.id,
                                vervanger_id=self.ahmed.id),
            VasteContactpersoon(wijkteam_id=self.team.id, dienst_id=self.shv.id,
                                contactpersoon_id=ladders[self.shv][0].id),
            VasteContactpersoon(wijkteam_id=self.team.id, dienst_id=self.llv.id,
                                contactpersoon_id=cp("Tim Dekker", "llv@demo.local", self.llv).id),
        ])
        self.oorzaak = Oorzaak(naam="Wettelijke wachtperiode / zoektermijn", volgorde=1)
        self.manager = Gebruiker(email="feyenoord@demo.local", naam="Yvonne Kramer", rol=Rol.WIJKTEAMMANAGER,
                                 wijkteam_id=self.team.id, wachtwoord_hash="!", telefoon="010 498 12 34")
        self.medewerker = Gebruiker(email="medewerker.feyenoord@demo.local", naam="Rachid Benali", rol=Rol.MEDEWERKER,
                                    wijkteam_id=self.team.id, wachtwoord_hash="!", telefoon="06 12 34 56 78",
                                    contact_email="r.benali@wijkteamfeyenoord.demo.local",
                                    mail_voorkeur=MailVoorkeur.DAGELIJKS)
        self.beheerder = Gebruiker(email="beheer@demo.local", naam="Bram Beheer", rol=Rol.BEHEERDER,
                                   wachtwoord_hash="!")
        s.add_all([self.oorzaak, self.manager, self.medewerker, self.beheerder])
        s.flush()

    def dienst_actor(self, wie: Contactpersoon | Dienst) -> Actor:
        if isinstance(wie, Dienst):
            return Actor.dienst(f"{wie.naam} ({wie.mailbox})")
        return Actor.dienst(f"{wie.naam} ({wie.dienst.naam})", wie.id, wie.functie.value)


class _Draaiboek:
    def __init__(self, s: Session, g: _Gemeente, inst: MailInstellingen, link_maker: LinkMaker, begin: datetime):
        self.s, self.g, self.inst, self.link_maker = s, g, inst, link_maker
        self.kal = kalender(s)
        self.now = begin
        self.uit: list[Proefmail] = []
        self.gezien = s.execute(select(func.max(UitgaandeMail.id))).scalar() or 0
        self.team = Actor.gebruiker(g.manager)
        self.collega = Actor.gebruiker(g.medewerker)

    def later(self, uren: float = 1) -> datetime:
        self.now += timedelta(hours=uren)
        return self.now

    def oogst(self, wat: str, zaak: Zaak | None = None) -> None:
        """Record the mails written since the last harvest, with the case's status now."""
        self.s.flush()
        nieuw = self.s.execute(select(UitgaandeMail).where(UitgaandeMail.id > self.gezien)
                               .order_by(UitgaandeMail.id)).scalars().all()
        for m in nieuw:
            z = m.zaak or zaak
            toestand = z.status.value if (z is not None and m.zaak_id is not None) else ""
            gebruiker = gebruiker_bij(self.s, m.aan)
            self.uit.append(Proefmail(m.soort, toestand, wat, m.aan, beschrijf_adres(self.s, m.aan), m.onderwerp,
                                      m.tekst, m.html, m.zaak_id, gebruiker is not None and gebruiker.wijkteam_id
                                      is not None))
            self.gezien = m.id

    def doe(self, wat: str, resultaat, *, niet_voor: datetime | None = None) -> Zaak:
        na_resultaat(self.s, resultaat, self.now, self.link_maker, self.inst, niet_voor=niet_voor)
        self.oogst(wat, resultaat.zaak)
        return resultaat.zaak

    # ---- cases

    def verstuur(self, soort: ZaakSoort, dienst: Dienst, wat: str, *, door: Actor | None = None, **over) -> Zaak:
        invoer = dict(dienst_id=dienst.id, clientreferentie="FEY-2026-014",
                      gevraagd="Jongere van 19 zonder inkomen en met huurachterstand heeft per direct een "
                               "uitkering nodig.",
                      blokkerende_regel="De zoektermijn van vier weken voor jongeren onder de 27.",
                      voorgestelde_oplossing="Uitkering per direct toekennen, zonder zoektermijn.",
                      urgentie=Urgentie.ACUUT, oorzaak_id=self.g.oorzaak.id,
                      uitzondering=UitzonderingSoort.WACHTTERMIJN if soort == ZaakSoort.KNIP else None)
        invoer.update(over)
        maker = door or self.collega
        zaak = usecases.zaak_aanmaken(self.s, maker, soort, ZaakInvoer(**invoer), self.later(0.25)).zaak
        return self.doe(wat, usecases.handelen(self.s, self.team, zaak.id, "versturen", self.later(0.25)))

    def concept(self, soort: ZaakSoort, dienst: Dienst, wat: str, **over) -> Zaak:
        """A medewerker saves a new concept: the managers hear of it."""
        invoer = dict(dienst_id=dienst.id, clientreferentie="FEY-2026-015",
                      gevraagd="Een moeder met drie kinderen krijgt haar toeslagen verrekend en heeft deze maand "
                               "geen geld voor eten.",
                      blokkerende_regel="De Belastingdienst verrekent de terugvordering met de lopende toeslag.",
                      voorgestelde_oplossing="Bijzondere bijstand voorschieten tot de verrekening is stopgezet.",
                      urgentie=Urgentie.HOOG, oorzaak_id=self.g.oorzaak.id,
                      uitzondering=UitzonderingSoort.ANDERS if soort == ZaakSoort.KNIP else None)
        invoer.update(over)
        return self.doe(wat, usecases.zaak_aanmaken(self.s, self.collega, soort, ZaakInvoer(**invoer),
                                                    self.later(0.25)))

    def mail_in(self, wat: str, afzender: str, aan: str, onderwerp: str, tekst: str, *,
                automatisch: bool = False) -> None:
        """A mail comes in from an authenticated sender (SPF and DKIM pass), as the inbound webhook hands it over."""
        domein = afzender.rpartition("@")[2]
        bericht = BinnenkomendBericht(
            message_id=f"<proef.{len(self.uit)}.{self.now:%H%M%S}@{domein}>", afzender=afzender, aan=[aan],
            onderwerp=onderwerp, tekst=tekst, spf="pass", envelop_van=afzender, dkim=[(domein, "pass")],
            automatisch=automatisch)
        verwerk(self.s, bericht, "webhook", self.later(), self.link_maker, self.inst)
        self.oogst(wat)

    def antwoordadres(self, zaak: Zaak, aan: str) -> tuple[str, str]:
        """The reply address and subject of the latest mail about `zaak` to `aan`."""
        mail = self.s.execute(select(UitgaandeMail).where(UitgaandeMail.zaak_id == zaak.id,
                                                          func.lower(UitgaandeMail.aan) == aan.lower(),
                                                          UitgaandeMail.reply_to.is_not(None))
                              .order_by(UitgaandeMail.id.desc()).limit(1)).scalar_one()
        return mail.reply_to, mail.onderwerp

    def ochtend(self) -> datetime:
        """The next werkdag at 08:30, when the daily overviews go out."""
        dag = self.kal.volgende_werkdag(self.now.astimezone(TZ).date())
        self.now = datetime.combine(dag, datetime.min.time(), tzinfo=TZ).replace(hour=8, minute=30)
        return self.now

    def handel(self, zaak: Zaak, actor: Actor, actie: str, wat: str, toelichting: str = "") -> Zaak:
        return self.doe(wat, usecases.handelen(self.s, actor, zaak.id, actie, self.later(), toelichting=toelichting))

    def bericht(self, zaak: Zaak, actor: Actor, tekst: str, wat: str, *, als_antwoord: bool | None = None) -> Zaak:
        return self.doe(wat, usecases.bericht_plaatsen(self.s, actor, zaak.id, tekst, self.later(),
                                                       als_antwoord=als_antwoord))

    def bijlage(self, zaak: Zaak, wat: str) -> Zaak:
        pdf = b"%PDF-1.4\n% voorbeeld\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
        return self.doe(wat, usecases.bijlage_toevoegen(self.s, self.team, zaak.id, "bankafschriften-maart.pdf", pdf,
                                                        self.later()))

    def stap(self, zaak: Zaak, wat: str) -> Zaak:
        """Take the case's next deadline step at its moment, as the sweep does (mail in office hours)."""
        stappen = bewaking.open_stappen(self.s, zaak, self.kal)
        self.now = max(self.now, stappen[0].op)
        r = usecases.termijnstappen_nemen(self.s, zaak.id, self.now, self.kal)
        return self.doe(wat, r, niet_voor=self.kal.kantoormoment(self.now))

    def tot(self, zaak: Zaak, actie: str, wat: str) -> Zaak:
        """Take deadline steps until one of kind `actie` happened."""
        for _ in range(12):
            voor = len(zaak.gebeurtenissen)
            self.stap(zaak, wat)
            if any(g.actie == actie for g in zaak.gebeurtenissen[voor:]):
                return zaak
        raise AssertionError(f"geen {actie} bij {zaak.nummer}")

    def overzichten(self, wat: str) -> None:
        """The next werkdag at 08:30: the daily overviews."""
        dagoverzichten(self.s, self.ochtend(), self.inst, self.kal, self.link_maker)
        self.oogst(wat)


def _in_toestand(d: _Draaiboek, toestand: Status, soort: ZaakSoort = ZaakSoort.ESCALATIE) -> Zaak:
    """A fresh case to Werk & Inkomen in `toestand`, as people bring it there."""
    g = d.g
    sanne = g.dienst_actor(g.sanne)
    zaak = d.verstuur(soort, g.wi, "Verstuurd", urgentie=Urgentie.HOOG)
    if toestand == Status.ONTVANGEN:
        d.handel(zaak, sanne, "ontvangen", "Ontvangst bevestigd")
    elif toestand == Status.IN_BEHANDELING:
        d.handel(zaak, sanne, "in_behandeling", "In behandeling genomen")
    elif toestand == Status.WACHT_OP_WIJKTEAM:
        d.handel(zaak, sanne, "vraag", "Vraag aan het team", "Kunt u bevestigen dat er sinds vorige maand geen "
                                                            "inkomen is?")
    elif toestand == Status.HEROPEND:
        d.handel(zaak, sanne, "toegekend", "Toegekend", "Toegekend per 1 maart.")
        d.handel(zaak, d.team, "heropenen", "Heropend", "De uitkering is toch niet gestart; wilt u kijken?")
    elif toestand == Status.OPGELOST:
        d.handel(zaak, sanne, "toegekend" if soort == ZaakSoort.ESCALATIE else "uitgevoerd", "Besluit",
                 "Geregeld.")
    return zaak


def maak_proefmails(s: Session, link_maker: LinkMaker, inst: MailInstellingen, begin: datetime = BEGIN, *,
                    adressen: Adressen | None = None) -> list[Proefmail]:
    """Every mail kind in every state it can be sent in, made by the production code on invented data."""
    adressen = adressen or Adressen()
    g = _Gemeente(s)
    d = _Draaiboek(s, g, inst, link_maker, begin)
    sanne = g.dienst_actor(g.sanne)

    # A knip from start to finish, through the whole of its life at the first rungs.
    knip = d.verstuur(ZaakSoort.KNIP, g.wi, "Knip verstuurd")
    d.bericht(knip, d.team, "De inwoner is vandaag en morgen telefonisch bereikbaar via ons.", "Bericht van het team")
    d.bijlage(knip, "Bijlage van het team")
    d.tot(knip, "herinnering", "Herinnering: reactietermijn")
    d.bericht(knip, sanne, "Ik pak dit vandaag op.", "Eerste reactie (bericht van de dienst)")
    d.handel(knip, sanne, "vraag", "Vraag aan het team", "Is er al een aanvraag voor de uitkering gedaan?")
    d.bericht(knip, d.team, "We zoeken het uit en komen morgen terug.", "Bericht zonder antwoord", als_antwoord=False)
    d.tot(knip, "team_herinnerd", "Herinnering aan het team")
    d.overzichten("Dagoverzicht terwijl de dienst wacht")
    d.bericht(knip, d.team, "Ja, de aanvraag is op 26 februari gedaan.", "Antwoord van het team")
    d.bijlage(knip, "Bijlage tijdens de behandeling")
    d.tot(knip, "opgeschaald", "Termijn verlopen, opgeschaald")
    d.overzichten("Dagoverzichten")
    johan = g.dienst_actor(knip.ontvanger)
    d.handel(knip, johan, "uitgevoerd", "Uitgevoerd", "De uitkering loopt vanaf vandaag.")
    d.bericht(knip, d.team, "Dank, dit voorkomt een huisuitzetting.", "Bericht na het besluit")
    d.bericht(knip, johan, "Graag gedaan.", "Bericht van de dienst na het besluit")

    # Every decision.
    for uitkomst in ("regulier", "bezwaar"):
        zaak = d.verstuur(ZaakSoort.KNIP, g.wi, "Knip verstuurd")
        d.handel(zaak, sanne, uitkomst, "Besluit: " + uitkomst,
                 "Past binnen de gewone regels." if uitkomst == "regulier" else "Wij zien juridische risico's.")
    for uitkomst in ("toegekend", "afgewezen", "anders_opgelost"):
        zaak = d.verstuur(ZaakSoort.ESCALATIE, g.wmo, "Escalatie naar de algemene mailbox",
                          urgentie=Urgentie.NORMAAL, gevraagd="Een e-bike om naar het werk te kunnen.",
                          blokkerende_regel="Wmo verwijst naar bijzondere bijstand, bijzondere bijstand naar de Wmo.",
                          voorgestelde_oplossing="De Wmo verstrekt de e-bike; bijzondere bijstand draagt de helft.")
        d.handel(zaak, g.dienst_actor(g.wmo), uitkomst, "Besluit: " + uitkomst.replace("_", " "),
                 "" if uitkomst == "toegekend" else "Geen grondslag in de verordening.")

    # A joint question (the e-bike that the Wmo and Werk & Inkomen each refuse); the Wmo takes it on for all.
    from workflows import gezamenlijk

    r = gezamenlijk.aanmaken(s, d.collega, [g.wmo.id, g.wi.id], ZaakInvoer(
        dienst_id=0, clientreferentie="FEY-2026-014", gevraagd="Een e-bike om naar het werk te kunnen.",
        blokkerende_regel="Wmo verwijst naar bijzondere bijstand, bijzondere bijstand naar de Wmo.",
        voorgestelde_oplossing="De Wmo verstrekt de e-bike; Werk & Inkomen draagt de helft.",
        urgentie=Urgentie.HOOG, oorzaak_id=g.oorzaak.id), d.later(0.25))
    for deel in r.delen:
        d.doe("Gezamenlijke vraag klaargezet", deel)
    for deel in gezamenlijk.versturen(s, d.team, r.groep.id, d.later(0.25)).delen:
        d.doe("Gezamenlijke vraag verstuurd", deel)
    r = gezamenlijk.overbruggen(s, d.team, r.groep.id, g.wmo.id, "De Wmo verstrekt de e-bike deze week; Werk & "
                                "Inkomen vergoedt de helft.", d.later())
    for deel in r.delen:
        d.doe("Overbrugging door de Wmo", deel)

    # Withdrawn by the team.
    zaak = d.verstuur(ZaakSoort.KNIP, g.wi, "Knip verstuurd")
    d.handel(zaak, d.team, "intrekken", "Ingetrokken", "Opgelost via het netwerk van de inwoner.")

    # Messages, attachments and deadline steps in every state a case can be in at the dienst.
    for toestand in (Status.VERSTUURD, Status.ONTVANGEN, Status.IN_BEHANDELING, Status.WACHT_OP_WIJKTEAM,
                     Status.HEROPEND, Status.OPGELOST):
        zaak = _in_toestand(d, toestand)
        d.bericht(zaak, d.team, "Een aanvulling van het team.", "Bericht van het team",
                  als_antwoord=False if toestand == Status.WACHT_OP_WIJKTEAM else None)
        d.bericht(zaak, sanne, "Een aanvulling van de dienst.", "Bericht van de dienst")
        d.bijlage(zaak, "Bijlage van het team")
        if toestand in (Status.VERSTUURD, Status.ONTVANGEN, Status.IN_BEHANDELING, Status.HEROPEND):
            d.tot(zaak, "herinnering", "Herinnering")
            d.tot(zaak, "termijn_verlopen", "Termijn verlopen")
            d.overzichten("Dagoverzichten")

    # Routed again: the contactpersoon falls ill; the vervanger gets the case.
    for toestand in (Status.VERSTUURD, Status.IN_BEHANDELING):
        zaak = _in_toestand(d, toestand)
        ziek = Afwezigheid(contactpersoon_id=g.sanne.id, van=d.now.date(), tot=d.now.date() + timedelta(days=14),
                           omschrijving="ziek")
        s.add(ziek)
        d.doe("Opnieuw gerouteerd", usecases.herrouteren(s, zaak.id, d.later(), "Sanne Vos is ziek gemeld."))
        s.delete(ziek)

    # The whole ladder of a bovenlokaal case, then the Landelijk Maatwerkloket, which has no ladder of its own.
    zaak = d.verstuur(ZaakSoort.ESCALATIE, g.wi, "Escalatie verstuurd", bovenlokaal=True, urgentie=Urgentie.HOOG)
    d.tot(zaak, "ladder_uitgeput", "De ladder op")
    d.overzichten("Dagoverzichten")
    d.handel(zaak, d.team, "doorsturen_lmw", "Doorgestuurd naar het Landelijk Maatwerkloket",
             "De IB60-regel is landelijk; de maatwerkfunctionaris kon niets doen.")

    # A dienst whose ladder nobody set up: its contactpersoon is the last rung.
    zaak = d.verstuur(ZaakSoort.ESCALATIE, g.llv, "Escalatie verstuurd", urgentie=Urgentie.NORMAAL,
                      gevraagd="Vervoer naar school voor een kind met autisme dat 5,5 km van school woont.",
                      blokkerende_regel="De 6-km-grens van het leerlingenvervoer.",
                      voorgestelde_oplossing="Eenmalig vervoer toekennen en de grens evalueren.")
    d.tot(zaak, "ladder_uitgeput", "Ladder uitgeput zonder ladder")

    # A small dienst whose teamleider is also the team's contact: the climb reaches the same person directly.
    zaak = d.verstuur(ZaakSoort.ESCALATIE, g.shv, "Escalatie verstuurd", urgentie=Urgentie.ACUUT,
                      gevraagd="Water wordt afgesloten bij een gezin met jonge kinderen.",
                      blokkerende_regel="Schuldhulpverlening start pas na een volledig schuldenoverzicht.",
                      voorgestelde_oplossing="Direct contact met het waterbedrijf en een tijdelijke regeling.")
    d.tot(zaak, "opgeschaald", "Opgeschaald naar dezelfde persoon")

    # The maatwerkbudget (issue 17, points 1-3): request, decision by three, payment; moves the clock on.
    from .maatwerk import proefmails as maatwerk_proefmails

    maatwerk_proefmails(s, d)
    # A second opinion before a knip is spent (issue 17, point 2).
    from .tweedemening import proefmails as tweede_mening_proefmails

    tweede_mening_proefmails(d)

    # A medewerker submits concepts: the manager hears of the first at once; the second, once she chose the
    # daily overview, in that overview.
    d.concept(ZaakSoort.KNIP, g.wi, "Concept klaargezet door een medewerker")
    g.manager.mail_voorkeur = MailVoorkeur.DAGELIJKS
    d.concept(ZaakSoort.ESCALATIE, g.wmo, "Concept klaargezet, voor het dagoverzicht", urgentie=Urgentie.ACUUT)
    d.overzichten("Dagoverzicht met een concept")
    g.manager.mail_voorkeur = MailVoorkeur.DIRECT

    # Mail from people who may not answer: a colleague of the contactpersoon who is not in Knipkaart, and
    # someone outside the team who got a team mail forwarded. Both are held and get one polite answer.
    zaak = d.verstuur(ZaakSoort.ESCALATIE, g.wi, "Escalatie verstuurd", urgentie=Urgentie.NORMAAL)
    adres, onderwerp = d.antwoordadres(zaak, g.sanne.email)
    d.mail_in("Antwoord van een onbekende afzender", "p.smit@werkeninkomen.demo.local", adres, f"RE: {onderwerp}",
              "Ik neem dit over van Sanne, zij is deze week op cursus.\n\nMet vriendelijke groet,\nPieter Smit")
    d.handel(zaak, sanne, "vraag", "Vraag aan het team", "Woont de jongere nog bij zijn ouders?")
    adres, onderwerp = d.antwoordadres(zaak, g.manager.email)
    d.mail_in("Antwoord van buiten het team", "buurtwerk@welzijnfeijenoord.demo.local", adres, f"RE: {onderwerp}",
              "Nee, hij slaapt sinds januari bij een vriend. Groet, Kees (buurtwerk)")

    # The contactpersoon's out-of-office: noted, the case goes to the vervanger, and the beheerder is offered
    # to record the absence; in the morning the beheerder's overview of quarantine and absences.
    zaak = d.verstuur(ZaakSoort.ESCALATIE, g.wi, "Escalatie verstuurd", urgentie=Urgentie.NORMAAL)
    adres, onderwerp = d.antwoordadres(zaak, g.sanne.email)
    terug = d.now.date() + timedelta(days=14)
    d.mail_in("Afwezigheidsbericht van de contactpersoon", g.sanne.email, adres, f"Automatisch antwoord: {onderwerp}",
              f"Ik ben afwezig tot en met {DAGEN[terug.weekday()]} {terug.day} {MAANDEN[terug.month - 1]}. "
              "Voor dringende zaken kunt u terecht bij Ahmed Bakker.", automatisch=True)
    quarantaine.dagoverzicht(s, d.ochtend(), inst, d.kal, adressen.quarantaine)
    d.oogst("Overzicht van de quarantaine")

    # The contactpersoon asks for the personal link to their cases.
    mijn_zaken_mail(s, g.sanne, adressen.mijn_zaken(g.sanne), d.later(), inst)
    d.oogst("Link naar Mijn zaken, op verzoek")

    # Accounts: invitations (a password and a second factor, a password alone, the municipality's own login)
    # and links to choose a new password (asked by the user, sent by the beheerder).
    beleid = Gebruiker(email="beleid@demo.local", naam="Fatima el Amrani", rol=Rol.MANAGEMENT, wachtwoord_hash="!")
    s.add(beleid)
    s.flush()
    geldig = d.later() + timedelta(days=7)
    accountmail.uitnodiging(s, beleid, g.beheerder.naam, d.now, inst, link=adressen.uitnodiging, geldig_tot=geldig,
                            tweede_factor=True)
    accountmail.uitnodiging(s, g.medewerker, g.beheerder.naam, d.now, inst, link=adressen.uitnodiging,
                            geldig_tot=geldig)
    accountmail.uitnodiging(s, g.manager, g.beheerder.naam, d.now, inst, link=None, inlog_link=adressen.inloggen,
                            knoptekst=adressen.knoptekst)
    d.oogst("Uitnodiging voor een account")
    accountmail.herstellink(s, g.manager, adressen.herstel, d.later() + timedelta(hours=1), d.now, inst)
    accountmail.herstellink(s, g.medewerker, adressen.herstel, d.now + timedelta(hours=1), d.now, inst,
                            door=g.beheerder.naam)
    d.oogst("Link voor een nieuw wachtwoord")

    # An adviesvraag (issue 18): asked, answered and shared by a reply, then turned into an escalatie.
    from workflows import advies

    vraag = d.verstuur(ZaakSoort.ADVIESVRAAG, g.wi, "Adviesvraag gesteld", urgentie=Urgentie.ADVIES, clientreferentie="",
                       door=d.collega,
                       gevraagd="Mag de zoektermijn vervallen als een jongere aantoonbaar al vier weken solliciteert?",
                       blokkerende_regel="De zoektermijn van vier weken voor jongeren onder de 27.",
                       voorgestelde_oplossing="")
    d.doe("Advies gegeven en gedeeld", usecases.antwoord_toepassen(
        s, sanne, vraag.id, "ADVIES VOOR ALLE TEAMS\nJa, als de sollicitaties in het dossier staan: dan is aan de "
                            "zoekplicht voldaan en vervalt de rest van de termijn.", d.later()))
    uit_advies, escalatie = advies.omzetten(s, d.team, vraag.id, d.later(), urgentie=Urgentie.HOOG,
                                            clientreferentie="FEY-2026-015")
    d.doe("Adviesvraag omgezet", uit_advies)
    d.doe("Escalatie uit een adviesvraag", escalatie)

    # The weekly overviews (Monday 08:30) and an alert to the beheerder.
    maandag = d.now.date() + timedelta(days=7 - d.now.weekday())
    d.now = datetime.combine(maandag, datetime.min.time(), tzinfo=TZ).replace(hour=8, minute=30)
    weekoverzicht(s, d.now, inst, d.kal, link_maker)
    d.oogst("Weekoverzicht")
    meld_beheerders(s, "E-mailadres van Sanne Vos onbestelbaar",
                    "Mail aan Sanne Vos (contactpersoon, Werk & Inkomen) kwam niet aan: 550 mailbox unavailable.\n\n"
                    "2 open zaken zijn opnieuw gerouteerd.", d.now, inst)
    d.oogst("Melding aan de beheerder")
    from .nazorg import proefmails as na_het_besluit

    na_het_besluit(d)  # the effect six months on, renewal, hand-over (issue 17); moves the clock on
    return d.uit

