"""The use cases' own decisions, pinned down one by one (workflows/usecases.py).

Written against the mutants mutmut left alive (docs/testing.md, "Mutation testing"): each test names in its
docstring the change to the code it fails on. On a bare SQLAlchemy session (SQLite), as
tests/workflows/test_usecases.py does; the row locks themselves are PostgreSQL's business
(tests/workflows/test_gelijktijdig.py, test_wedlopen.py).
"""
from __future__ import annotations

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from tests.fabriek import Gemeente, t
import workflows.waardering  # noqa: F401  (its table, for the rating on closing)
from workflows import usecases
from workflows.bewaking import open_stappen
from workflows.fouten import GeenToegang, KnipkaartVol, OngeldigeOvergang
from workflows.models import (
    Base,
    Bericht,
    Contactpersoon,
    Gebeurtenis,
    Gebruiker,
    KnipkaartMutatie,
    Rol,
    Status,
    Wijkteam,
    ZaakSoort,
)
from workflows.overgangen import Actie, Actor
from workflows.zaken import kalender


@pytest.fixture
def session(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'usecases_mutatie.sqlite'}")
    Base.metadata.create_all(engine)
    with Session(engine) as s:
        yield s
    engine.dispose()


@pytest.fixture
def g(session):
    g = Gemeente(session)
    session.commit()
    return g


def _verstuurd(session, g, soort=ZaakSoort.ESCALATIE, moment=None):
    r = usecases.zaak_aanmaken(session, g.team_actor, soort, g.invoer(), moment or t("2026-03-09"), versturen=True)
    session.commit()
    return r.zaak


def _acties(session, zaak):
    return [a for a in session.scalars(select(Gebeurtenis.actie).where(Gebeurtenis.zaak_id == zaak.id)
                                       .order_by(Gebeurtenis.id))]


def _berichten(session, zaak):
    return session.scalars(select(Bericht).where(Bericht.zaak_id == zaak.id).order_by(Bericht.id)).all()


def _knippen(session, zaak):
    return session.scalar(select(KnipkaartMutatie.id).where(KnipkaartMutatie.zaak_id == zaak.id).limit(1))


# ---------------------------------------------------------------- locking the case


def test_an_unknown_case_is_refused_by_every_use_case(session, g):
    """Fails when vergrendel lets a missing case through (None) or names the error differently."""
    with pytest.raises(usecases.ZaakOnbekend, match="^Deze zaak bestaat niet.$"):
        usecases.vergrendel(session, 999)
    with pytest.raises(usecases.ZaakOnbekend):
        usecases.handelen(session, g.team_actor, 999, Actie.VERSTUREN, t("2026-03-09"))


# ---------------------------------------------------------------- creating and sending


def test_a_new_case_stays_a_concept_unless_sent(session, g):
    """Fails when zaak_aanmaken sends by default (`versturen` made True) or spends a knip for a concept."""
    zaak = usecases.zaak_aanmaken(session, g.team_actor, ZaakSoort.KNIP, g.invoer(), t("2026-03-09")).zaak
    assert zaak.status == Status.CONCEPT and Actie.VERSTUREN.value not in _acties(session, zaak)
    assert _knippen(session, zaak) is None


def test_sending_at_creation_spends_a_knip_of_the_quota_given(session, g):
    """Fails when zaak_aanmaken does not pass `standaard_quotum` on (a new card gets the default quota), or
    reports no VERSTUREN event."""
    with pytest.raises(KnipkaartVol):
        usecases.zaak_aanmaken(session, g.team_actor, ZaakSoort.KNIP, g.invoer(), t("2026-03-09"), versturen=True,
                               standaard_quotum=0)
    session.rollback()
    r = usecases.zaak_aanmaken(session, g.team_actor, ZaakSoort.KNIP, g.invoer(), t("2026-03-09"), versturen=True,
                               standaard_quotum=1)
    assert r.zaak.status == Status.VERSTUURD and r.overgang.actie == Actie.VERSTUREN.value
    assert _knippen(session, r.zaak) is not None


