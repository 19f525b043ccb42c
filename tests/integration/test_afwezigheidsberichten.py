"""Auto-replies understood (issue 13, point 4): out-of-office answers from Exchange, Outlook and Gmail, Dutch
and English, are noted on the case, never a reaction or a message, never answered; the case goes to the
vervanger, and the beheerder is offered to record the absence with the return date the message states.

Samples follow what these systems send: Exchange's out-of-office carries Auto-Submitted: auto-generated with
X-Auto-Response-Suppress: All and a localised "Automatisch antwoord:" subject; Gmail's vacation responder
carries Auto-Submitted: auto-replied and the subject its user typed.
"""
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import pytest
from sqlalchemy import func, select

from notifications.models import Afwezigheidsbericht, InkomendeMail, InkomendStatus, UitgaandeMail
from tests.integration.test_mail_in import AUTH, verstuurde_knip  # noqa: F401 (fixture)
from tests.integration.test_mail_in_aanval import sendgrid
from tests.integration.test_mail_uit import t0  # noqa: F401 (fixture)
from workflows.kalender import TZ
from workflows.models import Afwezigheid, Auditregel, Bericht, Status, Zaak

MAANDEN = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
           "november", "december"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


def _vandaag():
    return datetime.now(TZ).date()


def exchange(origineel, tekst: str, *, van="Sanne Vos <wi@test.local>", taal="nl", naar=None,
             voorvoegsel=None) -> bytes:
    """An Exchange Online out-of-office as it arrives: auto-generated, suppress All, text and HTML."""
    onderwerp = str(origineel["Subject"])
    msg = EmailMessage()
    msg["From"] = van
    msg["To"] = naar or str(origineel["Reply-To"])
    voorvoegsel = voorvoegsel or {"nl": "Automatisch antwoord", "en": "Automatic reply"}[taal]
    msg["Subject"] = f"{voorvoegsel}: {onderwerp}"
    msg["Thread-Topic"] = onderwerp
    msg["Thread-Index"] = "AQHcqX3yZ8cV0m2yQ0O8mH1m3s0f7gAAAA=="
    msg["Date"] = format_datetime(datetime.now(TZ))
    msg["Message-ID"] = make_msgid(domain="AM9PR07MB7777.eurprd07.prod.outlook.com")
    msg["References"] = str(origineel["Message-ID"])
    msg["In-Reply-To"] = str(origineel["Message-ID"])
    msg["Auto-Submitted"] = "auto-generated"
    msg["X-MS-Has-Attach"] = ""
    msg["X-MS-Exchange-Inbox-Rules-Loop"] = "wi@test.local"
    msg["X-MS-TNEF-Correlator"] = ""
    msg["X-Auto-Response-Suppress"] = "All"
    msg["Content-Language"] = "nl-NL" if taal == "nl" else "en-US"
    msg.set_content(tekst)
    msg.add_alternative("<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\"></head>"
                        "<body><div style=\"font-family:Calibri,Arial,Helvetica,sans-serif\">"
                        + "".join(f"<p>{r}</p>" for r in tekst.split("\n\n")) + "</div></body></html>",
                        subtype="html")
    return bytes(msg)


def gmail(origineel, tekst: str, *, onderwerp="Afwezig", van="Sanne Vos <wi@test.local>") -> bytes:
    """Gmail's vacation responder: Auto-Submitted: auto-replied, the subject its user typed."""
    msg = EmailMessage()
    msg["From"] = van
    msg["To"] = str(origineel["Reply-To"])
    msg["Subject"] = onderwerp
    msg["Date"] = format_datetime(datetime.now(TZ))
    msg["Message-ID"] = make_msgid(domain="mail.gmail.com")
    msg["In-Reply-To"] = str(origineel["Message-ID"])
    msg["References"] = str(origineel["Message-ID"])
    msg["Auto-Submitted"] = "auto-replied"
    msg.set_content(tekst)
    msg.add_alternative(f"<div dir=\"ltr\">{tekst}</div>", subtype="html")
    return bytes(msg)


