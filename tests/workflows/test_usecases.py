"""The use cases as specifications, on a bare SQLAlchemy session: no Flask app, no mail, one transaction each."""
from __future__ import annotations

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from tests.fabriek import Gemeente, t
from workflows import usecases
from workflows.bewaking import open_stappen
from workflows.fouten import OngeldigeInvoer, OngeldigeOvergang
from workflows.models import Base, Gebeurtenis, KnipkaartMutatie, Status, Termijnstap, ZaakSoort
from workflows.overgangen import Actie
from workflows.zaken import kalender


@pytest.fixture
def session(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'usecases.sqlite'}")
    Base.metadata.create_all(engine)
    with Session(engine) as s:
        yield s
    engine.dispose()


@pytest.fixture
def gemeente(session):
    g = Gemeente(session)
    session.commit()
    return g


def _verstuurd(session, g, moment=None, **over):
    r = usecases.zaak_aanmaken(session, g.team_actor, over.pop("soort", ZaakSoort.ESCALATIE), g.invoer(**over),
                               moment or t("2026-03-09"), versturen=True)
    session.commit()
    return r.zaak


def _acties(session, zaak):
    return [g.actie for g in session.scalars(select(Gebeurtenis).where(Gebeurtenis.zaak_id == zaak.id)
                                             .order_by(Gebeurtenis.id))]


def test_a_plain_message_from_the_dienst_is_its_first_reaction(session, gemeente):
    zaak = _verstuurd(session, gemeente)
    r = usecases.antwoord_toepassen(session, gemeente.dienst_actor(), zaak.id, "Ik pak dit morgen op.",
                                    t("2026-03-09", "14:00"))
    session.commit()
    assert zaak.status == Status.ONTVANGEN and zaak.ontvangen_op == t("2026-03-09", "14:00")
    assert [g.actie for g in r.gebeurtenissen] == ["ontvangen"] and r.berichten[0].tekst == "Ik pak dit morgen op."
    # the reactietermijn is met: what runs now is the oplostermijn, so no climb for want of a reaction
    assert {s.klok for s in open_stappen(session, zaak, kalender(session))} == {"oplos"}
    assert usecases.termijnstappen_nemen(session, zaak.id, t("2026-03-11", "17:30")).gebeurtenissen == []


def test_a_keyword_reply_acknowledges_and_acts(session, gemeente):
    zaak = _verstuurd(session, gemeente)
    r = usecases.antwoord_toepassen(session, gemeente.dienst_actor(), zaak.id, "toegekend: per vandaag",
                                    t("2026-03-10"))
    session.commit()
    assert (zaak.status, zaak.uitkomst.value) == (Status.OPGELOST, "toegekend")
    assert zaak.ontvangen_op == t("2026-03-10") and r.overgang.toelichting == "per vandaag"


def test_an_out_of_office_reply_does_not_acknowledge_and_sends_the_case_to_the_vervanger(session, gemeente):
    zaak = _verstuurd(session, gemeente)
    versie = zaak.link_versie
    r = usecases.automatisch_antwoord(session, zaak.id, "wi@test.local", "Automatisch antwoord: afwezig",
                                      t("2026-03-09", "10:05"))
    session.commit()
    assert zaak.status == Status.VERSTUURD and zaak.ontvangen_op is None
    assert [g.actie for g in r.gebeurtenissen] == ["automatisch_antwoord", "herrouteerd"]
    assert zaak.ontvanger_email == "wi.vervanger@test.local" and zaak.link_versie == versie + 1


def test_the_teams_message_while_waited_on_is_its_answer_and_restarts_the_clock(session, gemeente):
    zaak = _verstuurd(session, gemeente)
    usecases.handelen(session, gemeente.dienst_actor(), zaak.id, Actie.VRAAG, t("2026-03-10"),
                      toelichting="Sinds wanneer geen inkomen?")
    session.commit()
    voor = zaak.oplos_deadline
    alleen = usecases.bericht_plaatsen(session, gemeente.team_actor, zaak.id, "We vragen het na.", t("2026-03-11"),
                                       als_antwoord=False)
    assert zaak.status == Status.WACHT_OP_WIJKTEAM and alleen.overgang is None
    r = usecases.bericht_plaatsen(session, gemeente.team_actor, zaak.id, "Sinds februari.", t("2026-03-12"))
    session.commit()
    assert zaak.status == Status.IN_BEHANDELING and r.overgang.actie == "beantwoorden"
    assert zaak.pauze_sinds is None and zaak.oplos_deadline > voor  # the two werkdagen of waiting are added