def test_a_concept_is_edited_and_sent_only_when_asked(session, g):
    """Fails when concept_bijwerken sends by default, does not send when asked, or drops `standaard_quotum`."""
    zaak = usecases.zaak_aanmaken(session, g.team_actor, ZaakSoort.KNIP, g.invoer(), t("2026-03-09")).zaak
    session.commit()
    r = usecases.concept_bijwerken(session, g.team_actor, zaak.id, g.invoer(gevraagd="Een ander verzoek"),
                                   t("2026-03-09", "11:00"))
    assert (r.zaak.status, r.zaak.gevraagd, r.gebeurtenissen) == (Status.CONCEPT, "Een ander verzoek", [])
    session.commit()
    with pytest.raises(KnipkaartVol):
        usecases.concept_bijwerken(session, g.team_actor, zaak.id, g.invoer(), t("2026-03-09", "12:00"),
                                   versturen=True, standaard_quotum=0)
    session.rollback()
    r = usecases.concept_bijwerken(session, g.team_actor, zaak.id, g.invoer(), t("2026-03-09", "12:00"),
                                   versturen=True, standaard_quotum=1)
    assert r.zaak.status == Status.VERSTUURD and [e.actie for e in r.gebeurtenissen] == ["versturen"]


def test_an_action_carries_its_explanation_and_the_closing_its_structural_mark(session, g):
    """Fails when handelen does not pass the explanation, `structureel` or `standaard_quotum` on."""
    zaak = _verstuurd(session, g)
    r = usecases.handelen(session, g.dienst_actor(), zaak.id, Actie.AFGEWEZEN, t("2026-03-10"),
                          toelichting="Geen grond")
    assert r.gebeurtenissen[0].toelichting == "Geen grond" and r.zaak.status == Status.OPGELOST
    r = usecases.handelen(session, g.team_actor, zaak.id, Actie.SLUITEN, t("2026-03-11"), structureel=True)
    assert r.zaak.structureel is True and r.overgang.actie == "sluiten"
    concept = usecases.zaak_aanmaken(session, g.team_actor, ZaakSoort.KNIP, g.invoer(), t("2026-03-09")).zaak
    with pytest.raises(KnipkaartVol):
        usecases.handelen(session, g.team_actor, concept.id, Actie.VERSTUREN, t("2026-03-12"), standaard_quotum=0)


# ---------------------------------------------------------------- messages


def test_the_dienst_s_first_message_acknowledges_with_a_named_reason_and_a_later_one_does_not(session, g):
    """Fails when _eerste_reactie drops its explanation, acknowledges twice, or acknowledges for the team."""
    zaak = _verstuurd(session, g)
    r = usecases.bericht_plaatsen(session, g.team_actor, zaak.id, "Nog een detail.", t("2026-03-09", "11:00"))
    assert zaak.status == Status.VERSTUURD and r.gebeurtenissen == []  # the team's message is no reaction
    r = usecases.bericht_plaatsen(session, g.dienst_actor(), zaak.id, " Ik kijk ernaar. ", t("2026-03-09", "12:00"))
    assert [(e.actie, e.toelichting) for e in r.gebeurtenissen] == [("ontvangen", "Eerste reactie: een bericht.")]
    assert r.berichten[0].tekst == "Ik kijk ernaar." and r.berichten[0].kanaal == "web"
    r = usecases.bericht_plaatsen(session, g.dienst_actor(), zaak.id, "Nog even.", t("2026-03-09", "13:00"))
    assert r.gebeurtenissen == [] and zaak.ontvangen_op == t("2026-03-09", "12:00")


def test_a_case_forwarded_after_acknowledgement_is_not_acknowledged_again_by_a_message(session, g):
    """Fails when _eerste_reactie stops checking `ontvangen_op` (a case back at VERSTUURD that was acknowledged
    before gets a second 'ontvangen')."""
    zaak = _verstuurd(session, g)
    usecases.handelen(session, g.dienst_actor(), zaak.id, Actie.ONTVANGEN, t("2026-03-09", "11:00"))
    zaak.status = Status.VERSTUURD  # as after forwarding: the status is back, the acknowledgement stays
    session.flush()
    r = usecases.bericht_plaatsen(session, g.dienst_actor(), zaak.id, "Hier is het.", t("2026-03-09", "12:00"))
    assert r.gebeurtenissen == [] and zaak.status == Status.VERSTUURD


