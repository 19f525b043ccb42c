"""Mail out that cannot stall and loses nothing: timeouts, the claim's lease, re-sends after an unknown outcome.

Issue 12, point 2. Every provider here is a real socket on 127.0.0.1: a local
HTTP server speaking SendGrid's v3 API, a listener that never answers, an
aiosmtpd relay. The chaos run with killed dispatcher processes is in
tests/processen/test_verzender_chaos.py.
"""
from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from datetime import datetime, timedelta, timezone
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select, text

from app.config import ConfigurationError, load
from notifications.backends import SendgridBackend, uit_config
from notifications.models import MailStatus, UitgaandeMail
from notifications.verzender import MAX_POGINGEN, verstuur_wachtrij
from workflows.models import Auditregel

T0 = datetime(2026, 3, 10, 10, 0, tzinfo=timezone.utc)
LEASE = timedelta(minutes=5)
AUTH = {"Authorization": "Basic " + __import__("base64").b64encode(b"inbound:ontwikkeling").decode()}


def _klok(moment: datetime):
    return lambda: moment


def _mail(db_session, nummer: int = 1, status: MailStatus = MailStatus.WACHTRIJ, **velden) -> UitgaandeMail:
    mail = UitgaandeMail(soort="knip", aan=f"ontvanger{nummer}@test.local", onderwerp=f"[KN-2026-{nummer:04d}] Knip",
                         tekst="Tekst", html="<p>Tekst</p>", message_id=f"<uit-{nummer}@reply.localhost>",
                         status=status, volgende_poging_op=T0, **velden)
    db_session.add(mail)
    db_session.commit()
    return mail


def _config(tmp_path, **env) -> dict:
    """The app's configuration as the environment gives it (app/config.py), for the backend factory."""
    return load(str(tmp_path), {"KNIPKAART_ENV": "development", "SECRET_KEY": "x" * 40, **env})


def _opnieuw(db_session, mail_id: int) -> UitgaandeMail:
    db_session.expire_all()
    return db_session.get(UitgaandeMail, mail_id)


# ---------------------------------------------------------------- providers on real sockets


