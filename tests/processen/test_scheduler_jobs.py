"""The production scheduler as wired in app/scheduler.py: its jobs, their schedules, and `flask scheduler`.

`flask --app app scheduler` is started as its own process against PostgreSQL, as production runs it; the cron
jobs (retention at night, the weekly overview in the morning) are run as wired, with the clock set to a moment
they are meant for, and `flask scheduler tick` through Flask's CLI runner.
"""
import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import func, select

from notifications.models import MailStatus, UitgaandeMail
from notifications.uitgaand import MailInstellingen, meld_beheerders
from workflows.bewaring import GEWIST
from workflows.models import Contactpersoon, LadderFunctie, LadderTrede, Termijnstap, Urgentie, Zaak, ZaakSoort
from workflows.zaken import Actor, nieuwe_zaak, uitvoeren

AMS = ZoneInfo("Europe/Amsterdam")
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def postgres(app, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip(reason="the production scheduler runs against PostgreSQL (advisory lock, SKIP LOCKED)")
    return database_url


def _jobs(app) -> dict:
    """The jobs exactly as app/scheduler.py wires them into a scheduler, by id (the scheduler is not started)."""
    from app.scheduler import _jobs as wire

    scheduler = BackgroundScheduler(timezone="Europe/Amsterdam")
    wire(scheduler, app)
    return {job.id: job for job in scheduler.get_jobs()}


def _verstuurde_escalatie(session, wereld, moment: datetime, **over) -> Zaak:
    """An escalation to the Wmo, whose ladder has a teamleider above the contactpersoon."""
    if session.execute(select(LadderTrede).where(LadderTrede.dienst_id == wereld.wmo.id)).first() is None:
        leider = Contactpersoon(naam="Tineke Leider", email="tl.wmo@test.local", dienst_id=wereld.wmo.id,
                                functie=LadderFunctie.TEAMLEIDER)
        session.add(leider)
        session.flush()
        session.add(LadderTrede(dienst_id=wereld.wmo.id, niveau=1, contactpersoon_id=leider.id))
    manager = Actor.gebruiker(wereld.manager)
    zaak = nieuwe_zaak(session, manager, ZaakSoort.ESCALATIE, wereld.invoer(dienst=wereld.wmo, **over), moment)
    uitvoeren(session, manager, zaak, "versturen", moment)
    session.commit()
    return zaak


def test_every_job_is_wired_with_its_schedule(app):
    """Guards against deleting or mis-scheduling a job in app/scheduler.py: the outbox every few seconds, the
    deadline sweep every minute, retention at 02:15 and the weekly overview at 08:30 on werkdagen."""
    jobs = _jobs(app)
    assert {"outbox", "deadlines", "bewaartermijn", "weekoverzicht", "dagoverzicht"} <= set(jobs)  # more may come
    assert isinstance(jobs["outbox"].trigger, IntervalTrigger)
    assert jobs["outbox"].trigger.interval <= timedelta(seconds=10)
    assert isinstance(jobs["deadlines"].trigger, IntervalTrigger)
    assert jobs["deadlines"].trigger.interval == timedelta(minutes=1)
    assert isinstance(jobs["rapportfeiten"].trigger, IntervalTrigger)  # the report's roll-up catches up
    assert jobs["rapportfeiten"].trigger.interval == timedelta(minutes=1)
    maandag = datetime(2026, 3, 2, 0, 0, tzinfo=AMS)
    zaterdag = datetime(2026, 3, 7, 9, 0, tzinfo=AMS)
    volgende = {i: jobs[i].trigger.get_next_fire_time(None, maandag)
                for i in ("bewaartermijn", "weekoverzicht", "dagoverzicht")}
    assert volgende["bewaartermijn"] == datetime(2026, 3, 2, 2, 15, tzinfo=AMS)
    assert volgende["weekoverzicht"] == volgende["dagoverzicht"] == datetime(2026, 3, 2, 8, 30, tzinfo=AMS)
    for i in ("weekoverzicht", "dagoverzicht"):
        assert jobs[i].trigger.get_next_fire_time(None, zaterdag) == datetime(2026, 3, 9, 8, 30, tzinfo=AMS)
    assert all(j.max_instances == 1 and j.coalesce for j in jobs.values())  # a slow run is never run twice at once


def test_the_scheduler_process_takes_due_deadline_steps_and_sends_the_outbox(postgres, db_session, wereld, tmp_path):
    """Guards against deleting the deadline job or the outbox job from app/scheduler.py (or not starting them):
    `flask --app app scheduler`, started as production starts it, must take a step that is due at the real
    time within its first minute, and send a queued mail within seconds."""
    nu = datetime.now(timezone.utc)
    zaak = _verstuurde_escalatie(db_session, wereld, nu - timedelta(days=21), urgentie=Urgentie.ACUUT)
    meld_beheerders(db_session, "Test", "Een mail die nu verstuurd mag worden.", nu, MailInstellingen())
    db_session.commit()
    outbox = tmp_path / "outbox"
    env = {**os.environ, "DATABASE_URL": postgres, "KNIPKAART_ENV": "development", "OUTBOX_DIR": str(outbox),
           "SECRET_KEY": "test-secret-" + "x" * 40, "PYTHONPATH": str(ROOT), "PYTHONFAULTHANDLER": "1"}
    proces = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "scheduler"], env=env, cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        tot = time.monotonic() + 180  # the deadline job runs at the start, then every minute
        stappen = verzonden = 0
        while time.monotonic() < tot and not (stappen and verzonden):
            time.sleep(2)
            db_session.expire_all()
            stappen = db_session.execute(select(func.count()).select_from(Termijnstap)
                                         .where(Termijnstap.zaak_id == zaak.id)).scalar_one()
            verzonden = db_session.execute(select(func.count()).select_from(UitgaandeMail).where(
                UitgaandeMail.soort == "beheer", UitgaandeMail.status == MailStatus.VERZONDEN)).scalar_one()
            assert proces.poll() is None, proces.stdout.read()[-3000:]
    finally:
        proces.send_signal(signal.SIGINT)
        try:
            uit, _ = proces.communicate(timeout=60)
        except subprocess.TimeoutExpired:  # never left running to sweep under the next test
            proces.send_signal(signal.SIGABRT)  # PYTHONFAULTHANDLER: every thread's stack into the output
            uit, _ = proces.communicate()
            pytest.fail("the scheduler did not stop within a minute of Ctrl-C: " + uit[-6000:])
    assert verzonden == 1 and len(list(outbox.glob("*.eml"))) >= 1, ("the outbox job sent nothing", uit[-3000:])
    assert stappen, ("the deadline job took no step", uit[-3000:])
    assert proces.returncode == 0, uit[-3000:]  # Ctrl-C stops it cleanly
    assert "Scheduler gestopt" in uit, uit[-3000:]
    zaak = db_session.get(Zaak, zaak.id)
    assert zaak.trede >= 1  # the passed deadline made it climb
    stapmails = db_session.execute(select(UitgaandeMail).where(UitgaandeMail.zaak_id == zaak.id)).scalars().all()
    assert {"verlopen", "team_verlopen"} <= {m.soort for m in stapmails}  # the teamleider's: a daily overview