def test_only_the_team_and_the_dienst_post_messages(session, g):
    """Fails when bericht_plaatsen lets someone else (another team's manager, the beheerder) post."""
    zaak = _verstuurd(session, g)
    ander = Wijkteam(naam="Oosterflank", soort="sociaal wijkteam", gebied="Prins Alexander")
    session.add(ander)
    session.flush()
    for gebruiker in [Gebruiker(email="oost@test.local", naam="Olga Oost", rol=Rol.WIJKTEAMMANAGER,
                                wijkteam_id=ander.id, wachtwoord_hash="x"),
                      Gebruiker(email="beheer@test.local", naam="Bea Beheer", rol=Rol.BEHEERDER, wachtwoord_hash="x")]:
        session.add(gebruiker)
        session.flush()
        with pytest.raises(GeenToegang, match="^U mag bij deze zaak geen bericht plaatsen.$"):
            usecases.bericht_plaatsen(session, Actor.gebruiker(gebruiker), zaak.id, "Hallo", t("2026-03-09"))
    assert _berichten(session, zaak) == []


def test_a_concept_takes_no_message(session, g):
    """Fails when bericht_plaatsen lets a message into a concept (the guard for CONCEPT dropped)."""
    zaak = usecases.zaak_aanmaken(session, g.team_actor, ZaakSoort.ESCALATIE, g.invoer(), t("2026-03-09")).zaak
    with pytest.raises(OngeldigeOvergang, match="concept"):
        usecases.bericht_plaatsen(session, g.team_actor, zaak.id, "Hallo", t("2026-03-09"))


def test_the_teams_answer_only_while_waited_on_and_only_when_not_declined(session, g):
    """Fails when bericht_plaatsen treats `als_antwoord=True` as no answer, or answers when the dienst is not
    waiting."""
    zaak = _verstuurd(session, g)
    usecases.handelen(session, g.dienst_actor(), zaak.id, Actie.VRAAG, t("2026-03-10"), toelichting="Welk adres?")
    r = usecases.bericht_plaatsen(session, g.team_actor, zaak.id, " Kerkstraat 1 ", t("2026-03-11"),
                                  als_antwoord=True)
    assert r.overgang.actie == "beantwoorden" and r.overgang.toelichting == "Kerkstraat 1"
    assert zaak.status == Status.IN_BEHANDELING
    r = usecases.bericht_plaatsen(session, g.team_actor, zaak.id, "Nog iets", t("2026-03-12"), als_antwoord=True)
    assert r.overgang is None and [b.tekst for b in r.berichten] == ["Nog iets"]


# ---------------------------------------------------------------- replies by mail


def test_a_reply_is_a_mail_message(session, g):
    """Fails when antwoord_toepassen does not record the channel 'e-mail' (its default changed or not passed)."""
    zaak = _verstuurd(session, g)
    r = usecases.antwoord_toepassen(session, g.dienst_actor(), zaak.id, "Wij pakken het op.", t("2026-03-09"))
    assert r.berichten[0].kanaal == "e-mail"
    r = usecases.antwoord_toepassen(session, g.dienst_actor(), zaak.id, "Via de quarantaine.", t("2026-03-09"),
                                    kanaal="quarantaine")
    assert r.berichten[0].kanaal == "quarantaine"


def test_ontvangen_on_an_acknowledged_case_posts_what_follows_or_the_word_itself(session, g):
    """Fails when a repeated 'ONTVANGEN' makes a transition again, loses the text after it, or posts nothing
    when there is nothing after it."""
    zaak = _verstuurd(session, g)
    usecases.antwoord_toepassen(session, g.dienst_actor(), zaak.id, "ONTVANGEN", t("2026-03-09", "11:00"))
    assert zaak.status == Status.ONTVANGEN and _berichten(session, zaak) == []
    r = usecases.antwoord_toepassen(session, g.dienst_actor(), zaak.id, "Ontvangen: morgen meer",
                                    t("2026-03-09", "12:00"))
    assert r.gebeurtenissen == [] and [b.tekst for b in r.berichten] == ["morgen meer"]
    r = usecases.antwoord_toepassen(session, g.dienst_actor(), zaak.id, "ONTVANGEN", t("2026-03-09", "13:00"))
    assert [b.tekst for b in r.berichten] == ["ONTVANGEN"]
    assert _acties(session, zaak).count("ontvangen") == 1


