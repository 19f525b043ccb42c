"""Quarantine that learns (issue 13, point 3): the beheerder hears once a werkdag that mail waits; "Afzender
toestaan voor deze dienst" applies the held mail and lets the sender answer from then on; a stranger gets one
polite automatic answer per day, and never one that could loop or go to someone who did not write.
"""
import email
import threading
from datetime import datetime
from email import policy

import pytest
import time_machine
from sqlalchemy import func, select

from notifications.backends import OutboxBackend, SendgridBackend
from notifications.models import InkomendeMail, InkomendStatus, ToegestaneAfzender, UitgaandeMail
from notifications.verzender import verstuur_wachtrij
from tests.integration.test_mail_in import AUTH, antwoord, verstuurde_knip  # noqa: F401 (fixture)
from tests.integration.test_mail_in_aanval import _ruw, sendgrid
from tests.integration.test_mail_uit import _klok, sendgrid_server, t0  # noqa: F401 (fixtures)
from tests.integration.test_wijkteam import _escalatie_formulier
from workflows.kalender import TZ
from workflows.models import Auditregel, Status, Zaak


def _aantal(db_session, soort: str, aan: str | None = None) -> int:
    db_session.expire_all()
    q = select(func.count()).select_from(UitgaandeMail).where(UitgaandeMail.soort == soort)
    if aan:
        q = q.where(UitgaandeMail.aan == aan)
    return db_session.execute(q).scalar_one()


def _vreemde(client, origineel, van="Kees Collega <kees@test.local>", tekst="ONTVANGEN\nIk neem het over.", **kw):
    r = sendgrid(client, antwoord(origineel, tekst, van=email.utils.parseaddr(van)[1]), **kw)
    assert r.status_code == 200 and r.get_json()["status"] == "quarantaine", r.get_data(as_text=True)
    return r.get_json()["id"]


# ---------------------------------------------------------------- the daily overview


def _job(app, db_session, moment: datetime) -> None:
    """The scheduler's job as it runs at `moment`, in its own app context and session."""
    from app.scheduler import _quarantaine_job

    db_session.rollback()  # on SQLite even a read holds the lock the job needs
    with time_machine.travel(moment, tick=False):
        _quarantaine_job(app)


def test_the_beheerder_hears_once_a_werkdag_morning_that_mail_waits(app, client, db_session, verstuurde_knip):
    zaak, origineel = verstuurde_knip
    dinsdag = datetime(2026, 3, 10, 8, 30, tzinfo=TZ)
    _job(app, db_session, dinsdag)
    assert _aantal(db_session, "quarantaine_overzicht") == 0  # nothing waits: no mail

    _vreemde(client, origineel, van="Onbekend <onbekend@elders.test>")
    _job(app, db_session, datetime(2026, 3, 14, 8, 30, tzinfo=TZ))  # Saturday
    _job(app, db_session, datetime(2026, 4, 27, 8, 30, tzinfo=TZ))  # Koningsdag
    assert _aantal(db_session, "quarantaine_overzicht") == 0
    _job(app, db_session, dinsdag)
    _job(app, db_session, dinsdag.replace(hour=9))
    overzicht = db_session.execute(select(UitgaandeMail).where(UitgaandeMail.soort == "quarantaine_overzicht")
                                   ).scalar_one()
    assert overzicht.aan == "beheer@test.local" and overzicht.zaak_id is None
    assert "1 mail wacht" in overzicht.onderwerp
    assert "onbekend@elders.test" in overzicht.tekst and "mag niet antwoorden" in overzicht.tekst
    assert "/beheer/quarantaine" in overzicht.tekst and "/beheer/quarantaine" in overzicht.html
    assert 'lang="nl"' in overzicht.html
    _job(app, db_session, datetime(2026, 3, 11, 8, 30, tzinfo=TZ))  # the next werkdag: a new overview
    assert _aantal(db_session, "quarantaine_overzicht") == 2


