"""Mail in under attack: forged senders, mail that used to make a 500, Message-ID reuse, charsets, out-of-office.

Every mail is POSTed the way SendGrid's Inbound Parse does it (multipart/form-data, raw or parsed mode), with
SendGrid's own verdicts in the `SPF` and `dkim` fields. Both modes carry those fields (a real raw-mode post:
`dkim` = "{@example.nl : pass}", `SPF` = "pass", plus `envelope`, `charsets`, `sender_ip`).
"""
import email
import json
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import make_msgid

import pytest
from sqlalchemy import func, select

from notifications.models import InkomendeMail, InkomendStatus, MailEvent, UitgaandeMail
from tests.integration.test_mail_in import AUTH, antwoord, verstuurde_knip  # noqa: F401 (fixture)
from tests.integration.test_mail_uit import _klok, t0  # noqa: F401 (t0 is a fixture)
from workflows.models import Bericht, Dienst, Status, Zaak

GRENS = b"xYzZY"


def formulier(velden: dict[str, bytes | str]) -> tuple[bytes, str]:
    """A multipart/form-data body as SendGrid sends it: plain fields, the values as raw bytes."""
    delen = []
    for naam, waarde in velden.items():
        if isinstance(waarde, str):
            waarde = waarde.encode("utf-8")
        delen.append(b"--" + GRENS + b"\r\nContent-Disposition: form-data; name=\"" + naam.encode() + b"\"\r\n\r\n"
                     + waarde + b"\r\n")
    return b"".join(delen) + b"--" + GRENS + b"--\r\n", "multipart/form-data; boundary=" + GRENS.decode()


def _domein(adres: str) -> str:
    return adres.rpartition("@")[2].lower()


def sendgrid(client, ruw: bytes, *, modus: str = "raw", spf: str | None = "pass", dkim: str | None = "",
             envelop_van: str | None = None, extra: dict | None = None, tekst: bytes | None = None):
    """POST a mail as SendGrid does. By default SendGrid found a DKIM pass for the From domain and SPF pass."""
    m = BytesParser(policy=policy.default).parsebytes(ruw, headersonly=modus == "raw")
    van = email.utils.parseaddr(str(m.get("From", "")))[1]
    if dkim == "":
        dkim = "{@" + _domein(van) + " : pass}"
    envelop = {"to": [str(m.get("To", ""))], "from": envelop_van if envelop_van is not None else van}
    velden: dict[str, bytes | str] = {}
    if modus == "raw":
        velden["email"] = ruw
        velden["charsets"] = json.dumps({"to": "UTF-8", "from": "UTF-8", "subject": "UTF-8"})
    else:
        koppen, _, body = ruw.partition(b"\n\n") if b"\r\n\r\n" not in ruw else ruw.partition(b"\r\n\r\n")
        velden["headers"] = koppen
        velden["text"] = tekst if tekst is not None else m.get_body(("plain",)).get_content().encode("utf-8")
        velden["charsets"] = json.dumps({"to": "UTF-8", "from": "UTF-8", "subject": "UTF-8", "text": "utf-8"})
    velden.update({"to": str(m.get("To", "")), "from": str(m.get("From", "")), "subject": str(m.get("Subject", "")),
                   "envelope": json.dumps(envelop), "sender_ip": "192.0.2.10"})
    if spf is not None:
        velden["SPF"] = spf
    if dkim is not None:
        velden["dkim"] = dkim
    velden.update(extra or {})
    body, soort = formulier(velden)
    return client.post("/mail/inbound/sendgrid", data=body, headers={**AUTH, "Content-Type": soort})


def _mail(db_session) -> InkomendeMail:
    db_session.expire_all()
    return db_session.execute(select(InkomendeMail).order_by(InkomendeMail.id.desc())).scalars().first()


def _status(db_session, zaak) -> Status:
    db_session.expire_all()
    return db_session.get(Zaak, zaak.id).status


def _ruw(van: str, naar: str, tekst: str, *, onderwerp="Re: uw zaak", koppen: dict | None = None,
         message_id: str | None = None) -> bytes:
    msg = EmailMessage()
    msg["From"] = van
    msg["To"] = naar
    msg["Subject"] = onderwerp
    msg["Message-ID"] = message_id or make_msgid(domain="client.test")
    for k, v in (koppen or {}).items():
        msg[k] = v
    msg.set_content(tekst)
    return bytes(msg)


