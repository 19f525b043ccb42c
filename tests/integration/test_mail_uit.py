"""Mail out: every case reaches its contactpersoon through the outbox, with threading and a reply address."""
import email
import json
import re
import socket
import threading
from datetime import datetime, timedelta, timezone
from email import policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import select

from notifications.backends import OutboxBackend, SendgridBackend, SmtpBackend
from notifications.models import MailStatus, ReplyAdres, UitgaandeMail
from notifications.verzender import verstuur_wachtrij
from tests.conftest import NU
from tests.integration.test_wijkteam import _escalatie_formulier, _knip_formulier


@pytest.fixture
def t0():
    """The dispatcher's clock: ten minutes after the real time at which this test's requests queue their mail.

    Taken when the test starts, not when the module is collected: a suite that runs longer than ten minutes
    would otherwise see its rows queued after T0 and nothing due."""
    return datetime.now(timezone.utc).replace(microsecond=0) + timedelta(minutes=10)


def _klok(moment):
    return lambda: moment


def test_sending_a_knip_queues_a_mail_for_the_routed_contactpersoon(client, inlog, wereld, db_session):
    inlog.als("manager@test.local")
    client.post("/knippen/nieuw", data=_knip_formulier(wereld))
    mail = db_session.execute(select(UitgaandeMail)).scalar_one()
    assert mail.aan == "wi@test.local" and mail.status == MailStatus.WACHTRIJ
    assert re.fullmatch(r"zaak\+[0-9a-f]{20}@reply\.localhost", mail.reply_to)
    token = mail.reply_to.split("+")[1].split("@")[0]
    adres = db_session.execute(select(ReplyAdres).where(ReplyAdres.token == token)).scalar_one()
    assert (adres.zaak_id, adres.ontvanger) == (mail.zaak_id, "wi@test.local")
    for tekst in (mail.tekst, mail.html):
        assert "FEY-2026-031" not in tekst  # the cliëntreferentie never leaves the municipality
        assert "/link/" in tekst and "UITGEVOERD" in tekst and "REGULIER" in tekst and "BEZWAAR" in tekst
    assert mail.onderwerp == f"{mail.zaak.nummer}: nieuwe knip van wijkteam Feyenoord: uitvoeren zonder nieuwe beoordeling"


def test_the_outbox_backend_writes_an_rfc5322_message_with_threading_headers(client, inlog, wereld, db_session,
                                                                              tmp_path, t0):
    inlog.als("manager@test.local")
    client.post("/escalaties/nieuw", data=_escalatie_formulier(wereld))
    zaak_id = db_session.execute(select(UitgaandeMail.zaak_id)).scalar_one()
    client.post(f"/zaken/{zaak_id}/bericht", data={"tekst": "Aanvulling: het gaat om een e-bike met trapondersteuning"})
    backend = OutboxBackend(str(tmp_path), "Knipkaart <knipkaart@test.local>")
    rapport = verstuur_wachtrij(db_session, backend, _klok(t0))
    assert len(rapport.verzonden) == 2
    eerste, tweede = sorted(tmp_path.glob("*.eml"))
    m1 = email.message_from_bytes(eerste.read_bytes(), policy=policy.default)
    m2 = email.message_from_bytes(tweede.read_bytes(), policy=policy.default)
    assert m1["To"] == "wmo@test.local" and m1["Reply-To"].startswith("zaak+")
    assert m2["In-Reply-To"] == m1["Message-ID"] and m2["References"] == m1["Message-ID"]
    assert m1.get_body(("plain",)) is not None and m1.get_body(("html",)) is not None
    assert "e-bike met trapondersteuning" in m2.get_body(("plain",)).get_content()
    statussen = db_session.execute(select(UitgaandeMail.status, UitgaandeMail.provider_id)).all()
    assert all(s == MailStatus.VERZONDEN and p for s, p in statussen)


def test_a_row_is_never_sent_twice(client, inlog, wereld, db_session, tmp_path, t0):
    inlog.als("manager@test.local")
    client.post("/escalaties/nieuw", data=_escalatie_formulier(wereld))
    backend = OutboxBackend(str(tmp_path), "knipkaart@test.local")
    verstuur_wachtrij(db_session, backend, _klok(t0))
    verstuur_wachtrij(db_session, backend, _klok(t0 + timedelta(hours=5)))
    assert len(list(tmp_path.glob("*.eml"))) == 1


