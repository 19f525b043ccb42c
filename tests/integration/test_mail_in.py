"""Mail in: replies as Outlook, Gmail and Apple Mail write them, POSTed as SendGrid's Inbound Parse does."""
import base64
import email
import json
from email import policy
from email.message import EmailMessage
from datetime import timedelta
from email.utils import make_msgid

import pytest
from sqlalchemy import select

from notifications.backends import OutboxBackend
from notifications.models import InkomendeMail, InkomendStatus, MailEvent, MailStatus, UitgaandeMail
from notifications.verzender import verstuur_wachtrij
from tests.conftest import NU
from tests.integration.test_mail_uit import _klok, t0  # noqa: F401 (t0 is a fixture)
from workflows.models import Bericht, Contactpersoon, Status, Uitkomst, Zaak, ZaakSoort
from workflows.zaken import Actor, nieuwe_zaak, uitvoeren

AUTH = {"Authorization": "Basic " + base64.b64encode(b"inbound:ontwikkeling").decode()}


@pytest.fixture
def verstuurde_knip(client, inlog, wereld, db_session, tmp_path, t0):
    """A knip sent through the app; its mail delivered to the outbox as an .eml file."""
    from tests.integration.test_wijkteam import _knip_formulier

    inlog.als("manager@test.local")
    client.post("/knippen/nieuw", data=_knip_formulier(wereld))
    client.post("/logout")
    verstuur_wachtrij(db_session, OutboxBackend(str(tmp_path), "Knipkaart <knipkaart@test.local>"), _klok(t0))
    eml = next(tmp_path.glob("*.eml"))
    origineel = email.message_from_bytes(eml.read_bytes(), policy=policy.default)
    zaak = db_session.execute(select(Zaak)).scalar_one()
    return zaak, origineel


def _citaat(origineel) -> str:
    return "\n".join("> " + r for r in origineel.get_body(("plain",)).get_content().splitlines())


def antwoord(origineel, tekst: str, *, van="wi@test.local", stijl="outlook", naar=None) -> bytes:
    """A reply the way a mail client builds it: new text on top, the original quoted below."""
    msg = EmailMessage()
    msg["From"] = f"Sanne Vos <{van}>"
    msg["To"] = naar or origineel["Reply-To"]
    msg["Subject"] = "RE: " + origineel["Subject"] if stijl == "outlook" else "Re: " + origineel["Subject"]
    msg["Message-ID"] = make_msgid(domain="client.test")
    msg["In-Reply-To"] = origineel["Message-ID"]
    msg["References"] = origineel["Message-ID"]
    origineel_tekst = origineel.get_body(("plain",)).get_content()
    if stijl == "outlook":
        body = (f"{tekst}\n\nMet vriendelijke groet,\n\nSanne Vos\nWerk & Inkomen\n\n"
                f"-----Oorspronkelijk bericht-----\nVan: Knipkaart <knipkaart@test.local>\n"
                f"Verzonden: dinsdag 10 maart 2026 11:00\nAan: {van}\nOnderwerp: {origineel['Subject']}\n\n"
                f"{origineel_tekst}")
    elif stijl == "gmail":
        body = (f"{tekst}\n\nOp di 10 mrt 2026 om 11:00 schreef Knipkaart <knipkaart@test.local>:\n\n"
                f"{_citaat(origineel)}\n")
    else:  # Apple Mail, English
        body = (f"{tekst}\n\nSent from my iPhone\n\nOn 10 Mar 2026, at 11:00, Knipkaart <knipkaart@test.local> wrote:\n\n"
                f"{_citaat(origineel)}\n")
    msg.set_content(body)
    return bytes(msg)


def _verdicten(m) -> dict:
    """What SendGrid posts beside the mail for a sender whose own server signs it: DKIM and SPF pass."""
    van = email.utils.parseaddr(str(m["From"]))[1]
    return {"SPF": "pass", "dkim": "{@" + van.rpartition("@")[2] + " : pass}",
            "envelope": json.dumps({"to": [str(m["To"])], "from": van})}


def post_raw(client, ruw: bytes, headers=AUTH):
    m = email.message_from_bytes(ruw, policy=policy.default)
    data = {"email": ruw.decode("utf-8"), "to": m["To"], "from": m["From"], "subject": m["Subject"],
            "charsets": "{}", **_verdicten(m)}
    return client.post("/mail/inbound/sendgrid", data=data, headers=headers, content_type="multipart/form-data")


