"""The boundary of the scheduler process tests: a real SMTP server, the driver processes, and the checks.

Exactly once is counted where it shows: the messages a real SMTP server received (every outbox row once, none
twice, none left in the queue), what each deadline step caused, and the processes' own account of when they
held the sweep's lock (tests/processen/sweep_driver.py prints it per tick).
"""
import os
import re
import socket
import subprocess
import sys
import threading
from collections import Counter, defaultdict
from dataclasses import dataclass
from email.parser import BytesHeaderParser
from pathlib import Path

import pytest
from sqlalchemy import select

from notifications.models import MailStatus, UitgaandeMail
from workflows.models import Gebeurtenis, Termijnstap

DRIVER = Path(__file__).with_name("sweep_driver.py")
ROOT = Path(__file__).resolve().parents[2]


def start_driver(database_url: str, start: str, eind: str, stap: int, uitgang, *extra) -> subprocess.Popen:
    """A scheduler process (sweep_driver.py) from START to END every STAP minutes, mailing to UITGANG."""
    env = {**os.environ, "DATABASE_URL": database_url, "KNIPKAART_ENV": "development",
           "SECRET_KEY": "test-secret-" + "x" * 40, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, str(DRIVER), start, eind, str(stap), str(uitgang), *extra], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)


class _Smtp:
    """A real SMTP server in the test process: the Message-ID of every message that arrives, in order."""

    def __init__(self):
        self.message_ids: list[str] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        kop = BytesHeaderParser().parsebytes(envelope.original_content or envelope.content)
        with self._lock:
            self.message_ids.append(kop["Message-ID"].strip())
        return "250 OK"


@pytest.fixture
def smtp():
    from aiosmtpd.controller import Controller

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        poort = s.getsockname()[1]
    ontvanger = _Smtp()
    controller = Controller(ontvanger, hostname="127.0.0.1", port=poort)
    controller.start()
    ontvanger.adres = f"smtp://127.0.0.1:{poort}"
    try:
        yield ontvanger
    finally:
        controller.stop()


@dataclass
class Tik:
    moment: str
    leider: bool
    stappen: int
    begin: float
    eind: float


def tikken(uit: str) -> list[Tik]:
    return [Tik(m[1], m[2] == "True", int(m[3]), float(m[4]), float(m[5])) for m in
            re.finditer(r"^tik (\S+ \S+) leider=(\w+) stappen=(\d+) begin=([\d.]+) eind=([\d.]+)$", uit, re.M)]


def nooit_twee_leiders_tegelijk(tikken: list[list[Tik]]) -> None:
    """The sweeps the processes led never overlap in time, and no simulated moment had steps taken by two."""
    geleid = sorted((t.begin, t.eind, p) for p, ts in enumerate(tikken) for t in ts if t.leider)
    for (_, eind, p), (begin, _, q) in zip(geleid, geleid[1:]):
        assert p == q or eind <= begin, f"process {p} and {q} swept at the same time ({begin:.3f} < {eind:.3f})"
    per_moment = defaultdict(set)
    for p, ts in enumerate(tikken):
        for t in ts:
            if t.stappen:
                per_moment[t.moment].add(p)
    assert all(len(p) == 1 for p in per_moment.values()), {m: p for m, p in per_moment.items() if len(p) > 1}


def aan_de_grens_precies_eens(db_session, smtp: _Smtp) -> None:
    """Every outbox row reached the SMTP server exactly once, and nothing is left in the queue."""
    rijen = db_session.execute(select(UitgaandeMail.message_id, UitgaandeMail.status)).all()
    assert rijen
    assert Counter(s for _, s in rijen) == {MailStatus.VERZONDEN: len(rijen)}  # queued, claimed or failed: none
    ontvangen = Counter(smtp.message_ids)
    assert {m: n for m, n in ontvangen.items() if n > 1} == {}, "a mail reached the SMTP server twice"
    assert set(ontvangen) == {m.strip() for m, _ in rijen}


STAPMAILS = {"herinnering", "verlopen", "team_verlopen", "opgeschaald", "uitgeput", "team_uitgeput"}


def elke_stap_aan_de_grens(db_session) -> list:
    """Each deadline step acted once and mailed once. The steps a sweep takes for a case at one moment are one
    transaction, and so are their mails: no recipient gets two mails for it, a passed deadline tells the team
    exactly once, and no deadline mail exists without its step; each passed deadline climbed (or exhausted the
    ladder) once. Counted from what the steps caused, not from their unique key, which forbids a double row by
    itself. (A recipient who follows many cases may get a daily overview instead of a mail per step.)"""
    stappen = db_session.execute(select(Termijnstap.zaak_id, Termijnstap.klok, Termijnstap.trede,
                                        Termijnstap.soort, Termijnstap.uitgevoerd_op)).all()
    per_transactie = defaultdict(set)
    verlopen = Counter()
    for zaak_id, _, _, soort, op in stappen:
        per_transactie[(zaak_id, op)].add(soort)
        verlopen[zaak_id] += soort == "verlopen"
    mails = defaultdict(Counter)
    for zaak_id, soort, op, aan in db_session.execute(select(UitgaandeMail.zaak_id, UitgaandeMail.soort,
                                                             UitgaandeMail.aangemaakt_op, UitgaandeMail.aan)):
        if soort in STAPMAILS:
            mails[(zaak_id, op)][soort] += 1
            mails[(zaak_id, op)]["aan " + aan.lower()] += 1
    assert set(mails) <= set(per_transactie), "a deadline mail without a step at its moment"
    for sleutel, soorten in per_transactie.items():
        m = mails[sleutel]
        assert all(n == 1 for k, n in m.items() if k.startswith("aan ")), (sleutel, m)  # one mail per recipient
        if "verlopen" in soorten:
            assert m["team_verlopen"] + m["team_uitgeput"] == 1, (sleutel, soorten, m)
        else:
            assert sum(m[s] for s in STAPMAILS) <= 1, (sleutel, soorten, m)
    gebeurd = Counter(db_session.execute(select(Gebeurtenis.zaak_id, Gebeurtenis.actie)).all())
    for zaak_id, n in verlopen.items():
        assert gebeurd[(zaak_id, "termijn_verlopen")] == n, zaak_id
        assert gebeurd[(zaak_id, "opgeschaald")] + gebeurd[(zaak_id, "ladder_uitgeput")] == n, zaak_id
    return [s[:4] for s in stappen]