def test_the_overview_job_is_wired_for_0830_on_weekdays(app):
    """Guards against dropping or mis-scheduling the job in app/scheduler.py."""
    from apscheduler.schedulers.background import BackgroundScheduler

    from app.scheduler import _jobs

    scheduler = BackgroundScheduler(timezone="Europe/Amsterdam")
    _jobs(scheduler, app)  # not started
    job = scheduler.get_job("quarantaine-overzicht")
    assert job is not None and job.max_instances == 1 and job.coalesce
    vrijdag_na_het_overzicht = datetime(2026, 3, 6, 9, 0, tzinfo=TZ)
    assert job.trigger.get_next_fire_time(None, vrijdag_na_het_overzicht) == datetime(2026, 3, 9, 8, 30, tzinfo=TZ)


def test_two_schedulers_at_the_same_moment_send_one_overview(app, client, db_session, verstuurde_knip):
    """Guards against: two scheduler processes (or a restart) both sending today's overview."""
    from app.scheduler import _quarantaine_job

    zaak, origineel = verstuurde_knip
    _vreemde(client, origineel, van="Onbekend <onbekend@elders.test>")
    db_session.rollback()  # on SQLite even a read holds the lock the threads need
    start = threading.Barrier(2)
    fouten: list[BaseException] = []

    def draai():
        try:
            start.wait(timeout=30)
            _quarantaine_job(app)
        except BaseException as e:  # noqa: BLE001 (reported below)
            fouten.append(e)

    with time_machine.travel(datetime(2026, 3, 10, 8, 30, tzinfo=TZ), tick=False):
        threads = [threading.Thread(target=draai) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
    assert not fouten, fouten
    assert _aantal(db_session, "quarantaine_overzicht", "beheer@test.local") == 1


# ---------------------------------------------------------------- what the beheerder sees


def test_the_quarantine_shows_the_spf_and_dkim_verdicts_and_why_a_mail_was_held(client, inlog, db_session,
                                                                               verstuurde_knip):
    zaak, origineel = verstuurde_knip
    r = sendgrid(client, antwoord(origineel, "UITGEVOERD"), spf="softfail", dkim="{@attacker.test : pass}",
                 envelop_van="bounce@attacker.test")
    mail_id = r.get_json()["id"]
    inlog.als("beheer@test.local")
    lijst = client.get("/beheer/quarantaine").get_data(as_text=True)
    assert "Afzender geverifieerd" in lijst and "SPF softfail" in lijst and "attacker.test=pass" in lijst
    assert "Waarom vastgehouden" in lijst and "niet geverifieerd" in lijst
    pagina = client.get(f"/beheer/quarantaine/{mail_id}").get_data(as_text=True)
    assert "softfail voor bounce@attacker.test" in pagina and "attacker.test=pass" in pagina
    assert "De mail kan vervalst zijn" in pagina and "Afzender niet geverifieerd" in pagina


# ---------------------------------------------------------------- allowing a sender for a dienst


def test_allowing_the_sender_applies_the_held_mail_and_lets_the_next_reply_through(client, inlog, db_session,
                                                                                   verstuurde_knip, wereld):
    zaak, origineel = verstuurde_knip
    mail_id = _vreemde(client, origineel)
    inlog.als("beheer@test.local")
    pagina = client.get(f"/beheer/quarantaine/{mail_id}").get_data(as_text=True)
    assert "Afzender toestaan voor Werk &amp; Inkomen" in pagina
    r = client.post(f"/beheer/quarantaine/{mail_id}/afzender-toestaan")
    assert r.status_code == 302
    db_session.expire_all()
    assert db_session.get(Zaak, zaak.id).status == Status.ONTVANGEN
    assert db_session.get(InkomendeMail, mail_id).status == InkomendStatus.HANDMATIG
    toegestaan = db_session.execute(select(ToegestaneAfzender)).scalar_one()
    assert (toegestaan.dienst_id, toegestaan.email, toegestaan.toegevoegd_door) == (wereld.wi.id, "kees@test.local",
                                                                                     "Bea Beheer")
    regel = db_session.execute(select(Auditregel).where(Auditregel.wat.like("%toegestaan%"))).scalar_one()
    assert "kees@test.local" in regel.wat and regel.zaak_id == zaak.id and regel.wie == "beheer@test.local"
    assert client.post(f"/beheer/quarantaine/{mail_id}/afzender-toestaan").status_code == 422  # handled already
    client.post("/logout")

    antwoorden = _aantal(db_session, "afzender_onbekend")  # the one Kees got while still a stranger
    r = sendgrid(client, antwoord(origineel, "UITGEVOERD\nDe uitkering gaat vandaag in.", van="kees@test.local"))
    assert r.get_json()["status"] == "toegepast"
    db_session.expire_all()
    zaak = db_session.get(Zaak, zaak.id)
    assert zaak.status == Status.OPGELOST and "toegestane afzender" in zaak.gebeurtenissen[-1].actor_label
    assert _aantal(db_session, "afzender_onbekend") == antwoorden == 1  # an allowed sender is no stranger


def test_an_allowed_sender_still_needs_spf_or_dkim_and_counts_for_that_dienst_only(client, inlog, db_session,
                                                                                  verstuurde_knip, wereld):
    zaak, origineel = verstuurde_knip
    inlog.als("beheer@test.local")
    client.post(f"/beheer/quarantaine/{_vreemde(client, origineel, tekst='Ik kijk ernaar.')}/afzender-toestaan")
    client.post("/logout")
    r = sendgrid(client, antwoord(origineel, "UITGEVOERD", van="kees@test.local"), spf="fail",
                 dkim="{@attacker.test : pass}", envelop_van="x@attacker.test")
    assert r.get_json()["status"] == "quarantaine"
    assert "niet geverifieerd" in db_session.get(InkomendeMail, r.get_json()["id"]).reden

    inlog.als("manager@test.local")
    assert client.post("/escalaties/nieuw", data=_escalatie_formulier(wereld)).status_code == 302  # to Wmo
    adres = db_session.execute(select(UitgaandeMail.reply_to).where(UitgaandeMail.aan == "wmo@test.local")).scalar()
    r = sendgrid(client, _ruw("kees@test.local", adres, "ONTVANGEN"))
    assert r.get_json()["status"] == "quarantaine"
    assert "mag niet antwoorden" in db_session.get(InkomendeMail, r.get_json()["id"]).reden


def test_the_beheerder_lists_and_removes_allowed_senders(client, inlog, db_session, verstuurde_knip):
    zaak, origineel = verstuurde_knip
    inlog.als("beheer@test.local")
    client.post(f"/beheer/quarantaine/{_vreemde(client, origineel, tekst='Ik kijk ernaar.')}/afzender-toestaan")
    lijst = client.get("/beheer/toegestane-afzenders").get_data(as_text=True)
    assert "kees@test.local" in lijst and "Werk &amp; Inkomen" in lijst and "Bea Beheer" in lijst
    toegestaan = db_session.execute(select(ToegestaneAfzender)).scalar_one()
    assert client.post(f"/beheer/toegestane-afzenders/{toegestaan.id}/verwijderen").status_code == 302
    db_session.expire_all()
    assert db_session.execute(select(ToegestaneAfzender)).first() is None
    regel = db_session.execute(select(Auditregel).where(Auditregel.wat.like("%verwijderd%"))).scalar_one()
    assert "kees@test.local" in regel.wat
    client.post("/logout")
    r = sendgrid(client, antwoord(origineel, "UITGEVOERD", van="kees@test.local"))
    assert r.get_json()["status"] == "quarantaine"


def test_only_the_beheerder_allows_senders(client, inlog, db_session, verstuurde_knip):
    zaak, origineel = verstuurde_knip
    mail_id = _vreemde(client, origineel)
    inlog.als("manager@test.local")
    assert client.post(f"/beheer/quarantaine/{mail_id}/afzender-toestaan").status_code == 403
    assert client.get("/beheer/toegestane-afzenders").status_code == 403
    assert db_session.execute(select(ToegestaneAfzender)).first() is None


# ---------------------------------------------------------------- the stranger's answer


def test_a_stranger_gets_one_polite_answer_a_day_that_says_the_team_was_told_nothing(
        client, db_session, verstuurde_knip, tmp_path, t0):
    zaak, origineel = verstuurde_knip
    ruw = antwoord(origineel, "UITGEVOERD", van="kees@test.local")
    mail_id = sendgrid(client, ruw).get_json()["id"]
    _vreemde(client, origineel, tekst="Nog een keer.")
    _vreemde(client, origineel, van="Anna Ander <anna@elders.test>")
    assert _aantal(db_session, "afzender_onbekend", "kees@test.local") == 1
    assert _aantal(db_session, "afzender_onbekend", "anna@elders.test") == 1
    assert "automatisch antwoord" in db_session.get(InkomendeMail, mail_id).reden

    antwoord_ = db_session.execute(select(UitgaandeMail).where(UitgaandeMail.aan == "kees@test.local")).scalar_one()
    assert antwoord_.zaak_id is None and antwoord_.reply_to is None
    assert "alleen" in antwoord_.tekst and "niet over ingelicht" in antwoord_.tekst
    assert "FEY-2026-031" not in antwoord_.tekst + antwoord_.html + antwoord_.onderwerp
    assert 'lang="nl"' in antwoord_.html

    map_ = tmp_path / "uit"
    verstuur_wachtrij(db_session, OutboxBackend(str(map_), "Knipkaart <knipkaart@test.local>"), _klok(t0))
    verzonden = next(m for m in (email.message_from_bytes(f.read_bytes(), policy=policy.default)
                                 for f in map_.glob("*afzender_onbekend.eml")) if m["To"] == "kees@test.local")
    assert verzonden["Auto-Submitted"] == "auto-replied"  # RFC 3834: an answer, not new mail
    assert verzonden["X-Auto-Response-Suppress"] == "All"
    assert verzonden["In-Reply-To"] == email.message_from_bytes(ruw, policy=policy.default)["Message-ID"]
    assert str(verzonden["Subject"]).strip().startswith("Automatisch antwoord: ")


def test_through_sendgrid_the_answer_is_marked_auto_replied_too(client, db_session, verstuurde_knip,
                                                               sendgrid_server, t0):
    zaak, origineel = verstuurde_knip
    _vreemde(client, origineel)
    url, nep = sendgrid_server
    nep.antwoorden.append((202, {"X-Message-Id": "sg-vreemd"}, None))
    rapport = verstuur_wachtrij(db_session, SendgridBackend("SG.test", "Knipkaart <knipkaart@test.local>", url),
                                _klok(t0))
    assert len(rapport.verzonden) == 1
    _, _, body = nep.ontvangen[0]
    assert body["personalizations"][0]["to"] == [{"email": "kees@test.local"}]
    assert body["headers"]["Auto-Submitted"] == "auto-replied"
    assert body["headers"]["X-Auto-Response-Suppress"] == "All"
    assert "In-Reply-To" in body["headers"] and "reply_to" not in body


def _bericht(origineel, van: str, koppen: dict | None = None) -> bytes:
    return _ruw(van, str(origineel["Reply-To"]), "UITGEVOERD", koppen=koppen)


NOOIT = {
    "automatisch_antwoord": (dict(koppen={"Auto-Submitted": "auto-replied"}), {}),
    "automatisch_gegenereerd": (dict(koppen={"Auto-Submitted": "auto-generated"}), {}),
    "mailinglijst": (dict(koppen={"List-Id": "<wijkzaken.lists.elders.test>"}), {}),
    "bulk": (dict(koppen={"Precedence": "bulk"}), {}),
    "vraagt_er_niet_om": (dict(koppen={"X-Auto-Response-Suppress": "All"}), {}),
    "bounce": (dict(van="Mail Delivery System <MAILER-DAEMON@elders.test>"), dict(envelop_van="")),
    "postmaster": (dict(van="postmaster@elders.test"), {}),
    "no_reply": (dict(van="Systeem <no-reply@elders.test>"), {}),
    "noreply": (dict(van="noreply@elders.test"), {}),
    "niet_geverifieerd": (dict(), dict(spf="fail", dkim="{@attacker.test : pass}", envelop_van="x@attacker.test")),
    "geen_verdict": (dict(), dict(spf=None, dkim=None)),
}


@pytest.mark.parametrize("geval", list(NOOIT), ids=list(NOOIT))
def test_no_automatic_answer_to_automatic_list_bounce_no_reply_or_unverified_mail(client, db_session,
                                                                                verstuurde_knip, geval):
    zaak, origineel = verstuurde_knip
    mail, post = NOOIT[geval]
    r = sendgrid(client, _bericht(origineel, mail.get("van", "Kees <kees@test.local>"), mail.get("koppen")), **post)
    assert r.get_json()["status"] == "quarantaine"
    assert _aantal(db_session, "afzender_onbekend") == 0
    assert "automatisch antwoord" not in db_session.get(InkomendeMail, r.get_json()["id"]).reden
