"""The dispatcher: sends queued outbox rows, with retries, and never a row twice.

A row is claimed (status `verzenden`) and committed before it is handed to the
backend, then marked with the outcome in a second transaction. A process that
dies in between leaves the row in `verzenden`: it is shown to the beheerder
and not sent again automatically, because the provider may already have it.
On PostgreSQL, rows are claimed with FOR UPDATE SKIP LOCKED, so several
dispatchers can run at once.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from .backends import Backend, PermanenteFout, TijdelijkeFout
from .models import MailStatus, UitgaandeMail

MAX_POGINGEN = 8
MAX_WACHTTIJD = timedelta(hours=1)


@dataclass
class Verzendrapport:
    verzonden: list[int] = field(default_factory=list)
    uitgesteld: list[int] = field(default_factory=list)
    mislukt: list[int] = field(default_factory=list)


def wachttijd(pogingen: int) -> timedelta:
    """Exponential back-off: 1, 2, 4, ... minutes, at most an hour."""
    return min(timedelta(minutes=2 ** max(pogingen - 1, 0)), MAX_WACHTTIJD)


def _claim(session: Session, now: datetime) -> UitgaandeMail | None:
    stmt = (
        select(UitgaandeMail)
        .where(UitgaandeMail.status == MailStatus.WACHTRIJ, UitgaandeMail.volgende_poging_op <= now)
        .order_by(UitgaandeMail.volgende_poging_op, UitgaandeMail.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    mail = session.execute(stmt).scalar_one_or_none()
    if mail is None:
        return None
    mail.status = MailStatus.VERZENDEN
    mail.pogingen += 1
    mail.bijgewerkt_op = now
    return mail


def verstuur_wachtrij(session: Session, backend: Backend, now: Callable[[], datetime], *,
                      max_aantal: int = 100) -> Verzendrapport:
    """Send up to `max_aantal` due rows; commits per row (claim, then outcome)."""
    rapport = Verzendrapport()
    for _ in range(max_aantal):
        mail = _claim(session, now())
        if mail is None:
            session.commit()
            break
        session.commit()
        try:
            provider_id = backend.verstuur(mail)
        except TijdelijkeFout as fout:
            moment = now()
            if mail.pogingen >= MAX_POGINGEN:
                mail.status = MailStatus.MISLUKT
                mail.fout = f"Na {mail.pogingen} pogingen opgegeven: {fout.reden}"
                rapport.mislukt.append(mail.id)
            else:
                mail.status = MailStatus.WACHTRIJ
                mail.fout = fout.reden
                # A 429 says when to come back; otherwise back off exponentially.
                mail.volgende_poging_op = (fout.niet_voor if fout.niet_voor and fout.niet_voor > moment
                                           else moment + wachttijd(mail.pogingen))
                rapport.uitgesteld.append(mail.id)
            mail.bijgewerkt_op = moment
        except PermanenteFout as fout:
            mail.status = MailStatus.MISLUKT
            mail.fout = fout.reden
            mail.bijgewerkt_op = now()
            rapport.mislukt.append(mail.id)
        except Exception as fout:  # an unexpected backend error: keep the row retryable, say what happened
            mail.status = MailStatus.WACHTRIJ
            mail.fout = f"{type(fout).__name__}: {fout}"
            mail.volgende_poging_op = now() + wachttijd(mail.pogingen)
            mail.bijgewerkt_op = now()
            rapport.uitgesteld.append(mail.id)
        else:
            mail.status = MailStatus.VERZONDEN
            mail.provider_id = provider_id
            mail.verzonden_op = now()
            mail.bijgewerkt_op = mail.verzonden_op
            mail.fout = ""
            rapport.verzonden.append(mail.id)
        session.commit()
    return rapport
