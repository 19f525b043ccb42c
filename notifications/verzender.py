"""The dispatcher: sends queued outbox rows, with retries; nothing lost, and twice only when it cannot know.

A row is claimed (status `verzenden`, a fresh claim id, `volgende_poging_op` set
to the end of the claim's lease) and committed before it is handed to the
backend, then marked with the outcome in a second transaction, only if the
claim is still its own. No transaction is open while the provider is asked.

A dispatcher that dies or hangs between the two leaves the row claimed; once
the lease has run out another dispatcher takes it over and sends it again. The
provider may already have had it, so the mail may arrive twice: we err on the
side of delivering twice rather than not at all (README, Operations). The same
holds after a timeout that followed the request (`TijdelijkeFout.onzeker`);
such a row waits at least one lease before it is sent again, so that the
provider's delivery event, which names the row by `mail_id`, can arrive first
and settle it. The backends' timeouts bound a send far below the lease
(app/config.py refuses a lease shorter than ten timeouts). On PostgreSQL rows
are claimed with FOR UPDATE SKIP LOCKED, so several dispatchers can run at once.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from workflows.fouten import OngeldigeOvergang

from .backends import Backend, PermanenteFout, TijdelijkeFout
from .models import MailStatus, UitgaandeMail

MAX_POGINGEN = 8
MAX_WACHTTIJD = timedelta(hours=1)
LEASE = timedelta(minutes=5)
OPNIEUW_TE_VERSTUREN = (MailStatus.MISLUKT, MailStatus.GEBOUNCED)


@dataclass
class Verzendrapport:
    verzonden: list[int] = field(default_factory=list)
    uitgesteld: list[int] = field(default_factory=list)
    mislukt: list[int] = field(default_factory=list)
    overgenomen: list[int] = field(default_factory=list)  # claims taken over after their lease ran out
    onzeker: list[int] = field(default_factory=list)      # attempts whose outcome stayed unknown
    verloren_claim: list[int] = field(default_factory=list)  # outcomes not recorded: the claim was taken over


def wachttijd(pogingen: int) -> timedelta:
    """Exponential back-off: 1, 2, 4, ... minutes, at most an hour."""
    return min(timedelta(minutes=2 ** max(pogingen - 1, 0)), MAX_WACHTTIJD)


def _claim(session: Session, now: datetime, lease: timedelta, rapport: Verzendrapport) -> UitgaandeMail | None:
    """Claim the next due row, queued or with an expired claim; None when there is none. Commits."""
    while True:
        stmt = (
            select(UitgaandeMail)
            .where(UitgaandeMail.status.in_([MailStatus.WACHTRIJ, MailStatus.VERZENDEN]),
                   UitgaandeMail.volgende_poging_op <= now)
            .order_by(UitgaandeMail.volgende_poging_op, UitgaandeMail.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        mail = session.execute(stmt).scalar_one_or_none()
        if mail is None:
            session.commit()
            return None
        if mail.status == MailStatus.VERZENDEN:
            # Its dispatcher died or hangs: whether the provider has the mail is unknown.
            mail.onbekende_uitkomsten += 1
            rapport.overgenomen.append(mail.id)
            if mail.pogingen >= MAX_POGINGEN:
                # A mail that stops every dispatcher sending it must not stop all the others.
                mail.status = MailStatus.MISLUKT
                mail.claim = None
                mail.fout = (f"Na {mail.pogingen} pogingen opgegeven: de verzender stopte steeds tijdens het "
                             f"verzenden (mogelijk toch afgeleverd).")
                mail.bijgewerkt_op = now
                rapport.mislukt.append(mail.id)
                session.commit()
                continue
        mail.status = MailStatus.VERZENDEN
        mail.pogingen += 1
        mail.claim = secrets.token_hex(16)
        mail.volgende_poging_op = now + lease
        mail.bijgewerkt_op = now
        session.flush()
        # Detached with everything loaded: the backend reads it without opening a transaction, so none is
        # open (on SQLite: no write lock held) while the provider takes its time.
        session.expunge(mail)
        session.commit()
        return mail


def _leg_vast(session: Session, mail: UitgaandeMail, rapport: Verzendrapport, **waarden) -> bool:
    """Record an outcome, if this dispatcher's claim still holds the row; commits."""
    resultaat = session.execute(
        update(UitgaandeMail)
        .where(UitgaandeMail.id == mail.id, UitgaandeMail.status == MailStatus.VERZENDEN,
               UitgaandeMail.claim == mail.claim)
        .values(claim=None, **waarden)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    if resultaat.rowcount != 1:
        # Taken over after the lease, or settled by a delivery event meanwhile: theirs is the later word.
        rapport.verloren_claim.append(mail.id)
        return False
    return True


def verstuur_wachtrij(session: Session, backend: Backend, now: Callable[[], datetime], *,
                      max_aantal: int = 100, lease: timedelta = LEASE) -> Verzendrapport:
    """Send up to `max_aantal` due rows (queued, or claimed longer than `lease` ago); commits per row."""
    rapport = Verzendrapport()
    for _ in range(max_aantal):
        mail = _claim(session, now(), lease, rapport)
        if mail is None:
            break
        try:
            provider_id = backend.verstuur(mail)
        except TijdelijkeFout as fout:
            moment = now()
            onbekend = mail.onbekende_uitkomsten + (1 if fout.onzeker else 0)
            if mail.pogingen >= MAX_POGINGEN:
                waarden = dict(status=MailStatus.MISLUKT, fout=f"Na {mail.pogingen} pogingen opgegeven: {fout.reden}")
                lijst = rapport.mislukt
            else:
                # A 429 says when to come back; otherwise back off exponentially. After an unknown outcome
                # wait at least a lease, so a delivery event can settle the row before it goes out again.
                volgende = moment + wachttijd(mail.pogingen)
                if fout.niet_voor and fout.niet_voor > moment:
                    volgende = fout.niet_voor
                if fout.onzeker:
                    volgende = max(volgende, moment + lease)
                waarden = dict(status=MailStatus.WACHTRIJ, fout=fout.reden, volgende_poging_op=volgende)
                lijst = rapport.uitgesteld
            if _leg_vast(session, mail, rapport, onbekende_uitkomsten=onbekend, bijgewerkt_op=moment, **waarden):
                lijst.append(mail.id)
                if fout.onzeker:
                    rapport.onzeker.append(mail.id)
        except PermanenteFout as fout:
            if _leg_vast(session, mail, rapport, status=MailStatus.MISLUKT, fout=fout.reden, bijgewerkt_op=now()):
                rapport.mislukt.append(mail.id)
        except Exception as fout:  # an unexpected backend error: keep the row retryable, say what happened
            moment = now()
            if _leg_vast(session, mail, rapport, status=MailStatus.WACHTRIJ, fout=f"{type(fout).__name__}: {fout}",
                         volgende_poging_op=moment + max(wachttijd(mail.pogingen), lease),
                         onbekende_uitkomsten=mail.onbekende_uitkomsten + 1, bijgewerkt_op=moment):
                rapport.uitgesteld.append(mail.id)
                rapport.onzeker.append(mail.id)
        else:
            moment = now()
            if _leg_vast(session, mail, rapport, status=MailStatus.VERZONDEN, provider_id=provider_id,
                         verzonden_op=moment, bijgewerkt_op=moment, fout=""):
                rapport.verzonden.append(mail.id)
    return rapport


def opnieuw_versturen(session: Session, mail: UitgaandeMail, door: str, now: datetime) -> None:
    """Put a failed or bounced mail back in the queue, at once and with a fresh set of attempts."""
    if mail.status not in OPNIEUW_TE_VERSTUREN:
        raise OngeldigeOvergang("Alleen een mislukte of onbestelbare mail kan opnieuw worden verstuurd; "
                                f"deze mail is: {mail.status.label.lower()}.")
    eerder = mail.fout or mail.status.label
    mail.status = MailStatus.WACHTRIJ
    mail.pogingen = 0
    mail.claim = None
    mail.volgende_poging_op = now
    mail.bijgewerkt_op = now
    mail.fout = f"Opnieuw in de wachtrij gezet door {door} (eerder: {eerder})"[:2000]
