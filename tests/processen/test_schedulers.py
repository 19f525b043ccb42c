"""Real scheduler processes against one PostgreSQL: two at once, and one killed mid-sweep.

Exactly once is checked from what the processes leave behind: the termijnstap
rows, the outbox rows and the .eml files the dispatchers wrote, or the messages a
real SMTP server received (tests/processen/grens.py); and that the sweep's lock
took effect: no two processes led at the same time, and one that found the lock
held stood aside.
"""
import os
import signal
import subprocess
import sys
from collections import Counter
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from notifications.models import MailStatus, UitgaandeMail
from workflows.models import Contactpersoon, LadderFunctie, LadderTrede, Termijnstap, Urgentie, Zaak, ZaakSoort
from workflows.zaken import Actor, nieuwe_zaak, uitvoeren

from tests.processen.grens import (  # noqa: F401 (smtp is a fixture)
    aan_de_grens_precies_eens,
    elke_stap_aan_de_grens,
    nooit_twee_leiders_tegelijk,
    smtp,
    start_driver,
    tikken,
)

AMS = ZoneInfo("Europe/Amsterdam")
DRIVER = Path(__file__).with_name("sweep_driver.py")
ROOT = Path(__file__).resolve().parents[2]
@pytest.fixture
def postgres(app, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip(reason="scheduler processes share one PostgreSQL (advisory lock, SKIP LOCKED); SQLite is development only")
    return database_url


def _env(database_url: str) -> dict:
    return {**os.environ, "DATABASE_URL": database_url, "KNIPKAART_ENV": "development",
            "SECRET_KEY": "test-secret-" + "x" * 40, "PYTHONPATH": str(ROOT)}


def _wereld_met_zaken(db_session, wereld, aantal: int) -> list[int]:
    for niveau, functie in enumerate([LadderFunctie.TEAMLEIDER, LadderFunctie.MANAGER,
                                      LadderFunctie.MAATWERKFUNCTIONARIS], start=1):
        cp = Contactpersoon(naam=f"Trede {niveau}", email=f"trede{niveau}@test.local", dienst_id=wereld.wmo.id,
                            functie=functie)
        db_session.add(cp)
        db_session.flush()
        db_session.add(LadderTrede(dienst_id=wereld.wmo.id, niveau=niveau, contactpersoon_id=cp.id))
    manager = Actor.gebruiker(wereld.manager)
    urgenties = [Urgentie.ACUUT, Urgentie.HOOG, Urgentie.NORMAAL]
    ids = []
    verstuurd = datetime(2026, 3, 2, 9, 0, tzinfo=AMS)  # Monday
    for i in range(aantal):
        invoer = wereld.invoer(dienst=wereld.wmo, urgentie=urgenties[i % 3], clientreferentie=f"T-{i}")
        zaak = nieuwe_zaak(db_session, manager, ZaakSoort.ESCALATIE, invoer, verstuurd)
        uitvoeren(db_session, manager, zaak, "versturen", verstuurd)
        ids.append(zaak.id)
        if i % 200 == 199:
            db_session.commit()
    db_session.commit()
    return ids


def _start(database_url, start, eind, stap, outbox):
    return subprocess.Popen([sys.executable, str(DRIVER), start, eind, str(stap), str(outbox)],
                            env=_env(database_url), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=ROOT)


def _controleer_precies_eens(db_session, outbox: Path):
    """Exactly once, counted from what the processes left behind (issue 19, point 1).

    The unique key on termijnstap already forbids a duplicate row, so that alone proves nothing; what can
    double is what a step causes: its events (one climb per passed term) and its mails (one per recipient
    per step, DOMAIN.md "Deadlines"), and the files the dispatchers wrote (one per mail sent)."""
    from workflows.models import Gebeurtenis

    stappen = db_session.execute(select(Termijnstap.zaak_id, Termijnstap.klok, Termijnstap.trede,
                                        Termijnstap.soort, Termijnstap.uitgevoerd_op)).all()
    sleutels = [(z, k, t, s) for z, k, t, s, _ in stappen]
    assert len(sleutels) == len(set(sleutels))
    per_zaak_soort = Counter((z, s) for z, _, _, s, _ in stappen)
    gebeurd = Counter(db_session.execute(select(Gebeurtenis.zaak_id, Gebeurtenis.actie)).all())
    for (zaak_id, soort), aantal in per_zaak_soort.items():
        if soort == "verlopen":
            # one ladder: each passed term is told once and climbs (or exhausts the ladder) once
            assert gebeurd[(zaak_id, "termijn_verlopen")] == aantal, zaak_id
            assert gebeurd[(zaak_id, "opgeschaald")] + gebeurd[(zaak_id, "ladder_uitgeput")] == aantal, zaak_id
        else:
            assert gebeurd[(zaak_id, "herinnering")] + gebeurd[(zaak_id, "team_herinnerd")] == aantal, zaak_id
    # Mail: never two to one person for one step; and every passed term reached someone, in the step's own
    # transaction (a mail that was lost would leave a step without any mail at its moment).
    mails = db_session.execute(select(UitgaandeMail.zaak_id, UitgaandeMail.aangemaakt_op, UitgaandeMail.aan,
                                      UitgaandeMail.status)).all()
    per_ontvanger = Counter((z, op, aan.lower()) for z, op, aan, _ in mails)
    assert max(per_ontvanger.values(), default=1) == 1, [k for k, n in per_ontvanger.items() if n > 1][:3]
    momenten = {(z, op) for z, op, _, _ in mails}
    for zaak_id, _, _, soort, op in stappen:
        if soort == "verlopen":
            assert (zaak_id, op) in momenten, (zaak_id, op)
    bestanden = list(outbox.glob("*.eml"))
    verzonden = sum(1 for *_, status in mails if status == MailStatus.VERZONDEN)
    ids_in_bestanden = [b.name.split("-")[1] for b in bestanden]
    assert len(ids_in_bestanden) == len(set(ids_in_bestanden)) == verzonden
    return [(z, k, t, s) for z, k, t, s, _ in stappen]


def test_two_scheduler_processes_over_a_week_take_every_step_exactly_once(postgres, db_session, wereld, smtp):
    """Guards against switching off the advisory lock in app/bewaking.py: both processes would lead sweeps
    that overlap in time, and take steps at the same simulated moment. What reached the SMTP server is counted
    per Message-ID (a dispatcher that sends a row twice fails here, as in the test below) and per step."""
    ids = _wereld_met_zaken(db_session, wereld, 1000)
    processen = [start_driver(postgres, "2026-03-02 09:00", "2026-03-09 09:00", 120, smtp.adres) for _ in range(2)]
    uitvoer = [p.communicate(timeout=600) for p in processen]
    for p, (out, err) in zip(processen, uitvoer):
        assert p.returncode == 0, err[-3000:]
    per_proces = [tikken(out) for out, _ in uitvoer]
    assert [len(t) for t in per_proces] == [7 * 12 + 1] * 2  # both ran every tick of the week (every 2 hours)
    nooit_twee_leiders_tegelijk(per_proces)
    assert sum(t.stappen for ts in per_proces for t in ts) > 0
    # A tick skipped because the other process held the lock is caught up by the next one; one last tick
    # makes sure everything due by the end of the week has been taken before counting.
    laatste = start_driver(postgres, "2026-03-09 09:00", "2026-03-09 09:00", 60, smtp.adres)
    _, err = laatste.communicate(timeout=600)
    assert laatste.returncode == 0, err[-3000:]
    db_session.expire_all()
    aan_de_grens_precies_eens(db_session, smtp)
    stappen = elke_stap_aan_de_grens(db_session)
    # Every case of the same urgency was sent at the same moment: the same steps on the first rung, whoever took
    # them. After a climb the new term starts when the climb was taken, and the two processes' simulated clocks
    # do not run in lockstep, so the steps of the next rung may fall on either side of the week's end.
    per_zaak = {}
    for zaak_id, klok, trede, soort in stappen:
        per_zaak.setdefault(zaak_id, set()).add((klok, trede, soort))
    urgentie = dict(db_session.execute(select(Zaak.id, Zaak.urgentie)).all())
    for u in (Urgentie.ACUUT, Urgentie.HOOG, Urgentie.NORMAAL):
        eerste_trede = {frozenset(s for s in per_zaak.get(z, ()) if s[1] == 0) for z in ids if urgentie[z] == u}
        assert len(eerste_trede) == 1, (u, eerste_trede)
        assert ("reactie", 0, "verlopen") in next(iter(eerste_trede)), u


def test_while_one_scheduler_sweeps_a_second_stands_aside(postgres, db_session, wereld, smtp, tmp_path):
    """Guards against switching off (or never taking) the advisory lock in app/bewaking.py, deterministically:
    the first process stops inside its sweep, holding the lock, after one case; a second process sweeping the
    same moment must report that it did not lead and take no step. Without the lock it leads and takes the
    rest. Then the first finishes, and every step and mail is there once: a dispatcher that hands a row to
    the provider twice fails on the SMTP server's count."""
    _wereld_met_zaken(db_session, wereld, 30)
    vrijgave = tmp_path / "vrijgave"
    eerste = start_driver(postgres, "2026-03-20 10:00", "2026-03-20 10:00", 60, smtp.adres,
                    "--pauzeer-na", "1", "--vrijgave", str(vrijgave))
    for regel in eerste.stdout:
        if regel.strip() == "gepauzeerd":
            break
    else:
        pytest.fail("the first scheduler never reached its sweep: " + eerste.stderr.read()[-3000:])
    tweede = start_driver(postgres, "2026-03-20 10:00", "2026-03-20 10:00", 60, smtp.adres)
    out, err = tweede.communicate(timeout=300)
    assert tweede.returncode == 0, err[-3000:]
    (tik,) = tikken(out)
    assert (tik.leider, tik.stappen) == (False, 0), "the second scheduler swept while the first held the lock"
    vrijgave.touch()
    out, err = eerste.communicate(timeout=300)
    assert eerste.returncode == 0, err[-3000:]
    (tik,) = tikken(out)
    assert tik.leider and tik.stappen > 0
    db_session.expire_all()
    assert db_session.execute(select(func.count(func.distinct(Termijnstap.zaak_id)))).scalar_one() == 30
    aan_de_grens_precies_eens(db_session, smtp)
    elke_stap_aan_de_grens(db_session)


def test_a_scheduler_killed_mid_sweep_loses_nothing_and_doubles_nothing(postgres, db_session, wereld, tmp_path):
    ids = _wereld_met_zaken(db_session, wereld, 600)
    outbox = tmp_path / "outbox"
    # One tick long after every first deadline: 600 cases owe steps at once.
    proces = _start(postgres, "2026-03-20 10:00", "2026-03-20 10:00", 60, outbox)
    gezien = 0
    for regel in proces.stdout:
        if regel.startswith("zaak "):
            gezien += 1
            if gezien == 100:
                proces.send_signal(signal.SIGKILL)
                break
    proces.communicate(timeout=60)
    assert proces.returncode == -signal.SIGKILL
    db_session.expire_all()
    half = db_session.execute(select(func.count(func.distinct(Termijnstap.zaak_id)))).scalar_one()
    assert 100 <= half < 600  # it really died mid-sweep

    # The restart comes after the dispatcher's lease (5 minutes): mail the killed process had claimed is taken
    # over and sent, so nothing stays stuck.
    herstart = _start(postgres, "2026-03-20 10:00", "2026-03-20 10:10", 10, outbox)
    out, err = herstart.communicate(timeout=600)
    assert herstart.returncode == 0, err[-3000:]
    db_session.expire_all()
    assert db_session.execute(select(func.count(func.distinct(Termijnstap.zaak_id)))).scalar_one() == 600
    _controleer_precies_eens(db_session, outbox)
    hangend = db_session.execute(select(func.count()).select_from(UitgaandeMail)
                                 .where(UitgaandeMail.status != MailStatus.VERZONDEN)).scalar_one()
    assert hangend == 0  # nothing lost: every mail of every step went out
