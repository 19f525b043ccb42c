"""Shared steps for the tests after the decision (test_effect_*, test_overdracht_*): a solved case at a moment."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from workflows import usecases
from workflows.models import ZaakSoort
from workflows.overgangen import Actie, Actor

AMS = ZoneInfo("Europe/Amsterdam")


def t(dag: str, tijd: str = "10:00") -> datetime:
    return datetime.strptime(f"{dag} {tijd}", "%Y-%m-%d %H:%M").replace(tzinfo=AMS)


def dienst(wereld) -> Actor:
    return Actor.dienst(f"{wereld.cp_wi.naam} ({wereld.wi.naam})", wereld.cp_wi.id, wereld.cp_wi.functie.value)


def verstuurd(session, wereld, moment: datetime, soort: ZaakSoort = ZaakSoort.KNIP, **over):
    r = usecases.zaak_aanmaken(session, Actor.gebruiker(wereld.manager), soort, wereld.invoer(**over), moment,
                               versturen=True)
    session.commit()
    return r.zaak


def opgelost(session, wereld, moment: datetime, soort: ZaakSoort = ZaakSoort.KNIP, **over):
    """A case sent an hour before `moment` and solved by the dienst at `moment`."""
    from datetime import timedelta

    zaak = verstuurd(session, wereld, moment - timedelta(hours=1), soort, **over)
    actie = Actie.UITGEVOERD if soort == ZaakSoort.KNIP else Actie.TOEGEKEND
    usecases.handelen(session, dienst(wereld), zaak.id, actie, moment)
    session.commit()
    return zaak