def post_parsed(client, ruw: bytes, headers=AUTH):
    m = email.message_from_bytes(ruw, policy=policy.default)
    koppen = "".join(f"{k}: {v}\n" for k, v in m.items())
    data = {"headers": koppen, "to": m["To"], "from": m["From"], "subject": m["Subject"],
            "text": m.get_body(("plain",)).get_content(), "charsets": json.dumps({"text": "UTF-8"}), **_verdicten(m)}
    return client.post("/mail/inbound/sendgrid", data=data, headers=headers, content_type="multipart/form-data")


@pytest.mark.parametrize("stijl", ["outlook", "gmail", "apple"])
@pytest.mark.parametrize("modus", ["raw", "parsed"])
def test_a_reply_with_uitgevoerd_executes_the_knip_and_keeps_only_the_new_text(
        client, db_session, verstuurde_knip, stijl, modus):
    zaak, origineel = verstuurde_knip
    ruw = antwoord(origineel, "UITGEVOERD\nDe uitkering gaat vandaag in.", stijl=stijl)
    post = post_raw if modus == "raw" else post_parsed
    r = post(client, ruw)
    assert r.status_code == 200, r.get_data(as_text=True)
    db_session.expire_all()
    zaak = db_session.get(Zaak, zaak.id)
    assert zaak.status == Status.OPGELOST and zaak.uitkomst == Uitkomst.UITGEVOERD
    laatste = zaak.gebeurtenissen[-1]
    assert laatste.toelichting == "De uitkering gaat vandaag in."
    assert "Oorspronkelijk" not in laatste.toelichting and "schreef" not in laatste.toelichting
    assert "Sanne Vos" in laatste.actor_label

    tweede = post(client, ruw)  # the same message delivered again
    assert tweede.status_code == 200 and tweede.get_json()["status"] == "al-verwerkt"
    db_session.expire_all()
    assert len(db_session.get(Zaak, zaak.id).gebeurtenissen) == len(zaak.gebeurtenissen)


def test_a_reply_without_a_keyword_is_a_message_in_the_thread(client, db_session, verstuurde_knip):
    zaak, origineel = verstuurde_knip
    assert post_raw(client, antwoord(origineel, "Ik pak dit morgen op.", stijl="gmail")).status_code == 200
    bericht = db_session.execute(select(Bericht)).scalar_one()
    assert (bericht.tekst, bericht.kanaal, bericht.van_wijkteam) == ("Ik pak dit morgen op.", "e-mail", False)
    db_session.expire_all()
    # DOMAIN.md: any message from the routed side on a case not yet acknowledged is its first reaction.
    assert db_session.get(Zaak, zaak.id).status == Status.ONTVANGEN


def test_a_question_by_mail_pauses_the_case_and_the_teams_reply_answers_it(client, db_session, verstuurde_knip,
                                                                           tmp_path, t0):
    zaak, origineel = verstuurde_knip
    post_raw(client, antwoord(origineel, "vraag: Sinds wanneer is er geen inkomen?"))
    db_session.expire_all()
    assert db_session.get(Zaak, zaak.id).status == Status.WACHT_OP_WIJKTEAM
    vraagmail = db_session.execute(select(UitgaandeMail).where(UitgaandeMail.soort == "vraag")).scalar_one()
    assert vraagmail.aan == "manager@test.local"
    map_ = tmp_path / "tweede"
    verstuur_wachtrij(db_session, OutboxBackend(str(map_), "knipkaart@test.local"), _klok(t0))
    vraag = email.message_from_bytes(next(map_.glob("*vraag.eml")).read_bytes(), policy=policy.default)
    r = post_raw(client, antwoord(vraag, "Sinds 1 maart.", van="manager@test.local"))
    assert r.get_json()["status"] == "toegepast"
    db_session.expire_all()
    assert db_session.get(Zaak, zaak.id).status == Status.IN_BEHANDELING


