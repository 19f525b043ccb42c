"""Matching a reply to its case and deciding who may answer for it (notifications/inkomend.py).

Written against the mutants mutmut left alive (docs/testing.md, "Mutation testing"): each test names in its
docstring the change to the code it fails on. On a bare SQLAlchemy session (SQLite), as
tests/workflows/test_usecases.py: the functions read rows, so the rows are real; nothing of ours is mocked.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from notifications.inkomend import (
    ALLEEN_KOPREGELS,
    REPLY_GELDIG,
    BinnenkomendBericht,
    Match,
    afzender_mag,
    interne_dienst,
    zoek_zaak,
)
from notifications.models import ReplyAdres, ToegestaneAfzender, UitgaandeMail
from notifications.uitgaand import MailInstellingen
from tests.fabriek import Gemeente, t
from workflows import usecases
from workflows.models import (
    ActorSoort,
    Base,
    Contactpersoon,
    Dienst,
    Gebruiker,
    Rol,
    VasteContactpersoon,
    Wijkteam,
    ZaakSoort,
)

INST = MailInstellingen(inbound_domain="reply.knipkaart.nl")
TOKEN = "0123456789abcdef0123"
NU = t("2026-03-10")


@pytest.fixture
def session(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'koppelen.sqlite'}")
    Base.metadata.create_all(engine)
    with Session(engine) as s:
        yield s
    engine.dispose()


@pytest.fixture
def g(session):
    g = Gemeente(session)
    session.commit()
    return g


def _zaak(session, g):
    r = usecases.zaak_aanmaken(session, g.team_actor, ZaakSoort.ESCALATIE, g.invoer(), t("2026-03-09"),
                               versturen=True)
    session.commit()
    return r.zaak


def _bericht(aan=(), in_reply_to=()) -> BinnenkomendBericht:
    return BinnenkomendBericht(message_id="<in@x>", afzender="wi@test.local", aan=list(aan), onderwerp="Re: zaak",
                               tekst="", in_reply_to=list(in_reply_to))


def _mail(session, zaak, message_id, aan="wi@test.local"):
    session.add(UitgaandeMail(zaak_id=zaak.id if zaak else None, soort="nieuw", aan=aan, onderwerp="Zaak",
                              tekst="-", html="-", message_id=message_id))
    session.flush()


# ---------------------------------------------------------------- zoek_zaak


def test_a_valid_reply_address_names_the_case_the_recipient_and_the_side(session, g):
    """Fails when zoek_zaak drops the recipient or van_wijkteam of the reply address, or gives a reason (which
    quarantines the mail) for a valid one."""
    zaak = _zaak(session, g)
    session.add(ReplyAdres(token=TOKEN, zaak_id=zaak.id, ontvanger="manager@test.local", van_wijkteam=True,
                           aangemaakt_op=NU - timedelta(days=3)))
    session.flush()
    m = zoek_zaak(session, _bericht([f"zaak+{TOKEN.upper()}@Reply.Knipkaart.nl"]), INST, NU)
    assert m == Match(zaak, "manager@test.local", True, "")


def test_an_unknown_token_matches_nothing_and_says_so(session, g):
    """Fails when an unknown (guessed, forged) token is not reported as such."""
    _zaak(session, g)
    m = zoek_zaak(session, _bericht([f"zaak+{TOKEN}@reply.knipkaart.nl"]), INST, NU)
    assert m == Match(None, reden="Het antwoordadres is onbekend of vervalst.")


def test_a_reply_address_holds_for_180_days_and_then_only_names_its_case(session, g):
    """Fails when the expiry is dropped, reversed, or moved by a day (`>` made `>=`), or when an expired
    address still hands out its recipient."""
    zaak = _zaak(session, g)
    adres = ReplyAdres(token=TOKEN, zaak_id=zaak.id, ontvanger="wi@test.local", aangemaakt_op=t("2026-01-05"))
    session.add(adres)
    session.flush()
    bericht = _bericht([f"zaak+{TOKEN}@reply.knipkaart.nl"])
    assert zoek_zaak(session, bericht, INST, t("2026-01-05") + REPLY_GELDIG) == Match(zaak, "wi@test.local", False)
    laat = zoek_zaak(session, bericht, INST, t("2026-01-05") + REPLY_GELDIG + timedelta(seconds=1))
    assert laat == Match(zaak, reden="Het antwoordadres is verlopen (uitgegeven op 05-01-2026); controleer of dit "
                                     "antwoord nog geldt.")
    assert REPLY_GELDIG == timedelta(days=180)


def test_the_reply_address_wins_over_the_threading_headers(session, g):
    """Fails when zoek_zaak consults In-Reply-To before (or instead of) the reply address."""
    zaak, andere = _zaak(session, g), _zaak(session, g)
    session.add(ReplyAdres(token=TOKEN, zaak_id=zaak.id, ontvanger="wi@test.local", aangemaakt_op=NU))
    _mail(session, andere, "<andere@knipkaart>")
    m = zoek_zaak(session, _bericht([f"zaak+{TOKEN}@reply.knipkaart.nl"], ["<andere@knipkaart>"]), INST, NU)
    assert m.zaak is zaak and m.reden == ""


def test_threading_headers_name_the_case_and_its_recipient_but_always_with_a_reason(session, g):
    """Fails when a header match comes without the ALLEEN_KOPREGELS reason (it would be applied), loses the
    recipient (lower-cased) or reads van_wijkteam from another case's or another recipient's reply address."""
    zaak = _zaak(session, g)
    _mail(session, zaak, "<eerste@knipkaart>", aan="Manager@Test.local")
    session.add(ReplyAdres(token=TOKEN, zaak_id=zaak.id, ontvanger="manager@test.local", van_wijkteam=True,
                           aangemaakt_op=NU))
    session.add(ReplyAdres(token="f" * 20, zaak_id=zaak.id, ontvanger="wi@test.local", van_wijkteam=False,
                           aangemaakt_op=NU))
    session.flush()
    m = zoek_zaak(session, _bericht(["team@gemeente.nl"], ["<eerste@knipkaart>"]), INST, NU)
    assert m == Match(zaak, "manager@test.local", True, ALLEEN_KOPREGELS)
    _mail(session, zaak, "<tweede@knipkaart>", aan="wi@test.local")
    m = zoek_zaak(session, _bericht([], ["<tweede@knipkaart>"]), INST, NU)
    assert m == Match(zaak, "wi@test.local", False, ALLEEN_KOPREGELS)


def test_headers_pointing_at_two_cases_match_neither(session, g):
    """Fails when zoek_zaak picks one case when the headers name two."""
    a, b = _zaak(session, g), _zaak(session, g)
    _mail(session, a, "<a@knipkaart>")
    _mail(session, b, "<b@knipkaart>")
    m = zoek_zaak(session, _bericht([], ["<a@knipkaart>", "<b@knipkaart>"]), INST, NU)
    assert m == Match(None, reden="De kopregels verwijzen naar meer dan één zaak.")


def test_headers_naming_only_mails_without_a_case_or_unknown_ones_match_nothing(session, g):
    """Fails when a mail without a case (an account mail) counts as a match, or an unknown reference does."""
    _mail(session, None, "<account@knipkaart>", aan="manager@test.local")
    geen = Match(None, reden="Niet te koppelen aan een zaak: geen geldig antwoordadres en geen bekende verwijzing.")
    assert zoek_zaak(session, _bericht([], ["<account@knipkaart>"]), INST, NU) == geen
    assert zoek_zaak(session, _bericht([], ["<onbekend@elders>"]), INST, NU) == geen
    assert zoek_zaak(session, _bericht(["iemand@gemeente.nl"]), INST, NU) == geen


def test_only_the_in_reply_to_and_the_newest_references_are_looked_up(session, g):
    """Fails when the bound of 100 references is dropped or moved, or the References are not read newest first
    (In-Reply-To, then the last reference, then the one before it)."""
    zaak = _zaak(session, g)
    _mail(session, zaak, "<oud@knipkaart>")
    vulsel = [f"<x{i}@elders>" for i in range(99)]
    # In-Reply-To + 99 newer references fill the 100: the oldest reference falls off
    assert zoek_zaak(session, _bericht([], ["<irt@elders>", "<oud@knipkaart>", *vulsel]), INST, NU).zaak is None
    # with one newer reference fewer it is the 100th and is found
    assert zoek_zaak(session, _bericht([], ["<irt@elders>", "<oud@knipkaart>", *vulsel[1:]]), INST, NU).zaak is zaak
    # the In-Reply-To itself is always looked up, whatever follows
    assert zoek_zaak(session, _bericht([], ["<oud@knipkaart>", *vulsel, *vulsel]), INST, NU).zaak is zaak


# ---------------------------------------------------------------- afzender_mag


def _match(zaak, ontvanger=None, van_wijkteam=False):
    return Match(zaak, ontvanger, van_wijkteam)


def test_nobody_answers_without_an_address(session, g):
    """Fails when an empty sender is let through (it equals an empty mailbox or recipient)."""
    zaak = _zaak(session, g)
    g.wi.mailbox = ""
    assert afzender_mag(session, _match(zaak, ontvanger=""), "") is None


def test_on_a_team_address_only_an_active_member_of_the_cases_team_answers(session, g):
    """Fails when a reply to the team is accepted from another team's user, an inactive user, the dienst, or
    when the address is compared case-sensitively."""
    zaak = _zaak(session, g)
    ander_team = Wijkteam(naam="Oosterflank", soort="sociaal wijkteam", gebied="Prins Alexander")
    session.add(ander_team)
    session.flush()
    session.add_all([
        Gebruiker(email="Mo@Test.local", naam="Mo Medewerker", rol=Rol.MEDEWERKER, wijkteam_id=g.team.id,
                  wachtwoord_hash="x"),
        Gebruiker(email="oud@test.local", naam="Otto Oud", rol=Rol.MEDEWERKER, wijkteam_id=g.team.id,
                  wachtwoord_hash="x", actief=False),
        Gebruiker(email="oost@test.local", naam="Olga Oost", rol=Rol.WIJKTEAMMANAGER, wijkteam_id=ander_team.id,
                  wachtwoord_hash="x"),
    ])
    session.flush()
    m = _match(zaak, "manager@test.local", van_wijkteam=True)
    a = afzender_mag(session, m, "mo@test.local")
    assert (a.soort, a.label, a.rol, a.wijkteam_id) == (ActorSoort.GEBRUIKER, "Mo Medewerker", "medewerker",
                                                        g.team.id)
    for vreemd in ["oud@test.local", "oost@test.local", "wi@test.local", "wi-postbus@test.local"]:
        assert afzender_mag(session, m, vreemd) is None, vreemd


def test_an_active_contactpersoon_of_the_dienst_answers_as_themselves(session, g):
    """Fails when afzender_mag accepts a contactpersoon of another dienst or an inactive one, or drops their
    name, dienst, id or function from the actor."""
    zaak = _zaak(session, g)
    a = afzender_mag(session, _match(zaak), "tl.wi@test.local")
    assert a == g.dienst_actor(g.ladder[0]) and a.label == "Teun Leider (Werk & Inkomen)"
    assert a.functie == "teamleider"
    ander = Dienst(naam="Wmo", mailbox="wmo-postbus@test.local")
    session.add(ander)
    session.flush()
    session.add_all([Contactpersoon(naam="Ineke de Wit", email="wmo@test.local", dienst_id=ander.id),
                     Contactpersoon(naam="Oud Contact", email="oud.wi@test.local", dienst_id=g.wi.id, actief=False)])
    session.flush()
    assert afzender_mag(session, _match(zaak), "wmo@test.local") is None
    assert afzender_mag(session, _match(zaak), "oud.wi@test.local") is None


def test_the_vervanger_from_elsewhere_answers_while_active(session, g):
    """Fails when the vaste contactpersoon's vervanger (here of another dienst) is not accepted, is accepted
    when inactive, or is looked up for another team or dienst."""
    zaak = _zaak(session, g)
    elders = Dienst(naam="Schuldhulp", mailbox="shv@test.local")
    session.add(elders)
    session.flush()
    vervanger = Contactpersoon(naam="Vera Vervang", email="Vera@Elders.test", dienst_id=elders.id)
    session.add(vervanger)
    session.flush()
    vast = session.query(VasteContactpersoon).filter_by(wijkteam_id=g.team.id, dienst_id=g.wi.id).one()
    vast.vervanger_id = vervanger.id
    session.flush()
    a = afzender_mag(session, _match(zaak), "vera@elders.test")
    assert (a.soort, a.label, a.rol, a.contactpersoon_id) == (ActorSoort.CONTACTPERSOON,
                                                              "Vera Vervang (Werk & Inkomen)", "dienst", vervanger.id)
    vervanger.actief = False
    session.flush()
    assert afzender_mag(session, _match(zaak), "vera@elders.test") is None


def test_the_dienst_mailbox_the_addressed_recipient_and_the_routed_one_answer_for_the_dienst(session, g):
    """Fails when the dienst's mailbox, the recipient the reply address was issued to, or the case's routed
    address is refused, or compared case-sensitively, or the actor is not named after the dienst and address."""
    zaak = _zaak(session, g)
    g.wi.mailbox = "WI-Postbus@test.local"
    zaak.ontvanger_email = "Routed@Test.local"
    session.flush()
    for adres, ontvanger in [("wi-postbus@test.local", None), ("uitgegeven@test.local", "Uitgegeven@Test.local"),
                             ("routed@test.local", None)]:
        a = afzender_mag(session, _match(zaak, ontvanger), adres)
        assert (a.soort, a.label, a.rol) == (ActorSoort.CONTACTPERSOON, f"Werk & Inkomen ({adres})", "dienst"), adres
    assert afzender_mag(session, _match(zaak), "uitgegeven@test.local") is None


def test_an_allowed_sender_answers_for_its_own_dienst_only(session, g):
    """Fails when an allowed sender (ToegestaneAfzender) is refused, accepted for another dienst's case, or
    named otherwise."""
    zaak = _zaak(session, g)
    ander = Dienst(naam="Wmo", mailbox="wmo-postbus@test.local")
    session.add(ander)
    session.flush()
    session.add_all([ToegestaneAfzender(dienst_id=g.wi.id, email="secretariaat@test.local", toegevoegd_door="Bea",
                                        toegevoegd_op=NU),
                     ToegestaneAfzender(dienst_id=ander.id, email="wmo-secretariaat@test.local",
                                        toegevoegd_door="Bea", toegevoegd_op=NU)])
    session.flush()
    a = afzender_mag(session, _match(zaak), "secretariaat@test.local")
    assert (a.label, a.rol) == ("secretariaat@test.local (Werk & Inkomen, toegestane afzender)", "dienst")
    assert afzender_mag(session, _match(zaak), "wmo-secretariaat@test.local") is None
    assert afzender_mag(session, _match(zaak), "vreemde@test.local") is None


# ---------------------------------------------------------------- interne_dienst


def test_an_internal_dienst_vouches_for_the_domains_of_its_mailbox_and_contact_persons(session, g):
    """Fails when interne_dienst ignores the mark, the mailbox's domain or the contact persons' domains,
    compares the whole address instead of the domain, or answers for an address without a domain."""
    intern = Dienst(naam="Burgerzaken", mailbox="postbus@burgerzaken.intern", intern_zonder_authenticatie=True)
    session.add(intern)
    session.flush()
    session.add(Contactpersoon(naam="Bram", email="bram@bz.gemeente.local", dienst_id=intern.id))
    session.flush()
    assert interne_dienst(session, "iemand@burgerzaken.intern") is intern
    assert interne_dienst(session, "ander@BZ.gemeente.local") is intern
    assert interne_dienst(session, "wi@test.local") is None  # Werk & Inkomen is not marked
    assert interne_dienst(session, "x@gemeente.local") is None
    assert interne_dienst(session, "") is None
    g.wi.intern_zonder_authenticatie = True
    session.flush()
    assert interne_dienst(session, "wie@test.local") is g.wi


def test_the_vervanger_of_another_teams_vaste_contactpersoon_does_not_answer(session, g):
    """Fails when the vaste contactpersoon is looked up by dienst alone, not by the case's team too (mutmut
    dropped the team: with two teams the lookup then finds two, or the other team's vervanger answers)."""
    zaak = _zaak(session, g)
    ander_team = Wijkteam(naam="Oosterflank", soort="sociaal wijkteam", gebied="Prins Alexander")
    vreemde = Contactpersoon(naam="Vito Vreemd", email="vito@test.local", dienst_id=g.wi.id, actief=True)
    session.add_all([ander_team])
    session.flush()
    elders = Dienst(naam="Schuldhulp", mailbox="shv@test.local")
    session.add(elders)
    session.flush()
    vreemde.dienst_id = elders.id  # a contact of another dienst: only as the other team's vervanger could they answer
    session.add(vreemde)
    session.flush()
    session.add(VasteContactpersoon(wijkteam_id=ander_team.id, dienst_id=g.wi.id, contactpersoon_id=g.contact.id,
                                    vervanger_id=vreemde.id))
    session.flush()
    assert afzender_mag(session, _match(zaak), "vito@test.local") is None
    assert afzender_mag(session, _match(zaak), "wi.vervanger@test.local") is not None  # the case's own team's


