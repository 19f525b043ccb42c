"""Retention for mail: bodies of mail in and out about erased cases, and their attachments."""
from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from .models import Bijlage, InkomendeMail, UitgaandeMail


def wis_mail(session: Session, zaak_ids: list[int]) -> None:
    if not zaak_ids:
        return
    session.execute(update(UitgaandeMail).where(UitgaandeMail.zaak_id.in_(zaak_ids)).values(tekst="", html=""))
    session.execute(update(InkomendeMail).where(InkomendeMail.zaak_id.in_(zaak_ids)).values(
        tekst="", volledige_tekst="", ruw=None))
    session.execute(update(Bijlage).where(Bijlage.zaak_id.in_(zaak_ids)).values(data=None))