def test_the_nightly_retention_job_erases_what_is_past_the_retention_period(app, db_session, wereld):
    """Guards against the retention job being dropped from the wiring or calling nothing: run as wired at
    02:15, it erases the free text of a case closed more than RETENTION_MONTHS ago, and not of a recent one."""
    oud = datetime(2025, 1, 6, 10, 0, tzinfo=timezone.utc)
    manager = Actor.gebruiker(wereld.manager)
    gesloten = _verstuurde_escalatie(db_session, wereld, oud, clientreferentie="OUD-1")
    uitvoeren(db_session, manager, gesloten, "intrekken", oud + timedelta(days=1), toelichting="Niet meer nodig")
    recent = _verstuurde_escalatie(db_session, wereld, datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc),
                                   clientreferentie="RECENT-1")
    uitvoeren(db_session, manager, recent, "intrekken", datetime(2026, 3, 3, 10, 0, tzinfo=timezone.utc),
              toelichting="Niet meer nodig")
    db_session.commit()
    job = _jobs(app)["bewaartermijn"]
    with time_machine.travel(datetime(2026, 3, 10, 2, 15, tzinfo=AMS), tick=False):
        job.func(*job.args)
    db_session.expire_all()
    assert db_session.get(Zaak, gesloten.id).gewist_op is not None
    assert db_session.get(Zaak, gesloten.id).clientreferentie == GEWIST[:60]
    assert (db_session.get(Zaak, recent.id).gewist_op, db_session.get(Zaak, recent.id).clientreferentie) == (
        None, "RECENT-1")


