"""The effect six months after a maatwerk payment (issue 17, point 4): asked when due, once (also with two
scheduler processes at the same moment, on PostgreSQL), recorded by the team that asked, erased with the
request's free text, and counted in the report per instrument. On SQLite and PostgreSQL."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from tests.effect_hulp import t
from tests.maatwerk_gegevens import Maatwerk
from workflows.fouten import GeenToegang, OngeldigeInvoer, OngeldigeOvergang
from workflows.maatwerk import aanvragen as mw
from workflows.maatwerk import effect as me
from workflows.maatwerk.bewaring import wis_aanvragen
from workflows.maatwerk.modellen import Oordeel
from workflows.nazorg import EffectSchaal, Effectmeting, Eindpunt
from workflows.termijnen import kalender


@pytest.fixture
def maatwerk(db_session, wereld):
    m = Maatwerk(db_session, wereld)
    db_session.commit()
    return m


def _vragen(s, now) -> list[int]:
    """What the scheduler does at `now`: every due question about a payment, each in its own use case."""
    kal = kalender(s)
    gevraagd = []
    for aanvraag_id in me.te_vragen(s, now, kal):
        r = me.effect_vragen(s, aanvraag_id, now, kal)
        if r.gebeurtenissen:
            gevraagd.append(r.aanvraag.id)
        s.commit()
    return gevraagd


def test_the_question_comes_at_0800_on_the_werkdag_six_months_after_the_payment_not_a_minute_before(
        db_session, maatwerk):
    a = maatwerk.betaald(db_session, t("2026-03-10", "14:00"))  # 10 September 2026 is a Thursday
    assert _vragen(db_session, t("2026-09-09", "23:59")) == []
    assert _vragen(db_session, t("2026-09-10", "07:59")) == []
    assert _vragen(db_session, t("2026-09-10", "08:00")) == [a.id]
    meting = db_session.scalars(select(Effectmeting).where(Effectmeting.aanvraag_id == a.id)).one()
    assert meting.instrument == "maatwerkbudget" and meting.zaak_id is None
    assert meting.opgelost_op == t("2026-03-10", "14:00") and meting.gevraagd_op == t("2026-09-10", "08:00")
    assert [x.id for x, _ in me.te_doen(db_session, maatwerk.w.team.id)] == [a.id]


def test_a_payment_on_31_august_is_asked_on_the_first_werkdag_from_the_end_of_february(db_session, maatwerk):
    a = maatwerk.betaald(db_session, t("2026-08-31"))  # 28 February 2027 is a Sunday
    assert _vragen(db_session, t("2027-02-28", "12:00")) == []
    assert _vragen(db_session, t("2027-03-01", "08:00")) == [a.id]


def test_the_question_comes_once_however_often_the_scheduler_runs(db_session, maatwerk):
    a = maatwerk.betaald(db_session, t("2026-03-10"))
    for moment in (t("2026-09-10", "08:00"), t("2026-09-10", "08:15"), t("2026-09-11", "08:00"), t("2027-01-04")):
        _vragen(db_session, moment)
    r = me.effect_vragen(db_session, a.id, t("2026-09-10", "08:00"), kalender(db_session))
    db_session.commit()
    assert r.gebeurtenissen == []
    assert len(db_session.scalars(select(Effectmeting).where(Effectmeting.aanvraag_id == a.id)).all()) == 1


def test_a_request_that_was_not_paid_is_never_asked(db_session, maatwerk):
    """Refused, withdrawn, or at finance but not confirmed: no payment, so no effect to ask about."""
    geweigerd = maatwerk.vraag(db_session, t("2026-03-10"))
    b = geweigerd.beoordelingen[0]
    mw.beoordelen(db_session, geweigerd.id, b.professional_id, Oordeel.NIET_AKKOORD, "Past niet.", t("2026-03-10"),
                  kanaal="scherm")
    ingetrokken = maatwerk.vraag(db_session, t("2026-03-10"), bedrag="100")
    mw.intrekken(db_session, maatwerk.w.medewerker, ingetrokken.id, "", t("2026-03-10", "11:00"))
    bij_financien = maatwerk.vraag(db_session, t("2026-03-10"), bedrag="50")
    for b in list(bij_financien.beoordelingen):
        mw.beoordelen(db_session, bij_financien.id, b.professional_id, Oordeel.AKKOORD, "", t("2026-03-10"),
                      kanaal="scherm")
    mw.betaalronde(db_session, t("2026-03-10", "12:00"))
    db_session.commit()
    assert _vragen(db_session, t("2027-01-04")) == []
    for a in (geweigerd, ingetrokken, bij_financien):
        assert me.effect_vragen(db_session, a.id, t("2027-01-04"), kalender(db_session)).gebeurtenissen == []
    assert db_session.scalars(select(Effectmeting).where(Effectmeting.aanvraag_id.is_not(None))).all() == []


def test_the_team_records_the_effect_and_corrects_it_and_an_early_answer_means_no_question(db_session, maatwerk):
    a = maatwerk.betaald(db_session, t("2026-03-10"))
    r = me.effect_vastleggen(db_session, maatwerk.w.medewerker, a.id, "verbeterd", "geen_vervolg",
                             "  De huur wordt weer   betaald. ", t("2026-05-01"))
    db_session.commit()
    assert r.gebeurtenissen[0][0] == "effect_vastgelegd"
    meting = me.meting_van(db_session, a.id)
    assert (meting.schaal, meting.eindpunt, meting.toelichting) == (EffectSchaal.VERBETERD, Eindpunt.GEEN_VERVOLG,
                                                                     "De huur wordt weer betaald.")
    assert meting.vastgelegd_door_id == maatwerk.w.medewerker.id and meting.gevraagd_op is None
    assert _vragen(db_session, t("2026-09-10", "08:00")) == []
    r = me.effect_vastleggen(db_session, maatwerk.w.manager, a.id, EffectSchaal.STERK_VERBETERD,
                             Eindpunt.VERVOLGTRAJECT, "Schuldhulptraject gestart.", t("2026-09-11"))
    db_session.commit()
    assert r.gebeurtenissen[0][0] == "effect_gecorrigeerd"
    assert me.meting_van(db_session, a.id).schaal == EffectSchaal.STERK_VERBETERD
    assert me.te_doen(db_session, maatwerk.w.team.id) == []


def test_only_the_team_records_only_after_payment_and_never_a_bsn(db_session, maatwerk, wereld):
    a = maatwerk.betaald(db_session, t("2026-03-10"))
    with pytest.raises(GeenToegang):
        me.effect_vastleggen(db_session, wereld.andere_manager, a.id, "verbeterd", "geen_vervolg", "Goed.",
                             t("2026-09-10"))
    with pytest.raises(GeenToegang):
        me.effect_vastleggen(db_session, wereld.management, a.id, "verbeterd", "geen_vervolg", "Goed.",
                             t("2026-09-10"))
    db_session.rollback()
    open_ = maatwerk.vraag(db_session, t("2026-09-01"), bedrag="10")
    db_session.commit()
    with pytest.raises(OngeldigeOvergang):
        me.effect_vastleggen(db_session, maatwerk.w.medewerker, open_.id, "verbeterd", "geen_vervolg", "Goed.",
                             t("2026-09-10"))
    db_session.rollback()
    for schaal, eindpunt, tekst, veld in (("beter", "geen_vervolg", "Goed.", "schaal"),
                                           ("verbeterd", "geen_vervolg", "   ", "effect_toelichting"),
                                           ("verbeterd", "geen_vervolg", "x" * 501, "effect_toelichting"),
                                           ("verbeterd", "geen_vervolg", "BSN 111222333 geholpen.",
                                            "effect_toelichting")):
        with pytest.raises(OngeldigeInvoer) as fout:
            me.effect_vastleggen(db_session, maatwerk.w.medewerker, a.id, schaal, eindpunt, tekst, t("2026-09-10"))
        assert fout.value.veld == veld
        db_session.rollback()
    assert me.meting_van(db_session, a.id) is None


def test_retention_erases_the_sentence_and_keeps_scale_and_end_point(db_session, maatwerk):
    a = maatwerk.betaald(db_session, t("2026-03-10"))
    me.effect_vastleggen(db_session, maatwerk.w.medewerker, a.id, "gelijk", "warme_overdracht",
                         "Verhuisd naar Delfshaven.", t("2026-09-10"))
    db_session.commit()
    wis_aanvragen(db_session, [a.id])
    db_session.commit()
    db_session.expire_all()
    meting = me.meting_van(db_session, a.id)
    assert meting.toelichting == "" and meting.schaal == EffectSchaal.GELIJK
    assert meting.eindpunt == Eindpunt.WARME_OVERDRACHT
    with pytest.raises(OngeldigeOvergang, match="gewist"):
        me.effect_vastleggen(db_session, maatwerk.w.medewerker, a.id, "gelijk", "geen_vervolg", "Nog eens.",
                             t("2026-10-01"))


def test_the_report_counts_payment_effects_per_instrument_and_end_point_with_the_team_filter(db_session, maatwerk,
                                                                                             wereld):
    from datetime import date

    from workflows.effectrapport import nazorgtabellen
    from workflows.rapportage import Filters

    a = maatwerk.betaald(db_session, t("2026-03-10"))
    b = maatwerk.betaald(db_session, t("2026-03-11"), bedrag="20")
    me.effect_vastleggen(db_session, maatwerk.w.medewerker, a.id, "verbeterd", "geen_vervolg", "Goed.",
                         t("2026-09-10"))
    me.effect_vastleggen(db_session, maatwerk.w.medewerker, b.id, "verslechterd", "vervolgtraject", "Helaas.",
                         t("2026-09-10"))
    db_session.commit()

    def tabel(f, naam):
        return next(x for x in nazorgtabellen(db_session, f) if x.sleutel == naam)

    f = Filters(van=date(2026, 1, 1), tot=date(2026, 12, 31))
    rij = next(r for r in tabel(f, "effect_instrument").rijen if r[0] == "Maatwerkbudget")
    # Effect vastgelegd, then the scales in EffectSchaal's order, then "verbeterd (van bekend)" in %.
    assert rij == ["Maatwerkbudget", 2, 1, 0, 1, 0, 0, 50]
    eind = next(r for r in tabel(f, "eindpunt").rijen if r[0] == "Maatwerkbudget")
    assert eind == ["Maatwerkbudget", 1, 0, 1]
    assert not any(r[0] == "Maatwerkbudget" for r in tabel(Filters(van=date(2026, 4, 1), tot=date(2026, 12, 31)),
                                                          "effect_instrument").rijen)
    assert not any(r[0] == "Maatwerkbudget" for r in tabel(Filters(van=f.van, tot=f.tot,
                                                                   wijkteam_id=wereld.ander_team.id),
                                                          "effect_instrument").rijen)
    assert not any(r[0] == "Maatwerkbudget" for r in tabel(Filters(van=f.van, tot=f.tot, dienst_id=wereld.wi.id),
                                                          "effect_instrument").rijen)


def test_a_second_scheduler_process_waits_for_the_first_and_then_sees_the_question_asked(app, db_session, maatwerk):
    """Guards against `effect_vragen` reading the request without locking it: then the second process would not
    wait (it would make its own row and fail on the unique key, or ask twice). Here the first process holds the
    request locked mid-question; the second must still be waiting half a second later, and once the first
    commits it finds the question asked and asks nothing. On SQLite every transaction is BEGIN IMMEDIATE."""
    from app.extensions import db

    a = maatwerk.betaald(db_session, t("2026-03-10"))
    aanvraag_id, kal, moment = a.id, kalender(db_session), t("2026-09-10", "08:00")
    db_session.rollback()
    eerste = me.effect_vragen(db_session, aanvraag_id, moment, kal)  # locks the request, makes the row; no commit
    assert [s for s, _ in eerste.gebeurtenissen] == ["effect_gevraagd"]
    uitkomst: list[str] = []

    def tweede() -> None:
        with app.app_context():
            s = db.session
            try:
                r = me.effect_vragen(s, aanvraag_id, moment, kal)
                s.commit()
                uitkomst.append("gevraagd" if r.gebeurtenissen else "al gevraagd")
            except Exception as e:  # reported, so the assertion shows what went wrong
                s.rollback()
                uitkomst.append(f"fout: {type(e).__name__}: {e}")
            finally:
                s.remove()

    draad = threading.Thread(target=tweede)
    draad.start()
    draad.join(timeout=0.5)
    assert draad.is_alive() and uitkomst == [], f"the second process did not wait for the lock: {uitkomst}"
    db_session.commit()
    draad.join(timeout=30)
    assert uitkomst == ["al gevraagd"]
    assert len(db_session.scalars(select(Effectmeting).where(Effectmeting.aanvraag_id == aanvraag_id)).all()) == 1