def test_a_header_match_reads_the_side_from_this_cases_reply_addresses_however_many(session, g):
    """Fails when the side (team or dienst) of a header-only match is read from another case's reply address
    (mutmut dropped the case), or when two reply addresses issued to the same recipient on this case make the
    lookup fail (mutmut: no limit, or a limit of 2, and scalar_one_or_none raises)."""
    zaak, ander = _zaak(session, g), _zaak(session, g)
    _mail(session, zaak, "<eerste@knipkaart>", aan="wi@test.local")
    session.add(ReplyAdres(token="a" * 20, zaak_id=ander.id, ontvanger="wi@test.local", van_wijkteam=True,
                           aangemaakt_op=NU))
    session.flush()
    m = zoek_zaak(session, _bericht([], ["<eerste@knipkaart>"]), INST, NU)
    assert (m.zaak, m.ontvanger, m.van_wijkteam) == (zaak, "wi@test.local", False)
    session.add_all([ReplyAdres(token="b" * 20, zaak_id=zaak.id, ontvanger="wi@test.local", van_wijkteam=False,
                                aangemaakt_op=NU),
                     ReplyAdres(token="c" * 20, zaak_id=zaak.id, ontvanger="wi@test.local", van_wijkteam=False,
                                aangemaakt_op=NU)])
    session.flush()
    m = zoek_zaak(session, _bericht([], ["<eerste@knipkaart>"]), INST, NU)
    assert (m.zaak, m.van_wijkteam, m.reden) == (zaak, False, ALLEEN_KOPREGELS)

