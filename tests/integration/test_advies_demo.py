"""The demo holds adviesvragen in their states and ratings (issue 18, points 2 and 4)."""
from sqlalchemy import select

from tests.conftest import NU
from workflows import advies, waardering
from workflows.models import Dienst, Status, Termijnstap, Zaak, ZaakSoort


def test_the_demo_has_advice_answered_shared_open_and_turned_into_an_escalation_and_ratings(app, db_session):
    from app.demo import vul_demo

    vul_demo(db_session, NU)
    db_session.commit()
    vragen = db_session.scalars(select(Zaak).where(Zaak.soort == ZaakSoort.ADVIESVRAAG)).all()
    assert sorted(z.status.value for z in vragen) == ["gesloten", "gesloten", "opgelost", "verstuurd"]
    assert all(z.nummer.startswith("AV-") for z in vragen)
    assert not db_session.scalars(select(Termijnstap).where(Termijnstap.zaak_id.in_([z.id for z in vragen]))).all()
    gedeeld = advies.zoeken(db_session, advies.Zoekvraag())
    assert len(gedeeld) == 2 and all("[" not in g.vraag for g in gedeeld)  # nothing had to be blanked out
    uit_advies = [z for z in db_session.scalars(select(Zaak).where(Zaak.soort == ZaakSoort.ESCALATIE))
                  if "adviesvraag AV-" in z.gevraagd]
    assert len(uit_advies) == 1 and uit_advies[0].status == Status.VERSTUURD
    per_dienst = waardering.per_dienst(db_session, NU.replace(year=2000), NU.replace(year=2100))
    namen = set(db_session.scalars(select(Dienst.naam).where(Dienst.landelijk.is_(False))))
    assert namen <= set(per_dienst) and all(1 <= w.gemiddelde <= 5 for w in per_dienst.values())
    wi = db_session.scalars(select(waardering.Waardering).join(Zaak).where(Zaak.soort == ZaakSoort.ADVIESVRAAG)).one()
    assert wi.score == 5
