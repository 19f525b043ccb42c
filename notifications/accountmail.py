"""Mail about an account (an invitation, a password reset link), written to the outbox like every mail.

It carries the one-time link and nothing about cases or residents.
"""
from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy.orm import Session

from .models import UitgaandeMail
from .uitgaand import MailInstellingen, _env

SOORTEN = ("account_uitnodiging", "account_herstel")


def accountmail(session: Session, soort: str, aan: str, context: dict, now: datetime,
                inst: MailInstellingen) -> UitgaandeMail:
    """Compose the `soort` mail from templates/email/<soort>.* and put it in the outbox (the caller commits)."""
    if soort not in SOORTEN:
        raise ValueError(f"onbekende accountmail {soort!r}")
    ctx = dict(context, gemeente=inst.gemeente)
    mail = UitgaandeMail(
        zaak_id=None, soort=soort, aan=aan,
        onderwerp=_env.get_template(f"{soort}.onderwerp.txt").render(ctx).strip(),
        tekst=_env.get_template(f"{soort}.txt").render(ctx),
        html=_env.get_template(f"{soort}.html").render(ctx),
        message_id=f"<kk.account.{secrets.token_hex(8)}@{inst.message_id_domain}>",
        aangemaakt_op=now, volgende_poging_op=now)
    session.add(mail)
    session.flush()
    return mail
