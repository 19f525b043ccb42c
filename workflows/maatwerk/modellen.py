"""The maatwerkbudget's tables: budget per team per year, its append-only ledger, requests, the three-way
decision, payment batches and the reply addresses of their mails.

Kept apart from workflows/models.py (same metadata) so that the maatwerkbudget reads as one part of the domain.
Amounts are whole euro cents (integers), never floats.
"""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, LargeBinary, String, Text, \
    UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..models import Base, Gebruiker, Prijspost, UTCDateTime, Wijkteam, _enum

STANDAARD_DISCIPLINES = ("zorg", "schuldhulp", "inkomen")
DISCIPLINE_LABELS = {"zorg": "Zorg", "schuldhulp": "Schuldhulpverlening", "inkomen": "Inkomen"}


def discipline_label(discipline: str) -> str:
    return DISCIPLINE_LABELS.get(discipline, discipline.capitalize())


class BudgetMutatieSoort(str, enum.Enum):
    VASTGELEGD = "vastgelegd"      # committed when a team requests an amount
    BETAALD = "betaald"            # finance confirmed the payment
    TERUGGEBOEKT = "teruggeboekt"  # back on the budget: refused or withdrawn before payment

    @property
    def label(self) -> str:
        return {"vastgelegd": "Vastgelegd", "betaald": "Betaald", "teruggeboekt": "Teruggeboekt"}[self.value]


class AanvraagStatus(str, enum.Enum):
    BEOORDELING = "beoordeling"        # waits on the two other professionals
    GOEDGEKEURD = "goedgekeurd"        # approved by three; waits for the next payment batch
    BETAALOPDRACHT = "betaalopdracht"  # in a batch at finance
    BETAALD = "betaald"
    AFGEWEZEN = "afgewezen"
    INGETROKKEN = "ingetrokken"

    @property
    def label(self) -> str:
        return {"beoordeling": "Wacht op beoordeling", "goedgekeurd": "Goedgekeurd, betaling volgt",
                "betaalopdracht": "Bij financiën", "betaald": "Betaald", "afgewezen": "Afgewezen",
                "ingetrokken": "Ingetrokken"}[self.value]


OPEN_AANVRAAG = (AanvraagStatus.BEOORDELING, AanvraagStatus.GOEDGEKEURD, AanvraagStatus.BETAALOPDRACHT)


class Oordeel(str, enum.Enum):
    AKKOORD = "akkoord"
    NIET_AKKOORD = "niet_akkoord"

    @property
    def label(self) -> str:
        return {"akkoord": "Akkoord", "niet_akkoord": "Niet akkoord"}[self.value]


class MaatwerkInstelling(Base):
    """The beheerder's settings for the maatwerkbudget: one row (id 1)."""

    __tablename__ = "maatwerk_instelling"
    id: Mapped[int] = mapped_column(primary_key=True)
    disciplines: Mapped[str] = mapped_column(String(200), default=",".join(STANDAARD_DISCIPLINES))
    betaalwijze: Mapped[str] = mapped_column(String(10), default="pain001")  # pain001 or csv
    financien_naam: Mapped[str] = mapped_column(String(120), default="")
    financien_email: Mapped[str] = mapped_column(String(254), default="")
    rekening_naam: Mapped[str] = mapped_column(String(70), default="")   # the municipality's account (debtor)
    rekening_iban: Mapped[str] = mapped_column(String(34), default="")
    rekening_bic: Mapped[str] = mapped_column(String(11), default="")

    @property
    def discipline_lijst(self) -> list[str]:
        return [d for d in (self.disciplines or "").split(",") if d]


class MaatwerkBudget(Base):
    """A team's budget in euro cents for one calendar year (Europe/Amsterdam); its ledger is its mutaties.
    Without a wijkteam it is the municipality's pool for that year (one per year), drawn on by a request its
    team's own budget cannot cover."""

    __tablename__ = "maatwerk_budget"
    __table_args__ = (UniqueConstraint("wijkteam_id", "jaar", name="uq_maatwerk_budget_wijkteam_jaar"),
                      Index("uq_maatwerk_budget_pool_jaar", "jaar", unique=True,
                            sqlite_where=text("wijkteam_id IS NULL"), postgresql_where=text("wijkteam_id IS NULL")),
                      CheckConstraint("bedrag_centen >= 0", name="bedrag"))
    id: Mapped[int] = mapped_column(primary_key=True)
    wijkteam_id: Mapped[int | None] = mapped_column(ForeignKey("wijkteam.id"))
    jaar: Mapped[int] = mapped_column(Integer)
    bedrag_centen: Mapped[int] = mapped_column(Integer, default=0)
    wijkteam: Mapped[Wijkteam | None] = relationship()

    @property
    def is_pool(self) -> bool:
        return self.wijkteam_id is None