def test_the_same_reply_from_a_stranger_waits_in_quarantine(client, db_session, verstuurde_knip):
    zaak, origineel = verstuurde_knip
    r = post_raw(client, antwoord(origineel, "UITGEVOERD", van="iemand@elders.test"))
    assert r.status_code == 200 and r.get_json()["status"] == "quarantaine"
    mail = db_session.execute(select(InkomendeMail)).scalar_one()
    assert "iemand@elders.test" in mail.reden and mail.zaak_id == zaak.id
    db_session.expire_all()
    assert db_session.get(Zaak, zaak.id).status == Status.VERSTUURD


def test_the_vervanger_may_answer_for_the_vaste_contactpersoon(client, db_session, verstuurde_knip):
    zaak, origineel = verstuurde_knip
    post_raw(client, antwoord(origineel, "ONTVANGEN", van="wi.vervanger@test.local"))
    db_session.expire_all()
    assert db_session.get(Zaak, zaak.id).status == Status.ONTVANGEN


def test_without_the_reply_address_in_reply_to_finds_the_case_but_only_for_quarantine(client, db_session,
                                                                                      verstuurde_knip):
    zaak, origineel = verstuurde_knip
    r = post_raw(client, antwoord(origineel, "ONTVANGEN", naar="knipkaart@test.local"))
    assert r.get_json()["status"] == "quarantaine"
    mail = db_session.execute(select(InkomendeMail)).scalar_one()
    assert mail.zaak_id == zaak.id and "alleen gekoppeld via kopregels" in mail.reden
    db_session.expire_all()
    assert db_session.get(Zaak, zaak.id).status == Status.VERSTUURD


def test_a_forged_reply_address_is_quarantined(client, db_session, verstuurde_knip):
    zaak, origineel = verstuurde_knip
    msg = email.message_from_bytes(antwoord(origineel, "UITGEVOERD"), policy=policy.default)
    msg.replace_header("To", "zaak+" + "0" * 20 + "@reply.localhost")
    r = post_raw(client, bytes(msg))
    assert r.get_json()["status"] == "quarantaine"
    assert "onbekend of vervalst" in db_session.execute(select(InkomendeMail.reden)).scalar_one()


def test_a_keyword_that_does_not_fit_the_state_is_quarantined_not_half_applied(client, db_session, verstuurde_knip):
    zaak, origineel = verstuurde_knip
    r = post_raw(client, antwoord(origineel, "TOEGEKEND"))  # an escalation keyword on a knip
    assert r.get_json()["status"] == "quarantaine"
    db_session.expire_all()
    assert db_session.get(Zaak, zaak.id).status == Status.VERSTUURD
    assert db_session.execute(select(Bericht)).first() is None


def test_a_wrong_secret_is_refused_and_nothing_is_stored(client, db_session, verstuurde_knip):
    zaak, origineel = verstuurde_knip
    fout = {"Authorization": "Basic " + base64.b64encode(b"inbound:fout").decode()}
    assert post_raw(client, antwoord(origineel, "UITGEVOERD"), headers=fout).status_code == 401
    assert post_raw(client, antwoord(origineel, "UITGEVOERD"), headers={}).status_code == 401
    assert db_session.execute(select(InkomendeMail)).first() is None


def test_a_bad_signature_is_refused_when_a_public_key_is_set(app, client, db_session, verstuurde_knip):
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    sleutel = ec.generate_private_key(ec.SECP256R1())
    publiek = sleutel.public_key().public_bytes(serialization.Encoding.DER,
                                                serialization.PublicFormat.SubjectPublicKeyInfo)
    app.config["SENDGRID_INBOUND_PUBLIC_KEY"] = base64.b64encode(publiek).decode()
    try:
        zaak, origineel = verstuurde_knip
        ruw = antwoord(origineel, "ONTVANGEN")
        kop = {**AUTH, "X-Twilio-Email-Event-Webhook-Signature": base64.b64encode(b"nep").decode(),
               "X-Twilio-Email-Event-Webhook-Timestamp": "1700000000"}
        assert post_raw(client, ruw, headers=kop).status_code == 403
        assert db_session.execute(select(InkomendeMail)).first() is None
        # A correct signature over timestamp + the exact body bytes is accepted.
        m = email.message_from_bytes(ruw, policy=policy.default)
        from werkzeug.test import EnvironBuilder
        builder = EnvironBuilder(method="POST", data={"email": ruw.decode(), "to": m["To"], "from": m["From"]})
        body = builder.get_request().get_data()
        handtekening = sleutel.sign(b"1700000000" + body, ec.ECDSA(hashes.SHA256()))
        kop = {**AUTH, "X-Twilio-Email-Event-Webhook-Signature": base64.b64encode(handtekening).decode(),
               "X-Twilio-Email-Event-Webhook-Timestamp": "1700000000", "Content-Type": builder.content_type}
        r = client.post("/mail/inbound/sendgrid", data=body, headers=kop)
        assert r.status_code == 200, r.get_data(as_text=True)
    finally:
        app.config["SENDGRID_INBOUND_PUBLIC_KEY"] = ""


