"""The demo after the decision (issue 17, points 4 and 5): effects recorded and one still asked, an agreement,
a renewal due, consent missing, a hand-over accepted (the knip on the spending team's card) and one waiting."""
from sqlalchemy import func, select

from tests.conftest import NU

from workflows.models import KnipkaartMutatie, Wijkteam, Zaak
from workflows.nazorg import Afspraak, Effectmeting, Overdracht, OverdrachtStatus, Toestemming, ZaakNazorg


def test_the_demo_shows_effects_agreements_renewal_consent_and_hand_overs(app, db_session):
    from app.demo import vul_demo

    vul_demo(db_session, NU)
    db_session.commit()
    fey = db_session.scalars(select(Wijkteam).where(Wijkteam.naam == "Feyenoord")).one()
    vastgelegd = db_session.scalar(select(func.count()).select_from(Effectmeting)
                                   .where(Effectmeting.vastgelegd_op.is_not(None)))
    assert vastgelegd >= 5
    assert len({m.schaal for m in db_session.scalars(select(Effectmeting).where(Effectmeting.schaal.is_not(None)))}) >= 4
    wacht = db_session.scalars(select(Effectmeting).join(Zaak).where(
        Zaak.wijkteam_id == fey.id, Effectmeting.gevraagd_op.is_not(None), Effectmeting.vastgelegd_op.is_(None))).all()
    assert wacht, "Feyenoord's dashboard asks for an effect"
    assert db_session.scalars(select(Afspraak)).first() is not None
    verlengen = db_session.scalars(select(ZaakNazorg).where(ZaakNazorg.verlenging_herinnerd_op.is_not(None))).all()
    assert verlengen and all(n.einddatum is not None for n in verlengen)
    assert db_session.scalars(select(ZaakNazorg).where(ZaakNazorg.toestemming == Toestemming.ONTBREEKT)).first()
    assert db_session.scalar(select(func.count()).select_from(ZaakNazorg).where(
        ZaakNazorg.toestemming_ontbrak.is_(True), ZaakNazorg.ontbreekt_sinds.is_(None))) >= 3
    aanvaard = db_session.scalars(select(Overdracht).where(Overdracht.status == OverdrachtStatus.AANVAARD)).one()
    assert aanvaard.van_wijkteam_id == fey.id and aanvaard.zaak.wijkteam_id == aanvaard.naar_wijkteam_id
    ledger = db_session.scalars(select(KnipkaartMutatie).where(KnipkaartMutatie.zaak_id == aanvaard.zaak_id)).all()
    assert ledger and all(m.knipkaart.wijkteam_id == fey.id for m in ledger)
    wachtend = db_session.scalars(select(Overdracht).where(Overdracht.status == OverdrachtStatus.VOORGESTELD)).one()
    assert wachtend.naar_wijkteam_id == fey.id



def test_the_demo_shows_the_effect_of_a_maatwerk_payment_recorded_and_one_still_asked(app, db_session):
    """Told on a fixed day late in the year (the demo keeps its payments in the current year, so on NU, in March,
    none is six months old): two demo payments are over six months old then."""
    from datetime import datetime, timezone

    from app.demo import vul_demo

    vul_demo(db_session, datetime(2026, 11, 24, 9, 0, tzinfo=timezone.utc))
    db_session.commit()
    metingen = db_session.scalars(select(Effectmeting).where(Effectmeting.aanvraag_id.is_not(None))
                                  .order_by(Effectmeting.opgelost_op)).all()
    assert [m.instrument for m in metingen] == ["maatwerkbudget", "maatwerkbudget"]
    assert metingen[0].vastgelegd_op is not None and metingen[0].schaal is not None
    assert metingen[1].gevraagd_op is not None and metingen[1].vastgelegd_op is None