# ---------------------------------------------------------------- 1. forged senders


@pytest.mark.parametrize("modus", ["raw", "parsed"])
def test_a_reply_with_a_valid_token_but_a_forged_sender_is_quarantined(client, db_session, verstuurde_knip, modus):
    zaak, origineel = verstuurde_knip
    r = sendgrid(client, antwoord(origineel, "ONTVANGEN"), modus=modus, spf="fail",
                 dkim="{@attacker.test : fail}", envelop_van="bounce@attacker.test")
    assert r.status_code == 200 and r.get_json()["status"] == "quarantaine"
    mail = _mail(db_session)
    assert mail.zaak_id == zaak.id and not mail.geauthenticeerd
    assert (mail.spf, mail.envelop_van) == ("fail", "bounce@attacker.test")
    assert "attacker.test" in mail.dkim and "fail" in mail.dkim
    assert "niet geverifieerd" in mail.reden and "test.local" in mail.reden
    assert _status(db_session, zaak) == Status.VERSTUURD


def test_a_passing_signature_of_another_domain_does_not_vouch_for_the_sender(client, db_session, verstuurde_knip):
    zaak, origineel = verstuurde_knip
    r = sendgrid(client, antwoord(origineel, "UITGEVOERD"), spf="pass", dkim="{@attacker.test : pass}",
                 envelop_van="bounce@attacker.test")
    assert r.get_json()["status"] == "quarantaine"
    assert _status(db_session, zaak) == Status.VERSTUURD


def test_a_look_alike_domain_is_not_aligned(client, db_session, verstuurde_knip):
    zaak, origineel = verstuurde_knip
    r = sendgrid(client, antwoord(origineel, "UITGEVOERD"), dkim="{@eviltest.local : pass}",
                 envelop_van="x@nottest.local")
    assert r.get_json()["status"] == "quarantaine"


def test_an_aligned_dkim_signature_is_enough_even_when_spf_fails(client, db_session, verstuurde_knip):
    zaak, origineel = verstuurde_knip
    r = sendgrid(client, antwoord(origineel, "ONTVANGEN"), spf="softfail",
                 dkim="{@mailer.elders.test : pass, @test.local : pass}", envelop_van="bounce@mailer.elders.test")
    assert r.get_json()["status"] == "toegepast", _mail(db_session).reden
    mail = _mail(db_session)
    assert mail.geauthenticeerd and mail.spf == "softfail"
    assert _status(db_session, zaak) == Status.ONTVANGEN


def test_spf_for_a_subdomain_of_the_sender_is_aligned(client, db_session, verstuurde_knip):
    zaak, origineel = verstuurde_knip
    r = sendgrid(client, antwoord(origineel, "ONTVANGEN"), spf="pass", dkim="none",
                 envelop_van="bounces@mail.test.local")
    assert r.get_json()["status"] == "toegepast", _mail(db_session).reden


def test_a_mail_without_any_verdict_is_quarantined(client, db_session, verstuurde_knip):
    zaak, origineel = verstuurde_knip
    r = sendgrid(client, antwoord(origineel, "UITGEVOERD"), spf=None, dkim=None)
    assert r.get_json()["status"] == "quarantaine"
    assert "niet geverifieerd" in _mail(db_session).reden
    assert _status(db_session, zaak) == Status.VERSTUURD


def test_threading_headers_alone_never_change_a_case(client, db_session, verstuurde_knip):
    zaak, origineel = verstuurde_knip
    # No reply token, only In-Reply-To pointing at our own Message-ID; the sender even authenticates.
    r = sendgrid(client, antwoord(origineel, "UITGEVOERD", naar="knipkaart@test.local"))
    assert r.get_json()["status"] == "quarantaine"
    mail = _mail(db_session)
    assert mail.zaak_id == zaak.id and "alleen gekoppeld via kopregels" in mail.reden
    assert _status(db_session, zaak) == Status.VERSTUURD
    assert db_session.execute(select(Bericht)).first() is None


def test_threading_headers_with_a_forged_sender_are_quarantined(client, db_session, verstuurde_knip):
    zaak, origineel = verstuurde_knip
    r = sendgrid(client, antwoord(origineel, "REGULIER", naar="knipkaart@test.local"), spf="fail",
                 dkim="{@attacker.test : fail}", envelop_van="x@attacker.test")
    assert r.get_json()["status"] == "quarantaine"
    assert _status(db_session, zaak) == Status.VERSTUURD