class MaatwerkProfessional(Base):
    """A professional who co-decides on requests: a discipline, a mail address, a team (or all teams).

    No account needed: they decide through the signed link in the mail or by replying AKKOORD / NIET AKKOORD.
    """

    __tablename__ = "maatwerk_professional"
    id: Mapped[int] = mapped_column(primary_key=True)
    naam: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254), unique=True)
    discipline: Mapped[str] = mapped_column(String(40))
    wijkteam_id: Mapped[int | None] = mapped_column(ForeignKey("wijkteam.id"), index=True)  # None: every team
    actief: Mapped[bool] = mapped_column(Boolean, default=True)
    wijkteam: Mapped[Wijkteam | None] = relationship()

    @property
    def met_functie(self) -> str:
        waar = f"wijkteam {self.wijkteam.naam}" if self.wijkteam else "gemeente"
        return f"{self.naam} ({discipline_label(self.discipline).lower()}, {waar})"


class MaatwerkBetaalopdracht(Base):
    """A batch of approved requests sent to finance at one of the set times: the file and its confirmation."""

    __tablename__ = "maatwerk_betaalopdracht"
    id: Mapped[int] = mapped_column(primary_key=True)
    kenmerk: Mapped[str] = mapped_column(String(35), unique=True)  # the pain.001 MsgId
    formaat: Mapped[str] = mapped_column(String(10))  # pain001 / csv
    bestand: Mapped[bytes] = mapped_column(LargeBinary)
    aantal: Mapped[int] = mapped_column(Integer)
    totaal_centen: Mapped[int] = mapped_column(Integer)
    aangemaakt_op: Mapped[datetime] = mapped_column(UTCDateTime)
    financien_email: Mapped[str] = mapped_column(String(254))
    herinnerd_op: Mapped[datetime | None] = mapped_column(UTCDateTime)
    aanvragen: Mapped[list["MaatwerkAanvraag"]] = relationship(back_populates="betaalopdracht",
                                                                order_by="MaatwerkAanvraag.id")


class MaatwerkAanvraag(Base):
    """A team's request to spend an amount for a resident: the 002 form's questions, the creditor, the decision."""

    __tablename__ = "maatwerk_aanvraag"
    __table_args__ = (CheckConstraint("bedrag_centen > 0", name="bedrag"),
                      Index("ix_maatwerk_aanvraag_status", "status", "beoordeel_deadline"))
    id: Mapped[int] = mapped_column(primary_key=True)
    nummer: Mapped[str] = mapped_column(String(20), unique=True)
    wijkteam_id: Mapped[int] = mapped_column(ForeignKey("wijkteam.id"), index=True)
    budget_id: Mapped[int] = mapped_column(ForeignKey("maatwerk_budget.id"), index=True)
    aangevraagd_door_id: Mapped[int] = mapped_column(ForeignKey("gebruiker.id"))
    discipline: Mapped[str] = mapped_column(String(40))  # the requester's own discipline
    status: Mapped[AanvraagStatus] = mapped_column(_enum(AanvraagStatus, "aanvraagstatus"),
                                                   default=AanvraagStatus.BEOORDELING)
    bedrag_centen: Mapped[int] = mapped_column(Integer)
    clientreferentie: Mapped[str] = mapped_column(String(60))
    wat_nodig: Mapped[str] = mapped_column(Text)          # Wat is er nodig? / Welk probleem lost dit op?
    waarom_werkt: Mapped[str] = mapped_column(Text)       # Waarom werkt dit?
    wat_doet_inwoner: Mapped[str] = mapped_column(Text)   # Welke activiteiten gaat de inwoner ondernemen?
    crediteur_naam: Mapped[str] = mapped_column(String(70))
    crediteur_iban: Mapped[str] = mapped_column(String(34))
    betalingskenmerk: Mapped[str] = mapped_column(String(100), default="")  # the creditor's invoice or reference
    prijspost_id: Mapped[int | None] = mapped_column(ForeignKey("prijspost.id"))
    scenario_aantal: Mapped[int | None] = mapped_column(Integer)
    aangevraagd_op: Mapped[datetime] = mapped_column(UTCDateTime)
    beoordeel_deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    beoordeling_herinnerd_op: Mapped[datetime | None] = mapped_column(UTCDateTime)
    besloten_op: Mapped[datetime | None] = mapped_column(UTCDateTime)
    betaal_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    betaalopdracht_id: Mapped[int | None] = mapped_column(ForeignKey("maatwerk_betaalopdracht.id"), index=True)
    betaald_op: Mapped[datetime | None] = mapped_column(UTCDateTime)
    betaald_via: Mapped[str] = mapped_column(String(20), default="")  # e-mail, scherm, csv
    wijkteam: Mapped[Wijkteam] = relationship()
    budget: Mapped[MaatwerkBudget] = relationship()
    aangevraagd_door: Mapped[Gebruiker] = relationship()
    prijspost: Mapped[Prijspost | None] = relationship()
    betaalopdracht: Mapped[MaatwerkBetaalopdracht | None] = relationship(back_populates="aanvragen")
    beoordelingen: Mapped[list["MaatwerkBeoordeling"]] = relationship(back_populates="aanvraag",
                                                                       order_by="MaatwerkBeoordeling.id")

    @property
    def bedrag(self) -> str:
        return euro(self.bedrag_centen)