def test_the_team_is_mailed_when_the_dienst_asks_a_question(app, client, wereld, db_session):
    from tests.integration.test_dienst_link import _link
    from workflows.models import Zaak, ZaakSoort
    from workflows.zaken import Actor, nieuwe_zaak, uitvoeren

    manager = Actor.gebruiker(wereld.manager)
    zaak = nieuwe_zaak(db_session, manager, ZaakSoort.ESCALATIE, wereld.invoer(dienst=wereld.wmo), NU)
    uitvoeren(db_session, manager, zaak, "versturen", NU)
    db_session.commit()
    client.post(_link(app, zaak) + "/actie", data={"actie": "vraag", "toelichting": "Is er een offerte?"})
    mail = db_session.execute(select(UitgaandeMail).where(UitgaandeMail.soort == "vraag")).scalar_one()
    assert mail.aan == "manager@test.local" and "Is er een offerte?" in mail.tekst


# ---------------------------------------------------------------- SMTP against a real local server


class _Ontvanger:
    def __init__(self):
        self.berichten = []

    async def handle_DATA(self, server, session, envelope):
        self.berichten.append((envelope.rcpt_tos, envelope.content))
        return "250 OK"


@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        poort = s.getsockname()[1]
    ontvanger = _Ontvanger()
    controller = Controller(ontvanger, hostname="127.0.0.1", port=poort)
    controller.start()
    try:
        yield poort, ontvanger
    finally:
        controller.stop()


def test_the_smtp_backend_delivers_to_a_real_smtp_server(client, inlog, wereld, db_session, smtp_server, t0):
    poort, ontvanger = smtp_server
    inlog.als("manager@test.local")
    client.post("/knippen/nieuw", data=_knip_formulier(wereld))
    rapport = verstuur_wachtrij(db_session, SmtpBackend("127.0.0.1", poort, "knipkaart@test.local"), _klok(t0))
    assert len(rapport.verzonden) == 1
    (ontvangers, inhoud), = ontvanger.berichten
    assert ontvangers == ["wi@test.local"]
    bericht = email.message_from_bytes(inhoud, policy=policy.default)
    assert bericht["Reply-To"].startswith("zaak+") and "knip" in bericht.get_body(("plain",)).get_content()


def test_an_unreachable_smtp_server_is_retried_later(client, inlog, wereld, db_session, t0):
    inlog.als("manager@test.local")
    client.post("/knippen/nieuw", data=_knip_formulier(wereld))
    backend = SmtpBackend("127.0.0.1", 1, "knipkaart@test.local", timeout=2)
    rapport = verstuur_wachtrij(db_session, backend, _klok(t0))
    assert len(rapport.uitgesteld) == 1
    mail = db_session.execute(select(UitgaandeMail)).scalar_one()
    assert mail.status == MailStatus.WACHTRIJ and mail.volgende_poging_op == t0 + timedelta(minutes=1)
    assert "SMTP niet bereikbaar" in mail.fout


# ---------------------------------------------------------------- SendGrid against a local v3 server


class _SendgridNep(BaseHTTPRequestHandler):
    antwoorden: list = []
    ontvangen: list = []

    def do_POST(self):
        lengte = int(self.headers["Content-Length"])
        type(self).ontvangen.append((self.path, dict(self.headers), json.loads(self.rfile.read(lengte))))
        status, headers, body = type(self).antwoorden.pop(0)
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        data = json.dumps(body).encode() if body is not None else b""
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def sendgrid_server():
    _SendgridNep.antwoorden = []
    _SendgridNep.ontvangen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _SendgridNep)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", _SendgridNep
    finally:
        server.shutdown()
        server.server_close()


def _een_knip(client, inlog, wereld):
    inlog.als("manager@test.local")
    client.post("/knippen/nieuw", data=_knip_formulier(wereld))