@pytest.mark.parametrize("modus", ["raw", "parsed"])
def test_several_from_addresses_are_quarantined(client, db_session, verstuurde_knip, modus):
    zaak, origineel = verstuurde_knip
    msg = email.message_from_bytes(antwoord(origineel, "UITGEVOERD"), policy=policy.default)
    msg.replace_header("From", "Sanne Vos <wi@test.local>, Aanvaller <boef@attacker.test>")
    r = sendgrid(client, bytes(msg), modus=modus, dkim="{@test.local : pass}", envelop_van="wi@test.local")
    assert r.get_json()["status"] == "quarantaine"
    assert "meer dan één afzender" in _mail(db_session).reden.lower()
    assert _status(db_session, zaak) == Status.VERSTUURD


def test_two_from_headers_are_quarantined(client, db_session, verstuurde_knip):
    zaak, origineel = verstuurde_knip
    ruw = antwoord(origineel, "UITGEVOERD").replace(b"From: Sanne Vos <wi@test.local>\n",
                                                   b"From: Sanne Vos <wi@test.local>\nFrom: boef@attacker.test\n", 1)
    assert ruw.count(b"From: ") == 2
    r = sendgrid(client, ruw, dkim="{@test.local : pass}", envelop_van="wi@test.local")
    assert r.get_json()["status"] == "quarantaine"
    assert "meer dan één afzender" in _mail(db_session).reden.lower()
    assert _status(db_session, zaak) == Status.VERSTUURD


def test_in_raw_mode_only_trace_headers_added_on_our_side_are_believed(client, db_session, verstuurde_knip):
    zaak, origineel = verstuurde_knip
    ontvangen = b"Received: from mail.client.test by mx.sendgrid.net with ESMTP id abc; Tue, 10 Mar 2026 11:00:00 +0000\r\n"
    vals = b"Authentication-Results: mx.sendgrid.net; dkim=pass header.d=test.local; spf=pass smtp.mailfrom=wi@test.local\r\n"
    # The sender wrote its own verdict below the line our MX added: not believed.
    r = sendgrid(client, ontvangen + vals + antwoord(origineel, "ONTVANGEN"), spf=None, dkim=None)
    assert r.get_json()["status"] == "quarantaine"
    assert _status(db_session, zaak) == Status.VERSTUURD
    # Prepended above that line by the receiving side: believed and recorded.
    echt = (b"Authentication-Results: mx.gemeente.test; dkim=pass (2048-bit key) header.d=test.local header.s=s1;\r\n"
            b" spf=fail smtp.mailfrom=x@elders.test\r\nReceived-SPF: fail (domain of elders.test) client-ip=192.0.2.1;"
            b" envelope-from=x@elders.test\r\n")
    r = sendgrid(client, echt + ontvangen + antwoord(origineel, "ONTVANGEN"), spf=None, dkim=None)
    assert r.get_json()["status"] == "toegepast", _mail(db_session).reden
    mail = _mail(db_session)
    assert mail.geauthenticeerd and "test.local" in mail.dkim and mail.spf == "fail"
    assert _status(db_session, zaak) == Status.ONTVANGEN


def test_a_reply_to_the_team_needs_the_same_authentication(client, db_session, verstuurde_knip, tmp_path, t0):
    from notifications.backends import OutboxBackend
    from notifications.verzender import verstuur_wachtrij

    zaak, origineel = verstuurde_knip
    sendgrid(client, antwoord(origineel, "vraag: Sinds wanneer is er geen inkomen?"))
    assert _status(db_session, zaak) == Status.WACHT_OP_WIJKTEAM
    map_ = tmp_path / "vraag"
    verstuur_wachtrij(db_session, OutboxBackend(str(map_), "knipkaart@test.local"), _klok(t0))
    vraag = email.message_from_bytes(next(map_.glob("*vraag.eml")).read_bytes(), policy=policy.default)
    r = sendgrid(client, antwoord(vraag, "Sinds 1 maart.", van="manager@test.local"), spf="fail",
                 dkim="{@attacker.test : pass}", envelop_van="x@attacker.test")
    assert r.get_json()["status"] == "quarantaine"
    assert _status(db_session, zaak) == Status.WACHT_OP_WIJKTEAM
    r = sendgrid(client, antwoord(vraag, "Sinds 1 maart.", van="manager@test.local"))
    assert r.get_json()["status"] == "toegepast"
    assert _status(db_session, zaak) == Status.IN_BEHANDELING


