"""After the decision: the effect six months on, agreements with the resident, renewal, consent, hand-over.

The seeds behind it (DOMAIN.md "Maatwerkbudget"; issue 17, points 4 and 5):

- Zaanstad (002) measures "het effect ... op de persoonlijke situatie van de inwoner na zes maanden" and
  closes every case "met een duidelijk eindpunt: vervolgtraject, warme overdracht of geen vervolg". Six months
  after a case is solved (it has an outcome), the team is asked once to record the effect (`Effectmeting`);
  six months after a maatwerk payment, the same question about the payment (workflows/maatwerk/effect.py).
- 002's hand-over form asks "Welke activiteiten gaat de cliënt ondernemen": agreements with the resident
  (`Afspraak`), free text, erased with the case's free text after the retention period.
- Lelystad (004): solutions "periodiek verlengd" (an end date with a reminder to renew four weeks before it)
  and consent to share information that, when missing, delays the case (`ZaakNazorg.toestemming`; the report
  shows it as a cause of delay).
- Zaanstad (002): "warme overdracht" when the resident moves to another team's area (`Overdracht`): the
  receiving team's manager accepts it; the history stays on the case; a knip stays on the card of the team
  that spent it (the ledger row points at that card, whatever team the case moves to).

This module holds the rules and the rows; `workflows.usecases_nazorg` is the one door that changes a case.
"""
from __future__ import annotations

import enum
from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import Boolean, CheckConstraint, Date, Float, ForeignKey, Index, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .kalender import TZ, Werkdagkalender, amsterdam
from .models import Base, Gebruiker, Status, UTCDateTime, Wijkteam, Zaak, _enum
from .overgangen import GEBEURTENIS_LABELS

# ---------------------------------------------------------------- the rules in numbers

EFFECT_NA_MAANDEN = 6
VERLENGEN_DAGEN_VOOR = 28  # "say 4 weeks": the team is reminded four weeks before a solution ends
# Questions and reminders are asked at 08:00 on a werkdag, so that the daily overview of 08:30 carries them.
VRAAGMOMENT = time(8, 0)
MAX_TEKST = 2000


# ---------------------------------------------------------------- enumerations


class EffectSchaal(str, enum.Enum):
    """The resident's situation six months on, compared with before the knip or escalation."""

    VERSLECHTERD = "verslechterd"
    GELIJK = "gelijk"
    VERBETERD = "verbeterd"
    STERK_VERBETERD = "sterk_verbeterd"
    ONBEKEND = "onbekend"  # no contact any more (002: "geen contact meer met het betrokken wijkteam")

    @property
    def label(self) -> str:
        return {
            "verslechterd": "Verslechterd",
            "gelijk": "Gelijk gebleven",
            "verbeterd": "Verbeterd",
            "sterk_verbeterd": "Sterk verbeterd",
            "onbekend": "Onbekend (geen contact meer)",
        }[self.value]


class Eindpunt(str, enum.Enum):
    """How the case ends for the team (002: "een duidelijk eindpunt")."""

    VERVOLGTRAJECT = "vervolgtraject"
    WARME_OVERDRACHT = "warme_overdracht"
    GEEN_VERVOLG = "geen_vervolg"

    @property
    def label(self) -> str:
        return {
            "vervolgtraject": "Vervolgtraject",
            "warme_overdracht": "Warme overdracht",
            "geen_vervolg": "Geen vervolg nodig (zelfredzaam)",
        }[self.value]


class Toestemming(str, enum.Enum):
    """Consent of the resident to share information between organisations (004)."""

    GEGEVEN = "gegeven"
    NIET_NODIG = "niet_nodig"
    ONTBREEKT = "ontbreekt"

    @property
    def label(self) -> str:
        return {"gegeven": "Gegeven", "niet_nodig": "Niet nodig", "ontbreekt": "Ontbreekt"}[self.value]


class OverdrachtStatus(str, enum.Enum):
    VOORGESTELD = "voorgesteld"
    AANVAARD = "aanvaard"
    GEWEIGERD = "geweigerd"
    INGETROKKEN = "ingetrokken"

    @property
    def label(self) -> str:
        return {"voorgesteld": "Wacht op het ontvangende team", "aanvaard": "Aanvaard",
                "geweigerd": "Geweigerd", "ingetrokken": "Ingetrokken"}[self.value]


