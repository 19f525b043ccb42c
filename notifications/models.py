"""Mail in and out, as rows: the transactional outbox, inbound mail, quarantine, provider events."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflows.models import Base, Contactpersoon, Dienst, Gebeurtenis, UTCDateTime, Zaak, _enum, utcnow


class MailStatus(str, enum.Enum):
    WACHTRIJ = "wachtrij"          # queued, not yet handed to the provider
    VERZENDEN = "verzenden"        # claimed by a dispatcher; claimed again when its lease has run out
    VERZONDEN = "verzonden"        # accepted by the provider (provider id stored)
    AFGELEVERD = "afgeleverd"      # the provider reported delivery
    UITGESTELD = "uitgesteld"      # the provider reported a deferral; it keeps trying
    MISLUKT = "mislukt"            # gave up: the reason is stored
    GEBOUNCED = "gebounced"        # bounced or dropped by the provider

    @property
    def label(self) -> str:
        return {
            "wachtrij": "In de wachtrij", "verzenden": "Wordt verzonden", "verzonden": "Verzonden",
            "afgeleverd": "Afgeleverd", "uitgesteld": "Uitgesteld door ontvanger", "mislukt": "Mislukt",
            "gebounced": "Onbestelbaar",
        }[self.value]


class UitgaandeMail(Base):
    """One mail in the outbox, written in the same transaction as the change that causes it."""

    __tablename__ = "uitgaande_mail"
    __table_args__ = (Index("ix_uitgaande_mail_status_volgende", "status", "volgende_poging_op"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    zaak_id: Mapped[int | None] = mapped_column(ForeignKey("zaak.id"), index=True)
    soort: Mapped[str] = mapped_column(String(40))
    aan: Mapped[str] = mapped_column(String(254))
    contactpersoon_id: Mapped[int | None] = mapped_column(ForeignKey("contactpersoon.id"))
    onderwerp: Mapped[str] = mapped_column(String(300))
    tekst: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    message_id: Mapped[str] = mapped_column(String(300), unique=True)
    in_reply_to: Mapped[str | None] = mapped_column(String(300))
    references: Mapped[str | None] = mapped_column(Text)
    reply_to: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[MailStatus] = mapped_column(_enum(MailStatus, "mailstatus"), default=MailStatus.WACHTRIJ)
    pogingen: Mapped[int] = mapped_column(Integer, default=0)
    # When queued: not before this moment. When claimed: the end of the claim's lease, after which another
    # dispatcher may take the row over (the one holding it died or hangs).
    volgende_poging_op: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Which claim holds the row: a dispatcher records its outcome only while its own claim still holds.
    claim: Mapped[str | None] = mapped_column(String(32))
    # Attempts that ended without knowing whether the provider took the mail (a timeout after the request,
    # a dispatcher that died mid-send): each may have been delivered, so a re-send may arrive twice.
    onbekende_uitkomsten: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    provider_id: Mapped[str | None] = mapped_column(String(200), index=True)
    fout: Mapped[str] = mapped_column(Text, default="")
    aangemaakt_op: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    verzonden_op: Mapped[datetime | None] = mapped_column(UTCDateTime)
    bijgewerkt_op: Mapped[datetime | None] = mapped_column(UTCDateTime)
    zaak: Mapped[Zaak | None] = relationship()


class Overzichtsmelding(Base):
    """A deadline step held for its recipient's daily overview instead of a mail of its own (the mail budget).

    Written in the transaction of the step, for a team member who chose the daily overview or a person on a
    dienst's ladder above the contactpersoon. `overzicht_id` is the overview mail that took it up; until then
    it waits. One per recipient per step, like the mails it stands in for.
    """

    __tablename__ = "overzichtsmelding"
    __table_args__ = (Index("ix_overzichtsmelding_aan_overzicht", "aan", "overzicht_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    aan: Mapped[str] = mapped_column(String(254))  # lower case
    zaak_id: Mapped[int] = mapped_column(ForeignKey("zaak.id"), index=True)
    soort: Mapped[str] = mapped_column(String(40))  # the mail it stands in for: opgeschaald, team_verlopen, ...
    gebeurtenis_id: Mapped[int | None] = mapped_column(ForeignKey("gebeurtenis.id"))
    op: Mapped[datetime] = mapped_column(UTCDateTime)
    overzicht_id: Mapped[int | None] = mapped_column(ForeignKey("uitgaande_mail.id"), index=True)
    zaak: Mapped[Zaak] = relationship()
    gebeurtenis: Mapped[Gebeurtenis | None] = relationship()
    overzicht: Mapped[UitgaandeMail | None] = relationship()


class ReplyAdres(Base):
    """An unguessable reply address issued with a mail: it names the case and the recipient."""

    __tablename__ = "reply_adres"
    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(40), unique=True)
    zaak_id: Mapped[int] = mapped_column(ForeignKey("zaak.id"), index=True)
    ontvanger: Mapped[str] = mapped_column(String(254))
    van_wijkteam: Mapped[bool] = mapped_column(Boolean, default=False)  # issued to the team, not the dienst
    aangemaakt_op: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    zaak: Mapped[Zaak] = relationship()


class InkomendStatus(str, enum.Enum):
    TOEGEPAST = "toegepast"        # applied to its case
    QUARANTAINE = "quarantaine"    # held for the beheerder: unmatched, a stranger, or not applicable
    VERWORPEN = "verworpen"        # discarded by the beheerder
    HANDMATIG = "handmatig"        # applied to a case by the beheerder from quarantine

    @property
    def label(self) -> str:
        return {"toegepast": "Toegepast", "quarantaine": "In quarantaine", "verworpen": "Verworpen",
                "handmatig": "Handmatig toegepast"}[self.value]


class InkomendeMail(Base):
    """A mail that came in: applied once, or held in quarantine with the reason.

    The same mail delivered twice (same Message-ID, same raw content) is stored once; a different mail that
    reuses a Message-ID already seen is stored too, and held in quarantine.
    """

    __tablename__ = "inkomende_mail"
    __table_args__ = (Index("ix_inkomende_mail_status", "status", "ontvangen_op"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(String(400), index=True)  # hashed when longer than the column
    # SHA-256 of Message-ID and raw content: what makes a delivery "the same mail again".
    identiteit: Mapped[str] = mapped_column(String(64), unique=True)
    # The Message-ID again, only on the first mail that carried it: a later, different mail with that
    # Message-ID cannot claim it (also not concurrently) and is held in quarantine.
    message_id_eerste: Mapped[str | None] = mapped_column(String(400), unique=True)
    ontvangen_op: Mapped[datetime] = mapped_column(UTCDateTime)
    kanaal: Mapped[str] = mapped_column(String(40))  # sendgrid-raw, sendgrid-parsed, cli
    afzender: Mapped[str] = mapped_column(String(254), default="")
    aan: Mapped[str] = mapped_column(Text, default="")
    onderwerp: Mapped[str] = mapped_column(String(500), default="")
    tekst: Mapped[str] = mapped_column(Text, default="")          # the new text, quotes and signature stripped
    volledige_tekst: Mapped[str] = mapped_column(Text, default="")
    ruw: Mapped[bytes | None] = mapped_column(LargeBinary)
    zaak_id: Mapped[int | None] = mapped_column(ForeignKey("zaak.id"), index=True)
    status: Mapped[InkomendStatus] = mapped_column(_enum(InkomendStatus, "inkomendstatus"))
    reden: Mapped[str] = mapped_column(Text, default="")
    actie: Mapped[str | None] = mapped_column(String(40))
    afgehandeld_door: Mapped[str | None] = mapped_column(String(200))
    afgehandeld_op: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The inbound provider's verdicts on the sender (SendGrid's SPF and dkim fields, or trusted trace headers).
    spf: Mapped[str] = mapped_column(String(20), default="", server_default="")  # about envelop_van
    envelop_van: Mapped[str] = mapped_column(String(254), default="", server_default="")  # SMTP MAIL FROM
    dkim: Mapped[str] = mapped_column(String(1000), default="", server_default="")  # "domein=uitslag; ..."
    # The From domain is aligned with a passing DKIM signature or SPF result (or the beheerder vouched via CLI).
    geauthenticeerd: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    automatisch: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())  # out of office
    zaak: Mapped[Zaak | None] = relationship()
    bijlagen: Mapped[list["Bijlage"]] = relationship(back_populates="mail", order_by="Bijlage.id")


class Bijlage(Base):
    """An attachment of a case: kept with an inbound mail, or uploaded by the team (no mail), within the type
    and size limits. The file never travels in a mail; the dienst downloads it through its signed link."""

    __tablename__ = "bijlage"
    id: Mapped[int] = mapped_column(primary_key=True)
    inkomende_mail_id: Mapped[int | None] = mapped_column(ForeignKey("inkomende_mail.id"), index=True)
    zaak_id: Mapped[int | None] = mapped_column(ForeignKey("zaak.id"), index=True)
    bestandsnaam: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(120))
    grootte: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes | None] = mapped_column(LargeBinary)
    geupload_door: Mapped[str | None] = mapped_column(String(200))  # a team member; None: from a mail
    geupload_op: Mapped[datetime | None] = mapped_column(UTCDateTime)
    mail: Mapped[InkomendeMail | None] = relationship(back_populates="bijlagen")


class MailEvent(Base):
    """A delivery event from the provider, applied once per event id."""

    __tablename__ = "mail_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(String(200), unique=True)
    uitgaande_mail_id: Mapped[int | None] = mapped_column(ForeignKey("uitgaande_mail.id"), index=True)
    soort: Mapped[str] = mapped_column(String(40))
    op: Mapped[datetime] = mapped_column(UTCDateTime)
    details: Mapped[str] = mapped_column(Text, default="")


class ToegestaneAfzender(Base):
    """An address the beheerder allowed to answer by mail for a dienst, beside its contact persons and mailbox.

    Added with "Afzender toestaan voor deze dienst" on a held mail (which is then applied), removed on the
    beheerder's list; both are in the audit log. The address still has to pass SPF or DKIM.
    """

    __tablename__ = "toegestane_afzender"
    __table_args__ = (UniqueConstraint("dienst_id", "email", name="uq_toegestane_afzender_dienst_email"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    dienst_id: Mapped[int] = mapped_column(ForeignKey("dienst.id"), index=True)
    email: Mapped[str] = mapped_column(String(254))  # lower case
    toegevoegd_door: Mapped[str] = mapped_column(String(200))
    toegevoegd_op: Mapped[datetime] = mapped_column(UTCDateTime)
    inkomende_mail_id: Mapped[int | None] = mapped_column(ForeignKey("inkomende_mail.id"))  # the held mail
    dienst: Mapped[Dienst] = relationship()
    mail: Mapped[InkomendeMail | None] = relationship()


class Afwezigheidsbericht(Base):
    """An out-of-office from a contact person: the beheerder is offered to record the absence it states.

    Only the date is kept (`tot`, the last day away, when the message states one); the sentence it came from
    is read again from the mail when shown, so that it goes when retention erases the mail's text.
    """

    __tablename__ = "afwezigheidsbericht"
    __table_args__ = (Index("ix_afwezigheidsbericht_status", "status", "contactpersoon_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    inkomende_mail_id: Mapped[int] = mapped_column(ForeignKey("inkomende_mail.id"), unique=True)
    contactpersoon_id: Mapped[int] = mapped_column(ForeignKey("contactpersoon.id"))
    ontvangen_op: Mapped[datetime] = mapped_column(UTCDateTime)
    tot: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="open")  # open, vastgelegd, genegeerd
    afgehandeld_door: Mapped[str | None] = mapped_column(String(200))
    afgehandeld_op: Mapped[datetime | None] = mapped_column(UTCDateTime)
    mail: Mapped[InkomendeMail] = relationship()
    contactpersoon: Mapped[Contactpersoon] = relationship()
