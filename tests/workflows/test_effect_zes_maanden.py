"""The effect six months on (issue 17, point 4): asked exactly when due, werkdag- and calendar-correct, once;
recorded by the team. On SQLite and PostgreSQL (the `db_session` fixture runs the migrations on both)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.effect_hulp import dienst, opgelost, t, verstuurd
from workflows import usecases
from workflows import usecases_nazorg as uc
from workflows.fouten import OngeldigeInvoer, OngeldigeOvergang
from workflows.models import Gebeurtenis, ZaakSoort
from workflows.nazorg import EFFECT_GEVRAAGD, EFFECT_VASTGELEGD, EffectSchaal, Effectmeting, Eindpunt
from workflows.overgangen import Actie, Actor
from workflows.termijnen import kalender
from workflows.usecases import ZaakOnbekend


def _vragen(session, now):
    """What the scheduler does at `now`: every due question, each in its own use case."""
    kal = kalender(session)
    gevraagd = []
    for zaak_id in uc.te_vragen(session, now, kal):
        r = uc.effect_vragen(session, zaak_id, now, kal)
        if r.gebeurtenissen:
            gevraagd.append(r.zaak.id)
        session.commit()
    return gevraagd


def _vragen_bij(session, zaak):
    return session.scalars(select(Gebeurtenis).where(Gebeurtenis.zaak_id == zaak.id,
                                                     Gebeurtenis.actie == EFFECT_GEVRAAGD)).all()


def test_the_question_is_not_asked_a_minute_before_0800_six_months_on_and_is_asked_at_0800(db_session, wereld):
    zaak = opgelost(db_session, wereld, t("2026-03-10", "14:00"))  # a Tuesday; 10 September 2026 is a Thursday
    assert _vragen(db_session, t("2026-09-09", "23:59")) == []
    assert _vragen(db_session, t("2026-09-10", "07:59")) == []
    assert _vragen(db_session, t("2026-09-10", "08:00")) == [zaak.id]
    meting = db_session.scalars(select(Effectmeting).where(Effectmeting.zaak_id == zaak.id)).one()
    assert meting.gevraagd_op == t("2026-09-10", "08:00") and meting.instrument == "knip"


def test_the_question_comes_once_however_often_the_scheduler_runs(db_session, wereld):
    zaak = opgelost(db_session, wereld, t("2026-03-10"))
    for moment in (t("2026-09-10", "08:00"), t("2026-09-10", "08:15"), t("2026-09-11", "08:00"), t("2027-01-04")):
        _vragen(db_session, moment)
    # Called directly for the case again (a second scheduler process that listed it too): nothing happens.
    r = uc.effect_vragen(db_session, zaak.id, t("2026-09-10", "08:00"))
    db_session.commit()
    assert r.gebeurtenissen == []
    assert len(_vragen_bij(db_session, zaak)) == 1


def test_six_months_after_31_august_is_the_end_of_february_and_a_sunday_moves_to_monday(db_session, wereld):
    zaak = opgelost(db_session, wereld, t("2026-08-31"))  # 28 February 2027 is a Sunday
    assert _vragen(db_session, t("2027-02-28", "12:00")) == []
    assert _vragen(db_session, t("2027-03-01", "08:00")) == [zaak.id]


def test_a_six_month_date_on_holidays_moves_to_the_first_werkdag_after_them(db_session, wereld):
    # 5 May 2027 Bevrijdingsdag, 6 May Hemelvaartsdag, 7 May a gelijkstellingsdag, then the weekend.
    zaak = opgelost(db_session, wereld, t("2026-11-05"), soort=ZaakSoort.ESCALATIE, dienst=wereld.wmo,
                    uitzondering=None)
    for dag in ("2027-05-05", "2027-05-06", "2027-05-07", "2027-05-08", "2027-05-09"):
        assert _vragen(db_session, t(dag, "09:00")) == [], dag
    assert _vragen(db_session, t("2027-05-10", "08:00")) == [zaak.id]


def test_the_count_starts_at_the_amsterdam_date_of_the_solution_not_the_utc_date(db_session, wereld):
    zaak = opgelost(db_session, wereld, t("2026-03-31", "00:30"))  # still 30 March in UTC
    assert _vragen(db_session, t("2026-09-30", "07:59")) == []
    assert _vragen(db_session, t("2026-09-30", "08:00")) == [zaak.id]


def test_a_case_that_is_not_solved_or_was_withdrawn_is_never_asked(db_session, wereld):
    open_ = verstuurd(db_session, wereld, t("2026-03-10"))
    ingetrokken = verstuurd(db_session, wereld, t("2026-03-10"), clientreferentie="FEY-2026-002")
    usecases.handelen(db_session, Actor.gebruiker(wereld.manager), ingetrokken.id, Actie.INTREKKEN, t("2026-03-11"),
                      toelichting="Op een andere manier opgelost")
    db_session.commit()
    assert _vragen(db_session, t("2027-03-10")) == []
    assert not _vragen_bij(db_session, open_) and not _vragen_bij(db_session, ingetrokken)


def test_a_closed_case_is_asked_too_counted_from_its_solution(db_session, wereld):
    zaak = opgelost(db_session, wereld, t("2026-03-10"))
    usecases.handelen(db_session, Actor.gebruiker(wereld.manager), zaak.id, Actie.SLUITEN, t("2026-04-20"),
                      structureel=True)
    db_session.commit()
    assert _vragen(db_session, t("2026-09-10", "08:00")) == [zaak.id]


def test_recording_the_effect_keeps_scale_end_point_sentence_and_an_event(db_session, wereld):
    zaak = opgelost(db_session, wereld, t("2026-03-10"))
    _vragen(db_session, t("2026-09-10", "08:00"))
    r = uc.effect_vastleggen(db_session, Actor.gebruiker(wereld.medewerker), zaak.id, "verbeterd",
                             Eindpunt.VERVOLGTRAJECT, "Huur weer op tijd betaald, schuldhulp loopt.", t("2026-09-11"))
    db_session.commit()
    m = db_session.scalars(select(Effectmeting).where(Effectmeting.zaak_id == zaak.id)).one()
    assert (m.schaal, m.eindpunt, m.toelichting) == (EffectSchaal.VERBETERD, Eindpunt.VERVOLGTRAJECT,
                                                     "Huur weer op tijd betaald, schuldhulp loopt.")
    assert m.vastgelegd_door_id == wereld.medewerker.id and m.vastgelegd_op == t("2026-09-11")
    assert r.gebeurtenissen[0].actie == EFFECT_VASTGELEGD and "verbeterd" in r.gebeurtenissen[0].toelichting
    # A correction replaces the figures and is on the record too.
    uc.effect_vastleggen(db_session, Actor.gebruiker(wereld.manager), zaak.id, EffectSchaal.STERK_VERBETERD,
                         Eindpunt.GEEN_VERVOLG, "Werk gevonden.", t("2026-09-14"))
    db_session.commit()
    db_session.refresh(m)
    assert m.schaal == EffectSchaal.STERK_VERBETERD
    assert len(db_session.scalars(select(Gebeurtenis).where(Gebeurtenis.zaak_id == zaak.id,
                                                            Gebeurtenis.actie == EFFECT_VASTGELEGD)).all()) == 2


def test_an_effect_recorded_before_it_was_due_means_the_question_never_comes(db_session, wereld):
    zaak = opgelost(db_session, wereld, t("2026-03-10"))
    uc.effect_vastleggen(db_session, Actor.gebruiker(wereld.manager), zaak.id, "gelijk", "warme_overdracht",
                         "Verhuisd; overgedragen.", t("2026-05-01"))
    db_session.commit()
    assert _vragen(db_session, t("2026-09-10", "08:00")) == []
    assert not _vragen_bij(db_session, zaak)


def test_the_effect_is_recorded_only_by_the_team_only_once_solved_and_without_a_bsn(db_session, wereld):
    open_ = verstuurd(db_session, wereld, t("2026-03-10"))
    with pytest.raises(OngeldigeOvergang):
        uc.effect_vastleggen(db_session, Actor.gebruiker(wereld.manager), open_.id, "gelijk", "geen_vervolg", "x",
                             t("2026-03-11"))
    db_session.rollback()
    zaak = opgelost(db_session, wereld, t("2026-03-10"), clientreferentie="FEY-2026-009")
    with pytest.raises(ZaakOnbekend):
        uc.effect_vastleggen(db_session, Actor.gebruiker(wereld.andere_manager), zaak.id, "gelijk", "geen_vervolg",
                             "x", t("2026-09-11"))
    db_session.rollback()
    with pytest.raises(OngeldigeInvoer) as fout:
        uc.effect_vastleggen(db_session, Actor.gebruiker(wereld.manager), zaak.id, "gelijk", "geen_vervolg",
                             "BSN 111222333 staat erin", t("2026-09-11"))
    assert fout.value.veld == "toelichting"
    db_session.rollback()
    with pytest.raises(OngeldigeInvoer):
        uc.effect_vastleggen(db_session, Actor.gebruiker(wereld.manager), zaak.id, "prima", "geen_vervolg", "x",
                             t("2026-09-11"))
    db_session.rollback()
    assert db_session.scalars(select(Effectmeting)).all() == []
    assert dienst(wereld)  # the dienst never records effects: it has no team (covered by hoort_bij_team)