def test_the_beheerder_can_mark_an_internal_dienst_whose_mail_is_not_signed(client, inlog, db_session,
                                                                           verstuurde_knip, wereld):
    zaak, origineel = verstuurde_knip
    wereld.cp_wi.email = "sanne@intern.test"  # W&I's own mail server signs nothing
    db_session.commit()
    ongetekend = dict(spf="none", dkim="none", envelop_van="sanne@intern.test")
    r = sendgrid(client, antwoord(origineel, "Eerste poging.", van="sanne@intern.test"), **ongetekend)
    assert r.get_json()["status"] == "quarantaine"
    assert not db_session.get(Dienst, wereld.wi.id).intern_zonder_authenticatie  # off by default

    inlog.als("beheer@test.local")
    pagina = client.get(f"/beheer/diensten/{wereld.wi.id}").get_data(as_text=True)
    assert 'name="intern_zonder_authenticatie"' in pagina and "SPF" in pagina
    # Marking another dienst exempts only that dienst's domains (Wmo: test.local).
    r = client.post(f"/beheer/diensten/{wereld.wmo.id}", data={
        "naam": "Wmo", "mailbox": "wmo-postbus@test.local", "actief": "y", "intern_zonder_authenticatie": "y"})
    assert r.status_code == 302
    r = sendgrid(client, antwoord(origineel, "Tweede poging.", van="sanne@intern.test"), **ongetekend)
    assert r.get_json()["status"] == "quarantaine"

    r = client.post(f"/beheer/diensten/{wereld.wi.id}", data={
        "naam": "Werk & Inkomen", "mailbox": "wi-postbus@test.local", "accepteert_knippen": "y", "actief": "y",
        "intern_zonder_authenticatie": "y"})
    assert r.status_code == 302
    db_session.expire_all()
    assert db_session.get(Dienst, wereld.wi.id).intern_zonder_authenticatie
    r = sendgrid(client, antwoord(origineel, "ONTVANGEN", van="sanne@intern.test"), **ongetekend)
    assert r.get_json()["status"] == "toegepast", _mail(db_session).reden
    assert _status(db_session, zaak) == Status.ONTVANGEN


def test_every_inbound_mail_records_the_verdicts(client, db_session, verstuurde_knip):
    zaak, origineel = verstuurde_knip
    sendgrid(client, antwoord(origineel, "Dank.", van="vreemde@elders.test"), spf="neutral",
             dkim="{@elders.test : pass}", envelop_van="vreemde@elders.test")
    mail = _mail(db_session)
    assert mail.status == InkomendStatus.QUARANTAINE
    assert (mail.spf, mail.envelop_van, mail.geauthenticeerd) == ("neutral", "vreemde@elders.test", True)
    assert "elders.test" in mail.dkim


# ---------------------------------------------------------------- 3. mail that used to make a 500


@pytest.mark.parametrize("modus", ["raw", "parsed"])
def test_a_nul_byte_in_the_body_is_stored_cleaned_and_quarantined(client, db_session, verstuurde_knip, modus):
    zaak, origineel = verstuurde_knip
    ruw = antwoord(origineel, "ONTVANGEN\nmet een \x00 erin")
    r = sendgrid(client, ruw, modus=modus)
    assert r.status_code == 200, r.get_data(as_text=True)
    mail = _mail(db_session)
    assert mail.status == InkomendStatus.QUARANTAINE and "NUL" in mail.reden
    assert "\x00" not in mail.volledige_tekst and "met een" in mail.volledige_tekst
    assert _status(db_session, zaak) == Status.VERSTUURD


def test_a_nul_byte_in_the_subject_is_stored_and_quarantined(client, db_session, verstuurde_knip):
    zaak, origineel = verstuurde_knip
    ruw = antwoord(origineel, "ONTVANGEN").replace(b"Subject: ", b"Subject: =?utf-8?q?nul=00hier?= ", 1)
    r = sendgrid(client, ruw)
    assert r.status_code == 200
    mail = _mail(db_session)
    assert mail.status == InkomendStatus.QUARANTAINE and "\x00" not in mail.onderwerp and "NUL" in mail.reden


