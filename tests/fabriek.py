"""Test data for the use cases, on any SQLAlchemy session (no Flask app needed)."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from workflows.models import (
    Contactpersoon,
    Dienst,
    Gebruiker,
    LadderFunctie,
    LadderTrede,
    Oorzaak,
    Rol,
    UitzonderingSoort,
    Urgentie,
    VasteContactpersoon,
    Wijkteam,
)
from workflows.overgangen import Actor
from workflows.zaken import ZaakInvoer

AMS = ZoneInfo("Europe/Amsterdam")


def t(dag: str, tijd: str = "10:00") -> datetime:
    """A moment in Amsterdam time, as people say it."""
    return datetime.strptime(f"{dag} {tijd}", "%Y-%m-%d %H:%M").replace(tzinfo=AMS)


class Gemeente:
    """One team, Werk & Inkomen (knips) with a vaste contactpersoon and vervanger, a three-rung ladder,
    and the Landelijk Maatwerkloket."""

    def __init__(self, session):
        self.session = session
        self.team = Wijkteam(naam="Feyenoord", soort="sociaal wijkteam", gebied="Feijenoord")
        self.wi = Dienst(naam="Werk & Inkomen", mailbox="wi-postbus@test.local", accepteert_knippen=True)
        self.lmw = Dienst(naam="Landelijk Maatwerkloket", mailbox="lmw@test.local", landelijk=True)
        session.add_all([self.team, self.wi, self.lmw])
        session.flush()
        self.contact = self._cp("Sanne Vos", "wi@test.local")
        self.vervanger = self._cp("Ahmed Bakker", "wi.vervanger@test.local")
        self.ladder = [self._cp(naam, email, functie) for naam, email, functie in [
            ("Teun Leider", "tl.wi@test.local", LadderFunctie.TEAMLEIDER),
            ("Marga Manager", "mgr.wi@test.local", LadderFunctie.MANAGER),
            ("Frits Maatwerk", "mwf@test.local", LadderFunctie.MAATWERKFUNCTIONARIS)]]
        session.add(VasteContactpersoon(wijkteam_id=self.team.id, dienst_id=self.wi.id,
                                        contactpersoon_id=self.contact.id, vervanger_id=self.vervanger.id))
        session.add_all([LadderTrede(dienst_id=self.wi.id, niveau=i, contactpersoon_id=cp.id)
                         for i, cp in enumerate(self.ladder, start=1)])
        self.oorzaak = Oorzaak(naam="Wettelijke wachtperiode / zoektermijn", volgorde=1)
        self.manager = Gebruiker(email="manager@test.local", naam="Mila Manager", rol=Rol.WIJKTEAMMANAGER,
                                 wijkteam_id=self.team.id, wachtwoord_hash="x")
        session.add_all([self.oorzaak, self.manager])
        session.flush()

    def _cp(self, naam, email, functie=LadderFunctie.CONTACTPERSOON) -> Contactpersoon:
        cp = Contactpersoon(naam=naam, email=email, dienst_id=self.wi.id, functie=functie)
        self.session.add(cp)
        self.session.flush()
        return cp

    @property
    def team_actor(self) -> Actor:
        return Actor.gebruiker(self.manager)

    def dienst_actor(self, cp: Contactpersoon | None = None) -> Actor:
        cp = cp or self.contact
        return Actor.dienst(f"{cp.naam} ({self.wi.naam})", cp.id, cp.functie.value)

    def invoer(self, dienst: Dienst | None = None, **over) -> ZaakInvoer:
        dienst = dienst or self.wi
        velden = dict(dienst_id=dienst.id, clientreferentie="FEY-2026-001", gevraagd="Uitkering zonder zoektermijn",
                      blokkerende_regel="De zoektermijn van vier weken", urgentie=Urgentie.HOOG,
                      oorzaak_id=self.oorzaak.id, uitzondering=UitzonderingSoort.WACHTTERMIJN,
                      voorgestelde_oplossing="Uitkering per direct")
        velden.update(over)
        return ZaakInvoer(**velden)
