"""Mail about an account (an invitation, a password reset link), written to the outbox like every mail.

It carries the one-time link and nothing about cases or residents. The app makes the link and its token
(app/auth/accounts.py); what the mail says is composed here, so that /dev/mails shows the same mail.
"""
from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy.orm import Session

from workflows.models import Gebruiker

from .models import UitgaandeMail
from .uitgaand import MailInstellingen, render

SOORTEN = ("account_uitnodiging", "account_herstel")


def accountmail(session: Session, soort: str, aan: str, context: dict, now: datetime,
                inst: MailInstellingen) -> UitgaandeMail:
    """Compose the `soort` mail from templates/email/<soort>.* and put it in the outbox (the caller commits)."""
    if soort not in SOORTEN:
        raise ValueError(f"onbekende accountmail {soort!r}")
    onderwerp, tekst, html = render(soort, dict(context, gemeente=inst.gemeente))
    mail = UitgaandeMail(
        zaak_id=None, soort=soort, aan=aan, onderwerp=onderwerp[:300], tekst=tekst, html=html,
        message_id=f"<kk.account.{secrets.token_hex(8)}@{inst.message_id_domain}>",
        aangemaakt_op=now, volgende_poging_op=now)
    session.add(mail)
    session.flush()
    return mail


def uitnodiging(session: Session, gebruiker: Gebruiker, door: str, now: datetime, inst: MailInstellingen, *,
                link: str | None, geldig_tot: datetime | None = None, tweede_factor: bool = False,
                inlog_link: str = "", knoptekst: str = "") -> UitgaandeMail:
    """The invitation to a new account: a link to choose a password (and then set up the second factor), or,
    without `link`, where to log in with the municipality's own account."""
    return accountmail(session, "account_uitnodiging", gebruiker.email, dict(
        naam=gebruiker.naam, door=door, rol=gebruiker.rol.label.lower().removesuffix(" wijkteam"),
        team=gebruiker.wijkteam.naam if gebruiker.wijkteam else None, link=link, geldig_tot=geldig_tot,
        tweede_factor=tweede_factor, inlog_link=inlog_link, knoptekst=knoptekst), now, inst)


def herstellink(session: Session, gebruiker: Gebruiker, link: str, geldig_tot: datetime, now: datetime,
                inst: MailInstellingen, *, door: str | None = None) -> UitgaandeMail:
    """A link to choose a new password, asked for by the user or (`door`) by a beheerder."""
    return accountmail(session, "account_herstel", gebruiker.email,
                       dict(naam=gebruiker.naam, door=door, link=link, geldig_tot=geldig_tot), now, inst)
