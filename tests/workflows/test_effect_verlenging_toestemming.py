"""Renewal, consent and agreements (issue 17, point 5): the reminder four weeks before an end date, once per end
date; consent missing counted in werkdagen; agreements and every other sentence erased by retention."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.effect_hulp import opgelost, t, verstuurd
from workflows import usecases
from workflows import usecases_nazorg as uc
from workflows.bewaring import GEWIST, wis_zaken
from workflows.fouten import OngeldigeInvoer, OngeldigeOvergang
from workflows.models import Gebeurtenis
from workflows.nazorg import VERLENGING_HERINNERD, Afspraak, Effectmeting, Overdracht, ZaakNazorg
from workflows.overgangen import Actie, Actor
from workflows.termijnen import kalender


def _herinneren(session, now):
    kal = kalender(session)
    uit = []
    for zaak_id in uc.te_herinneren(session, now, kal):
        if uc.verlenging_herinneren(session, zaak_id, now, kal).gebeurtenissen:
            uit.append(zaak_id)
        session.commit()
    return uit


def test_the_renewal_reminder_comes_four_weeks_before_the_end_date_at_0800_and_once(db_session, wereld):
    zaak = opgelost(db_session, wereld, t("2026-03-10"))
    uc.einddatum_vastleggen(db_session, Actor.gebruiker(wereld.manager), zaak.id, date(2026, 10, 29), t("2026-03-11"))
    db_session.commit()
    # 29 October minus 28 days: Thursday 1 October 2026.
    assert _herinneren(db_session, t("2026-09-30", "23:00")) == []
    assert _herinneren(db_session, t("2026-10-01", "07:59")) == []
    assert _herinneren(db_session, t("2026-10-01", "08:00")) == [zaak.id]
    assert _herinneren(db_session, t("2026-10-02", "08:00")) == []
    assert uc.verlenging_herinneren(db_session, zaak.id, t("2026-10-05")).gebeurtenissen == []
    db_session.commit()
    assert len(db_session.scalars(select(Gebeurtenis).where(Gebeurtenis.zaak_id == zaak.id,
                                                            Gebeurtenis.actie == VERLENGING_HERINNERD)).all()) == 1
    # Renewed: the new end date gets its own reminder. Four weeks before 1 May 2027 is Saturday 3 April; the
    # first werkdag from then is Monday 5 April (Easter 2027 is 28 March, so that Monday is no holiday).
    uc.einddatum_vastleggen(db_session, Actor.gebruiker(wereld.manager), zaak.id, date(2027, 5, 1), t("2026-10-20"))
    db_session.commit()
    assert _herinneren(db_session, t("2027-04-03", "09:00")) == []  # the Saturday itself
    assert _herinneren(db_session, t("2027-04-05", "08:00")) == [zaak.id]


def test_an_end_date_belongs_to_a_solved_case_and_lies_after_today(db_session, wereld):
    open_ = verstuurd(db_session, wereld, t("2026-03-10"))
    with pytest.raises(OngeldigeOvergang):
        uc.einddatum_vastleggen(db_session, Actor.gebruiker(wereld.manager), open_.id, date(2026, 12, 1),
                                t("2026-03-11"))
    db_session.rollback()
    zaak = opgelost(db_session, wereld, t("2026-03-10"), clientreferentie="FEY-2026-004")
    with pytest.raises(OngeldigeInvoer):
        uc.einddatum_vastleggen(db_session, Actor.gebruiker(wereld.manager), zaak.id, date(2026, 3, 11),
                                t("2026-03-11"))


def test_consent_missing_is_counted_in_werkdagen_until_given(db_session, wereld):
    zaak = verstuurd(db_session, wereld, t("2026-03-10"))
    team = Actor.gebruiker(wereld.medewerker)
    uc.toestemming_vastleggen(db_session, team, zaak.id, "ontbreekt", t("2026-03-10", "08:30"))
    db_session.commit()
    n = db_session.get(ZaakNazorg, zaak.id)
    assert n.toestemming_ontbrak and n.ontbreekt_sinds == t("2026-03-10", "08:30")
    uc.toestemming_vastleggen(db_session, team, zaak.id, "gegeven", t("2026-03-12", "08:30"))  # two werkdagen
    db_session.commit()
    db_session.refresh(n)
    assert n.toestemming.value == "gegeven" and n.ontbreekt_sinds is None and n.ontbrak_werkdagen == 2.0
    assert n.toestemming_ontbrak  # a fact for the report: it was missing once
    assert uc.toestemming_vastleggen(db_session, team, zaak.id, "gegeven", t("2026-03-13")).gebeurtenissen == []


def test_agreements_are_the_teams_and_refuse_a_bsn(db_session, wereld):
    zaak = verstuurd(db_session, wereld, t("2026-03-10"))
    uc.afspraak_vastleggen(db_session, Actor.gebruiker(wereld.medewerker), zaak.id,
                           "Meldt zich aan bij de schuldhulp en houdt een kasboek bij.", date(2026, 4, 1),
                           t("2026-03-10"))
    db_session.commit()
    a, = uc.afspraken_van(db_session, zaak.id)
    assert a.uiterlijk == date(2026, 4, 1) and a.vastgelegd_door == wereld.medewerker.naam
    with pytest.raises(OngeldigeInvoer):
        uc.afspraak_vastleggen(db_session, Actor.gebruiker(wereld.manager), zaak.id, "BSN 111222333", None,
                               t("2026-03-10"))
    db_session.rollback()
    from workflows.usecases import ZaakOnbekend

    with pytest.raises(ZaakOnbekend):
        uc.afspraak_vastleggen(db_session, Actor.gebruiker(wereld.andere_manager), zaak.id, "x", None,
                               t("2026-03-10"))


def test_retention_erases_agreements_the_effects_sentence_and_hand_over_notes_and_keeps_the_facts(db_session, wereld):
    zaak = opgelost(db_session, wereld, t("2026-03-10"))
    team = Actor.gebruiker(wereld.manager)
    uc.afspraak_vastleggen(db_session, team, zaak.id, "Houdt een kasboek bij.", None, t("2026-03-10", "12:00"))
    uc.effect_vastleggen(db_session, team, zaak.id, "verbeterd", "vervolgtraject", "Huur weer betaald.",
                         t("2026-03-11"))
    uc.overdracht_voorstellen(db_session, team, zaak.id, wereld.ander_team.id, "Verhuist naar Ommoord.",
                              t("2026-03-11"))
    o = uc.open_overdracht(db_session, zaak.id)
    uc.overdracht_beslissen(db_session, Actor.gebruiker(wereld.andere_manager), o.id, False, "Nog niet verhuisd.",
                            t("2026-03-12"))
    uc.toestemming_vastleggen(db_session, team, zaak.id, "ontbreekt", t("2026-03-12"))
    usecases.handelen(db_session, team, zaak.id, Actie.SLUITEN, t("2026-03-13"), structureel=False)
    db_session.commit()
    wis_zaken(db_session, [zaak.id], t("2027-04-01"))
    db_session.commit()
    db_session.expire_all()
    assert [a.tekst for a in db_session.scalars(select(Afspraak))] == [GEWIST]
    m = db_session.scalars(select(Effectmeting)).one()
    assert (m.toelichting, m.schaal.value, m.eindpunt.value) == ("", "verbeterd", "vervolgtraject")
    o = db_session.scalars(select(Overdracht)).one()
    assert (o.notitie, o.reden, o.status.value) == (GEWIST, "", "geweigerd")
    assert db_session.get(ZaakNazorg, zaak.id).toestemming_ontbrak
    assert all(g.toelichting == "" for g in db_session.scalars(select(Gebeurtenis)
                                                                 .where(Gebeurtenis.zaak_id == zaak.id)))