def test_a_team_waited_on_is_reminded_after_two_werkdagen_then_weekly(session, gemeente):
    zaak = _verstuurd(session, gemeente)
    usecases.handelen(session, gemeente.dienst_actor(), zaak.id, Actie.VRAAG, t("2026-03-10", "11:00"),
                      toelichting="Welke offerte?")
    session.commit()
    assert usecases.termijnstappen_nemen(session, zaak.id, t("2026-03-12", "16:59")).gebeurtenissen == []
    eerste = usecases.termijnstappen_nemen(session, zaak.id, t("2026-03-12", "17:00")).gebeurtenissen
    assert [g.actie for g in eerste] == ["team_herinnerd"]
    assert usecases.termijnstappen_nemen(session, zaak.id, t("2026-03-18", "17:00")).gebeurtenissen == []
    tweede = usecases.termijnstappen_nemen(session, zaak.id, t("2026-03-19", "17:00")).gebeurtenissen
    assert [g.actie for g in tweede] == ["team_herinnerd"]


def test_a_case_climbs_one_ladder_and_both_clocks_start_afresh(session, gemeente):
    zaak = _verstuurd(session, gemeente)  # hoog, Monday 10:00: react by Wednesday, solve by the next Monday
    r = usecases.termijnstappen_nemen(session, zaak.id, t("2026-03-20", "10:00"))  # both terms long passed
    session.commit()
    assert [g.actie for g in r.gebeurtenissen] == ["herinnering", "termijn_verlopen", "opgeschaald"]
    assert zaak.trede == 1 and zaak.ontvanger_email == "tl.wi@test.local"
    assert zaak.reactie_deadline == t("2026-03-24", "17:00") and zaak.oplos_deadline == t("2026-03-27", "17:00")
    assert session.scalars(select(Termijnstap.klok)).all() == ["reactie", "reactie"]


def test_the_landelijk_maatwerkloket_is_not_a_first_stop(session, gemeente):
    with pytest.raises(OngeldigeInvoer, match="lokale escalatie") as fout:
        usecases.zaak_aanmaken(session, gemeente.team_actor, ZaakSoort.ESCALATIE,
                               gemeente.invoer(dienst=gemeente.lmw, uitzondering=None), t("2026-03-09"))
    assert fout.value.veld == "dienst_id"


def test_forwarding_to_the_lmw_is_offered_once_the_ladder_of_a_bovenlokaal_case_is_exhausted(session, gemeente):
    """Guards against switching the offer off for everyone (issue 19, point 5)."""
    from workflows.zaken import mogelijke_acties

    zaak = _verstuurd(session, gemeente, bovenlokaal=True)
    assert Actie.DOORSTUREN_LMW not in [o.actie for o in mogelijke_acties(gemeente.team_actor, zaak, session)]
    moment = t("2026-03-20")
    for _ in range(6):
        usecases.termijnstappen_nemen(session, zaak.id, moment)
        moment = moment.replace(day=moment.day + 7) if moment.day < 20 else moment.replace(month=moment.month + 1)
    session.commit()
    assert zaak.trede == 3
    assert Actie.DOORSTUREN_LMW in [o.actie for o in mogelijke_acties(gemeente.team_actor, zaak, session)]
    r = usecases.handelen(session, gemeente.team_actor, zaak.id, Actie.DOORSTUREN_LMW, moment,
                          toelichting="Landelijke regel")
    assert (r.zaak.dienst_id, r.zaak.trede, r.zaak.ontvanger_email) == (gemeente.lmw.id, 0, "lmw@test.local")