def test_a_nul_byte_in_the_parsed_fields_is_stored_and_quarantined(client, db_session, verstuurde_knip):
    zaak, origineel = verstuurde_knip
    r = sendgrid(client, antwoord(origineel, "ONTVANGEN"), modus="parsed", tekst=b"ONTVANGEN\x00\nDank",
                 extra={"subject": "Re: \x00 zaak", "from": "Sanne Vos <wi@test.local>\x00"})
    assert r.status_code == 200, r.get_data(as_text=True)
    mail = _mail(db_session)
    assert mail.status == InkomendStatus.QUARANTAINE and "NUL" in mail.reden
    assert "\x00" not in mail.onderwerp + mail.volledige_tekst + mail.afzender


def test_a_nul_in_an_rfc_2231_filename_is_stored_and_quarantined(client, db_session, verstuurde_knip):
    zaak, origineel = verstuurde_knip
    msg = email.message_from_bytes(antwoord(origineel, "Zie bijlage."), policy=policy.default)
    msg.add_attachment(b"%PDF-1.4", maintype="application", subtype="pdf", filename="x.pdf")
    ruw = bytes(msg).replace(b'filename="x.pdf"', b"filename*=utf-8''beschikking%00.exe%00.pdf")
    assert b"%00" in ruw
    r = sendgrid(client, ruw)
    assert r.status_code == 200, r.get_data(as_text=True)
    mail = _mail(db_session)
    assert mail.status == InkomendStatus.QUARANTAINE
    assert [b.bestandsnaam for b in mail.bijlagen] == ["beschikking.exe.pdf"]


def test_three_thousand_nested_multiparts_are_stored_and_quarantined(client, db_session, verstuurde_knip):
    zaak, origineel = verstuurde_knip
    body = b"Content-Type: text/plain\r\n\r\nONTVANGEN\r\n"
    for i in range(3000):
        body = (b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (i, i)) + body + b"\r\n--b%d--\r\n" % i
    ruw = (f"From: Sanne Vos <wi@test.local>\r\nTo: {origineel['Reply-To']}\r\nSubject: Re: genest\r\n"
           f"Message-ID: <genest@client.test>\r\nMIME-Version: 1.0\r\n").encode() + body
    r = sendgrid(client, ruw)
    assert r.status_code == 200, r.get_data(as_text=True)[:500]
    mail = _mail(db_session)
    assert mail.status == InkomendStatus.QUARANTAINE and "genest" in mail.reden
    assert mail.message_id == "<genest@client.test>" and mail.ruw == ruw
    assert _status(db_session, zaak) == Status.VERSTUURD


def test_a_deeply_nested_envelope_is_not_a_500(client, db_session, verstuurde_knip):
    zaak, origineel = verstuurde_knip
    r = sendgrid(client, antwoord(origineel, "ONTVANGEN"), extra={"envelope": "[" * 100_000 + "]" * 100_000})
    assert r.status_code == 200
    assert _mail(db_session) is not None


def test_deeply_nested_json_to_the_event_webhook_is_refused_not_a_500(client, wereld):
    diep = "[" * 100_000 + "]" * 100_000
    r = client.post("/mail/events/sendgrid", data=diep, headers={**AUTH, "Content-Type": "application/json"})
    assert r.status_code == 400 and r.content_type == "application/problem+json"
    r = client.post("/mail/events/sendgrid", data='[{"event": "bounce", "sg_event_id": "d", "reason": ' + diep + "}]",
                    headers={**AUTH, "Content-Type": "application/json"})
    assert r.status_code == 400


def test_odd_values_in_delivery_events_are_stored_not_a_500(client, db_session, verstuurde_knip):
    mail = db_session.execute(select(UitgaandeMail)).scalars().first()
    events = [
        {"event": "bounce", "sg_event_id": "nul\x00id", "mail_id": str(mail.id), "reason": "550\x00 weg"},
        {"event": "delivered", "sg_event_id": "ev-sup", "mail_id": "²"},
        {"event": "delivered", "sg_event_id": "ev-groot", "mail_id": "9" * 40},
        {"event": "delivered", "sg_event_id": "ev-sg", "sg_message_id": "a\x00b.filter"},
        {"event": "deferred", "sg_event_id": ["geen", "tekst"], "reason": {"diep": [1, 2]}},
    ]
    r = client.post("/mail/events/sendgrid", json=events, headers=AUTH)
    assert r.status_code == 200, r.get_data(as_text=True)
    db_session.expire_all()
    ids = set(db_session.execute(select(MailEvent.event_id)).scalars())
    assert {"nulid", "ev-sup", "ev-groot", "ev-sg"} <= ids
    assert all("\x00" not in d for d in db_session.execute(select(MailEvent.details)).scalars())


