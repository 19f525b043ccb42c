"""The demo's examples between teams: solved cases of the demo year, retold anonymously (issue 18)."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflows.models import Gebruiker, Oorzaak, Rol, Status, Zaak
from workflows.voorbeelden import OPGELOST_UITKOMSTEN, Voorbeeld, VoorbeeldStatus

# (cause, situation, blocking rule, what worked, pinned by management); invented, drawn from the seeds' cases.
VOORBEELDEN = [
    ("Wettelijke wachtperiode / zoektermijn",
     "Een jongere van 22 zonder inkomen en zonder vangnet moest vier weken zoektermijn uitzitten; de huur liep al achter.",
     "De zoektermijn van vier weken voor jongeren onder de 27 in de Participatiewet.",
     "Een knip: de vaste contactpersoon liet de zoektermijn vervallen en de uitkering ging binnen twee werkdagen in. "
     "Het team legde uit waarom zoeken op dat moment niet kon.", True),
    ("Ontbrekend of onverkrijgbaar document",
     "Een ex-ondernemer kon geen bijstand krijgen omdat het IB60-formulier ontbrak; de Belastingdienst gaf het niet af.",
     "Werk & Inkomen vroeg het IB60-formulier als bewijs van inkomen over het laatste jaar.",
     "De teamleider nam een verklaring van de boekhouder en de bankafschriften als bewijs aan; het formulier werd "
     "later nagestuurd.", False),
    ("Bijzondere bijstand: afwijzing of doorlooptijd (8 weken)",
     "Een moeder kon een kamer krijgen, maar de borg moest binnen een week betaald zijn.",
     "De doorlooptijd van acht weken voor bijzondere bijstand.",
     "Een escalatie met urgentie acuut: de dienst betaalde de borg rechtstreeks aan de verhuurder en besliste later "
     "over de aanvraag.", False),
    ("Regel sluit maatwerk uit",
     "Een kind met een beperking woonde net binnen de grens voor leerlingenvervoer en kon niet alleen reizen.",
     "De grens van zes kilometer voor leerlingenvervoer.",
     "Het team stuurde het advies van de jeugdarts mee; de dienst week af van de grens voor dit schooljaar.", False),
]


def vul_voorbeelden(session: Session, now: datetime) -> None:
    """Approved examples from closed, solved demo cases (one pinned), and one that waits for its team's manager."""
    beleid = session.scalars(select(Gebruiker).where(Gebruiker.rol == Rol.MANAGEMENT)).first()
    gebruikt: set[int] = set()
    for i, (oorzaak, situatie, regel, werkte, vast) in enumerate(VOORBEELDEN):
        zaak = session.scalars(
            select(Zaak).join(Oorzaak).where(Oorzaak.naam == oorzaak, Zaak.status == Status.GESLOTEN,
                                             Zaak.uitkomst.in_(OPGELOST_UITKOMSTEN), Zaak.id.not_in(gebruikt or {0}))
            .order_by(Zaak.id)).first()
        if zaak is None:
            continue
        gebruikt.add(zaak.id)
        manager = session.scalars(select(Gebruiker).where(Gebruiker.wijkteam_id == zaak.wijkteam_id,
                                                          Gebruiker.rol == Rol.WIJKTEAMMANAGER)).first()
        # The last one waits for its manager's review; the rest are in the library.
        wacht = i == len(VOORBEELDEN) - 1
        moment = (zaak.gesloten_op or now) + timedelta(hours=1)
        session.add(Voorbeeld(
            zaak_id=zaak.id, wijkteam_id=zaak.wijkteam_id, dienst_id=zaak.dienst_id, oorzaak_id=zaak.oorzaak_id,
            instrument=zaak.soort, situatie=situatie, blokkerende_regel=regel, wat_werkte=werkte,
            status=VoorbeeldStatus.VOORGESTELD if wacht else VoorbeeldStatus.GOEDGEKEURD,
            voorgesteld_door_id=manager.id if manager else zaak.aangemaakt_door_id, voorgesteld_op=moment,
            beoordeeld_door_id=None if wacht or manager is None else manager.id,
            beoordeeld_op=None if wacht else moment + timedelta(days=1),
            vastgezet=vast and not wacht and beleid is not None,
            vastgezet_door_id=beleid.id if vast and not wacht and beleid is not None else None))
    session.flush()
