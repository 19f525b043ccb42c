"""A second opinion before a knip is spent (issue 17, point 2): who may ask, whom, about what, once at a time;
the answer once, while the knip is a concept; both on the timeline; erased at retention. Both databases."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.conftest import NU
from workflows import tweedemening as tm
from workflows import usecases
from workflows.fouten import GeenToegang, OngeldigeInvoer, OngeldigeOvergang
from workflows.models import Gebeurtenis, Gebruiker, Rol, Wijkteam, ZaakSoort
from workflows.overgangen import Actor


@pytest.fixture
def rayon(db_session, wereld):
    """A rayonmanager over Feyenoord, and one over another team only."""
    zuid = Gebruiker(email="rayon.zuid@test.local", naam="Rita Rayon", rol=Rol.RAYONMANAGER, wachtwoord_hash="x")
    noord = Gebruiker(email="rayon.noord@test.local", naam="Nico Noord", rol=Rol.RAYONMANAGER, wachtwoord_hash="x")
    db_session.add_all([zuid, noord])
    db_session.flush()
    tm.rayon_instellen(db_session, zuid, [wereld.team.id, wereld.ander_team.id])
    tm.rayon_instellen(db_session, noord, [wereld.ander_team.id])
    db_session.commit()
    return zuid, noord


def _concept(s, w, soort=ZaakSoort.KNIP):
    r = usecases.zaak_aanmaken(s, Actor.gebruiker(w.medewerker), soort, w.invoer(), NU)
    s.commit()
    return r.zaak


def test_who_can_be_asked_other_teams_managers_and_the_rayonmanagers_over_this_team(db_session, wereld, rayon):
    zuid, noord = rayon
    zaak = _concept(db_session, wereld)
    assert [g.email for g in tm.kan_gevraagd_worden(db_session, zaak)] == ["rayon.zuid@test.local", "oost@test.local"]
    wereld.andere_manager.actief = False
    db_session.commit()
    assert [g.email for g in tm.kan_gevraagd_worden(db_session, zaak)] == ["rayon.zuid@test.local"]


def test_the_manager_asks_once_at_a_time_and_the_colleague_answers_once_both_on_the_timeline(db_session, wereld,
                                                                                              rayon):
    zuid, _ = rayon
    zaak = _concept(db_session, wereld)
    r = tm.vragen(db_session, Actor.gebruiker(wereld.manager), zaak.id, zuid.id, "  Knip of eerst escaleren? ", NU)
    db_session.commit()
    assert [g.actie for g in r.gebeurtenissen] == [tm.TWEEDE_MENING_GEVRAAGD]
    m, = tm.van_zaak(db_session, zaak.id)
    assert (m.vraag, m.gevraagd_aan_id, m.open) == ("Knip of eerst escaleren?", zuid.id, True)
    with pytest.raises(OngeldigeOvergang, match="al een vraag"):
        tm.vragen(db_session, Actor.gebruiker(wereld.manager), zaak.id, wereld.andere_manager.id, "Nog een?", NU)
    db_session.rollback()
    assert [x.id for x in tm.open_voor(db_session, zuid.id)] == [m.id]

    r = tm.geven(db_session, zuid, m.id, "niet_eens", "Eerst escaleren: de dienst kan dit zelf.", NU)
    db_session.commit()
    assert [g.actie for g in r.gebeurtenissen] == [tm.TWEEDE_MENING_GEGEVEN]
    m = tm.van_zaak(db_session, zaak.id)[0]
    assert (m.mening, m.toelichting, m.open) == (tm.Mening.NIET_EENS, "Eerst escaleren: de dienst kan dit zelf.",
                                                  False)
    with pytest.raises(OngeldigeOvergang, match="al op"):
        tm.geven(db_session, zuid, m.id, "eens", "Toch wel.", NU)
    db_session.rollback()
    tijdlijn = db_session.scalars(select(Gebeurtenis.actie).where(Gebeurtenis.zaak_id == zaak.id)
                                  .order_by(Gebeurtenis.id)).all()
    assert tijdlijn[-2:] == [tm.TWEEDE_MENING_GEVRAAGD, tm.TWEEDE_MENING_GEGEVEN]
    # Answered: a second question (to someone else) may follow.
    tm.vragen(db_session, Actor.gebruiker(wereld.manager), zaak.id, wereld.andere_manager.id, "En u?", NU)
    db_session.commit()
    assert len(tm.van_zaak(db_session, zaak.id)) == 2


def test_only_the_teams_manager_asks_only_about_a_knip_concept_and_only_someone_who_may_be_asked(db_session, wereld,
                                                                                                  rayon):
    zuid, noord = rayon
    zaak = _concept(db_session, wereld)
    with pytest.raises(GeenToegang):
        tm.vragen(db_session, Actor.gebruiker(wereld.medewerker), zaak.id, zuid.id, "Vraag", NU)
    db_session.rollback()
    with pytest.raises(GeenToegang):
        tm.vragen(db_session, Actor.gebruiker(wereld.andere_manager), zaak.id, zuid.id, "Vraag", NU)
    db_session.rollback()
    for aan in (noord.id, wereld.manager.id, wereld.medewerker.id, wereld.management.id, 999_999):
        with pytest.raises(OngeldigeInvoer) as fout:
            tm.vragen(db_session, Actor.gebruiker(wereld.manager), zaak.id, aan, "Vraag", NU)
        assert fout.value.veld == "aan_id"
        db_session.rollback()
    for vraag, veld in (("   ", "vraag"), ("x" * 2001, "vraag"), ("BSN 111222333?", "vraag")):
        with pytest.raises(OngeldigeInvoer) as fout:
            tm.vragen(db_session, Actor.gebruiker(wereld.manager), zaak.id, zuid.id, vraag, NU)
        assert fout.value.veld == veld
        db_session.rollback()
    escalatie = _concept(db_session, wereld, ZaakSoort.ESCALATIE)
    with pytest.raises(OngeldigeOvergang):
        tm.vragen(db_session, Actor.gebruiker(wereld.manager), escalatie.id, zuid.id, "Vraag", NU)
    db_session.rollback()
    usecases.handelen(db_session, Actor.gebruiker(wereld.manager), zaak.id, "versturen", NU)
    db_session.commit()
    with pytest.raises(OngeldigeOvergang, match="nog niet is ingezet"):
        tm.vragen(db_session, Actor.gebruiker(wereld.manager), zaak.id, zuid.id, "Vraag", NU)
    db_session.rollback()
    assert tm.van_zaak(db_session, zaak.id) == []


def test_only_the_one_asked_answers_and_not_after_the_knip_was_spent(db_session, wereld, rayon):
    zuid, noord = rayon
    zaak = _concept(db_session, wereld)
    tm.vragen(db_session, Actor.gebruiker(wereld.manager), zaak.id, zuid.id, "Vraag", NU)
    db_session.commit()
    m, = tm.van_zaak(db_session, zaak.id)
    for ander in (noord, wereld.andere_manager, wereld.manager):
        with pytest.raises(GeenToegang):
            tm.geven(db_session, ander, m.id, "eens", "Ja.", NU)
        db_session.rollback()
    for mening, toelichting, veld in (("misschien", "Ja.", "mening"), ("eens", " ", "toelichting"),
                                      ("eens", "BSN 111222333", "toelichting")):
        with pytest.raises(OngeldigeInvoer) as fout:
            tm.geven(db_session, zuid, m.id, mening, toelichting, NU)
        assert fout.value.veld == veld
        db_session.rollback()
    usecases.handelen(db_session, Actor.gebruiker(wereld.manager), zaak.id, "versturen", NU)
    db_session.commit()
    with pytest.raises(OngeldigeOvergang, match="al besloten"):
        tm.geven(db_session, zuid, m.id, "eens", "Ja.", NU)
    db_session.rollback()
    assert tm.van_zaak(db_session, zaak.id)[0].open


def test_retention_erases_question_and_reason_and_keeps_who_and_the_verdict(db_session, wereld, rayon):
    from workflows.bewaring import wis_zaken

    zuid, _ = rayon
    zaak = _concept(db_session, wereld)
    tm.vragen(db_session, Actor.gebruiker(wereld.manager), zaak.id, zuid.id, "Vraag over de inwoner", NU)
    m, = tm.van_zaak(db_session, zaak.id)
    tm.geven(db_session, zuid, m.id, "eens", "Reden over de inwoner", NU)
    db_session.commit()
    wis_zaken(db_session, [zaak.id], NU)
    db_session.commit()
    db_session.expire_all()
    m, = tm.van_zaak(db_session, zaak.id)
    assert (m.vraag, m.toelichting, m.mening, m.gevraagd_aan_id) == ("", "", tm.Mening.EENS, zuid.id)


def test_a_rayon_is_only_for_a_rayonmanager_and_is_replaced_as_a_whole(db_session, wereld, rayon):
    zuid, _ = rayon
    with pytest.raises(OngeldigeInvoer):
        tm.rayon_instellen(db_session, wereld.manager, [wereld.team.id])
    db_session.rollback()
    tm.rayon_instellen(db_session, zuid, [wereld.ander_team.id])
    db_session.commit()
    assert [t.naam for t in tm.rayon_van(db_session, zuid.id)] == [wereld.ander_team.naam]
    assert isinstance(tm.rayon_van(db_session, zuid.id)[0], Wijkteam)
