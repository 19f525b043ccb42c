"""The decision by three, by screen and by mail reply, and the request form's answers to wrong input.

A team member requests through the form; the two professionals of the other disciplines get a mail with a
signed link and a reply address. One NIET AKKOORD refuses, two AKKOORD approve. A reply is applied only from
the address it went to, authenticated (SPF/DKIM), exactly as a contactpersoon's reply (notifications/inkomend).
"""
import base64
import json
import re
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from sqlalchemy import select

from notifications.models import InkomendeMail, InkomendStatus, UitgaandeMail
from tests.maatwerk_gegevens import Maatwerk
from workflows.maatwerk.modellen import AanvraagStatus, MaatwerkAanvraag, MaatwerkMutatie, Oordeel

AUTH = {"Authorization": "Basic " + base64.b64encode(b"inbound:ontwikkeling").decode()}


@pytest.fixture
def maatwerk(db_session, wereld):
    m = Maatwerk(db_session, wereld)
    db_session.commit()
    return m


def formulier(**over) -> dict:
    velden = dict(discipline="zorg", bedrag="450,50", clientreferentie="FEY-2026-031",
                  wat_nodig="Huurachterstand van twee maanden aflossen.",
                  waarom_werkt="De verhuurder trekt de aangekondigde ontruiming in.",
                  wat_doet_inwoner="Start met budgetbeheer en betaalt de huur automatisch.",
                  crediteur_naam="Woonstad Rotterdam", crediteur_iban="NL91 ABNA 0417 1643 00",
                  betalingskenmerk="Huurnota 2026-03", prijspost_id="0", scenario_aantal="")
    velden.update(over)
    return velden


def aanvragen(client, inlog, **over):
    inlog.als("medewerker@test.local")
    return client.post("/maatwerk/aanvragen/nieuw", data=formulier(**over))


def mail_aan(db_session, adres: str, soort: str) -> UitgaandeMail:
    return db_session.execute(select(UitgaandeMail).where(UitgaandeMail.aan == adres, UitgaandeMail.soort == soort)
                              .order_by(UitgaandeMail.id.desc())).scalars().first()


def antwoord(mail: UitgaandeMail, tekst: str, *, van: str, gesigneerd: bool = True) -> dict:
    msg = EmailMessage()
    msg["From"] = f"Iemand <{van}>"
    msg["To"] = mail.reply_to
    msg["Subject"] = "RE: " + mail.onderwerp
    msg["Message-ID"] = make_msgid(domain="client.test")
    msg["In-Reply-To"] = mail.message_id
    msg.set_content(f"{tekst}\n\nMet vriendelijke groet\n\n-----Oorspronkelijk bericht-----\n{mail.tekst}")
    ruw = bytes(msg)
    data = {"email": ruw.decode("utf-8"), "envelope": json.dumps({"to": [mail.reply_to], "from": van})}
    if gesigneerd:
        data.update({"SPF": "pass", "dkim": "{@" + van.rpartition("@")[2] + " : pass}"})
    return data


def post(client, data):
    return client.post("/mail/inbound/sendgrid", data=data, headers=AUTH, content_type="multipart/form-data")


def test_a_request_by_form_commits_the_amount_and_mails_the_two_other_professionals(client, inlog, db_session,
                                                                                     maatwerk):
    r = aanvragen(client, inlog)
    assert r.status_code == 302, r.get_data(as_text=True)[:2000]
    a = db_session.execute(select(MaatwerkAanvraag)).scalar_one()
    assert (a.status, a.bedrag_centen, a.crediteur_iban) == (AanvraagStatus.BEOORDELING, 45050, "NL91ABNA0417164300")
    for adres in ("schuldhulp@test.local", "inkomen@test.local"):
        m = mail_aan(db_session, adres, "maatwerk_beoordelen")
        assert m is not None and m.reply_to.startswith("zaak+")
        assert "AKKOORD" in m.tekst and "€ 450,50" in m.tekst and "FEY-2026-031" not in m.tekst + m.html
        assert "/maatwerk/beoordelen/" in m.tekst
    assert mail_aan(db_session, "zorg@test.local", "maatwerk_beoordelen") is None  # the requester's own discipline
    pagina = client.get(f"/maatwerk/aanvragen/{a.id}").get_data(as_text=True)
    assert "wacht op beoordeling" in pagina and "Sven Schuld" in pagina


def test_two_approvals_on_screen_approve_and_start_the_24_hour_clock(client, inlog, db_session, maatwerk):
    aanvragen(client, inlog)
    client.post("/logout")
    for adres in ("schuldhulp@test.local", "inkomen@test.local"):
        link = re.search(r"http\S+/maatwerk/beoordelen/\S+", mail_aan(db_session, adres, "maatwerk_beoordelen").tekst)
        pad = link.group(0).split("127.0.0.1:5000")[-1]
        assert "Uw oordeel" in client.get(pad).get_data(as_text=True)
        r = client.post(pad, data={"oordeel": "akkoord", "reden": ""})
        assert r.status_code == 302
    a = db_session.execute(select(MaatwerkAanvraag)).scalar_one()
    db_session.refresh(a)
    assert a.status == AanvraagStatus.GOEDGEKEURD and (a.betaal_deadline - a.besloten_op).total_seconds() == 86400
    besluit = mail_aan(db_session, "manager@test.local", "maatwerk_besluit")
    assert besluit is not None and "goedgekeurd" in besluit.onderwerp
    assert mail_aan(db_session, "medewerker@test.local", "maatwerk_besluit") is not None