# The events these use cases record (Gebeurtenis.actie); their names on the timeline.
EFFECT_GEVRAAGD = "effect_gevraagd"
EFFECT_VASTGELEGD = "effect_vastgelegd"
AFSPRAAK_VASTGELEGD = "afspraak_vastgelegd"
TOESTEMMING_GEWIJZIGD = "toestemming_gewijzigd"
EINDDATUM_VASTGELEGD = "einddatum_vastgelegd"
VERLENGING_HERINNERD = "verlenging_herinnerd"
OVERDRACHT_VOORGESTELD = "overdracht_voorgesteld"
OVERDRACHT_AANVAARD = "overdracht_aanvaard"
OVERDRACHT_GEWEIGERD = "overdracht_geweigerd"
OVERDRACHT_INGETROKKEN = "overdracht_ingetrokken"

LABELS = {
    EFFECT_GEVRAAGD: "Effect na zes maanden gevraagd", EFFECT_VASTGELEGD: "Effect vastgelegd",
    AFSPRAAK_VASTGELEGD: "Afspraak met de inwoner vastgelegd", TOESTEMMING_GEWIJZIGD: "Toestemming bijgewerkt",
    EINDDATUM_VASTGELEGD: "Einddatum van de oplossing vastgelegd", VERLENGING_HERINNERD: "Herinnering: verlengen",
    OVERDRACHT_VOORGESTELD: "Overdracht voorgesteld", OVERDRACHT_AANVAARD: "Overdracht aanvaard",
    OVERDRACHT_GEWEIGERD: "Overdracht geweigerd", OVERDRACHT_INGETROKKEN: "Overdracht ingetrokken",
}
# The timeline and the mails name these events as they name the case's own (workflows.overgangen).
GEBEURTENIS_LABELS.update(LABELS)


# ---------------------------------------------------------------- rows