def test_a_closed_case_takes_no_message_and_its_links_stop_working(session, gemeente):
    zaak = _verstuurd(session, gemeente)
    usecases.handelen(session, gemeente.dienst_actor(), zaak.id, Actie.TOEGEKEND, t("2026-03-10"))
    versie = zaak.link_versie
    usecases.handelen(session, gemeente.team_actor, zaak.id, Actie.SLUITEN, t("2026-03-11"), structureel=False)
    session.commit()
    assert zaak.link_versie == versie + 1
    with pytest.raises(OngeldigeOvergang, match="gesloten"):
        usecases.antwoord_toepassen(session, gemeente.dienst_actor(), zaak.id, "Nog een vraag", t("2026-03-12"))


def test_a_knip_spends_one_and_regulier_returns_it_once(session, gemeente):
    zaak = _verstuurd(session, gemeente, soort=ZaakSoort.KNIP)
    usecases.antwoord_toepassen(session, gemeente.dienst_actor(), zaak.id, "REGULIER past binnen de regels",
                                t("2026-03-10"))
    session.commit()
    assert sorted(m.soort.value for m in session.scalars(select(KnipkaartMutatie))) == ["ingezet", "teruggegeven"]
    with pytest.raises(OngeldigeOvergang):
        usecases.handelen(session, gemeente.team_actor, zaak.id, Actie.INTREKKEN, t("2026-03-11"), toelichting="x")


def test_an_action_prints_as_its_value_in_forms_and_templates():
    """Guards against Python 3.11's str() of a str-enum ("Actie.UITGEVOERD") reaching a form's hidden field."""
    from workflows.overgangen import Voorval

    assert str(Actie.UITGEVOERD) == "uitgevoerd" and f"{Actie.DOORSTUREN_LMW}" == "doorsturen_lmw"
    assert str(Voorval.OPGESCHAALD) == "opgeschaald"


def test_a_case_forwarded_to_the_lmw_gets_its_own_reminders_and_ladder_there(session, gemeente):
    """Guards against the steps of the first dienst's ladder blocking those at the Landelijk Maatwerkloket
    (the step key must tell the two apart)."""
    from workflows.models import LadderTrede

    lmw_tl = gemeente._cp("Lotte Landelijk", "tl.lmw@test.local")
    lmw_tl.dienst_id = gemeente.lmw.id
    session.add(LadderTrede(dienst_id=gemeente.lmw.id, niveau=1, contactpersoon_id=lmw_tl.id))
    session.commit()
    zaak = _verstuurd(session, gemeente, bovenlokaal=True)
    moment = t("2026-03-20")
    for _ in range(6):
        usecases.termijnstappen_nemen(session, zaak.id, moment)
        moment = moment.replace(day=moment.day + 7) if moment.day < 20 else moment.replace(month=moment.month + 1)
    usecases.handelen(session, gemeente.team_actor, zaak.id, Actie.DOORSTUREN_LMW, t("2026-07-01"),
                      toelichting="Landelijke regel")
    session.commit()
    assert zaak.volgende_stap_op is not None  # the fresh terms at the LMW have steps
    r = usecases.termijnstappen_nemen(session, zaak.id, t("2026-07-20"))
    assert [g.actie for g in r.gebeurtenissen] == ["herinnering", "termijn_verlopen", "opgeschaald"]
    assert zaak.ontvanger_email == "tl.lmw@test.local"


def test_a_reopened_case_runs_its_ladder_again(session, gemeente):
    zaak = _verstuurd(session, gemeente)
    usecases.termijnstappen_nemen(session, zaak.id, t("2026-03-20"))  # climbed once
    usecases.handelen(session, gemeente.dienst_actor(gemeente.ladder[0]), zaak.id, Actie.AFGEWEZEN, t("2026-03-23"),
                      toelichting="Geen grond")
    usecases.handelen(session, gemeente.team_actor, zaak.id, Actie.HEROPENEN, t("2026-03-24"),
                      toelichting="Nieuwe informatie")
    session.commit()
    assert zaak.volgende_stap_op is not None
