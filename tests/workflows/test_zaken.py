"""The case state machine: every allowed and every forbidden transition, events, deadlines."""
from datetime import datetime, timedelta
from itertools import product
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import NU
from workflows import knipkaart
from workflows.fouten import GeenToegang, OngeldigeInvoer, OngeldigeOvergang
from workflows.models import Gebeurtenis, Status, Uitkomst, ZaakSoort
from workflows.zaken import Actor, bericht_plaatsen, nieuwe_zaak, uitvoeren

AMS = ZoneInfo("Europe/Amsterdam")
OPEN_BIJ_DIENST = {"verstuurd", "ontvangen", "in_behandeling", "heropend"}

# The specification, written out: (action, kinds, from-states, who, to-state).
# "manager" = wijkteammanager of the case's team, "team" = manager or medewerker of that team, "dienst" = contactpersoon.
SPEC = [
    ("versturen", {"knip", "escalatie"}, {"concept"}, {"manager"}, "verstuurd"),
    ("intrekken", {"knip", "escalatie"}, {"concept", "verstuurd", "ontvangen", "in_behandeling", "wacht_op_wijkteam",
                                          "heropend"}, {"manager"}, "teruggetrokken"),
    ("ontvangen", {"knip", "escalatie"}, {"verstuurd"}, {"dienst"}, "ontvangen"),
    ("in_behandeling", {"knip", "escalatie"}, {"verstuurd", "ontvangen", "heropend"}, {"dienst"}, "in_behandeling"),
    ("vraag", {"knip", "escalatie"}, OPEN_BIJ_DIENST, {"dienst"}, "wacht_op_wijkteam"),
    ("beantwoorden", {"knip", "escalatie"}, {"wacht_op_wijkteam"}, {"manager", "medewerker"}, "in_behandeling"),
    ("toegekend", {"escalatie"}, OPEN_BIJ_DIENST, {"dienst"}, "opgelost"),
    ("afgewezen", {"escalatie"}, OPEN_BIJ_DIENST, {"dienst"}, "opgelost"),
    ("anders_opgelost", {"escalatie"}, OPEN_BIJ_DIENST, {"dienst"}, "opgelost"),
    ("uitgevoerd", {"knip"}, {"verstuurd", "ontvangen", "in_behandeling"}, {"dienst"}, "opgelost"),
    ("regulier", {"knip"}, {"verstuurd", "ontvangen", "in_behandeling"}, {"dienst"}, "opgelost"),
    ("bezwaar", {"knip"}, {"verstuurd", "ontvangen", "in_behandeling"}, {"dienst"}, "opgelost"),
    ("doorsturen_lmw", {"escalatie"}, {"verstuurd", "ontvangen", "in_behandeling", "heropend"}, {"manager"},
     "verstuurd"),
    ("sluiten", {"knip", "escalatie"}, {"opgelost"}, {"manager"}, "gesloten"),
    ("heropenen", {"escalatie"}, {"opgelost", "gesloten"}, {"manager"}, "heropend"),
]
ACTOREN = ["manager", "medewerker", "andere_manager", "dienst", "beheerder", "management"]
STATUSSEN = [s.value for s in Status]


def _actor(wereld, wie):
    if wie == "dienst":
        return Actor.dienst("Sanne Vos (Werk & Inkomen)", wereld.cp_wi.id, "contactpersoon")
    return Actor.gebruiker(getattr(wereld, wie))


def _zaak_in(session, wereld, soort, status):
    """A real case, sent through the domain when it needs to be, then put in `status`."""
    manager = Actor.gebruiker(wereld.manager)
    dienst = wereld.wi if soort == "knip" else wereld.wmo
    zaak = nieuwe_zaak(session, manager, ZaakSoort(soort), wereld.invoer(dienst=dienst), NU)
    if status != "concept":
        uitvoeren(session, manager, zaak, "versturen", NU)
        zaak.status = Status(status)
        if status == "wacht_op_wijkteam":
            zaak.pauze_sinds = NU
        if status in ("opgelost", "gesloten"):
            zaak.uitkomst = Uitkomst.UITGEVOERD if soort == "knip" else Uitkomst.TOEGEKEND
            zaak.opgelost_op = NU
    session.flush()
    return zaak