def test_the_teams_reply_is_never_read_for_a_keyword(session, g):
    """Fails when antwoord_toepassen reads keywords from the team's mail (the team could decide for the dienst)."""
    zaak = _verstuurd(session, g)
    r = usecases.antwoord_toepassen(session, g.team_actor, zaak.id, "TOEGEKEND graag", t("2026-03-09"))
    assert zaak.status == Status.VERSTUURD and [b.tekst for b in r.berichten] == ["TOEGEKEND graag"]


# ---------------------------------------------------------------- out-of-office replies


def _notitie(session, zaak):
    return session.scalars(select(Gebeurtenis.toelichting).where(
        Gebeurtenis.zaak_id == zaak.id, Gebeurtenis.actie == "automatisch_antwoord").order_by(Gebeurtenis.id)).all()


def test_an_out_of_office_is_noted_with_the_persons_name_and_the_subject(session, g):
    """Fails when automatisch_antwoord changes its note, does not cut the subject at 200 characters, or does
    not strip a trailing colon when the subject is empty; and when _naam_van stops finding a contactpersoon
    by address (any case) or stops falling back to the address."""
    zaak = _verstuurd(session, g)
    usecases.automatisch_antwoord(session, zaak.id, "WI@Test.local", "Afwezig tot maandag", t("2026-03-09"))
    usecases.automatisch_antwoord(session, zaak.id, "onbekend@elders.test", "x" * 250, t("2026-03-09"))
    usecases.automatisch_antwoord(session, zaak.id, "onbekend@elders.test", "", t("2026-03-09"))
    assert _notitie(session, zaak) == [
        "Afwezigheidsbericht ontvangen van Sanne Vos (automatisch antwoord): Afwezig tot maandag",
        "Afwezigheidsbericht ontvangen van onbekend@elders.test (automatisch antwoord): " + "x" * 200,
        "Afwezigheidsbericht ontvangen van onbekend@elders.test (automatisch antwoord)",
    ]


def test_an_out_of_office_of_the_routed_person_goes_to_the_vervanger_and_the_deadlines_follow(session, g):
    """Fails when the reroute ignores the case of the address, records the wrong reason or recipient, or does
    not recompute the deadlines."""
    zaak = _verstuurd(session, g)
    zaak.volgende_stap_op = None  # stale: only the recomputation after the reroute sets it again
    r = usecases.automatisch_antwoord(session, zaak.id, "Wi@TEST.local", "Afwezig", t("2026-03-10", "15:00"))
    herrouteerd = r.gebeurtenissen[1]
    assert herrouteerd.actie == "herrouteerd" and herrouteerd.betreft == "wi.vervanger@test.local"
    assert herrouteerd.toelichting == zaak.routering_reden == (
        "Sanne Vos is afwezig (automatisch antwoord); naar vervanger Ahmed Bakker.")
    assert zaak.ontvanger_id == g.vervanger.id
    assert zaak.volgende_stap_op == open_stappen(session, zaak, kalender(session))[0].op


@pytest.mark.parametrize("wie,status,trede", [
    ("wi.vervanger@test.local", Status.VERSTUURD, 0),  # not the routed person
    ("", Status.VERSTUURD, 0),
    ("wi@test.local", Status.VERSTUURD, 1),  # the case climbed: the rung's own person
    ("wi@test.local", Status.OPGELOST, 0),
    ("wi@test.local", Status.CONCEPT, 0),
])
def test_an_out_of_office_moves_only_an_open_case_at_its_first_rung_from_the_routed_person(session, g, wie,
                                                                                            status, trede):
    """Fails when any of automatisch_antwoord's conditions for a reroute is dropped or weakened (`and` made
    `or`, the address check, the rung, the open states)."""
    zaak = _verstuurd(session, g)
    zaak.status, zaak.trede = status, trede
    session.flush()
    r = usecases.automatisch_antwoord(session, zaak.id, wie, "Afwezig", t("2026-03-10"))
    assert [e.actie for e in r.gebeurtenissen] == ["automatisch_antwoord"]
    assert zaak.ontvanger_id == g.contact.id


