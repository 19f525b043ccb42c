"""Retention for mail: what people wrote in mail in and out, and their attachments.

Mail about an erased case goes with the case: outbound bodies (also of the
daily overviews that carried its steps), inbound new text, full text, raw mail and subject, and the attachments of every inbound
mail on the case (also of mail still in quarantine, whose attachments have no
case of their own yet). Quarantined mail that matches no case has no case to
wait for: it goes on its own clock, the retention period after it came in.
The rows stay (who, when, status, reason), so the beheerder's lists keep
their shape; file names go with the contents, as a name can name the resident.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, or_, select, update
from sqlalchemy.orm import Session

from workflows.models import Zaak

from .models import Bijlage, InkomendeMail, Overzichtsmelding, UitgaandeMail

BIJLAGE_GEWIST = "[gewist na bewaartermijn]"


def _nog_niet_gewist() -> ColumnElement[bool]:
    return or_(InkomendeMail.ruw.is_not(None), InkomendeMail.tekst != "", InkomendeMail.volledige_tekst != "",
               InkomendeMail.onderwerp != "")


def _wis_bijlagen(session: Session, welke: ColumnElement[bool]) -> None:
    nog_niet = or_(Bijlage.data.is_not(None), Bijlage.bestandsnaam != BIJLAGE_GEWIST)
    session.execute(update(Bijlage).where(welke, nog_niet).values(data=None, bestandsnaam=BIJLAGE_GEWIST)
                    .execution_options(synchronize_session=False))


def _wis_inkomend(session: Session, welke: ColumnElement[bool]) -> int:
    """Blank the text, raw mail, subject and attachments of the inbound mail `welke` selects; the count."""
    mails = select(InkomendeMail.id).where(welke)
    _wis_bijlagen(session, Bijlage.inkomende_mail_id.in_(mails))
    return session.execute(update(InkomendeMail).where(welke, _nog_niet_gewist())
                           .values(tekst="", volledige_tekst="", ruw=None, onderwerp="")
                           .execution_options(synchronize_session=False)).rowcount


def wis_mail(session: Session, zaak_ids: list[int]) -> None:
    """Erase the mail of these (erased) cases: bodies out, text, raw mail, subject and attachments in."""
    if not zaak_ids:
        return
    session.execute(update(UitgaandeMail).where(UitgaandeMail.zaak_id.in_(zaak_ids)).values(tekst="", html="")
                    .execution_options(synchronize_session=False))
    # A daily overview names several cases and belongs to none: it goes with any case whose steps it carried.
    overzichten = select(Overzichtsmelding.overzicht_id).where(Overzichtsmelding.zaak_id.in_(zaak_ids),
                                                               Overzichtsmelding.overzicht_id.is_not(None))
    session.execute(update(UitgaandeMail).where(UitgaandeMail.id.in_(overzichten)).values(tekst="", html="")
                    .execution_options(synchronize_session=False))
    # Every attachment hangs on its inbound mail, and a mail applied to a case (also by the beheerder, also
    # to another case than it first matched) carries that case: so its attachments are reached through it.
    # (wis_losse_mail would reach these too, later in the run; here they go in the case's own transaction.)
    _wis_inkomend(session, InkomendeMail.zaak_id.in_(zaak_ids))
    # Files the team uploaded hang on the case alone (no inbound mail).
    _wis_bijlagen(session, Bijlage.zaak_id.in_(zaak_ids))


def _losse_mail(grens: datetime) -> ColumnElement[bool]:
    # No case, in before the limit; or mail that reached a case only after that case was erased.
    gewist = select(Zaak.id).where(Zaak.gewist_op.is_not(None))
    return or_(and_(InkomendeMail.zaak_id.is_(None), InkomendeMail.ontvangen_op < grens),
               InkomendeMail.zaak_id.in_(gewist))


def tel_losse_mail(session: Session, grens: datetime) -> int:
    """How many inbound mails without a (living) case `wis_losse_mail` would erase."""
    return session.execute(select(func.count()).select_from(InkomendeMail)
                           .where(_losse_mail(grens), _nog_niet_gewist())).scalar_one()


def wis_losse_mail(session: Session, grens: datetime) -> int:
    """Erase inbound mail that matches no case and came in before `grens` (and late mail of erased cases)."""
    return _wis_inkomend(session, _losse_mail(grens))

