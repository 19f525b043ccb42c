"""The state machine's small rules, pinned down one by one (workflows/overgangen.py).

Written against the mutants mutmut left alive (docs/testing.md, "Mutation testing"): each test names in its
docstring the change to the code it fails on. No database: these are plain functions of plain values; a
`Zaak` here is an unsaved model object, only its `wijkteam_id` is read.
"""
import pytest

from workflows import overgangen
from workflows.models import ActorSoort, Gebruiker, Rol, Status, Uitkomst, Zaak, ZaakSoort
from workflows.overgangen import (
    DIENST,
    OPEN_BIJ_DIENST,
    OVERGANGEN,
    SYSTEEM,
    TREFWOORDEN,
    Actie,
    Actor,
    gebeurtenis_label,
    lees_trefwoord,
    mag,
    mag_zien,
    overgang,
)

ZAAK = Zaak(wijkteam_id=3)


def _gebruiker(rol: Rol, wijkteam_id: int | None = 3) -> Actor:
    return Actor.gebruiker(Gebruiker(id=7, naam="Anna de Vries", rol=rol, wijkteam_id=wijkteam_id))


# ---------------------------------------------------------------- who acts


def test_a_user_acts_as_themselves_in_their_role_and_team():
    """Fails when Actor.gebruiker drops or swaps a field (soort, label, rol, gebruiker_id, wijkteam_id)."""
    a = _gebruiker(Rol.MEDEWERKER)
    assert a == Actor(ActorSoort.GEBRUIKER, "Anna de Vries", "medewerker", gebruiker_id=7, wijkteam_id=3)
    assert (a.contactpersoon_id, a.functie) == (None, None)


def test_a_contactpersoon_acts_as_the_dienst_with_their_function():
    """Fails when Actor.dienst drops the label, the contactpersoon id or the function, or is not the dienst."""
    a = Actor.dienst("Sanne Vos (Werk & Inkomen)", 12, "teamleider")
    assert a == Actor(ActorSoort.CONTACTPERSOON, "Sanne Vos (Werk & Inkomen)", DIENST, contactpersoon_id=12,
                      functie="teamleider")
    assert (a.gebruiker_id, a.wijkteam_id) == (None, None)
    assert Actor.dienst("De dienst") == Actor(ActorSoort.CONTACTPERSOON, "De dienst", DIENST)


def test_the_system_acts_as_knipkaart():
    """Fails when Actor.systeem's kind, label or role is changed."""
    a = Actor.systeem()
    assert a == Actor(ActorSoort.SYSTEEM, "Knipkaart", SYSTEEM)
    assert (a.gebruiker_id, a.wijkteam_id, a.contactpersoon_id, a.functie) == (None, None, None, None)
    assert not a.is_dienst and not a.hoort_bij_team(ZAAK)


def test_only_a_dienst_actor_with_that_function_is_the_maatwerkfunctionaris():
    """Fails when is_maatwerkfunctionaris checks only one of its two conditions (`and` made `or`)."""
    assert Actor.dienst("M", 1, "maatwerkfunctionaris").is_maatwerkfunctionaris
    assert not Actor.dienst("C", 1, "contactpersoon").is_maatwerkfunctionaris
    assert not Actor(ActorSoort.GEBRUIKER, "X", "medewerker", functie="maatwerkfunctionaris").is_maatwerkfunctionaris


@pytest.mark.parametrize("rol,team,hoort_bij,manager", [
    (Rol.WIJKTEAMMANAGER, 3, True, True),
    (Rol.MEDEWERKER, 3, True, False),
    (Rol.WIJKTEAMMANAGER, 4, False, False),
    (Rol.MEDEWERKER, 4, False, False),
    (Rol.BEHEERDER, 3, False, False),
    (Rol.MANAGEMENT, 3, False, False),
])
def test_the_team_is_the_manager_and_medewerkers_of_the_cases_own_team(rol, team, hoort_bij, manager):
    """Fails when hoort_bij_team or is_manager_van drops the role or the team check, or `and` becomes `or`."""
    a = _gebruiker(rol, team)
    assert a.hoort_bij_team(ZAAK) is hoort_bij
    assert a.is_manager_van(ZAAK) is manager
    assert mag_zien(a, ZAAK) is hoort_bij