def test_missing_fields_are_answered_with_a_problem(client, wereld, db_session):
    r = client.post("/mail/inbound/sendgrid", data={"subject": "hallo"}, headers=AUTH)
    assert r.status_code == 400 and r.content_type == "application/problem+json"
    assert db_session.execute(select(InkomendeMail)).first() is None


def test_a_body_over_30_mb_is_refused(client, wereld, db_session):
    r = client.post("/mail/inbound/sendgrid", data={"email": "x" * (31 * 1024 * 1024)}, headers=AUTH)
    assert r.status_code == 413
    assert db_session.execute(select(InkomendeMail)).first() is None


def test_html_with_script_is_reduced_to_text(client, db_session, verstuurde_knip):
    zaak, origineel = verstuurde_knip
    msg = EmailMessage()
    msg["From"] = "wi@test.local"
    msg["To"] = origineel["Reply-To"]
    msg["Subject"] = "Re"
    msg["Message-ID"] = make_msgid()
    msg.set_content("<p>ONTVANGEN</p><script>alert('x')</script><p>Wij kijken ernaar</p>", subtype="html")
    assert post_raw(client, bytes(msg)).get_json()["status"] == "toegepast"
    g = db_session.execute(select(Zaak)).scalar_one().gebeurtenissen[-1]
    assert g.actie == "ontvangen" and "alert" not in g.toelichting and "Wij kijken ernaar" in g.toelichting


def test_broken_mime_and_an_unknown_charset_are_kept_not_a_500(client, db_session, verstuurde_knip):
    zaak, origineel = verstuurde_knip
    kapot = (f"From: wi@test.local\nTo: {origineel['Reply-To']}\nMessage-ID: <kapot@x>\n"
             "Content-Type: multipart/mixed; boundary=\"nooit\"\n\n--verkeerd\nrommel").encode()
    assert post_raw(client, kapot).status_code == 200
    vreemd = (f"From: wi@test.local\nTo: {origineel['Reply-To']}\nMessage-ID: <vreemd@x>\n"
              "Content-Type: text/plain; charset=x-onbekend\n\nONTVANGEN dank").encode()
    r = post_raw(client, vreemd)
    assert r.status_code == 200
    statussen = {m.message_id: m.status for m in db_session.execute(select(InkomendeMail)).scalars()}
    assert statussen["<kapot@x>"] == InkomendStatus.QUARANTAINE
    assert statussen["<vreemd@x>"] == InkomendStatus.TOEGEPAST


def test_the_cli_feeds_a_mail_through_the_same_path(app, db_session, verstuurde_knip, tmp_path):
    zaak, origineel = verstuurde_knip
    bestand = tmp_path / "antwoord.eml"
    bestand.write_bytes(antwoord(origineel, "UITGEVOERD\nGedaan."))
    # A .eml file carries no verdict of our own inbound server: held, unless the beheerder vouches for it.
    r = app.test_cli_runner().invoke(args=["mail", "inbound", str(bestand)])
    assert r.exit_code == 0 and "niet geverifieerd" in r.output, r.output
    bestand.write_bytes(antwoord(origineel, "UITGEVOERD\nGedaan."))
    r = app.test_cli_runner().invoke(args=["mail", "inbound", "--geverifieerd", str(bestand)])
    assert r.exit_code == 0 and "Toegepast" in r.output, r.output
    again = app.test_cli_runner().invoke(args=["mail", "inbound", "--geverifieerd", str(bestand)])
    assert "al verwerkt" in again.output