def test_the_weekly_overview_job_queues_one_digest_per_recipient_per_week(app, db_session, wereld):
    """Guards against the overview job being dropped from the wiring or not committing its mails: run as wired
    on a Monday at 08:30 it queues the team's and the dienst's digest, and again on Tuesday nothing more."""
    _verstuurde_escalatie(db_session, wereld, datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc))
    job = _jobs(app)["weekoverzicht"]
    for dag in (9, 10):  # Monday and Tuesday of the same week
        with time_machine.travel(datetime(2026, 3, dag, 8, 30, tzinfo=AMS), tick=False):
            job.func(*job.args)
    db_session.expire_all()
    digests = db_session.execute(select(UitgaandeMail.soort, UitgaandeMail.aan)
                                 .where(UitgaandeMail.soort.like("overzicht_%"))).all()
    assert sorted(digests) == [("overzicht_dienst", "wmo-postbus@test.local"),
                               ("overzicht_team", "manager@test.local")]


def test_the_daily_overview_job_queues_the_teamleiders_overview_once_a_day(app, db_session, wereld):
    """Guards against the daily overview job being dropped from the wiring or not committing: a case that
    climbed to the teamleider on Monday is in Tuesday's 08:30 overview, and a second run that day adds none."""
    from app.bewaking import sweep

    zaak = _verstuurde_escalatie(db_session, wereld, datetime(2026, 3, 5, 9, 0, tzinfo=AMS), urgentie=Urgentie.ACUUT)
    sweep(datetime(2026, 3, 9, 17, 5, tzinfo=AMS))  # both terms long passed: it climbs once
    nummer = zaak.nummer
    db_session.close()  # on SQLite even a read holds the write lock: leave the database to the job
    job = _jobs(app)["dagoverzicht"]
    for _ in range(2):
        with time_machine.travel(datetime(2026, 3, 10, 8, 30, tzinfo=AMS), tick=False):
            job.func(*job.args)
    db_session.expire_all()
    overzichten = db_session.execute(select(UitgaandeMail).where(UitgaandeMail.soort == "dagoverzicht_ladder")
                                     ).scalars().all()
    assert [m.aan for m in overzichten] == ["tl.wmo@test.local"] and nummer in overzichten[0].tekst


def test_scheduler_tick_sweeps_and_sends_as_if_it_were_then(app, db_session, wereld):
    """Guards against `flask scheduler tick` losing its sweep or its send: one tick at a moment after the
    deadline takes the step and sends its mails at that moment."""
    zaak = _verstuurde_escalatie(db_session, wereld, datetime(2026, 3, 2, 9, 0, tzinfo=AMS),
                                 urgentie=Urgentie.ACUUT)
    r = app.test_cli_runner().invoke(args=["scheduler", "tick", "--at", "2026-03-05 10:00"])
    assert r.exit_code == 0, r.output
    db_session.expire_all()
    assert f"{zaak.nummer}: termijn_verlopen" in r.output and "1 zaken" in r.output
    mails = db_session.execute(select(UitgaandeMail.soort, UitgaandeMail.status)
                               .where(UitgaandeMail.zaak_id == zaak.id)).all()
    assert {"verlopen", "team_verlopen"} <= {s for s, _ in mails}
    assert all(status == MailStatus.VERZONDEN for _, status in mails)
    assert f"{len(mails)} mails verzonden" in r.output
    r = app.test_cli_runner().invoke(args=["scheduler", "tick", "--at", "morgen"])
    assert r.exit_code != 0 and "YYYY-MM-DD HH:MM" in r.output
