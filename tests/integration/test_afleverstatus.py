"""SendGrid's delivery events through the Event Webhook: each finds its mail and moves its status only forward.

The mails go out through the SendGrid backend to a local server speaking SendGrid's v3 API, which answers
with an X-Message-Id as SendGrid does; the events then come back over HTTP the way SendGrid posts them.
"""
import pytest
from sqlalchemy import select

from notifications.backends import SendgridBackend
from notifications.models import MailEvent, MailStatus, UitgaandeMail
from notifications.verzender import verstuur_wachtrij
from tests.integration.test_mail_in import AUTH
from tests.integration.test_mail_uit import _klok, sendgrid_server, t0  # noqa: F401 (fixtures)
from tests.integration.test_wijkteam import _escalatie_formulier, _knip_formulier

# SendGrid's X-Message-Id, and the sg_message_id its events carry: the same id, a dot, the filter that sent it.
X_MESSAGE_ID = {"wi@test.local": "W86EgYT6SQKk0lRflfLRsA", "wmo@test.local": "Ub9qKYNVQGqRp1hqkk2vSQ"}
FILTER = ".filterdrecv-5645d9c87f-7lhqm-1-5F5FC76A-31.0"


@pytest.fixture
def verzonden(client, inlog, wereld, db_session, sendgrid_server, t0):
    """A knip (to wi@) and an escalation (to wmo@), sent through SendGrid; {address: (mail, custom_args)}."""
    url, nep = sendgrid_server
    inlog.als("manager@test.local")
    assert client.post("/knippen/nieuw", data=_knip_formulier(wereld)).status_code == 302
    assert client.post("/escalaties/nieuw", data=_escalatie_formulier(wereld)).status_code == 302
    mails = db_session.execute(select(UitgaandeMail).order_by(UitgaandeMail.id)).scalars().all()
    assert sorted(m.aan for m in mails) == sorted(X_MESSAGE_ID)
    nep.antwoorden += [(202, {"X-Message-Id": X_MESSAGE_ID[m.aan]}, None) for m in mails]
    rapport = verstuur_wachtrij(db_session, SendgridBackend("SG.test", "knipkaart@test.local", url), _klok(t0))
    assert len(rapport.verzonden) == 2
    custom_args = {body["personalizations"][0]["to"][0]["email"]: body["custom_args"] for _, _, body in nep.ontvangen}
    db_session.expire_all()
    return {m.aan: (db_session.get(UitgaandeMail, m.id), custom_args[m.aan]) for m in mails}


def _post(client, events):
    r = client.post("/mail/events/sendgrid", json=events, headers=AUTH)
    assert r.status_code == 200, r.get_data(as_text=True)
    return r.get_json()


def _status(db_session, mail) -> MailStatus:
    db_session.expire_all()
    return db_session.get(UitgaandeMail, mail.id).status


def test_an_event_without_our_mail_id_finds_its_mail_by_sg_message_id(client, db_session, verzonden):
    """Guards against a broken lookup by sg_message_id (not cutting it at the first dot, matching the wrong
    column, or taking any mail): events that carry no custom_args of ours (SendGrid leaves them off for a mail
    sent before they were added, or a proxy strips them) must still reach the right one of two mails."""
    knip_mail, _ = verzonden["wi@test.local"]
    escalatie_mail, _ = verzonden["wmo@test.local"]
    assert (knip_mail.provider_id, escalatie_mail.provider_id) == (X_MESSAGE_ID["wi@test.local"],
                                                                   X_MESSAGE_ID["wmo@test.local"])
    antwoord = _post(client, [
        {"event": "delivered", "sg_event_id": "ev-esc-1", "email": "wmo@test.local", "timestamp": 1773136800,
         "sg_message_id": X_MESSAGE_ID["wmo@test.local"] + FILTER, "response": "250 2.0.0 OK"},
    ])
    assert antwoord["verwerkt"] == 1
    assert _status(db_session, escalatie_mail) == MailStatus.AFGELEVERD
    assert _status(db_session, knip_mail) == MailStatus.VERZONDEN  # the other mail is untouched
    event = db_session.execute(select(MailEvent)).scalar_one()
    assert (event.event_id, event.uitgaande_mail_id) == ("ev-esc-1", escalatie_mail.id)

    _post(client, [{"event": "deferred", "sg_event_id": "ev-knip-1", "email": "wi@test.local",
                    "sg_message_id": X_MESSAGE_ID["wi@test.local"] + FILTER, "response": "421 try again later"}])
    assert _status(db_session, knip_mail) == MailStatus.UITGESTELD
    assert _status(db_session, escalatie_mail) == MailStatus.AFGELEVERD


def test_an_earlier_event_arriving_late_never_downgrades_a_later_status(client, db_session, verzonden):
    """Guards against removing the rule that an earlier event never downgrades a later status: SendGrid posts
    events in batches and not in order, so a 'deferred' that arrives after 'delivered' (or after a bounce)
    must leave the mail delivered (or bounced), while 'delivered' after 'deferred' still moves it forward.
    The events carry the custom_args SendGrid was given when the mail was sent."""
    knip_mail, knip_args = verzonden["wi@test.local"]
    escalatie_mail, escalatie_args = verzonden["wmo@test.local"]
    _post(client, [{"event": "deferred", "sg_event_id": "ev-1", "response": "421 busy", **escalatie_args},
                   {"event": "delivered", "sg_event_id": "ev-2", "response": "250 OK", **escalatie_args}])
    assert _status(db_session, escalatie_mail) == MailStatus.AFGELEVERD  # forward: deferred, then delivered
    _post(client, [{"event": "deferred", "sg_event_id": "ev-3", "response": "421 late echo", **escalatie_args}])
    assert _status(db_session, escalatie_mail) == MailStatus.AFGELEVERD  # the late deferred changes nothing

    _post(client, [{"event": "bounce", "type": "bounce", "sg_event_id": "ev-4", "reason": "550 no such user",
                    "email": "wi@test.local", **knip_args}])
    assert _status(db_session, knip_mail) == MailStatus.GEBOUNCED
    _post(client, [{"event": "deferred", "sg_event_id": "ev-5", "response": "421 busy", **knip_args}])
    mail = db_session.get(UitgaandeMail, knip_mail.id)
    assert (mail.status, mail.fout) == (MailStatus.GEBOUNCED, "550 no such user")
    assert db_session.execute(select(MailEvent.event_id).order_by(MailEvent.id)).scalars().all() == [
        "ev-1", "ev-2", "ev-3", "ev-4", "ev-5"]  # every event is kept, whatever it did to the status
