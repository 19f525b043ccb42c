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