def test_a_hard_bounce_marks_the_address_and_reroutes_open_cases(client, db_session, verstuurde_knip, wereld):
    zaak, origineel = verstuurde_knip
    mail = db_session.execute(select(UitgaandeMail).where(UitgaandeMail.zaak_id == zaak.id)).scalars().first()
    events = [{"event": "bounce", "type": "bounce", "sg_event_id": "ev-1", "mail_id": str(mail.id),
               "email": "wi@test.local", "reason": "550 mailbox unavailable"}]
    r = client.post("/mail/events/sendgrid", json=events, headers=AUTH)
    assert r.status_code == 200 and r.get_json()["verwerkt"] == 1
    assert client.post("/mail/events/sendgrid", json=events, headers=AUTH).get_json()["verwerkt"] == 0
    db_session.expire_all()
    assert db_session.get(UitgaandeMail, mail.id).status == MailStatus.GEBOUNCED
    assert db_session.get(Contactpersoon, wereld.cp_wi.id).onbestelbaar_sinds is not None
    zaak = db_session.get(Zaak, zaak.id)
    assert zaak.ontvanger_email == "wi.vervanger@test.local" and "onbestelbaar" in zaak.routering_reden
    naar_vervanger = db_session.execute(select(UitgaandeMail).where(UitgaandeMail.aan == "wi.vervanger@test.local"))
    assert naar_vervanger.scalars().first() is not None
    assert db_session.execute(select(UitgaandeMail).where(UitgaandeMail.aan == "beheer@test.local")).scalars().first()
    assert db_session.execute(select(MailEvent)).scalar_one().event_id == "ev-1"


def test_delivered_updates_the_mail_status(client, db_session, verstuurde_knip):
    mail = db_session.execute(select(UitgaandeMail)).scalars().first()
    client.post("/mail/events/sendgrid", headers=AUTH,
                json=[{"event": "delivered", "sg_event_id": "ev-2", "sg_message_id": f"{mail.provider_id}.filter"},
                      {"event": "delivered", "sg_event_id": "ev-3", "mail_id": str(mail.id)}])
    db_session.expire_all()
    assert db_session.get(UitgaandeMail, mail.id).status == MailStatus.AFGELEVERD


def test_the_event_webhook_refuses_unauthenticated_posts(client, wereld):
    assert client.post("/mail/events/sendgrid", json=[]).status_code == 401
    assert client.post("/mail/events/sendgrid", data="geen json", headers=AUTH).status_code == 400


def test_the_beheerder_sees_why_a_mail_was_held_and_applies_it_to_the_case(client, inlog, db_session,
                                                                           verstuurde_knip):
    zaak, origineel = verstuurde_knip
    post_raw(client, antwoord(origineel, "ONTVANGEN\nIk neem het over van Sanne.", van="collega@elders.test"))
    mail = db_session.execute(select(InkomendeMail)).scalar_one()
    inlog.als("beheer@test.local")
    lijst = client.get("/beheer/quarantaine").get_data(as_text=True)
    assert "collega@elders.test" in lijst and "mag niet antwoorden" in lijst
    assert client.post(f"/beheer/quarantaine/{mail.id}/toepassen", data={"zaaknummer": "KN-1999-9999"}).status_code == 422
    r = client.post(f"/beheer/quarantaine/{mail.id}/toepassen", data={"zaaknummer": zaak.nummer.lower()})
    assert r.status_code == 302
    db_session.expire_all()
    zaak = db_session.get(Zaak, zaak.id)
    assert zaak.status == Status.ONTVANGEN
    assert "toegelaten door Bea Beheer" in zaak.gebeurtenissen[-1].actor_label
    assert db_session.get(InkomendeMail, mail.id).status == InkomendStatus.HANDMATIG
    assert client.post(f"/beheer/quarantaine/{mail.id}/toepassen", data={"zaaknummer": zaak.nummer}).status_code == 422


def test_the_beheerder_discards_a_held_mail_with_a_reason(client, inlog, db_session, verstuurde_knip):
    zaak, origineel = verstuurde_knip
    post_raw(client, antwoord(origineel, "spam", van="spam@elders.test"))
    mail = db_session.execute(select(InkomendeMail)).scalar_one()
    inlog.als("beheer@test.local")
    assert client.post(f"/beheer/quarantaine/{mail.id}/verwerpen", data={"reden": ""}).status_code == 422
    assert client.post(f"/beheer/quarantaine/{mail.id}/verwerpen", data={"reden": "Reclame"}).status_code == 302
    db_session.expire_all()
    assert db_session.get(InkomendeMail, mail.id).status == InkomendStatus.VERWORPEN
    assert "Reclame" in client.get("/beheer/quarantaine?status=verworpen").get_data(as_text=True)