def _mag_volgens_spec(actie, soort, status, wie):
    for a, soorten, van, door, naar in SPEC:
        if a == actie:
            rollen = door | ({"manager", "medewerker"} if "team" in door else set())
            return soort in soorten and status in van and wie in rollen, naar
    raise AssertionError(actie)


@pytest.fixture
def ruime_kaart(db_session, wereld):
    knipkaart.quotum_instellen(db_session, wereld.team.id, 2026, 1000)


@pytest.mark.parametrize("actie", [s[0] for s in SPEC])
def test_every_transition_is_allowed_exactly_where_the_specification_says(db_session, wereld, ruime_kaart, actie):
    for soort, status, wie in product(["knip", "escalatie"], STATUSSEN, ACTOREN):
        zaak = _zaak_in(db_session, wereld, soort, status)
        toegestaan, naar = _mag_volgens_spec(actie, soort, status, wie)
        poging = f"{actie} on a {soort} in {status} by {wie}"
        if toegestaan and actie == "doorsturen_lmw":
            # Allowed by role and state, but only for a bovenlokaal case whose ladder is exhausted
            # (tests/workflows/test_bewaking.py): here that condition is what refuses it.
            with pytest.raises(OngeldigeOvergang, match="Landelijk Maatwerkloket"):
                uitvoeren(db_session, _actor(wereld, wie), zaak, actie, NU, toelichting="Omdat het nodig is")
        elif toegestaan:
            g = uitvoeren(db_session, _actor(wereld, wie), zaak, actie, NU + timedelta(hours=1),
                          toelichting="Omdat het nodig is")
            assert zaak.status.value == naar, poging
            assert (g.van_status.value, g.naar_status.value) == (status, naar), poging
        else:
            with pytest.raises((OngeldigeOvergang, GeenToegang)):
                uitvoeren(db_session, _actor(wereld, wie), zaak, actie, NU, toelichting="Omdat het nodig is")
            assert zaak.status.value == status, poging


def test_an_unknown_action_is_a_named_error(db_session, wereld):
    zaak = _zaak_in(db_session, wereld, "escalatie", "verstuurd")
    with pytest.raises(OngeldigeOvergang, match="Onbekende actie"):
        uitvoeren(db_session, _actor(wereld, "dienst"), zaak, "verwijderen", NU)


def test_every_transition_is_an_event_with_actor_time_and_reason(db_session, wereld):
    zaak = _zaak_in(db_session, wereld, "escalatie", "verstuurd")
    later = NU + timedelta(hours=3)
    uitvoeren(db_session, _actor(wereld, "dienst"), zaak, "afgewezen", later, toelichting="Geen grondslag")
    g = db_session.query(Gebeurtenis).filter_by(zaak_id=zaak.id, actie="afgewezen").one()
    assert (g.actor_label, g.op, g.toelichting) == ("Sanne Vos (Werk & Inkomen)", later, "Geen grondslag")


def test_refusing_or_objecting_needs_a_reason(db_session, wereld):
    zaak = _zaak_in(db_session, wereld, "escalatie", "ontvangen")
    with pytest.raises(OngeldigeInvoer):
        uitvoeren(db_session, _actor(wereld, "dienst"), zaak, "afgewezen", NU, toelichting="  ")
    assert zaak.status == Status.ONTVANGEN


def test_sending_computes_both_deadlines_in_werkdagen_and_routes_the_case(db_session, wereld):
    manager = Actor.gebruiker(wereld.manager)
    zaak = nieuwe_zaak(db_session, manager, ZaakSoort.ESCALATIE, wereld.invoer(dienst=wereld.wmo), NU)
    vrijdagavond = datetime(2026, 3, 13, 18, 0, tzinfo=AMS)
    uitvoeren(db_session, manager, zaak, "versturen", vrijdagavond)
    # hoog: 2 werkdagen to react, 5 to resolve, counted from the date sent.
    assert zaak.reactie_deadline == datetime(2026, 3, 17, 17, 0, tzinfo=AMS)
    assert zaak.oplos_deadline == datetime(2026, 3, 20, 17, 0, tzinfo=AMS)
    assert zaak.ontvanger_email == "wmo@test.local" and "vaste contactpersoon" in zaak.routering_reden
    assert zaak.nummer == "ES-2026-0001"