class _Sendgrid(BaseHTTPRequestHandler):
    """SendGrid's POST /v3/mail/send, answering from a script: 202, an error, a hang, or wait for the test."""

    script: list = []
    ontvangen: list = []
    standaard = (202, None)

    def do_POST(self):
        lengte = int(self.headers["Content-Length"])
        body = json.loads(self.rfile.read(lengte))
        cls = type(self)
        cls.ontvangen.append((self.path, dict(self.headers), body))
        stap = cls.script.pop(0) if cls.script else cls.standaard
        status, extra = stap
        if status == "hang":  # accepted, then no answer for longer than any client waits
            time.sleep(extra)
            return
        if status == "wacht":  # hold the answer until the test says so, then answer as told
            gebeurtenis, status = extra
            gebeurtenis.wait(10)
        self.send_response(status)
        if status == 202:
            self.send_header("X-Message-Id", f"sg-{len(cls.ontvangen)}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        data = json.dumps({"errors": [{"message": f"status {status}"}]}).encode()
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def sendgrid():
    _Sendgrid.script = []
    _Sendgrid.ontvangen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Sendgrid)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", _Sendgrid
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def zwijgende_poort():
    """A port that takes the TCP connection (the kernel's backlog) and never says a word."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(16)
        yield s.getsockname()[1]


def _sendgrid_backend(tmp_path, url: str, timeout: str = "0.5"):
    return uit_config(_config(tmp_path, MAIL_BACKEND="sendgrid", SENDGRID_API_KEY="SG.test", SENDGRID_API_HOST=url,
                              MAIL_TIMEOUT_SECONDEN=timeout))


class _Dispatcher(threading.Thread):
    """A second dispatcher in its own thread, app context and database session: a process of its own, in small."""

    def __init__(self, app, backend, moment: datetime):
        super().__init__(daemon=True)
        self.app, self.backend, self.moment, self.fout, self.rapport = app, backend, moment, None, None

    def run(self):
        from app.extensions import db

        with self.app.app_context():
            try:
                self.rapport = verstuur_wachtrij(db.session, self.backend, _klok(self.moment), lease=LEASE)
            except BaseException as e:  # noqa: BLE001 - reported to the test
                self.fout = e
            finally:
                db.session.remove()


def _wacht_op_verzoeken(nep, aantal: int, seconden: float = 5.0) -> None:
    einde = time.monotonic() + seconden
    while len(nep.ontvangen) < aantal:
        assert time.monotonic() < einde, f"{aantal} verzoeken verwacht, {len(nep.ontvangen)} gekregen"
        time.sleep(0.01)


# ---------------------------------------------------------------- timeouts: a silent provider does not stall mail


def _binnen(app, backend, seconden: float = 5.0) -> _Dispatcher:
    """Run the dispatcher once; fail (rather than hang the suite) when it does not return in time."""
    dispatcher = _Dispatcher(app, backend, T0)
    dispatcher.start()
    dispatcher.join(seconden)
    assert not dispatcher.is_alive(), f"de verzender hangt na {seconden} s nog"
    assert dispatcher.fout is None
    return dispatcher


def test_a_sendgrid_api_that_takes_the_connection_and_never_answers_does_not_stall_the_dispatcher(
        app, db_session, tmp_path, zwijgende_poort):
    """Guards against: the SendGrid client without a timeout (it waited forever, and with it all mail)."""
    mail = _mail(db_session)
    backend = _sendgrid_backend(tmp_path, f"http://127.0.0.1:{zwijgende_poort}")
    rapport = _binnen(app, backend).rapport
    assert rapport.uitgesteld == [mail.id]
    mail = _opnieuw(db_session, mail.id)
    assert mail.status == MailStatus.WACHTRIJ and "SendGrid" in mail.fout


def test_an_smtp_relay_that_never_greets_does_not_stall_the_dispatcher(app, db_session, tmp_path,
                                                                        zwijgende_poort):
    """Guards against: the SMTP timeout fixed at 20 s and not taken from the configuration."""
    mail = _mail(db_session)
    backend = uit_config(_config(tmp_path, MAIL_BACKEND="smtp", SMTP_HOST="127.0.0.1", SMTP_PORT=str(zwijgende_poort),
                                 MAIL_TIMEOUT_SECONDEN="0.5"))
    rapport = _binnen(app, backend).rapport
    assert rapport.uitgesteld == [mail.id]
    mail = _opnieuw(db_session, mail.id)
    assert mail.status == MailStatus.WACHTRIJ and "SMTP niet bereikbaar" in mail.fout
    assert mail.onbekende_uitkomsten == 0  # the message never left: no doubt about a re-send


def test_the_timeout_and_the_lease_come_from_the_environment(tmp_path):
    standaard = _config(tmp_path)
    assert (standaard["MAIL_TIMEOUT_SECONDEN"], standaard["MAIL_LEASE_MINUTEN"]) == (20.0, 5)
    eigen = _config(tmp_path, MAIL_TIMEOUT_SECONDEN="7.5", MAIL_LEASE_MINUTEN="10")
    assert (eigen["MAIL_TIMEOUT_SECONDEN"], eigen["MAIL_LEASE_MINUTEN"]) == (7.5, 10)
    assert uit_config(_config(tmp_path, MAIL_BACKEND="smtp", MAIL_TIMEOUT_SECONDEN="7.5")).timeout == 7.5
    assert uit_config(_config(tmp_path, MAIL_BACKEND="sendgrid", SENDGRID_API_KEY="SG.x",
                              MAIL_TIMEOUT_SECONDEN="7.5")).timeout == 7.5


@pytest.mark.parametrize("env", [{"MAIL_TIMEOUT_SECONDEN": "0"}, {"MAIL_TIMEOUT_SECONDEN": "nooit"},
                                 {"MAIL_LEASE_MINUTEN": "0"},
                                 # a lease a send can outlast would let a second dispatcher send it again
                                 {"MAIL_LEASE_MINUTEN": "1", "MAIL_TIMEOUT_SECONDEN": "30"}])
def test_a_timeout_or_lease_that_cannot_work_is_refused_at_start(tmp_path, env):
    with pytest.raises(ConfigurationError):
        _config(tmp_path, **env)


def test_a_provider_that_holds_the_request_holds_no_database_lock(app, db_session, tmp_path, sendgrid):
    """Guards against: reading the claimed row again inside the send, which on SQLite (BEGIN IMMEDIATE) held
    the write lock for as long as the provider kept the request, and on PostgreSQL left a transaction open."""
    url, nep = sendgrid
    los = threading.Event()
    nep.script = [("wacht", (los, 500))]
    _mail(db_session)
    dispatcher = _Dispatcher(app, SendgridBackend("SG.test", "knipkaart@test.local", url, timeout=10), T0)
    dispatcher.start()
    try:
        _wacht_op_verzoeken(nep, 1)
        begin = time.monotonic()
        _mail(db_session, 2)  # a web request queuing a mail meanwhile
        assert time.monotonic() - begin < 2
        if db_session.get_bind().dialect.name == "postgresql":
            open_transacties = db_session.execute(text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND state LIKE 'idle in transaction%' AND pid <> pg_backend_pid()")).scalar_one()
            db_session.rollback()
            assert open_transacties == 0
    finally:
        los.set()
        dispatcher.join(15)
    assert dispatcher.fout is None


# ---------------------------------------------------------------- the lease: a claim does not last forever


def test_a_claim_older_than_the_lease_is_taken_over_and_sent(app, db_session, tmp_path, sendgrid):
    """Guards against: a row in `verzenden` never claimed again (a killed dispatcher lost it for good), and
    against a dispatcher recording its outcome over a claim that is no longer its own."""
    url, nep = sendgrid
    los_eerste, los_tweede = threading.Event(), threading.Event()
    nep.script = [("wacht", (los_eerste, 500)), ("wacht", (los_tweede, 202))]
    mail = _mail(db_session)
    backend = SendgridBackend("SG.test", "knipkaart@test.local", url, timeout=10)
    eerste = _Dispatcher(app, backend, T0)  # claims the row and hangs on the provider past its lease
    tweede = _Dispatcher(app, backend, T0 + LEASE)
    try:
        eerste.start()
        _wacht_op_verzoeken(nep, 1)
        assert verstuur_wachtrij(db_session, backend, _klok(T0 + LEASE - timedelta(seconds=1)), lease=LEASE
                                 ).overgenomen == []
        assert len(nep.ontvangen) == 1  # within the lease the claim holds
        tweede.start()
        _wacht_op_verzoeken(nep, 2)  # the second took the row over and is sending it
        los_eerste.set()  # the first now hears "500" and would put the row back in the queue
        eerste.join(15)
    finally:
        los_eerste.set()
        los_tweede.set()
        eerste.join(15)
        tweede.join(15)
    assert eerste.fout is None and tweede.fout is None
    assert eerste.rapport.verloren_claim == [mail.id] and eerste.rapport.uitgesteld == []
    assert tweede.rapport.overgenomen == [mail.id] and tweede.rapport.verzonden == [mail.id]
    mail = _opnieuw(db_session, mail.id)
    assert (mail.status, mail.provider_id, mail.pogingen) == (MailStatus.VERZONDEN, "sg-2", 2)
    assert mail.onbekende_uitkomsten == 1  # the first attempt's outcome was unknown when it was taken over
    verstuur_wachtrij(db_session, backend, _klok(T0 + timedelta(hours=3)), lease=LEASE)
    assert len(nep.ontvangen) == 2  # the late "500" of the first did not queue it a third time


def test_a_mail_whose_dispatcher_keeps_dying_is_given_up_with_the_reason(app, db_session, sendgrid):
    url, nep = sendgrid
    los = threading.Event()
    nep.script = [("wacht", (los, 500))] * MAX_POGINGEN
    mail = _mail(db_session)
    backend = SendgridBackend("SG.test", "knipkaart@test.local", url, timeout=10)
    hangend = []
    try:
        for i in range(MAX_POGINGEN):
            d = _Dispatcher(app, backend, T0 + i * LEASE)
            d.start()
            hangend.append(d)
            _wacht_op_verzoeken(nep, i + 1)
        rapport = verstuur_wachtrij(db_session, backend, _klok(T0 + MAX_POGINGEN * LEASE), lease=LEASE)
    finally:
        los.set()
        for d in hangend:
            d.join(15)
    assert rapport.mislukt == [mail.id] and len(nep.ontvangen) == MAX_POGINGEN
    mail = _opnieuw(db_session, mail.id)
    assert mail.status == MailStatus.MISLUKT and "stopte" in mail.fout


# ---------------------------------------------------------------- an unknown outcome: same ids, and who errs


def test_a_resend_after_an_unknown_outcome_carries_the_same_mail_id_and_message_id(db_session, tmp_path, sendgrid):
    url, nep = sendgrid
    nep.script = [("hang", 2.0), (202, None)]
    mail = _mail(db_session)
    backend = _sendgrid_backend(tmp_path, url)
    rapport = verstuur_wachtrij(db_session, backend, _klok(T0), lease=LEASE)
    assert rapport.uitgesteld == [mail.id] and rapport.onzeker == [mail.id]
    mail = _opnieuw(db_session, mail.id)
    assert mail.onbekende_uitkomsten == 1 and "onbekend" in mail.fout
    # An unknown outcome waits at least a lease, so the provider's delivery event can arrive first.
    assert mail.volgende_poging_op == T0 + LEASE
    verstuur_wachtrij(db_session, backend, _klok(T0 + LEASE), lease=LEASE)
    eerste, tweede = (body for _, _, body in nep.ontvangen)
    assert eerste["custom_args"]["mail_id"] == tweede["custom_args"]["mail_id"] == str(mail.id)
    assert eerste["headers"]["Message-ID"] == tweede["headers"]["Message-ID"] == "<uit-1@reply.localhost>"
    assert _opnieuw(db_session, mail.id).status == MailStatus.VERZONDEN


def test_a_delivery_event_for_a_mail_with_an_unknown_outcome_stops_its_resend(client, db_session, tmp_path,
                                                                               sendgrid):
    """The event webhook recognises the first attempt by the mail_id in custom_args: no second send."""
    url, nep = sendgrid
    nep.script = [("hang", 2.0)]
    mail = _mail(db_session)
    backend = _sendgrid_backend(tmp_path, url)
    verstuur_wachtrij(db_session, backend, _klok(T0), lease=LEASE)
    event = {"event": "delivered", "sg_event_id": "ev-1", "sg_message_id": "onbekend-1.filter0001",
             "email": mail.aan, "timestamp": int(T0.timestamp()), "mail_id": str(mail.id)}
    assert client.post("/mail/events/sendgrid", json=[event], headers=AUTH).status_code < 300
    verstuur_wachtrij(db_session, backend, _klok(T0 + timedelta(hours=2)), lease=LEASE)
    assert len(nep.ontvangen) == 1
    assert _opnieuw(db_session, mail.id).status == MailStatus.AFGELEVERD


class _TraagNaInhoud:
    """A relay that takes the message and answers later than the client waits, the first time only."""

    def __init__(self):
        self.berichten = []

    async def handle_DATA(self, server, session, envelope):
        self.berichten.append(envelope.content)
        if len(self.berichten) == 1:
            await asyncio.sleep(1.5)
        return "250 OK"


def test_smtp_keeps_the_message_id_when_it_resends_after_an_unknown_outcome(db_session, tmp_path):
    from aiosmtpd.controller import Controller

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        poort = s.getsockname()[1]
    relay = _TraagNaInhoud()
    controller = Controller(relay, hostname="127.0.0.1", port=poort)
    controller.start()
    try:
        mail = _mail(db_session)
        backend = uit_config(_config(tmp_path, MAIL_BACKEND="smtp", SMTP_HOST="127.0.0.1", SMTP_PORT=str(poort),
                                     MAIL_TIMEOUT_SECONDEN="0.5"))
        assert verstuur_wachtrij(db_session, backend, _klok(T0), lease=LEASE).onzeker == [mail.id]
        assert verstuur_wachtrij(db_session, backend, _klok(T0 + LEASE), lease=LEASE).verzonden == [mail.id]
        deadline = time.monotonic() + 5
        while len(relay.berichten) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        controller.stop()
    eerste, tweede = (message_from_bytes(b, policy=policy.default) for b in relay.berichten)
    assert eerste["Message-ID"] == tweede["Message-ID"] == "<uit-1@reply.localhost>"
    mail = _opnieuw(db_session, mail.id)
    assert (mail.status, mail.onbekende_uitkomsten) == (MailStatus.VERZONDEN, 1)


# ---------------------------------------------------------------- Beheer › Mail: opnieuw versturen


@pytest.mark.parametrize("status", [MailStatus.MISLUKT, MailStatus.GEBOUNCED])
def test_the_beheerder_sends_a_failed_mail_again(client, inlog, wereld, db_session, status):
    mail = _mail(db_session, status=status, pogingen=MAX_POGINGEN, fout="Na 8 pogingen opgegeven: SendGrid 503")
    inlog.als("beheer@test.local")
    pagina = client.get("/beheer/mail").get_data(as_text=True)
    assert f'action="/beheer/mail/{mail.id}/opnieuw"' in pagina and "Opnieuw versturen" in pagina
    voor = datetime.now(timezone.utc)
    r = client.post(f"/beheer/mail/{mail.id}/opnieuw", follow_redirects=True)
    assert r.status_code == 200
    assert "staat weer in de wachtrij" in r.get_data(as_text=True)
    mail = _opnieuw(db_session, mail.id)
    assert (mail.status, mail.pogingen) == (MailStatus.WACHTRIJ, 0)
    assert voor - timedelta(seconds=1) <= mail.volgende_poging_op <= datetime.now(timezone.utc)
    assert "Bea Beheer" in mail.fout and "SendGrid 503" in mail.fout  # who asked, and what went wrong before
    regel = db_session.execute(select(Auditregel).where(Auditregel.methode == "POST")
                               .order_by(Auditregel.id.desc())).scalars().first()
    assert (regel.wie, regel.soort, regel.status) == ("beheer@test.local", "wijzigen", 302)
    assert regel.wat == f"mail {mail.id} opnieuw versturen"


@pytest.mark.parametrize("status", [MailStatus.WACHTRIJ, MailStatus.VERZENDEN, MailStatus.VERZONDEN,
                                    MailStatus.AFGELEVERD, MailStatus.UITGESTELD])
def test_a_mail_that_is_queued_underway_or_sent_is_not_sent_again_by_hand(client, inlog, wereld, db_session, status):
    mail = _mail(db_session, status=status, pogingen=1)
    inlog.als("beheer@test.local")
    r = client.post(f"/beheer/mail/{mail.id}/opnieuw")
    assert r.status_code == 409 and "Alleen een mislukte of onbestelbare mail" in r.get_data(as_text=True)
    assert _opnieuw(db_session, mail.id).status == status


def test_only_a_beheerder_may_send_a_mail_again_and_only_with_the_form_token(app, client, inlog, wereld, db_session):
    mail = _mail(db_session, status=MailStatus.MISLUKT)
    inlog.als("manager@test.local")
    assert client.post(f"/beheer/mail/{mail.id}/opnieuw").status_code == 403
    inlog.als("beheer@test.local")
    assert client.post("/beheer/mail/999999/opnieuw").status_code == 404
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert client.post(f"/beheer/mail/{mail.id}/opnieuw").status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert _opnieuw(db_session, mail.id).status == MailStatus.MISLUKT