class Effectmeting(Base):
    """The effect on the resident's situation, six months after the solution: asked once, recorded once.

    Of a solved case (`zaak_id`: a knip or an escalation) or of a paid maatwerk request (`aanvraag_id`: the
    maatwerkbudget, workflows/maatwerk/effect.py), never both. The row is made when the question is asked
    (`gevraagd_op`) or when the team records the effect first, whichever comes first; that row is what makes the
    question come exactly once.
    """

    __tablename__ = "effectmeting"
    __table_args__ = (CheckConstraint("(zaak_id IS NULL) <> (aanvraag_id IS NULL)", name="een_bron"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    zaak_id: Mapped[int | None] = mapped_column(ForeignKey("zaak.id"), unique=True)
    aanvraag_id: Mapped[int | None] = mapped_column(ForeignKey("maatwerk_aanvraag.id"), unique=True)
    # The instrument the effect is of: "knip" or "escalatie" from the case, "maatwerkbudget" for a payment.
    instrument: Mapped[str] = mapped_column(String(32))
    opgelost_op: Mapped[datetime] = mapped_column(UTCDateTime)  # the solution (or payment) the six months count from
    gevraagd_op: Mapped[datetime | None] = mapped_column(UTCDateTime)
    schaal: Mapped[EffectSchaal | None] = mapped_column(_enum(EffectSchaal, "effectschaal"))
    eindpunt: Mapped[Eindpunt | None] = mapped_column(_enum(Eindpunt, "eindpunt"))
    toelichting: Mapped[str] = mapped_column(Text, default="", server_default="")  # erased after retention
    vastgelegd_op: Mapped[datetime | None] = mapped_column(UTCDateTime)
    vastgelegd_door_id: Mapped[int | None] = mapped_column(ForeignKey("gebruiker.id"))
    zaak: Mapped[Zaak | None] = relationship()
    vastgelegd_door: Mapped[Gebruiker | None] = relationship()


class Afspraak(Base):
    """An agreement with the resident: "Welke activiteiten gaat de cliënt ondernemen" (002)."""

    __tablename__ = "afspraak"
    id: Mapped[int] = mapped_column(primary_key=True)
    zaak_id: Mapped[int] = mapped_column(ForeignKey("zaak.id"), index=True)
    tekst: Mapped[str] = mapped_column(Text)  # erased after retention
    uiterlijk: Mapped[date | None] = mapped_column(Date)  # by when, if agreed
    vastgelegd_door: Mapped[str] = mapped_column(String(200))
    vastgelegd_op: Mapped[datetime] = mapped_column(UTCDateTime)


class ZaakNazorg(Base):
    """Per case: consent to share information, and when the solution ends (to renew before it)."""

    __tablename__ = "zaak_nazorg"
    zaak_id: Mapped[int] = mapped_column(ForeignKey("zaak.id"), primary_key=True)
    toestemming: Mapped[Toestemming | None] = mapped_column(_enum(Toestemming, "toestemming"))
    # Facts for the report, fixed as they happen: consent was missing at some point, since when (while it
    # is), and the werkdagen it was missing in total.
    toestemming_ontbrak: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    ontbreekt_sinds: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ontbrak_werkdagen: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    einddatum: Mapped[date | None] = mapped_column(Date)
    verlenging_herinnerd_op: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Overdracht(Base):
    """A case handed over to another team: proposed with a note, accepted or refused by that team's manager."""

    __tablename__ = "overdracht"
    __table_args__ = (Index("ix_overdracht_naar_status", "naar_wijkteam_id", "status"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    zaak_id: Mapped[int] = mapped_column(ForeignKey("zaak.id"), index=True)
    van_wijkteam_id: Mapped[int] = mapped_column(ForeignKey("wijkteam.id"))
    naar_wijkteam_id: Mapped[int] = mapped_column(ForeignKey("wijkteam.id"))
    notitie: Mapped[str] = mapped_column(Text)  # the hand-over note; erased after retention
    status: Mapped[OverdrachtStatus] = mapped_column(_enum(OverdrachtStatus, "overdrachtstatus"),
                                                     default=OverdrachtStatus.VOORGESTELD)
    voorgesteld_door_id: Mapped[int] = mapped_column(ForeignKey("gebruiker.id"))
    voorgesteld_op: Mapped[datetime] = mapped_column(UTCDateTime)
    beslist_door_id: Mapped[int | None] = mapped_column(ForeignKey("gebruiker.id"))
    beslist_op: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reden: Mapped[str] = mapped_column(Text, default="", server_default="")  # why refused; erased after retention
    zaak: Mapped[Zaak] = relationship()
    van_wijkteam: Mapped[Wijkteam] = relationship(foreign_keys=[van_wijkteam_id])
    naar_wijkteam: Mapped[Wijkteam] = relationship(foreign_keys=[naar_wijkteam_id])
    voorgesteld_door: Mapped[Gebruiker] = relationship(foreign_keys=[voorgesteld_door_id])
    beslist_door: Mapped[Gebruiker | None] = relationship(foreign_keys=[beslist_door_id])


# ---------------------------------------------------------------- when questions are due


def eerste_werkdag_vanaf(kal: Werkdagkalender, d: date) -> date:
    """`d` itself when it is a werkdag, else the first werkdag after it."""
    return d if kal.is_werkdag(d) else kal.volgende_werkdag(d)


def effect_vraag_op(opgelost_op: datetime, kal: Werkdagkalender) -> datetime:
    """When the six-month question is due: 08:00 Amsterdam on the first werkdag on or after the calendar date
    six months after the solution (31 August gives 28 or 29 February; a Sunday or a holiday moves it on)."""
    dag = amsterdam(opgelost_op).date() + relativedelta(months=EFFECT_NA_MAANDEN)
    return datetime.combine(eerste_werkdag_vanaf(kal, dag), VRAAGMOMENT, tzinfo=TZ)


def verlenging_herinneren_op(einddatum: date, kal: Werkdagkalender) -> datetime:
    """When the renewal reminder is due: 08:00 on the first werkdag on or after four weeks before the end."""
    dag = einddatum - timedelta(days=VERLENGEN_DAGEN_VOOR)
    return datetime.combine(eerste_werkdag_vanaf(kal, dag), VRAAGMOMENT, tzinfo=TZ)


def opgelost(zaak: Zaak) -> bool:
    """A case is solved when the dienst gave an outcome and it was not reopened or withdrawn since."""
    return zaak.uitkomst is not None and zaak.opgelost_op is not None and zaak.status in (Status.OPGELOST,
                                                                                           Status.GESLOTEN)


def instrument_van(zaak: Zaak) -> str:
    return zaak.soort.value


INSTRUMENT_LABELS = {"knip": "Knip", "escalatie": "Escalatie", "maatwerkbudget": "Maatwerkbudget"}