class MaatwerkBeoordeling(Base):
    """One of the two other professionals asked to decide: their verdict, reason and channel."""

    __tablename__ = "maatwerk_beoordeling"
    __table_args__ = (UniqueConstraint("aanvraag_id", "professional_id", name="uq_maatwerk_beoordeling_aanvraag"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    aanvraag_id: Mapped[int] = mapped_column(ForeignKey("maatwerk_aanvraag.id"), index=True)
    professional_id: Mapped[int] = mapped_column(ForeignKey("maatwerk_professional.id"), index=True)
    discipline: Mapped[str] = mapped_column(String(40))
    oordeel: Mapped[Oordeel | None] = mapped_column(_enum(Oordeel, "oordeel"))
    reden: Mapped[str] = mapped_column(Text, default="")
    beslist_op: Mapped[datetime | None] = mapped_column(UTCDateTime)
    kanaal: Mapped[str] = mapped_column(String(20), default="")  # scherm / e-mail
    aanvraag: Mapped[MaatwerkAanvraag] = relationship(back_populates="beoordelingen")
    professional: Mapped[MaatwerkProfessional] = relationship()


class MaatwerkMutatie(Base):
    """Append-only ledger entry of a budget: committed, paid or returned, per request at most one of each."""

    __tablename__ = "maatwerk_mutatie"
    __table_args__ = (UniqueConstraint("aanvraag_id", "soort", name="uq_maatwerk_mutatie_aanvraag_soort"),
                      CheckConstraint("bedrag_centen > 0", name="bedrag"))
    id: Mapped[int] = mapped_column(primary_key=True)
    budget_id: Mapped[int] = mapped_column(ForeignKey("maatwerk_budget.id"), index=True)
    aanvraag_id: Mapped[int] = mapped_column(ForeignKey("maatwerk_aanvraag.id"), index=True)
    soort: Mapped[BudgetMutatieSoort] = mapped_column(_enum(BudgetMutatieSoort, "budgetmutatiesoort"))
    bedrag_centen: Mapped[int] = mapped_column(Integer)
    op: Mapped[datetime] = mapped_column(UTCDateTime)
    door: Mapped[str] = mapped_column(String(200))
    reden: Mapped[str] = mapped_column(Text, default="")
    aanvraag: Mapped[MaatwerkAanvraag] = relationship()


class MaatwerkReplyAdres(Base):
    """An unguessable reply address on a maatwerk mail: names the request (a professional's verdict) or the
    payment batch (finance's BETAALD), and the one address that may answer through it."""

    __tablename__ = "maatwerk_reply_adres"
    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(40), unique=True)
    aanvraag_id: Mapped[int | None] = mapped_column(ForeignKey("maatwerk_aanvraag.id"), index=True)
    professional_id: Mapped[int | None] = mapped_column(ForeignKey("maatwerk_professional.id"))
    betaalopdracht_id: Mapped[int | None] = mapped_column(ForeignKey("maatwerk_betaalopdracht.id"), index=True)
    ontvanger: Mapped[str] = mapped_column(String(254))
    aangemaakt_op: Mapped[datetime] = mapped_column(UTCDateTime)
    aanvraag: Mapped[MaatwerkAanvraag | None] = relationship()
    professional: Mapped[MaatwerkProfessional | None] = relationship()
    betaalopdracht: Mapped[MaatwerkBetaalopdracht | None] = relationship()


def euro(centen: int) -> str:
    """€ 1.234,56 as Dutch writes it; whole euros without cents."""
    teken = "-" if centen < 0 else ""
    euros, rest = divmod(abs(int(centen)), 100)
    deel = f"{euros:,}".replace(",", ".")
    return f"{teken}€ {deel}" + (f",{rest:02d}" if rest else "")
