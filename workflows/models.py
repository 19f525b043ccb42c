"""The persistent entities of the domain, as plain SQLAlchemy 2.0 models.

They live here, not in app/, so that workflows/ can use them without importing
Flask; app/extensions.py binds Flask-SQLAlchemy to this same metadata.
Names follow DOMAIN.md's glossary.
"""
from __future__ import annotations

import enum
from datetime import date, datetime, timezone

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes on every database (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime stored; pass an aware datetime")
        value = value.astimezone(timezone.utc)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


# ---------------------------------------------------------------- enumerations


class Rol(str, enum.Enum):
    BEHEERDER = "beheerder"
    MANAGEMENT = "management"
    WIJKTEAMMANAGER = "wijkteammanager"
    MEDEWERKER = "medewerker"
    RAYONMANAGER = "rayonmanager"  # over several teams: gives second opinions (workflows/tweedemening.py)

    @property
    def label(self) -> str:
        return {
            "beheerder": "Beheerder",
            "management": "Management",
            "wijkteammanager": "Wijkteammanager",
            "medewerker": "Medewerker wijkteam",
            "rayonmanager": "Rayonmanager",
        }[self.value]


class ZaakSoort(str, enum.Enum):
    KNIP = "knip"
    ESCALATIE = "escalatie"
    ADVIESVRAAG = "adviesvraag"  # a non-binding question to an expert at a dienst (workflows/advies.py)


class Status(str, enum.Enum):
    CONCEPT = "concept"
    VERSTUURD = "verstuurd"
    ONTVANGEN = "ontvangen"
    IN_BEHANDELING = "in_behandeling"
    WACHT_OP_WIJKTEAM = "wacht_op_wijkteam"
    OPGELOST = "opgelost"
    GESLOTEN = "gesloten"
    TERUGGETROKKEN = "teruggetrokken"
    HEROPEND = "heropend"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {
    Status.CONCEPT: "Concept",
    Status.VERSTUURD: "Verstuurd",
    Status.ONTVANGEN: "Ontvangen",
    Status.IN_BEHANDELING: "In behandeling",
    Status.WACHT_OP_WIJKTEAM: "Wacht op wijkteam",
    Status.OPGELOST: "Opgelost",
    Status.GESLOTEN: "Gesloten",
    Status.TERUGGETROKKEN: "Teruggetrokken",
    Status.HEROPEND: "Heropend",
}


class Uitkomst(str, enum.Enum):
    TOEGEKEND = "toegekend"
    AFGEWEZEN = "afgewezen"
    ANDERS_OPGELOST = "anders_opgelost"
    UITGEVOERD = "uitgevoerd"
    REGULIER = "regulier"
    BEZWAAR = "bezwaar"
    GEADVISEERD = "geadviseerd"  # an adviesvraag answered

    @property
    def label(self) -> str:
        return {
            "geadviseerd": "Advies gegeven",
            "toegekend": "Toegekend",
            "afgewezen": "Afgewezen",
            "anders_opgelost": "Anders opgelost",
            "uitgevoerd": "Uitgevoerd",
            "regulier": "Regulier opgelost (knip terug op de kaart)",
            "bezwaar": "Bezwaar",
        }[self.value]


UITKOMSTEN_KNIP = (Uitkomst.UITGEVOERD, Uitkomst.REGULIER, Uitkomst.BEZWAAR)
UITKOMSTEN_ESCALATIE = (Uitkomst.TOEGEKEND, Uitkomst.AFGEWEZEN, Uitkomst.ANDERS_OPGELOST)


class Urgentie(str, enum.Enum):
    ACUUT = "acuut"
    HOOG = "hoog"
    NORMAAL = "normaal"
    KNIP = "knip"  # the norm for executing a knip; not chosen by users
    ADVIES = "advies"  # the norm for answering an adviesvraag; not chosen by users

    @property
    def label(self) -> str:
        return {"acuut": "Acuut", "hoog": "Hoog", "normaal": "Normaal", "knip": "Knip (uitvoeren)",
                "advies": "Adviesvraag (beantwoorden)"}[self.value]


class UitzonderingSoort(str, enum.Enum):
    WACHTTERMIJN = "wachttermijn"
    VOORWAARDE = "voorwaarde"
    ANDERS = "anders"

    @property
    def label(self) -> str:
        return {
            "wachttermijn": "Wachttermijn of zoektermijn laten vervallen",
            "voorwaarde": "Voorwaarde voor een voorziening laten vervallen",
            "anders": "Andere uitzondering",
        }[self.value]


class MutatieSoort(str, enum.Enum):
    INGEZET = "ingezet"
    TERUGGEGEVEN = "teruggegeven"


class ActorSoort(str, enum.Enum):
    GEBRUIKER = "gebruiker"
    CONTACTPERSOON = "contactpersoon"
    SYSTEEM = "systeem"


class LadderFunctie(str, enum.Enum):
    CONTACTPERSOON = "contactpersoon"
    TEAMLEIDER = "teamleider"
    MANAGER = "manager"
    MAATWERKFUNCTIONARIS = "maatwerkfunctionaris"

    @property
    def label(self) -> str:
        return {
            "contactpersoon": "Contactpersoon",
            "teamleider": "Teamleider",
            "manager": "Manager van de dienst",
            "maatwerkfunctionaris": "Maatwerkfunctionaris",
        }[self.value]


class MailVoorkeur(str, enum.Enum):
    """How a team member hears of deadline steps on the team's cases: a mail per case, or one overview a day."""

    DIRECT = "direct"
    DAGELIJKS = "dagelijks"

    @property
    def label(self) -> str:
        return {
            "direct": "Direct: een e-mail per zaak, zodra het gebeurt",
            "dagelijks": "Dagelijks overzicht: één e-mail op werkdagen om 08:30, alleen als er iets is",
        }[self.value]


# How a rung is named after a person's name: "Johan de Graaf (teamleider, Werk & Inkomen)".
FUNCTIE_KORT = {
    LadderFunctie.CONTACTPERSOON: "contactpersoon",
    LadderFunctie.TEAMLEIDER: "teamleider",
    LadderFunctie.MANAGER: "manager",
    LadderFunctie.MAATWERKFUNCTIONARIS: "maatwerkfunctionaris",
}


def _enum(e: type[enum.Enum], name: str) -> "SAEnum":
    from sqlalchemy import Enum as SAEnum

    return SAEnum(e, name=name, native_enum=False, length=32, values_callable=lambda x: [m.value for m in x],
                  validate_strings=True)


# ---------------------------------------------------------------- organisation


class Wijkteam(Base):
    __tablename__ = "wijkteam"
    id: Mapped[int] = mapped_column(primary_key=True)
    naam: Mapped[str] = mapped_column(String(120), unique=True)
    soort: Mapped[str] = mapped_column(String(40), default="sociaal wijkteam")
    gebied: Mapped[str] = mapped_column(String(200), default="")
    actief: Mapped[bool] = mapped_column(Boolean, default=True)


class Dienst(Base):
    __tablename__ = "dienst"
    id: Mapped[int] = mapped_column(primary_key=True)
    naam: Mapped[str] = mapped_column(String(120), unique=True)
    mailbox: Mapped[str] = mapped_column(String(254))
    accepteert_knippen: Mapped[bool] = mapped_column(Boolean, default=False)
    landelijk: Mapped[bool] = mapped_column(Boolean, default=False)  # Landelijk Maatwerkloket
    actief: Mapped[bool] = mapped_column(Boolean, default=True)
    # Set by the beheerder for an internal mail domain that signs nothing: replies from the domains of this
    # dienst's mailbox and contact persons are applied without a passing SPF/DKIM verdict.
    intern_zonder_authenticatie: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class Contactpersoon(Base):
    """A person at a dienst; reached by mail, no account."""

    __tablename__ = "contactpersoon"
    id: Mapped[int] = mapped_column(primary_key=True)
    naam: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254), unique=True)
    dienst_id: Mapped[int] = mapped_column(ForeignKey("dienst.id"), index=True)
    functie: Mapped[LadderFunctie] = mapped_column(_enum(LadderFunctie, "ladderfunctie"),
                                                   default=LadderFunctie.CONTACTPERSOON)
    actief: Mapped[bool] = mapped_column(Boolean, default=True)
    # Set when mail to this address bounced hard or was dropped; cleared by the beheerder.
    onbestelbaar_sinds: Mapped[datetime | None] = mapped_column(UTCDateTime)
    onbestelbaar_reden: Mapped[str] = mapped_column(Text, default="", server_default="")
    # The version of the personal "Mijn zaken" link; the beheerder raises it to revoke every such link.
    mijn_zaken_versie: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    dienst: Mapped[Dienst] = relationship()

    @property
    def bereikbaar(self) -> bool:
        return self.actief and self.onbestelbaar_sinds is None

    @property
    def met_functie(self) -> str:
        """The name as mail and event texts show it: with function and dienst, never a bare address."""
        return f"{self.naam} ({FUNCTIE_KORT[self.functie]}, {self.dienst.naam})"