def test_sendgrid_gets_a_v3_request_and_the_message_id_is_stored(client, inlog, wereld, db_session, sendgrid_server,
                                                                 t0):
    url, nep = sendgrid_server
    nep.antwoorden.append((202, {"X-Message-Id": "sg-abc123"}, None))
    _een_knip(client, inlog, wereld)
    backend = SendgridBackend("SG.test", "Knipkaart <knipkaart@test.local>", url)
    rapport = verstuur_wachtrij(db_session, backend, _klok(t0))
    assert len(rapport.verzonden) == 1
    pad, headers, body = nep.ontvangen[0]
    assert pad == "/v3/mail/send" and headers["Authorization"] == "Bearer SG.test"
    assert body["from"] == {"email": "knipkaart@test.local", "name": "Knipkaart"}
    assert body["personalizations"][0]["to"] == [{"email": "wi@test.local"}]
    assert body["reply_to"]["email"].startswith("zaak+")
    assert [c["type"] for c in body["content"]] == ["text/plain", "text/html"]
    assert "Message-ID" in body["headers"]
    mail = db_session.execute(select(UitgaandeMail)).scalar_one()
    # The delivery events come back with these: without mail_id an event can only be matched by sg_message_id.
    assert body["custom_args"] == {"mail_id": str(mail.id), "zaak_id": str(mail.zaak_id)}
    assert "FEY-2026-031" not in json.dumps(body)
    assert (mail.status, mail.provider_id) == (MailStatus.VERZONDEN, "sg-abc123")


def test_a_sendgrid_400_gives_up_at_once_with_the_reason(client, inlog, wereld, db_session, sendgrid_server, t0):
    url, nep = sendgrid_server
    nep.antwoorden.append((400, {}, {"errors": [{"message": "Invalid reply_to", "field": "reply_to"}]}))
    _een_knip(client, inlog, wereld)
    rapport = verstuur_wachtrij(db_session, SendgridBackend("SG.test", "knipkaart@test.local", url), _klok(t0))
    assert len(rapport.mislukt) == 1 and len(nep.ontvangen) == 1
    mail = db_session.execute(select(UitgaandeMail)).scalar_one()
    assert mail.status == MailStatus.MISLUKT and "Invalid reply_to" in mail.fout


def test_a_sendgrid_429_waits_until_the_rate_limit_resets(client, inlog, wereld, db_session, sendgrid_server, t0):
    url, nep = sendgrid_server
    reset = int((t0 + timedelta(minutes=7)).timestamp())
    nep.antwoorden += [(429, {"X-RateLimit-Reset": str(reset)}, {"errors": [{"message": "too many"}]}),
                       (202, {"X-Message-Id": "sg-2"}, None)]
    _een_knip(client, inlog, wereld)
    backend = SendgridBackend("SG.test", "knipkaart@test.local", url)
    verstuur_wachtrij(db_session, backend, _klok(t0))
    mail = db_session.execute(select(UitgaandeMail)).scalar_one()
    assert mail.status == MailStatus.WACHTRIJ
    assert mail.volgende_poging_op == datetime.fromtimestamp(reset, tz=timezone.utc)
    verstuur_wachtrij(db_session, backend, _klok(t0 + timedelta(minutes=5)))
    assert len(nep.ontvangen) == 1  # not before the reset
    verstuur_wachtrij(db_session, backend, _klok(t0 + timedelta(minutes=8)))
    db_session.expire_all()
    assert len(nep.ontvangen) == 2 and db_session.get(UitgaandeMail, mail.id).provider_id == "sg-2"


def test_a_sendgrid_500_backs_off_exponentially_and_sends_once(client, inlog, wereld, db_session, sendgrid_server, t0):
    url, nep = sendgrid_server
    nep.antwoorden += [(500, {}, {"errors": [{"message": "boom"}]}), (500, {}, {"errors": [{"message": "boom"}]}),
                       (202, {"X-Message-Id": "sg-3"}, None)]
    _een_knip(client, inlog, wereld)
    backend = SendgridBackend("SG.test", "knipkaart@test.local", url)
    verstuur_wachtrij(db_session, backend, _klok(t0))
    mail = db_session.execute(select(UitgaandeMail)).scalar_one()
    assert mail.volgende_poging_op == t0 + timedelta(minutes=1)
    verstuur_wachtrij(db_session, backend, _klok(t0 + timedelta(minutes=1)))
    db_session.expire_all()
    assert db_session.get(UitgaandeMail, mail.id).volgende_poging_op == t0 + timedelta(minutes=3)
    verstuur_wachtrij(db_session, backend, _klok(t0 + timedelta(minutes=3)))
    verstuur_wachtrij(db_session, backend, _klok(t0 + timedelta(hours=3)))
    db_session.expire_all()
    assert len(nep.ontvangen) == 3
    assert db_session.get(UitgaandeMail, mail.id).status == MailStatus.VERZONDEN