def test_a_refusal_on_screen_needs_a_reason_and_then_refuses_and_returns_the_amount(client, inlog, db_session,
                                                                                     maatwerk):
    aanvragen(client, inlog)
    client.post("/logout")
    link = re.search(r"http\S+/maatwerk/beoordelen/\S+",
                     mail_aan(db_session, "schuldhulp@test.local", "maatwerk_beoordelen").tekst).group(0)
    pad = link.split("127.0.0.1:5000")[-1]
    r = client.post(pad, data={"oordeel": "niet_akkoord", "reden": ""})
    assert r.status_code == 422 and "Geef een reden" in r.get_data(as_text=True)
    a = db_session.execute(select(MaatwerkAanvraag)).scalar_one()
    assert a.status == AanvraagStatus.BEOORDELING and all(b.oordeel is None for b in a.beoordelingen)
    r = client.post(pad, data={"oordeel": "niet_akkoord", "reden": "Bijzondere bijstand is voorliggend."})
    assert r.status_code == 302
    db_session.refresh(a)
    assert a.status == AanvraagStatus.AFGEWEZEN
    assert [m.soort.value for m in db_session.scalars(select(MaatwerkMutatie).order_by(MaatwerkMutatie.id))] == [
        "vastgelegd", "teruggeboekt"]
    besluit = mail_aan(db_session, "medewerker@test.local", "maatwerk_besluit")
    assert "niet akkoord" in besluit.onderwerp and "Bijzondere bijstand is voorliggend." in besluit.tekst


def test_a_forged_link_is_refused_in_dutch(client, db_session, maatwerk):
    r = client.get("/maatwerk/beoordelen/dit-is-geen-token")
    assert r.status_code == 404 and "ongeldig" in r.get_data(as_text=True)


def test_akkoord_by_mail_from_both_professionals_approves(client, inlog, db_session, maatwerk):
    aanvragen(client, inlog)
    for adres in ("schuldhulp@test.local", "inkomen@test.local"):
        r = post(client, antwoord(mail_aan(db_session, adres, "maatwerk_beoordelen"), "Akkoord, goed plan.",
                                  van=adres))
        assert r.status_code == 200
    a = db_session.execute(select(MaatwerkAanvraag)).scalar_one()
    db_session.refresh(a)
    assert a.status == AanvraagStatus.GOEDGEKEURD
    assert {(b.oordeel, b.kanaal) for b in a.beoordelingen} == {(Oordeel.AKKOORD, "e-mail")}
    assert {m.status for m in db_session.scalars(select(InkomendeMail))} == {InkomendStatus.TOEGEPAST}


def test_niet_akkoord_by_mail_refuses_with_the_rest_of_the_text_as_reason(client, inlog, db_session, maatwerk):
    aanvragen(client, inlog)
    mail = mail_aan(db_session, "inkomen@test.local", "maatwerk_beoordelen")
    post(client, antwoord(mail, "NIET AKKOORD\nDe inwoner heeft recht op bijzondere bijstand.",
                          van="inkomen@test.local"))
    a = db_session.execute(select(MaatwerkAanvraag)).scalar_one()
    db_session.refresh(a)
    assert a.status == AanvraagStatus.AFGEWEZEN
    assert next(b for b in a.beoordelingen if b.oordeel).reden == "De inwoner heeft recht op bijzondere bijstand."


@pytest.mark.parametrize("van, gesigneerd, reden", [
    ("vervalser@elders.test", True, "mag niet antwoorden"),        # a stranger, even one who signs his own mail
    ("zorg@test.local", True, "mag niet antwoorden"),              # a professional, but not the one asked
    ("schuldhulp@test.local", False, "niet geverifieerd"),        # the right address, forged (no SPF/DKIM)
])
def test_a_forged_or_unauthenticated_reply_is_held_and_never_approves(client, inlog, db_session, maatwerk, van,
                                                                     gesigneerd, reden):
    aanvragen(client, inlog)
    mail = mail_aan(db_session, "schuldhulp@test.local", "maatwerk_beoordelen")
    r = post(client, antwoord(mail, "AKKOORD", van=van, gesigneerd=gesigneerd))
    assert r.status_code == 200
    rij = db_session.execute(select(InkomendeMail)).scalar_one()
    assert rij.status == InkomendStatus.QUARANTAINE and reden in rij.reden.lower(), rij.reden
    a = db_session.execute(select(MaatwerkAanvraag)).scalar_one()
    db_session.refresh(a)
    assert all(b.oordeel is None for b in a.beoordelingen) and a.status == AanvraagStatus.BEOORDELING