class VasteContactpersoon(Base):
    """The fixed contact for (wijkteam, dienst), with an optional vervanger."""

    __tablename__ = "vaste_contactpersoon"
    __table_args__ = (UniqueConstraint("wijkteam_id", "dienst_id", name="uq_vaste_contactpersoon_team_dienst"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    wijkteam_id: Mapped[int] = mapped_column(ForeignKey("wijkteam.id"))
    dienst_id: Mapped[int] = mapped_column(ForeignKey("dienst.id"), index=True)
    contactpersoon_id: Mapped[int] = mapped_column(ForeignKey("contactpersoon.id"))
    vervanger_id: Mapped[int | None] = mapped_column(ForeignKey("contactpersoon.id"))
    wijkteam: Mapped[Wijkteam] = relationship()
    dienst: Mapped[Dienst] = relationship()
    contactpersoon: Mapped[Contactpersoon] = relationship(foreign_keys=[contactpersoon_id])
    vervanger: Mapped[Contactpersoon | None] = relationship(foreign_keys=[vervanger_id])


class Afwezigheid(Base):
    __tablename__ = "afwezigheid"
    __table_args__ = (CheckConstraint("tot >= van", name="periode"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    contactpersoon_id: Mapped[int] = mapped_column(ForeignKey("contactpersoon.id"), index=True)
    van: Mapped[date] = mapped_column(Date)
    tot: Mapped[date] = mapped_column(Date)  # inclusive
    omschrijving: Mapped[str] = mapped_column(String(200), default="")
    contactpersoon: Mapped[Contactpersoon] = relationship()


class LadderTrede(Base):
    """One rung above the contactpersoon on a dienst's escalation ladder."""

    __tablename__ = "ladder_trede"
    __table_args__ = (UniqueConstraint("dienst_id", "niveau", name="uq_ladder_trede_dienst_niveau"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    dienst_id: Mapped[int] = mapped_column(ForeignKey("dienst.id"))
    niveau: Mapped[int] = mapped_column(Integer)  # 1 = teamleider, 2 = manager, 3 = maatwerkfunctionaris
    contactpersoon_id: Mapped[int] = mapped_column(ForeignKey("contactpersoon.id"))
    contactpersoon: Mapped[Contactpersoon] = relationship()


class Termijnnorm(Base):
    __tablename__ = "termijnnorm"
    __table_args__ = (
        UniqueConstraint("dienst_id", "urgentie", name="uq_termijnnorm_dienst_urgentie"),
        CheckConstraint("reactie_werkdagen >= 1 AND oplos_werkdagen >= reactie_werkdagen", name="werkdagen"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    dienst_id: Mapped[int] = mapped_column(ForeignKey("dienst.id"))
    urgentie: Mapped[Urgentie] = mapped_column(_enum(Urgentie, "urgentie"))
    reactie_werkdagen: Mapped[int] = mapped_column(Integer)
    oplos_werkdagen: Mapped[int] = mapped_column(Integer)


class Sluitingsdag(Base):
    __tablename__ = "sluitingsdag"
    id: Mapped[int] = mapped_column(primary_key=True)
    datum: Mapped[date] = mapped_column(Date, unique=True)
    omschrijving: Mapped[str] = mapped_column(String(200), default="")


class Oorzaak(Base):
    """A systemic cause in the taxonomy; retired, never deleted, once used."""

    __tablename__ = "oorzaak"
    id: Mapped[int] = mapped_column(primary_key=True)
    naam: Mapped[str] = mapped_column(String(200), unique=True)
    voorbeeld: Mapped[str] = mapped_column(String(400), default="")
    volgorde: Mapped[int] = mapped_column(Integer, default=0)
    actief: Mapped[bool] = mapped_column(Boolean, default=True)
    vrije_tekst: Mapped[bool] = mapped_column(Boolean, default=False)  # "Anders": asks for an explanation


class Prijspost(Base):
    """An item of the price list of avoided societal cost; shown with its source, retired once used."""

    __tablename__ = "prijspost"
    __table_args__ = (CheckConstraint("prijs >= 0", name="prijs"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    naam: Mapped[str] = mapped_column(String(120), unique=True)
    eenheid: Mapped[str] = mapped_column(String(40))  # "huisuitzetting", "dag", "maand", ...
    prijs: Mapped[int] = mapped_column(Integer)  # whole euros per eenheid
    bandbreedte: Mapped[str] = mapped_column(String(60), default="", server_default="")  # "€ 80–100"
    bron: Mapped[str] = mapped_column(String(300), default="", server_default="")
    volgorde: Mapped[int] = mapped_column(Integer, default=0)
    actief: Mapped[bool] = mapped_column(Boolean, default=True)


class VervolgSoort(str, enum.Enum):
    REGEL_GEWIJZIGD = "regel_gewijzigd"
    GESPREK_DIENST = "gesprek_dienst"
    ONDERZOEK = "onderzoek"
    BIJ_RIJK_GEMELD = "bij_rijk_gemeld"
    ANDERS = "anders"

    @property
    def label(self) -> str:
        return {
            "regel_gewijzigd": "Regel of werkwijze gewijzigd",
            "gesprek_dienst": "Gesprek met de dienst",
            "onderzoek": "Nader onderzoek",
            "bij_rijk_gemeld": "Gemeld bij Rijk of landelijke instantie",
            "anders": "Anders",
        }[self.value]


class Vervolgactie(Base):
    """What management decided about a systemic cause: the loop from bottleneck to rule change."""

    __tablename__ = "vervolgactie"
    id: Mapped[int] = mapped_column(primary_key=True)
    oorzaak_id: Mapped[int] = mapped_column(ForeignKey("oorzaak.id"), index=True)
    soort: Mapped[VervolgSoort] = mapped_column(_enum(VervolgSoort, "vervolgsoort"))
    besluit: Mapped[str] = mapped_column(Text)
    eigenaar: Mapped[str] = mapped_column(String(120))
    datum: Mapped[date] = mapped_column(Date)
    afgerond: Mapped[bool] = mapped_column(Boolean, default=False)
    vastgelegd_door_id: Mapped[int] = mapped_column(ForeignKey("gebruiker.id"))
    vastgelegd_op: Mapped[datetime] = mapped_column(UTCDateTime)
    oorzaak: Mapped[Oorzaak] = relationship()
    vastgelegd_door: Mapped["Gebruiker"] = relationship()


# ---------------------------------------------------------------- accounts


class Gebruiker(Base):
    __tablename__ = "gebruiker"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    naam: Mapped[str] = mapped_column(String(120))
    wachtwoord_hash: Mapped[str] = mapped_column(String(255))
    rol: Mapped[Rol] = mapped_column(_enum(Rol, "rol"))
    wijkteam_id: Mapped[int | None] = mapped_column(ForeignKey("wijkteam.id"), index=True)
    actief: Mapped[bool] = mapped_column(Boolean, default=True)
    aangemaakt_op: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Failed logins in a row, and until when the account is locked after too many.
    mislukte_pogingen: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    geblokkeerd_tot: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Single sign-on: the provider and its subject, linked at the first login through the provider.
    oidc_issuer: Mapped[str | None] = mapped_column(String(300))
    oidc_sub: Mapped[str | None] = mapped_column(String(255))
    # The second factor: a TOTP secret (encrypted, see app/auth/tweede_factor.py) and the last time step
    # accepted, so that no code counts twice.
    totp_geheim: Mapped[str | None] = mapped_column(String(300))
    totp_laatste_stap: Mapped[int | None] = mapped_column(Integer)
    # Raised when the password changes or is reset: the sessions of an older version end.
    sessie_versie: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # How the dienst reaches this team member about the team's cases: shown only in mail to the dienst that
    # handles the case and on its link page. Both optional; without a contact address the login address shows.
    telefoon: Mapped[str | None] = mapped_column(String(40))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    # Deadline steps on the team's cases (climbs, exhausted ladder, reminders while the dienst waits): a mail
    # per case, or one overview on werkdagen. Questions, answers and decisions always come at once.
    mail_voorkeur: Mapped[MailVoorkeur] = mapped_column(_enum(MailVoorkeur, "mailvoorkeur"),
                                                        default=MailVoorkeur.DIRECT, server_default="direct")
    wijkteam: Mapped[Wijkteam | None] = relationship()

    # Flask-Login's user protocol, duck-typed so that the domain needs no Flask.
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        return self.actief

    def get_id(self) -> str:
        # The session keeps the version too: a session of before a password change no longer loads a user.
        return f"{self.id}:{self.sessie_versie}"

    def heeft_rol(self, *rollen: Rol) -> bool:
        return self.rol in rollen

    @property
    def functie(self) -> str:
        """The role as a phrase after the name: "wijkteammanager van wijkteam Feyenoord"."""
        if self.wijkteam is None:
            return self.rol.label.lower()
        wie = "wijkteammanager" if self.rol == Rol.WIJKTEAMMANAGER else "medewerker"
        return f"{wie} van wijkteam {self.wijkteam.naam}"

    @property
    def met_functie(self) -> str:
        return f"{self.naam} ({self.functie})"

    @property
    def bereikbaar_op(self) -> str:
        """The address a dienst writes to about a case: the contact address, else the login address."""
        return self.contact_email or self.email

    __table_args__ = (
        CheckConstraint(
            "(rol IN ('wijkteammanager', 'medewerker')) = (wijkteam_id IS NOT NULL)", name="team_bij_rol"
        ),
        UniqueConstraint("oidc_issuer", "oidc_sub", name="uq_gebruiker_oidc"),
    )


class ApiToken(Base):
    """A personal token for the JSON API: stored as its SHA-256 only, revocable."""

    __tablename__ = "api_token"
    id: Mapped[int] = mapped_column(primary_key=True)
    gebruiker_id: Mapped[int] = mapped_column(ForeignKey("gebruiker.id"), index=True)
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    naam: Mapped[str] = mapped_column(String(120), default="", server_default="")
    aangemaakt_op: Mapped[datetime] = mapped_column(UTCDateTime)
    laatst_gebruikt_op: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ingetrokken_op: Mapped[datetime | None] = mapped_column(UTCDateTime)
    gebruiker: Mapped[Gebruiker] = relationship()


class Auditregel(Base):
    """Who read or changed what, when and from where. Append-only: the database refuses UPDATE and DELETE."""

    __tablename__ = "auditregel"
    __table_args__ = (Index("ix_auditregel_zaak_op", "zaak_id", "op"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    op: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    soort: Mapped[str] = mapped_column(String(20))  # lezen, wijzigen, inloggen, geweigerd
    wie: Mapped[str] = mapped_column(String(254))  # e-mail of the user or contactpersoon, or "anoniem"
    rol: Mapped[str] = mapped_column(String(40))
    gebruiker_id: Mapped[int | None] = mapped_column(Integer, index=True)
    kanaal: Mapped[str] = mapped_column(String(10))  # web, link, api, mail
    ip: Mapped[str] = mapped_column(String(45), default="")
    methode: Mapped[str] = mapped_column(String(8), default="")
    pad: Mapped[str] = mapped_column(String(400), default="")
    wat: Mapped[str] = mapped_column(String(400), default="")
    status: Mapped[int | None] = mapped_column(Integer)
    zaak_id: Mapped[int | None] = mapped_column(Integer)
    request_id: Mapped[str] = mapped_column(String(64), default="")


# ---------------------------------------------------------------- knipkaart


class Knipkaart(Base):
    """One card per wijkteam per calendar year; the ledger is its mutaties."""

    __tablename__ = "knipkaart"
    __table_args__ = (
        UniqueConstraint("wijkteam_id", "jaar", name="uq_knipkaart_wijkteam_jaar"),
        CheckConstraint("quotum >= 0", name="quotum"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    wijkteam_id: Mapped[int] = mapped_column(ForeignKey("wijkteam.id"))
    jaar: Mapped[int] = mapped_column(Integer)
    quotum: Mapped[int] = mapped_column(Integer)
    wijkteam: Mapped[Wijkteam] = relationship()
    mutaties: Mapped[list["KnipkaartMutatie"]] = relationship(
        back_populates="knipkaart", order_by="KnipkaartMutatie.id"
    )


class KnipkaartMutatie(Base):
    """Append-only ledger entry: a knip spent or returned.

    A case spends at most one knip and gets at most one back, whatever the application does: the
    database holds that (uq_knipkaart_mutatie_zaak_soort, migration 0009).
    """

    __tablename__ = "knipkaart_mutatie"
    __table_args__ = (UniqueConstraint("zaak_id", "soort", name="uq_knipkaart_mutatie_zaak_soort"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    knipkaart_id: Mapped[int] = mapped_column(ForeignKey("knipkaart.id"), index=True)
    zaak_id: Mapped[int] = mapped_column(ForeignKey("zaak.id"), index=True)
    soort: Mapped[MutatieSoort] = mapped_column(_enum(MutatieSoort, "mutatiesoort"))
    op: Mapped[datetime] = mapped_column(UTCDateTime)
    door: Mapped[str] = mapped_column(String(200))
    reden: Mapped[str] = mapped_column(Text, default="")
    knipkaart: Mapped[Knipkaart] = relationship(back_populates="mutaties")
    zaak: Mapped["Zaak"] = relationship()


# ---------------------------------------------------------------- cases


class Zaak(Base):
    """A knip or an escalatie: one case from a wijkteam to a dienst."""

    __tablename__ = "zaak"
    __table_args__ = (
        Index("ix_zaak_wijkteam_status", "wijkteam_id", "status"),
        Index("ix_zaak_status_reactie", "status", "reactie_deadline"),
        Index("ix_zaak_status_oplos", "status", "oplos_deadline"),
        Index("ix_zaak_verstuurd_op", "verstuurd_op"),
        Index("ix_zaak_wijkteam_id_id", "wijkteam_id", "id"),  # a team's latest cases (dashboard, API list)
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    nummer: Mapped[str | None] = mapped_column(String(20), unique=True)  # given when sent
    soort: Mapped[ZaakSoort] = mapped_column(_enum(ZaakSoort, "zaaksoort"))
    status: Mapped[Status] = mapped_column(_enum(Status, "status"), default=Status.CONCEPT)
    uitkomst: Mapped[Uitkomst | None] = mapped_column(_enum(Uitkomst, "uitkomst"))
    wijkteam_id: Mapped[int] = mapped_column(ForeignKey("wijkteam.id"))
    dienst_id: Mapped[int] = mapped_column(ForeignKey("dienst.id"), index=True)
    urgentie: Mapped[Urgentie] = mapped_column(_enum(Urgentie, "urgentie"))

    clientreferentie: Mapped[str] = mapped_column(String(60))
    gevraagd: Mapped[str] = mapped_column(Text)  # what is needed / the team's judgement for a knip
    blokkerende_regel: Mapped[str] = mapped_column(Text)
    voorgestelde_oplossing: Mapped[str] = mapped_column(Text, default="")
    uitzondering: Mapped[UitzonderingSoort | None] = mapped_column(_enum(UitzonderingSoort, "uitzondering"))
    oorzaak_id: Mapped[int] = mapped_column(ForeignKey("oorzaak.id"), index=True)
    oorzaak_toelichting: Mapped[str] = mapped_column(String(400), default="")
    geen_inkomen: Mapped[bool] = mapped_column(Boolean, default=False)
    bovenlokaal: Mapped[bool] = mapped_column(Boolean, default=False)
    rendement: Mapped[str] = mapped_column(Text, default="")
    legitimiteit: Mapped[str] = mapped_column(Text, default="")
    betrokkenheid: Mapped[str] = mapped_column(Text, default="")
    structureel: Mapped[bool | None] = mapped_column(Boolean)  # asked when closing

    aangemaakt_door_id: Mapped[int] = mapped_column(ForeignKey("gebruiker.id"))
    aangemaakt_op: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    verstuurd_op: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ontvangen_op: Mapped[datetime | None] = mapped_column(UTCDateTime)
    opgelost_op: Mapped[datetime | None] = mapped_column(UTCDateTime)
    gesloten_op: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reactie_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    oplos_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    pauze_sinds: Mapped[datetime | None] = mapped_column(UTCDateTime)

    ontvanger_id: Mapped[int | None] = mapped_column(ForeignKey("contactpersoon.id"), index=True)
    ontvanger_email: Mapped[str | None] = mapped_column(String(254))
    routering_reden: Mapped[str] = mapped_column(Text, default="")
    trede: Mapped[int] = mapped_column(Integer, default=0)
    trede_sinds: Mapped[datetime | None] = mapped_column(UTCDateTime)  # when the current rung's term began
    # The earliest deadline step still to take; the sweep reads only rows with this in the past.
    volgende_stap_op: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    link_versie: Mapped[int] = mapped_column(Integer, default=1)
    gewist_op: Mapped[datetime | None] = mapped_column(UTCDateTime)  # free text erased after retention

    # Facts for the bottleneck report, fixed when they happen (workflows.zaken), so that the report is a
    # set of SQL aggregates and stays the same after the retention erase.
    dienst_sinds: Mapped[datetime | None] = mapped_column(UTCDateTime)  # arrived at its current dienst
    reactie_werkdagen: Mapped[float | None] = mapped_column(Float)  # dienst_sinds -> first reaction
    oplos_werkdagen: Mapped[float | None] = mapped_column(Float)  # dienst_sinds -> solved, minus waits
    pauze_werkdagen: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    hoogste_trede: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    termijnronde: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # see Termijnstap.ronde

    wijkteam: Mapped[Wijkteam] = relationship()
    dienst: Mapped[Dienst] = relationship()
    oorzaak: Mapped[Oorzaak] = relationship()
    ontvanger: Mapped[Contactpersoon | None] = relationship()
    aangemaakt_door: Mapped[Gebruiker] = relationship()
    gebeurtenissen: Mapped[list["Gebeurtenis"]] = relationship(
        back_populates="zaak", order_by="Gebeurtenis.id"
    )
    berichten: Mapped[list["Bericht"]] = relationship(back_populates="zaak", order_by="Bericht.id")
    scenario: Mapped[list["VermedenScenario"]] = relationship(back_populates="zaak", order_by="VermedenScenario.id",
                                                              cascade="all, delete-orphan")

    @property
    def is_knip(self) -> bool:
        return self.soort == ZaakSoort.KNIP

    @property
    def is_advies(self) -> bool:
        return self.soort == ZaakSoort.ADVIESVRAAG

    @property
    def soort_naam(self) -> str:
        """"knip", "escalatie" or "adviesvraag", as a sentence names the case."""
        return self.soort.value

    @property
    def omschrijving(self) -> str:
        return self.nummer or f"concept {self.id}"


class Gebeurtenis(Base):
    """Every change of a case: who, when, what and why."""

    __tablename__ = "gebeurtenis"
    id: Mapped[int] = mapped_column(primary_key=True)
    zaak_id: Mapped[int] = mapped_column(ForeignKey("zaak.id"), index=True)
    op: Mapped[datetime] = mapped_column(UTCDateTime)
    actie: Mapped[str] = mapped_column(String(40))
    van_status: Mapped[Status | None] = mapped_column(_enum(Status, "status"))
    naar_status: Mapped[Status | None] = mapped_column(_enum(Status, "status"))
    actor_soort: Mapped[ActorSoort] = mapped_column(_enum(ActorSoort, "actorsoort"))
    actor_gebruiker_id: Mapped[int | None] = mapped_column(ForeignKey("gebruiker.id"))
    actor_contactpersoon_id: Mapped[int | None] = mapped_column(ForeignKey("contactpersoon.id"))
    actor_label: Mapped[str] = mapped_column(String(200))
    toelichting: Mapped[str] = mapped_column(Text, default="")
    betreft: Mapped[str | None] = mapped_column(String(254))  # the address a deadline step concerned
    zaak: Mapped[Zaak] = relationship(back_populates="gebeurtenissen")


class VermedenScenario(Base):
    """What would have happened without the knip or escalatie: an item of the price list, so many times."""

    __tablename__ = "vermeden_scenario"
    __table_args__ = (
        UniqueConstraint("zaak_id", "prijspost_id", name="uq_vermeden_scenario_zaak_prijspost"),
        CheckConstraint("aantal >= 1", name="aantal"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    zaak_id: Mapped[int] = mapped_column(ForeignKey("zaak.id"), index=True)
    prijspost_id: Mapped[int] = mapped_column(ForeignKey("prijspost.id"), index=True)
    aantal: Mapped[int] = mapped_column(Integer)
    zaak: Mapped[Zaak] = relationship(back_populates="scenario")
    prijspost: Mapped[Prijspost] = relationship()


class Bericht(Base):
    """A message in a case's thread, whatever channel it came by."""

    __tablename__ = "bericht"
    id: Mapped[int] = mapped_column(primary_key=True)
    zaak_id: Mapped[int] = mapped_column(ForeignKey("zaak.id"), index=True)
    op: Mapped[datetime] = mapped_column(UTCDateTime)
    van_wijkteam: Mapped[bool] = mapped_column(Boolean)
    afzender: Mapped[str] = mapped_column(String(200))
    kanaal: Mapped[str] = mapped_column(String(20), default="web")
    tekst: Mapped[str] = mapped_column(Text)
    zaak: Mapped[Zaak] = relationship(back_populates="berichten")


class Termijnstap(Base):
    """A reminder or a climb taken for a case: recorded once, by its unique key."""

    __tablename__ = "termijnstap"
    __table_args__ = (UniqueConstraint("zaak_id", "ronde", "klok", "trede", "soort", name="uq_termijnstap_sleutel"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    zaak_id: Mapped[int] = mapped_column(ForeignKey("zaak.id"), index=True)
    # The case's term round the step belongs to (Zaak.termijnronde): forwarding to the Landelijk Maatwerkloket
    # or reopening starts a new round with its own ladder, so its steps do not collide with the earlier ones.
    ronde: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    klok: Mapped[str] = mapped_column(String(10))     # reactie / oplos
    trede: Mapped[int] = mapped_column(Integer)
    soort: Mapped[str] = mapped_column(String(20))    # herinnering / verlopen
    gepland_op: Mapped[datetime] = mapped_column(UTCDateTime)
    uitgevoerd_op: Mapped[datetime] = mapped_column(UTCDateTime)


class Zaaknummer(Base):
    """Per soort and year, the last number given out (a counter row, locked when used)."""

    __tablename__ = "zaaknummer"
    __table_args__ = (UniqueConstraint("prefix", "jaar", name="uq_zaaknummer_prefix_jaar"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    prefix: Mapped[str] = mapped_column(String(4))
    jaar: Mapped[int] = mapped_column(Integer)
    laatste: Mapped[int] = mapped_column(Integer, default=0)


class VerwerktFormulier(Base):
    """A form submission or API request already acted on: the same one sent twice acts once.

    A form's key is made by the server and unique on its own (`bereik` "formulier"); an API client
    chooses its own Idempotency-Key, so those are unique per user (`bereik` "api").
    """

    __tablename__ = "verwerkt_formulier"
    id: Mapped[int] = mapped_column(primary_key=True)
    bereik: Mapped[str] = mapped_column(String(10), default="formulier", server_default="formulier")
    sleutel: Mapped[str] = mapped_column(String(64))
    gebruiker_id: Mapped[int | None] = mapped_column(ForeignKey("gebruiker.id"))
    resultaat_url: Mapped[str] = mapped_column(String(400), default="")
    zaak_id: Mapped[int | None] = mapped_column(ForeignKey("zaak.id"))  # the case it made, for a retry's answer
    verzoek_hash: Mapped[str | None] = mapped_column(String(64))  # SHA-256 of the API request it answered
    op: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


Index("uq_verwerkt_formulier_formulier_sleutel", VerwerktFormulier.sleutel, unique=True,
      sqlite_where=VerwerktFormulier.bereik == "formulier", postgresql_where=VerwerktFormulier.bereik == "formulier")
Index("uq_verwerkt_formulier_api_gebruiker_sleutel", VerwerktFormulier.gebruiker_id, VerwerktFormulier.sleutel,
      unique=True, sqlite_where=VerwerktFormulier.bereik == "api", postgresql_where=VerwerktFormulier.bereik == "api")