def test_an_out_of_office_without_a_reachable_vervanger_changes_no_route(session, g):
    """Fails when automatisch_antwoord reroutes (or breaks) when there is no vervanger."""
    zaak = _verstuurd(session, g)
    g.vervanger.actief = False
    session.flush()
    r = usecases.automatisch_antwoord(session, zaak.id, "wi@test.local", "Afwezig", t("2026-03-10"))
    assert [e.actie for e in r.gebeurtenissen] == ["automatisch_antwoord"] and zaak.ontvanger_id == g.contact.id


def test_the_first_contactpersoon_with_an_address_names_it(session, g):
    """Fails when _naam_van does not take the first (lowest id) of two contactpersonen sharing an address."""
    session.add(Contactpersoon(naam="Zweder Zelfde", email="WI@test.local", dienst_id=g.wi.id))
    session.flush()
    assert usecases._naam_van(session, "wi@test.local") == "Sanne Vos"
    assert usecases._naam_van(session, None) is None


# ---------------------------------------------------------------- the system


def test_rerouting_a_closed_case_does_nothing_and_an_open_one_follows_routing(session, g):
    """Fails when herrouteren reports an event that did not happen, or does not recompute the next step after
    a reroute."""
    zaak = _verstuurd(session, g)
    g.contact.actief = False
    zaak.volgende_stap_op = None  # stale: only the recomputation after the reroute sets it again
    session.flush()
    r = usecases.herrouteren(session, zaak.id, t("2026-03-10"), "Bounce.")
    assert [e.actie for e in r.gebeurtenissen] == ["herrouteerd"] and r.gebeurtenissen[0].toelichting.startswith(
        "Bounce. ")
    assert zaak.ontvanger_id == g.vervanger.id
    assert zaak.volgende_stap_op == open_stappen(session, zaak, kalender(session))[0].op
    assert usecases.herrouteren(session, zaak.id, t("2026-03-10"), "Nog een bounce.").gebeurtenissen == []
    usecases.handelen(session, g.team_actor, zaak.id, Actie.INTREKKEN, t("2026-03-10"), toelichting="Weg")
    assert usecases.herrouteren(session, zaak.id, t("2026-03-10"), "Bounce.").gebeurtenissen == []


def test_deadline_steps_of_a_case_that_is_gone_are_nothing(session, g):
    """Fails when termijnstappen_nemen raises for a case that does not exist (erased meanwhile)."""
    r = usecases.termijnstappen_nemen(session, 999, t("2026-03-10"))
    assert r.zaak is None and r.gebeurtenissen == []


# ---------------------------------------------------------------- survivors of the run of 3 December 2026


def test_an_action_without_an_explanation_records_none(session, g):
    """Fails when handelen's default explanation is anything but empty (mutmut: toelichting="XXXX")."""
    zaak = _verstuurd(session, g)
    r = usecases.handelen(session, g.dienst_actor(), zaak.id, Actie.ONTVANGEN, t("2026-03-10"))
    assert r.gebeurtenissen[0].toelichting == ""


def test_an_advice_question_is_never_turned_into_an_escalation_by_handelen(session, g):
    """Fails when handelen lets OMZETTEN through to the state machine, or words the refusal otherwise (the
    page and the API show this sentence): only workflows.advies.omzetten makes the second case."""
    zaak = _verstuurd(session, g)
    with pytest.raises(OngeldigeOvergang) as fout:
        usecases.handelen(session, g.team_actor, zaak.id, Actie.OMZETTEN, t("2026-03-10"))
    assert fout.value.melding == "Zet een adviesvraag om met 'Omzetten in een escalatie' op de zaakpagina."
    with pytest.raises(OngeldigeOvergang):
        usecases.handelen(session, g.team_actor, zaak.id, "omzetten", t("2026-03-10"))