def test_the_mail_overview_shows_failures_and_undeliverable_addresses(client, inlog, db_session, verstuurde_knip,
                                                                      wereld):
    mail = db_session.execute(select(UitgaandeMail)).scalars().first()
    client.post("/mail/events/sendgrid", headers=AUTH, json=[{"event": "dropped", "sg_event_id": "ev-9",
                                                              "mail_id": str(mail.id), "reason": "Bounced Address"}])
    inlog.als("beheer@test.local")
    html = client.get("/beheer/mail").get_data(as_text=True)
    assert "Bounced Address" in html and "wi@test.local" in html
    r = client.post(f"/beheer/contactpersonen/{wereld.cp_wi.id}/bestelbaar")
    assert r.status_code == 302
    db_session.expire_all()
    assert db_session.get(Contactpersoon, wereld.cp_wi.id).onbestelbaar_sinds is None


def test_only_the_beheerder_sees_quarantined_mail(client, inlog, wereld):
    for email_ in ("manager@test.local", "medewerker@test.local", "mt@test.local"):
        inlog.als(email_)
        assert client.get("/beheer/quarantaine").status_code == 403
        assert client.get("/beheer/mail").status_code == 403


def test_a_reply_address_older_than_half_a_year_is_quarantined(client, db_session, verstuurde_knip, t0):
    import time_machine

    zaak, origineel = verstuurde_knip
    with time_machine.travel(t0 + timedelta(days=181)):
        r = post_raw(client, antwoord(origineel, "UITGEVOERD"))
    assert r.get_json()["status"] == "quarantaine"
    assert "verlopen" in db_session.execute(select(InkomendeMail.reden)).scalar_one()
    db_session.expire_all()
    assert db_session.get(Zaak, zaak.id).status == Status.VERSTUURD


def test_attachments_are_kept_within_type_and_size_and_shown_to_the_team(client, inlog, db_session,
                                                                       verstuurde_knip):
    zaak, origineel = verstuurde_knip
    msg = email.message_from_bytes(antwoord(origineel, "Zie bijlage."), policy=policy.default)
    msg.add_attachment(b"%PDF-1.4 beschikking", maintype="application", subtype="pdf", filename="beschikking.pdf")
    msg.add_attachment(b"MZ...", maintype="application", subtype="x-msdownload", filename="virus.exe")
    assert post_raw(client, bytes(msg)).get_json()["status"] == "toegepast"
    mail = db_session.execute(select(InkomendeMail)).scalar_one()
    bewaard = {b.bestandsnaam: b.data is not None for b in mail.bijlagen}
    assert bewaard == {"beschikking.pdf": True, "virus.exe": False}
    assert "virus.exe" in mail.reden
    inlog.als("manager@test.local")
    pagina = client.get(f"/zaken/{zaak.id}").get_data(as_text=True)
    assert "beschikking.pdf" in pagina and "virus.exe" in pagina
    pdf = next(b for b in mail.bijlagen if b.bestandsnaam == "beschikking.pdf")
    r = client.get(f"/zaken/{zaak.id}/bijlagen/{pdf.id}")
    assert r.status_code == 200 and r.data == b"%PDF-1.4 beschikking" and "attachment" in r.headers["Content-Disposition"]
    inlog.als("oost@test.local")
    assert client.get(f"/zaken/{zaak.id}/bijlagen/{pdf.id}").status_code == 404


def test_a_change_by_mail_is_in_the_audit_log_with_its_sender(client, db_session, verstuurde_knip):
    from workflows.models import Auditregel

    zaak, origineel = verstuurde_knip
    assert post_raw(client, antwoord(origineel, "ONTVANGEN\nWij pakken het op.")).status_code == 200
    assert post_raw(client, antwoord(origineel, "Zonder kernwoord", van="vreemde@elders.nl")).status_code == 200
    db_session.expire_all()
    regels = db_session.query(Auditregel).filter_by(kanaal="mail").all()
    assert [(r.wie, r.soort, r.zaak_id) for r in regels] == [("wi@test.local", "wijzigen", zaak.id)]  # not the stranger
    assert "ontvangen" in regels[0].wat