def test_the_dienst_sees_a_case_but_is_not_its_team():
    """Fails when mag_zien stops letting the dienst see (the link proves its access) or lets it be the team."""
    d = Actor.dienst("Sanne", 1, "contactpersoon")
    assert mag_zien(d, ZAAK)
    assert not d.hoort_bij_team(ZAAK) and not d.is_manager_van(ZAAK)


# ---------------------------------------------------------------- transitions


def test_an_action_name_finds_its_transition_and_an_unknown_one_none():
    """Fails when overgang() stops catching an unknown name (a ValueError escapes) or returns another entry."""
    assert overgang("versturen") is OVERGANGEN[Actie.VERSTUREN]
    assert overgang(Actie.HEROPENEN) is OVERGANGEN[Actie.HEROPENEN]
    assert overgang("opgeblazen") is None


@pytest.mark.parametrize("actie", list(Actie))
def test_who_may_make_each_transition(actie):
    """Fails when mag() lets the wrong party act: MANAGER, TEAM and DIENST transitions each for their own."""
    o = OVERGANGEN[actie]
    manager, medewerker = _gebruiker(Rol.WIJKTEAMMANAGER), _gebruiker(Rol.MEDEWERKER)
    vreemde_manager, dienst = _gebruiker(Rol.WIJKTEAMMANAGER, 4), Actor.dienst("Sanne", 1, "contactpersoon")
    beheerder = _gebruiker(Rol.BEHEERDER)
    verwacht = {"wijkteammanager": {"manager"}, "team": {"manager", "medewerker"}, "dienst": {"dienst"}}[o.door]
    wie = {"manager": manager, "medewerker": medewerker, "vreemde_manager": vreemde_manager, "dienst": dienst,
           "beheerder": beheerder}
    assert {naam for naam, a in wie.items() if mag(a, o, ZAAK)} == verwacht


def test_the_maatwerkfunctionaris_may_forward_to_the_lmw_and_nothing_else_of_the_managers():
    """Fails when mag() drops the maatwerkfunctionaris exception for DOORSTUREN_LMW, or widens it to other
    actions or to every dienst actor."""
    mwf = Actor.dienst("M", 1, "maatwerkfunctionaris")
    assert mag(mwf, OVERGANGEN[Actie.DOORSTUREN_LMW], ZAAK)
    assert not mag(Actor.dienst("C", 1, "contactpersoon"), OVERGANGEN[Actie.DOORSTUREN_LMW], ZAAK)
    assert not mag(mwf, OVERGANGEN[Actie.SLUITEN], ZAAK)
    assert not mag(mwf, OVERGANGEN[Actie.BEANTWOORDEN], ZAAK)


@pytest.mark.parametrize("uitkomst,soort,label,verplicht", [
    (Uitkomst.TOEGEKEND, ZaakSoort.ESCALATIE, "Toegekend", False),
    (Uitkomst.AFGEWEZEN, ZaakSoort.ESCALATIE, "Afgewezen", True),
    (Uitkomst.ANDERS_OPGELOST, ZaakSoort.ESCALATIE, "Anders opgelost", True),
    (Uitkomst.UITGEVOERD, ZaakSoort.KNIP, "Uitgevoerd", False),
    (Uitkomst.REGULIER, ZaakSoort.KNIP, "Regulier opgelost", False),
    (Uitkomst.REGULIER, ZaakSoort.ESCALATIE, "Regulier opgelost (knip terug op de kaart)", False),
    (Uitkomst.BEZWAAR, ZaakSoort.KNIP, "Bezwaar", True),
])
def test_a_decision_solves_the_case_by_the_dienst_and_names_its_outcome(uitkomst, soort, label, verplicht):
    """Fails when _besluit changes the label (a knip's button drops the bracket), the target status, who acts,
    the kind, the outcome, or which decisions need an explanation (afgewezen, anders opgelost, bezwaar)."""
    van = frozenset({Status.VERSTUURD})
    o = overgangen._besluit(uitkomst, soort, van)
    assert (o.actie, o.label, o.van, o.naar, o.door, o.soorten, o.toelichting_verplicht, o.uitkomst) == (
        Actie(uitkomst.value), label, van, Status.OPGELOST, DIENST, frozenset({soort}), verplicht, uitkomst)
    assert OVERGANGEN[Actie(uitkomst.value)].toelichting_verplicht is verplicht


def test_a_knip_decision_cannot_follow_a_reopening_an_escalatie_decision_can():
    """Fails when the decisions' start states are changed (a knip is never reopened)."""
    assert OVERGANGEN[Actie.UITGEVOERD].van == OPEN_BIJ_DIENST - {Status.HEROPEND}
    assert OVERGANGEN[Actie.TOEGEKEND].van == OPEN_BIJ_DIENST