def test_closing_with_a_rating_stores_it_with_who_and_when_and_another_action_stores_none(session, g):
    """Fails when the rating is stored on another action than closing, or not on closing, or without the
    session, the actor, the case, the score and sentence or the moment (workflows/waardering.py)."""
    from workflows.waardering import van_zaak

    zaak = _verstuurd(session, g)
    usecases.handelen(session, g.dienst_actor(), zaak.id, Actie.TOEGEKEND, t("2026-03-10"), waardering=(2, "Nee"))
    assert van_zaak(session, zaak.id) is None
    usecases.handelen(session, g.team_actor, zaak.id, Actie.SLUITEN, t("2026-03-11", "14:00"),
                      waardering=(4, "Snel en duidelijk"))
    w = van_zaak(session, zaak.id)
    assert (w.score, w.toelichting, w.gegeven_door_id, w.wijkteam_id, w.dienst_id) == (
        4, "Snel en duidelijk", g.manager.id, g.team.id, g.wi.id)
    assert w.op == t("2026-03-11", "14:00")


def test_advies_on_a_knip_or_escalation_is_a_message_and_a_plain_reply_to_an_adviesvraag_is_the_advice(session, g):
    """Fails when "ADVIES: ..." from the dienst on an escalation is taken as advice (or loses its text), or when
    a plain reply to an open adviesvraag is not its advice, or one to an answered adviesvraag is."""
    from workflows.advies import antwoord_van, vraag_invoer

    zaak = _verstuurd(session, g)
    r = usecases.antwoord_toepassen(session, g.dienst_actor(), zaak.id, "ADVIES: bel de inwoner eerst", t("2026-03-10"))
    assert r.overgang.actie == "ontvangen" and [b.tekst for b in r.berichten] == ["ADVIES: bel de inwoner eerst"]
    assert r.zaak.status == Status.ONTVANGEN
    vraag = usecases.zaak_aanmaken(session, g.team_actor, ZaakSoort.ADVIESVRAAG, vraag_invoer(
        dienst_id=g.wi.id, vraag="Mag de zoektermijn eraf?", regel="De zoektermijn", oorzaak_id=g.oorzaak.id),
        t("2026-03-09"), versturen=True).zaak
    session.commit()
    r = usecases.antwoord_toepassen(session, g.dienst_actor(), vraag.id, "  Ja, bij acute nood mag dat.  ",
                                    t("2026-03-10"))
    assert r.overgang.actie == Actie.ADVISEREN.value and r.gebeurtenissen[-1].toelichting == "Ja, bij acute nood mag dat."
    session.refresh(vraag)
    assert antwoord_van(vraag) is not None and vraag.status not in (Status.VERSTUURD, Status.ONTVANGEN)
    r = usecases.antwoord_toepassen(session, g.dienst_actor(), vraag.id, "Nog een aanvulling.", t("2026-03-11"))
    assert r.overgang is None or r.overgang.actie != Actie.ADVISEREN.value


def test_an_out_of_office_keeps_the_end_of_its_subject(session, g):
    """Fails when more than spaces and colons are stripped from the noted text (mutmut: strip("XX :XX"))."""
    zaak = _verstuurd(session, g)
    r = usecases.automatisch_antwoord(session, zaak.id, "wi@test.local", "Afwezig tot maandag, bel XX", t("2026-03-10"))
    assert r.gebeurtenissen[0].toelichting.endswith("Afwezig tot maandag, bel XX")


def test_taking_the_deadline_steps_returns_the_case(session, g):
    """Fails when termijnstappen_nemen returns no case: its caller mails the steps about that case."""
    zaak = _verstuurd(session, g)
    r = usecases.termijnstappen_nemen(session, zaak.id, t("2026-04-20"))
    assert r.zaak is not None and r.zaak.id == zaak.id and r.gebeurtenissen


def test_a_new_concept_s_result_carries_its_creation_and_a_sent_one_also_the_sending(session, g):
    """Fails when zaak_aanmaken returns no events for a concept (mutmut: `Resultaat(zaak, )`): the creation is
    what tells the managers that a medewerker submitted a concept (notifications.uitgaand)."""
    r = usecases.zaak_aanmaken(session, g.team_actor, ZaakSoort.ESCALATIE, g.invoer(), t("2026-03-09"))
    assert [e.actie for e in r.gebeurtenissen] == ["aangemaakt"]
    r = usecases.zaak_aanmaken(session, g.team_actor, ZaakSoort.ESCALATIE, g.invoer(), t("2026-03-09"), versturen=True)
    assert [e.actie for e in r.gebeurtenissen] == ["aangemaakt", "versturen"]