# ---------------------------------------------------------------- 9. Message-ID reuse, long ids, charsets


def test_a_different_mail_reusing_a_message_id_is_stored_and_quarantined(client, db_session, verstuurde_knip):
    zaak, origineel = verstuurde_knip
    eerste = _ruw("Sanne Vos <wi@test.local>", origineel["Reply-To"], "Ik kijk ernaar.", message_id="<zelfde@client.test>")
    tweede = _ruw("Sanne Vos <wi@test.local>", origineel["Reply-To"], "UITGEVOERD", message_id="<zelfde@client.test>")
    assert sendgrid(client, eerste).get_json()["status"] == "toegepast"
    voor = _status(db_session, zaak)
    r = sendgrid(client, tweede)
    assert r.status_code == 200 and r.get_json()["status"] == "quarantaine"
    mail = _mail(db_session)
    assert mail.message_id == "<zelfde@client.test>" and "Message-ID" in mail.reden
    assert _status(db_session, zaak) == voor != Status.OPGELOST
    # The same mail delivered again is still applied once and stored once.
    assert sendgrid(client, eerste).get_json()["status"] == "al-verwerkt"
    assert sendgrid(client, tweede).get_json()["status"] == "al-verwerkt"
    assert db_session.execute(select(func.count(InkomendeMail.id))).scalar_one() == 2
    assert db_session.execute(select(func.count(Bericht.id))).scalar_one() == 1


def test_concurrent_deliveries_store_each_mail_once_and_apply_one(app, client, db_session, verstuurde_knip):
    """Guards against: two workers that both miss the other's row and both apply (PostgreSQL, SQLite)."""
    import threading

    zaak, origineel = verstuurde_knip
    reply_to = origineel["Reply-To"]
    db_session.rollback()  # on SQLite even a read holds the lock the threads need
    a = _ruw("Sanne Vos <wi@test.local>", reply_to, "UITGEVOERD\nGedaan.", message_id="<tegelijk@client.test>")
    b = _ruw("Sanne Vos <wi@test.local>", reply_to, "REGULIER\nToch niet.", message_id="<tegelijk@client.test>")
    posts = [a, a, a, b]
    start = threading.Barrier(len(posts))
    antwoorden: list[str] = []
    slot = threading.Lock()

    def bezorg(ruw: bytes) -> None:
        eigen = app.test_client()
        start.wait(timeout=30)
        r = sendgrid(eigen, ruw)
        with slot:
            antwoorden.append(r.get_json()["status"] if r.status_code == 200 else str(r.status_code))

    threads = [threading.Thread(target=bezorg, args=(ruw,)) for ruw in posts]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sorted(antwoorden) == ["al-verwerkt", "al-verwerkt", "quarantaine", "toegepast"], antwoorden
    db_session.expire_all()
    mails = db_session.execute(select(InkomendeMail).order_by(InkomendeMail.id)).scalars().all()
    assert len(mails) == 2
    vastgehouden = next(m for m in mails if m.status == InkomendStatus.QUARANTAINE)
    assert "Message-ID" in vastgehouden.reden and vastgehouden.message_id_eerste is None
    acties = [g.actie for g in db_session.get(Zaak, zaak.id).gebeurtenissen]
    assert acties.count("uitgevoerd") + acties.count("regulier") == 1, acties


def test_the_same_parsed_mail_delivered_twice_is_applied_once(client, db_session, verstuurde_knip):
    zaak, origineel = verstuurde_knip
    ruw = antwoord(origineel, "Ik pak het op.")
    assert sendgrid(client, ruw, modus="parsed").get_json()["status"] == "toegepast"
    assert sendgrid(client, ruw, modus="parsed").get_json()["status"] == "al-verwerkt"
    assert db_session.execute(select(func.count(Bericht.id))).scalar_one() == 1