def test_a_knip_uses_the_knip_norm_whatever_its_urgency(db_session, wereld):
    manager = Actor.gebruiker(wereld.manager)
    zaak = nieuwe_zaak(db_session, manager, ZaakSoort.KNIP, wereld.invoer(), NU)
    dinsdag = datetime(2026, 3, 10, 11, 0, tzinfo=AMS)
    uitvoeren(db_session, manager, zaak, "versturen", dinsdag)
    assert zaak.reactie_deadline == datetime(2026, 3, 11, 17, 0, tzinfo=AMS)
    assert zaak.oplos_deadline == datetime(2026, 3, 12, 17, 0, tzinfo=AMS)
    assert zaak.nummer == "KN-2026-0001"


def test_a_question_pauses_the_oplostermijn_until_the_team_answers(db_session, wereld):
    manager = Actor.gebruiker(wereld.manager)
    zaak = nieuwe_zaak(db_session, manager, ZaakSoort.ESCALATIE, wereld.invoer(dienst=wereld.wmo), NU)
    uitvoeren(db_session, manager, zaak, "versturen", datetime(2026, 3, 9, 9, 0, tzinfo=AMS))  # Monday
    voor = zaak.oplos_deadline
    uitvoeren(db_session, _actor(wereld, "dienst"), zaak, "vraag", datetime(2026, 3, 10, 10, 0, tzinfo=AMS),
              toelichting="Is er al een aanvraag bijzondere bijstand gedaan?")
    assert zaak.status == Status.WACHT_OP_WIJKTEAM and zaak.ontvangen_op is not None
    # Answered Thursday 09:00: the 17:00 moments of Tuesday and Wednesday passed during the wait.
    uitvoeren(db_session, manager, zaak, "beantwoorden", datetime(2026, 3, 12, 9, 0, tzinfo=AMS),
              toelichting="Ja, afgewezen op 2 maart.")
    assert zaak.status == Status.IN_BEHANDELING and zaak.pauze_sinds is None
    assert zaak.oplos_deadline == voor + timedelta(days=2)
    assert [b.van_wijkteam for b in zaak.berichten] == [False, True]


def test_a_bsn_in_any_free_text_is_refused(db_session, wereld):
    manager = Actor.gebruiker(wereld.manager)
    with pytest.raises(OngeldigeInvoer) as fout:
        nieuwe_zaak(db_session, manager, ZaakSoort.ESCALATIE,
                    wereld.invoer(dienst=wereld.wmo, gevraagd="Inwoner met bsn 111222333 heeft een fiets nodig"), NU)
    assert fout.value.veld == "gevraagd" and "burgerservicenummer" in fout.value.melding
    zaak = _zaak_in(db_session, wereld, "escalatie", "verstuurd")
    with pytest.raises(OngeldigeInvoer):
        bericht_plaatsen(db_session, manager, zaak, "BSN 111.222.333", NU)


def test_a_knip_cannot_go_to_a_dienst_that_takes_no_knips(db_session, wereld):
    from workflows.fouten import DienstAccepteertGeenKnippen

    with pytest.raises(DienstAccepteertGeenKnippen):
        nieuwe_zaak(db_session, Actor.gebruiker(wereld.manager), ZaakSoort.KNIP,
                    wereld.invoer(dienst=wereld.wmo, uitzondering=None), NU)


def test_only_the_team_makes_cases(db_session, wereld):
    for wie in ("beheerder", "management", "dienst"):
        with pytest.raises(GeenToegang):
            nieuwe_zaak(db_session, _actor(wereld, wie), ZaakSoort.ESCALATIE, wereld.invoer(dienst=wereld.wmo), NU)


def test_cause_anders_needs_an_explanation(db_session, wereld):
    with pytest.raises(OngeldigeInvoer) as fout:
        nieuwe_zaak(db_session, Actor.gebruiker(wereld.manager), ZaakSoort.ESCALATIE,
                    wereld.invoer(dienst=wereld.wmo, oorzaak_id=wereld.anders.id), NU)
    assert fout.value.veld == "oorzaak_toelichting"


def test_a_new_case_keeps_its_urgency_and_exception_as_enums(db_session, wereld):
    from workflows.models import UitzonderingSoort, Urgentie

    zaak = nieuwe_zaak(db_session, Actor.gebruiker(wereld.manager), ZaakSoort.KNIP,
                       wereld.invoer(clientreferentie="  FEY-1  "), NU)
    assert zaak.urgentie is Urgentie.HOOG and zaak.uitzondering is UitzonderingSoort.WACHTTERMIJN
    assert zaak.clientreferentie == "FEY-1"
