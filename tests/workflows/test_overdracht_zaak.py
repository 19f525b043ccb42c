"""Hand-over to another team (issue 17, point 5): proposed with a note, accepted or refused by the receiving
team's manager, the history kept, the knip on the card of the team that spent it. SQLite and PostgreSQL."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.effect_hulp import dienst, opgelost, t, verstuurd
from workflows import knipkaart, usecases
from workflows import usecases_nazorg as uc
from workflows.fouten import GeenToegang, OngeldigeInvoer, OngeldigeOvergang
from workflows.models import Gebeurtenis, Gebruiker, KnipkaartMutatie, MutatieSoort, Rol, Zaak, ZaakSoort
from workflows.nazorg import Overdracht, OverdrachtStatus
from workflows.overgangen import Actie, Actor
from workflows.usecases import ZaakOnbekend


def _voorstel(session, wereld, zaak, moment=None, notitie="Verhuisd naar Ommoord; huur loopt via W&I."):
    uc.overdracht_voorstellen(session, Actor.gebruiker(wereld.manager), zaak.id, wereld.ander_team.id, notitie,
                              moment or t("2026-03-12"))
    session.commit()
    return uc.open_overdracht(session, zaak.id)


def test_an_accepted_hand_over_moves_the_case_and_keeps_its_history(db_session, wereld):
    zaak = verstuurd(db_session, wereld, t("2026-03-10"))
    voor = [g.id for g in db_session.scalars(select(Gebeurtenis).where(Gebeurtenis.zaak_id == zaak.id))]
    o = _voorstel(db_session, wereld, zaak)
    assert db_session.get(Zaak, zaak.id).wijkteam_id == wereld.team.id  # not before the receiving manager accepts
    r = uc.overdracht_beslissen(db_session, Actor.gebruiker(wereld.andere_manager), o.id, True, "", t("2026-03-13"))
    db_session.commit()
    zaak = db_session.get(Zaak, zaak.id)
    assert zaak.wijkteam_id == wereld.ander_team.id
    assert db_session.get(Overdracht, o.id).status == OverdrachtStatus.AANVAARD
    na = [g.actie for g in db_session.scalars(select(Gebeurtenis).where(Gebeurtenis.zaak_id == zaak.id)
                                              .order_by(Gebeurtenis.id))]
    assert [g.id for g in db_session.scalars(select(Gebeurtenis).where(Gebeurtenis.zaak_id == zaak.id)
                                             .order_by(Gebeurtenis.id))][:len(voor)] == voor
    assert na[-2:] == ["overdracht_voorgesteld", "overdracht_aanvaard"]
    assert "knipkaart van wijkteam Feyenoord" in r.gebeurtenissen[0].toelichting


def test_the_knip_stays_on_the_card_of_the_team_that_spent_it_also_when_it_comes_back(db_session, wereld):
    zaak = verstuurd(db_session, wereld, t("2026-03-10"))
    o = _voorstel(db_session, wereld, zaak)
    uc.overdracht_beslissen(db_session, Actor.gebruiker(wereld.andere_manager), o.id, True, "", t("2026-03-13"))
    db_session.commit()
    feyenoord = knipkaart.kaart(db_session, wereld.team.id, 2026)
    oosterflank = knipkaart.kaart(db_session, wereld.ander_team.id, 2026)
    assert knipkaart.stand(db_session, feyenoord).netto_ingezet == 1
    assert knipkaart.stand(db_session, oosterflank).netto_ingezet == 0
    # The dienst solves it within the normal rules: the knip returns to the card it came from.
    usecases.handelen(db_session, dienst(wereld), zaak.id, Actie.REGULIER, t("2026-03-16"))
    db_session.commit()
    terug = db_session.scalars(select(KnipkaartMutatie).where(KnipkaartMutatie.zaak_id == zaak.id,
                                                              KnipkaartMutatie.soort == MutatieSoort.TERUGGEGEVEN)).one()
    assert terug.knipkaart_id == feyenoord.id
    assert knipkaart.stand(db_session, oosterflank).ingezet == 0


def test_a_refused_hand_over_leaves_the_case_with_its_team_and_needs_a_reason(db_session, wereld):
    zaak = opgelost(db_session, wereld, t("2026-03-10"))
    o = _voorstel(db_session, wereld, zaak)
    with pytest.raises(OngeldigeInvoer):
        uc.overdracht_beslissen(db_session, Actor.gebruiker(wereld.andere_manager), o.id, False, " ",
                                t("2026-03-13"))
    db_session.rollback()
    uc.overdracht_beslissen(db_session, Actor.gebruiker(wereld.andere_manager), o.id, False,
                            "Adres valt nog onder Feyenoord tot 1 april.", t("2026-03-13"))
    db_session.commit()
    assert db_session.get(Zaak, zaak.id).wijkteam_id == wereld.team.id
    o = db_session.get(Overdracht, o.id)
    assert o.status == OverdrachtStatus.GEWEIGERD and o.reden.startswith("Adres")
    with pytest.raises(OngeldigeOvergang):  # decided once
        uc.overdracht_beslissen(db_session, Actor.gebruiker(wereld.andere_manager), o.id, True, "", t("2026-03-14"))
    db_session.rollback()
    assert _voorstel(db_session, wereld, zaak, t("2026-04-01")) is not None  # a new proposal may follow


def test_only_the_receiving_manager_decides_and_only_the_sending_manager_proposes(db_session, wereld):
    zaak = verstuurd(db_session, wereld, t("2026-03-10"))
    with pytest.raises(GeenToegang):
        uc.overdracht_voorstellen(db_session, Actor.gebruiker(wereld.medewerker), zaak.id, wereld.ander_team.id,
                                  "notitie", t("2026-03-12"))
    db_session.rollback()
    with pytest.raises(ZaakOnbekend):
        uc.overdracht_voorstellen(db_session, Actor.gebruiker(wereld.andere_manager), zaak.id, wereld.team.id,
                                  "notitie", t("2026-03-12"))
    db_session.rollback()
    o = _voorstel(db_session, wereld, zaak)
    medewerker_oost = Gebruiker(email="mw.oost@test.local", naam="Otto Oost", rol=Rol.MEDEWERKER,
                                wijkteam_id=wereld.ander_team.id, wachtwoord_hash="x")
    db_session.add(medewerker_oost)
    db_session.commit()
    for wie in (wereld.manager, wereld.medewerker, medewerker_oost):
        with pytest.raises(ZaakOnbekend):
            uc.overdracht_beslissen(db_session, Actor.gebruiker(wie), o.id, True, "", t("2026-03-13"))
        db_session.rollback()
    assert db_session.get(Zaak, zaak.id).wijkteam_id == wereld.team.id


def test_one_open_hand_over_at_a_time_to_another_active_team_and_the_sender_may_withdraw_it(db_session, wereld):
    zaak = verstuurd(db_session, wereld, t("2026-03-10"))
    with pytest.raises(OngeldigeInvoer):
        uc.overdracht_voorstellen(db_session, Actor.gebruiker(wereld.manager), zaak.id, wereld.team.id, "x",
                                  t("2026-03-12"))
    db_session.rollback()
    o = _voorstel(db_session, wereld, zaak)
    with pytest.raises(OngeldigeOvergang):
        _voorstel(db_session, wereld, zaak)
    db_session.rollback()
    uc.overdracht_intrekken(db_session, Actor.gebruiker(wereld.manager), o.id, t("2026-03-12", "11:00"))
    db_session.commit()
    assert db_session.get(Overdracht, o.id).status == OverdrachtStatus.INGETROKKEN
    with pytest.raises(OngeldigeOvergang):
        uc.overdracht_beslissen(db_session, Actor.gebruiker(wereld.andere_manager), o.id, True, "", t("2026-03-13"))
    db_session.rollback()
    assert db_session.get(Zaak, zaak.id).wijkteam_id == wereld.team.id


def test_a_concept_is_not_handed_over(db_session, wereld):
    r = usecases.zaak_aanmaken(db_session, Actor.gebruiker(wereld.manager), ZaakSoort.KNIP, wereld.invoer(),
                               t("2026-03-10"))
    db_session.commit()
    with pytest.raises(OngeldigeOvergang):
        uc.overdracht_voorstellen(db_session, Actor.gebruiker(wereld.manager), r.zaak.id, wereld.ander_team.id,
                                  "notitie", t("2026-03-12"))