# ---------------------------------------------------------------- names of events


def test_an_event_has_its_name_and_an_unknown_one_is_made_readable():
    """Fails when gebeurtenis_label stops finding a known name or mangles an unknown (older) value differently
    (underscores kept, not capitalised, the default dropped)."""
    assert gebeurtenis_label("versturen") == "Verstuurd"
    assert gebeurtenis_label(Actie.DOORSTUREN_LMW) == "Doorgestuurd naar het Landelijk Maatwerkloket"
    assert gebeurtenis_label("termijn_verlopen") == "Termijn verlopen"
    assert gebeurtenis_label("voorbeeld_voorgesteld") == "Voorbeeld voorgesteld"
    assert gebeurtenis_label("iets") == "Iets"


# ---------------------------------------------------------------- reply keywords


@pytest.mark.parametrize("tekst,actie,rest", [
    ("ONTVANGEN", Actie.ONTVANGEN, ""),
    ("\n\n  TOEGEKEND\n", Actie.TOEGEKEND, ""),
    ("ontvangen", Actie.ONTVANGEN, ""),
    ("  Toegekend  \n\nDe uitkering gaat in op 1 mei.  ", Actie.TOEGEKEND, "De uitkering gaat in op 1 mei."),
    ("in   behandeling: we bellen morgen\nGroet, Sanne", Actie.IN_BEHANDELING, "we bellen morgen\nGroet, Sanne"),
    ("IN\tBEHANDELING", Actie.IN_BEHANDELING, ""),
    ("ANDERS OPGELOST - via de voedselbank", Actie.ANDERS_OPGELOST, "via de voedselbank"),
    ("Afgewezen!!! Geen recht op bijstand.", Actie.AFGEWEZEN, "Geen recht op bijstand."),
    ("VRAAG: welk adres?", Actie.VRAAG, "welk adres?"),
    ("Vraag, welk adres?", Actie.VRAAG, "welk adres?"),
    ("Uitgevoerd.", Actie.UITGEVOERD, ""),
    ("regulier", Actie.REGULIER, ""),
    ("Bezwaar\nDit hoort bij de Wmo.", Actie.BEZWAAR, "Dit hoort bij de Wmo."),
    ("Toegekend: per 1 mei   \nGroet, Sanne", Actie.TOEGEKEND, "per 1 mei\nGroet, Sanne"),
])
def test_a_keyword_on_the_first_line_is_the_action_and_the_rest_its_explanation(tekst, actie, rest):
    """Fails when lees_trefwoord stops ignoring case, no longer accepts any run of whitespace between the words
    of a keyword, keeps the punctuation after it, drops or reorders the lines after the first, stops
    stripping the rest, or no longer splits the text in lines before reading the first (the spaces at the end
    of the first line would stay)."""
    assert lees_trefwoord(tekst) == (actie, rest)


@pytest.mark.parametrize("tekst,rest", [
    ("", ""),
    ("   \n  ", ""),
    ("Ontvangenis bevestigd", "Ontvangenis bevestigd"),
    ("Dank u, TOEGEKEND", "Dank u, TOEGEKEND"),
    ("Wij hebben het\nONTVANGEN", "Wij hebben het\nONTVANGEN"),
    ("  Goedemorgen,\nde zaak loopt.  ", "Goedemorgen,\nde zaak loopt."),
    ("ANDERS", "ANDERS"),
    ("IN", "IN"),
])
def test_without_a_keyword_at_the_start_the_reply_is_a_message(tekst, rest):
    """Fails when lees_trefwoord matches a keyword inside a longer word or later on the line or in a later
    line, reads half of a two-word keyword, or stops returning the whole text stripped."""
    assert lees_trefwoord(tekst) == (None, rest)


@pytest.mark.parametrize("woord", list(TREFWOORDEN))
def test_every_keyword_is_read_as_itself_never_as_a_shorter_one_it_starts_with(woord):
    """Fails when a keyword is read as a shorter keyword that it starts with: the keywords no longer tried
    longest first. (Only a pair like "ADVIES" and "ADVIES VOOR ALLE TEAMS" can show it; without such a pair
    the order of trying does not matter and the mutants of the sort are equivalent.)"""
    assert lees_trefwoord(f"{woord.lower()} en verder") == (TREFWOORDEN[woord], "en verder")