def test_a_reply_without_keyword_or_delivered_twice_changes_nothing_twice(client, inlog, db_session, maatwerk):
    aanvragen(client, inlog)
    mail = mail_aan(db_session, "schuldhulp@test.local", "maatwerk_beoordelen")
    post(client, antwoord(mail, "Ik bel je even hierover.", van="schuldhulp@test.local"))
    rij = db_session.execute(select(InkomendeMail)).scalar_one()
    assert rij.status == InkomendStatus.QUARANTAINE and "Geen AKKOORD" in rij.reden
    data = antwoord(mail, "AKKOORD", van="schuldhulp@test.local")
    post(client, data)
    post(client, data)
    a = db_session.execute(select(MaatwerkAanvraag)).scalar_one()
    db_session.refresh(a)
    assert [b.oordeel for b in a.beoordelingen if b.oordeel] == [Oordeel.AKKOORD]
    assert db_session.query(InkomendeMail).count() == 2


@pytest.mark.parametrize("veld, waarde, melding", [
    ("crediteur_iban", "NL91 ABNA 0417 1643 01", "Dit IBAN klopt niet (de controlecijfers kloppen niet"),
    ("crediteur_iban", "XX00 1234", "Dit IBAN klopt niet"),
    ("bedrag", "twaalf", "Dit is geen bedrag"),
    ("bedrag", "0", "meer dan € 0"),
    ("bedrag", "1.000,01", "nog € 1.000 beschikbaar"),
    ("wat_nodig", "Huur voor 111222333 betalen", "BSN"),
    ("waarom_werkt", "", "Beschrijf waarom dit werkt."),
])
def test_wrong_input_is_answered_in_dutch_and_nothing_is_written(client, inlog, db_session, maatwerk, veld, waarde,
                                                                 melding):
    r = aanvragen(client, inlog, **{veld: waarde})
    assert r.status_code in (409, 422)
    assert melding in r.get_data(as_text=True)
    assert db_session.query(MaatwerkAanvraag).count() == 0
    assert db_session.query(MaatwerkMutatie).count() == 0
    assert db_session.query(UitgaandeMail).count() == 0


def test_the_beheerder_applies_a_held_verdict_after_checking_it_once_and_sees_why_not_otherwise(
        client, inlog, db_session, maatwerk):
    """A professional answered AKKOORD from another address: held. The beheerder, having called, applies it on
    the quarantine page (before this only 'verwerpen' could end it); a second try finds it handled."""
    aanvragen(client, inlog)
    mail = mail_aan(db_session, "schuldhulp@test.local", "maatwerk_beoordelen")
    post(client, antwoord(mail, "AKKOORD\nGoed plan.", van="sven.prive@elders.test"))
    rij = db_session.execute(select(InkomendeMail)).scalar_one()
    assert rij.status == InkomendStatus.QUARANTAINE
    inlog.als("beheer@test.local")
    pagina = client.get(f"/beheer/quarantaine/{rij.id}").get_data(as_text=True)
    assert "Toepassen op het maatwerkbudget" in pagina and "MW-" in pagina and 'name="zaaknummer"' not in pagina
    r = client.post(f"/beheer/quarantaine/{rij.id}/maatwerk-toepassen")
    assert r.status_code == 302
    db_session.expire_all()
    rij = db_session.get(InkomendeMail, rij.id)
    assert rij.status == InkomendStatus.HANDMATIG and rij.afgehandeld_door == "Bea Beheer"
    a = db_session.execute(select(MaatwerkAanvraag)).scalar_one()
    schuld = next(b for b in a.beoordelingen if b.professional.email == "schuldhulp@test.local")
    assert schuld.oordeel == Oordeel.AKKOORD and schuld.reden == "Goed plan." and schuld.kanaal == "e-mail"
    r = client.post(f"/beheer/quarantaine/{rij.id}/maatwerk-toepassen")
    assert r.status_code == 422 and "al afgehandeld" in r.get_data(as_text=True)


def test_a_held_reply_without_keyword_is_not_applied_by_the_beheerder_either(client, inlog, db_session, maatwerk):
    aanvragen(client, inlog)
    mail = mail_aan(db_session, "schuldhulp@test.local", "maatwerk_beoordelen")
    post(client, antwoord(mail, "Ik bel u morgen even.", van="sven.prive@elders.test"))
    rij = db_session.execute(select(InkomendeMail)).scalar_one()
    inlog.als("beheer@test.local")
    r = client.post(f"/beheer/quarantaine/{rij.id}/maatwerk-toepassen")
    assert r.status_code == 422 and "Geen AKKOORD of NIET AKKOORD" in r.get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(InkomendeMail, rij.id).status == InkomendStatus.QUARANTAINE
    a = db_session.execute(select(MaatwerkAanvraag)).scalar_one()
    assert all(b.oordeel is None for b in a.beoordelingen)