def _gewoon(origineel, tekst: str, koppen: dict, onderwerp: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Sanne Vos <wi@test.local>"
    msg["To"] = str(origineel["Reply-To"])
    msg["Subject"] = onderwerp
    msg["Message-ID"] = make_msgid(domain="client.test")
    for k, v in koppen.items():
        msg[k] = v
    msg.set_content(tekst)
    return bytes(msg)


def _nl(dag) -> str:
    return f"{dag.day} {MAANDEN[dag.month - 1]}"


def _mails_aan(db_session, adres: str) -> int:
    return db_session.execute(select(func.count()).select_from(UitgaandeMail)
                              .where(func.lower(UitgaandeMail.aan) == adres)).scalar_one()


# ---------------------------------------------------------------- recognised


SAMPLES = {
    "exchange_nl": lambda o: exchange(o, "Beste afzender,\n\nIk ben afwezig tot en met 20 maart en lees mijn mail "
                                         "niet. Voor dringende zaken kunt u bellen met 010-1234567."),
    "exchange_en": lambda o: exchange(o, "Thank you for your message. I am out of the office until 14 April with "
                                         "no access to e-mail.", taal="en"),
    "exchange_fins": lambda o: exchange(o, "Olen lomalla.", voorvoegsel="Automaattinen vastaus"),
    "gmail_nl": lambda o: gmail(o, "Ik ben met vakantie en terug op 3 januari."),
    "gmail_en": lambda o: gmail(o, "I'm on holiday, back on March 3rd.", onderwerp="Holiday"),
    "exchange_2003": lambda o: _gewoon(o, "I am out of the office.", {},
                                       f"Out of Office AutoReply: {o['Subject']}"),
}
GEWOON = {
    # Outlook forwards by a rule: auto-generated, but an ordinary mail from the contact.
    "doorgestuurd_door_regel": lambda o: _gewoon(o, "Zie hieronder.", {
        "Auto-Submitted": "auto-generated", "X-MS-Exchange-Inbox-Rules-Loop": "wi@test.local",
        "X-Auto-Response-Suppress": "All"}, f"FW: {o['Subject']}"),
    # X-Auto-Response-Suppress alone asks others not to auto-answer; Outlook puts it on ordinary replies.
    "outlook_antwoord": lambda o: _gewoon(o, "Ik pak het op.", {"X-Auto-Response-Suppress": "All"},
                                          f"RE: {o['Subject']}"),
    "ticketsysteem": lambda o: _gewoon(o, "Ik pak het op.", {"X-Auto-Response-Suppress": "DR, OOF, AutoReply"},
                                       f"RE: {o['Subject']}"),
}


@pytest.mark.parametrize("sample", list(SAMPLES), ids=list(SAMPLES))
def test_out_of_office_answers_of_exchange_outlook_and_gmail_are_recognised(client, db_session, verstuurde_knip,
                                                                            sample):
    zaak, origineel = verstuurde_knip
    assert sendgrid(client, SAMPLES[sample](origineel)).status_code == 200
    mail = db_session.execute(select(InkomendeMail)).scalar_one()
    assert mail.automatisch is True and mail.status == InkomendStatus.TOEGEPAST
    assert mail.actie == "automatisch antwoord"


@pytest.mark.parametrize("sample", list(GEWOON), ids=list(GEWOON))
def test_a_forward_by_rule_or_a_suppress_header_alone_is_an_ordinary_mail(client, db_session, verstuurde_knip,
                                                                          sample):
    zaak, origineel = verstuurde_knip
    assert sendgrid(client, GEWOON[sample](origineel)).status_code == 200
    assert db_session.execute(select(InkomendeMail.automatisch)).scalar_one() is False
    assert db_session.execute(select(Bericht)).scalars().first() is not None


# ---------------------------------------------------------------- what an out-of-office does


def test_an_out_of_office_is_noted_never_acknowledges_and_the_case_goes_to_the_vervanger(client, db_session,
                                                                                        verstuurde_knip):
    zaak, origineel = verstuurde_knip
    voor = _mails_aan(db_session, "wi@test.local")
    # A first line that reads like a keyword: still only a note.
    r = sendgrid(client, exchange(origineel, "Ontvangen, dank u.\n\nIk ben afwezig tot en met 20 maart."))
    assert r.get_json()["status"] == "toegepast"
    db_session.expire_all()
    zaak = db_session.get(Zaak, zaak.id)
    assert zaak.status == Status.VERSTUURD and zaak.ontvangen_op is None
    assert db_session.execute(select(Bericht)).first() is None
    notitie, herroutering = zaak.gebeurtenissen[-2:]
    assert notitie.actie == "automatisch_antwoord"
    # The person by name, as everywhere a person is meant (issue 13: nobody named by a bare address).
    assert notitie.toelichting.startswith("Afwezigheidsbericht ontvangen van Sanne Vos (automatisch antwoord)")
    assert herroutering.actie == "herrouteerd" and zaak.ontvanger_email == "wi.vervanger@test.local"
    assert _mails_aan(db_session, "wi.vervanger@test.local") == 1
    assert _mails_aan(db_session, "wi@test.local") == voor  # an auto-reply is never answered


def test_out_of_office_answers_never_loop(client, db_session, verstuurde_knip):
    """The contact's and then the vervanger's out-of-office: each noted once, none answered."""
    zaak, origineel = verstuurde_knip
    sendgrid(client, exchange(origineel, "Ik ben afwezig."))
    sendgrid(client, exchange(origineel, "Ik ben afwezig."))  # Exchange answers every mail of the thread
    naar_vervanger = db_session.execute(select(UitgaandeMail).where(UitgaandeMail.aan == "wi.vervanger@test.local")
                                        ).scalar_one()
    r = sendgrid(client, gmail(origineel, "Ook ik ben afwezig.", van="Ahmed Bakker <wi.vervanger@test.local>")
                 .replace(str(origineel["Reply-To"]).encode(), naar_vervanger.reply_to.encode()))
    assert r.get_json()["status"] == "toegepast"
    db_session.expire_all()
    assert _mails_aan(db_session, "wi.vervanger@test.local") == 1
    assert _mails_aan(db_session, "wi@test.local") == 1  # the case itself, before any out-of-office
    acties = [g.actie for g in db_session.get(Zaak, zaak.id).gebeurtenissen]
    assert acties.count("automatisch_antwoord") == 3 and acties.count("herrouteerd") == 1
    assert db_session.get(Zaak, zaak.id).status == Status.VERSTUURD


def test_the_beheerder_records_the_stated_absence_with_one_button(client, inlog, db_session, verstuurde_knip,
                                                                  wereld):
    zaak, origineel = verstuurde_knip
    terug = _vandaag() + timedelta(days=9)
    sendgrid(client, exchange(origineel, f"Beste afzender,\n\nIk ben afwezig tot en met {_nl(terug)}. Uw mail "
                                         f"wordt niet doorgestuurd."))
    voorstel = db_session.execute(select(Afwezigheidsbericht)).scalar_one()
    assert (voorstel.contactpersoon_id, voorstel.tot) == (wereld.cp_wi.id, terug)

    inlog.als("beheer@test.local")
    lijst = client.get("/beheer/afwezigheidsberichten").get_data(as_text=True)
    assert "Sanne Vos" in lijst and f"tot en met {_nl(terug)}" in lijst
    assert f'value="{terug.isoformat()}"' in lijst and f'value="{_vandaag().isoformat()}"' in lijst
    r = client.post(f"/beheer/afwezigheidsberichten/{voorstel.id}/vastleggen",
                    data={"van": _vandaag().isoformat(), "tot": terug.isoformat()})
    assert r.status_code == 302
    db_session.expire_all()
    afwezig = db_session.execute(select(Afwezigheid)).scalar_one()
    assert (afwezig.contactpersoon_id, afwezig.van, afwezig.tot) == (wereld.cp_wi.id, _vandaag(), terug)
    assert "afwezigheidsbericht" in afwezig.omschrijving.lower()
    assert db_session.get(Afwezigheidsbericht, voorstel.id).status == "vastgelegd"
    assert "Er wachten geen afwezigheidsberichten" in client.get("/beheer/afwezigheidsberichten").get_data(as_text=True)
    regel = db_session.execute(select(Auditregel).where(Auditregel.soort == "wijzigen")
                               .order_by(Auditregel.id.desc())).scalars().first()
    assert "afwezigheid" in regel.wat and "Sanne Vos" in regel.wat


def test_an_english_return_date_is_proposed_too(client, inlog, db_session, verstuurde_knip):
    zaak, origineel = verstuurde_knip
    terug = _vandaag() + timedelta(days=12)
    sendgrid(client, gmail(origineel, f"I'm on holiday, back on {MONTHS[terug.month - 1]} {terug.day}th.",
                           onderwerp="Out of office"))
    voorstel = db_session.execute(select(Afwezigheidsbericht)).scalar_one()
    assert voorstel.tot == terug - timedelta(days=1)


def test_without_a_stated_date_the_beheerder_fills_in_the_last_day(client, inlog, db_session, verstuurde_knip):
    zaak, origineel = verstuurde_knip
    sendgrid(client, exchange(origineel, "Ik ben afwezig en lees mijn mail niet."))
    voorstel = db_session.execute(select(Afwezigheidsbericht)).scalar_one()
    assert voorstel.tot is None
    inlog.als("beheer@test.local")
    assert "Sanne Vos" in client.get("/beheer/afwezigheidsberichten").get_data(as_text=True)
    r = client.post(f"/beheer/afwezigheidsberichten/{voorstel.id}/vastleggen",
                    data={"van": _vandaag().isoformat(), "tot": ""})
    assert r.status_code == 422 and "laatste dag" in r.get_data(as_text=True).lower()
    assert db_session.execute(select(Afwezigheid)).first() is None
    r = client.post(f"/beheer/afwezigheidsberichten/{voorstel.id}/vastleggen",
                    data={"van": _vandaag().isoformat(), "tot": (_vandaag() + timedelta(days=3)).isoformat()})
    assert r.status_code == 302
    assert db_session.execute(select(Afwezigheid)).scalar_one().tot == _vandaag() + timedelta(days=3)


def test_the_beheerder_may_set_a_proposal_aside(client, inlog, db_session, verstuurde_knip):
    zaak, origineel = verstuurde_knip
    sendgrid(client, exchange(origineel, "Ik ben afwezig."))
    voorstel = db_session.execute(select(Afwezigheidsbericht)).scalar_one()
    inlog.als("beheer@test.local")
    assert client.post(f"/beheer/afwezigheidsberichten/{voorstel.id}/negeren").status_code == 302
    db_session.expire_all()
    assert db_session.get(Afwezigheidsbericht, voorstel.id).status == "genegeerd"
    assert db_session.execute(select(Afwezigheid)).first() is None
    assert client.post(f"/beheer/afwezigheidsberichten/{voorstel.id}/negeren").status_code == 409


def test_only_an_authenticated_out_of_office_of_a_known_contact_is_proposed(client, inlog, db_session,
                                                                             verstuurde_knip):
    zaak, origineel = verstuurde_knip
    sendgrid(client, exchange(origineel, "Ik ben afwezig tot en met 20 maart.", van="Iemand <iemand@elders.test>"))
    sendgrid(client, exchange(origineel, "Ik ben afwezig tot en met 20 maart."), spf="fail",
             dkim="{@attacker.test : pass}", envelop_van="x@attacker.test")
    assert db_session.execute(select(Afwezigheidsbericht)).first() is None
    assert {m.status for m in db_session.execute(select(InkomendeMail)).scalars()} == {InkomendStatus.QUARANTAINE}


def test_only_the_beheerder_sees_and_records_proposals(client, inlog, db_session, verstuurde_knip):
    zaak, origineel = verstuurde_knip
    sendgrid(client, exchange(origineel, "Ik ben afwezig."))
    voorstel = db_session.execute(select(Afwezigheidsbericht)).scalar_one()
    inlog.als("manager@test.local")
    assert client.get("/beheer/afwezigheidsberichten").status_code == 403
    assert client.post(f"/beheer/afwezigheidsberichten/{voorstel.id}/vastleggen",
                       data={"van": _vandaag().isoformat(), "tot": _vandaag().isoformat()}).status_code == 403
    assert db_session.execute(select(Afwezigheid)).first() is None