def test_message_ids_longer_than_the_column_are_hashed_not_cut(client, db_session, verstuurde_knip):
    zaak, origineel = verstuurde_knip
    stam = "<" + "a" * 450
    een = _ruw("Sanne Vos <wi@test.local>", origineel["Reply-To"], "Eerste bericht.", message_id=stam + "1@x>")
    twee = _ruw("Sanne Vos <wi@test.local>", origineel["Reply-To"], "Tweede bericht.", message_id=stam + "2@x>")
    assert sendgrid(client, een).get_json()["status"] == "toegepast"
    assert sendgrid(client, twee).get_json()["status"] == "toegepast"
    ids = db_session.execute(select(InkomendeMail.message_id)).scalars().all()
    assert len(set(ids)) == 2 and all(len(i) <= 400 for i in ids)
    assert db_session.execute(select(func.count(Bericht.id))).scalar_one() == 2


def test_raw_8bit_latin1_mail_keeps_its_accents(client, db_session, verstuurde_knip):
    zaak, origineel = verstuurde_knip
    ruw = (f"From: Sanne Vos <wi@test.local>\r\nTo: {origineel['Reply-To']}\r\nSubject: Re: caf\xe9\r\n"
           f"Message-ID: <latin1@client.test>\r\nMIME-Version: 1.0\r\n"
           f"Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
           f"Wij spreken af in het caf\xe9 om \xbd 3.\r\n").encode("latin-1")
    assert sendgrid(client, ruw).get_json()["status"] == "toegepast"
    mail = _mail(db_session)
    assert "café om ½ 3" in mail.volledige_tekst and mail.ruw == ruw
    assert mail.onderwerp == "Re: café"  # an 8-bit header in the charset of the text
    assert db_session.execute(select(Bericht.tekst)).scalar_one() == "Wij spreken af in het café om ½ 3."


def test_parsed_text_in_the_charset_sendgrid_reports_keeps_its_accents(client, db_session, verstuurde_knip):
    zaak, origineel = verstuurde_knip
    r = sendgrid(client, antwoord(origineel, "x"), modus="parsed", tekst="Tot in het café.".encode("latin-1"),
                 extra={"charsets": json.dumps({"to": "UTF-8", "from": "UTF-8", "subject": "UTF-8",
                                                "text": "iso-8859-1"})})
    assert r.get_json()["status"] == "toegepast"
    assert db_session.execute(select(Bericht.tekst)).scalar_one() == "Tot in het café."


# ---------------------------------------------------------------- automatic replies


@pytest.mark.parametrize("koppen, onderwerp, automatisch", [
    ({"Auto-Submitted": "auto-replied"}, "Re: uw zaak", True),
    ({"X-Autoreply": "yes"}, "Re: uw zaak", True),
    ({"X-Autorespond": "Out of office"}, "Re: uw zaak", True),
    ({"Precedence": "auto_reply"}, "Re: uw zaak", True),
    ({}, "Automatisch antwoord: Knip KN-2026-0001", True),
    ({}, "Afwezig: uw zaak", True),
    ({}, "Out of Office: uw zaak", True),
    ({}, "Automatic reply: uw zaak", True),
    ({}, "Autoreply: uw zaak", True),
    ({"Auto-Submitted": "auto-generated"}, "Automatisch antwoord: uw zaak", True),
    # Outlook marks a mail that a rule forwards as auto-generated: that alone is not an out-of-office.
    ({"Auto-Submitted": "auto-generated"}, "FW: uw zaak", False),
    ({"Auto-Submitted": "no"}, "Re: uw zaak", False),
    ({}, "Re: afwezigheid van de cliënt", False),
])
@pytest.mark.parametrize("modus", ["raw", "parsed"])
def test_an_out_of_office_is_recognised_and_marked(client, db_session, verstuurde_knip, koppen, onderwerp,
                                                   automatisch, modus):
    zaak, origineel = verstuurde_knip
    ruw = _ruw("Sanne Vos <wi@test.local>", origineel["Reply-To"], "Ik ben tot maandag afwezig.",
               onderwerp=onderwerp, koppen=koppen)
    r = sendgrid(client, ruw, modus=modus)
    assert r.status_code == 200
    assert _mail(db_session).automatisch is automatisch
