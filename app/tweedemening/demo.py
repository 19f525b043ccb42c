"""The demo's second opinion (issue 17, point 2): a rayonmanager over Feyenoord and Middelland, asked by
Feyenoord's manager about a knip concept; the question waits on her list (no mail: the demo's history)."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflows import tweedemening as tm
from workflows import usecases, zaken
from workflows.kalender import amsterdam
from workflows.models import Dienst, Gebruiker, Oorzaak, Rol, UitzonderingSoort, Urgentie, Wijkteam, ZaakSoort


def vul_tweede_mening(session: Session, now: datetime, rayonmanager: Gebruiker) -> None:
    teams = {t.naam: t for t in session.scalars(select(Wijkteam).where(Wijkteam.naam.in_(["Feyenoord",
                                                                                          "Middelland"])))}
    tm.rayon_instellen(session, rayonmanager, [t.id for t in teams.values()])
    fey = teams.get("Feyenoord")
    manager = session.scalars(select(Gebruiker).where(Gebruiker.wijkteam_id == fey.id,
                                                      Gebruiker.rol == Rol.WIJKTEAMMANAGER)).first() if fey else None
    wi = session.scalars(select(Dienst).where(Dienst.naam == "Werk & Inkomen")).first()
    oorzaak = session.scalars(select(Oorzaak).order_by(Oorzaak.volgorde)).first()
    if manager is None or wi is None or oorzaak is None:
        return
    actor = zaken.Actor.gebruiker(manager)
    zaak = usecases.zaak_aanmaken(session, actor, ZaakSoort.KNIP, zaken.ZaakInvoer(
        dienst_id=wi.id, clientreferentie=f"FEY-{amsterdam(now).year}-290",
        gevraagd="Een vader van twee kinderen heeft na zijn ontslag geen inkomen tot de eerste WW-betaling.",
        blokkerende_regel="De bijstand rekent de aangevraagde WW als voorliggende voorziening en keert niets uit.",
        voorgestelde_oplossing="Een voorschot op de bijstand tot de eerste WW-betaling.", urgentie=Urgentie.HOOG,
        oorzaak_id=oorzaak.id, uitzondering=UitzonderingSoort.ANDERS), now - timedelta(hours=5)).zaak
    tm.vragen(session, actor, zaak.id, rayonmanager.id,
              "Is dit een knip, of eerst een escalatie aan Werk & Inkomen? Ik twijfel of de WW binnen twee weken "
              "loopt.", now - timedelta(hours=4))
    session.flush()
